#!/bin/bash
# tests/workloads/netstorage/guest.sh: the file-share clients that Azure's
# storage CSI drivers use, against servers run inside this guest.
# What it proves and why it matters on Azure:
# - NFSv4.1 (Azure Files NFS shares speak only 4.1; azurefile CSI with
#   protocol nfs): the kernel NFS client mounts vers=4.1 from the kernel NFS
#   server (nfsd, test-only) exporting an ext4 disk over loopback; bytes
#   written by the client land on the server's disk, bytes written on the
#   server reach the client, and fio measures sequential and random reads
#   through the client (O_DIRECT: the wire, not the page cache).
# - SMB 3.1.1 (Azure Files SMB, the azurefile CSI driver's default): the
#   kernel CIFS client mounts vers=3.1.1 from the kernel SMB server (ksmbd,
#   test-only) with a user and password, also encrypted (seal: Azure Files
#   requires encryption while "secure transfer required" is on, its
#   default), refuses a wrong password, round-trips bytes, gives fio figures.
# - FUSE (blobfuse2, the Blob CSI driver's default, is a FUSE file system):
#   squashfuse shows an image made on the host file for file (SHA-256) and
#   refuses writes; fuse2fs, a FUSE file system that writes, stores a file
#   that is then read back out of its image without FUSE.
# Servers and mounts are stopped and unmounted at the end, and checked.
# Environment (tests/workloads/run): WL_DIR, WL_WORK (host_prepare's files:
# fuse.sqfs, fuse.sha256; the disks serial nfsexport and smbshare), WL_FLAVOR.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$WL_DIR/../lib.sh"

st=/run/netstorage	# daemons' logs, configuration, test data
mkdir -p "$st"
smb_user=azureuser
smb_pass='Nimbus-SMB-pass-1'

# wait_for SECS CMD...: poll CMD every second until it succeeds, SECS at most
wait_for() {
	local n=$1
	shift
	until "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 1
	done
}

# disk_by_serial SERIAL: the /dev node of the virtio disk with that serial
disk_by_serial() {
	local d
	for d in /sys/block/vd*; do
		[ -e "$d/serial" ] || continue
		if [ "$(cat "$d/serial")" = "$1" ]; then
			echo "/dev/${d##*/}"
			return 0
		fi
	done
	echo "no virtio disk with serial '$1' (have: $(cat /sys/block/vd*/serial 2>/dev/null | tr '\n' ' '))" >&2
	return 1
}

# mounted MOUNTPOINT TYPE-ERE OPTION-ERE: /proc/mounts has that mount with
# that type and options (prints the line, or /proc/mounts if not)
mounted() {
	# (through the environment: awk -v would take the backslashes as escapes)
	if ! MP=$1 T="^($2)\$" O=$3 awk '$2 == ENVIRON["MP"] && $3 ~ ENVIRON["T"] && $4 ~ ENVIRON["O"] { print; f = 1 }
		END { exit !f }' /proc/mounts; then
		echo "no '$1' mount of type $2 with options ~ $3 in /proc/mounts:"
		cat /proc/mounts
		return 1
	fi
}

# listening PORT: a TCP socket listens on PORT
listening() {
	[ -n "$(ss -Hltn "sport = :$1")" ]
}

# not CMD...: CMD fails (quietly)
not() {
	! "$@" > /dev/null 2>&1
}

# gone PID: process PID has ended
gone() {
	! kill -0 "$1" 2> /dev/null
}

# same_bytes A B: A and B hold the same bytes (cmp's message if not)
same_bytes() {
	cmp "$1" "$2" && echo "$1 = $2 ($(stat -c %s "$2") bytes)"
}

drop_caches() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
}

