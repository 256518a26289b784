// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune: the module parameters and the configuration they hold.
 *
 * A write is checked, stored, and returns once every device has had a pass
 * with the new value, so a script can read "state" right after. Bad input
 * is refused with -EINVAL, a log line naming it, and nothing changed. At
 * load time the values are only stored: module init looks at every device
 * anyway. A device_profile given at load time names a device that may not
 * exist yet: it waits for that device (nt_pending); a malformed one is
 * logged and ignored.
 *
 * Also here, because a pass needs the configuration: the work that runs
 * the passes due (nt_kick(), nt_flush()), and the records of new devices
 * (nt_dev_seen(), nt_rescan()): a device gets one if its driver is listed.
 *
 * Locking: sysfs holds the module's parameter lock around every read and
 * write; nt_live and nt_gone change only under it. nt_cfg_lock guards the
 * configuration and is taken after RTNL when both are held. nt_pending
 * belongs to RTNL.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "netvsc_tune.h"

#define NT_DEFAULT_DRIVERS "hv_netvsc,mlx4_en,mlx5_core,mana"

/* the module is initialised: writes run passes (parameter lock) */
bool nt_live;
/* the module is going: writes only store their value (parameter lock) */
bool nt_gone;

/* Configuration, under nt_cfg_lock */
static DEFINE_MUTEX(nt_cfg_lock);
static enum nt_profile nt_profile = NT_PROFILE_BALANCED;
static char nt_drivers[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN];
static unsigned int nt_ndrivers;

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
 * struct nt_pending - a device_profile given at load time, waiting for its
 *	device (under RTNL)
 * @node: in nt_pending
 * @net: the namespace of the task that loaded the module; no reference is
 *	held: nt_params_net_exit() drops the entry when the namespace goes
 * @name: the interface name
 * @profile: the profile
 */
struct nt_pending {
	struct list_head node;
	struct net *net;
	char name[IFNAMSIZ];
	int profile;
};

static LIST_HEAD(nt_pending);

/**
 * nt_config_read - the configuration of one device's pass
 * @nd: the record
 * @c: the configuration
 */
void nt_config_read(struct nt_dev *nd, struct nt_config *c)
{
	mutex_lock(&nt_cfg_lock);
	c->profile = nd->own_profile >= 0 ? nd->own_profile : nt_profile;
	c->match = nd->drv_known &&
		   nt_drivers_match(nt_drivers, nt_ndrivers, nd->drv);
	c->ovr.channels = nt_ovr_channels.value;
	c->ovr.rx_ring = nt_ovr_rx_ring.value;
	c->ovr.tx_ring = nt_ovr_tx_ring.value;
	c->ovr.defer_irqs = nt_ovr_defer.value;
	c->ovr.gro_flush_ns = nt_ovr_gro.value;
	c->ovr.gro = nt_ovr_gro_on.value;
	c->ovr.lro = nt_ovr_lro_on.value;
	c->ovr.udp_l4 = NT_OVERRIDE_NONE;
	mutex_unlock(&nt_cfg_lock);
}

/**
 * nt_driver_listed - is a driver in "drivers"
 * @drv: the driver name
 */
bool nt_driver_listed(const char *drv)
{
	bool ret;

	mutex_lock(&nt_cfg_lock);
	ret = nt_drivers_match(nt_drivers, nt_ndrivers, drv);
	mutex_unlock(&nt_cfg_lock);
	return ret;
}

/**
 * nt_dev_seen - a device without a record: make one if it is ours
 * @dev: the device
 *
 * Reads the driver name (once for the device's life, or until the next
 * "drivers" write) and, for a listed driver, the first values, which are
 * the originals. A device that cannot be reached now gets a record
 * without either; its first pass fills them in.
 *
 * Return: true if a record was made (and queued for its first pass).
 */
bool nt_dev_seen(struct net_device *dev)
{
	char drv[NT_DRIVER_NAME_LEN];
	struct nt_read r;
	struct nt_dev *nd;
	bool present;
	int profile;

	ASSERT_RTNL();
	present = !nt_access_begin(dev);
	if (present) {
		nt_driver_name(dev, drv, sizeof(drv));
		if (!nt_driver_listed(drv)) {
			nt_access_end(dev);
			return false;
		}
	}
	nd = nt_dev_add(dev, present ? drv : NULL);
	if (!nd) {
		if (present)
			nt_access_end(dev);
		pr_warn("%s: no memory, not tuned\n", netdev_name(dev));
		return false;
	}
	if (present) {
		nt_read_dev(nd, &r);
		nt_remember(nd, &r);
		nt_access_end(dev);
		nd->own_profile = nt_unpark(dev, drv);
	}
	if (nt_pending_take(dev, &profile))
		nd->own_profile = profile;
	return nt_queue_dev(nd);
}

/*
 * After a "drivers" write: the records of the devices whose driver is now
 * listed, and @match of every record brought up to date (nt_queue_dev()
 * reads it). The one walk over every device of every namespace, at a
 * "drivers" write only; each device's driver name is read there.
 */
