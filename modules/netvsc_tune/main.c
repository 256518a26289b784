// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune: tune hv_netvsc and its Accelerated Networking VF drivers
 * (or any driver in the match list) from a policy when they register or
 * come up, and give back what the module changed when it goes, the profile
 * becomes "off" or the driver leaves the list. The module owns only what it
 * wrote: a knob someone else changed is left to them (apply.c).
 *
 * This file: module init/exit, the netdev notifier, the device records
 * and the work that runs the passes.
 *
 * Records: one per net device of a listed driver, created at
 * NETDEV_REGISTER or at the "drivers" write that lists its driver, deleted
 * at the real NETDEV_UNREGISTER. When its driver leaves the list the
 * record gets its restore pass and then lies dormant (no passes, not in
 * "state"), so that the knobs handed over to someone else stay theirs if
 * the driver comes back. A namespace move (UNREGISTER then
 * REGISTER of the same device, reg_state staying NETREG_REGISTERED) keeps
 * the record. A device's own profile outlives an unbind/rebind of its
 * driver: it is parked by driver, parent device and dev_port, and given to
 * the new net device with that identity.
 *
 * Passes: the notifier and the parameter writes put records on nt_queue;
 * nt_work, on the module's own ordered workqueue, takes them one at a time,
 * each under its own hold of RTNL.
 *
 * Locking: see netvsc_tune.h (parameter lock, RTNL, net_rwsem,
 * nt_cfg_lock). nt_devs, nt_queue, nt_parked and nt_stopping belong to
 * RTNL.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "netvsc_tune.h"

/* own profiles of unbound devices, kept for their next binding */
#define NT_PARKED_MAX	64

LIST_HEAD(nt_devs);
static LIST_HEAD(nt_queue);
bool nt_stopping;

static struct workqueue_struct *nt_wq;
static void nt_work_fn(struct work_struct *work);
static DECLARE_WORK(nt_work, nt_work_fn);

/**
 * struct nt_parked - the own profile of a device whose driver let it go
 * @node: in nt_parked, oldest first
 * @drv: driver name
 * @parent: dev_name() of the parent device
 * @port: dev_port
 * @profile: the profile
 */
struct nt_parked {
	struct list_head node;
	char drv[NT_DRIVER_NAME_LEN];
	const char *parent;
	u16 port;
	int profile;
};

static LIST_HEAD(nt_parked);
static unsigned int nt_nparked;

/**
 * nt_find - the record of a device
 * @dev: the device
 *
 * Return: the record, NULL if there is none.
 */
struct nt_dev *nt_find(struct net_device *dev)
{
	struct nt_dev *nd;

	ASSERT_RTNL();
	list_for_each_entry(nd, &nt_devs, node)
		if (nd->dev == dev)
			return nd;
	return NULL;
}

/*
 * A record needs passes while its driver is listed, while it holds a value
 * of ours (a restore to do or pending), or before its driver is known.
 */
static bool nt_wants_pass(struct nt_dev *nd)
{
	return !nd->drv_known || nt_tuned(nd) || nt_driver_listed(nd->drv);
}

/**
 * nt_queue_dev - a pass over this device is due, unless it is dormant
 * @nd: the record
 *
 * nt_kick() starts the work that runs it.
 *
 * Return: true if the record is queued.
 */
bool nt_queue_dev(struct nt_dev *nd)
{
	ASSERT_RTNL();
	if (!nt_wants_pass(nd))
		return false;
	if (list_empty(&nd->qnode))
		list_add_tail(&nd->qnode, &nt_queue);
	return true;
}

/**
 * nt_queue_all - a pass over every device is due
 */
void nt_queue_all(void)
{
	struct nt_dev *nd;

	ASSERT_RTNL();
	list_for_each_entry(nd, &nt_devs, node)
		nt_queue_dev(nd);
}

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

static void nt_free(struct nt_dev *nd)
{
	list_del(&nd->node);
	list_del(&nd->qnode);
	nt_xps_free(nd);
	kfree(nd);
}

/* keep @nd's own profile for the device's next binding */
static void nt_park(struct nt_dev *nd)
{
	struct device *parent = nd->dev->dev.parent;
	struct nt_parked *p;

	if (nd->own_profile < 0 || !parent || !nd->drv_known)
		return;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (p)
		p->parent = kstrdup(dev_name(parent), GFP_KERNEL);
	if (!p || !p->parent) {
		kfree(p);
		pr_warn("%s: no memory to keep its own profile\n",
			netdev_name(nd->dev));
		return;
	}
	strscpy(p->drv, nd->drv, sizeof(p->drv));
	p->port = nd->dev->dev_port;
	p->profile = nd->own_profile;
	if (nt_nparked == NT_PARKED_MAX) {
		struct nt_parked *old = list_first_entry(&nt_parked,
							 struct nt_parked, node);

		list_del(&old->node);
		kfree(old->parent);
		kfree(old);
		nt_nparked--;
	}
	list_add_tail(&p->node, &nt_parked);
	nt_nparked++;
}

/**
 * nt_unpark - the own profile parked for a device
 * @dev: the new net device
 * @drv: its driver name
 *
 * Return: the profile, taken off the parked list, or -1.
 */
int nt_unpark(struct net_device *dev, const char *drv)
{
	struct device *parent = dev->dev.parent;
	struct nt_parked *p;
	int profile;

	if (!parent)
		return -1;
	list_for_each_entry(p, &nt_parked, node) {
		if (strcmp(p->drv, drv) || strcmp(p->parent, dev_name(parent)) ||
		    p->port != dev->dev_port)
			continue;
		profile = p->profile;
		list_del(&p->node);
		kfree(p->parent);
		kfree(p);
		nt_nparked--;
		return profile;
	}
	return -1;
}

