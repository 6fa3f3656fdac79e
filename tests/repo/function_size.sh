#!/usr/bin/env bash
# No C function of the repository is longer than 80 lines (definition to
# closing brace): a longer one is split into named stages. The exceptions
# are tests/repo/function_size.allow, one `path:function  reason` a line;
# an exception no longer needed is reported too, so the list only shrinks.
#
#   tests/repo/function_size.sh SOURCE_DIR [LIMIT]
set -u
src=${1:?usage: function_size.sh SOURCE_DIR [LIMIT]}
limit=${2:-80}
here=$(cd "$(dirname "$0")" && pwd)
allow=$here/function_size.allow
command -v ctags >/dev/null || { echo "function_size: ctags (universal-ctags) not found"; exit 2; }
sizes=$(bash "$here/../tools/function_sizes.sh" "$src") || exit 2
[ -n "$sizes" ] || { echo "function_size: no functions found under $src"; exit 2; }
# "path:function" of each allowed exception (comments and blank lines skipped)
allowed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$allow" | awk '{print $1}' | sort -u)
bad=0
long=$(awk -v lim="$limit" '$1 > lim { split($2, a, ":"); print a[1] ":" $3 " " $1 " " $2 " " $3 }' <<<"$sizes")
while read -r key n where name; do
	[ -z "$key" ] && continue
	if ! grep -qxF "$key" <<<"$allowed"; then
		echo "$where $name: $n lines (limit $limit): split it into stages, or add '$key  reason' to tests/repo/function_size.allow"
		bad=1
	fi
done <<<"$long"
# an allowed function that is now short enough (or gone) leaves the list
longkeys=$(awk '{print $1}' <<<"$long" | sort -u)
while read -r key; do
	[ -z "$key" ] && continue
	if ! grep -qxF "$key" <<<"$longkeys"; then
		echo "tests/repo/function_size.allow: $key is no longer over $limit lines: remove it"
		bad=1
	fi
done <<<"$allowed"
exit $bad