static void nt_rescan(void)
{
	struct net_device *dev;
	struct nt_dev *nd;
	struct net *net;

	ASSERT_RTNL();
	list_for_each_entry(nd, &nt_devs, node)
		if (nd->drv_known)
			nd->match = nt_driver_listed(nd->drv);
	down_read(&net_rwsem);
	for_each_net(net)
		for_each_netdev(net, dev)
			if (!nt_find(dev))
				nt_dev_seen(dev);
	up_read(&net_rwsem);
}

/* the passes due, one device per hold of RTNL */
static void nt_work_fn(struct work_struct *work)
{
	struct nt_config c;
	struct nt_dev *nd;

	for (;;) {
		rtnl_lock();
		nd = nt_queue_pop();
		if (nd) {
			nt_dev_learn(nd);
			nt_config_read(nd, &c);
			nt_pass(nd, &c, false);
		}
		rtnl_unlock();
		if (!nd)
			return;
		cond_resched();
	}
}

static struct workqueue_struct *nt_wq;
static DECLARE_WORK(nt_work, nt_work_fn);

/**
 * nt_kick - run the passes due
 *
 * Not after module exit began: the notifier checks nt_stopping, the
 * parameters nt_live.
 */
void nt_kick(void)
{
	queue_work(nt_wq, &nt_work);
}

/**
 * nt_flush - wait until the passes due have run
 */
void nt_flush(void)
{
	flush_work(&nt_work);
}

/**
 * nt_passes_stop - no pass runs after this returns (module exit, after
 *	nt_stopping is set)
 */
void nt_passes_stop(void)
{
	cancel_work_sync(&nt_work);
}

/*
 * After a change: every device gets a pass, and the write returns when
 * they have run. At load time init does that itself.
 */
static void nt_config_changed(bool rescan)
{
	if (!nt_live)
		return;
	rtnl_lock();
	if (rescan)
		nt_rescan();
	nt_queue_all();
	rtnl_unlock();
	nt_kick();
	nt_flush();
}

