#!/usr/bin/env bash
# Debian's heif-enc (libheif with x265), installed on first use: the tests make
# their HEIC fixtures with it at test time, since none may be downloaded.
# The converter's decoder, heif-convert, comes in the same package.
# Usage: scripts/heif-enc.sh [heif-enc options] image.png
source "$(dirname "$0")/lib.sh"
ensure_packages libheif-examples
exec heif-enc "$@"
