#!/usr/bin/env bash
# Lists the C functions of the tree with their lengths in lines (first line
# of the definition to its closing brace), longest first, from universal
# ctags' end fields. Used by tests/repo/function_size.sh (the CI limit) and
# to measure a refactoring before and after.
#
#   tests/tools/function_sizes.sh [SRCDIR] [N]    the N longest (default all)
set -euo pipefail
src=${1:-.}
n=${2:-0}
cd "$src"
files=$(git ls-files '*.c' 2>/dev/null || find . -name '*.c' -printf '%P\n')
# shellcheck disable=SC2086
ctags -x --languages=C --kinds-C=f --fields=+ne \
    --_xformat='%{line} %{end} %{input} %{name}' $files |
  awk '$2 != "" { printf "%d %s:%d %s\n", $2 - $1 + 1, $3, $1, $4 }' |
  sort -k1,1nr -k2,2 |
  if [ "$n" -gt 0 ]; then head -n "$n"; else cat; fi
