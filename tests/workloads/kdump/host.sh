# shellcheck shell=bash
# tests/workloads/kdump/host.sh: what a kdump run needs from the host.
# Memory reserved for the capture kernel (crashkernel=), an ext4 disk (virtio)
# to save the dump on, the path of the kernel the VM boots (the guest loads
# the same image as its capture kernel), and the console lines the panic on
# purpose prints (splat-allow: the runner ignores those, and only those).

host_prepare() {
	set -eu
	local w=$1 kernel
	# the kernel vm-run boots (tests/workloads/run: $BUILD and $flavor)
	kernel=${BUILD:?}/${flavor:?}/arch/x86/boot/bzImage
	[ -f "$kernel" ]
	printf '%s\n' "$kernel" > "$w/kernel-path"
	# the dump disk: sparse, ext4 made here (the capture kernel only mounts
	# it), inode tables written now so no lazy init competes with the save
	truncate -s 2G "$w/dump.img"
	mkfs.ext4 -q -F -L wl-kdump -E lazy_itable_init=0,lazy_journal_init=0 "$w/dump.img"
	# one panic, on purpose: its line is expected in the console log
	echo 'Kernel panic - not syncing: sysrq triggered crash' > "$w/splat-allow"
	{
		printf '%s\n' --memory 2048 -a crashkernel=256M -q
		echo "-drive file=$w/dump.img,if=none,id=dump,format=raw" \
			"-device virtio-blk-pci,drive=dump,serial=wl-kdump"
	} > "$w/vm-args"
}