# fio_run NAME DIR RW BS: one 10 s O_DIRECT read run over a 64 MiB file in
# DIR, its terse line in $st/fio-NAME.txt; it must end without error and
# move data
fio_run() {
	mountpoint -q "$2" || { echo "$2 is not mounted"; return 1; }
	timeout -k 10 180 fio --name="$1" --directory="$2" --filename=fio-data --size=64M \
		--rw="$3" --bs="$4" --direct=1 --ioengine=psync --runtime=10 --time_based \
		--minimal > "$st/fio-$1.txt"
	# terse format v3: 5 error, 7 read KiB/s, 8 read IOPS
	awk -F';' '$5 == 0 && $7 > 0 && $8 > 0 { ok = 1 } END { exit !ok }' "$st/fio-$1.txt" ||
		{ echo "fio $1: error or no data moved:"; cat "$st/fio-$1.txt"; return 1; }
}

# fio_figures PREFIX DIR: sequential 1 MiB and random 4 KiB reads in DIR;
# the figures go out as PREFIX_seqread_1m (MB/s), PREFIX_randread_4k (IOPS)
fio_figures() {
	local p=$1 dir=$2
	if wl_check "$p: fio sequential read, 1 MiB O_DIRECT" fio_run "$p-seq" "$dir" read 1M; then
		wl_figure "${p}_seqread_1m" "$(awk -F';' '{ printf "%.1f", $7 * 1.024 / 1000 }' "$st/fio-$p-seq.txt")" MB/s
	fi
	if wl_check "$p: fio random read, 4 KiB O_DIRECT" fio_run "$p-rand" "$dir" randread 4k; then
		wl_figure "${p}_randread_4k" "$(awk -F';' '{ print $8 }' "$st/fio-$p-rand.txt")" IOPS
	fi
	rm -f "$dir/fio-data"
}

# test data: random bytes, not a pattern a broken path could fake
head -c 8M /dev/urandom > "$st/pattern-8m"
head -c 3M /dev/urandom > "$st/pattern-3m"

load_modules() {
	local m
	for m in virtio_blk fuse nfsd ksmbd nfsv4 cifs; do
		modprobe "$m" || return
	done
}
wl_check "virtio_blk, fuse, nfsd, ksmbd, nfsv4 and cifs modules load" load_modules
# the disks appear as virtio_blk probes them
wait_for 10 test -e /sys/block/vdb

###########################################################################
# 1. NFSv4.1: nfsd exports an ext4 disk, the NFS client mounts it
###########################################################################
nfs_export=/mnt/nfs-export nfs_mnt=/mnt/nfs
mkdir -p "$nfs_export" "$nfs_mnt" /var/lib/nfs/nfsdcld /var/lib/nfs/v4recovery /run/rpc_pipefs
# /var/lib is an empty tmpfs: the export tables start empty
: > /var/lib/nfs/etab
: > /var/lib/nfs/rmtab

nfs_disk() {
	local dev
	dev=$(disk_by_serial nfsexport) &&
		mkfs.ext4 -q -F -L nfsexport "$dev" &&
		mount -t ext4 "$dev" "$nfs_export" &&
		chmod 1777 "$nfs_export" &&
		echo "server side written on $dev" > "$nfs_export/from-server.txt"
}
wl_check "nfs: ext4 disk for the export made and mounted" nfs_disk

# the server's control files and the client-tracking daemon's pipe
nfs_fs() {
	mount -t nfsd nfsd /proc/fs/nfsd &&
		mount -t rpc_pipefs sunrpc /run/rpc_pipefs &&
		ls /proc/fs/nfsd/threads /proc/fs/nfsd/versions
}
wl_check "nfs: nfsd and rpc_pipefs file systems mounted" nfs_fs
# nfsdcld keeps the NFSv4 client records (with none to reclaim nfsd skips
# its grace period); rpc.mountd answers nfsd's export upcalls (v4 only: no
# rpcbind, no MOUNT protocol)
nfsdcld -F -p /run/rpc_pipefs -s /var/lib/nfs/nfsdcld > "$st/nfsdcld.log" 2>&1 &
nfsdcld_pid=$!
nfs_export_it() {
	exportfs -i -o rw,sync,fsid=0,no_subtree_check,insecure,no_root_squash "127.0.0.1:$nfs_export" || return
	exportfs -v
	exportfs -v | grep -A1 "^$nfs_export" | grep -q 127.0.0.1
}
wl_check "nfs: export 127.0.0.1:$nfs_export (fsid=0) with exportfs" nfs_export_it
rpc.mountd -F -N 2 -N 3 > "$st/mountd.log" 2>&1 &
mountd_pid=$!

