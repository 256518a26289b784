#!/bin/bash
# tests/workloads/kdump/guest.sh: a panic must leave a dump. When an Azure VM
# crashes, the kernel team and Azure support read the dump (crash, or
# makedumpfile --dump-dmesg) to find out why; without one every crash in the
# fleet is a guess. kdump: the running kernel keeps memory aside
# (crashkernel=), kexec-tools loads a capture kernel into it, a panic jumps
# to that kernel, which sees the dead kernel's memory as /proc/vmcore and
# saves it with makedumpfile.
# The job runs twice in one VM:
#  1. first kernel (no /proc/vmcore): check the reservation, load the same
#     kernel image and initramfs as capture kernel with kexec_file_load
#     (kexec -s -p), leave a mark in the kernel log, panic (sysrq c).
#  2. capture kernel (guest-init runs the job again): save /proc/vmcore to
#     the ext4 dump disk (makedumpfile -l -d 31) and prove the file is a
#     dump of the crashed kernel: its release, its log with the panic and
#     the mark. The first kernel's results reach it on its command line
#     (wl_kdump_*=), so the one summary at the end counts both phases.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$WL_DIR/../lib.sh"

tmp=$(mktemp -d)

# wl_param NAME: the value of NAME= on this kernel's command line
wl_param() {
	tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -n 1
}

# wl_dump_disk: load virtio_blk (no udev here) and print the dump disk's
# device once blkid finds its label
wl_dump_disk() {
	local dev='' _
	modprobe virtio_blk || return
	for _ in $(seq 30); do
		dev=$(blkid -L wl-kdump) && [ -b "$dev" ] && { echo "$dev"; return 0; }
		sleep 1
	done
	echo "no disk labelled wl-kdump: $(blkid)" >&2
	return 1
}

# (the wl_ functions below run through wl_check)
# shellcheck disable=SC2317
# wl_describes FILE TEXT...: file(1)'s description of FILE has each TEXT
wl_describes() {
	local what t f=$1
	what=$(file -b "$f")
	echo "file: $what"
	shift
	for t in "$@"; do
		case "$what" in *"$t"*) ;; *) echo "no '$t' in it"; return 1 ;; esac
	done
}

# shellcheck disable=SC2317
# wl_elf_core FILE: FILE starts with the ELF magic
wl_elf_core() {
	local magic
	magic=$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')
	echo "first bytes of $1: $magic"
	[ "$magic" = 7f454c46 ]
}

# ---- phase 1: the first kernel ----
wl_first_kernel() {
	local reserved kernel initrd='' job append mark base load release
	release=$(uname -r)
	reserved=$(cat /sys/kernel/kexec_crash_size 2>/dev/null || echo 0)
	wl_check "memory is reserved for a capture kernel (crashkernel=): $reserved bytes" \
		test "$reserved" -gt 0
	wl_figure kdump_reserved $((reserved / 1048576)) MiB
	wl_check "/proc/iomem shows the reservation" grep -q 'Crash kernel' /proc/iomem
	wl_check "the dump disk is there (virtio, ext4 labelled wl-kdump)" wl_dump_disk

	# the capture kernel is the image this VM booted: its version string
	# (in the bzImage header) is the running kernel's
	kernel=$(cat "$WL_WORK/kernel-path")
	wl_check "the capture kernel image is the running kernel ($(uname -r))" \
		wl_describes "$kernel" "bzImage, version $release "
	# ... with the same initramfs (vm-run's, next to the job, which loads
	# the 9p modules and mounts the same root) and command line
	if grep -qw 'rdinit=/init' /proc/cmdline; then
		job=$(wl_param nimbus_job)
		initrd=$(dirname "$job")/initrd.cpio
		wl_check "the first boot's initramfs is readable ($initrd)" test -s "$initrd"
	fi

	# the capture kernel's command line: the first boot's without the
	# reservation, with what kdump tools add (one CPU, poll interrupts of
	# devices the dead kernel left busy, reset them), and this phase's
	# results: the 2 checks after the load count as passed (if either
	# fails there is no panic and this phase ends the job)
	mark=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	base=$(tr ' ' '\n' < /proc/cmdline | grep -v '^crashkernel=' | grep -v '^$' | tr '\n' ' ')
	append="${base}irqpoll nr_cpus=1 reset_devices"
	append="$append wl_kdump_passed=$((WL_N - WL_FAIL + 2)) wl_kdump_failed=$WL_FAIL"
	append="$append wl_kdump_mark=$mark wl_kdump_reserved=$reserved wl_kdump_t0=$(date +%s)"
	load=(kexec -s -p "$kernel" --append="$append")
	[ -z "$initrd" ] || load+=(--initrd="$initrd")
	if ! wl_check "kexec_file_load (kexec -s -p) loads the capture kernel" "${load[@]}"; then
		wl_done
		return
	fi
	wl_check "the kernel says a capture kernel is loaded (kexec_crash_loaded)" \
		grep -qx 1 /sys/kernel/kexec_crash_loaded || { wl_done; return; }

	# a mark the dump must hold, then the panic; the capture kernel runs
	# this job again. Give the serial port time to send this phase's lines.
	echo "wl-kdump: panic on purpose, mark $mark" > /dev/kmsg
	sync
	sleep 3
	echo c > /proc/sysrq-trigger
	sleep 10
	wl_result 1 "the panic started the capture kernel" "still running after sysrq c"
	wl_done
}

