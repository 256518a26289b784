#!/bin/sh
# guest.sh: netvsc_tune's benchmark, run inside the VM (9p root, nimbus
# cloud kernel). Stage: benchmarks (guest side of benchmarks/netvsc_tune/run).
# Settings (environment): NT_BENCH (this folder), NT_CONFIG (none = module
# not loaded, or a profile: balanced, throughput, latency), NT_NET_T
# (seconds of guest time per network run), NT_PARTS (net, apply or both).
# Network: two virtio-net NICs joined by a QEMU hub, one of them in the
# network namespace "srv"; sockperf ping-pong and iperf3 streams between
# them. Then the time netvsc_tune takes per device: 16 netdevsim devices
# with 8 queues each and the two NICs, read from its state parameter
# between "==apply begin" and "==apply end".
set -u
here=${NT_BENCH:?NT_BENCH not set}
cfg=${NT_CONFIG:?NT_CONFIG not set}
net_t=${NT_NET_T:-2}
parts=${NT_PARTS:-net apply}
. "$here/../paths/guest-lib.sh"
P=/sys/module/netvsc_tune/parameters

begin info kernel
uname -r
end 0

modprobe virtio_net || { echo "guest.sh: cannot load virtio_net" >&2; exit 1; }
sleep 0.5
nics=$(for d in /sys/bus/virtio/drivers/virtio_net/virtio*/net/*; do [ -e "$d" ] && basename "$d"; done)
set -- $nics
[ $# = 2 ] || { echo "guest.sh: expected 2 virtio-net NICs, found: $nics" >&2; exit 1; }
cli=$1 srv=$2
$ip link set lo up && $ip netns add srv && $ip link set "$srv" netns srv &&
	$ip addr add 10.77.0.1/24 dev "$cli" && $ip link set "$cli" up &&
	$ip netns exec srv $ip addr add 10.77.0.2/24 dev "$srv" &&
	$ip netns exec srv $ip link set "$srv" up &&
	$ip netns exec srv $ip link set lo up ||
	{ echo "guest.sh: network setup failed" >&2; exit 1; }

load() {	# load DRIVERS: netvsc_tune with the profile under test
	modprobe netvsc_tune drivers="$1" profile="$cfg" ||
		{ echo "guest.sh: cannot load netvsc_tune profile=$cfg" >&2; exit 1; }
}

net_bench() {
	[ "$cfg" = none ] || { load virtio_net; cat $P/state; }
	# the hub's links need a moment before the first packet
	sleep 1
	for proto in tcp udp; do
		flag=; [ $proto = tcp ] && flag=--tcp
		server srv sockperf sr $flag -i 10.77.0.2 -p 11111
		wait_listen srv $proto 11111 || fail=1
		measure sockperf "virtio/$proto-rr" sockperf pp $flag -i 10.77.0.2 -p 11111 \
			-t "$net_t" -m 64
		stop_server
	done
	server srv iperf3 -s -1 -p 5201
	wait_listen srv tcp 5201 || fail=1
	measure iperf3 virtio/tcp-stream iperf3 -c 10.77.0.2 -p 5201 -t "$net_t" -J
	stop_server
	[ "$cfg" = none ] || rmmod netvsc_tune
}

# state shows the devices of the reader's namespace: both, for both NICs
state() {
	cat $P/state
	$ip netns exec srv cat $P/state
}

# state after the load (apply_us: tuning time) and after "off" (restore time)
apply_bench() {
	[ "$cfg" = none ] && return
	modprobe netdevsim || { echo "guest.sh: cannot load netdevsim" >&2; exit 1; }
	for i in $(seq 1 16); do echo "$((100 + i)) 1 8" > /sys/bus/netdevsim/new_device; done
	sleep 1
	load virtio_net,netdevsim
	echo "==apply begin"
	state
	echo "==apply end"
	echo off > $P/profile
	echo "==restore begin"
	state
	echo "==restore end"
	rmmod netvsc_tune
}

for part in $parts; do
	case $part in
	net) net_bench ;;
	apply) apply_bench ;;
	*) echo "guest.sh: unknown part '$part'" >&2; exit 1 ;;
	esac
done
exit $fail
