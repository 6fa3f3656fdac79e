# Sourced by the live benchmarks (bench/live_sipops, bench/sipops_rate):
# stand-ins for sipp and secretaryd that run the real programs under
# bench/lib/rusage.py, so that each one's CPU time lands in $CPU_DIR (set
# per run by the caller) as sipp-callers-PID.json, sipp-operators-PID.json
# (the SIPp running live_operator.xml) and secretaryd-PID.json.
#
#   rb_stand_ins ROOT BUILD WORK    writes WORK/bin/{sipp,secretaryd}, puts
#                                   WORK/bin first on PATH and points
#                                   RINGBENCH_SECRETARYD and RINGBENCH_FLOWS
#                                   at them; exit status 3 without sipp
rb_stand_ins() {
	local root=$1 build=$2 work=$3 sipp_bin
	sipp_bin=$(command -v sipp) || { echo "no sipp" >&2; return 3; }
	export RINGBENCH_FLOWS=$root/scenarios/sipp
	mkdir -p "$work/bin"
	cat >"$work/bin/sipp" <<SH
#!/bin/bash
role=callers
case " \$* " in *live_operator.xml*) role=operators ;; esac
exec python3 "$root/bench/lib/rusage.py" "\$CPU_DIR/sipp-\$role-\$\$.json" "$sipp_bin" "\$@"
SH
	cat >"$work/bin/secretaryd" <<SH
#!/bin/bash
exec python3 "$root/bench/lib/rusage.py" "\$CPU_DIR/secretaryd-\$\$.json" "$build/secretaryd" "\$@"
SH
	chmod +x "$work/bin/sipp" "$work/bin/secretaryd"
	export RINGBENCH_SECRETARYD=$work/bin/secretaryd
	export PATH=$work/bin:$PATH
}
