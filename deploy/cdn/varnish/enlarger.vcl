# Enlarger's resizer behind Varnish (7.1+, with varnish-modules for xkey).
# Include this file after your own backend; default.vcl shows how. It is
# loaded unchanged by test/integration/cdn-varnish.test.ts, so what is
# asserted there is what this file does.
#
#  - Accept is normalised into the classes the resizer tells apart, so
#    `Vary: Accept` makes one object per class, not one per browser build.
#  - 400, 403 and 422 are kept for the max-age the resizer gives them
#    (Varnish's defaults would not cache those statuses at all), which
#    shields the resizer from a flood of one bad URL; no-store is honoured.
#  - Only immutable outputs may be served stale: a short-lived answer (a
#    photo still converting, an AVIF stand-in, an error) is never served
#    past its max-age.
#  - Every object is tagged with its photo (the resizer's Surrogate-Key), so
#    one PURGE drops every output and error of a photo in every class;
#    examples/purge-hook.ts sends it on photo.deleted and photo.updated.
vcl 4.1;

import std;
import xkey;

# Who may purge. Widen it to the host that runs your purger.
acl enlarger_purgers {
  "127.0.0.1";
  "::1";
}

sub vcl_recv {
  if (req.method == "PURGE") {
    if (client.ip !~ enlarger_purgers) {
      return (synth(403, "purging is not allowed from here"));
    }
    # `xkey-purge: photo-<id>`, as vcl_backend_response tags objects.
    if (!req.http.xkey-purge) {
      return (synth(400, "send the photo's tag in xkey-purge"));
    }
    return (synth(200, "purged " + xkey.purge(req.http.xkey-purge)));
  }
  if (req.url ~ "^/v1/photos/") {
    call enlarger_normalise_accept;
  }
}

# The resizer's fmt=auto picks AVIF when Accept lists image/avif, else WebP
# when it lists image/webp, else JPEG (PNG for alpha): wildcards don't
# count, and q=0 means "not accepted". With the background AVIF mode, an
# AVIF not rendered yet is answered with the next format the client
# accepts, so whether WebP is accepted still matters next to AVIF: folding
# Chrome's Accept into `image/avif` alone would make that stand-in a JPEG.
# Four classes, then; fixed-format URLs don't vary, so it costs them nothing.
sub enlarger_normalise_accept {
  if (req.http.Accept ~ "(?i)(^|,)\s*image/avif\s*(;\s*q\s*=\s*(0\.0*[1-9]|1)[^,]*)?\s*(,|$)") {
    set req.http.X-Enlarger-Avif = "1";
  }
  if (req.http.Accept ~ "(?i)(^|,)\s*image/webp\s*(;\s*q\s*=\s*(0\.0*[1-9]|1)[^,]*)?\s*(,|$)") {
    set req.http.X-Enlarger-Webp = "1";
  }
  if (req.http.X-Enlarger-Avif && req.http.X-Enlarger-Webp) {
    set req.http.Accept = "image/avif,image/webp";
  } elsif (req.http.X-Enlarger-Avif) {
    set req.http.Accept = "image/avif";
  } elsif (req.http.X-Enlarger-Webp) {
    set req.http.Accept = "image/webp";
  } else {
    set req.http.Accept = "*/*";
  }
  unset req.http.X-Enlarger-Avif;
  unset req.http.X-Enlarger-Webp;
}

sub vcl_backend_response {
  if (bereq.url ~ "^/v1/photos/") {
    # The resizer's own tags (Surrogate-Key, space-separated: `photo-<id>`),
    # so a purge hook purges what the origin names; from the URL for an
    # origin too old to send them.
    if (beresp.http.Surrogate-Key) {
      set beresp.http.xkey = beresp.http.Surrogate-Key;
    } else {
      set beresp.http.xkey = "photo-" + regsub(bereq.url, "^/v1/photos/([^/?]+).*$", "\1");
    }
    if ((beresp.status == 400 || beresp.status == 403 || beresp.status == 422) &&
        beresp.http.Cache-Control ~ "(?i)(^|[ ,])max-age=[0-9]+" &&
        beresp.http.Cache-Control !~ "(?i)no-store|private") {
      set beresp.ttl = std.duration(
        regsub(beresp.http.Cache-Control, "(?i)^.*max-age=([0-9]+).*$", "\1s"), 0s);
    }
    # Grace would serve an expired object while fetching its successor: fine
    # for bytes that never change, wrong for anything else.
    if (beresp.http.Cache-Control !~ "(?i)immutable") {
      set beresp.grace = 0s;
    }
  }
}

sub vcl_deliver {
  # The tags are for this cache only.
  unset resp.http.xkey;
  unset resp.http.Surrogate-Key;
  if (obj.hits > 0) {
    set resp.http.X-Cache = "HIT";
  } else {
    set resp.http.X-Cache = "MISS";
  }
}
