#!/bin/bash
# tests/workloads/storage/guest.sh: local storage the way Azure GPU SKUs and
# images use it (issue 27), run as root in the VM over the disks host.sh
# made. Why it matters on Azure:
#   - ND/NC/Lsv3 sizes carry several local NVMe disks that images and
#     cloud-init stripe into one md RAID0 scratch array with XFS on it;
#   - Azure Disk Encryption and LUKS images are dm-crypt, RHEL-family images
#     keep their file systems on LVM;
#   - snaps, container layers and composefs mount squashfs/erofs images
#     through loop devices;
#   - SUSE images (and container hosts) use btrfs subvolumes and snapshots.
# (squashfs and erofs images are made by host.sh, the guest mounts them.)
# Each step is its own check against real output: contents are compared by
# checksum after a remount or a reassembly, the encrypted volume's raw bytes
# are searched for the plaintext. fio's 4k random-read IOPS on the array are
# reported as figures (TCG numbers: for trends between runs, not for SKUs).
# Everything is torn down at the end, and that is checked too.
# shellcheck source=../lib.sh
. "$WL_DIR/../lib.sh"
# shellcheck source=host.sh
. "$WL_DIR/host.sh"		# storage_manifest

S=/tmp/storage			# scratch (the guest's tmpfs)
MNT=/mnt/storage		# mount points (tmpfs)
mkdir -p "$S" "$MNT"/md "$MNT"/crypt "$MNT"/img "$MNT"/btrfs
# lvm and device-mapper: no udev in this guest, so the tools create the
# /dev nodes themselves; no metadata backups on the read-only /etc
export LVM_SYSTEM_DIR=$S/lvm LVM_SUPPRESS_FD_WARNINGS=1
# t CMD...: no step may hang the VM until its hard limit
t() { timeout 180 "$@"; }

# ---- helpers -----------------------------------------------------------

sha() { sha256sum < "$1" | cut -d' ' -f1; }

# wait_for TEST PATH: wait up to 60 s for a path (devices probe asynchronously)
wait_for() {
	local _
	for _ in $(seq 1 120); do
		test "$1" "$2" && return 0
		sleep 0.5
	done
	return 1
}

