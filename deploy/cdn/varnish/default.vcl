# A whole Varnish configuration for the resizer: your backend, then the
# recipe. scripts/varnish.sh writes one like it with the backend it is given.
vcl 4.1;

backend resizer {
  .host = "127.0.0.1";
  .port = "8081";
  # A miss renders: give it the resizer's deadline (RESIZER_DEADLINE_MS) and a little more.
  .first_byte_timeout = 15s;
}

include "/etc/varnish/enlarger.vcl";