nfsd_start() {
	# NFSv4 only, with short lease and grace times in case a grace
	# period runs (the TCG guest is slow)
	rpc.nfsd -N 3 -V 4 -V 4.1 -V 4.2 -L 15 -G 10 4 || return
	wait_for 30 listening 2049 || { echo "nothing listens on TCP 2049"; ss -ltn; return 1; }
	echo "threads: $(cat /proc/fs/nfsd/threads)"
	echo "versions: $(cat /proc/fs/nfsd/versions)"
	[ "$(cat /proc/fs/nfsd/threads)" -gt 0 ] && grep -qw '+4.1' /proc/fs/nfsd/versions
}
wl_check "nfs: rpc.nfsd runs 4 threads, NFSv4.1 enabled, TCP 2049 listens" nfsd_start

# new opens wait for the grace period's end: end it if it runs (nfsdcld
# absent or slow); v4_end_grace reads Y once it is over
nfs_grace() {
	[ "$(cat /proc/fs/nfsd/v4_end_grace)" = Y ] || echo Y > /proc/fs/nfsd/v4_end_grace
	wait_for 20 grep -qx Y /proc/fs/nfsd/v4_end_grace
}
wl_check "nfs: NFSv4 grace period over" nfs_grace

wl_check "nfs: mount -t nfs4 -o vers=4.1 127.0.0.1:/" \
	timeout -k 10 180 mount -t nfs4 -o vers=4.1,proto=tcp 127.0.0.1:/ "$nfs_mnt"
wl_check "nfs: /proc/mounts shows nfs4 with vers=4.1" mounted "$nfs_mnt" nfs4 '(^|,)vers=4\.1(,|$)'
wl_check "nfs: a file the server wrote reads on the client" \
	grep -x "server side written on /dev/vd[a-z]*" "$nfs_mnt/from-server.txt"

# roundtrip MOUNT BACKING: 8 MiB written through the client's MOUNT land
# in the server's BACKING folder and read back through MOUNT, caches dropped
roundtrip() {
	timeout -k 10 120 cp "$st/pattern-8m" "$1/pattern" &&
		timeout -k 10 60 sync -f "$1" && drop_caches &&
		same_bytes "$st/pattern-8m" "$2/pattern" &&
		same_bytes "$st/pattern-8m" "$1/pattern"
}
wl_check "nfs: 8 MiB written by the client lands on the server's disk and reads back" \
	roundtrip "$nfs_mnt" "$nfs_export"
mkdir -p /mnt/refused
wl_refused "nfs: a path outside the export does not mount" \
	timeout -k 10 120 mount -t nfs4 -o vers=4.1,retry=0 127.0.0.1:/no-such-export /mnt/refused
! mountpoint -q /mnt/refused || umount /mnt/refused

