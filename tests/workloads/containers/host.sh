# shellcheck shell=bash
# tests/workloads/containers/host.sh: the host side of the containers group
# (see guest.sh). Makes, in WORKDIR:
#   rootfs.tar         a busybox root file system, the container image that
#                      the guest imports with "podman import" (built here,
#                      no registry: the VMs and AKS tests reach no network)
#   tc-drop-icmp.o     the tc BPF classifier, from tc-drop-icmp.c, when
#                      clang is installed (the guest skips that check if not)
#   vm-args            2 GiB of guest memory (podman, conmon and crun on TCG)
#                      and a 40 min limit: about 6 min on a quiet host, but
#                      each podman call takes a minute or more on TCG when
#                      other VMs share the cores (20 min seen)

containers_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

host_prepare() {
	set -eu
	local work=$1 root applet
	root=$work/rootfs
	rm -rf "$root"
	mkdir -p "$root"/bin "$root"/etc "$root"/proc "$root"/sys "$root"/dev \
		"$root"/tmp "$root"/run "$root"/root "$root"/var/www
	# busybox-static: one binary, no libraries to carry into the image
	file -L /bin/busybox | grep -q 'statically linked' ||
		{ echo "/bin/busybox is not static (install busybox-static)" >&2; return 1; }
	cp /bin/busybox "$root/bin/busybox"
	for applet in $("$root/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
	echo 'root:x:0:' > "$root/etc/group"
	echo 'nimbus containers workload image' > "$root/etc/nimbus-image"
	chmod 1777 "$root/tmp"
	tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$work/rootfs.tar" .
	rm -rf "$root"
	tar -tf "$work/rootfs.tar" | grep -qx './bin/wget' ||
		{ echo "rootfs.tar has no bin/wget" >&2; return 1; }

	# a BPF object for "tc filter ... bpf" (clang: packages)
	if command -v clang > /dev/null; then
		clang -O2 -g0 -target bpf '-D__section(s)=__attribute__((section(s)))' \
			'-D__used=__attribute__((used))' \
			-c "$containers_dir/tc-drop-icmp.c" -o "$work/tc-drop-icmp.o"
	else
		echo "clang not installed: no tc BPF object (the guest skips that check)"
	fi

	printf '%s\n' --memory 2048 --timeout 2400 > "$work/vm-args"
}
