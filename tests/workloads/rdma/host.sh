# shellcheck shell=bash
# tests/workloads/rdma/host.sh: the host side of the rdma group (see
# guest.sh). No disks: the soft-RoCE fabric is a veth pair made in the
# guest. Only more guest memory: two rxe devices with their queue pairs and
# memory regions, perftest's 64 KiB buffers and the rdma-core tools.

host_prepare() {	# host_prepare WORKDIR
	set -eu
	local work=$1
	printf '%s\n' --memory 2048 > "$work/vm-args"
}
