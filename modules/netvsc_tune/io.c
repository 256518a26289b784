// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune device I/O: the ethtool and netdev calls on one device. It
 * reads the knobs, writes one knob with the checks the ethtool core makes
 * before the same call, and tells whether the kernel keeps LRO off. It
 * keeps no state and knows no record: dev.c decides what to write.
 *
 * Locking: everything here runs under RTNL, held by the callers. Calls
 * into the driver go through nt_access_begin()/nt_access_end(), which do
 * what the ethtool core does around its own calls: wake the parent
 * (runtime PM), check that the device is present and registered, and
 * call the driver's begin() and complete(), for reads as for writes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/nodemask.h>
#include <linux/pm_runtime.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <net/addrconf.h>
#include <net/xdp_sock_drv.h>

#include "netvsc_tune.h"

/* the rx-flow-hash fields of "hash UDP on the ports too" */
#define NT_RXH_L4 (RXH_L4_B_0_1 | RXH_L4_B_2_3)
#define NT_RXH_IP (RXH_IP_SRC | RXH_IP_DST)
static const u32 nt_udp_flows[2] = { UDP_V4_FLOW, UDP_V6_FLOW };

/**
 * nt_udp_hashes_ports - does a UDP hash value hash on the ports
 * @v: rx-flow-hash fields of UDP over IPv4 (high half) and IPv6 (low half)
 */
bool nt_udp_hashes_ports(u64 v)
{
	return ((v >> 32) & NT_RXH_L4) == NT_RXH_L4 &&
	       (v & NT_RXH_L4) == NT_RXH_L4;
}

/**
 * nt_access_begin - get a device ready for ethtool calls, as the core does
 * @dev: the device
 *
 * Return: 0, then nt_access_end() must follow; -ENODEV if the device is
 * not present (detached by its driver, suspended) or not registered, or the
 * error of the driver's begin(): nothing may be read or written now.
 */
int nt_access_begin(struct net_device *dev)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	int ret = 0;

	ASSERT_RTNL();
	if (dev->dev.parent)
		pm_runtime_get_sync(dev->dev.parent);
	if (!netif_device_present(dev) ||
	    READ_ONCE(dev->reg_state) != NETREG_REGISTERED)
		ret = -ENODEV;
	else if (ops && ops->begin)
		ret = ops->begin(dev);
	if (ret && dev->dev.parent)
		pm_runtime_put(dev->dev.parent);
	return ret;
}

/**
 * nt_access_end - end what nt_access_begin() began
 * @dev: the device
 */
void nt_access_end(struct net_device *dev)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;

	if (ops && ops->complete)
		ops->complete(dev);
	if (dev->dev.parent)
		pm_runtime_put(dev->dev.parent);
}

/**
 * nt_driver_name - the driver name "ethtool -i" reports
 * @dev: the device, between nt_access_begin() and nt_access_end()
 * @name: the name, "" if there is none
 * @size: size of @name
 */
void nt_driver_name(struct net_device *dev, char *name, size_t size)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_drvinfo info;

	name[0] = '\0';
	if (ops && ops->get_drvinfo) {
		memset(&info, 0, sizeof(info));
		ops->get_drvinfo(dev, &info);
		strscpy(name, info.driver, size);
	}
	if (!name[0] && dev->dev.parent && dev->dev.parent->driver)
		strscpy(name, dev->dev.parent->driver->name, size);
}

/* rx-flow-hash fields of UDP over IPv4/IPv6; false if not settable */
static bool nt_udp_hash_read(struct net_device *dev, u32 data[2])
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	unsigned int i;

	if (!ops || !ops->get_rxnfc || !ops->set_rxnfc)
		return false;
	for (i = 0; i < ARRAY_SIZE(nt_udp_flows); i++) {
		struct ethtool_rxnfc info = {
			.cmd = ETHTOOL_GRXFH,
			.flow_type = nt_udp_flows[i],
		};

		/* no address hashing at all: the device does not hash UDP */
		if (ops->get_rxnfc(dev, &info, NULL) ||
		    (info.data & NT_RXH_IP) != NT_RXH_IP)
			return false;
		data[i] = info.data;
	}
	return true;
}

/**
 * nt_read_knobs - every knob of a device but XPS, with the maxima
 * @dev: the device, between nt_access_begin() and nt_access_end()
 * @r: the values (XPS: 0, not settable)
 */
