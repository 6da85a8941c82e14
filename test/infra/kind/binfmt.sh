#!/usr/bin/env bash
# Lets this machine run ARCH (default arm64) binaries: Debian's qemu-user-static,
# registered with binfmt_misc from the rule the package ships for systemd-binfmt
# (there may be no systemd here to load it). The rule's F flag opens the
# interpreter now, so it also runs inside containers and chroots, which see no
# /usr/libexec/qemu-binfmt of their own. Idempotent.
# Usage: test/infra/kind/binfmt.sh [ARCH]
source "$(dirname "$0")/lib.sh"

arch="${1:-arm64}"
case "$arch" in
  arm64) qemu=aarch64 ;;
  *) die "binfmt.sh: no qemu name for $arch" ;;
esac
ensure_packages qemu-user-static
misc=/proc/sys/fs/binfmt_misc
[[ -f "$misc/register" ]] || mount -t binfmt_misc binfmt_misc "$misc" ||
  die "cannot mount binfmt_misc at $misc (needs root, or a host that registers qemu-$qemu for you)"
if [[ ! -f "$misc/qemu-$qemu" ]]; then
  rule="/usr/lib/binfmt.d/qemu-$qemu.conf"
  [[ -f "$rule" ]] || die "qemu-user-static ships no $rule"
  log "registering qemu-$qemu with binfmt_misc ($rule)"
  cat "$rule" > "$misc/register"
fi
grep -qx enabled "$misc/qemu-$qemu" || die "binfmt_misc has qemu-$qemu disabled ($misc/qemu-$qemu)"
