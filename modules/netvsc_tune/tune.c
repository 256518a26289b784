// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune: tune hv_netvsc and its Accelerated Networking VF drivers
 * (or any driver in the match list) from a policy when they register or
 * come up, and restore what they had when the module goes or the profile
 * becomes "off".
 *
 * Locking: the device records (nt_devs) belong to RTNL. The notifier only
 * creates and deletes records and queues nt_work; nt_work applies the
 * policy under RTNL. The configuration (module parameters) is guarded by
 * nt_cfg_lock, always taken after RTNL when both are held.
 *
 * A parameter write returns once nt_work has looked at every device again
 * (flush_work() after the change): a script that writes "profile" can read
 * the result right away. Lock order: the module's parameter lock, then
 * RTNL (nt_work, the state readout), then nt_cfg_lock; nothing here takes
 * the parameter lock under RTNL.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <net/xdp_sock_drv.h>

#include "policy.h"

#define NT_DEFAULT_DRIVERS "hv_netvsc,mlx4_en,mlx5_core,mana"

/* netvsc picks its TX queue itself and never reads XPS */
#define NT_NO_XPS_DRIVER "hv_netvsc"

/* the rx-flow-hash fields of "hash UDP on the ports too" */
#define NT_RXH_L4 (RXH_L4_B_0_1 | RXH_L4_B_2_3)
#define NT_RXH_IP (RXH_IP_SRC | RXH_IP_DST)
static const u32 nt_udp_flows[2] = { UDP_V4_FLOW, UDP_V6_FLOW };

/* Configuration, under nt_cfg_lock */
static DEFINE_MUTEX(nt_cfg_lock);
static enum nt_profile nt_profile = NT_PROFILE_BALANCED;
static char nt_drivers[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN];
static unsigned int nt_ndrivers;
static u32 nt_generation = 1;	/* bumped by every configuration change */
static bool nt_cfg_dead;	/* module exit: no more work from parameters */

/**
 * struct nt_override_param - a per-knob override module parameter
 * @value: NT_OVERRIDE_NONE ("auto") or the value
 * @min: smallest accepted value
 * @max: largest accepted value (the device's maximum is checked later)
 */
struct nt_override_param {
	u32 value;
	u32 min;
	u32 max;
};

static struct nt_override_param nt_ovr_channels = { NT_OVERRIDE_NONE, 1, 4096 };
static struct nt_override_param nt_ovr_rx_ring = { NT_OVERRIDE_NONE, 1, 1U << 20 };
static struct nt_override_param nt_ovr_tx_ring = { NT_OVERRIDE_NONE, 1, 1U << 20 };
static struct nt_override_param nt_ovr_defer = { NT_OVERRIDE_NONE, 0, NT_DEFER_IRQS_MAX };
static struct nt_override_param nt_ovr_gro = { NT_OVERRIDE_NONE, 0, NT_GRO_FLUSH_NS_MAX };
static struct nt_override_param nt_ovr_gro_on = { NT_OVERRIDE_NONE, 0, 1 };
static struct nt_override_param nt_ovr_lro_on = { NT_OVERRIDE_NONE, 0, 1 };

/**
 * struct nt_dev - what netvsc_tune knows of one net device (under RTNL)
 * @node: in nt_devs
 * @dev: the device; the record is deleted at NETDEV_UNREGISTER
 * @generation: configuration generation last applied, 0 = look again
 * @own_profile: the device's own profile (device_profile), -1 = the global one
 * @profile: profile of the last pass
 * @match: the driver was in the list at the last pass
 * @tuned: @orig (and @udp_orig, @xps_orig) hold the values to restore
 * @drv: driver name
 * @orig: values before the first change
 * @udp_orig: rx-flow-hash fields of UDP over IPv4 and IPv6 before the first change
 * @xps_orig: before the first change, one CPU mask per TX queue (NULL: XPS
 *	not managed on this device)
 * @xps_queues: TX queues @xps_orig has masks for
 * @xps_orig_n: TX queues that had a CPU mask before, -1 = not managed
 * @xps_now_n: TX queues that have one now, -1 = not managed
 * @apply_ns: time the last pass spent changing the device
 * @err: error of the last pass, 0 if every knob took its value
 */
struct nt_dev {
	struct list_head node;
	struct net_device *dev;
	u32 generation;
	int own_profile;
	enum nt_profile profile;
	bool match;
	bool tuned;
	char drv[NT_DRIVER_NAME_LEN];
	struct nt_knobs orig;
	u32 udp_orig[2];
	void *xps_orig;
	unsigned int xps_queues;
	int xps_orig_n;
	int xps_now_n;
	u64 apply_ns;
	int err;
};

