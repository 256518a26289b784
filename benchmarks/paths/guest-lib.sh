# shellcheck shell=sh
# guest-lib.sh: what the guest sides of the benchmarks share (POSIX sh,
# sourced). Stage: benchmarks. Output format read by benchmarks/paths/parse:
# one section per measurement, "@@begin KIND NAME" ... "@@end rc=N".
# busybox sh runs its own applets first; iproute2's ip is needed for veth
# and network namespaces.
ip=ip
[ -x /usr/sbin/ip ] && ip=/usr/sbin/ip

# nullb_load: the benchmark's block device, /dev/nullb0: blk-mq, completions
# inline (irqmode=0), no backing memory, so a read costs only the kernel's
# and the engine's instructions (guest.sh, profile.sh and calls.sh use it)
nullb_load() {
	modprobe null_blk nr_devices=1 queue_mode=2 irqmode=0 gb=4 hw_queue_depth=64
}

begin() { echo "@@begin $*"; }
end() { echo "@@end rc=$1"; }
fail=0
# measure KIND NAME CMD...: run CMD as one section
measure() {
	begin "$1" "$2"
	shift 2
	"$@" 2>&1
	rc=$?
	[ $rc = 0 ] || fail=1
	end $rc
}

# server NETNS CMD...: start a server in network namespace NETNS ("-" for
# the current one) and give it server_wait seconds to listen (default 0.2;
# more on a wall-clock guest of a busy host); stop_server ends it
server() {
	if [ "$1" = - ]; then
		shift
		"$@" > /dev/null 2>&1 &
	else
		ns=$1
		shift
		$ip netns exec "$ns" "$@" > /dev/null 2>&1 &
	fi
	spid=$!
	sleep "${server_wait:-0.2}"
}
stop_server() { kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; }

# wait_listen NETNS tcp|udp PORT: wait up to 10 s until a socket listens
# (a loaded wall-clock guest can take seconds to start a server)
wait_listen() {
	opt=-Hltn
	[ "$2" = udp ] && opt=-Hlun
	i=0
	while [ $i -lt 50 ]; do
		if [ "$1" = - ]; then
			out=$(ss $opt "sport = :$3" 2>/dev/null)
		else
			out=$($ip netns exec "$1" ss $opt "sport = :$3" 2>/dev/null)
		fi
		[ -n "$out" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	echo "guest-lib: nothing listens on $2 port $3 after 10 s" >&2
	return 1
}
