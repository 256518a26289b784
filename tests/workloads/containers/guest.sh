#!/bin/bash
# tests/workloads/containers/guest.sh: AKS node containers and Kubernetes
# node networking on the cloud kernel, in the VM (run by tests/workloads/run).
#
# What it proves, and why it matters on Azure: an AKS node is a container
# host. Its runtime stack (here podman with crun, overlayfs image layers,
# cgroup v2 limits, the AppArmor profile) and its CNI plumbing (a bridge with veth pairs and
# NAT for pod egress) must work on the kernel; and the node's network
# plugins build on kernel features that are modules here, loaded only when
# an agent asks: Azure CNI uses ipvlan/macvlan/bridge, Cilium VXLAN or
# geneve overlays, BPF classifiers and wireguard, kube-proxy ipset+iptables
# or IPVS, VPNs and rootless containers tun/tap. Each is exercised with
# traffic between network namespaces, and each check asserts on what came
# back over the wire (a token, the peer address the server saw, a rule's
# counter), so a missing module or a broken path fails it.
#
# The image is local: host.sh packs a busybox-static root file system into
# $WL_WORK/rootfs.tar, imported here with "podman import" (no registry).
# podman's storage and state live on the guest's tmpfs (/var/lib, /run,
# /tmp; /etc is the host's, read-only), set by the two files written below
# and pointed at with CONTAINERS_CONF and CONTAINERS_STORAGE_CONF.
# Traffic stays inside the VM.

# shellcheck source=../lib.sh
. "$WL_DIR/../lib.sh"

T=$(mktemp -d /tmp/containers.XXXXXX)
IMAGE=localhost/nimbus-test
TOKEN=nimbus-$RANDOM$RANDOM
PIDS=()

nsx() {	# nsx NETNS CMD...: run CMD in a named network namespace (-: this one)
	local ns=$1
	shift
	if [ "$ns" = - ]; then "$@"; else ip netns exec "$ns" "$@"; fi
}

# ping_ok NETNS ADDR: ADDR answers from NETNS (a few tries: the first
# packet over a tunnel also waits for ARP on both layers)
ping_ok() {
	for _ in 1 2 3; do
		nsx "$1" ping -c 1 -W 3 "$2" && return 0
		sleep 1
	done
	return 1
}

ping_dropped() {	# ping_dropped NETNS ADDR: no answer to 2 pings
	! nsx "$1" ping -c 2 -i 0.5 -W 2 "$2"
}

# serve NETNS ADDR:PORT DIR: busybox httpd in NETNS, up once it listens
serve() {
	# (not through nsx: $! must be httpd's own pid, to end it at the end)
	if [ "$1" = - ]; then
		busybox httpd -f -p "$2" -h "$3" < /dev/null > /dev/null 2>&1 &
	else
		ip netns exec "$1" busybox httpd -f -p "$2" -h "$3" < /dev/null > /dev/null 2>&1 &
	fi
	PIDS+=($!)
	for _ in $(seq 1 50); do
		nsx "$1" ss -Hltn "sport = :${2##*:}" | grep -q LISTEN && return 0
		sleep 0.2
	done
	echo "httpd on $2 in $1 did not start listening"
	return 1
}

ms_now() { echo $(($(date +%s%N) / 1000000)); }

# wl_check sends a check's output to its log: figures go to fd 3, the
# job's own output
exec 3>&1

# ---------------------------------------------------------------- modules
# What the node's agents load after boot (all modules in the cloud flavor);
# loaded up front so a missing one is named here, not guessed from below.
MODULES="overlay veth bridge dummy ipvlan macvlan vxlan geneve wireguard tun
nf_tables nft_chain_nat nft_masq nf_nat nft_compat xt_MASQUERADE xt_conntrack
xt_comment nf_conntrack_netlink ip_set ip_set_hash_ip xt_set ip_vs ip_vs_rr
sch_ingress cls_bpf"
load_modules() {
	local m bad=
	for m in $MODULES; do
		modprobe "$m" || bad="$bad $m"
	done
	[ -z "$bad" ] || { echo "could not load:$bad"; return 1; }
}
wl_check "kernel modules for containers and node networking load" load_modules