static int nt_profile_set(const char *val, const struct kernel_param *kp)
{
	enum nt_profile p;

	if (nt_profile_parse(val, &p)) {
		pr_err("profile=%.*s rejected: use off, balanced, throughput or latency\n",
		       val ? (int)min_t(size_t, strcspn(val, "\n"), 32) : 6,
		       val ? val : "(null)");
		return -EINVAL;
	}
	mutex_lock(&nt_cfg_lock);
	nt_profile = p;
	mutex_unlock(&nt_cfg_lock);
	nt_config_changed(false);
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
	mutex_unlock(&nt_cfg_lock);
	/* the devices of a newly listed driver get their records */
	nt_config_changed(true);
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
	mutex_unlock(&nt_cfg_lock);
	nt_config_changed(false);
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

/* a load-time IFNAME=PROFILE of namespace @net: kept until IFNAME appears */
static int nt_pending_add(struct net *net, const char *name, int profile)
{
	struct nt_pending *p, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(p, tmp, &nt_pending, node) {
		if (!net_eq(p->net, net) || strcmp(p->name, name))
			continue;
		list_del(&p->node);
		kfree(p);
	}
	/* "default" is what a device without an entry gets */
	if (profile < 0)
		return 0;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->net = net;
	strscpy(p->name, name, sizeof(p->name));
	p->profile = profile;
	list_add_tail(&p->node, &nt_pending);
	return 0;
}

/**
 * nt_pending_take - the load-time device_profile of a device that appeared
 * @dev: the device, registered or renamed
 * @profile: its profile, set if there is one
 *
 * Return: true if there was one; it is used up.
 */
bool nt_pending_take(struct net_device *dev, int *profile)
{
	struct nt_pending *p;

	ASSERT_RTNL();
	list_for_each_entry(p, &nt_pending, node) {
		if (!net_eq(p->net, dev_net(dev)) || strcmp(p->name, dev->name))
			continue;
		*profile = p->profile;
		list_del(&p->node);
		kfree(p);
		return true;
	}
	return false;
}

/*
 * device_profile: "IFNAME=PROFILE" gives one device of the writer's network
 * namespace its own profile, "IFNAME=default" makes it follow the global one
 * again.
 */
static int nt_devprofile_set(const char *val, const struct kernel_param *kp)
{
	struct net *net = current->nsproxy->net_ns;
	const char *why = NULL;
	struct net_device *dev;
	char name[IFNAMSIZ];
	struct nt_dev *nd;
	int profile, ret;

	if (nt_devprofile_parse(val, name, sizeof(name), &profile)) {
		if (nt_live || nt_gone) {
			pr_err("device_profile=%.*s rejected: use IFNAME=PROFILE, PROFILE one of off, balanced, throughput, latency, default\n",
			       val ? (int)min_t(size_t, strcspn(val, "\n"), 64) : 6,
			       val ? val : "(null)");
			return -EINVAL;
		}
		/* at load time: the module loads without it */
		pr_warn("device_profile=%.*s ignored: use IFNAME=PROFILE, PROFILE one of off, balanced, throughput, latency, default\n",
			val ? (int)min_t(size_t, strcspn(val, "\n"), 64) : 6,
			val ? val : "(null)");
		return 0;
	}
	if (nt_gone) {
		pr_err("device_profile=%s rejected: the module is unloading\n",
		       name);
		return -ENODEV;
	}
	if (!nt_live) {
		rtnl_lock();
		ret = nt_pending_add(net, name, profile);
		rtnl_unlock();
		return ret;
	}

	rtnl_lock();
	dev = __dev_get_by_name(net, name);
	nd = dev ? nt_find(dev) : NULL;
	/* a dormant record (driver not listed) takes no profile either */
	if (nd && nd->drv_known && !nt_driver_listed(nd->drv))
		nd = NULL;
	if (nd) {
		nd->own_profile = profile;
		nt_queue_dev(nd);
	} else if (dev) {
		why = "its driver is not in drivers";
	} else {
		why = "no network device of that name in this namespace";
	}
	rtnl_unlock();
	if (why) {
		pr_err("device_profile=%.*s rejected: %s\n",
		       (int)strcspn(val, "\n"), val, why);
		return -EINVAL;
	}
	nt_kick();
	nt_flush();
	return 0;
}

/* the devices of the reader's namespace with their own profile */
static int nt_devprofile_get(char *buf, const struct kernel_param *kp)
{
	struct net *net = current->nsproxy->net_ns;
	struct nt_pending *p;
	struct nt_dev *nd;
	int len = 0;

	if (!nt_live)
		return 0;
	rtnl_lock();
	list_for_each_entry(nd, &nt_devs, node) {
		if (nd->own_profile < 0 || !net_eq(dev_net(nd->dev), net))
			continue;
		/* the last line that fits ends the list */
		if (len + IFNAMSIZ + 16 > PAGE_SIZE)
			break;
		len += sysfs_emit_at(buf, len, "%s=%s\n", netdev_name(nd->dev),
				     nt_profile_name(nd->own_profile));
	}
	/* given at load time, the device not there yet */
	list_for_each_entry(p, &nt_pending, node) {
		if (!net_eq(p->net, net))
			continue;
		if (len + IFNAMSIZ + 16 > PAGE_SIZE)
			break;
		len += sysfs_emit_at(buf, len, "%s=%s\n", p->name,
				     nt_profile_name(p->profile));
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

static int nt_state_get(char *buf, const struct kernel_param *kp)
{
	if (!nt_live)
		return 0;
	return nt_state_show(buf);
}

/* root only: reading it takes RTNL and calls into the drivers */
static const struct kernel_param_ops nt_state_ops = {
	.get = nt_state_get,
};
module_param_cb(state, &nt_state_ops, NULL, 0400);
MODULE_PARM_DESC(state, "Per device of the reader's namespace: original and current values, knobs left to others, restores pending");

/* drop the load-time device profiles of namespace @net, or all (NULL) */
static void nt_pending_drop(struct net *net)
{
	struct nt_pending *p, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(p, tmp, &nt_pending, node) {
		if (net && !net_eq(p->net, net))
			continue;
		list_del(&p->node);
		kfree(p);
	}
	rtnl_unlock();
}

/* a namespace goes: its waiting device profiles go with it */
static void __net_exit nt_params_net_exit(struct net *net)
{
	nt_pending_drop(net);
}

static struct pernet_operations nt_params_net_ops = {
	.exit = nt_params_net_exit,
};

/**
 * nt_params_init - the work queue of the passes, the default driver list
 *	if none was given, and the namespace hook of the load-time device
 *	profiles
 *
 * Return: 0, -ENOMEM, -EINVAL (the built-in list does not parse) or the
 * error of register_pernet_subsys(); on error the device profiles are
 * dropped.
 */
int nt_params_init(void)
{
	int ret = 0;

	nt_wq = alloc_ordered_workqueue("netvsc_tune", 0);
	if (!nt_wq) {
		nt_pending_drop(NULL);
		return -ENOMEM;
	}
	mutex_lock(&nt_cfg_lock);
	if (!nt_ndrivers &&
	    nt_drivers_parse(NT_DEFAULT_DRIVERS, nt_drivers, &nt_ndrivers))
		ret = -EINVAL;
	mutex_unlock(&nt_cfg_lock);
	if (!ret)
		ret = register_pernet_subsys(&nt_params_net_ops);
	if (ret) {
		destroy_workqueue(nt_wq);
		nt_pending_drop(NULL);
	}
	return ret;
}

/**
 * nt_params_free - the work queue of the passes goes (after
 *	nt_passes_stop()), and the load-time device profiles still waiting
 *
 * Only after a successful nt_params_init().
 */
void nt_params_free(void)
{
	destroy_workqueue(nt_wq);
	unregister_pernet_subsys(&nt_params_net_ops);
	nt_pending_drop(NULL);
}