static LIST_HEAD(nt_devs);
static bool nt_stopping;	/* under RTNL */

static void nt_work_fn(struct work_struct *work);
static DECLARE_WORK(nt_work, nt_work_fn);

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

static void nt_driver_name(struct net_device *dev, char *name, size_t size)
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

/* Current values and maxima; a maximum of 0 marks a knob not settable. */
static void nt_read(struct net_device *dev, struct nt_knobs *cur,
		    struct nt_knobs *max, u32 udp[2])
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	u32 tmp[2];

	memset(cur, 0, sizeof(*cur));
	memset(max, 0, sizeof(*max));
	if (!udp)
		udp = tmp;

	if (ops && ops->get_channels) {
		struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };

		ops->get_channels(dev, &ch);
		cur->channels = ch.combined_count;
		if (ops->set_channels)
			max->channels = ch.max_combined;
	}
	if (ops && ops->get_ringparam) {
		struct ethtool_ringparam r = { .cmd = ETHTOOL_GRINGPARAM };
		struct kernel_ethtool_ringparam kr = {};

		ops->get_ringparam(dev, &r, &kr, NULL);
		cur->rx_ring = r.rx_pending;
		cur->tx_ring = r.tx_pending;
		if (ops->set_ringparam) {
			max->rx_ring = r.rx_max_pending;
			max->tx_ring = r.tx_max_pending;
		}
	}
	cur->defer_irqs = READ_ONCE(dev->napi_defer_hard_irqs);
	cur->gro_flush_ns = min_t(unsigned long, READ_ONCE(dev->gro_flush_timeout),
				  U32_MAX);
	cur->gro = !!(dev->features & NETIF_F_GRO);
	max->gro = !!(dev->hw_features & NETIF_F_GRO);
	cur->lro = !!(dev->features & NETIF_F_LRO);
	max->lro = !!(dev->hw_features & NETIF_F_LRO);
	max->udp_l4 = nt_udp_hash_read(dev, udp);
	cur->udp_l4 = max->udp_l4 &&
		      (udp[0] & NT_RXH_L4) == NT_RXH_L4 &&
		      (udp[1] & NT_RXH_L4) == NT_RXH_L4;
}

/* Highest queue in the RX flow indirection table (ethtool core's rule) */
static int nt_max_rxfh_queue(struct net_device *dev, u32 *max_entry)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_rxfh_param rxfh = {};
	u32 size, i, m = 0;
	int ret;

	if (!ops->get_rxfh_indir_size || !ops->get_rxfh)
		return -EOPNOTSUPP;
	size = ops->get_rxfh_indir_size(dev);
	if (!size)
		return -EOPNOTSUPP;

	rxfh.indir_size = size;
	rxfh.indir = kcalloc(size, sizeof(*rxfh.indir), GFP_KERNEL);
	if (!rxfh.indir)
		return -ENOMEM;
	ret = ops->get_rxfh(dev, &rxfh);
	for (i = 0; !ret && i < size; i++)
		m = max(m, rxfh.indir[i]);
	kfree(rxfh.indir);
	if (!ret)
		*max_entry = m;
	return ret;
}

/* ETHTOOL_SCHANNELS for the combined count, with the core's checks */
static int nt_set_channels(struct net_device *dev, u32 combined)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct ethtool_channels cur = { .cmd = ETHTOOL_GCHANNELS };
	struct ethtool_channels want;
	u32 max_entry = 0, from, to, i;
	bool rxfh = netif_is_rxfh_configured(dev);
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
	if (rxfh) {
		ret = nt_max_rxfh_queue(dev, &max_entry);
		if (ret)
			return ret;
	}
	if (!nt_rxfh_allows(want.combined_count + want.rx_count, rxfh,
			    max_entry))
		return -EINVAL;

	/* channels going away must not carry a zero-copy AF_XDP socket */
	from = want.combined_count + min(want.rx_count, want.tx_count);
	to = cur.combined_count + max(cur.rx_count, cur.tx_count);
	for (i = from; i < to; i++)
		if (xsk_get_pool_from_qid(dev, i))
			return -EBUSY;

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
 * GRO and LRO through wanted_features, as "ethtool -K" does; the features
 * notification comes from netdev_update_features(). If the stack does not
 * grant the change, the old wanted set is put back.
 */
