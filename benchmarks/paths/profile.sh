#!/bin/sh
# profile.sh: where the instructions of one fio job go, by kernel symbol.
# Stage: benchmarks (investigation; not part of make bench). Runs in the
# guest: perf samples the cpu-clock software event every 20 us of guest
# time; under icount that is every 20000 guest instructions, so the
# profile is an instruction profile. Usage (on the host):
#   scripts/vm-run --initramfs --icount [-F cloud | -k IMAGE -M MODS] \
#     --with fio --with perf --kmod null_blk --file benchmarks/paths \
#     -o prof.out -- env NB_DIR=$PWD/benchmarks/paths sh $PWD/benchmarks/paths/profile.sh
# Settings: NB_JOB (default randread-4k), NB_ENGINE (io_uring), NB_QD (1).
set -u
dir=${NB_DIR:?NB_DIR not set}
# shellcheck source=guest-lib.sh
. "$dir/guest-lib.sh"
nullb_load || exit 1
cd /tmp || exit 1
NB_DEV=/dev/nullb0 NB_ENGINE=${NB_ENGINE:-io_uring} NB_QD=${NB_QD:-1} NB_RUNTIME=300ms \
	perf record -q -e cpu-clock -c 20000 -o /tmp/p.data -- \
	fio --output-format=terse "$dir/fio/${NB_JOB:-randread-4k}.fio" > /dev/null || exit 1
echo "== samples by object"
perf report -i /tmp/p.data --stdio --sort dso 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 12
echo "== samples by symbol (top 60)"
perf report -i /tmp/p.data --stdio --sort dso,sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 60
