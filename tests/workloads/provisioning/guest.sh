#!/bin/bash
# tests/workloads/provisioning/guest.sh: an Azure VM's first boot reads who
# it is from a DVD. The platform attaches a SCSI CD-ROM (storvsc; here
# virtio-scsi) holding ovf-env.xml on a UDF file system (ISO9660 on older
# images): user name, SSH public key, host name, custom data. cloud-init
# (and WALinuxAgent) find the disc with blkid, mount it read-only, parse
# the file and eject the disc. If sr_mod, sg, udf or isofs is missing or
# broken, the VM comes up with no user and no key: nobody can log in.
# This proves the kernel's side of that path (the drive, its SCSI generic
# node, both file systems, eject) and that cloud-init's own Azure reader
# gets back exactly what the host wrote (host.sh; WL_WORK/expected/).
# shellcheck source=SCRIPTDIR/../lib.sh
. "$WL_DIR/../lib.sh"

exp=$WL_WORK/expected
tmp=$(mktemp -d)

# wl_same EXPECTED-FILE GOT-FILE: byte-equal, or both shown as evidence
wl_same() {
	cmp -s "$1" "$2" && return 0
	echo "expected ($1): $(cat "$1" 2>&1)"
	echo "got ($2): $(cat "$2" 2>&1)"
	return 1
}

# wl_ovf_read DIR OUT [DIR OUT...]: cloud-init's Azure data source reads
# each DIR/ovf-env.xml the way it does from a mounted disc
# (load_azure_ds_dir -> read_azure_ovf), with the Debian python3 cloud-init
# is packaged for, one start for all discs (importing it is slow under
# TCG); each value it returns goes to a file in OUT, and OUT/parsed marks
# success (OUT/error holds the exception otherwise)
wl_ovf_read() {
	/usr/bin/python3 - "$@" <<'PY'
import os
import sys
import traceback

from cloudinit.sources.DataSourceAzure import load_azure_ds_dir

args = sys.argv[1:]
for src, out in zip(args[0::2], args[1::2]):
    os.makedirs(out, exist_ok=True)
    try:
        md, ud, cfg, files = load_azure_ds_dir(src)
    except Exception:
        with open(os.path.join(out, "error"), "w") as f:
            f.write(traceback.format_exc())
        continue
    keys = cfg.get("_pubkeys") or []
    first = keys[0] if keys else {}
    user = cfg.get("system_info", {}).get("default_user", {}).get("name")
    values = {
        "hostname": md.get("local-hostname"),
        "user": user,
        "key": first.get("value"),
        "fingerprint": first.get("fingerprint"),
        "keypath": first.get("path"),
        "nkeys": str(len(keys)),
        "ssh_pwauth": str(cfg.get("ssh_pwauth")),
    }
    for name, value in values.items():
        with open(os.path.join(out, name), "w") as f:
            f.write("" if value is None else value)
    with open(os.path.join(out, "customdata"), "wb") as f:
        f.write(ud if isinstance(ud, bytes) else ud.encode())
    with open(os.path.join(out, "parsed"), "w") as f:
        f.write("%d bytes of ovf-env.xml: %r\n" % (len(files["ovf-env.xml"]), values))
PY
}

# wl_parsed OUT: wl_ovf_read got values out of that disc's ovf-env.xml
wl_parsed() {
	[ -f "$1/parsed" ] && return 0
	cat "$1/error" "$tmp/ovf.log" 2>/dev/null
	return 1
}

# wl_cdroms N: wait (SCSI scanning is asynchronous) until N CD-ROMs are up
wl_cdroms() {
	local n=0 _
	for _ in $(seq 60); do
		n=$(find /sys/block -maxdepth 1 -name 'sr*' | wc -l)
		[ "$n" -ge "$1" ] && [ -b /dev/sr0 ] && return 0
		sleep 1
	done
	echo "$n CD-ROM(s) after 60 s, want $1: $(ls /sys/block)"
	lsscsi 2>/dev/null || cat /proc/scsi/scsi 2>/dev/null
	return 1
}

# wl_type DEV: the file system type blkid probes on DEV (not its cache)
wl_type() { blkid -p -o value -s TYPE "$1" 2>/dev/null; }

# wl_mounted_as DIR FSTYPE: /proc/mounts lists DIR as FSTYPE, read-only
wl_mounted_as() {
	awk -v d="$1" -v t="$2" '$2 == d && $3 == t && $4 ~ /^ro(,|$)/ { f = 1 } END { exit !f }' \
		/proc/mounts && return 0
	echo "/proc/mounts for $1:"
	grep " $1 " /proc/mounts
	return 1
}

# wl_found_as DEV TYPE: blkid's search by type (what cloud-init's
# util.find_devs_with("TYPE=...") runs) lists DEV
wl_found_as() {
	[ -n "$1" ] && blkid -t "TYPE=$2" -o device | grep -qx "$1" && return 0
	echo "no device of type $2 at '$1'; blkid says:"
	blkid
	return 1
}

# wl_label DEV LABEL-FILE: the volume label blkid reads is the expected one
wl_label() {
	[ "$(blkid -p -o value -s LABEL "$1")" = "$(cat "$2")" ] && return 0
	echo "want label $(cat "$2")"
	blkid -p "$1"
	return 1
}

# wl_inquiry SG: the SCSI generic node answers INQUIRY as a CD/DVD drive
wl_inquiry() {
	[ -c "$1" ] || { echo "$1: no such character device"; return 1; }
	sg_inq "$1" > "$tmp/inq" 2>&1 || { cat "$tmp/inq"; return 1; }
	grep -q 'Peripheral device type: cd/dvd' "$tmp/inq" || { cat "$tmp/inq"; return 1; }
}