static int nt_set_features(struct net_device *dev, const struct nt_knobs *want,
			   const struct nt_knobs *max)
{
	netdev_features_t old = dev->wanted_features, w = old, mask = 0;

	if (max->gro) {
		mask |= NETIF_F_GRO;
		w = want->gro ? w | NETIF_F_GRO : w & ~NETIF_F_GRO;
	}
	if (max->lro) {
		mask |= NETIF_F_LRO;
		w = want->lro ? w | NETIF_F_LRO : w & ~NETIF_F_LRO;
	}
	if (w == old)
		return 0;
	dev->wanted_features = w;
	netdev_update_features(dev);
	if ((dev->features & mask) == (w & mask))
		return 0;
	dev->wanted_features = old;
	netdev_update_features(dev);
	return -EIO;
}

/*
 * UDP hashed on the ports (@l4) or not, other fields as in @base; with
 * @exact, @base itself (restore).
 */
static int nt_set_udp_hash(struct net_device *dev, bool l4, const u32 base[2],
			   bool exact)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	u32 cur[2];
	unsigned int i;
	int ret;

	if (!nt_udp_hash_read(dev, cur))
		return -EOPNOTSUPP;
	for (i = 0; i < ARRAY_SIZE(nt_udp_flows); i++) {
		struct ethtool_rxnfc info = {
			.cmd = ETHTOOL_SRXFH,
			.flow_type = nt_udp_flows[i],
			.data = l4 ? base[i] | NT_RXH_L4 : base[i] & ~NT_RXH_L4,
		};

		if (exact)
			info.data = base[i];

		if (info.data == cur[i])
			continue;
		ret = ops->set_rxnfc(dev, &info);
		if (ret)
			return ret;
	}
	return 0;
}

#ifdef CONFIG_XPS
static struct cpumask *nt_xps_mask(void *masks, unsigned int q)
{
	return (struct cpumask *)((char *)masks + q * cpumask_size());
}

/* One CPU mask per TX queue from the device's XPS map; number non-empty */
static int nt_xps_read(struct net_device *dev, void *masks, unsigned int nq)
{
	struct xps_dev_maps *maps;
	unsigned int j, i, q;
	int n = 0;

	memset(masks, 0, nq * cpumask_size());
	rcu_read_lock();
	maps = rcu_dereference(dev->xps_maps[XPS_CPUS]);
	for (j = 0; maps && j < min(maps->nr_ids, nr_cpu_ids); j++) {
		/* only called for devices without traffic classes */
		struct xps_map *map = rcu_dereference(maps->attr_map[j * maps->num_tc]);

		for (i = 0; map && i < map->len; i++) {
			q = map->queues[i];
			if (q < nq)
				cpumask_set_cpu(j, nt_xps_mask(masks, q));
		}
	}
	rcu_read_unlock();
	for (q = 0; q < nq; q++)
		n += !cpumask_empty(nt_xps_mask(masks, q));
	return n;
}

static bool nt_xps_managed(struct net_device *dev, const char *drv)
{
	return strcmp(drv, NT_NO_XPS_DRIVER) && !netdev_get_num_tc(dev);
}

/*
 * Set the XPS mask of every real TX queue: from @masks (restore), or the
 * spread of nt_xps_queue() when @masks is NULL.
 */
static int nt_xps_set(struct net_device *dev, void *masks, unsigned int nq)
{
	unsigned int ntx = dev->real_num_tx_queues, q, cpu, idx;
	cpumask_var_t want;
	int ret = 0;

	if (!zalloc_cpumask_var(&want, GFP_KERNEL))
		return -ENOMEM;
	for (q = 0; q < ntx && !ret; q++) {
		cpumask_clear(want);
		if (masks) {
			if (q < nq)
				cpumask_copy(want, nt_xps_mask(masks, q));
		} else {
			idx = 0;
			for_each_online_cpu(cpu)
				if (nt_xps_queue(idx++, ntx) == q)
					cpumask_set_cpu(cpu, want);
		}
		ret = netif_set_xps_queue(dev, want, q);
	}
	free_cpumask_var(want);
	return ret;
}

static int nt_xps_count(struct net_device *dev)
{
	unsigned int nq = dev->real_num_tx_queues;
	void *masks = kcalloc(nq, cpumask_size(), GFP_KERNEL);
	int n;

	if (!masks)
		return -1;
	n = nt_xps_read(dev, masks, nq);
	kfree(masks);
	return n;
}
#else
static bool nt_xps_managed(struct net_device *dev, const char *drv)
{
	return false;
}

