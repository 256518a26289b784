#!/bin/sh
# guest.sh: the storage, network and syscall benchmarks, run inside the VM.
# Stage: benchmarks (guest side of benchmarks/paths/run). POSIX sh: runs
# under busybox in the initramfs that vm-run packs, on any kernel.
# Settings (environment): NB_DIR (this folder), NB_QUICK=1 (short runs, a
# subset), NB_NVME=1 (an NVMe disk is attached). Output: one section per
# measurement, "@@begin KIND NAME" ... "@@end rc=N", parsed on the host.
set -u
dir=${NB_DIR:?NB_DIR not set}
quick=${NB_QUICK:-0}
# Run lengths are guest time: under icount, virtual time (instructions).
if [ "$quick" = 1 ]; then io_t=300ms net_t=1 loops=5000; else io_t=1s net_t=2 loops=50000; fi
. "$dir/guest-lib.sh"

begin info kernel
uname -r
grep -c ^processor /proc/cpuinfo
end 0

# --- storage: null_blk (the kernel block path alone) and emulated NVMe.
# null_blk: guest-lib.sh, nullb_load.
nullb_load ||
	{ echo "guest.sh: cannot load null_blk" >&2; fail=1; }
devs=/dev/nullb0
[ "${NB_NVME:-0}" = 1 ] && devs="$devs /dev/nvme0n1"
fio_run() {	# fio_run DEV ENGINE JOB QD
	NB_DEV=$1 NB_ENGINE=$2 NB_QD=$4 NB_RUNTIME=$io_t \
		measure fio "$(basename "$1")/$2/$3/qd$4" \
		fio --output-format=json "$dir/fio/$3.fio"
}
for dev in $devs; do
	[ -b "$dev" ] || { echo "guest.sh: no block device $dev" >&2; fail=1; continue; }
	if [ "$quick" = 1 ]; then
		fio_run "$dev" io_uring randread-4k 1
		continue
	fi
	for eng in io_uring libaio psync; do
		for job in randread-4k randwrite-4k; do
			fio_run "$dev" $eng $job 1
			# psync has one I/O in flight whatever iodepth says
			[ $eng = psync ] || fio_run "$dev" $eng $job 32
		done
		for job in read-128k write-128k; do
			fio_run "$dev" $eng $job 1
		done
	done
done

# --- network: loopback, and veth between two network namespaces.
# Request/response with sockperf ping-pong, streams with iperf3.
$ip link set lo up
net_ok=1
modprobe veth && $ip netns add srv && $ip link add nb0 type veth peer name nb1 &&
	$ip link set nb1 netns srv && $ip addr add 10.199.0.1/24 dev nb0 && $ip link set nb0 up &&
	$ip netns exec srv $ip addr add 10.199.0.2/24 dev nb1 &&
	$ip netns exec srv $ip link set nb1 up && $ip netns exec srv $ip link set lo up || net_ok=0
[ $net_ok = 1 ] || { echo "guest.sh: veth/netns setup failed" >&2; fail=1; }
paths=lo
[ $net_ok = 1 ] && paths="lo veth"
for p in $paths; do
	if [ $p = lo ]; then addr=127.0.0.1 ns=-; else addr=10.199.0.2 ns=srv; fi
	for proto in tcp udp; do
		flag=; [ $proto = tcp ] && flag=--tcp
		server $ns sockperf sr $flag -i $addr -p 11111
		measure sockperf "$p/$proto-rr" sockperf pp $flag -i $addr -p 11111 -t $net_t -m 64
		stop_server
	done
	[ "$quick" = 1 ] && continue
	for proto in tcp udp; do
		flag=; [ $proto = udp ] && flag="-u -b 0 -l 1400"
		server $ns iperf3 -s -1 -p 5201
		# shellcheck disable=SC2086
		measure iperf3 "$p/$proto-stream" iperf3 -c $addr -p 5201 -t $net_t -J $flag
		stop_server
	done
done

# --- syscall and scheduler paths: perf bench, and perf stat's counters
# (TCG exposes no hardware PMU: those come back "<not supported>").
measure perf syscall-basic perf bench syscall basic -l $((loops * 10))
measure perf sched-pipe perf bench sched pipe -l $loops
[ "$quick" = 1 ] || measure perf futex-hash perf bench futex hash -r 1 -t 1
measure perfstat sched-pipe perf stat -x, -e task-clock,context-switches,page-faults,instructions,cycles \
	perf bench sched pipe -l $loops
exit $fail
