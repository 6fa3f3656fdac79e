#!/usr/bin/env bash
# Every option a command's --help lists is one its parser knows: given
# alone, it may want a value or a file, but it is never "unknown". With the
# man pages and completion generated from --help (cmake/rb_helpdoc.py),
# this closes the loop: help, man page, completion and parser agree.
#   help_options_accepted.sh RINGBENCH SECRETARYD
set -u
rb=$1 sd=$2
bad=0 n=0
check() { # prog... then the option
	local opt=${*: -1}
	local out
	out=$(timeout 10 "$@" </dev/null 2>&1 >/dev/null)
	n=$((n + 1))
	if printf '%s' "$out" | grep -qiE "unknown option|unrecognized option|not a command"; then
		echo "FAIL: $* : $(printf '%s' "$out" | head -1)"
		bad=$((bad + 1))
	fi
}
opts_of() { "$@" --help 2>&1 | grep -oE '^ {1,8}(-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u; }
for cmd in $("$rb" --help | awk '/^commands:/{f=1;next} f&&/^  [a-z]/{print $1} f&&/^$/{f=0}'); do
	for o in $(opts_of "$rb" "$cmd"); do
		[ "$o" = --help ] && continue
		check "$rb" "$cmd" "$o"
	done
done
for o in $(opts_of "$sd"); do
	case $o in --help | --version) continue ;; esac
	# --check-config alone would want a scenario: given one, it must not be unknown
	check "$sd" --data-dir none --listen 127.0.0.1:0 --http off "$o"
done
echo "$n options tried, $bad unknown to their own command"
[ "$n" -gt 50 ] && [ "$bad" -eq 0 ]
