# shellcheck shell=bash
# tests/workloads/netstorage/host.sh: the disks of the netstorage group.
# Two blank virtio disks back the in-guest file servers (the NFS export and
# the SMB share get an ext4 file system each, made in the guest), and a
# squashfs image built here, with the SHA-256 of every file it holds, is
# what the guest's FUSE mount must show byte for byte.

host_prepare() {	# host_prepare WORKDIR
	set -eu
	local work=$1 src i
	# backing disks of the servers (sparse: only what the guest writes is stored)
	truncate -s 512M "$work/nfs-export.img"
	truncate -s 512M "$work/smb-share.img"

	# the FUSE image: text, binary data, nesting, a symbolic link, an empty file
	src=$work/fuse-src
	mkdir -p "$src/blobs/nested/deeper" "$src/empty-dir"
	printf 'netstorage FUSE image, made on %s by %s\n' "$(date -u +%FT%TZ)" "$(hostname)" > "$src/README"
	for i in 1 2 3 4; do
		head -c $((i * 65536 + i)) /dev/urandom > "$src/blobs/blob-$i.bin"
	done
	seq 1 20000 > "$src/blobs/nested/numbers.txt"
	head -c 1048576 /dev/urandom > "$src/blobs/nested/deeper/one-mib.bin"
	: > "$src/blobs/zero-length"
	ln -s nested/numbers.txt "$src/blobs/numbers-link"
	(cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/fuse.sha256"
	mksquashfs "$src" "$work/fuse.sqfs" -noappend -quiet -no-progress -all-root
	rm -rf "$src"

	# one vm-run option per line; -q's value is split at blanks by vm-run
	{
		printf '%s\n' --memory 1536
		printf '%s\n' -q "-drive file=$work/nfs-export.img,if=none,id=nfsdisk,format=raw -device virtio-blk-pci,drive=nfsdisk,serial=nfsexport"
		printf '%s\n' -q "-drive file=$work/smb-share.img,if=none,id=smbdisk,format=raw -device virtio-blk-pci,drive=smbdisk,serial=smbshare"
	} > "$work/vm-args"
}
