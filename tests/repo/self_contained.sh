#!/usr/bin/env bash
# No file of the repository points outside it: the project's definitions
# live in docs/definitions.md and docs/service.md, and users have nothing
# beside the checkout (not the developers' own design notes either).
set -u
src=${1:?usage: self_contained.sh SOURCE_DIR}
cd "$src" || exit 2
# the notes' folder and names, spelled in pieces so this file does not match itself
up='\.\.' notes='sha''red' defs='DEFI''NITIONS' dom='DO''MAIN' arch='ARCHI''TECTURE' sty='STY''LE'
pattern="$up/$notes|$notes/($defs|$dom|$arch|$sty)|$defs\.md|$dom\.md|$arch\.md|$sty\.md"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	hits=$(git grep -n -I -E "$pattern" -- . ':!.ci' || true)
else
	hits=$(grep -rn -I -E "$pattern" --exclude-dir='build*' --exclude-dir=.git --exclude-dir=.ci . || true)
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
