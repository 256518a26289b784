# shellcheck shell=bash
# tests/workloads/lib.sh: TAP helpers for the guest side of a workload group
# (sourced by GROUP/guest.sh, bash, as root in the VM). Each check prints
# "ok N - name" or "not ok N - name" with the evidence indented under "#",
# "# figure: NAME VALUE UNIT" lines carry measured figures to the report, and
# wl_done ends with "N passed, N failed".
WL_N=0 WL_FAIL=0
WL_LOG=$(mktemp)
# (the modprobe wrapper guest-init made for the kernel under test first)
export PATH=/run/nimbus/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

wl_result() {	# wl_result STATUS NAME [EVIDENCE]
	WL_N=$((WL_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $WL_N - $2"
	else
		WL_FAIL=$((WL_FAIL + 1))
		echo "not ok $WL_N - $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | tail -n 25 | sed 's/^/#   /'
	fi
}

# wl_check NAME CMD...: CMD must succeed; its output is the evidence if not.
wl_check() {
	local name=$1 rc=0
	shift
	"$@" > "$WL_LOG" 2>&1 || rc=$?
	wl_result "$rc" "$name" "$(echo "exit $rc: $*"; cat "$WL_LOG")"
	return "$rc"
}

# wl_refused NAME CMD...: CMD must fail (a protection or a refusal).
wl_refused() {
	local name=$1 rc=0
	shift
	"$@" > "$WL_LOG" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then wl_result 0 "$name"; else wl_result 1 "$name" "succeeded: $*"; fi
}

wl_figure() {	# wl_figure NAME VALUE UNIT
	echo "# figure: $1 $2 $3"
}

wl_done() {
	rm -f "$WL_LOG"
	echo "$((WL_N - WL_FAIL)) passed, $WL_FAIL failed"
	[ "$WL_FAIL" = 0 ]
}
