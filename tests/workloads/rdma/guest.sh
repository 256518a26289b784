#!/bin/bash
# tests/workloads/rdma/guest.sh: RDMA on the cloud kernel, in the VM.
# Azure's GPU clusters (ND H100 v5 and the like) run NCCL and MPI over
# InfiniBand with mlx5 HCAs: the kernel side of that is the RDMA core
# (ib_core), the user verbs interface (ib_uverbs), the connection manager
# (rdma_cm, rdma_ucm) and the HCA drivers. With no HCA in a VM, soft-RoCE
# (rdma_rxe, a test-only module) stands in: two rxe devices on the two ends
# of a veth pair, so client and server are distinct RDMA devices and every
# packet crosses the "wire". Proves:
#   1. the modules load; both rxe ports are ACTIVE, InfiniBand transport over
#      an Ethernet link layer, with a RoCE v2 GID for their IPv4 address;
#   2. rping: an rdma_cm connection and 10 verified RDMA ping iterations;
#   3. perftest ib_send_bw and ib_write_bw (send/recv and RDMA write) run to
#      the end, with their bandwidth as figures (soft-RoCE under TCG: a
#      smoke figure, nothing like an HCA's);
#   4. the production RDMA modules (mlx5_ib, ib_ipoib, mana_ib) ship in the
#      signed module tree, signed like the rest, and load untainted.
# rxe in 6.12 works in the initial network namespace only (its UDP socket and
# its route lookups are init_net's), so the two veth ends cannot sit in two
# namespaces: both stay in init_net, and policy routing sends the traffic
# between their addresses out of the veth instead of through the local
# table; the rxe packet counters and the veth counters show it crossed.
# (Policy routing needs CONFIG_IP_MULTIPLE_TABLES; the rxe devices, VETH.)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$WL_DIR/../lib.sh"

IP0=10.231.0.1 IP1=10.231.0.2
ITERS=${RDMA_ITERS:-200}
T=$(mktemp -d)
RDMA_MODS=(ib_core ib_uverbs rdma_cm rdma_ucm rdma_rxe)
PROD_MODS=(mlx5_ib ib_ipoib mana_ib)
# the modprobe the kernel uses: the guest's wrapper, which points kmod at the
# build's module trees (PATH may find the plain one first)
MODPROBE=$(cat /proc/sys/kernel/modprobe 2> /dev/null || echo modprobe)
# the figures name where they were measured: soft-RoCE, and QEMU's TCG or KVM
case $(systemd-detect-virt --vm 2> /dev/null) in
qemu) ACCEL=tcg ;;
kvm) ACCEL=kvm ;;
*) ACCEL=vm ;;
esac

# --- 1. modules, fabric, devices ---------------------------------------------

load_rdma() (
	set -e
	"$MODPROBE" -a "${RDMA_MODS[@]}"
	for m in "${RDMA_MODS[@]}"; do
		[ -d "/sys/module/$m" ] || { echo "module $m is not loaded"; exit 1; }
	done
	ls -l /dev/infiniband/
	[ -c /dev/infiniband/rdma_cm ]
)

mac() { cat "/sys/class/net/$1/address"; }

# two veth ends in init_net; traffic from one's address to the other's goes
# out of the first (rules before the local table, for output only: iif lo)
make_fabric() (
	set -ex
	ip link add veth0 type veth peer name veth1
	sysctl -qw net.ipv4.conf.all.rp_filter=0
	for d in veth0 veth1; do
		if [ -d "/proc/sys/net/ipv6/conf/$d" ]; then
			sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
		fi
		sysctl -qw "net.ipv4.conf.$d.rp_filter=0" "net.ipv4.conf.$d.accept_local=1"
	done
	ip addr add "$IP0/24" dev veth0
	ip addr add "$IP1/24" dev veth1
	ip link set veth0 up
	ip link set veth1 up
	ip route add "$IP1/32" dev veth0 src "$IP0" table 231
	ip route add "$IP0/32" dev veth1 src "$IP1" table 232
	ip rule add pref 10 iif lo from "$IP0" to "$IP1" lookup 231
	ip rule add pref 11 iif lo from "$IP1" to "$IP0" lookup 232
	ip rule add pref 100 lookup local
	ip rule del pref 0 lookup local
	ip neigh replace "$IP1" lladdr "$(mac veth1)" dev veth0 nud permanent
	ip neigh replace "$IP0" lladdr "$(mac veth0)" dev veth1 nud permanent
	ip route get "$IP1" from "$IP0" | tee /dev/stderr | grep -q 'dev veth0'
	ip route get "$IP0" from "$IP1" | tee /dev/stderr | grep -q 'dev veth1'
)