# wl_key_meta DIR: the key's Azure thumbprint and authorized_keys path
# came through, and it is the only key
wl_key_meta() {
	wl_same "$exp/fingerprint" "$1/fingerprint" || return 1
	[ "$(cat "$1/keypath")" = "/home/$(cat "$exp/user")/.ssh/authorized_keys" ] ||
		{ echo "path: $(cat "$1/keypath")"; return 1; }
	[ "$(cat "$1/nkeys")" = 1 ] || { echo "$(cat "$1/nkeys") keys"; return 1; }
}

wl_modules() {	# wl_modules MODULE...: modprobe each (no udev here to do it)
	local m
	for m in "$@"; do
		modprobe -v "$m" || return
	done
}

wl_check "the SCSI CD-ROM, SCSI generic, UDF and ISO9660 drivers load" \
	wl_modules virtio_scsi sr_mod sg cdrom udf isofs
wl_check "both provisioning discs show up as SCSI CD-ROMs (/dev/sr0, /dev/sr1)" wl_cdroms 2

# Which is which: the way cloud-init looks (blkid, TYPE=udf / TYPE=iso9660)
udf='' iso=''
for d in /dev/sr*; do
	case "$(wl_type "$d")" in
	udf) udf=$d ;;
	iso9660) iso=$d ;;
	esac
done
wl_check "blkid finds the UDF disc the way cloud-init searches (TYPE=udf)" wl_found_as "$udf" udf
wl_check "the UDF disc carries the label the host gave it" wl_label "${udf:-/dev/sr0}" "$exp/label-udf"

# the drive itself, as WALinuxAgent and udev's cdrom_id see it: its SCSI
# generic node answers INQUIRY (a CD/DVD device) and TEST UNIT READY
dev=${udf:-/dev/sr0}
sg=$(find "/sys/block/${dev#/dev/}/device/scsi_generic/" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | head -n 1)
wl_check "the CD-ROM has a SCSI generic node (${sg:-none}) that answers INQUIRY as a CD/DVD drive" \
	wl_inquiry "/dev/${sg:-none}"
wl_check "the drive reports a medium (TEST UNIT READY)" sg_turs -v "/dev/${sg:-none}"

# the UDF disc: mount read-only as cloud-init does
mkdir -p /mnt/udf /mnt/iso
t0=$(date +%s%N)
wl_check "the UDF disc mounts read-only as udf" mount -t udf -o ro "$dev" /mnt/udf
t1=$(date +%s%N)
wl_figure provisioning_udf_mount $(((t1 - t0) / 1000000)) ms
wl_check "/proc/mounts shows it as a udf file system" wl_mounted_as /mnt/udf udf
wl_check "ovf-env.xml on the disc is byte for byte the one the host wrote" \
	cmp "$WL_WORK/udf/ovf-env.xml" /mnt/udf/ovf-env.xml
wl_refused "the provisioning disc cannot be written" touch /mnt/udf/written-by-guest

# the ISO9660 disc (older provisioning media, config drives)
wl_check "blkid finds the ISO9660 disc (TYPE=iso9660)" wl_found_as "$iso" iso9660
wl_check "the ISO9660 disc carries the label the host gave it" wl_label "${iso:-/dev/sr1}" "$exp/label-iso"
wl_refused "the udf driver refuses the ISO9660-only disc" mount -t udf -o ro "${iso:-/dev/sr1}" /mnt/iso
wl_check "the ISO9660 disc mounts read-only as iso9660" mount -t iso9660 -o ro "${iso:-/dev/sr1}" /mnt/iso
wl_check "/proc/mounts shows it as an iso9660 file system" wl_mounted_as /mnt/iso iso9660
wl_check "ovf-env.xml on the ISO9660 disc is byte for byte the host's (Rock Ridge name)" \
	cmp "$WL_WORK/iso/ovf-env.xml" /mnt/iso/ovf-env.xml

# what cloud-init makes of them
t0=$(date +%s%N)
wl_ovf_read /mnt/udf "$tmp/udf" /mnt/iso "$tmp/iso" > "$tmp/ovf.log" 2>&1
t1=$(date +%s%N)
wl_figure provisioning_cloud_init_read $(((t1 - t0) / 1000000)) ms
wl_check "cloud-init's Azure reader (read_azure_ovf) parses ovf-env.xml from the UDF disc" \
	wl_parsed "$tmp/udf"
wl_check "cloud-init reads the user name the host wrote" wl_same "$exp/user" "$tmp/udf/user"
wl_check "cloud-init reads the host name the host wrote" wl_same "$exp/hostname" "$tmp/udf/hostname"
wl_check "cloud-init reads the SSH public key the host generated" wl_same "$exp/key" "$tmp/udf/key"
wl_check "... with its thumbprint, for the user's authorized_keys" wl_key_meta "$tmp/udf"
wl_check "the key is a valid SSH public key (ssh-keygen reads it)" ssh-keygen -l -f "$tmp/udf/key"
wl_check "password logins are off (DisableSshPasswordAuthentication)" \
	grep -qx False "$tmp/udf/ssh_pwauth"
wl_check "cloud-init decodes the custom data the host wrote" wl_same "$exp/customdata" "$tmp/udf/customdata"
wl_check "cloud-init parses the ISO9660 disc's ovf-env.xml" wl_parsed "$tmp/iso"
wl_check "... and reads that disc's own host name" wl_same "$exp/hostname-iso" "$tmp/iso/hostname"

# done with the media: unmount and eject, as the provisioning agent does
wl_check "both discs unmount" sh -c 'umount /mnt/udf && umount /mnt/iso'
wl_check "the UDF disc ejects" eject "$dev"
wl_refused "after the eject the drive has no medium (TEST UNIT READY fails)" sg_turs "/dev/${sg:-none}"

rm -rf "$tmp"
wl_done
