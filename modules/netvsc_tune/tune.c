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
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/nodemask.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <net/xdp_sock_drv.h>

#include "policy.h"

#define NT_DEFAULT_DRIVERS "hv_netvsc,mlx4_en,mlx5_core,mana"

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

/**
 * struct nt_dev - what netvsc_tune knows of one net device (under RTNL)
 * @node: in nt_devs
 * @dev: the device; the record is deleted at NETDEV_UNREGISTER
 * @generation: configuration generation last applied, 0 = never
 * @tuned: @orig holds the values to restore
 * @orig: values before the first change
 * @applied: values after the last pass
 * @err: error of the last pass, 0 if every knob took its value
 */
struct nt_dev {
	struct list_head node;
	struct net_device *dev;
	u32 generation;
	bool tuned;
	struct nt_knobs orig;
	struct nt_knobs applied;
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

static const char *nt_driver_name(struct net_device *dev,
				  struct ethtool_drvinfo *info)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;

	if (ops && ops->get_drvinfo) {
		memset(info, 0, sizeof(*info));
		ops->get_drvinfo(dev, info);
		if (info->driver[0])
			return info->driver;
	}
	if (dev->dev.parent && dev->dev.parent->driver)
		return dev->dev.parent->driver->name;
	return NULL;
}

/* Current values and maxima; a maximum of 0 marks a knob not settable. */
static void nt_read(struct net_device *dev, struct nt_knobs *cur,
		    struct nt_knobs *max)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;

	memset(cur, 0, sizeof(*cur));
	memset(max, 0, sizeof(*max));

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
}

/* Highest queue in the RX flow indirection table (ethtool core's rule) */
static int nt_max_rxfh_queue(struct net_device *dev, u32 *max_entry)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	u32 size, i, m = 0;
	u32 *indir;
	int ret;

	if (!ops->get_rxfh_indir_size || !ops->get_rxfh)
		return -EOPNOTSUPP;
	size = ops->get_rxfh_indir_size(dev);
	if (!size)
		return -EOPNOTSUPP;

	indir = kcalloc(size, sizeof(*indir), GFP_KERNEL);
	if (!indir)
		return -ENOMEM;
	ret = ops->get_rxfh(dev, indir, NULL, NULL);
	for (i = 0; !ret && i < size; i++)
		m = max(m, indir[i]);
	kfree(indir);
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
 * Bring @dev to @want knob by knob. A knob whose operation fails keeps its
 * value; the first error is returned and every failure is logged.
 */
static int nt_set_all(struct net_device *dev, const struct nt_knobs *want,
		      const struct nt_knobs *max)
{
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
		if (ret) {
			netdev_warn(dev, "netvsc_tune: channels %u failed: %d\n",
				    want->channels, ret);
			err = err ?: ret;
		}
	}
	if (max->rx_ring || max->tx_ring) {
		ret = nt_set_rings(dev, want->rx_ring, want->tx_ring);
		if (ret) {
			netdev_warn(dev, "netvsc_tune: rings %u/%u failed: %d\n",
				    want->rx_ring, want->tx_ring, ret);
			err = err ?: ret;
		}
	}
	WRITE_ONCE(dev->napi_defer_hard_irqs, want->defer_irqs);
	WRITE_ONCE(dev->gro_flush_timeout, want->gro_flush_ns);

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

static void nt_config_read(struct net_device *dev, struct nt_config *c)
{
	struct ethtool_drvinfo info;
	const char *drv = nt_driver_name(dev, &info);

	mutex_lock(&nt_cfg_lock);
	c->profile = nt_profile;
	c->match = nt_drivers_match(nt_drivers, nt_ndrivers, drv);
	c->ovr.channels = nt_ovr_channels.value;
	c->ovr.rx_ring = nt_ovr_rx_ring.value;
	c->ovr.tx_ring = nt_ovr_tx_ring.value;
	c->ovr.defer_irqs = nt_ovr_defer.value;
	c->ovr.gro_flush_ns = nt_ovr_gro.value;
	c->generation = nt_generation;
	mutex_unlock(&nt_cfg_lock);
}

