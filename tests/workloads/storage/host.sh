# shellcheck shell=bash
# tests/workloads/storage/host.sh: the disks and images of the storage group
# (sourced by tests/workloads/run). Azure's GPU and storage-optimised SKUs
# (ND, NC, Lsv3) expose their local scratch disks as NVMe namespaces, and
# data disks as SCSI LUNs (storvsc; virtio-scsi stands in for it here).
# The guest gets:
#   one NVMe controller (serial nimbus-nvme) with two 1 GiB namespaces,
#     nsid 1 and 2, for the RAID0 array (over 1 GiB, so that mkfs.xfs
#     applies the stripe geometry: it ignores it on smaller volumes);
#   one virtio-scsi controller with two 256 MiB disks: serial nimbus-lvm
#     (LUN 0: LVM + dm-crypt) and serial nimbus-btrfs (LUN 1: btrfs);
#   in WORKDIR (read-only in the guest): a source tree, tree/, and
#     squashfs and erofs images of it, images/, made here because the
#     guest's TCG CPU would take minutes over the compressors; the guest
#     loop-mounts each image and compares it with the tree.
# Every disk is a sparse raw file in WORKDIR.

# storage_tree DIR: files of several kinds and sizes, a symlink, a hard
# link, odd modes and a fixed mtime: what an image must carry over
storage_tree() {
	local t=$1 i
	mkdir -p "$t/etc/conf.d" "$t/usr/lib/nimbus" "$t/var/empty"
	head -c 1500000 /dev/urandom > "$t/usr/lib/nimbus/random.bin"
	for i in $(seq 1 120); do
		printf 'setting-%s = %s\n' "$i" "$(seq -s, "$i" $((i + 40)))" > "$t/etc/conf.d/$i.conf"
	done
	yes 'compressible line of text in the image' | head -n 20000 > "$t/usr/lib/nimbus/text.txt"
	: > "$t/etc/empty"
	ln -s ../usr/lib/nimbus/text.txt "$t/etc/link"
	ln "$t/usr/lib/nimbus/text.txt" "$t/usr/lib/nimbus/hardlink.txt"
	chmod 0750 "$t/usr/lib/nimbus"
	chmod 4755 "$t/usr/lib/nimbus/random.bin"
	touch -d '2024-02-29 12:34:56' "$t/etc/empty"
}

# storage_manifest DIR: every entry's path, type, mode, size (not for
# directories: that is the file system's own), link target, owner and mtime
# in seconds (guest.sh sources this file for it)
storage_manifest() {
	(cd "$1" && find . -type d -printf '%p d %m %U:%G %Ts\n' -o \
		-printf '%p %y %m %s %l %U:%G %Ts\n' | LC_ALL=C sort)
}

host_prepare() {	# host_prepare WORKDIR
	set -eu
	local w c
	w=$(realpath "$1")
	truncate -s 1G "$w/nvme-ns1.img" "$w/nvme-ns2.img"
	truncate -s 256M "$w/scsi-lvm.img" "$w/scsi-btrfs.img"

	storage_tree "$w/tree"
	# what the guest compares each mounted image with (a walk over 9p per
	# image would cost minutes in TCG)
	storage_manifest "$w/tree" > "$w/tree.manifest"
	(cd "$w/tree" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) > "$w/tree.sha256"
	mkdir -p "$w/images"
	# squashfs: every compressor the kernel is configured for (snaps are xz)
	for c in gzip xz zstd lz4 lzo; do
		mksquashfs "$w/tree" "$w/images/tree-$c.sqfs" -comp "$c" -noappend -quiet -no-progress
	done
	# erofs: plain, and lz4hc (EROFS_FS_ZIP; container layers, composefs)
	mkfs.erofs "$w/images/tree-plain.erofs" "$w/tree" > /dev/null
	mkfs.erofs -zlz4hc "$w/images/tree-lz4hc.erofs" "$w/tree" > /dev/null

	# cache=unsafe: the images are scratch; flushes need not reach the
	# host's disk (they still go through the guest's whole stack)
	local drv="if=none,format=raw,cache=unsafe"
	{
		echo --memory
		echo 2048
		echo -q
		echo "-drive file=$w/nvme-ns1.img,id=nvns1,$drv" \
			"-drive file=$w/nvme-ns2.img,id=nvns2,$drv" \
			"-device nvme,id=nvme0,serial=nimbus-nvme" \
			"-device nvme-ns,bus=nvme0,drive=nvns1,nsid=1" \
			"-device nvme-ns,bus=nvme0,drive=nvns2,nsid=2"
		echo -q
		echo "-drive file=$w/scsi-lvm.img,id=sclvm,$drv" \
			"-drive file=$w/scsi-btrfs.img,id=scbtr,$drv" \
			"-device virtio-scsi-pci,id=scsi0" \
			"-device scsi-hd,bus=scsi0.0,channel=0,scsi-id=0,lun=0,drive=sclvm,serial=nimbus-lvm" \
			"-device scsi-hd,bus=scsi0.0,channel=0,scsi-id=0,lun=1,drive=scbtr,serial=nimbus-btrfs"
	} > "$w/vm-args"
}
