# shellcheck shell=bash
# tests/workloads/observability/host.sh: host side of the observability group.
# Nothing to build on the host: the guest uses the host's own tools (perf,
# bpftrace, bpftool, libbpf-tools) over the 9p root. bpftrace compiles its
# scripts with LLVM in the guest, so the VM gets 2 GiB instead of 1.
host_prepare() {
	set -eu
	printf '%s\n' --memory 2048 > "$1/vm-args"
}
