#!/bin/sh
# guest.sh: the job of the Secure Boot test guest (tests/secureboot/run packs
# it, with the files below, into the initramfs of the UKI it boots). Reports
# "key=value" lines; the host judges them. POSIX sh (busybox).
#   /sb/lockdown-probe   the probe (lockdown-probe.c)
#   /sb/bzImage          an unsigned kernel, for kexec_file_load
#   /sb/MOD-VARIANT.ko   one module: signed (by the build key), unsigned,
#                        otherkey (signed by a key the kernel does not know),
#                        tampered (signed, then one byte changed)
# efivarfs is a module in cloud (packed in the initramfs, signed)
efi=/sys/firmware/efi/efivars
if ! grep -qw efivarfs /proc/mounts; then
	modprobe efivarfs 2>/dev/null
	mount -t efivarfs efivarfs "$efi" 2>/dev/null
fi
efivar=$efi/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
# an EFI variable file: 4 bytes of attributes, then the value. The whole
# file is read and the fifth byte taken: efivarfs does not honour the seek
# that od -j makes, which printed the first attribute byte (6) instead.
if [ -r "$efivar" ]; then
	# shellcheck disable=SC2046 # word splitting into bytes is the point
	set -- $(od -An -tu1 "$efivar")
	echo "secureboot=${5:-short}"
else
	echo "secureboot=absent"
fi
echo "lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null || echo absent)"
echo "devmem=$(/sb/lockdown-probe devmem 2>&1)"
echo "kexec_load=$(/sb/lockdown-probe kexec-load 2>&1)"
echo "kexec_file=$(/sb/lockdown-probe kexec-file /sb/bzImage 2>&1)"

for ko in /sb/*-*.ko; do
	[ -f "$ko" ] || continue
	v=${ko##*-}
	v=${v%.ko}
	mod=$(basename "$ko" "-$v.ko")
	msg=$(insmod "$ko" 2>&1)
	rc=$?
	if [ -d "/sys/module/$mod" ]; then
		state=loaded
		rmmod "$mod" 2>/dev/null || state=loaded-and-stuck
	else
		state=absent
	fi
	echo "module_$v=rc=$rc state=$state msg=$(echo "$msg" | tr '\n' ' ')"
	echo "module_${v}_dmesg=$(dmesg | grep -iE "lockdown|module|signature|key" | tail -n 1)"
done

log=/sys/kernel/security/tpm0/binary_bios_measurements
if [ -r "$log" ]; then
	# the crypto-agile log starts with the Spec ID event
	echo "eventlog=$(wc -c < "$log") bytes$(grep -q 'Spec ID Event03' "$log" && echo ', crypto-agile')"
else
	echo "eventlog=absent"
fi
echo "pcr4=$(cat /sys/class/tpm/tpm0/pcr-sha256/4 2>/dev/null || echo absent)"
echo "kernel=$(uname -r)"
echo "done=1"
