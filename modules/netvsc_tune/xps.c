// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune: XPS, the CPU masks of the TX queues.
 *
 * The rule: the module writes XPS only on a device that had none when the
 * module first saw it, and only under a profile that spreads (throughput,
 * latency). Masks a device already has are someone else's: virtio_net and
 * mlx5 align theirs with their interrupt affinity, and an administrator's
 * are deliberate; the module never overwrites them. A spread deals the
 * online CPUs of the device's NUMA node to the queues first, then the
 * others (nt_xps_assign()). hv_netvsc picks its TX queue itself and never
 * reads XPS, and a device with traffic classes maps queues per class, so
 * XPS is not managed on them.
 *
 * A channel change of ours that removes TX queues takes their masks with
 * them (the kernel drops them). When our channel writes bring those queues
 * back, the masks they had at first sight are put back on the ones still
 * without one.
 *
 * Locking: everything here runs under RTNL, inside a pass (apply.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "netvsc_tune.h"

/* netvsc picks its TX queue itself and never reads XPS */
#define NT_NO_XPS_DRIVER "hv_netvsc"

#ifdef CONFIG_XPS
static struct cpumask *nt_xps_mask(void *masks, unsigned int q)
{
	return (struct cpumask *)((char *)masks + q * cpumask_size());
}

static void *nt_xps_alloc(unsigned int nq)
{
	return kcalloc(max(nq, 1U), cpumask_size(), GFP_KERNEL);
}

/*
 * One CPU mask per TX queue from the device's XPS map, through the core's
 * netif_get_xps_queue() (patches/net/0001); the caller holds RTNL.
 * Return: the number of queues with a CPU.
 */
static int nt_xps_read(struct net_device *dev, void *masks, unsigned int nq)
{
	unsigned int q;
	int n = 0;

	for (q = 0; q < nq; q++) {
		struct cpumask *m = nt_xps_mask(masks, q);

		/* a queue beyond the device's has no CPU */
		if (netif_get_xps_queue(dev, m, q))
			cpumask_clear(m);
		n += !cpumask_empty(m);
	}
	return n;
}

/* @a (@na queues) equals @b (@nb queues, none beyond) on @a's queues */
static bool nt_xps_same(void *a, unsigned int na, void *b, unsigned int nb)
{
	unsigned int q;

	for (q = 0; q < na; q++) {
		if (q < nb ? !cpumask_equal(nt_xps_mask(a, q), nt_xps_mask(b, q)) :
			     !cpumask_empty(nt_xps_mask(a, q)))
			return false;
	}
	return true;
}

/* queues of @masks (@nq) with a CPU */
static int nt_xps_weight(void *masks, unsigned int nq)
{
	unsigned int q;
	int n = 0;

	for (q = 0; q < nq; q++)
		n += !cpumask_empty(nt_xps_mask(masks, q));
	return n;
}

/* The spread over @nq queues: the CPUs of the device's node first */
static int nt_xps_spread(struct net_device *dev, void *masks, unsigned int nq)
{
	int node = dev->dev.parent ? dev_to_node(dev->dev.parent) : NUMA_NO_NODE;
	unsigned int cpu, n = 0, i;
	u32 *ids, *queue;
	bool *local;
	int ret = -ENOMEM;

	ids = kcalloc(nr_cpu_ids, sizeof(*ids), GFP_KERNEL);
	queue = kcalloc(nr_cpu_ids, sizeof(*queue), GFP_KERNEL);
	local = kcalloc(nr_cpu_ids, sizeof(*local), GFP_KERNEL);
	if (!ids || !queue || !local)
		goto out;
	for_each_online_cpu(cpu) {
		if (n == nr_cpu_ids)
			break;
		ids[n] = cpu;
		local[n] = node == NUMA_NO_NODE ||
			   cpumask_test_cpu(cpu, cpumask_of_node(node));
		n++;
	}
	nt_xps_assign(local, n, nq, queue);
	memset(masks, 0, nq * cpumask_size());
	for (i = 0; i < n; i++)
		cpumask_set_cpu(ids[i], nt_xps_mask(masks, queue[i]));
	ret = 0;
out:
	kfree(local);
	kfree(queue);
	kfree(ids);
	return ret;
}

/* Every real TX queue to its mask in @want (NULL: none), where it differs */
static int nt_xps_write(struct net_device *dev, void *want, void *cur,
			unsigned int nq)
{
	cpumask_var_t none;
	unsigned int q;
	int ret = 0;

	if (!zalloc_cpumask_var(&none, GFP_KERNEL))
		return -ENOMEM;
	for (q = 0; q < nq && !ret; q++) {
		const struct cpumask *m = want ? nt_xps_mask(want, q) : none;

		if (!cpumask_equal(m, nt_xps_mask(cur, q)))
			ret = netif_set_xps_queue(dev, m, q);
	}
	free_cpumask_var(none);
	return ret;
}

/**
 * nt_xps_managed - does netvsc_tune look after this device's XPS
 * @dev: the device
 * @drv: its driver name
 */
bool nt_xps_managed(struct net_device *dev, const char *drv)
{
	return strcmp(drv, NT_NO_XPS_DRIVER) && !netdev_get_num_tc(dev);
}

/**
 * nt_xps_count - TX queues of a device with a CPU mask
 * @dev: the device
 *
 * Return: the count, -ENOMEM.
 */
int nt_xps_count(struct net_device *dev)
{
	unsigned int nq = dev->real_num_tx_queues;
	void *masks = nt_xps_alloc(nq);
	int n;

	if (!masks)
		return -ENOMEM;
	n = nt_xps_read(dev, masks, nq);
	kfree(masks);
	return n;
}

/**
 * nt_xps_remember - the XPS masks at first sight
 * @nd: the record
 *
 * Return: true if XPS is someone else's from the start: the device has a
 * mask (kept for the queues our channel changes remove), or it could not
 * be read.
 */
bool nt_xps_remember(struct nt_dev *nd)
{
	struct net_device *dev = nd->dev;
	unsigned int nq = dev->real_num_tx_queues;
	void *masks = nt_xps_alloc(nq);
	int n;

	if (!masks)
		return true;
	n = nt_xps_read(dev, masks, nq);
	nd->xps_orig_n = n;
	if (!n) {
		kfree(masks);
		return false;
	}
	kfree(nd->xps_orig);
	nd->xps_orig = masks;
	nd->xps_orig_nq = nq;
	nd->xps_cut = nq;
	return true;
}

/**
 * nt_xps_channels_written - after a channel write of ours
 * @nd: the record
 *
 * Queues our channel writes removed and now brought back get their masks
 * of first sight again, where they have none.
 *
 * Return: 0, or the error of the first mask that could not be written.
 */
int nt_xps_channels_written(struct nt_dev *nd)
{
	struct net_device *dev = nd->dev;
	unsigned int nq = dev->real_num_tx_queues, q;
	void *cur;
	int ret = 0;

	if (!nd->xps_orig || !nt_xps_managed(dev, nd->drv))
		return 0;
	if (nq > nd->xps_cut) {
		cur = nt_xps_alloc(nq);
		if (!cur)
			return -ENOMEM;
		nt_xps_read(dev, cur, nq);
		for (q = nd->xps_cut; q < min(nq, nd->xps_orig_nq) && !ret; q++) {
			struct cpumask *m = nt_xps_mask(nd->xps_orig, q);

			if (cpumask_empty(nt_xps_mask(cur, q)) && !cpumask_empty(m))
				ret = netif_set_xps_queue(dev, m, q);
		}
		kfree(cur);
		if (ret)
			pr_warn("%s: XPS of TX queue %u not put back: %d\n",
				netdev_name(dev), q - 1, ret);
	}
	nd->xps_cut = nq;
	return ret;
}

/**
 * nt_xps_pass - the XPS part of a pass, after the channel writes
 * @nd: the record
 * @p: the profile of the pass
 * @restore: the pass gives the originals back
 * @wrote: set when masks were written
 *
 * XPS is an ownership value too (NT_XPS_*): the masks now are compared
 * with ours (on the queues there are now) and with the spread wanted.
 *
 * Return: 0, or the error of the write.
 */
int nt_xps_pass(struct nt_dev *nd, enum nt_profile p, bool restore,
		bool *wrote)
{
	struct net_device *dev = nd->dev;
	struct nt_own *o = &nd->own[NT_K_XPS];
	unsigned int nq = dev->real_num_tx_queues;
	bool spread = !restore && nt_profile_spreads_xps(p);
	void *cur, *plan = NULL, *now;
	u64 lc, lw, val = 0;
	enum nt_act act;
	int n, ret = 0;

	cur = nt_xps_alloc(nq);
	if (!cur)
		return -ENOMEM;
	n = nt_xps_read(dev, cur, nq);
	nd->now[NT_K_XPS] = n;
	if (o->owner == NT_OWNER_OTHER)
		goto out;
	if (spread) {
		plan = nt_xps_alloc(nq);
		ret = plan ? nt_xps_spread(dev, plan, nq) : -ENOMEM;
		if (ret)
			goto out;
	}

	if (!n)
		lc = NT_XPS_EMPTY;
	else if (nd->xps_ours && nt_xps_same(cur, nq, nd->xps_ours, nd->xps_ours_nq))
		lc = NT_XPS_OURS;
	else if (spread && nt_xps_same(cur, nq, plan, nq))
		lc = NT_XPS_SPREAD;
	else
		lc = NT_XPS_ELSE;
	if (!spread)
		lw = NT_XPS_EMPTY;
	else if (nd->xps_ours && nt_xps_same(plan, nq, nd->xps_ours, nd->xps_ours_nq))
		lw = NT_XPS_OURS;
	else
		lw = NT_XPS_SPREAD;

	act = nt_own_decide(o, lc, lw, restore, &val);
	if (act == NT_ACT_OTHER) {
		pr_info("%s: xps changed by someone else (%d -> %d TX queues with CPUs), left alone\n",
			netdev_name(dev),
			nd->xps_ours ? nt_xps_weight(nd->xps_ours,
						     min(nq, nd->xps_ours_nq)) : 0,
			n);
		nt_own_done(o, act, 0, 0, restore);
		kfree(nd->xps_ours);
		nd->xps_ours = NULL;
		goto out;
	}
	if (act == NT_ACT_KEEP) {
		nt_own_done(o, act, 0, 0, restore);
		goto out;
	}

	*wrote = true;
	ret = nt_xps_write(dev, val == NT_XPS_EMPTY ? NULL : plan, cur, nq);
	if (ret) {
		pr_warn("%s: %s of xps failed: %d, %s\n", netdev_name(dev),
			restore ? "restore" : "spread", ret,
			restore ? "will retry" : "kept the old masks");
		/* put back what was written of the masks before */
		now = nt_xps_alloc(nq);
		if (now) {
			nt_xps_read(dev, now, nq);
			nt_xps_write(dev, cur, now, nq);
			kfree(now);
		}
		nt_own_done(o, act, val, ret, restore);
		goto out;
	}
	kfree(nd->xps_ours);
	nd->xps_ours = NULL;
	nd->xps_ours_nq = 0;
	if (val != NT_XPS_EMPTY) {
		nd->xps_ours = plan;
		nd->xps_ours_nq = nq;
		plan = NULL;
		val = NT_XPS_OURS;
	}
	nt_own_done(o, act, val, 0, restore);
	nd->now[NT_K_XPS] = val == NT_XPS_EMPTY ? 0 :
			    nt_xps_weight(nd->xps_ours, nq);
out:
	kfree(plan);
	kfree(cur);
	return ret;
}
#else
bool nt_xps_managed(struct net_device *dev, const char *drv)
{
	return false;
}

int nt_xps_count(struct net_device *dev)
{
	return 0;
}

bool nt_xps_remember(struct nt_dev *nd)
{
	return false;
}

int nt_xps_channels_written(struct nt_dev *nd)
{
	return 0;
}

int nt_xps_pass(struct nt_dev *nd, enum nt_profile p, bool restore,
		bool *wrote)
{
	return 0;
}
#endif

/**
 * nt_xps_free - free what a record keeps of XPS
 * @nd: the record
 */
void nt_xps_free(struct nt_dev *nd)
{
	kfree(nd->xps_orig);
	kfree(nd->xps_ours);
	nd->xps_orig = NULL;
	nd->xps_ours = NULL;
}