void nt_read_knobs(struct net_device *dev, struct nt_read *r)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	u32 udp[2] = {};

	memset(r, 0, sizeof(*r));
	if (ops && ops->get_channels) {
		struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };

		ops->get_channels(dev, &ch);
		r->cur.channels = ch.combined_count;
		if (ops->set_channels)
			r->max.channels = ch.max_combined;
	}
	if (ops && ops->get_ringparam) {
		struct ethtool_ringparam rp = { .cmd = ETHTOOL_GRINGPARAM };
		struct kernel_ethtool_ringparam krp = {};

		ops->get_ringparam(dev, &rp, &krp, NULL);
		r->cur.rx_ring = rp.rx_pending;
		r->cur.tx_ring = rp.tx_pending;
		if (ops->set_ringparam) {
			r->max.rx_ring = rp.rx_max_pending;
			r->max.tx_ring = rp.tx_max_pending;
		}
	}
	r->cur.defer_irqs = READ_ONCE(dev->napi_defer_hard_irqs);
	r->cur.gro_flush_ns = READ_ONCE(dev->gro_flush_timeout);
	r->cur.gro = !!(dev->features & NETIF_F_GRO);
	r->max.gro = !!(dev->hw_features & NETIF_F_GRO);
	r->cur.lro = !!(dev->features & NETIF_F_LRO);
	r->max.lro = !!(dev->hw_features & NETIF_F_LRO);
	r->max.udp_l4 = nt_udp_hash_read(dev, udp);

	r->val[NT_K_CHANNELS] = r->cur.channels;
	r->val[NT_K_RX] = r->cur.rx_ring;
	r->val[NT_K_TX] = r->cur.tx_ring;
	r->val[NT_K_DEFER] = r->cur.defer_irqs;
	r->val[NT_K_GRO_NS] = r->cur.gro_flush_ns;
	r->val[NT_K_GRO] = r->cur.gro;
	r->val[NT_K_LRO] = r->cur.lro;
	r->val[NT_K_UDP] = (u64)udp[0] << 32 | udp[1];
	r->cur.udp_l4 = r->max.udp_l4 && nt_udp_hashes_ports(r->val[NT_K_UDP]);
	r->val[NT_K_UDP] = r->max.udp_l4 ? r->val[NT_K_UDP] : 0;

	r->settable = BIT(NT_K_DEFER) | BIT(NT_K_GRO_NS);
	if (r->max.channels)
		r->settable |= BIT(NT_K_CHANNELS);
	if (r->max.rx_ring)
		r->settable |= BIT(NT_K_RX);
	if (r->max.tx_ring)
		r->settable |= BIT(NT_K_TX);
	if (r->max.gro)
		r->settable |= BIT(NT_K_GRO);
	if (r->max.lro)
		r->settable |= BIT(NT_K_LRO);
	if (r->max.udp_l4)
		r->settable |= BIT(NT_K_UDP);
}

/*
 * A write can detach the device (hv_netvsc re-creates its channels on a
 * channel or ring change): the writes after it wait for the next pass.
 */
int nt_present(struct net_device *dev)
{
	return netif_device_present(dev) ? 0 : -ENODEV;
}

/*
 * ETHTOOL_SCHANNELS for the combined count, with the core's checks: the
 * same as the ioctl's (ethtool_set_channels()) and netlink's: the maxima,
 * then ethtool_check_max_channel() (the RSS indirection table and
 * contexts, ntuple rules and memory providers must only name queues that
 * stay), then no zero-copy AF_XDP socket on a queue that goes.
 */
int nt_set_channels(struct net_device *dev, u32 combined)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_channels cur = { .cmd = ETHTOOL_GCHANNELS };
	struct ethtool_channels want;
	u32 from, to, i;
	int ret;

	if (!ops->get_channels || !ops->set_channels)
		return -EOPNOTSUPP;
	ops->get_channels(dev, &cur);
	if (cur.combined_count == combined)
		return 0;
	want = cur;
	want.cmd = ETHTOOL_SCHANNELS;
	want.combined_count = combined;
	if (combined > cur.max_combined)
		return -EINVAL;
	if (!want.combined_count && (!want.rx_count || !want.tx_count))
		return -EINVAL;

	ret = ethtool_check_max_channel(dev, want, NULL);
	if (ret)
		return ret;

	from = want.combined_count + min(want.rx_count, want.tx_count);
	to = cur.combined_count + max(cur.rx_count, cur.tx_count);
	for (i = from; i < to; i++)
		if (xsk_get_pool_from_qid(dev, i))
			return -EINVAL;

	ret = ops->set_channels(dev, &want);
	if (!ret)
		ethtool_notify(dev, ETHTOOL_MSG_CHANNELS_NTF, NULL);
	return ret;
}

