# shellcheck shell=bash
# tests/lib.sh: TAP-style helpers for the host-side test scripts (sourced).
# Each check prints "ok N - name" or "not ok N - name" (with the evidence
# indented), and tap_done ends with "N passed, N failed".
T_N=0 T_FAIL=0
T_LOG=$(mktemp)
trap 'rm -f "$T_LOG"' EXIT

tap_result() {	# tap_result STATUS NAME [DETAIL]
	T_N=$((T_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T_N - $2"
	else
		T_FAIL=$((T_FAIL + 1))
		echo "not ok $T_N - $2"
		[ -z "${3:-}" ] || echo "$3" | sed 's/^/#   /'
	fi
}

# expect_fail NAME REGEX... -- CMD...: CMD must exit non-zero and its output
# must match every REGEX (grep -E).
expect_fail() {
	local name=$1 res=0 pats=() p
	shift
	while [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	if "$@" > "$T_LOG" 2>&1; then
		tap_result 1 "$name" "command succeeded but should have failed: $*"
		return
	fi
	for p in "${pats[@]}"; do
		grep -qE -- "$p" "$T_LOG" || { res=1; p="missing /$p/ in output:"; break; }
	done
	tap_result $res "$name" "$([ $res = 0 ] || { echo "$p"; tail -n 15 "$T_LOG"; })"
}

# expect_ok NAME CMD...: CMD must succeed.
expect_ok() {
	local name=$1
	shift
	if "$@" > "$T_LOG" 2>&1; then
		tap_result 0 "$name"
	else
		tap_result 1 "$name" "$(echo "exit $? from: $*"; tail -n 15 "$T_LOG")"
	fi
}

tap_done() {
	echo "$((T_N - T_FAIL)) passed, $T_FAIL failed"
	[ "$T_FAIL" = 0 ]
}