# a ping between the two addresses is seen arriving on the other veth end
wire_ping() (
	set -e
	before=$(cat /sys/class/net/veth1/statistics/rx_packets)
	ping -c 3 -W 5 -I "$IP0" "$IP1"
	after=$(cat /sys/class/net/veth1/statistics/rx_packets)
	echo "veth1 rx_packets: $before -> $after"
	[ "$after" -ge $((before + 3)) ]
)

add_rxe() (
	set -ex
	rdma link add rxe0 type rxe netdev veth0
	rdma link add rxe1 type rxe netdev veth1
	rdma link show
	rdma link show | grep -q '^link rxe0/1 .*netdev veth0'
	rdma link show | grep -q '^link rxe1/1 .*netdev veth1'
)

# devinfo_ok DEV: ibv_devinfo shows the port active, IB transport, Ethernet link
devinfo_ok() {
	local dev=$1 out
	for _ in $(seq 20); do
		out=$(ibv_devinfo -d "$dev" 2>&1)
		if grep -Eq 'transport:[[:space:]]+InfiniBand' <<< "$out" &&
			grep -Eq 'state:[[:space:]]+PORT_ACTIVE' <<< "$out" &&
			grep -Eq 'link_layer:[[:space:]]+Ethernet' <<< "$out"; then
			echo "$out"
			return 0
		fi
		sleep 0.5
	done
	echo "$out"
	return 1
}

devices_listed() {
	local out
	out=$(ibv_devinfo -l 2>&1)
	echo "$out"
	grep -qw rxe0 <<< "$out" && grep -qw rxe1 <<< "$out"
}

# gid_index DEV IPV4: the index of the RoCE v2 GID of that address (the GID
# table fills in from the address notifier, asynchronously)
gid_index() {
	local dev=$1 want f n a b c d
	IFS=. read -r a b c d <<< "$2"
	want=$(printf "0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x" "$a" "$b" "$c" "$d")
	for _ in $(seq 20); do
		for f in /sys/class/infiniband/"$dev"/ports/1/gids/*; do
			n=${f##*/}
			if [ "$(cat "$f" 2> /dev/null)" = "$want" ] &&
				[ "$(cat "/sys/class/infiniband/$dev/ports/1/gid_attrs/types/$n" 2> /dev/null)" = "RoCE v2" ]; then
				echo "$n"
				return 0
			fi
		done
		sleep 0.5
	done
	return 1
}

