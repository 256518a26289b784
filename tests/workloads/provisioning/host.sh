# shellcheck shell=bash
# tests/workloads/provisioning/host.sh: the provisioning media Azure attaches
# at first boot, made on the host. A UDF disc (as Azure's) and an ISO9660
# disc (as older images get) each hold an ovf-env.xml in Azure's format
# with a fresh user name, host name, SSH key (ssh-keygen) and custom data;
# both go to the VM as SCSI CD-ROMs on a virtio-scsi controller (storvsc's
# stand-in). The values written are kept in WORKDIR/expected/ for the guest.

# wl_ovf_env HOSTNAME USER PUBKEY-FILE FINGERPRINT CUSTOMDATA-FILE: print an
# ovf-env.xml as Azure writes it (LinuxProvisioningConfigurationSet)
wl_ovf_env() {
	cat <<XML
<?xml version="1.0" encoding="utf-8"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" xmlns:wa="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
	<wa:ProvisioningSection>
		<wa:Version>1.0</wa:Version>
		<LinuxProvisioningConfigurationSet xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
			<ConfigurationSetType>LinuxProvisioningConfiguration</ConfigurationSetType>
			<HostName>$1</HostName>
			<UserName>$2</UserName>
			<DisableSshPasswordAuthentication>true</DisableSshPasswordAuthentication>
			<SSH>
				<PublicKeys>
					<PublicKey>
						<Fingerprint>$4</Fingerprint>
						<Path>/home/$2/.ssh/authorized_keys</Path>
						<Value>$(cat "$3")</Value>
					</PublicKey>
				</PublicKeys>
			</SSH>
			<CustomData>$(base64 -w 0 "$5")</CustomData>
		</LinuxProvisioningConfigurationSet>
	</wa:ProvisioningSection>
	<wa:PlatformSettingsSection>
		<wa:Version>1.0</wa:Version>
		<PlatformSettings xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
			<KmsServerHostname>kms.core.windows.net</KmsServerHostname>
			<ProvisionGuestAgent>true</ProvisionGuestAgent>
			<GuestAgentPackageName i:nil="true" />
			<PreprovisionedVm>false</PreprovisionedVm>
		</PlatformSettings>
	</wa:PlatformSettingsSection>
</Environment>
XML
}

host_prepare() {
	set -eu
	local w=$1 tag e
	e=$w/expected
	mkdir -p "$e" "$w/udf" "$w/iso"
	# fresh values each run: a stale or built-in answer cannot match
	tag=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	ssh-keygen -q -t rsa -b 3072 -N '' -C "wl-provisioning-$tag" -f "$w/id_rsa"
	tr -d '\n' < "$w/id_rsa.pub" > "$e/key"
	# Azure's Fingerprint is a certificate thumbprint: 40 upper-case hex digits
	cut -d' ' -f2 "$w/id_rsa.pub" | base64 -d | sha1sum | cut -c1-40 | tr a-f A-F | tr -d '\n' > "$e/fingerprint"
	printf 'azureuser%s' "$tag" > "$e/user"
	printf 'nimbus-prov-%s' "$tag" > "$e/hostname"
	printf 'nimbus-prov-%s-iso' "$tag" > "$e/hostname-iso"
	printf '#cloud-config\n# workload provisioning %s\nruncmd:\n  - [ echo, "custom data %s" ]\n' \
		"$tag" "$tag" > "$e/customdata"
	wl_ovf_env "$(cat "$e/hostname")" "$(cat "$e/user")" "$e/key" "$(cat "$e/fingerprint")" \
		"$e/customdata" > "$w/udf/ovf-env.xml"
	wl_ovf_env "$(cat "$e/hostname-iso")" "$(cat "$e/user")" "$e/key" "$(cat "$e/fingerprint")" \
		"$e/customdata" > "$w/iso/ovf-env.xml"
	# the UDF disc: genisoimage writes UDF 1.02 (with an ISO9660 bridge, as
	# most mastering tools do) without mounting anything on the host
	genisoimage -quiet -udf -r -V "AZPROV$tag" -o "$w/prov-udf.iso" "$w/udf"
	# the ISO9660 disc: Rock Ridge and Joliet, no UDF at all
	genisoimage -quiet -r -J -V "AZISO$tag" -o "$w/prov-iso.iso" "$w/iso"
	# what each holds, as blkid sees it on the host (the guest must agree)
	[ "$(blkid -p -o value -s TYPE "$w/prov-udf.iso")" = udf ]
	[ "$(blkid -p -o value -s TYPE "$w/prov-iso.iso")" = iso9660 ]
	# and udftools' reader walks the UDF structures: one file, our label
	udfinfo "$w/prov-udf.iso" > "$w/udfinfo.txt"
	grep -qx 'numfiles=1' "$w/udfinfo.txt"
	grep -qx "label=AZPROV$tag" "$w/udfinfo.txt"
	printf 'AZPROV%s' "$tag" > "$e/label-udf"
	printf 'AZISO%s' "$tag" > "$e/label-iso"
	{
		echo -q
		echo "-device virtio-scsi-pci,id=scsi0" \
			"-drive file=$w/prov-udf.iso,if=none,id=cd0,media=cdrom,format=raw,readonly=on" \
			"-device scsi-cd,bus=scsi0.0,drive=cd0,scsi-id=0,lun=0" \
			"-drive file=$w/prov-iso.iso,if=none,id=cd1,media=cdrom,format=raw,readonly=on" \
			"-device scsi-cd,bus=scsi0.0,drive=cd1,scsi-id=1,lun=0"
	} > "$w/vm-args"
}
