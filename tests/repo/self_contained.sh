#!/usr/bin/env bash
# No file of the repository points outside it: the project's definitions
# live in docs/definitions.md and docs/service.md, and users have nothing
# beside the checkout (no ../shared, no design notes of the developers).
set -u
src=${1:?usage: self_contained.sh SOURCE_DIR}
cd "$src" || exit 2
pattern='\.\./shared|shared/(DEFINITIONS|DOMAIN|ARCHITECTURE|STYLE)|DEFINITIONS\.md|DOMAIN\.md|ARCHITECTURE\.md|STYLE\.md'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	hits=$(git grep -n -I -E "$pattern" -- . ':!tests/repo/self_contained.sh' ':!.ci' || true)
else
	hits=$(grep -rn -I -E "$pattern" --exclude-dir=build --exclude-dir=.git --exclude=self_contained.sh . || true)
fi
if [ -n "$hits" ]; then
	echo "files that point outside the repository (write it in docs/ instead):"
	echo "$hits"
	exit 1
fi
# and every relative Markdown link inside docs/ and the README resolves
bad=0
while IFS= read -r f; do
	dir=$(dirname "$f")
	while IFS= read -r link; do
		target=${link%%#*}
		[ -z "$target" ] && continue
		case "$target" in http*|mailto:*) continue ;; esac
		if [ ! -e "$dir/$target" ]; then
			echo "$f: link to $link does not resolve"
			bad=1
		fi
	done < <(grep -o -E '\]\([^)]+\)' "$f" | sed -E 's/^\]\(([^)]*)\)$/\1/')
done < <(ls README.md docs/*.md scenarios/README.md 2>/dev/null)
[ $bad = 0 ] || exit 1
echo "self-contained: no file points outside the repository; every Markdown link resolves"
