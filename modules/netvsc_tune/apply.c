// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune: one pass over one device. A pass reads every knob first,
 * hands the knobs someone else changed over to them, and writes only the
 * knobs that still hold our value or, before our first write, their
 * original one: the plan of the profile, or the original back (restore).
 *
 * Locking: everything here runs under RTNL (the notifier, the work item,
 * module exit), one device at a time. Calls into the driver go through
 * nt_access_begin()/nt_access_end(), which do what the ethtool core does
 * around its own calls: wake the parent (runtime PM), check that the
 * device is present and registered, and call the driver's begin() and
 * complete(), for reads as for writes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/inetdevice.h>
#include <linux/ktime.h>
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
 * nt_read_dev - every knob of a device, with the maxima
 * @nd: the device's record; between nt_access_begin() and nt_access_end()
 * @r: the values
 */
void nt_read_dev(struct nt_dev *nd, struct nt_read *r)
{
	struct net_device *dev = nd->dev;
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
	if (nt_xps_managed(dev, nd->drv)) {
		r->val[NT_K_XPS] = max(nt_xps_count(dev), 0);
		r->settable |= BIT(NT_K_XPS);
	}
}

/**
 * nt_remember - the first values seen of a device become its originals
 * @nd: the record
 * @r: the values
 *
 * XPS masks the device already has are someone else's (the driver's, as
 * virtio_net and mlx5 set them from their interrupt affinity, or the
 * administrator's): XPS is then handed over from the start.
 */
void nt_remember(struct nt_dev *nd, const struct nt_read *r)
{
	enum nt_knob k;

	for (k = 0; k < NT_K_COUNT; k++) {
		nd->own[k].orig = r->val[k];
		nd->own[k].ours = r->val[k];
		nd->own[k].owner = NT_OWNER_NONE;
		nd->own[k].pending = false;
		nd->own[k].asked_set = false;
	}
	nd->own[NT_K_XPS].orig = NT_XPS_EMPTY;
	nd->own[NT_K_XPS].ours = NT_XPS_EMPTY;
	nd->xps_orig_n = -1;
	if ((r->settable & BIT(NT_K_XPS)) && nt_xps_remember(nd)) {
		nd->own[NT_K_XPS].owner = NT_OWNER_OTHER;
		/* the usual case (virtio_net, mlx5): "state" shows it, no log */
		pr_debug("%s: xps already set (%d TX queues with CPUs), left alone\n",
			 netdev_name(nd->dev), nd->xps_orig_n);
	}
	memcpy(nd->now, r->val, sizeof(nd->now));
	nd->settable = r->settable;
	nd->seen = true;
}

/**
 * nt_knob_format - a knob's value as the log and "state" show it
 * @nd: the record
 * @k: the knob
 * @v: its ownership value
 * @buf: the text
 * @size: size of @buf
 */
void nt_knob_format(const struct nt_dev *nd, enum nt_knob k, u64 v,
		    char *buf, size_t size)
{
	if (k == NT_K_UDP)
		snprintf(buf, size, "%#llx/%#llx", v >> 32, v & U32_MAX);
	else
		snprintf(buf, size, "%llu", v);
}

/*
 * A write can detach the device (hv_netvsc re-creates its channels on a
 * channel or ring change): the writes after it wait for the next pass.
 */