static int nt_xps_read(struct net_device *dev, void *masks, unsigned int nq)
{
	return -1;
}

static int nt_xps_set(struct net_device *dev, void *masks, unsigned int nq)
{
	return -EOPNOTSUPP;
}

static int nt_xps_count(struct net_device *dev)
{
	return -1;
}
#endif

static void nt_warn(struct net_device *dev, const char *what, int ret)
{
	netdev_warn(dev, "netvsc_tune: %s failed: %d, kept the old value\n",
		    what, ret);
}

/*
 * Bring @nd's device to @want knob by knob: restore (@restore, from the
 * original values and XPS masks) or the plan. A knob whose operation fails
 * keeps its value; the first error is returned and every failure is logged.
 */
static int nt_set_all(struct nt_dev *nd, const struct nt_knobs *want,
		      const struct nt_knobs *max, bool restore)
{
	struct net_device *dev = nd->dev;
	const struct ethtool_ops *ops = dev->ethtool_ops;
	int ret, err = 0;

	if (!netif_device_present(dev))
		return -ENODEV;
	if (ops && ops->begin) {
		ret = ops->begin(dev);
		if (ret)
			return ret;
	}

	if (max->channels) {
		ret = nt_set_channels(dev, want->channels);
		if (ret)
			nt_warn(dev, "channels", ret);
		err = err ?: ret;
	}
	if (max->rx_ring || max->tx_ring) {
		ret = nt_set_rings(dev, want->rx_ring, want->tx_ring);
		if (ret)
			nt_warn(dev, "rings", ret);
		err = err ?: ret;
	}
	WRITE_ONCE(dev->napi_defer_hard_irqs, want->defer_irqs);
	WRITE_ONCE(dev->gro_flush_timeout, want->gro_flush_ns);
	ret = nt_set_features(dev, want, max);
	if (ret)
		nt_warn(dev, "GRO/LRO", ret);
	err = err ?: ret;
	if (max->udp_l4) {
		ret = nt_set_udp_hash(dev, want->udp_l4, nd->udp_orig,
				      restore);
		if (ret)
			nt_warn(dev, "UDP rx-flow-hash", ret);
		err = err ?: ret;
	}
	/* after the channels: the spread is over the new queue count */
	if (nd->xps_orig) {
		ret = nt_xps_set(dev, restore ? nd->xps_orig : NULL,
				 nd->xps_queues);
		if (ret)
			nt_warn(dev, "XPS", ret);
		err = err ?: ret;
	}

	if (ops && ops->complete)
		ops->complete(dev);
	return err;
}

struct nt_config {
	enum nt_profile profile;
	bool match;
	struct nt_knobs ovr;
	u32 generation;
};

static void nt_config_read(struct nt_dev *nd, struct nt_config *c)
{
	nt_driver_name(nd->dev, nd->drv, sizeof(nd->drv));

	mutex_lock(&nt_cfg_lock);
	c->profile = nd->own_profile >= 0 ? nd->own_profile : nt_profile;
	c->match = nt_drivers_match(nt_drivers, nt_ndrivers, nd->drv);
	c->ovr.channels = nt_ovr_channels.value;
	c->ovr.rx_ring = nt_ovr_rx_ring.value;
	c->ovr.tx_ring = nt_ovr_tx_ring.value;
	c->ovr.defer_irqs = nt_ovr_defer.value;
	c->ovr.gro_flush_ns = nt_ovr_gro.value;
	c->ovr.gro = nt_ovr_gro_on.value;
	c->ovr.lro = nt_ovr_lro_on.value;
	c->ovr.udp_l4 = NT_OVERRIDE_NONE;
	c->generation = nt_generation;
	mutex_unlock(&nt_cfg_lock);
}

static void nt_readback(struct nt_dev *nd)
{
	nd->xps_now_n = nd->xps_orig ? nt_xps_count(nd->dev) : -1;
}

static void nt_forget_orig(struct nt_dev *nd)
{
	kfree(nd->xps_orig);
	nd->xps_orig = NULL;
	nd->xps_queues = 0;
	nd->xps_orig_n = -1;
	nd->tuned = false;
}

/* Put back what the device had before netvsc_tune touched it */
static void nt_restore(struct nt_dev *nd)
{
	struct nt_knobs cur, max;
	u64 t0;

	if (!nd->tuned)
		return;
	nt_read(nd->dev, &cur, &max, NULL);
	t0 = ktime_get_ns();
	nd->err = nt_set_all(nd, &nd->orig, &max, true);
	nd->apply_ns = ktime_get_ns() - t0;
	if (nd->err)
		netdev_warn(nd->dev, "netvsc_tune: restore incomplete: %d\n",
			    nd->err);
	nt_readback(nd);
	nt_forget_orig(nd);
}

