// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune: tune hv_netvsc and its Accelerated Networking VF drivers
 * (or any driver in the match list) from a policy when they register or
 * come up, and give back what the module changed when it goes, the profile
 * becomes "off" or the driver leaves the list. The module owns only what it
 * wrote: a knob someone else changed is left to them (apply.c).
 *
 * This file: module init/exit and the netdev notifier, on top of the
 * others: params.c (parameters, the work that runs the passes), state.c,
 * dev.c (records, passes), xps.c, io.c (device I/O), policy.c.
 *
 * Records (dev.c): one per net device of a listed driver, created at
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
 * Passes: the notifier and the parameter writes put records on nt_queue
 * (dev.c); the work of params.c, on the module's own ordered workqueue,
 * takes them one at a time, each under its own hold of RTNL.
 *
 * Locking: see netvsc_tune.h (parameter lock, RTNL, net_rwsem,
 * nt_cfg_lock).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "netvsc_tune.h"

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

static int __init nt_init(void)
{
	int ret;

	ret = nt_params_init();
	if (ret)
		return ret;
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
		nt_params_free();
	return ret;
}

static void __exit nt_exit(void)
{
	struct nt_config c;
	struct nt_dev *nd;

	/* parameter writes from here on only store their value */
	kernel_param_lock(THIS_MODULE);
	nt_live = false;
	nt_gone = true;
	kernel_param_unlock(THIS_MODULE);

	rtnl_lock();
	nt_stopping = true;
	rtnl_unlock();
	nt_passes_stop();

	/*
	 * Give back what is ours, one device per hold of RTNL. The notifier
	 * stays registered meanwhile: a device unregistering now takes its
	 * record with it.
	 */
	for (;;) {
		rtnl_lock();
		nd = list_first_entry_or_null(&nt_devs, struct nt_dev, node);
		if (nd) {
			if (nt_tuned(nd)) {
				nt_config_read(nd, &c);
				nt_pass(nd, &c, true);
			}
			nt_free(nd);
		}
		rtnl_unlock();
		if (!nd)
			break;
		cond_resched();
	}

	unregister_netdevice_notifier(&nt_notifier);
	rtnl_lock();
	nt_unpark_all();
	rtnl_unlock();
	nt_params_free();
}

module_init(nt_init);
module_exit(nt_exit);

MODULE_DESCRIPTION("vCPU-aware tuning of hv_netvsc and Accelerated Networking VFs");
MODULE_LICENSE("GPL");
