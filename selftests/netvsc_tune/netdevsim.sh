#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# netvsc_tune against netdevsim, run in the guest as root (draft, not in
# selftests/Makefile TARGETS yet). Argument: path of netvsc_tune.ko.
K=${1:-/work/wip-tune/build/tune/netvsc_tune.ko}
P=/sys/module/netvsc_tune/parameters
modprobe netdevsim || exit 1
echo "1 1 8" > /sys/bus/netdevsim/new_device
sleep 1
IF=$(ls /sys/bus/netdevsim/devices/netdevsim1/net/)
echo "IF=$IF nproc=$(nproc)"
show() { echo "--- $1"; ethtool -l $IF | grep -A4 Current | grep Combined; ethtool -g $IF | grep -A5 Current | grep -E "^(RX|TX):"; echo "defer=$(cat /sys/class/net/$IF/napi_defer_hard_irqs) gro=$(cat /sys/class/net/$IF/gro_flush_timeout)"; }
show before
insmod $K drivers=netdevsim profile=throughput || echo INSMOD_FAIL
sleep 1
show throughput; cat $P/state
echo latency > $P/profile; sleep 1; show latency; cat $P/state
echo 3 > $P/channels; sleep 1; show "latency+channels=3"
echo 9 > $P/channels 2>/dev/null; echo "channels=9 (> device max 8, accepted by param, rejected per device)"; sleep 1; show "after 9"; cat $P/state
echo auto > $P/channels; echo off > $P/profile; sleep 1; show off; cat $P/state
echo throughput > $P/profile; sleep 1; show "throughput again"
echo "1 1 8" > /sys/bus/netdevsim/new_device 2>/dev/null; echo "2 1 8" > /sys/bus/netdevsim/new_device; sleep 1
IF2=$(ls /sys/bus/netdevsim/devices/netdevsim2/net/); echo "hotplugged $IF2: $(ethtool -l $IF2 | grep -A4 Current | grep Combined)"
n=0
for v in fast "" Throughput "latency " 0 ; do echo "$v" > $P/profile 2>/dev/null || n=$((n+1)); done
for v in "" "a,,b" "x,x" "a b" "a,b,c,d,e,f,g,h,i"; do echo "$v" > $P/drivers 2>/dev/null || n=$((n+1)); done
for v in 0 -1 abc 4097 1.5; do echo "$v" > $P/channels 2>/dev/null || n=$((n+1)); done
for v in 1001 x; do echo "$v" > $P/napi_defer_hard_irqs 2>/dev/null || n=$((n+1)); done
echo "bad inputs rejected: $n/17; profile=$(cat $P/profile) drivers=$(cat $P/drivers) channels=$(cat $P/channels)"
insmod $K profile=bogus 2>/dev/null && echo "BUG: loaded with bogus" 
rmmod netvsc_tune; show "after rmmod"; echo "$IF2 after rmmod: $(ethtool -l $IF2 | grep -A4 Current | grep Combined)"
for i in $(seq 1 20); do insmod $K drivers=netdevsim profile=latency; rmmod netvsc_tune; done; echo "20 load/unload cycles done"; show "after cycles"
dmesg | grep -iE "netvsc_tune|BUG|WARNING|lockdep|KASAN" | grep -v "loading out-of-tree" | tail -30
# small hotplug storm while switching profiles
insmod $K drivers=netdevsim profile=throughput
P=/sys/module/netvsc_tune/parameters
for i in $(seq 10 60); do
  echo "$i 1 4" > /sys/bus/netdevsim/new_device
  case $((i % 3)) in 0) echo latency;; 1) echo throughput;; *) echo off;; esac > $P/profile
  [ $i -gt 12 ] && echo $((i-2)) > /sys/bus/netdevsim/del_device
done
sleep 1; cat $P/state | wc -l; rmmod netvsc_tune; echo "storm done"
if [ -e /sys/kernel/debug/kmemleak ]; then echo scan > /sys/kernel/debug/kmemleak; sleep 6; echo scan > /sys/kernel/debug/kmemleak; echo "kmemleak: $(grep -c unreferenced /sys/kernel/debug/kmemleak)"; grep -A12 unreferenced /sys/kernel/debug/kmemleak | grep -i tune | head; fi
dmesg | grep -iE "BUG|WARNING:|lockdep|KASAN|circular" | tail