/* Record what the device has before the first change */
static void nt_remember(struct nt_dev *nd, const struct nt_knobs *cur,
			const u32 udp[2])
{
	struct net_device *dev = nd->dev;

	nd->orig = *cur;
	memcpy(nd->udp_orig, udp, sizeof(nd->udp_orig));
	nd->xps_orig_n = -1;
	if (nt_xps_managed(dev, nd->drv)) {
		nd->xps_queues = dev->real_num_tx_queues;
		nd->xps_orig = kcalloc(nd->xps_queues, cpumask_size(),
				       GFP_KERNEL);
		/* without the memory, XPS is left alone on this device */
		if (nd->xps_orig)
			nd->xps_orig_n = nt_xps_read(dev, nd->xps_orig,
						     nd->xps_queues);
	}
	nd->tuned = true;
}

static void nt_apply(struct nt_dev *nd)
{
	struct nt_knobs cur, max, plan;
	struct nt_topology t;
	struct nt_config c;
	u32 udp[2] = {};
	u64 t0;
	int ret;

	nt_config_read(nd, &c);
	if (nd->generation == c.generation)
		return;
	nd->generation = c.generation;
	nd->match = c.match;
	nd->profile = c.profile;

	if (!c.match || c.profile == NT_PROFILE_OFF) {
		nt_restore(nd);
		return;
	}

	nt_read(nd->dev, &cur, &max, udp);
	nt_topology_read(&t);
	/* the profile is computed from the original values, not from ours */
	ret = nt_policy_plan(c.profile, &t, nd->tuned ? &nd->orig : &cur,
			     &max, &c.ovr,
			     nt_driver_sized_at_probe(nd->drv) ?
			     NT_PLAN_SIZED_AT_PROBE : 0, &plan);
	if (ret) {
		netdev_warn(nd->dev,
			    "netvsc_tune: an override does not fit this device (max channels %u, rings %u/%u, GRO %s, LRO %s), nothing changed\n",
			    max.channels, max.rx_ring, max.tx_ring,
			    max.gro ? "settable" : "fixed",
			    max.lro ? "settable" : "fixed");
		nd->err = ret;
		return;
	}

	if (!nd->tuned)
		nt_remember(nd, &cur, udp);
	t0 = ktime_get_ns();
	nd->err = nt_set_all(nd, &plan, &max, false);
	nd->apply_ns = ktime_get_ns() - t0;
	nt_readback(nd);
}

static void nt_work_fn(struct work_struct *work)
{
	struct nt_dev *nd;

	rtnl_lock();
	if (!nt_stopping)
		list_for_each_entry(nd, &nt_devs, node)
			nt_apply(nd);
	rtnl_unlock();
}

static struct nt_dev *nt_find(struct net_device *dev)
{
	struct nt_dev *nd;

	list_for_each_entry(nd, &nt_devs, node)
		if (nd->dev == dev)
			return nd;
	return NULL;
}

static void nt_free(struct nt_dev *nd)
{
	list_del(&nd->node);
	kfree(nd->xps_orig);
	kfree(nd);
}

static int nt_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nt_dev *nd;

	ASSERT_RTNL();
	if (nt_stopping)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_REGISTER:
		if (nt_find(dev))
			break;
		nd = kzalloc(sizeof(*nd), GFP_KERNEL);
		if (!nd) {
			netdev_warn(dev, "netvsc_tune: no memory, not tuned\n");
			break;
		}
		nd->dev = dev;
		nd->own_profile = -1;
		nd->xps_orig_n = -1;
		nd->xps_now_n = -1;
		list_add_tail(&nd->node, &nt_devs);
		schedule_work(&nt_work);
		break;
	case NETDEV_UP:
		nd = nt_find(dev);
		if (nd) {
			/* a device that came up gets another try */
			nd->generation = 0;
			schedule_work(&nt_work);
		}
		break;
	case NETDEV_UNREGISTER:
		nd = nt_find(dev);
		if (nd)
			nt_free(nd);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nt_notifier = {
	.notifier_call = nt_netdev_event,
};

/*
 * Every configuration change makes nt_work look at all devices again.
 * Called with nt_cfg_lock held; the caller then calls nt_config_wait().
 */