# ------------------------------------------------------------------ podman
mkdir -p "$T/networks" /var/lib/nimbus-podman /run/nimbus-podman
cat > "$T/containers.conf" <<EOF
[containers]
netns = "bridge"
[engine]
runtime = "crun"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "/run/nimbus-podman/events.log"
tmp_dir = "/run/nimbus-podman/libpod"
[network]
network_backend = "netavark"
network_config_dir = "$T/networks"
default_subnet = "10.88.0.0/16"
EOF
cat > "$T/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "/var/lib/nimbus-podman/storage"
runroot = "/run/nimbus-podman/storage"
EOF
export CONTAINERS_CONF=$T/containers.conf CONTAINERS_STORAGE_CONF=$T/storage.conf

podman_setup() {
	local info
	info=$(podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}} {{.Host.NetworkBackend}} {{.Host.CgroupsVersion}}') || return 1
	echo "podman info: $info"
	[ "$info" = "crun overlay netavark v2" ]
}
wl_check "podman uses crun, overlay storage, netavark and cgroup v2" podman_setup

podman_import() {
	local t0 t1
	t0=$(ms_now)
	timeout 300 podman import "$WL_WORK/rootfs.tar" "$IMAGE" || return 1
	t1=$(ms_now)
	podman image exists "$IMAGE" || return 1
	wl_figure podman_import_ms $((t1 - t0)) ms >&3
}
wl_check "podman import builds $IMAGE from a local rootfs tarball" podman_import

# A container runs, on the image's files, under this kernel; one run (each
# podman call costs a minute on a loaded TCG host) gives three checks:
# its own pid namespace, its AppArmor label (the cloud kernel's LSM:
# podman loads its containers-default profile with apparmor_parser) and
# its cgroup v2 limits (what kubelet's pod limits become)
RUN_OUT=
podman_run() {
	local t0 t1
	t0=$(ms_now)
	# shellcheck disable=SC2016 # expanded by the container's shell
	RUN_OUT=$(timeout 300 podman run --rm --network none --memory 64m --pids-limit 50 "$IMAGE" \
		sh -c 'cat /etc/nimbus-image; echo sum=$((6 * 7)); uname -r; echo pid=$$
			echo "label=$(cat /proc/self/attr/current)"
			echo "memory.max=$(cat /sys/fs/cgroup/memory.max)"
			echo "pids.max=$(cat /sys/fs/cgroup/pids.max)"') || { echo "$RUN_OUT"; return 1; }
	t1=$(ms_now)
	echo "$RUN_OUT"
	grep -qx 'nimbus containers workload image' <<< "$RUN_OUT" &&
		grep -qx 'sum=42' <<< "$RUN_OUT" &&
		grep -Fqx "$(uname -r)" <<< "$RUN_OUT" &&
		grep -qx 'pid=1' <<< "$RUN_OUT" || return 1
	wl_figure podman_run_ms $((t1 - t0)) ms >&3
}
wl_check "podman run (crun) runs a busybox container in its own pid namespace" podman_run

podman_apparmor() {
	echo "container's output: ${RUN_OUT:-none}"
	grep -q '^label=containers-default-.* (enforce)$' <<< "$RUN_OUT"
}
if [ "$(cat /sys/module/apparmor/parameters/enabled 2> /dev/null)" = Y ]; then
	wl_check "podman confines the container with AppArmor (containers-default, enforce)" podman_apparmor
else
	wl_result 0 "podman AppArmor confinement # SKIP AppArmor is not enabled in this kernel"
fi

podman_cgroup() {
	echo "container's output: ${RUN_OUT:-none}"
	grep -qx 'memory.max=67108864' <<< "$RUN_OUT" && grep -qx 'pids.max=50' <<< "$RUN_OUT"
}
wl_check "podman --memory/--pids-limit set the container's cgroup v2 limits" podman_cgroup

# The server the containers reach: another network namespace, behind a
# veth pair; its CGI says which source address the connection came from.
server_setup() {
	mkdir -p "$T/www/cgi-bin" &&
	echo "$TOKEN" > "$T/www/token" &&
	cat > "$T/www/cgi-bin/who" <<EOF &&
#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
echo "peer=\$REMOTE_ADDR token=\$(cat $T/www/token)"
EOF
	chmod 755 "$T/www/cgi-bin/who" &&
	ip netns add nsrv &&
	ip link add vsrv0 type veth peer name vsrv1 netns nsrv &&
	ip addr add 192.168.77.1/24 dev vsrv0 && ip link set vsrv0 up &&
	ip -n nsrv addr add 192.168.77.2/24 dev vsrv1 && ip -n nsrv link set vsrv1 up &&
	ip -n nsrv link set lo up &&
	serve nsrv 192.168.77.2:8080 "$T/www"
}
wl_check "server namespace with an HTTP server" server_setup

# the packets counted by the rules that masquerade, in an "nft list" output
masq_count() {
	awk 'tolower($0) ~ /masquerade/ && match($0, /counter packets [0-9]+/) {
		n += substr($0, RSTART + 16, RLENGTH - 16); found = 1 }
		END { if (found) print n }'
}

