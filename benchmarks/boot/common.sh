# shellcheck shell=bash
# common.sh: what the boot benchmark (run) and the boot-time gate (gate)
# share: the command line, the initramfs and tools, the icount boot.
# Sourced after scripts/lib.sh.

BOOT_HERE=$NIMBUS_TOP/benchmarks/boot
BOOT_INITRD=$BUILD/bench-boot/initramfs.cpio
# The same command line for every kernel. nokaslr: a randomized layout
# changes the instruction count by ~0.5 ms from boot to boot; without it
# icount runs repeat to the microsecond.
BOOT_CMDLINE="console=ttyS0,115200 panic=-1 initcall_debug loglevel=4 nokaslr rdinit=/init"
BOOT_ICOUNT=(-accel tcg -cpu max -icount shift=0,sleep=off -smp 1)

# boot_prepare: build bootinit (as the initramfs' /init), bootstat, bootchart, bootsched
boot_prepare() {
	mkdir -p "$BUILD/tools" "$BUILD/bench-boot/initramfs/"{dev,proc,sys}
	gcc -O2 -Wall -Wextra -static -o "$BUILD/bench-boot/initramfs/init" "$BOOT_HERE/bootinit.c"
	gcc -O2 -Wall -Wextra -o "$BUILD/tools/bootstat" "$BOOT_HERE/bootstat.c"
	gcc -O2 -Wall -Wextra -o "$BUILD/tools/bootchart" "$BOOT_HERE/bootchart.c"
	gcc -O2 -Wall -Wextra -o "$BUILD/tools/bootsched" "$BOOT_HERE/bootsched.c"
	(cd "$BUILD/bench-boot/initramfs" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) \
		> "$BOOT_INITRD"
}

# boot_initrd IMAGE LOG [QEMU ARGS...]: boot IMAGE with the initramfs;
# $extra is appended to the command line.
boot_initrd() {
	local img=$1 log=$2
	shift 2
	timeout --kill-after=5 300 qemu-system-x86_64 -machine q35 -m 1024 \
		-nodefaults -no-user-config -display none -no-reboot -serial "file:$log" \
		-kernel "$img" -initrd "$BOOT_INITRD" -append "$BOOT_CMDLINE${extra:-}" "$@" \
		>/dev/null 2>&1 || die "QEMU failed or timed out booting $img (log $log)"
}
