#!/bin/bash
# install_run: `cmake --install` into a DESTDIR under the build folder, then
# the installed ringbench run from a folder outside the checkout: it finds
# the shipped scenarios, its man pages and completion are in place, `model`
# runs and `report` finds the run's scenario among the installed ones.
#   install_run.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$1 SRC=$2
STAGE=$BUILD/install-test
rm -rf "$STAGE"
DESTDIR=$STAGE cmake --install "$BUILD" >"$BUILD/install-test.log" 2>&1 ||
	{ cat "$BUILD/install-test.log"; echo "FAIL: cmake --install"; exit 1; }
PREFIX=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
P=$STAGE$PREFIX
RB=$P/bin/ringbench
fail() { echo "FAIL: $*"; exit 1; }

for f in bin/ringbench bin/secretaryd share/ringbench/scenarios/quick.yaml \
	share/ringbench/scenarios/morning-burst.yaml share/ringbench/scenarios/suites/smoke.yaml \
	share/ringbench/scenarios/sipp/live_caller.xml share/ringbench/scenarios/sipp/live_caller_auth.xml \
	share/doc/ringbench/README.md share/doc/ringbench/docs/live.md \
	share/man/man1/ringbench.1.gz share/man/man8/secretaryd.8.gz \
	share/man/man5/ringbench-scenario.5.gz share/bash-completion/completions/ringbench \
	lib/systemd/system/secretaryd.service lib/sysusers.d/secretaryd.conf; do
	[ -s "$P/$f" ] || fail "not installed: $f"
done
[ -x "$RB" ] || fail "$RB not executable"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
case "$T" in "$SRC"*) fail "$T is inside the checkout" ;; esac

"$RB" model "$P/share/ringbench/scenarios/quick.yaml" --out "$T/x" --quiet
rc=$?
[ $rc -le 1 ] || [ $rc -eq 4 ] || fail "installed ringbench model: exit $rc"
[ -s "$T/x/summary.json" ] || fail "no summary.json"
"$RB" live --help | grep -q '^usage: ringbench live' || fail "installed ringbench live --help"

# report finds a run's scenario by name among the installed ones when the
# path in the recorded command is gone: a probe scenario that only the
# installed copy holds (not the source tree), its shifts then in timeline.dat
sed 's/^name: quick$/name: install-probe/' "$P/share/ringbench/scenarios/quick.yaml" \
	>"$P/share/ringbench/scenarios/install-probe.yaml"
cp "$P/share/ringbench/scenarios/install-probe.yaml" "$T/install-probe.yaml"
"$RB" model install-probe.yaml --out "$T/y" --quiet --calls none --timeline day
rm -f "$T/install-probe.yaml"
if command -v gnuplot >/dev/null; then
	"$RB" report "$T/y" --quiet >/dev/null || fail "installed ringbench report: exit $?"
	awk '/from the scenario/ { f = 1; next } f && /^[0-9]/ { n++ } END { exit !n }' \
		"$T/y/report/timeline.dat" || fail "report did not find the installed install-probe.yaml"
fi

MANPAGER=cat man -l "$P/share/man/man1/ringbench.1.gz" 2>/dev/null | grep -q 'ringbench model' ||
	fail "man page ringbench.1 does not render"
bash -n "$P/share/bash-completion/completions/ringbench" || fail "completion: bash syntax"
# the completion completes: a command, a command's option, a scenario file
if [ -f /usr/share/bash-completion/bash_completion ]; then
	cp "$P/share/ringbench/scenarios/quick.yaml" "$T/"
	got=$(bash -c '
		. /usr/share/bash-completion/bash_completion; . "$1"
		t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		      COMPREPLY=(); _ringbench; echo "${COMPREPLY[*]}"; }
		t ringbench mo; t ringbench sweep --me; t ringbench model qu' sh \
		"$P/share/bash-completion/completions/ringbench")
	[ "$got" = "$(printf 'model\n--merge\nquick.yaml')" ] || fail "completion gave: $got"
fi
echo PASS