# podman's own bridge network: netavark makes the bridge, the veth pair and
# the MASQUERADE rule (iptables-nft, so nftables in the kernel)
podman_bridge() {
	local out rc=0 n
	# netavark removes its rules with the network's last container: read
	# the counter while this one runs
	timeout 300 podman run -d --name nimbus-nat --network bridge "$IMAGE" sleep 900 || return 1
	out=$(timeout 300 podman exec nimbus-nat sh -c \
		'ip -4 -o addr show eth0; timeout 20 wget -qO- http://192.168.77.2:8080/cgi-bin/who') || rc=1
	echo "$out"
	nft list ruleset > "$T/ruleset.podman"
	timeout 300 podman rm -f -t 0 nimbus-nat > /dev/null
	[ "$rc" = 0 ] || return 1
	n=$(masq_count < "$T/ruleset.podman")
	echo "masquerade rule counters: ${n:-none}"
	if ! [ "${n:-0}" -gt 0 ]; then
		grep -n -i -B2 -A2 masquerade "$T/ruleset.podman"
		return 1
	fi
	grep -q 'inet 10\.88\.' <<< "$out" &&
		grep -qx "peer=192.168.77.1 token=$TOKEN" <<< "$out"
}
wl_check "podman --network bridge: container 10.88/16 reaches the server NATed to 192.168.77.1" podman_bridge

# The same by hand, as a CNI plugin does it: a bridge, a veth pair into
# the container's network namespace, an nftables masquerade rule; podman
# joins the container to that namespace.
handmade_bridge() {
	local out n
	ip netns add nctr &&
	ip link add nbr0 type bridge && ip addr add 10.89.5.1/24 dev nbr0 && ip link set nbr0 up &&
	ip link add nctr0 type veth peer name eth0 netns nctr &&
	ip link set nctr0 master nbr0 && ip link set nctr0 up &&
	ip -n nctr addr add 10.89.5.2/24 dev eth0 && ip -n nctr link set eth0 up &&
	ip -n nctr link set lo up && ip -n nctr route add default via 10.89.5.1 &&
	sysctl -qw net.ipv4.ip_forward=1 &&
	nft -f - <<EOF || return 1
table ip nimbus_nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 10.89.5.0/24 oifname != "nbr0" counter masquerade
	}
}
EOF
	out=$(timeout 300 podman run --rm --network ns:/run/netns/nctr "$IMAGE" sh -c \
		'ip -4 -o addr show eth0; timeout 20 wget -qO- http://192.168.77.2:8080/cgi-bin/who') ||
		{ echo "$out"; return 1; }
	echo "$out"
	nft list table ip nimbus_nat > "$T/ruleset.nimbus"
	cat "$T/ruleset.nimbus"
	n=$(masq_count < "$T/ruleset.nimbus")
	grep -q 'inet 10\.89\.5\.2/' <<< "$out" &&
		grep -qx "peer=192.168.77.1 token=$TOKEN" <<< "$out" &&
		[ "${n:-0}" -gt 0 ]
}
wl_check "hand-built bridge+veth+nft masquerade: container reaches the server NATed, counter > 0" handmade_bridge