/* Put back what the device had before netvsc_tune touched it */
static void nt_restore(struct nt_dev *nd)
{
	struct nt_knobs cur, max;

	if (!nd->tuned)
		return;
	nt_read(nd->dev, &cur, &max);
	nd->err = nt_set_all(nd->dev, &nd->orig, &max);
	if (nd->err)
		netdev_warn(nd->dev, "netvsc_tune: restore incomplete: %d\n",
			    nd->err);
	nt_read(nd->dev, &nd->applied, &max);
	nd->tuned = false;
}

static void nt_apply(struct nt_dev *nd)
{
	struct nt_knobs cur, max, plan;
	struct nt_topology t;
	struct nt_config c;
	int ret;

	nt_config_read(nd->dev, &c);
	if (nd->generation == c.generation)
		return;
	nd->generation = c.generation;

	if (!c.match || c.profile == NT_PROFILE_OFF) {
		nt_restore(nd);
		return;
	}

	nt_read(nd->dev, &cur, &max);
	if (!nd->tuned)
		nd->orig = cur;

	nt_topology_read(&t);
	/* the profile is computed from the original values, not from ours */
	ret = nt_policy_plan(c.profile, &t, &nd->orig, &max, &c.ovr, &plan);
	if (ret) {
		netdev_warn(nd->dev,
			    "netvsc_tune: an override does not fit this device (max channels %u, rings %u/%u), nothing changed\n",
			    max.channels, max.rx_ring, max.tx_ring);
		nd->err = ret;
		return;
	}

	nd->tuned = true;
	nd->err = nt_set_all(nd->dev, &plan, &max);
	nt_read(nd->dev, &nd->applied, &max);
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
		if (nd) {
			list_del(&nd->node);
			kfree(nd);
		}
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nt_notifier = {
	.notifier_call = nt_netdev_event,
};

/*
 * Every configuration change makes nt_work look at all devices again.
 * Called with nt_cfg_lock held.
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
	mutex_lock(&nt_cfg_lock);
	p->value = v;
	nt_config_changed();
	mutex_unlock(&nt_cfg_lock);
	return 0;
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

static int nt_emit_knobs(char *buf, int len, int room, const char *what,
			 const struct nt_knobs *k)
{
	return scnprintf(buf + len, room - len,
			 " %s=channels:%u,rx:%u,tx:%u,defer:%u,gro_ns:%u",
			 what, k->channels, k->rx_ring, k->tx_ring,
			 k->defer_irqs, k->gro_flush_ns);
}

/*
 * Read-only per-device readout: one line per device that was tuned or
 * failed, as many as fit in the page sysfs gives us; a last line "..."
 * says that some were left out.
 */
static int nt_state_get(char *buf, const struct kernel_param *kp)
{
	const int room = PAGE_SIZE - 4;	/* keep space for "...\n" */
	struct nt_dev *nd;
	int len = 0, start;

	rtnl_lock();
	list_for_each_entry(nd, &nt_devs, node) {
		if (!nd->tuned && !nd->err)
			continue;
		start = len;
		len += scnprintf(buf + len, room - len, "%s tuned=%d err=%d",
				 netdev_name(nd->dev), nd->tuned, nd->err);
		len += nt_emit_knobs(buf, len, room, "orig", &nd->orig);
		len += nt_emit_knobs(buf, len, room, "now", &nd->applied);
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
	return register_netdevice_notifier(&nt_notifier);
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
		list_del(&nd->node);
		kfree(nd);
	}
	rtnl_unlock();

	unregister_netdevice_notifier(&nt_notifier);
	cancel_work_sync(&nt_work);
}

module_init(nt_init);
module_exit(nt_exit);

MODULE_DESCRIPTION("vCPU-aware tuning of hv_netvsc and Accelerated Networking VFs");
MODULE_LICENSE("GPL");