/* ETHTOOL_SRINGPARAM for RX/TX, with the core's checks */
int nt_set_rings(struct net_device *dev, u32 rx, u32 tx)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_ringparam r = { .cmd = ETHTOOL_GRINGPARAM };
	struct kernel_ethtool_ringparam kr = {};
	int ret;

	if (!ops->get_ringparam || !ops->set_ringparam)
		return -EOPNOTSUPP;
	ops->get_ringparam(dev, &r, &kr, NULL);
	if (r.rx_pending == rx && r.tx_pending == tx)
		return 0;
	if (rx > r.rx_max_pending || tx > r.tx_max_pending)
		return -EINVAL;
	r.cmd = ETHTOOL_SRINGPARAM;
	r.rx_pending = rx;
	r.tx_pending = tx;
	ret = ops->set_ringparam(dev, &r, &kr, NULL);
	if (!ret)
		ethtool_notify(dev, ETHTOOL_MSG_RINGS_NTF, NULL);
	return ret;
}

/*
 * The features of @mask to their bits in @want, through wanted_features,
 * as "ethtool -K" does; the features notification comes from
 * netdev_update_features(). If the stack does not grant the change, the
 * old wanted set is put back.
 */
int nt_set_features(struct net_device *dev, netdev_features_t mask,
		    netdev_features_t want)
{
	netdev_features_t old = dev->wanted_features;
	netdev_features_t w = (old & ~mask) | (want & mask);

	if (w != old) {
		dev->wanted_features = w;
		netdev_update_features(dev);
	}
	if ((dev->features & mask) == (want & mask))
		return 0;
	if (w != old) {
		dev->wanted_features = old;
		netdev_update_features(dev);
	}
	return -EIO;
}

/* ETHTOOL_SRXFH of UDP over IPv4 and IPv6 to the two halves of @v */
int nt_set_udp_hash(struct net_device *dev, u64 v)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	u32 cur[2], want[2] = { v >> 32, v & U32_MAX };
	unsigned int i;
	int ret;

	if (!nt_udp_hash_read(dev, cur))
		return -EOPNOTSUPP;
	for (i = 0; i < ARRAY_SIZE(nt_udp_flows); i++) {
		struct ethtool_rxnfc info = {
			.cmd = ETHTOOL_SRXFH,
			.flow_type = nt_udp_flows[i],
			.data = want[i],
		};

		if (want[i] == cur[i])
			continue;
		ret = ops->set_rxnfc(dev, &info);
		if (ret)
			return ret;
	}
	return 0;
}

void nt_topology_read(struct nt_topology *t)
{
	unsigned int cpu;

	t->cpus = num_online_cpus();
	t->nodes = num_node_state(N_CPU);
	t->cores = 0;
	for_each_online_cpu(cpu)
		if (cpumask_first_and(topology_sibling_cpumask(cpu),
				      cpu_online_mask) == cpu)
			t->cores++;
}

/* the kernel's own reasons to keep LRO off on @dev itself (dev_disable_lro()) */
static bool nt_lro_forbidden_here(struct net_device *dev)
{
	struct in_device *in4 = __in_dev_get_rtnl(dev);
#if IS_ENABLED(CONFIG_IPV6)
	struct inet6_dev *in6 = __in6_dev_get(dev);

	if (in6 && READ_ONCE(in6->cnf.forwarding))
		return true;
#endif
	if (in4 && IN_DEV_FORWARD(in4))
		return true;
	return netif_is_lag_port(dev) || netif_is_bridge_port(dev) ||
	       netif_is_ovs_port(dev) || dev_xdp_prog_count(dev);
}

static int nt_lro_forbidden_upper(struct net_device *upper,
				  struct netdev_nested_priv *priv)
{
	return nt_lro_forbidden_here(upper);
}

/**
 * nt_lro_forbidden - does the kernel keep LRO off on this device now
 * @dev: the device, under RTNL
 *
 * The places that call dev_disable_lro() on a device, or on the devices
 * under it: IPv4 or IPv6 forwarding on it (devinet.c, addrconf.c), a
 * bond, team, bridge or Open vSwitch port, an XDP program attached. An
 * upper device's reason holds for the devices under it (dev_disable_lro()
 * walks down): a VF under hv_netvsc's synthetic NIC, a bond's slaves.
 */
bool nt_lro_forbidden(struct net_device *dev)
{
	struct netdev_nested_priv priv = {};
	bool ret;

	ASSERT_RTNL();
	if (nt_lro_forbidden_here(dev))
		return true;
	rcu_read_lock();
	ret = netdev_walk_all_upper_dev_rcu(dev, nt_lro_forbidden_upper, &priv);
	rcu_read_unlock();
	return ret;
}