static void nt_unpark_all(void)
{
	struct nt_parked *p, *tmp;

	list_for_each_entry_safe(p, tmp, &nt_parked, node) {
		list_del(&p->node);
		kfree(p->parent);
		kfree(p);
	}
	nt_nparked = 0;
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
	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd) {
		if (present)
			nt_access_end(dev);
		pr_warn("%s: no memory, not tuned\n", netdev_name(dev));
		return false;
	}
	INIT_LIST_HEAD(&nd->qnode);
	nd->dev = dev;
	nd->own_profile = -1;
	nd->xps_orig_n = -1;
	if (present) {
		strscpy(nd->drv, drv, sizeof(nd->drv));
		nd->drv_known = true;
		nd->match = true;
		nt_read_dev(nd, &r);
		nt_remember(nd, &r);
		nt_access_end(dev);
		nd->own_profile = nt_unpark(dev, drv);
	}
	if (nt_pending_take(dev, &profile))
		nd->own_profile = profile;
	list_add_tail(&nd->node, &nt_devs);
	return nt_queue_dev(nd);
}

/**
 * nt_rescan - after a "drivers" write: records for the devices now listed
 *
 * The one walk over every device of every namespace, at a "drivers" write
 * only; each device's driver name is read there.
 */
void nt_rescan(void)
{
	struct net_device *dev;
	struct net *net;

	ASSERT_RTNL();
	down_read(&net_rwsem);
	for_each_net(net)
		for_each_netdev(net, dev)
			if (!nt_find(dev))
				nt_dev_seen(dev);
	up_read(&net_rwsem);
}

static int nt_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nt_dev *nd = nt_find(dev);
	int profile;

	switch (event) {
	case NETDEV_REGISTER:
		if (nt_stopping)
			break;
		/* back from a namespace move: same record, same originals */
		if (nd ? nt_queue_dev(nd) : nt_dev_seen(dev))
			nt_kick();
		break;
	case NETDEV_UP:
	case NETDEV_CHANGE:
		/* another look, without forgetting anything */
		if (nd && !nt_stopping && nt_queue_dev(nd))
			nt_kick();
		break;
	case NETDEV_CHANGENAME:
		if (nd && !nt_stopping && nt_pending_take(dev, &profile)) {
			nd->own_profile = profile;
			if (nt_queue_dev(nd))
				nt_kick();
		}
		break;
	case NETDEV_UNREGISTER:
		/* a namespace move: the device stays registered, so does its record */
		if (!nd || READ_ONCE(dev->reg_state) == NETREG_REGISTERED)
			break;
		nt_park(nd);
		nt_free(nd);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nt_notifier = {
	.notifier_call = nt_netdev_event,
};

/* the passes due, one device per hold of RTNL */
static void nt_work_fn(struct work_struct *work)
{
	struct nt_dev *nd;

	for (;;) {
		rtnl_lock();
		nd = nt_stopping ? NULL :
		     list_first_entry_or_null(&nt_queue, struct nt_dev, qnode);
		if (nd) {
			list_del_init(&nd->qnode);
			nt_pass(nd, false);
		}
		rtnl_unlock();
		if (!nd)
			return;
		cond_resched();
	}
}

static int __init nt_init(void)
{
	int ret;

	ret = nt_params_init();
	if (ret)
		return ret;
	nt_wq = alloc_ordered_workqueue("netvsc_tune", 0);
	if (!nt_wq) {
		ret = -ENOMEM;
		goto err_params;
	}
	/* parameter writes wait until the present devices are looked at */
	kernel_param_lock(THIS_MODULE);
	/* replays NETDEV_REGISTER and NETDEV_UP for the devices present */
	ret = register_netdevice_notifier(&nt_notifier);
	if (!ret) {
		/* the load returns with the present devices tuned */
		nt_flush();
		nt_live = true;
	}
	kernel_param_unlock(THIS_MODULE);
	if (ret)
		goto err_wq;
	return 0;

err_wq:
	destroy_workqueue(nt_wq);
err_params:
	nt_params_free();
	return ret;
}

static void __exit nt_exit(void)
{
	struct nt_dev *nd;

	/* parameter writes from here on only store their value */
	kernel_param_lock(THIS_MODULE);
	nt_live = false;
	nt_gone = true;
	kernel_param_unlock(THIS_MODULE);

	rtnl_lock();
	nt_stopping = true;
	rtnl_unlock();
	cancel_work_sync(&nt_work);

	/*
	 * Give back what is ours, one device per hold of RTNL. The notifier
	 * stays registered meanwhile: a device unregistering now takes its
	 * record with it.
	 */
	for (;;) {
		rtnl_lock();
		nd = list_first_entry_or_null(&nt_devs, struct nt_dev, node);
		if (nd) {
			if (nt_tuned(nd))
				nt_pass(nd, true);
			nt_free(nd);
		}
		rtnl_unlock();
		if (!nd)
			break;
		cond_resched();
	}

	unregister_netdevice_notifier(&nt_notifier);
	destroy_workqueue(nt_wq);
	rtnl_lock();
	nt_unpark_all();
	rtnl_unlock();
	nt_params_free();
}

module_init(nt_init);
module_exit(nt_exit);

MODULE_DESCRIPTION("vCPU-aware tuning of hv_netvsc and Accelerated Networking VFs");
MODULE_LICENSE("GPL");
