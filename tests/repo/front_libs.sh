#!/usr/bin/env bash
# ringbench and ringbench-full (cmake/ringbench_exe.cmake, sim/cmd/main.c):
# the front maps none of libpcap, SQLite and GLPK (nor what they pull in),
# ringbench-full does; both list the same commands; a command of the full
# program's, asked of the front, is run by it (same help, same exit status);
# without ringbench-full beside it the front says so and exits 3.
#   front_libs.sh RINGBENCH RINGBENCH_FULL
set -u
rb=$1 full=$2
fail() { echo "FAIL: $*"; exit 1; }
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
command -v readelf >/dev/null || { echo "skipped: no readelf"; exit 77; }

front=$(needed "$rb") || fail "readelf $rb"
all=$(needed "$full") || fail "readelf $full"
for lib in libpcap libsqlite3 libglpk; do
	printf '%s\n' "$front" | grep -q "^$lib\." && fail "ringbench links $lib"
	printf '%s\n' "$all" | grep -q "^$lib\." || fail "ringbench-full does not link $lib (the test is stale?)"
done
# what the loader maps (ldd: the libraries' own dependencies too)
if ldd "$rb" | grep -qE 'lib(pcap|sqlite3|glpk|dbus-1|systemd)\.'; then
	fail "ringbench maps: $(ldd "$rb" | grep -oE 'lib(pcap|sqlite3|glpk|dbus-1|systemd)[^ ]*' | tr '\n' ' ')"
fi

cmds() { "$1" --help | awk '/^commands:/{f=1;next} f&&/^  [a-z]/{print $1} f&&/^$/{f=0}'; }
[ "$(cmds "$rb")" = "$(cmds "$full")" ] || fail "the two programs list different commands"
[ "$(cmds "$rb" | wc -l)" -ge 11 ] || fail "ringbench --help lists $(cmds "$rb" | wc -l) commands"

for c in $(cmds "$rb"); do
	a=$("$rb" "$c" --help 2>&1) ra=$?
	b=$("$full" "$c" --help 2>&1) rf=$?
	[ "$a" = "$b" ] && [ $ra = $rf ] || fail "ringbench $c --help differs from ringbench-full's"
	printf '%s\n' "$a" | grep -q "^usage: ringbench $c" || fail "ringbench $c --help: $(printf '%s' "$a" | head -1)"
done
"$rb" analyze /nonexistent.pcap --out /nonexistent/x >/dev/null 2>&1
ra=$?
"$full" analyze /nonexistent.pcap --out /nonexistent/x >/dev/null 2>&1
[ $ra = $? ] && [ $ra != 0 ] || fail "ringbench analyze exits $ra, ringbench-full another way"

# the front alone: a clear message and exit 3 for the full program's commands
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$rb" "$T/ringbench"
"$T/ringbench" model --help >/dev/null || fail "a lone ringbench cannot run model"
out=$("$T/ringbench" fit --help 2>&1)
[ $? = 3 ] || fail "a lone ringbench fit: exit not 3"
printf '%s\n' "$out" | grep -q "cannot run $T/ringbench-full" || fail "a lone ringbench fit said: $out"
echo PASS