static void nt_config_changed(void)
{
	nt_generation++;
	if (!nt_generation)
		nt_generation = 1;
	/* parameters stay writable until the module is freed, after exit */
	if (!nt_cfg_dead)
		schedule_work(&nt_work);
}

/* A parameter write returns when the devices have been looked at again */
static void nt_config_wait(void)
{
	flush_work(&nt_work);
}

static int nt_profile_set(const char *val, const struct kernel_param *kp)
{
	enum nt_profile p;

	if (nt_profile_parse(val, &p)) {
		pr_err("profile=%.*s rejected: use off, balanced, throughput or latency\n",
		       val ? (int)strcspn(val, "\n") : 6, val ? val : "(null)");
		return -EINVAL;
	}
	mutex_lock(&nt_cfg_lock);
	nt_profile = p;
	nt_config_changed();
	mutex_unlock(&nt_cfg_lock);
	nt_config_wait();
	return 0;
}

static int nt_profile_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", nt_profile_name(READ_ONCE(nt_profile)));
}

static const struct kernel_param_ops nt_profile_ops = {
	.set = nt_profile_set,
	.get = nt_profile_get,
};
module_param_cb(profile, &nt_profile_ops, NULL, 0644);
MODULE_PARM_DESC(profile, "off, balanced (default), throughput or latency");

static int nt_drivers_set(const char *val, const struct kernel_param *kp)
{
	char names[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN];
	unsigned int n;

	if (nt_drivers_parse(val, names, &n)) {
		pr_err("drivers=%.*s rejected: 1 to %d comma-separated driver names of [A-Za-z0-9_-], at most %d characters each, no duplicates\n",
		       val ? (int)min_t(size_t, strcspn(val, "\n"), 300) : 6,
		       val ? val : "(null)", NT_MAX_DRIVERS,
		       NT_DRIVER_NAME_LEN - 1);
		return -EINVAL;
	}
	mutex_lock(&nt_cfg_lock);
	memcpy(nt_drivers, names, sizeof(names));
	nt_ndrivers = n;
	nt_config_changed();
	mutex_unlock(&nt_cfg_lock);
	nt_config_wait();
	return 0;
}