# A second client, in its own network namespace behind a veth pair
# (10.77.0.2, the server side 10.77.0.1): the export does not list it, so
# it is refused; listed read-only, it reads and cannot write. It has its
# own host name (UTS namespace): NFSv4.1 tells clients apart by it.
netns_up() {
	modprobe veth &&
		ip netns add nsclient &&
		ip link add nsv0 type veth peer name nsv1 &&
		ip link set nsv1 netns nsclient &&
		ip addr add 10.77.0.1/24 dev nsv0 && ip link set nsv0 up &&
		ip -n nsclient addr add 10.77.0.2/24 dev nsv1 &&
		ip -n nsclient link set nsv1 up && ip -n nsclient link set lo up &&
		wait_for 20 ip netns exec nsclient bash -c 'exec 3<> /dev/tcp/10.77.0.1/2049' &&
		echo "TCP 10.77.0.2 -> 10.77.0.1:2049 connects"
}
wl_check "nfs: a client namespace on a veth pair reaches the server's TCP 2049" netns_up
mkdir -p /mnt/nfs-other
cat > "$st/other-client.sh" <<'OTHER'
# run by ip netns exec nsclient unshare --uts: mount, read, try to write
hostname nfs-client-2
timeout -k 10 120 mount -t nfs4 -o vers=4.1,retry=0 10.77.0.1:/ /mnt/nfs-other || exit
[ "${1:-}" = read ] || exit 0
rc=0
cmp /run/netstorage/pattern-8m /mnt/nfs-other/pattern && echo "read 8 MiB through the read-only export" || rc=1
if touch /mnt/nfs-other/written-by-other; then echo "the read-only export took a write"; rc=1; fi
umount /mnt/nfs-other || rc=1
exit $rc
OTHER
# refused by the server, not lost on the way: mount.nfs4 says so
other_refused() {
	if ip netns exec nsclient unshare --uts bash "$st/other-client.sh" > "$st/refused.txt" 2>&1; then
		echo "the unlisted client mounted the export"
		return 1
	fi
	cat "$st/refused.txt"
	grep -Eqi 'access denied|permission denied' "$st/refused.txt"
}
wl_check "nfs: a client address the export does not list is refused" other_refused
other_ro() {
	exportfs -i -o ro,sync,fsid=0,no_subtree_check,insecure "10.77.0.2:$nfs_export" &&
		ip netns exec nsclient unshare --uts bash "$st/other-client.sh" read
}
wl_check "nfs: listed read-only, that client reads the bytes and cannot write" other_ro
wl_check "nfs: the refused write left nothing on the server's disk" test ! -e "$nfs_export/written-by-other"

fio_figures nfs41 "$nfs_mnt"

###########################################################################
# 2. SMB 3.1.1: ksmbd shares an ext4 disk, the CIFS client mounts it
###########################################################################
smb_share=/mnt/smb-share smb_mnt=/mnt/smb smb_sealed=/mnt/smb-sealed
mkdir -p "$smb_share" "$smb_mnt" "$smb_sealed"
smb_conf=/etc/ksmbd/ksmbd.conf smb_db=/etc/ksmbd/ksmbdpwd.db

smb_disk() {
	local dev
	dev=$(disk_by_serial smbshare) &&
		mkfs.ext4 -q -F -L smbshare "$dev" &&
		mount -t ext4 "$dev" "$smb_share" &&
		echo "server side written on $dev" > "$smb_share/from-server.txt"
}
wl_check "smb: ext4 disk for the share made and mounted" smb_disk

# /etc is the host's, read-only: ksmbd.mountd writes its ksmbd.subauth in
# /etc/ksmbd whatever it is told, so a tmpfs covers that folder (in the
# guest only), and the configuration and the user database made there are
# named to each tool. The user has no Unix account: the share maps every
# user to root, as an Azure Files mount maps all to one owner.
smb_config() {
	mount -t tmpfs -o mode=0700 ksmbd-etc /etc/ksmbd || return
	printf '[global]\n\tserver string = nimbus netstorage\n\tmap to guest = never\n' > "$smb_conf"
	ksmbd.addshare -c "$smb_conf" -a azfiles -o "path = $smb_share
read only = no
browseable = yes
force user = root
force group = root" &&
		ksmbd.adduser -c "$smb_conf" -i "$smb_db" -a "$smb_user" -p "$smb_pass" &&
		grep -q '^\[azfiles\]' "$smb_conf" && grep -q "^$smb_user:" "$smb_db" && cat "$smb_conf"
}
wl_check "smb: share and user made with ksmbd.addshare and ksmbd.adduser" smb_config
# SMB 3.1.1 signs with AES-CMAC and encrypts with AES-GCM/CCM: loaded now,
# not on demand in the middle of the first NEGOTIATE, which the client
# gives 20 s (a TCG guest loading modules over 9p can take longer)
smb_crypto() {
	local m
	for m in cmac gcm ccm ctr ghash-generic md5 aesni-intel; do
		modprobe "$m" || return
	done
}
wl_check "smb: AES-CMAC, AES-GCM and AES-CCM modules load" smb_crypto
ksmbd.mountd -n -c "$smb_conf" -u "$smb_db" > "$st/ksmbd-mountd.log" 2>&1 &
ksmbd_pid=$!
smb_listen() {
	if ! wait_for 60 listening 445; then
		echo "nothing listens on TCP 445"
		ss -ltn
		cat "$st/ksmbd-mountd.log"
		return 1
	fi
	kill -0 "$ksmbd_pid" || { echo "ksmbd.mountd exited"; cat "$st/ksmbd-mountd.log"; return 1; }
}
wl_check "smb: ksmbd.mountd runs and ksmbd listens on TCP 445" smb_listen