static int nt_present(struct net_device *dev)
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
static int nt_set_channels(struct net_device *dev, u32 combined)
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
static int nt_set_rings(struct net_device *dev, u32 rx, u32 tx)
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
static int nt_set_features(struct net_device *dev, netdev_features_t mask,
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
static int nt_set_udp_hash(struct net_device *dev, u64 v)
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

static void nt_topology_read(struct nt_topology *t)
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

/* the originals as the policy reads them */
static void nt_orig_knobs(const struct nt_dev *nd, struct nt_knobs *k)
{
	k->channels = nd->own[NT_K_CHANNELS].orig;
	k->rx_ring = nd->own[NT_K_RX].orig;
	k->tx_ring = nd->own[NT_K_TX].orig;
	k->defer_irqs = nd->own[NT_K_DEFER].orig;
	k->gro_flush_ns = nd->own[NT_K_GRO_NS].orig;
	k->gro = nd->own[NT_K_GRO].orig;
	k->lro = nd->own[NT_K_LRO].orig;
	k->udp_l4 = nt_udp_hashes_ports(nd->own[NT_K_UDP].orig);
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

/* knobs named by a bit mask, for the log */
static void nt_knob_list(u32 mask, char *buf, size_t size)
{
	size_t len = 0;
	enum nt_knob k;

	buf[0] = '\0';
	for (k = 0; k < NT_K_COUNT && len < size; k++)
		if (mask & BIT(k))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? "," : "", nt_knob_names[k]);
}

/*
 * The plan as ownership values. A knob whose override does not fit the
 * device stays as it is (its current value), named in nd->unfit; the
 * others follow the plan. Return: the unfit knobs.
 */
static u32 nt_want(struct nt_dev *nd, const struct nt_config *c,
		   const struct nt_read *r, u64 want[NT_K_COUNT])
{
	struct nt_knobs orig, plan;
	struct nt_topology t;
	u64 udp = nd->own[NT_K_UDP].orig;
	enum nt_knob k;
	u32 unfit;
	char names[96];

	memcpy(want, r->val, sizeof(r->val));
	nt_orig_knobs(nd, &orig);
	nt_topology_read(&t);
	/* the profile is computed from the original values, not from ours */
	if (nt_policy_plan(c->profile, &t, &orig, &r->max, &c->ovr,
			   nt_driver_plan_flags(nd->drv), &plan, &unfit))
		return 0;
	want[NT_K_CHANNELS] = plan.channels;
	want[NT_K_RX] = plan.rx_ring;
	want[NT_K_TX] = plan.tx_ring;
	want[NT_K_DEFER] = plan.defer_irqs;
	want[NT_K_GRO_NS] = plan.gro_flush_ns;
	want[NT_K_GRO] = plan.gro;
	want[NT_K_LRO] = plan.lro;
	if (plan.udp_l4 == orig.udp_l4)
		want[NT_K_UDP] = udp;
	else if (plan.udp_l4)
		want[NT_K_UDP] = udp | (u64)NT_RXH_L4 << 32 | NT_RXH_L4;
	else
		want[NT_K_UDP] = udp & ~((u64)NT_RXH_L4 << 32 | NT_RXH_L4);
	for (k = 0; k < NT_K_COUNT; k++)
		if (unfit & BIT(k))
			want[k] = r->val[k];
	if (unfit && unfit != nd->unfit) {
		nt_knob_list(unfit, names, sizeof(names));
		pr_warn("%s: override of %s does not fit this device (max channels %u, rings %u/%u, GRO %s, LRO %s), left as it is; the other knobs are tuned\n",
			netdev_name(nd->dev), names, r->max.channels,
			r->max.rx_ring, r->max.tx_ring,
			r->max.gro ? "settable" : "fixed",
			r->max.lro ? "settable" : "fixed");
	}
	return unfit;
}

/* someone else changed knob @k of @nd: logged once, as it happens */
static void nt_handed_over(struct nt_dev *nd, enum nt_knob k, u64 cur)
{
	const struct nt_own *o = &nd->own[k];
	char was[48], now[48];

	nt_knob_format(nd, k, o->owner == NT_OWNER_OURS ? o->ours : o->orig,
		       was, sizeof(was));
	nt_knob_format(nd, k, cur, now, sizeof(now));
	pr_info("%s: %s changed by someone else (%s -> %s), left alone\n",
		netdev_name(nd->dev), nt_knob_names[k], was, now);
}

/* a write of knob @k failed */
static void nt_write_failed(struct nt_dev *nd, enum nt_knob k, int err,
			    bool restore, bool final)
{
	const char *name = netdev_name(nd->dev);
	char orig[48], cur[48];

	if (!restore) {
		pr_warn("%s: %s failed: %d, kept the old value\n", name,
			nt_knob_names[k], err);
		return;
	}
	nt_knob_format(nd, k, nd->own[k].orig, orig, sizeof(orig));
	nt_knob_format(nd, k, nd->now[k], cur, sizeof(cur));
	if (final)
		pr_warn("%s: %s not restored at unload: %d; original %s, now %s\n",
			name, nt_knob_names[k], err, orig, cur);
	else
		pr_warn("%s: restore of %s failed: %d (original %s, now %s), will retry\n",
			name, nt_knob_names[k], err, orig, cur);
}

/*
 * The outcome of a write of knob @k that asked for @asked: on success the
 * knob is read back, and what the driver set is what the module owns.
 */
static void nt_done(struct nt_dev *nd, enum nt_knob k, enum nt_act act,
		    u64 asked, int err, bool restore, bool final)
{
	char a[48], g[48];
	struct nt_read r;
	u64 got = asked;

	if (act != NT_ACT_WRITE)
		return;
	if (err) {
		nt_write_failed(nd, k, err, restore, final);
		nt_own_wrote(&nd->own[k], asked, asked, err, restore);
		return;
	}
	/* a driver that detached the device for the write says nothing now */
	if (netif_device_present(nd->dev)) {
		nt_read_dev(nd, &r);
		got = r.val[k];
	}
	if (got != asked) {
		nt_knob_format(nd, k, asked, a, sizeof(a));
		nt_knob_format(nd, k, got, g, sizeof(g));
		pr_info("%s: %s: asked for %s, the driver set %s\n",
			netdev_name(nd->dev), nt_knob_names[k], a, g);
	}
	nd->now[k] = got;
	nt_own_wrote(&nd->own[k], asked, got, 0, restore);
}

/**
 * nt_tuned - does the device hold a value of ours
 * @nd: the record
 */
bool nt_tuned(const struct nt_dev *nd)
{
	enum nt_knob k;

	for (k = 0; k < NT_K_COUNT; k++)
		if (nd->own[k].owner == NT_OWNER_OURS)
			return true;
	return false;
}

/* The device cannot be reached: restores wait; at unload, say what is lost */
static void nt_pass_absent(struct nt_dev *nd, bool restore, bool final,
			   int err)
{
	enum nt_knob k;

	nd->err = err;
	if (!restore)
		return;
	for (k = 0; k < NT_K_COUNT; k++) {
		if (nd->own[k].owner != NT_OWNER_OURS)
			continue;
		nd->own[k].pending = true;
		nt_write_failed(nd, k, err, true, final);
	}
}

/**
 * nt_pass - look at one device and bring it to its plan, or restore it
 * @nd: the record
 * @final: module unload: restore, and log what cannot be restored
 *
 * Restore when @final, when the device's driver is no longer listed or
 * its profile is off; otherwise the plan of its profile.
 */
void nt_pass(struct nt_dev *nd, bool final)
{
	struct net_device *dev = nd->dev;
	u64 want[NT_K_COUNT], val[NT_K_COUNT] = {};
	enum nt_act act[NT_K_COUNT] = {};
	netdev_features_t mask = 0, bits = 0;
	bool restore, lro_forbidden, wrote = false;
	struct nt_config c;
	struct nt_read r;
	enum nt_knob k;
	int ret, err = 0;
	u64 t0;

	ASSERT_RTNL();
	t0 = ktime_get_ns();
	ret = nt_access_begin(dev);
	if (ret) {
		/* not now: the next NETDEV_UP/CHANGE or write retries */
		nt_config_read(nd, &c);
		nt_pass_absent(nd, final || !c.match || c.profile == NT_PROFILE_OFF,
			       final, ret);
		return;
	}
	if (!nd->drv_known) {
		/* absent at registration: its driver is known only now */
		nt_driver_name(dev, nd->drv, sizeof(nd->drv));
		nd->drv_known = true;
		if (nd->own_profile < 0)
			nd->own_profile = nt_unpark(dev, nd->drv);
	}
	nt_config_read(nd, &c);
	nd->match = c.match;
	nd->profile = c.profile;
	restore = final || !c.match || c.profile == NT_PROFILE_OFF;

	nt_read_dev(nd, &r);
	if (!nd->seen)
		nt_remember(nd, &r);
	memcpy(nd->now, r.val, sizeof(nd->now));
	nd->settable = r.settable;

	memcpy(want, r.val, sizeof(want));
	nd->unfit = restore ? 0 : nt_want(nd, &c, &r, want);
	if (nd->unfit)
		err = -EINVAL;
	lro_forbidden = nt_lro_forbidden(dev);

	/* every knob is read before anything is written */
	for (k = 0; k < NT_K_XPS; k++) {
		if (!(r.settable & BIT(k)))
			continue;
		act[k] = nt_own_decide(&nd->own[k], r.val[k], want[k],
				       restore, &val[k]);
		if (k == NT_K_LRO) {
			enum nt_act a = nt_lro_decide(act[k], val[k], restore,
						      lro_forbidden);

			if (a == NT_ACT_OTHER && act[k] != NT_ACT_OTHER)
				pr_info("%s: lro: the kernel keeps it off now (forwarding, a bridge, bond or team port, or XDP), not restored, left to it\n",
					netdev_name(dev));
			else if (a != act[k])
				pr_debug("%s: lro: the kernel keeps it off now, not turned on\n",
					 netdev_name(dev));
			act[k] = a;
			if (a == NT_ACT_OTHER) {
				nt_own_done(&nd->own[k], a, 0, 0, restore);
				continue;
			}
		}
		if (act[k] == NT_ACT_OTHER) {
			nt_handed_over(nd, k, r.val[k]);
			nt_own_done(&nd->own[k], act[k], 0, 0, restore);
		} else if (act[k] == NT_ACT_KEEP) {
			nt_own_done(&nd->own[k], act[k], 0, 0, restore);
		} else {
			wrote = true;
		}
	}

	if (act[NT_K_CHANNELS] == NT_ACT_WRITE) {
		ret = nt_present(dev) ?: nt_set_channels(dev, val[NT_K_CHANNELS]);
		nt_done(nd, NT_K_CHANNELS, NT_ACT_WRITE, val[NT_K_CHANNELS],
			ret, restore, final);
		if (!ret)
			ret = nt_xps_channels_written(nd);
		err = err ?: ret;
	}
	if (act[NT_K_RX] == NT_ACT_WRITE || act[NT_K_TX] == NT_ACT_WRITE) {
		u32 rx = act[NT_K_RX] == NT_ACT_WRITE ? val[NT_K_RX] : r.val[NT_K_RX];
		u32 tx = act[NT_K_TX] == NT_ACT_WRITE ? val[NT_K_TX] : r.val[NT_K_TX];

		ret = nt_present(dev) ?: nt_set_rings(dev, rx, tx);
		nt_done(nd, NT_K_RX, act[NT_K_RX], rx, ret, restore, final);
		nt_done(nd, NT_K_TX, act[NT_K_TX], tx, ret, restore, final);
		err = err ?: ret;
	}
	if (act[NT_K_DEFER] == NT_ACT_WRITE) {
		ret = nt_present(dev);
		if (!ret)
			WRITE_ONCE(dev->napi_defer_hard_irqs, (u32)val[NT_K_DEFER]);
		nt_done(nd, NT_K_DEFER, NT_ACT_WRITE, val[NT_K_DEFER], ret,
			restore, final);
		err = err ?: ret;
	}
	if (act[NT_K_GRO_NS] == NT_ACT_WRITE) {
		ret = nt_present(dev);
		if (!ret)
			WRITE_ONCE(dev->gro_flush_timeout,
				   (unsigned long)val[NT_K_GRO_NS]);
		nt_done(nd, NT_K_GRO_NS, NT_ACT_WRITE, val[NT_K_GRO_NS], ret,
			restore, final);
		err = err ?: ret;
	}
	if (act[NT_K_GRO] == NT_ACT_WRITE) {
		mask |= NETIF_F_GRO;
		bits |= val[NT_K_GRO] ? NETIF_F_GRO : 0;
	}
	if (act[NT_K_LRO] == NT_ACT_WRITE) {
		mask |= NETIF_F_LRO;
		bits |= val[NT_K_LRO] ? NETIF_F_LRO : 0;
	}
	if (mask) {
		ret = nt_present(dev) ?: nt_set_features(dev, mask, bits);
		nt_done(nd, NT_K_GRO, act[NT_K_GRO], val[NT_K_GRO], ret,
			restore, final);
		nt_done(nd, NT_K_LRO, act[NT_K_LRO], val[NT_K_LRO], ret,
			restore, final);
		err = err ?: ret;
	}
	if (act[NT_K_UDP] == NT_ACT_WRITE) {
		ret = nt_present(dev) ?: nt_set_udp_hash(dev, val[NT_K_UDP]);
		nt_done(nd, NT_K_UDP, NT_ACT_WRITE, val[NT_K_UDP], ret,
			restore, final);
		err = err ?: ret;
	}
	/* after the channels: the spread is over the queues there are now */
	if (r.settable & BIT(NT_K_XPS)) {
		ret = nt_present(dev) ?:
		      nt_xps_pass(nd, c.profile, restore, &wrote);
		/* a restore that did not get as far as writing waits too */
		if (ret && restore && nd->own[NT_K_XPS].owner == NT_OWNER_OURS)
			nd->own[NT_K_XPS].pending = true;
		err = err ?: ret;
	}

	nt_access_end(dev);
	if (wrote || !nd->passed)
		nd->apply_ns = ktime_get_ns() - t0;
	nd->passed = true;
	nd->err = err;
}