static int nt_drivers_get(char *buf, const struct kernel_param *kp)
{
	unsigned int i;
	int len = 0;

	mutex_lock(&nt_cfg_lock);
	for (i = 0; i < nt_ndrivers; i++)
		len += sysfs_emit_at(buf, len, "%s%s", i ? "," : "",
				     nt_drivers[i]);
	mutex_unlock(&nt_cfg_lock);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static const struct kernel_param_ops nt_drivers_ops = {
	.set = nt_drivers_set,
	.get = nt_drivers_get,
};
module_param_cb(drivers, &nt_drivers_ops, NULL, 0644);
MODULE_PARM_DESC(drivers, "Drivers whose devices are tuned (default " NT_DEFAULT_DRIVERS ")");

/* Set an override parameter to @v and re-tune every device */
static int nt_override_store(struct nt_override_param *p, u32 v)
{
	mutex_lock(&nt_cfg_lock);
	p->value = v;
	nt_config_changed();
	mutex_unlock(&nt_cfg_lock);
	nt_config_wait();
	return 0;
}

static int nt_override_set(const char *val, const struct kernel_param *kp)
{
	struct nt_override_param *p = kp->arg;
	u32 v;

	if (val && sysfs_streq(val, "auto")) {
		v = NT_OVERRIDE_NONE;
	} else if (nt_parse_u32(val, p->min, p->max, &v)) {
		pr_err("%s=%.*s rejected: auto or %u..%u\n", kp->name,
		       val ? (int)min_t(size_t, strcspn(val, "\n"), 32) : 6,
		       val ? val : "(null)", p->min, p->max);
		return -EINVAL;
	}
	return nt_override_store(p, v);
}

static int nt_override_get(char *buf, const struct kernel_param *kp)
{
	const struct nt_override_param *p = kp->arg;
	u32 v = READ_ONCE(p->value);

	if (v == NT_OVERRIDE_NONE)
		return sysfs_emit(buf, "auto\n");
	return sysfs_emit(buf, "%u\n", v);
}

static const struct kernel_param_ops nt_override_ops = {
	.set = nt_override_set,
	.get = nt_override_get,
};
module_param_cb(channels, &nt_override_ops, &nt_ovr_channels, 0644);
MODULE_PARM_DESC(channels, "Combined channels: auto (from the profile) or 1..4096, within the device maximum");
module_param_cb(rx_ring, &nt_override_ops, &nt_ovr_rx_ring, 0644);
MODULE_PARM_DESC(rx_ring, "RX ring entries: auto or a count within the device maximum");
module_param_cb(tx_ring, &nt_override_ops, &nt_ovr_tx_ring, 0644);
MODULE_PARM_DESC(tx_ring, "TX ring entries: auto or a count within the device maximum");
module_param_cb(napi_defer_hard_irqs, &nt_override_ops, &nt_ovr_defer, 0644);
MODULE_PARM_DESC(napi_defer_hard_irqs, "auto or 0..1000");
module_param_cb(gro_flush_timeout, &nt_override_ops, &nt_ovr_gro, 0644);
MODULE_PARM_DESC(gro_flush_timeout, "auto or 0..10000000 ns");

static int nt_onoff_set(const char *val, const struct kernel_param *kp)
{
	struct nt_override_param *p = kp->arg;
	u32 v;

	if (val && sysfs_streq(val, "auto")) {
		v = NT_OVERRIDE_NONE;
	} else if (nt_parse_onoff(val, &v)) {
		pr_err("%s=%.*s rejected: auto, on or off\n", kp->name,
		       val ? (int)min_t(size_t, strcspn(val, "\n"), 32) : 6,
		       val ? val : "(null)");
		return -EINVAL;
	}
	return nt_override_store(p, v);
}

static int nt_onoff_get(char *buf, const struct kernel_param *kp)
{
	const struct nt_override_param *p = kp->arg;
	u32 v = READ_ONCE(p->value);

	return sysfs_emit(buf, "%s\n", v == NT_OVERRIDE_NONE ? "auto" :
			  v ? "on" : "off");
}

static const struct kernel_param_ops nt_onoff_ops = {
	.set = nt_onoff_set,
	.get = nt_onoff_get,
};
module_param_cb(gro, &nt_onoff_ops, &nt_ovr_gro_on, 0644);
MODULE_PARM_DESC(gro, "GRO: auto (from the profile), on or off");
module_param_cb(lro, &nt_onoff_ops, &nt_ovr_lro_on, 0644);
MODULE_PARM_DESC(lro, "LRO: auto (from the profile), on or off");

/*
 * device_profile: "IFNAME=PROFILE" gives one device of init_net its own
 * profile, "IFNAME=default" makes it follow the global one again.
 */
static int nt_devprofile_set(const char *val, const struct kernel_param *kp)
{
	char name[IFNAMSIZ];
	struct net_device *dev;
	struct nt_dev *nd = NULL;
	int profile;

	if (nt_devprofile_parse(val, name, sizeof(name), &profile)) {
		pr_err("device_profile=%.*s rejected: use IFNAME=PROFILE, PROFILE one of off, balanced, throughput, latency, default\n",
		       val ? (int)min_t(size_t, strcspn(val, "\n"), 64) : 6,
		       val ? val : "(null)");
		return -EINVAL;
	}
	/* a load-time value has no device to name yet */
	rtnl_lock();
	dev = nt_stopping ? NULL : __dev_get_by_name(&init_net, name);
	if (dev)
		nd = nt_find(dev);
	if (nd) {
		nd->own_profile = profile;
		nd->generation = 0;
		if (!nt_cfg_dead)
			schedule_work(&nt_work);
	}
	rtnl_unlock();
	if (!nd) {
		pr_err("device_profile=%.*s rejected: no network device %s\n",
		       (int)strcspn(val, "\n"), val, name);
		return -EINVAL;
	}
	nt_config_wait();
	return 0;
}

static int nt_devprofile_get(char *buf, const struct kernel_param *kp)
{
	struct nt_dev *nd;
	int len = 0;

	rtnl_lock();
	list_for_each_entry(nd, &nt_devs, node) {
		if (nd->own_profile < 0)
			continue;
		/* the last line that fits ends the list */
		if (len + IFNAMSIZ + 16 > PAGE_SIZE)
			break;
		len += sysfs_emit_at(buf, len, "%s=%s\n", netdev_name(nd->dev),
				     nt_profile_name(nd->own_profile));
	}
	rtnl_unlock();
	return len;
}

static const struct kernel_param_ops nt_devprofile_ops = {
	.set = nt_devprofile_set,
	.get = nt_devprofile_get,
};
module_param_cb(device_profile, &nt_devprofile_ops, NULL, 0644);
MODULE_PARM_DESC(device_profile, "IFNAME=PROFILE: one device's own profile (PROFILE \"default\": follow profile)");

static int nt_emit_bool(char *buf, int len, int room, const char *key,
			u32 v, bool supported)
{
	if (!supported)
		return scnprintf(buf + len, room - len, ",%s:-", key);
	return scnprintf(buf + len, room - len, ",%s:%u", key, v);
}

static int nt_emit_knobs(char *buf, int len, int room, const char *what,
			 const struct nt_knobs *k, const struct nt_knobs *max,
			 int xps)
{
	int start = len;

	len += scnprintf(buf + len, room - len,
			 " %s=channels:%u,rx:%u,tx:%u,defer:%u,gro_ns:%u",
			 what, k->channels, k->rx_ring, k->tx_ring,
			 k->defer_irqs, k->gro_flush_ns);
	len += nt_emit_bool(buf, len, room, "gro", k->gro, max->gro);
	len += nt_emit_bool(buf, len, room, "lro", k->lro, max->lro);
	len += nt_emit_bool(buf, len, room, "udp_l4", k->udp_l4, max->udp_l4);
	if (xps < 0)
		len += scnprintf(buf + len, room - len, ",xps:-");
	else
		len += scnprintf(buf + len, room - len, ",xps:%d", xps);
	return len - start;
}

/*
 * Read-only per-device readout: one line per device whose driver is in the
 * list or which still holds values to restore, as many as fit in the page
 * sysfs gives us; a last line "..." says that some were left out.
 */
static int nt_state_get(char *buf, const struct kernel_param *kp)
{
	const int room = PAGE_SIZE - 4;	/* keep space for "...\n" */
	struct nt_knobs now, max;
	struct nt_dev *nd;
	int len = 0, start, xps;

	rtnl_lock();
	list_for_each_entry(nd, &nt_devs, node) {
		if (!nd->match && !nd->tuned)
			continue;
		/* the device's values now, not only after our last pass */
		nt_read(nd->dev, &now, &max, NULL);
		xps = nd->xps_orig ? nt_xps_count(nd->dev) : nd->xps_now_n;
		start = len;
		len += scnprintf(buf + len, room - len,
				 "%s driver=%s profile=%s tuned=%d err=%d apply_us=%llu",
				 netdev_name(nd->dev), nd->drv,
				 nt_profile_name(nd->profile), nd->tuned,
				 nd->err, div_u64(nd->apply_ns, NSEC_PER_USEC));
		len += nt_emit_knobs(buf, len, room, "orig",
				     nd->tuned ? &nd->orig : &now, &max,
				     nd->tuned ? nd->xps_orig_n : xps);
		len += nt_emit_knobs(buf, len, room, "now", &now, &max, xps);
		len += scnprintf(buf + len, room - len, "\n");
		if (len >= room - 1 || buf[len - 1] != '\n') {
			len = start + scnprintf(buf + start, PAGE_SIZE - start,
						"...\n");
			break;
		}
	}
	rtnl_unlock();
	return len;
}

static const struct kernel_param_ops nt_state_ops = {
	.get = nt_state_get,
};
module_param_cb(state, &nt_state_ops, NULL, 0444);
MODULE_PARM_DESC(state, "Per device: original and current values, last error");

static int __init nt_init(void)
{
	int ret;

	/* module parameters were parsed before; set the default list if none */
	mutex_lock(&nt_cfg_lock);
	if (!nt_ndrivers &&
	    nt_drivers_parse(NT_DEFAULT_DRIVERS, nt_drivers, &nt_ndrivers))
		ret = -EINVAL;
	else
		ret = 0;
	mutex_unlock(&nt_cfg_lock);
	if (ret)
		return ret;

	/* replays NETDEV_REGISTER and NETDEV_UP for the devices present */
	ret = register_netdevice_notifier(&nt_notifier);
	if (ret)
		return ret;
	/* the load returns with the present devices tuned */
	flush_work(&nt_work);
	return 0;
}

static void __exit nt_exit(void)
{
	struct nt_dev *nd, *tmp;

	mutex_lock(&nt_cfg_lock);
	nt_cfg_dead = true;
	mutex_unlock(&nt_cfg_lock);

	rtnl_lock();
	nt_stopping = true;
	list_for_each_entry_safe(nd, tmp, &nt_devs, node) {
		nt_restore(nd);
		nt_free(nd);
	}
	rtnl_unlock();

	unregister_netdevice_notifier(&nt_notifier);
	cancel_work_sync(&nt_work);
}

module_init(nt_init);
module_exit(nt_exit);

MODULE_DESCRIPTION("vCPU-aware tuning of hv_netvsc and Accelerated Networking VFs");
MODULE_LICENSE("GPL");
