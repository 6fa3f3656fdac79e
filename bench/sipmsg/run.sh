#!/bin/bash
# Builds and runs the sipmsg micro-benchmark (needs libosip2-dev for the
# peer). Usage: bench/sipmsg/run.sh [seconds per case, default 1]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! pkg-config --exists libosip2; then
  echo "bench/sipmsg: needs libosip2-dev (the peer parser): apt-get install libosip2-dev" >&2
  exit 3
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -std=c11 -O2 -D_DEFAULT_SOURCE -Wall -Wextra -Wno-unused-parameter \
  -I"$root/core" "$here/bench_sipmsg.c" "$root"/core/sipmsg*.c \
  $(pkg-config --cflags --libs libosip2) -o "$out/bench_sipmsg"
"$out/bench_sipmsg" "${1:-1}"