smb_opts="vers=3.1.1,username=$smb_user,password=$smb_pass"
# the first connection may still miss the client's 20 s NEGOTIATE limit on
# a starved TCG host (mount error 112, "Host is down"): that one case is
# tried once more, and said
smb_mount() {
	local rc=0
	timeout -k 10 120 mount -t cifs //127.0.0.1/azfiles "$smb_mnt" -o "$smb_opts" || rc=$?
	if [ "$rc" != 0 ] && dmesg | tail -n 5 | grep -q 'cifs_mount failed w/return code = -112'; then
		echo "first mount: Host is down (NEGOTIATE timed out); once more" | tee "$st/smb-retried"
		rc=0
		timeout -k 10 120 mount -t cifs //127.0.0.1/azfiles "$smb_mnt" -o "$smb_opts" || rc=$?
	fi
	return "$rc"
}
wl_check "smb: mount -t cifs //127.0.0.1/azfiles -o vers=3.1.1" smb_mount
[ ! -e "$st/smb-retried" ] || sed 's/^/# smb: /' "$st/smb-retried"
wl_check "smb: /proc/mounts shows cifs with vers=3.1.1" mounted "$smb_mnt" cifs '(^|,)vers=3\.1\.1(,|$)'
wl_check "smb: a file the server wrote reads on the client" \
	grep -x "server side written on /dev/vd[a-z]*" "$smb_mnt/from-server.txt"

wl_check "smb: 8 MiB written by the client lands on the server's disk and reads back" \
	roundtrip "$smb_mnt" "$smb_share"
wl_refused "smb: a wrong password is refused" \
	timeout -k 10 120 mount -t cifs //127.0.0.1/azfiles /mnt/refused -o "vers=3.1.1,username=$smb_user,password=wrong-$smb_pass"
! mountpoint -q /mnt/refused || umount /mnt/refused

smb_seal() {
	timeout -k 10 120 mount -t cifs //127.0.0.1/azfiles "$smb_sealed" -o "$smb_opts,seal" &&
		mounted "$smb_sealed" cifs '(^|,)seal(,|$)' &&
		same_bytes "$st/pattern-8m" "$smb_sealed/pattern"
}
wl_check "smb: an encrypted (seal) 3.1.1 mount reads the same bytes" smb_seal
fio_figures smb311 "$smb_mnt"

###########################################################################
# 3. FUSE: squashfuse (read-only image from the host), fuse2fs (writes)
###########################################################################
fuse_ro=/mnt/fuse-sqfs fuse_rw=/mnt/fuse-ext
mkdir -p "$fuse_ro" "$fuse_rw"
wl_check "fuse: squashfuse mounts the host's image" squashfuse "$WL_WORK/fuse.sqfs" "$fuse_ro"
wl_check "fuse: /proc/mounts shows it as a fuse mount" mounted "$fuse_ro" 'fuse|fuse\..*' .
fuse_content() (
	cd "$fuse_ro" || exit
	local have want rc=0
	# --quiet: only the files that differ or are missing are printed
	sha256sum --quiet --strict -c "$WL_WORK/fuse.sha256" || rc=1
	have=$(find . -type f | wc -l) want=$(wc -l < "$WL_WORK/fuse.sha256")
	[ "$have" = "$want" ] || { echo "$have files, the host made $want"; rc=1; }
	[ "$(readlink blobs/numbers-link)" = nested/numbers.txt ] || { echo "symbolic link lost"; rc=1; }
	[ -d empty-dir ] || { echo "empty directory lost"; rc=1; }
	exit $rc
)
wl_check "fuse: every file matches the SHA-256 taken on the host" fuse_content
wl_refused "fuse: squashfuse refuses a write" touch "$fuse_ro/new-file"

