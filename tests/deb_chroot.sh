#!/bin/bash
# deb_chroot: the .deb as a user gets it. Builds it (cpack -G DEB), makes a
# clean Debian 12 chroot (debootstrap --variant=minbase bookworm, kept in
# BUILD/deb-chroot/base for the next run), installs the package there with
# apt (its dependencies from Debian's mirror), then runs `ringbench model` on
# a shipped scenario, `ringbench report`, `man ringbench`, and secretaryd from
# the unit's ExecStart line for a few seconds (as its own user, in a network
# namespace of its own so it cannot disturb anything on the host's ports);
# last, purges the package. Needs root, debootstrap and the mirror: exit 77
# (skipped) without them.
#   deb_chroot.sh BUILD_DIR SOURCE_DIR
# Output kept in BUILD/deb-chroot/: the package's file list (dpkg-c.txt),
# lintian's report (lintian.txt, when lintian is installed), the log.
set -u
BUILD=$(cd "$1" && pwd) SRC=$2
MIRROR=${RB_DEB_MIRROR:-http://deb.debian.org/debian}
W=$BUILD/deb-chroot
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || skip "needs debootstrap (apt-get install debootstrap)"
command -v unshare >/dev/null || skip "needs unshare (util-linux)"
timeout 20 curl -sfI "$MIRROR/dists/bookworm/Release" >/dev/null 2>&1 ||
	timeout 20 wget -q --spider "$MIRROR/dists/bookworm/Release" >/dev/null 2>&1 ||
	skip "Debian's mirror $MIRROR is unreachable"

mkdir -p "$W"
rm -rf "$W/pkg"
(cd "$BUILD" && cpack -G DEB -B "$W/pkg") >"$W/cpack.log" 2>&1 || { cat "$W/cpack.log"; fail "cpack -G DEB"; }
DEB=$(ls "$W"/pkg/ringbench_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || fail "no ringbench_*.deb made"
echo "package: $DEB"
dpkg -c "$DEB" >"$W/dpkg-c.txt"
dpkg -I "$DEB" >"$W/dpkg-I.txt"
if command -v lintian >/dev/null; then
	lintian "$DEB" >"$W/lintian.txt" 2>&1
	echo "lintian: $(grep -c '^[EW]:' "$W/lintian.txt") errors and warnings (deb-chroot/lintian.txt)"
fi

# the clean system, made once
BASE=$W/base
if [ ! -x "$BASE/usr/bin/apt" ]; then
	rm -rf "$BASE"
	echo "debootstrap --variant=minbase bookworm (a few minutes, once)"
	debootstrap --variant=minbase bookworm "$BASE" "$MIRROR" >"$W/debootstrap.log" 2>&1 || {
		tail -20 "$W/debootstrap.log"
		rm -rf "$BASE"
		grep -qi 'resolve\|connect\|download' "$W/debootstrap.log" && skip "debootstrap could not download"
		fail "debootstrap"
	}
fi
R=$W/root
[ -d "$R" ] && { umount -l "$R/proc" 2>/dev/null; rm -rf "$R"; }
cp -a "$BASE" "$R"
mount -t proc proc "$R/proc" || fail "mount proc"
trap 'umount -l "$R/proc" 2>/dev/null' EXIT
cp /etc/resolv.conf "$R/etc/resolv.conf"
cp "$DEB" "$R/tmp/"
DEBN=/tmp/$(basename "$DEB")
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

echo "apt install $DEBN"
in_root apt-get update >"$W/apt.log" 2>&1 || { tail "$W/apt.log"; fail "apt-get update in the chroot"; }
in_root apt-get install -y --no-install-recommends man-db >>"$W/apt.log" 2>&1 ||
	{ tail "$W/apt.log"; fail "apt-get install man-db"; }
in_root apt install -y --no-install-recommends "$DEBN" >>"$W/apt.log" 2>&1 ||
	{ tail -30 "$W/apt.log"; fail "apt install ./ringbench_*.deb"; }
in_root getent passwd secretaryd >/dev/null || fail "postinst made no secretaryd user"

PREFIX=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
SCN=$PREFIX/share/ringbench/scenarios/morning-burst.yaml
echo "ringbench model $SCN --out /tmp/x"
in_root ringbench model "$SCN" --out /tmp/x --jobs 1
rc=$?
# morning-burst misses its peak target on purpose: 1 is its verdict
[ $rc -le 1 ] || [ $rc -eq 4 ] || fail "ringbench model: exit $rc"
[ -s "$R/tmp/x/summary.json" ] || fail "no /tmp/x/summary.json"
echo "ringbench report /tmp/x"
in_root ringbench report /tmp/x || fail "ringbench report: exit $?"
[ -s "$R/tmp/x/report/index.html" ] || fail "no report/index.html"
for p in "ringbench" "5 ringbench-scenario" "8 secretaryd"; do
	# shellcheck disable=SC2086
	in_root sh -c "MANPAGER=cat MANWIDTH=80 man $p" >"$W/man-${p##* }.txt" 2>&1 ||
		fail "man $p"
done
grep -q 'ringbench model' "$W/man-ringbench.txt" || fail "man ringbench: no model section"
echo "man ringbench: $(wc -l <"$W/man-ringbench.txt") lines"

# secretaryd from the unit's ExecStart, as User= would run it, its
# StateDirectory made as systemd makes it
UNIT=$R$PREFIX/lib/systemd/system/secretaryd.service
[ -f "$UNIT" ] || UNIT=$R/lib/systemd/system/secretaryd.service
[ -f "$UNIT" ] || fail "no secretaryd.service"
EXEC=$(sed -n 's/^ExecStart=//p' "$UNIT")
OPTS=$(. "$R/etc/default/secretaryd" && echo "${SECRETARYD_OPTS:-}")
EXEC=${EXEC//\$SECRETARYD_OPTS/$OPTS}
echo "secretaryd: $EXEC"
in_root sh -c 'mkdir -p /var/lib/secretaryd && chown secretaryd:secretaryd /var/lib/secretaryd && chmod 750 /var/lib/secretaryd'
unshare --net -- sh -c '
	ip link set lo up 2>/dev/null || true
	chroot "$1" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
		setpriv --reuid=secretaryd --regid=secretaryd --init-groups -- sh -c "cd /var/lib/secretaryd && exec $2" \
		>"$3/secretaryd.out" 2>"$3/secretaryd.err" &
	pid=$!
	for i in $(seq 50); do grep -q "secretaryd ready" "$3/secretaryd.out" && break; sleep 0.2; done
	sleep 3
	kill -TERM $pid
	wait $pid
	echo "exit $?" >>"$3/secretaryd.out"
' sh "$R" "$EXEC" "$W"
cat "$W/secretaryd.out"
grep -q 'secretaryd ready' "$W/secretaryd.out" || { tail "$W/secretaryd.err"; fail "secretaryd never ready"; }
grep -q '^exit 0$' "$W/secretaryd.out" || { tail "$W/secretaryd.err"; fail "secretaryd did not stop cleanly on SIGTERM"; }
[ -e "$R/var/lib/secretaryd/cdr.sqlite" ] || fail "no cdr.sqlite in /var/lib/secretaryd"

if command -v systemd-analyze >/dev/null; then
	# the chroot has no systemd of its own, so its targets are missing;
	# anything else said about the unit is a fault of the unit
	systemd-analyze verify --man=no --root="$R" "${UNIT#"$R"}" >"$W/systemd-analyze.txt" 2>&1
	echo "systemd-analyze verify: exit $? (deb-chroot/systemd-analyze.txt)"
	grep -v 'Unit sysinit.target not found' "$W/systemd-analyze.txt" | grep . &&
		fail "systemd-analyze verify found fault with secretaryd.service"
fi

in_root apt-get purge -y ringbench >>"$W/apt.log" 2>&1 || { tail "$W/apt.log"; fail "apt-get purge ringbench"; }
[ ! -e "$R/var/lib/secretaryd" ] || fail "purge left /var/lib/secretaryd"
umount -l "$R/proc"
trap - EXIT
rm -rf "$R"
echo PASS
