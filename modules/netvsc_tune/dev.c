// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune device records and their passes. A record is what the
 * module keeps of one net device: originals, owners, the device's own
 * profile. A pass reads every knob first, hands the knobs someone else
 * changed over to them, and writes only the knobs that still hold our
 * value or, before our first write, their original one: the plan of the
 * profile, or the original back (restore). The configuration of a pass
 * is given by the caller (params.c reads it); the writes go through io.c.
 *
 * Also here: the list of records, the queue of records due a pass (the
 * work that takes them is params.c's), and the own profiles of unbound
 * devices, parked for their next binding.
 *
 * Locking: everything here runs under RTNL, held by the callers (the
 * notifier, the work item, parameter writes, module exit). nt_devs,
 * nt_queue, the parked profiles and nt_stopping belong to RTNL.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ethtool.h>
#include <linux/ktime.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "netvsc_tune.h"

/* the rx-flow-hash fields of "hash UDP on the ports too" */
#define NT_RXH_L4 (RXH_L4_B_0_1 | RXH_L4_B_2_3)

/* own profiles of unbound devices, kept for their next binding */
#define NT_PARKED_MAX	64

LIST_HEAD(nt_devs);
static LIST_HEAD(nt_queue);
bool nt_stopping;

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
 * A record needs passes while its driver is listed (@match, which a
 * "drivers" write brings up to date), while it holds a value of ours (a
 * restore to do or pending), or before its driver is known.
 */
static bool nt_wants_pass(struct nt_dev *nd)
{
	return !nd->drv_known || nt_tuned(nd) || nd->match;
}

/**
 * nt_queue_dev - a pass over this device is due, unless it is dormant
 * @nd: the record
 *
 * nt_kick() (params.c) starts the work that runs it.
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
 * nt_queue_pop - the next record due a pass
 *
 * Return: the record, taken off the queue, or NULL: none, or the module
 * is going (nt_stopping).
 */
struct nt_dev *nt_queue_pop(void)
{
	struct nt_dev *nd;

	ASSERT_RTNL();
	if (nt_stopping)
		return NULL;
	nd = list_first_entry_or_null(&nt_queue, struct nt_dev, qnode);
	if (nd)
		list_del_init(&nd->qnode);
	return nd;
}

/**
 * nt_dev_add - a new record
 * @dev: the device
 * @drv: its driver name, NULL when the device cannot be reached now
 *
 * Return: the record, on nt_devs, not queued; NULL without memory.
 */
struct nt_dev *nt_dev_add(struct net_device *dev, const char *drv)
{
	struct nt_dev *nd;

	ASSERT_RTNL();
	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return NULL;
	INIT_LIST_HEAD(&nd->qnode);
	nd->dev = dev;
	nd->own_profile = -1;
	nd->xps_orig_n = -1;
	if (drv) {
		strscpy(nd->drv, drv, sizeof(nd->drv));
		nd->drv_known = true;
		nd->match = true;
	}
	list_add_tail(&nd->node, &nt_devs);
	return nd;
}

/**
 * nt_free - drop a record
 * @nd: the record
 */
void nt_free(struct nt_dev *nd)
{
	list_del(&nd->node);
	list_del(&nd->qnode);
	nt_xps_free(nd);
	kfree(nd);
}

/**
 * nt_park - keep a record's own profile for the device's next binding
 * @nd: the record, whose device is unregistering for good
 */
void nt_park(struct nt_dev *nd)
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

/**
 * nt_unpark_all - forget every parked profile (module exit)
 */
void nt_unpark_all(void)
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
 * nt_read_dev - every knob of a device, with the maxima, XPS included
 * @nd: the device's record; between nt_access_begin() and nt_access_end()
 * @r: the values
 */
void nt_read_dev(struct nt_dev *nd, struct nt_read *r)
{
	struct net_device *dev = nd->dev;

	nt_read_knobs(dev, r);
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
 * The outcome of a write of knob @k that asked for @asked: a failure is
 * recorded now; a write that took is marked in @taken, and read back once
 * at the end of the pass (nt_read_back()).
 */
static void nt_done(struct nt_dev *nd, enum nt_knob k, enum nt_act act,
		    u64 asked, int err, bool restore, bool final, u32 *taken)
{
	if (act != NT_ACT_WRITE)
		return;
	if (!err) {
		*taken |= BIT(k);
		return;
	}
	nt_write_failed(nd, k, err, restore, final);
	nt_own_wrote(&nd->own[k], asked, asked, err, restore);
}

/*
 * The writes of a pass that took (@taken, each asking for @asked[k]) are
 * read back in one read: what the driver set is what the module owns. A
 * driver that detached the device for a write says nothing now: then the
 * values asked for stand.
 */
static void nt_read_back(struct nt_dev *nd, u32 taken, const u64 *asked,
			 bool restore)
{
	bool present = netif_device_present(nd->dev);
	char a[48], g[48];
	struct nt_read r;
	enum nt_knob k;
	u64 got;

	if (present)
		nt_read_knobs(nd->dev, &r);
	for (k = 0; k < NT_K_XPS; k++) {
		if (!(taken & BIT(k)))
			continue;
		got = present ? r.val[k] : asked[k];
		if (got != asked[k]) {
			nt_knob_format(nd, k, asked[k], a, sizeof(a));
			nt_knob_format(nd, k, got, g, sizeof(g));
			pr_info("%s: %s: asked for %s, the driver set %s\n",
				netdev_name(nd->dev), nt_knob_names[k], a, g);
		}
		nd->now[k] = got;
		nt_own_wrote(&nd->own[k], asked[k], got, 0, restore);
	}
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
 * nt_dev_learn - the driver of a device absent at registration
 * @nd: the record
 *
 * A device that could not be reached when its record was made has no
 * driver name yet; read it when the device can be reached, and give the
 * device the own profile parked for it.
 */
void nt_dev_learn(struct nt_dev *nd)
{
	struct net_device *dev = nd->dev;

	ASSERT_RTNL();
	if (nd->drv_known || nt_access_begin(dev))
		return;
	nt_driver_name(dev, nd->drv, sizeof(nd->drv));
	nt_access_end(dev);
	nd->drv_known = true;
	if (nd->own_profile < 0)
		nd->own_profile = nt_unpark(dev, nd->drv);
}

/**
 * nt_pass - look at one device and bring it to its plan, or restore it
 * @nd: the record
 * @c: the configuration of the device (nt_config_read())
 * @final: module unload: restore, and log what cannot be restored
 *
 * Restore when @final, when the device's driver is no longer listed or
 * its profile is off; otherwise the plan of its profile.
 */
void nt_pass(struct nt_dev *nd, const struct nt_config *c, bool final)
{
	struct net_device *dev = nd->dev;
	u64 want[NT_K_COUNT], val[NT_K_COUNT] = {};
	enum nt_act act[NT_K_COUNT] = {};
	netdev_features_t mask = 0, bits = 0;
	bool restore, wrote = false;
	u32 taken = 0;
	struct nt_read r;
	enum nt_knob k;
	int ret, err = 0;
	u64 t0;

	ASSERT_RTNL();
	t0 = ktime_get_ns();
	restore = final || !c->match || c->profile == NT_PROFILE_OFF;
	ret = nt_access_begin(dev);
	if (ret) {
		/* not now: the next NETDEV_UP/CHANGE or write retries */
		nt_pass_absent(nd, restore, final, ret);
		return;
	}
	nd->match = c->match;
	nd->profile = c->profile;

	nt_read_dev(nd, &r);
	if (!nd->seen)
		nt_remember(nd, &r);
	memcpy(nd->now, r.val, sizeof(nd->now));
	nd->settable = r.settable;

	memcpy(want, r.val, sizeof(want));
	nd->unfit = restore ? 0 : nt_want(nd, c, &r, want);
	if (nd->unfit)
		err = -EINVAL;

	/* every knob is read before anything is written */
	for (k = 0; k < NT_K_XPS; k++) {
		if (!(r.settable & BIT(k)))
			continue;
		act[k] = nt_own_decide(&nd->own[k], r.val[k], want[k],
				       restore, &val[k]);
		/* the kernel's LRO policy matters only to a write of "on" */
		if (k == NT_K_LRO && act[k] == NT_ACT_WRITE && val[k]) {
			enum nt_act a = nt_lro_decide(act[k], val[k], restore,
						      nt_lro_forbidden(dev));

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
			ret, restore, final, &taken);
		if (!ret)
			ret = nt_xps_channels_written(nd);
		err = err ?: ret;
	}
	if (act[NT_K_RX] == NT_ACT_WRITE || act[NT_K_TX] == NT_ACT_WRITE) {
		u32 rx = act[NT_K_RX] == NT_ACT_WRITE ? val[NT_K_RX] : r.val[NT_K_RX];
		u32 tx = act[NT_K_TX] == NT_ACT_WRITE ? val[NT_K_TX] : r.val[NT_K_TX];

		ret = nt_present(dev) ?: nt_set_rings(dev, rx, tx);
		nt_done(nd, NT_K_RX, act[NT_K_RX], rx, ret, restore, final,
			&taken);
		nt_done(nd, NT_K_TX, act[NT_K_TX], tx, ret, restore, final,
			&taken);
		err = err ?: ret;
	}
	if (act[NT_K_DEFER] == NT_ACT_WRITE) {
		ret = nt_present(dev);
		if (!ret)
			WRITE_ONCE(dev->napi_defer_hard_irqs, (u32)val[NT_K_DEFER]);
		nt_done(nd, NT_K_DEFER, NT_ACT_WRITE, val[NT_K_DEFER], ret,
			restore, final, &taken);
		err = err ?: ret;
	}
	if (act[NT_K_GRO_NS] == NT_ACT_WRITE) {
		ret = nt_present(dev);
		if (!ret)
			WRITE_ONCE(dev->gro_flush_timeout,
				   (unsigned long)val[NT_K_GRO_NS]);
		nt_done(nd, NT_K_GRO_NS, NT_ACT_WRITE, val[NT_K_GRO_NS], ret,
			restore, final, &taken);
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
			restore, final, &taken);
		nt_done(nd, NT_K_LRO, act[NT_K_LRO], val[NT_K_LRO], ret,
			restore, final, &taken);
		err = err ?: ret;
	}
	if (act[NT_K_UDP] == NT_ACT_WRITE) {
		ret = nt_present(dev) ?: nt_set_udp_hash(dev, val[NT_K_UDP]);
		nt_done(nd, NT_K_UDP, NT_ACT_WRITE, val[NT_K_UDP], ret,
			restore, final, &taken);
		err = err ?: ret;
	}
	if (taken)
		nt_read_back(nd, taken, val, restore);
	/* after the channels: the spread is over the queues there are now */
	if (r.settable & BIT(NT_K_XPS)) {
		ret = nt_present(dev) ?:
		      nt_xps_pass(nd, c->profile, restore, &wrote);
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