# fuse2fs: an ext4 image (no journal: fuse2fs does not write one) in tmpfs
fuse_img=$st/fuse2fs.img
fuse2fs_mount() {
	truncate -s 64M "$fuse_img" && mkfs.ext4 -q -F -O ^has_journal "$fuse_img" || return
	fuse2fs -f "$fuse_img" "$fuse_rw" -o rw > "$st/fuse2fs.log" 2>&1 &
	fuse2fs_pid=$!
	wait_for 30 mounted "$fuse_rw" 'fuse|fuse\..*' '(^|,)rw(,|$)' > /dev/null && mounted "$fuse_rw" 'fuse|fuse\..*' '(^|,)rw(,|$)'
}
fuse2fs_pid=
wl_check "fuse: fuse2fs mounts an ext4 image read-write" fuse2fs_mount
fuse_rw_check() {
	cp "$st/pattern-3m" "$fuse_rw/pattern" && drop_caches && same_bytes "$st/pattern-3m" "$fuse_rw/pattern" || return
	# unmounted, fuse2fs writes everything back and exits; the image is
	# then read without FUSE
	if ! umount "$fuse_rw" || ! wait "$fuse2fs_pid"; then
		echo "umount or fuse2fs failed"
		cat "$st/fuse2fs.log"
		return 1
	fi
	fuse2fs_pid=
	debugfs -R 'cat /pattern' "$fuse_img" 2>/dev/null > "$st/pattern-from-image" &&
		same_bytes "$st/pattern-3m" "$st/pattern-from-image" && e2fsck -fn "$fuse_img"
}
wl_check "fuse: 3 MiB written through fuse2fs reads back, and from the image after unmount" fuse_rw_check

###########################################################################
# the end: clients unmounted, servers stopped
###########################################################################
unmount_all() {
	local m rc=0
	for m in "$fuse_ro" "$fuse_rw" "$smb_sealed" "$smb_mnt" "$nfs_mnt"; do
		if mountpoint -q "$m"; then
			timeout -k 10 60 umount "$m" || { echo "umount $m failed"; rc=1; }
		fi
	done
	[ -z "$fuse2fs_pid" ] || wait "$fuse2fs_pid"
	return $rc
}
wl_check "clients unmounted (fuse, cifs, nfs4)" unmount_all

smb_stop() {
	timeout -k 10 60 ksmbd.control -s || { echo "ksmbd.control -s failed"; kill "$ksmbd_pid"; }
	wait_for 30 gone "$ksmbd_pid" || { echo "ksmbd.mountd still runs"; return 1; }
	wait_for 30 not listening 445 || { echo "TCP 445 still listens"; return 1; }
	umount "$smb_share" && umount /etc/ksmbd
}
wl_check "smb: ksmbd stopped, share disk unmounted" smb_stop

nfs_stop() {
	timeout -k 10 60 rpc.nfsd 0 || return
	[ "$(cat /proc/fs/nfsd/threads)" = 0 ] || { echo "nfsd threads: $(cat /proc/fs/nfsd/threads)"; return 1; }
	exportfs -ua
	kill "$mountd_pid" "$nfsdcld_pid" 2>/dev/null
	wait "$mountd_pid" "$nfsdcld_pid" 2>/dev/null
	umount /proc/fs/nfsd && umount /run/rpc_pipefs && umount "$nfs_export"
}
wl_check "nfs: nfsd stopped, export unexported, disk unmounted" nfs_stop

netns_down() {
	ip netns del nsclient || return
	wait_for 10 not ip link show nsv0 || { echo "nsv0 still there"; return 1; }
}
wl_check "the client namespace and its veth pair are gone" netns_down

# the daemons' own words, for whoever reads the output
for f in "$st"/nfsdcld.log "$st"/mountd.log "$st"/ksmbd-mountd.log; do
	[ -s "$f" ] && sed "s|^|# ${f##*/}: |" "$f" | tail -n 8
done
wl_done
