#!/bin/sh
# calls.sh: kernel function calls and tracepoint sites per operation.
# Stage: benchmarks (investigation; not part of make bench). Runs in the
# guest. Every traceable function begins with a 5-byte NOP (its fentry
# site) and every tracepoint with a static-branch NOP; under icount each is
# one guest ns. This counts them per operation: the function tracer (then
# every trace event) records one run of N operations and one of 5N; the
# difference over 4N operations is the per-operation count, free of setup.
# Usage (on the host; icount, so that timer interrupts fall the same way):
#   scripts/vm-run --initramfs --icount [-F cloud | -k IMAGE -M MODS] -m 2048 -t 3000 \
#     --with fio --with perf --kmod null_blk --file benchmarks/paths \
#     -o calls.out -- env NB_DIR=$PWD/benchmarks/paths sh $PWD/benchmarks/paths/calls.sh
# Output: "WHAT KIND N COUNT" lines (KIND functions or events), then the
# per-operation figures. A buffer overrun is reported on stderr.
# Settings: NB_DIR (this folder), NB_N (operations in the short run, 500).
set -u
dir=${NB_DIR:?NB_DIR not set}
# shellcheck source=guest-lib.sh
. "$dir/guest-lib.sh"
T=/sys/kernel/tracing
[ -d "$T/events" ] || mount -t tracefs nodev "$T" || exit 1
nullb_load || exit 1
echo 131072 > "$T/buffer_size_kb" || exit 1
n1=${NB_N:-500}
n2=$((n1 * 5))

# count KIND CMD...: entries the trace buffer holds after CMD, with KIND on
count() {
	kind=$1
	shift
	echo 0 > "$T/tracing_on"
	echo > "$T/trace"
	if [ "$kind" = functions ]; then
		echo function > "$T/current_tracer"
	else
		echo 1 > "$T/events/enable"
	fi
	echo 1 > "$T/tracing_on"
	"$@" > /dev/null 2>&1 || echo "calls.sh: '$*' failed" >&2
	echo 0 > "$T/tracing_on"
	# "entries-in-buffer/entries-written: A/B": A < B means an overrun
	head -n 3 "$T/trace" | awk '/entries-in-buffer/ { split($3, e, "/");
		if (e[1] != e[2]) print "calls.sh: buffer overrun (" $3 ")" > "/dev/stderr"
		print e[1] }'
	# (changing current_tracer clears the buffer: only after reading it)
	echo 0 > "$T/events/enable"
	echo nop > "$T/current_tracer"
}

run() {	# run WHAT N: one workload of N operations
	case "$1" in
	sched-pipe) perf bench sched pipe -l "$2" ;;
	syscall-basic) perf bench syscall basic -l "$2" ;;
	psync-randread-4k) fio --name=c --filename=/dev/nullb0 --ioengine=psync --direct=1 \
		--bs=4k --rw=randread --number_ios="$2" --size=1g ;;
	io_uring-read-128k) fio --name=c --filename=/dev/nullb0 --ioengine=io_uring --direct=1 \
		--bs=128k --rw=read --number_ios="$2" --size=2g ;;
	esac
}

for kind in functions events; do
	for what in sched-pipe syscall-basic psync-randread-4k io_uring-read-128k; do
		c1=$(count "$kind" run "$what" "$n1")
		c2=$(count "$kind" run "$what" "$n2")
		echo "$what $kind $n1 $c1"
		echo "$what $kind $n2 $c2"
		awk -v w="$what" -v k="$kind" -v a="$c1" -v b="$c2" -v n="$((n2 - n1))" \
			'BEGIN { printf "%s %s per operation: %.1f\n", w, k, (b - a) / n }'
	done
done