gid_found() {	# gid_found DEV IPV4 VAR: sets VAR, shows the table if not found
	local idx
	if idx=$(gid_index "$1" "$2"); then
		printf -v "$3" %s "$idx"
		echo "$1: RoCE v2 GID of $2 at index $idx"
		return 0
	fi
	grep -H . /sys/class/infiniband/"$1"/ports/1/gids/* /sys/class/infiniband/"$1"/ports/1/gid_attrs/types/* 2>&1 | grep -v ':0000:0000:0000:0000:0000:0000:0000:0000$'
	return 1
}

# --- 2., 3. traffic -------------------------------------------------------------

counter() { cat "/sys/class/infiniband/$1/ports/1/hw_counters/$2" 2> /dev/null || echo 0; }
vstat() { cat "/sys/class/net/$1/statistics/$2"; }

# snap, then crossed WHAT MINBYTES: since snap, packets went from rxe0 out of
# veth0 into veth1 and rxe1 (at least MINBYTES of them), and back
snap() {
	S_TX0=$(counter rxe0 sent_pkts) S_RX1=$(counter rxe1 rcvd_pkts)
	S_TX1=$(counter rxe1 sent_pkts) S_RX0=$(counter rxe0 rcvd_pkts)
	S_V1=$(vstat veth1 rx_packets) S_V0=$(vstat veth0 rx_packets)
	S_B1=$(vstat veth1 rx_bytes)
}
crossed() {
	local tx0 rx1 tx1 rx0 v1 v0 b1
	tx0=$(($(counter rxe0 sent_pkts) - S_TX0)) rx1=$(($(counter rxe1 rcvd_pkts) - S_RX1))
	tx1=$(($(counter rxe1 sent_pkts) - S_TX1)) rx0=$(($(counter rxe0 rcvd_pkts) - S_RX0))
	v1=$(($(vstat veth1 rx_packets) - S_V1)) v0=$(($(vstat veth0 rx_packets) - S_V0))
	b1=$(($(vstat veth1 rx_bytes) - S_B1))
	echo "$1: rxe0 sent $tx0 packets, veth1 received $v1 ($b1 bytes), rxe1 received $rx1;" \
		"rxe1 sent $tx1, veth0 received $v0, rxe0 received $rx0"
	[ "$tx0" -gt 0 ] && [ "$rx1" -gt 0 ] && [ "$v1" -gt 0 ] && [ "$b1" -ge "$2" ] &&
		[ "$tx1" -gt 0 ] && [ "$rx0" -gt 0 ] && [ "$v0" -gt 0 ]
}

# rping: server on rxe1's address, client bound to rxe0's (without -I the
# route to a local address would pick the server's own device); -V checks
# the data of every iteration
rping_run() {
	local spid src=0 crc=1 try n_c n_s
	snap
	timeout 180 rping -s -a "$IP1" -v -V -C 10 > "$T/rping-server.log" 2>&1 &
	spid=$!
	sleep 1
	for try in 1 2 3 4 5; do
		crc=0
		timeout 120 rping -c -a "$IP1" -I "$IP0" -v -V -C 10 > "$T/rping-client.log" 2>&1 || crc=$?
		[ "$crc" != 0 ] || break
		echo "client try $try: exit $crc: $(tail -n 3 "$T/rping-client.log")"
		sleep 2
	done
	wait "$spid" || src=$?
	n_c=$(grep -c '^ping data: rdma-ping-' "$T/rping-client.log")
	n_s=$(grep -c '^server ping data: rdma-ping-' "$T/rping-server.log")
	echo "client exit $crc, $n_c ping data lines; server exit $src, $n_s lines"
	echo "--- client"; tail -n 4 "$T/rping-client.log"
	echo "--- server"; tail -n 4 "$T/rping-server.log"
	crossed rping 0 || return 1
	[ "$crc" = 0 ] && [ "$src" = 0 ] && [ "$n_c" = 10 ] && [ "$n_s" = 10 ]
}

# a connect to a port nobody listens on: rxe1's CM answers with a reject
rping_refused() {
	local rc=0 out
	out=$(timeout 60 rping -c -a "$IP1" -I "$IP0" -p 18999 -C 1 2>&1) || rc=$?
	echo "exit $rc: $out"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -q REJECTED <<< "$out"
}

wait_listen() {	# wait_listen PORT PID
	for _ in $(seq 60); do
		ss -Hltn "sport = :$1" | grep -q . && return 0
		kill -0 "$2" 2> /dev/null || return 1
		sleep 0.5
	done
	return 1
}

# result_line LOG: perftest's "#bytes #iterations BW-peak BW-average MsgRate"
result_line() {
	awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ && NF >= 5 { l = $0 } END { print l }' "$1"
}

# perf_run TOOL PORT: server on rxe1, client on rxe0, RoCE v2 GIDs, the
# out-of-band exchange over TCP. Both ends must report all the iterations of
# 64 KiB and all those bytes must have crossed the veth. The bandwidth (the
# client's average; perftest's TSC timing under TCG can give the client 0,
# then the server's) goes to $T/TOOL.bw.
perf_run() {
	local tool=$1 port=$2 spid src=0 crc=0 cl sl bw
	local args=(-i 1 -p "$port" -n "$ITERS" -s 65536 --report_gbits -F)
	rm -f "$T/$tool.bw"
	snap
	timeout 300 "$tool" -d rxe1 -x "$GID1" "${args[@]}" > "$T/$tool-server.log" 2>&1 &
	spid=$!
	if ! wait_listen "$port" "$spid"; then
		echo "$tool server not listening on port $port"
		kill "$spid" 2> /dev/null
		wait "$spid"
		cat "$T/$tool-server.log"
		return 1
	fi
	timeout 300 "$tool" -d rxe0 -x "$GID0" "${args[@]}" "$IP1" > "$T/$tool-client.log" 2>&1 || crc=$?
	wait "$spid" || src=$?
	cl=$(result_line "$T/$tool-client.log")
	sl=$(result_line "$T/$tool-server.log")
	echo "client exit $crc: ${cl:-no result line}"
	echo "server exit $src: ${sl:-no result line}"
	if [ "$crc" != 0 ] || [ -z "$cl" ]; then echo "--- client"; tail -n 12 "$T/$tool-client.log"; fi
	if [ "$src" != 0 ] || [ -z "$sl" ]; then echo "--- server"; tail -n 12 "$T/$tool-server.log"; fi
	crossed "$tool" $((ITERS * 65536)) || return 1
	[ "$crc" = 0 ] && [ "$src" = 0 ] || return 1
	read -r -a cl <<< "$cl"
	read -r -a sl <<< "$sl"
	[ "${cl[0]:-}" = 65536 ] && [ "${cl[1]:-}" = "$ITERS" ] &&
		[ "${sl[0]:-}" = 65536 ] && [ "${sl[1]:-}" = "$ITERS" ] || return 1
	bw=${cl[3]}
	awk -v b="$bw" 'BEGIN { exit !(b + 0 > 0) }' || bw=${sl[3]}
	echo "$bw" > "$T/$tool.bw"
}

# --- 4. production modules ----------------------------------------------------

# the module trees the guest was given: what ships first, test-only last
read -r -a TREES <<< "$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^nimbus_mods=//p' | tr ':' ' ')"
REL=$(uname -r)
SHIP=${TREES[0]:-}
TESTS=${TREES[${#TREES[@]}-1]:-}

mod_file() {	# mod_file TREE NAME: the module's file in that tree (by its index)
	local idx=$1/lib/modules/$REL rel
	rel=$(sed -n "s/^\([^:]*\/$2\.ko[^:/]*\):.*/\1/p" "$idx/modules.dep" 2> /dev/null | head -n 1)
	# (no index: look for the file)
	[ -f "$idx/modules.dep" ] || rel=$(find "$idx" \( -name "$2.ko" -o -name "$2.ko.*" \) -print -quit 2> /dev/null)
	case $rel in
	"") return 0 ;;
	/*) ;;
	*) rel=$idx/$rel ;;
	esac
	[ ! -e "$rel" ] || echo "$rel"
}

# production modules are in the shipped tree and carry the signature that a
# shipped module outside the RDMA stack carries
prod_signed() {
	local ref rsig m f sig id rc=0
	if [ -z "$SHIP" ] || [ ! -d "$SHIP/lib/modules/$REL" ]; then
		echo "no shipped module tree (nimbus_mods: ${TREES[*]:-none})"
		return 1
	fi
	echo "shipped tree: $SHIP"
	ref=$(grep -v '/infiniband/' "$SHIP/lib/modules/$REL/modules.dep" | head -n 1 | cut -d: -f1)
	case $ref in /*) ;; *) ref=$SHIP/lib/modules/$REL/$ref ;; esac
	rsig=$(modinfo -F signer "$ref" 2> /dev/null)
	echo "reference ${ref#"$SHIP/"}: signer '${rsig}'"
	[ -n "$rsig" ] || rc=1
	for m in "${PROD_MODS[@]}"; do
		f=$(mod_file "$SHIP" "$m")
		if [ -z "$f" ]; then
			echo "$m: not in the shipped tree"
			rc=1
			continue
		fi
		sig=$(modinfo -F signer "$f" 2> /dev/null)
		id=$(modinfo -F sig_id "$f" 2> /dev/null)
		echo "$m: ${f#"$SHIP/"}: signer '$sig', sig_id '$id'"
		[ -n "$sig" ] && [ "$sig" = "$rsig" ] && [ -n "$id" ] || rc=1
	done
	return "$rc"
}

# soft-RoCE is test-only: in the test tree, not in what ships
rxe_test_only() {
	local s t
	s=$(mod_file "$SHIP" rdma_rxe)
	t=$(mod_file "$TESTS" rdma_rxe)
	echo "shipped tree: ${s:-no rdma_rxe}; test tree ($TESTS): ${t:-no rdma_rxe}"
	[ -z "$s" ] && [ "$SHIP" != "$TESTS" ] && [ "${t#"$TESTS/"}" != "$t" ]
}

# load, and the kernel verified them: no E (unsigned) taint on any
prod_load() {
	local m rc=0 taint
	for m in "${PROD_MODS[@]}"; do
		if ! "$MODPROBE" "$m"; then
			rc=1
			continue
		fi
		taint=$(cat "/sys/module/$m/taint" 2> /dev/null)
		echo "$m: loaded, taint '${taint}'"
		[ -d "/sys/module/$m" ] && [[ "$taint" != *E* ]] || rc=1
	done
	echo "kernel taint: $(cat /proc/sys/kernel/tainted)"
	return "$rc"
}

remove_rxe() (
	set -ex
	rdma link delete rxe1
	rdma link delete rxe0
	if rdma link show | grep -E "rxe[01]"; then exit 1; fi
	[ ! -e /sys/class/infiniband/rxe0 ] && [ ! -e /sys/class/infiniband/rxe1 ]
	"$MODPROBE" -r rdma_rxe
	[ ! -d /sys/module/rdma_rxe ]
)

# --- the checks -----------------------------------------------------------------

GID0="" GID1=""
if wl_check "load ib_core, ib_uverbs, rdma_cm, rdma_ucm and rdma_rxe" load_rdma &&
	wl_check "veth pair with policy routing between its ends" make_fabric &&
	wl_check "IPv4 between the veth ends crosses the wire" wire_ping &&
	wl_check "rdma link add: rxe0 on veth0, rxe1 on veth1" add_rxe; then
	wl_check "ibv_devinfo lists rxe0 and rxe1" devices_listed
	wl_check "rxe0: PORT_ACTIVE, transport InfiniBand, link layer Ethernet" devinfo_ok rxe0
	wl_check "rxe1: PORT_ACTIVE, transport InfiniBand, link layer Ethernet" devinfo_ok rxe1
	wl_check "rxe0 has a RoCE v2 GID for $IP0" gid_found rxe0 "$IP0" GID0
	wl_check "rxe1 has a RoCE v2 GID for $IP1" gid_found rxe1 "$IP1" GID1
	wl_check "rping over rdma_cm, rxe0 to rxe1: 10 verified iterations" rping_run
	wl_check "rdma_cm connect to a port with no listener is rejected" rping_refused
	if [ -n "$GID0" ] && [ -n "$GID1" ]; then
		for t in ib_send_bw:18515 ib_write_bw:18516; do
			if wl_check "${t%:*} rxe0 to rxe1, $ITERS x 64 KiB, RoCE v2" perf_run "${t%:*}" "${t#*:}"; then
				wl_figure "softroce_${ACCEL}_${t%:*}" "$(cat "$T/${t%:*}.bw")" Gb/s
			fi
		done
	else
		wl_result 1 "ib_send_bw and ib_write_bw" "no RoCE v2 GID index for -x"
	fi
	wl_check "rdma link delete both rxe devices, unload rdma_rxe" remove_rxe
fi
wl_check "mlx5_ib, ib_ipoib, mana_ib ship signed like the rest" prod_signed
wl_check "rdma_rxe is test-only (not in the shipped tree)" rxe_test_only
wl_check "modprobe mlx5_ib, ib_ipoib, mana_ib: loaded, signature accepted" prod_load
rm -rf "$T"
wl_done