# ---- phase 2: the capture kernel ----
wl_capture_kernel() {
	local passed failed mark reserved t0 mem dev dump t1 t2 size release
	passed=$(wl_param wl_kdump_passed) failed=$(wl_param wl_kdump_failed)
	mark=$(wl_param wl_kdump_mark) reserved=$(wl_param wl_kdump_reserved) t0=$(wl_param wl_kdump_t0)
	# go on counting after the first kernel's checks
	if [ -n "$passed" ] && [ -n "$failed" ] && [ -n "$t0" ]; then
		WL_N=$((passed + failed)) WL_FAIL=$failed
		# from the load (3 s before the panic) to this job in the new kernel
		wl_figure kdump_load_to_capture_job $(($(date +%s) - t0)) s
	else
		wl_result 1 "the capture kernel got the first kernel's results" "$(cat /proc/cmdline)"
	fi
	wl_check "the capture kernel was started by the panic (elfcorehdr= on its command line)" \
		grep -q 'elfcorehdr=' /proc/cmdline
	mem=$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)
	wl_figure kdump_capture_memtotal $((mem / 1048576)) MiB
	# the reservation, and the low 1 MiB the first kernel kept aside for it
	wl_check "it runs in the reserved memory only (MemTotal $mem <= $reserved + 1 MiB)" \
		test "$mem" -le "$((${reserved:-0} + 1048576))"
	wl_check "/proc/vmcore is an ELF core of the crashed kernel's memory" wl_elf_core /proc/vmcore
	wl_figure kdump_vmcore_size $(($(stat -c %s /proc/vmcore) / 1048576)) MiB

	dev=$(wl_dump_disk 2>&1) || true
	mkdir -p /mnt/dump
	wl_check "the dump disk mounts (ext4)" mount -t ext4 "$dev" /mnt/dump
	dump=/mnt/dump/vmcore
	t1=$(date +%s%N)
	wl_check "makedumpfile -l -d 31 saves /proc/vmcore to the dump disk" \
		makedumpfile -l -d 31 /proc/vmcore "$dump"
	t2=$(date +%s%N)
	size=$(stat -c %s "$dump" 2>/dev/null || echo 0)
	wl_figure kdump_save_time $(((t2 - t1) / 1000000)) ms
	wl_figure kdump_dump_size $((size / 1024)) KiB
	wl_check "the saved dump is not empty ($size bytes)" test "$size" -gt 0
	release=$(uname -r)
	wl_check "it is a kdump-compressed dump of this kernel release ($release)" \
		wl_describes "$dump" "Kdump compressed dump" "release $release,"
	# what a support engineer does first with a dump: read the dead
	# kernel's log out of it
	wl_check "the dead kernel's log comes out of the saved dump (makedumpfile --dump-dmesg)" \
		makedumpfile --dump-dmesg "$dump" "$tmp/dmesg"
	wl_check "... and shows the panic (sysrq triggered crash)" \
		grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$tmp/dmesg"
	wl_check "... and the mark the first kernel logged before it ($mark)" \
		grep -q "wl-kdump: panic on purpose, mark ${mark:-none}" "$tmp/dmesg"
	wl_check "the dump reaches the disk (sync, unmount)" sh -c 'sync && umount /mnt/dump'
	wl_done
}

if [ -e /proc/vmcore ]; then
	wl_capture_kernel
else
	wl_first_kernel
fi
rc=$?
rm -rf "$tmp"
exit "$rc"