# conntrack (netlink) holds the translated connection: the reply comes
# back to the NAT address, not to the container's
conntrack_nat() {
	local out
	out=$(conntrack -L -p tcp -s 10.89.5.2 -d 192.168.77.2 --dport 8080 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	grep -q 'src=10\.89\.5\.2 dst=192\.168\.77\.2 .*src=192\.168\.77\.2 dst=192\.168\.77\.1 ' <<< "$out"
}
wl_check "conntrack lists the container's connection translated to 192.168.77.1" conntrack_nat

# ------------------------------------------- node networking: two namespaces
# na and nb, joined by an underlay veth pair (10.20.0.1 - 10.20.0.2)
underlay() {
	ip netns add na && ip netns add nb &&
	ip link add ua netns na type veth peer name ub netns nb &&
	ip -n na addr add 10.20.0.1/24 dev ua && ip -n nb addr add 10.20.0.2/24 dev ub &&
	ip -n na link set ua up && ip -n nb link set ub up &&
	ip -n na link set lo up && ip -n nb link set lo up &&
	ping_ok na 10.20.0.2
}
wl_check "underlay veth between namespaces na and nb" underlay

# ipvlan (L2) and macvlan (bridge): two slaves of one parent (a dummy, as
# kube-ipvs0), one in each namespace, talk through the parent's switch
vlan_pair() {	# vlan_pair TYPE MODE NET
	local type=$1 mode=$2 net=$3 parent=dmy$1
	ip link add "$parent" type dummy && ip link set "$parent" up &&
	ip link add link "$parent" name "${type}a" type "$type" mode "$mode" &&
	ip link add link "$parent" name "${type}b" type "$type" mode "$mode" &&
	ip link set "${type}a" netns na && ip link set "${type}b" netns nb &&
	ip -n na addr add "$net.1/24" dev "${type}a" && ip -n nb addr add "$net.2/24" dev "${type}b" &&
	ip -n na link set "${type}a" up && ip -n nb link set "${type}b" up &&
	ip -n na -d link show "${type}a" | grep -w "$type" &&
	ping_ok na "$net.2"
}
wl_check "ipvlan (l2): ping between slaves in na and nb" vlan_pair ipvlan l2 10.40.0
wl_check "macvlan (bridge): ping between slaves in na and nb" vlan_pair macvlan bridge 10.41.0

# tunnels over the underlay: TYPE NAME OVERLAY-NET ARGS...
tunnel() {
	local type=$1 name=$2 net=$3
	shift 3
	ip -n na link add "$name" type "$type" "$@" remote 10.20.0.2 &&
	ip -n nb link add "$name" type "$type" "$@" remote 10.20.0.1 &&
	ip -n na addr add "$net.1/24" dev "$name" && ip -n nb addr add "$net.2/24" dev "$name" &&
	ip -n na link set "$name" up && ip -n nb link set "$name" up &&
	ip -n na -d link show "$name" | grep -w "$type" &&
	ping_ok na "$net.2" &&
	nsx nb ip -s link show "$name"
}
wl_check "vxlan (VNI 42, UDP 4789) tunnel: ping across" tunnel vxlan vx42 10.42.0 id 42 dstport 4789
wl_check "geneve (VNI 43) tunnel: ping across" tunnel geneve gnv43 10.43.0 id 43

wireguard() {
	local pa pb hs
	(umask 077 && wg genkey > "$T/wg-a.key" && wg genkey > "$T/wg-b.key") || return 1
	pa=$(wg pubkey < "$T/wg-a.key") && pb=$(wg pubkey < "$T/wg-b.key") || return 1
	ip -n na link add wg0 type wireguard && ip -n nb link add wg0 type wireguard &&
	nsx na wg set wg0 private-key "$T/wg-a.key" listen-port 51820 \
		peer "$pb" endpoint 10.20.0.2:51821 allowed-ips 10.44.0.2/32 &&
	nsx nb wg set wg0 private-key "$T/wg-b.key" listen-port 51821 \
		peer "$pa" endpoint 10.20.0.1:51820 allowed-ips 10.44.0.1/32 &&
	ip -n na addr add 10.44.0.1/24 dev wg0 && ip -n nb addr add 10.44.0.2/24 dev wg0 &&
	ip -n na link set wg0 up && ip -n nb link set wg0 up &&
	ping_ok na 10.44.0.2 || return 1
	nsx na wg show wg0
	hs=$(nsx na wg show wg0 latest-handshakes | awk '{print $2}')
	echo "latest handshake: ${hs:-none}"
	[ "${hs:-0}" -gt 0 ]
}
if command -v wg > /dev/null; then
	wl_check "wireguard: handshake and ping across the encrypted link" wireguard
else
	wl_result 0 "wireguard # SKIP wg (wireguard-tools) not installed"
fi

# kube-proxy style: an ipset hash:ip set matched by an iptables (nft
# backend) rule that drops; the ping goes away, and comes back once the
# address leaves the set
ipset_drop() {
	nsx nb ipset create nimbus_block hash:ip &&
	nsx nb ipset add nimbus_block 10.20.0.1 &&
	nsx nb ipset test nimbus_block 10.20.0.1 &&
	nsx nb iptables -A INPUT -p icmp -m set --match-set nimbus_block src -j DROP &&
	ping_dropped na 10.20.0.2 &&
	nsx nb iptables -L INPUT -v -n -x &&
	nsx nb iptables -L INPUT -v -n -x | awk '/match-set nimbus_block/ { n = $1 } END { exit !(n > 0) }'
}
ipset_pass() {
	nsx nb ipset del nimbus_block 10.20.0.1 &&
	ping_ok na 10.20.0.2 &&
	nsx nb iptables -D INPUT -p icmp -m set --match-set nimbus_block src -j DROP &&
	nsx nb ipset destroy nimbus_block
}
wl_check "ipset: address in a hash:ip set, iptables --match-set DROP drops the ping" ipset_drop
wl_check "ipset: address removed from the set, the ping passes" ipset_pass

# Cilium style: a BPF program on the clsact ingress hook, direct action
tc_bpf_drop() {
	nsx nb tc qdisc add dev ub clsact &&
	nsx nb tc filter add dev ub ingress bpf direct-action obj "$WL_WORK/tc-drop-icmp.o" sec classifier &&
	nsx nb tc filter show dev ub ingress | tee /dev/stderr | grep -q 'direct-action' &&
	ping_dropped na 10.20.0.2 &&
	nsx na timeout 10 busybox wget -qO /dev/null http://10.20.0.2:1/ 2>&1 | grep -q -i 'refused'
}
tc_bpf_pass() {
	nsx nb tc qdisc del dev ub clsact &&
	ping_ok na 10.20.0.2
}
if [ -f "$WL_WORK/tc-drop-icmp.o" ]; then
	wl_check "tc bpf classifier (clsact ingress, da) drops ICMP, TCP still passes" tc_bpf_drop
	wl_check "tc bpf classifier removed: the ping passes" tc_bpf_pass
else
	wl_result 0 "tc bpf classifier # SKIP no BPF object (clang not installed on the host)"
fi

# tun/tap: a persistent tun device, then a tap that carries traffic:
# slirp4netns (rootless containers' network) reads it and answers from
# user space, forwarding 10.0.2.2 to the root namespace's 127.0.0.1
tun_dev() {
	nsx na ip tuntap add dev tun0 mode tun &&
	ip -n na addr add 10.45.0.1/24 dev tun0 && ip -n na link set tun0 up &&
	ip -n na -d link show tun0 | tee /dev/stderr | grep -q 'tun type tun' &&
	nsx na ip tuntap show | grep -q '^tun0: tun'
}
wl_check "tun: ip tuntap add makes a tun device" tun_dev

slirp() {
	local out
	serve - 127.0.0.1:8081 "$T/www" && ip netns add nslirp || return 1
	slirp4netns --configure --mtu 65520 --netns-type=path /run/netns/nslirp tap0 < /dev/null > "$T/slirp.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 50); do
		ip -n nslirp -4 addr show tap0 2> /dev/null | grep -q 'inet ' && break
		sleep 0.2
	done
	ip -n nslirp -d link show tap0 | grep 'tun type tap' || { cat "$T/slirp.log"; return 1; }
	out=$(nsx nslirp timeout 20 busybox wget -qO- http://10.0.2.2:8081/token) || { cat "$T/slirp.log"; return 1; }
	echo "got: $out"
	[ "$out" = "$TOKEN" ]
}
wl_check "tap: slirp4netns carries a namespace's HTTP request to the host loopback" slirp

# kube-proxy IPVS mode: a virtual service, round robin over two real
# servers (masquerading), each answering differently; the client sees both
ipvs() {
	local out r
	mkdir -p "$T/real1" "$T/real2" && echo real-1 > "$T/real1/index.html" && echo real-2 > "$T/real2/index.html" &&
	ip netns add ncli && ip link add vcli0 type veth peer name eth0 netns ncli &&
	ip addr add 10.30.1.1/24 dev vcli0 && ip link set vcli0 up &&
	ip -n ncli addr add 10.30.1.2/24 dev eth0 && ip -n ncli link set eth0 up || return 1
	for r in 1 2; do
		ip netns add "nreal$r" && ip link add "vreal$r" type veth peer name eth0 netns "nreal$r" &&
		ip addr add "10.30.$((r + 1)).1/24" dev "vreal$r" && ip link set "vreal$r" up &&
		ip -n "nreal$r" addr add "10.30.$((r + 1)).2/24" dev eth0 && ip -n "nreal$r" link set eth0 up &&
		ip -n "nreal$r" route add default via "10.30.$((r + 1)).1" &&
		serve "nreal$r" "10.30.$((r + 1)).2:8080" "$T/real$r" || return 1
	done
	sysctl -qw net.ipv4.ip_forward=1 &&
	ipvsadm -A -t 10.30.1.1:8080 -s rr &&
	ipvsadm -a -t 10.30.1.1:8080 -r 10.30.2.2:8080 -m &&
	ipvsadm -a -t 10.30.1.1:8080 -r 10.30.3.2:8080 -m || return 1
	out=
	for _ in 1 2 3 4; do
		out="$out $(nsx ncli timeout 20 busybox wget -qO- http://10.30.1.1:8080/index.html)"
	done
	echo "answers:$out"
	ipvsadm -L -n --stats
	grep -qw real-1 <<< "$out" && grep -qw real-2 <<< "$out" &&
		[ "$(echo "$out" | wc -w)" = 4 ]
}
wl_check "ipvs: round robin virtual service, answers from both real servers" ipvs

for pid in ${PIDS[@]+"${PIDS[@]}"}; do
	kill "$pid" 2> /dev/null
done
wl_done