# nvme_ns SERIAL NSID: print the /dev node of that namespace of the NVMe
# controller (or subsystem, with native multipath) whose serial is SERIAL
nvme_ns() {
	local d
	for d in /sys/block/nvme*n*; do
		[[ ${d##*/} =~ ^nvme[0-9]+n[0-9]+$ ]] || continue
		[ "$(tr -d ' ' < "$d/device/serial" 2> /dev/null)" = "$1" ] || continue
		[ "$(cat "$d/nsid" 2> /dev/null)" = "$2" ] || continue
		echo "/dev/${d##*/}"
		return 0
	done
	return 1
}

# scsi_disk SERIAL: print the /dev node of the SCSI disk whose unit serial
# number (VPD page 0x80) is SERIAL
scsi_disk() {
	local d
	for d in /sys/block/sd*; do
		[ -r "$d/device/vpd_pg80" ] || continue
		grep -qaF "$1" "$d/device/vpd_pg80" || continue
		echo "/dev/${d##*/}"
		return 0
	done
	return 1
}

find_disks() {
	local _
	for _ in $(seq 1 120); do
		NS1=$(nvme_ns nimbus-nvme 1) && NS2=$(nvme_ns nimbus-nvme 2) &&
			LVMDISK=$(scsi_disk nimbus-lvm) && BTRDISK=$(scsi_disk nimbus-btrfs) &&
			[ -b "$NS1" ] && [ -b "$NS2" ] && [ -b "$LVMDISK" ] && [ -b "$BTRDISK" ] &&
			{ echo "nvme ns1=$NS1 ns2=$NS2 lvm=$LVMDISK btrfs=$BTRDISK"; return 0; }
		sleep 0.5
	done
	echo "nvme ns1=${NS1:-?} ns2=${NS2:-?} lvm=${LVMDISK:-?} btrfs=${BTRDISK:-?}"
	ls -l /sys/block
	grep -H . /sys/block/nvme*/device/serial /sys/block/nvme*/nsid 2>&1
	return 1
}

# reads completed by a block device (field 1 of its stat)
reads() { read -r r _ < "/sys/block/${1#/dev/}/stat"; echo "$r"; }
writes() { local a; read -r -a a < "/sys/block/${1#/dev/}/stat"; echo "${a[4]}"; }

# ---- kernel side: modules, device-mapper --------------------------------

# kmod: the modprobe the kernel itself runs (the guest points it at the
# build's module trees; a plain modprobe earlier in PATH may not be)
kmod() { "$(cat /proc/sys/kernel/modprobe)" "$@"; }

load_modules() {
	local m bad=
	# no udev: drivers are not loaded from modaliases, name them
	for m in nvme virtio_scsi sd_mod md_mod raid0 dm_mod dm_crypt loop \
		xfs btrfs squashfs erofs; do
		kmod "$m" || bad="$bad $m"
	done
	[ -z "$bad" ] || { echo "could not load:$bad"; return 1; }
}

dm_targets() {
	local out t
	out=$(dmsetup targets) || return 1
	echo "$out"
	for t in linear striped error crypt; do
		grep -qw "^$t" <<< "$out" || { echo "target $t missing"; return 1; }
	done
	dmsetup version
}

# ---- 1. md RAID0 over the two NVMe namespaces, XFS, fio -----------------

md_create() {
	t mdadm --create /dev/md0 --level=0 --raid-devices=2 --metadata=1.2 \
		--chunk=512 --run "$NS1" "$NS2" || return 1
	wait_for -b /dev/md0
}

md_active() {
	local line state a b m
	cat /proc/mdstat
	line=$(grep -E '^md0 : active raid0 ' /proc/mdstat) || return 1
	grep -q "${NS1#/dev/}\[" <<< "$line" && grep -q "${NS2#/dev/}\[" <<< "$line" || return 1
	state=$(cat /sys/block/md0/md/array_state)
	echo "array_state $state"
	case "$state" in clean|active) ;; *) return 1 ;; esac
	# the array is the sum of both namespaces (less the superblocks)
	a=$(blockdev --getsize64 "$NS1") b=$(blockdev --getsize64 "$NS2")
	m=$(blockdev --getsize64 /dev/md0)
	echo "members $a + $b bytes, md0 $m bytes"
	[ "$m" -gt $(((a + b) * 9 / 10)) ] && [ "$m" -le $((a + b)) ]
}

xfs_mkfs_mount() {
	mkfs.xfs -f -q /dev/md0 || return 1
	mount -t xfs /dev/md0 "$MNT/md" || return 1
	findmnt -n -o SOURCE,FSTYPE "$MNT/md" | grep -q '^/dev/md0 xfs$'
}

# mkfs.xfs read the array's stripe from md's queue limits (io_min/io_opt):
# sunit = chunk, swidth = chunk x members, in file system blocks
xfs_stripe() {
	local info chunk bsize su sw
	chunk=$(cat /sys/block/md0/md/chunk_size)
	echo "md0 queue: io_min $(cat /sys/block/md0/queue/minimum_io_size), io_opt $(cat /sys/block/md0/queue/optimal_io_size)"
	[ "$(cat /sys/block/md0/queue/minimum_io_size)" = "$chunk" ] &&
		[ "$(cat /sys/block/md0/queue/optimal_io_size)" = $((2 * chunk)) ] || return 1
	info=$(xfs_info "$MNT/md") || return 1
	echo "$info"
	bsize=$(sed -n 's/^data *= *bsize=\([0-9]*\).*/\1/p' <<< "$info")
	su=$(sed -n 's/.*sunit=\([0-9]*\) *swidth=\([0-9]*\) blks.*/\1/p' <<< "$info" | tail -n 1)
	sw=$(sed -n 's/.*sunit=\([0-9]*\) *swidth=\([0-9]*\) blks.*/\2/p' <<< "$info" | tail -n 1)
	echo "chunk $chunk bytes, bsize $bsize, sunit $su, swidth $sw"
	[ -n "$bsize" ] && [ "$su" = $((chunk / bsize)) ] && [ "$sw" = $((2 * chunk / bsize)) ]
}

# fio_run NAME ARGS...: one fio job on the array's XFS, JSON to $S/NAME.json;
# fails on a fio error or an empty result
fio_run() {
	local name=$1
	shift
	fio --name="$name" --filename="$MNT/md/fio.dat" --size=32m --direct=1 \
		--ioengine=io_uring --output-format=json --output="$S/$name.json" "$@" || {
		cat "$S/$name.json" 2> /dev/null
		return 1
	}
	jq -e '.jobs[0].error == 0' "$S/$name.json" > /dev/null || { cat "$S/$name.json"; return 1; }
}

fio_randread() {	# fio_randread QD
	local n=randread-qd$1 r1 r2 iops bw
	r1=$(reads "$NS1") r2=$(reads "$NS2")
	fio_run "$n" --rw=randread --bs=4k --iodepth="$1" --runtime=4 --time_based || return 1
	iops=$(jq '.jobs[0].read.iops | floor' "$S/$n.json")
	bw=$(jq '.jobs[0].read.bw_bytes / 1000000 * 100 | floor / 100' "$S/$n.json")
	r1=$(($(reads "$NS1") - r1)) r2=$(($(reads "$NS2") - r2))
	echo "$n: $iops IOPS, $bw MB/s; reads on the members: $r1, $r2"
	wl_figure "storage_md_randread_4k_qd${1}_iops" "$iops" IOPS > "$S/$n.figure"
	wl_figure "storage_md_randread_4k_qd${1}_bw" "$bw" MB/s >> "$S/$n.figure"
	# a 32 MiB file over 512 KiB chunks: random reads hit both members
	[ "$iops" -gt 0 ] && [ "$r1" -gt 0 ] && [ "$r2" -gt 0 ]
}

fio_layout() {
	local w1 w2 bw
	w1=$(writes "$NS1") w2=$(writes "$NS2")
	fio_run seqwrite --rw=write --bs=1m --iodepth=8 || return 1
	bw=$(jq '.jobs[0].write.bw_bytes / 1000000 * 100 | floor / 100' "$S/seqwrite.json")
	w1=$(($(writes "$NS1") - w1)) w2=$(($(writes "$NS2") - w2))
	echo "seqwrite: $bw MB/s; writes on the members: $w1, $w2"
	wl_figure storage_md_seqwrite_1m_bw "$bw" MB/s > "$S/seqwrite.figure"
	[ "$w1" -gt 0 ] && [ "$w2" -gt 0 ]
}

md_write() {
	dd if=/dev/urandom of="$S/blob" bs=1M count=8 status=none || return 1
	sha "$S/blob" > "$S/blob.sha"
	cp "$S/blob" "$MNT/md/blob" && sync
}

# stop the array and assemble it again from the members' superblocks, then
# read the file back from a cold cache
md_reassemble() {
	umount "$MNT/md" || return 1
	t mdadm --stop /dev/md0 || return 1
	if grep -q '^md0 ' /proc/mdstat; then cat /proc/mdstat; return 1; fi
	t mdadm --assemble /dev/md0 "$NS1" "$NS2" || return 1
	if ! wait_for -b /dev/md0 || ! grep -q "^md0 : active raid0" /proc/mdstat; then
		cat /proc/mdstat
		return 1
	fi
	mount -t xfs /dev/md0 "$MNT/md" || return 1
	echo 3 > /proc/sys/vm/drop_caches
	local got
	got=$(sha "$MNT/md/blob")
	echo "wrote $(cat "$S/blob.sha"), read back $got"
	[ "$got" = "$(cat "$S/blob.sha")" ]
}

# XFS reflinks (default since xfsprogs 5.1): container layers and VM images
xfs_reflink() {
	cp --reflink=always "$MNT/md/blob" "$MNT/md/blob.clone" || return 1
	[ "$(sha "$MNT/md/blob.clone")" = "$(cat "$S/blob.sha")" ] || return 1
	# a write to the clone leaves the original alone
	printf 'X' | dd of="$MNT/md/blob.clone" bs=1 seek=4096 conv=notrunc status=none
	sync
	[ "$(sha "$MNT/md/blob")" = "$(cat "$S/blob.sha")" ] &&
		[ "$(sha "$MNT/md/blob.clone")" != "$(cat "$S/blob.sha")" ]
}

# ---- 2. LVM + dm-crypt (LUKS2) on the SCSI data disk --------------------

lvm_config() {
	mkdir -p "$LVM_SYSTEM_DIR"
	cat > "$LVM_SYSTEM_DIR/lvm.conf" <<-CONF
	devices {
		filter = [ "a|^$LVMDISK\$|", "r|.*|" ]
		use_devicesfile = 0
		obtain_device_list_from_udev = 0
		external_device_info_source = "none"
	}
	activation {
		udev_sync = 0
		udev_rules = 0
		monitoring = 0
	}
	global {
		use_lvmpolld = 0
	}
	backup {
		backup = 0
		archive = 0
	}
	CONF
}

lvm_create() {
	t pvcreate -y "$LVMDISK" && t vgcreate vgnimbus "$LVMDISK" &&
		t lvcreate -y -n lvcrypt -L 64M vgnimbus || return 1
	LV=/dev/mapper/vgnimbus-lvcrypt
	wait_for -b "$LV" || { ls -l /dev/mapper; return 1; }
	local attr
	attr=$(lvs --noheadings -o lv_attr vgnimbus/lvcrypt | tr -d ' ')
	echo "lv_attr $attr; $(dmsetup table vgnimbus-lvcrypt)"
	# active (5th attribute), and a linear dm mapping onto the disk
	[ "${attr:4:1}" = a ] && dmsetup table vgnimbus-lvcrypt | grep -q ' linear '
}

luks_format() {
	head -c 64 /dev/urandom > "$S/luks.key"
	head -c 64 /dev/urandom > "$S/wrong.key"
	t cryptsetup luksFormat --batch-mode --type luks2 --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 --key-file "$S/luks.key" "$LV" || return 1
	cryptsetup luksDump "$LV" | grep -E '^Version:|PBKDF:|cipher:'
	cryptsetup luksDump "$LV" | grep -qE '^Version:[[:space:]]+2$'
}

luks_open() {
	t cryptsetup luksOpen --key-file "$S/luks.key" "$LV" nimbus_crypt &&
		wait_for -b /dev/mapper/nimbus_crypt
}

luks_status() {
	local st
	st=$(cryptsetup status nimbus_crypt) || return 1
	echo "$st"
	grep -qE '^ *type: +LUKS2$' <<< "$st" &&
		grep -qE '^ *cipher: +aes-xts-plain64$' <<< "$st" &&
		dmsetup table nimbus_crypt | grep -q ' crypt aes-xts-plain64 '
}

crypt_fs() {
	mkfs.ext4 -q -F /dev/mapper/nimbus_crypt || return 1
	mount -t ext4 /dev/mapper/nimbus_crypt "$MNT/crypt" || return 1
	MARKER="NIMBUS-PLAINTEXT-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
	# 64 KiB of the marker, well past any inline or tail storage
	yes "$MARKER" | head -c 65536 > "$S/secret.txt"
	cp "$S/secret.txt" "$MNT/crypt/secret.txt" && sync || return 1
	umount "$MNT/crypt" && echo 3 > /proc/sys/vm/drop_caches || return 1
	mount -t ext4 /dev/mapper/nimbus_crypt "$MNT/crypt" || return 1
	cmp "$S/secret.txt" "$MNT/crypt/secret.txt"
}

# count_marker DEV: occurrences of the marker in DEV, read with O_DIRECT
# (no stale page cache between the two views of the same sectors)
count_marker() {
	dd if="$1" bs=1M iflag=direct status=none | grep -acF "$MARKER" || true
}

crypt_plain_visible() {
	umount "$MNT/crypt" || return 1
	local n
	n=$(count_marker /dev/mapper/nimbus_crypt)
	echo "marker lines on the opened (decrypted) device: $n"
	[ "$n" -gt 0 ]
}

crypt_raw_hidden() {
	local n
	n=$(count_marker "$LV")
	echo "marker lines on the raw LV $LV: $n"
	[ "$n" = 0 ]
}

lvm_down() {
	t cryptsetup close nimbus_crypt || return 1
	t vgchange -an vgnimbus || return 1
	if dmsetup ls | grep -E 'vgnimbus|nimbus_crypt'; then return 1; fi
	# and the volume group comes back, with the LUKS header on it
	t vgchange -ay vgnimbus && wait_for -b "$LV" && cryptsetup isLuks --type luks2 "$LV" &&
		t vgchange -an vgnimbus
}

# ---- 3. squashfs and erofs images over loop devices ---------------------

# image_check FSTYPE IMAGE: copy the host-made image to tmpfs, loop-mount it,
# compare it with the manifest and the checksums of the tree it was made
# from (host.sh), unmount; the loop device goes away with the mount
image_check() {
	local fstype=$1 img=$S/${2##*/} dev
	cp "$2" "$img" || return 1
	mount -t "$fstype" -o loop,ro "$img" "$MNT/img" || return 1
	dev=$(findmnt -n -o SOURCE "$MNT/img")
	echo "$img on $dev as $(findmnt -n -o FSTYPE "$MNT/img")"
	local rc=0
	[[ $dev == /dev/loop* ]] && [ "$(findmnt -n -o FSTYPE "$MNT/img")" = "$fstype" ] || rc=1
	diff "$WL_WORK/tree.manifest" <(storage_manifest "$MNT/img") || rc=1
	(cd "$MNT/img" && sha256sum --quiet --strict -c "$WL_WORK/tree.sha256") || rc=1
	# the hard link is one inode in the image too
	[ "$(stat -c %i "$MNT/img/usr/lib/nimbus/text.txt")" = \
		"$(stat -c %i "$MNT/img/usr/lib/nimbus/hardlink.txt")" ] || { echo "hard link lost"; rc=1; }
	# read-only
	if touch "$MNT/img/new" 2> /dev/null; then echo "image writable"; rc=1; fi
	umount "$MNT/img" || return 1
	if losetup -j "$img" | grep .; then echo "loop device left attached"; rc=1; fi
	return "$rc"
}

squashfs_check() {	# squashfs_check COMPRESSOR
	local img=$WL_WORK/images/tree-$1.sqfs
	unsquashfs -s "$img" | grep -i compression
	image_check squashfs "$img"
}

erofs_check() {	# erofs_check plain|lz4hc
	image_check erofs "$WL_WORK/images/tree-$1.erofs"
}

images_there() {
	ls -l "$WL_WORK/images"
	[ -s "$WL_WORK/tree.manifest" ] && [ "$(wc -l < "$WL_WORK/tree.sha256")" -gt 100 ] &&
		[ "$(find "$WL_WORK/images" -name "tree-*" -size +100k | wc -l)" = 7 ]
}

# ---- 4. btrfs: subvolumes, snapshots, reflinks, scrub -------------------

btrfs_mkfs_mount() {
	mkfs.btrfs -f -q -L nimbus "$BTRDISK" || return 1
	mount -t btrfs "$BTRDISK" "$MNT/btrfs" &&
		findmnt -n -o FSTYPE "$MNT/btrfs" | grep -qx btrfs
}

btrfs_snapshot() {
	local b=$MNT/btrfs
	btrfs subvolume create "$b/data" || return 1
	dd if=/dev/urandom of="$b/data/file" bs=1M count=4 status=none && sync
	sha "$b/data/file" > "$S/btrfs-v1.sha"
	btrfs subvolume snapshot -r "$b/data" "$b/snap1" || return 1
	# change the original after the snapshot
	dd if=/dev/urandom of="$b/data/file" bs=64k count=1 seek=3 conv=notrunc status=none && sync
	local v1 now snap
	v1=$(cat "$S/btrfs-v1.sha") now=$(sha "$b/data/file") snap=$(sha "$b/snap1/file")
	echo "before $v1, original now $now, snapshot $snap"
	[ "$snap" = "$v1" ] && [ "$now" != "$v1" ]
}

btrfs_list() {
	local l
	l=$(btrfs subvolume list "$MNT/btrfs") || return 1
	echo "$l"
	grep -qE ' path data$' <<< "$l" && grep -qE ' path snap1$' <<< "$l" &&
		btrfs property get -ts "$MNT/btrfs/snap1" ro | grep -qx 'ro=true'
}

btrfs_reflink_remount() {
	local b=$MNT/btrfs
	cp --reflink=always "$b/snap1/file" "$b/data/clone" || return 1
	umount "$b" && echo 3 > /proc/sys/vm/drop_caches || return 1
	# the subvolume mounted by name, as fstab entries of SUSE images do
	mount -t btrfs -o subvol=data "$BTRDISK" "$b" || return 1
	[ "$(sha "$b/clone")" = "$(cat "$S/btrfs-v1.sha")" ] || { echo "clone differs"; return 1; }
	umount "$b" && mount -t btrfs "$BTRDISK" "$b" &&
		[ "$(sha "$b/snap1/file")" = "$(cat "$S/btrfs-v1.sha")" ]
}

# ---- teardown -----------------------------------------------------------

teardown() {
	local m rc=0
	for m in "$MNT/img" "$MNT/crypt" "$MNT/btrfs" "$MNT/md"; do
		! mountpoint -q "$m" || umount "$m" || rc=1
	done
	[ ! -b /dev/mapper/nimbus_crypt ] || cryptsetup close nimbus_crypt || rc=1
	! vgs vgnimbus > /dev/null 2>&1 || vgchange -an vgnimbus > /dev/null || rc=1
	[ ! -e /sys/block/md0/md ] || ! grep -q '^md0 ' /proc/mdstat || mdadm --stop /dev/md0 || rc=1
	return "$rc"
}

teardown_clean() {
	local rc=0
	if grep -E '^md[0-9]+ ' /proc/mdstat; then echo "md array left"; rc=1; fi
	if dmsetup ls | grep -v '^No devices found'; then echo "dm devices left"; rc=1; fi
	if losetup -a | grep .; then echo "loop devices left"; rc=1; fi
	if findmnt -rn -o TARGET | grep "^$MNT/"; then echo "mounts left"; rc=1; fi
	return "$rc"
}

# ---- the checks ---------------------------------------------------------

wl_check "storage modules load (nvme, virtio_scsi, md raid0, dm-crypt, loop, xfs, btrfs, squashfs, erofs)" load_modules
wl_check "device-mapper targets list linear, striped, error and crypt" dm_targets
if ! wl_check "the two NVMe namespaces and the two SCSI data disks are found by serial" find_disks; then
	wl_done
	exit
fi

echo "# 1. md RAID0 over the NVMe namespaces $NS1 $NS2 (at ${SECONDS} s)"
if wl_check "mdadm creates a RAID0 array over both NVMe namespaces" md_create &&
	wl_check "/proc/mdstat shows md0 active raid0 over both namespaces" md_active &&
	wl_check "mkfs.xfs on the array and mount it" xfs_mkfs_mount; then
	wl_check "XFS took the RAID0 stripe (sunit = chunk, swidth = 2 chunks)" xfs_stripe
	if wl_check "fio sequential write lays out its file across both members (io_uring, O_DIRECT)" fio_layout; then
		cat "$S/seqwrite.figure"
		wl_check "fio 4k random read, QD1 (io_uring, O_DIRECT), reads served by both members" fio_randread 1 &&
			cat "$S/randread-qd1.figure"
		wl_check "fio 4k random read, QD32 (io_uring, O_DIRECT), reads served by both members" fio_randread 32 &&
			cat "$S/randread-qd32.figure"
	fi
	wl_check "a file written to the array" md_write &&
		wl_check "the array stopped, reassembled from its superblocks: file reads back identical (cold cache)" md_reassemble &&
		wl_check "XFS reflink copy: identical, copy-on-write leaves the original intact" xfs_reflink
fi

echo "# 2. LVM + LUKS2 dm-crypt on $LVMDISK (at ${SECONDS} s)"
lvm_config
if wl_check "LVM: pvcreate, vgcreate, lvcreate give an active linear LV" lvm_create &&
	wl_check "cryptsetup luksFormat (LUKS2, pbkdf2) with a key file" luks_format; then
	wl_refused "a wrong key file does not open the LUKS2 volume" \
		cryptsetup open --test-passphrase --key-file "$S/wrong.key" "$LV"
	if wl_check "cryptsetup luksOpen with the key file" luks_open; then
		wl_check "cryptsetup status: LUKS2, aes-xts-plain64, a dm crypt target" luks_status
		if wl_check "ext4 on the opened volume: a file reads back identical after a remount" crypt_fs; then
			wl_check "the plaintext marker is on the decrypted device" crypt_plain_visible &&
				wl_check "the raw LV does NOT contain the plaintext marker" crypt_raw_hidden
		fi
		wl_check "luksClose, vgchange -an; the VG reactivates with its LUKS2 header intact" lvm_down
	fi
fi

echo "# 3. squashfs and erofs images over loop devices (at ${SECONDS} s)"
if wl_check "the host made a source tree (files, symlink, hard link, modes, mtimes) and 7 images of it" images_there; then
	for c in gzip xz zstd lz4 lzo; do
		wl_check "squashfs ($c): mount -o loop, same tree, loop device released" squashfs_check "$c"
	done
	wl_check "erofs (uncompressed): mount -o loop, same tree, loop device released" erofs_check plain
	wl_check "erofs (lz4hc): mount -o loop, same tree, loop device released" erofs_check lz4hc
fi

echo "# 4. btrfs on $BTRDISK (at ${SECONDS} s)"
if wl_check "mkfs.btrfs and mount" btrfs_mkfs_mount; then
	if wl_check "btrfs subvolume and read-only snapshot: the snapshot keeps the old data" btrfs_snapshot; then
		wl_check "btrfs subvolume list shows both, the snapshot is read-only" btrfs_list
		wl_refused "writing into the read-only snapshot is refused" touch "$MNT/btrfs/snap1/new"
	fi
	wl_check "btrfs reflink copy; mount -o subvol=data; data identical after remounts" btrfs_reflink_remount
	wl_check "btrfs scrub finds no checksum errors" t btrfs scrub start -B "$MNT/btrfs"
fi

echo "# teardown (at ${SECONDS} s)"
wl_check "teardown: unmount, cryptsetup close, vgchange -an, mdadm --stop" teardown
wl_check "teardown: no md array, dm device, loop device or mount left" teardown_clean
wl_done
