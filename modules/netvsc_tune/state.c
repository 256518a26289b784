// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune: the "state" readout. One line per device of the reader's
 * network namespace whose driver is listed or which still holds a value
 * of ours:
 *
 *   eth0 driver=D profile=P tuned=0|1 err=E apply_us=U orig=KNOBS now=KNOBS
 *	other=KNOB,...|- pending=KNOB,...|- [unfit=KNOB,...]
 *
 * unfit: the knobs whose override does not fit the device, left as they
 * were by the last pass (the other knobs are tuned); only on the lines of
 * devices that have one, so that a line is no longer than before.
 *
 * "now" is read from the device at the time of the read (the last values
 * read while it is absent). As many lines as fit in the page sysfs gives;
 * a last line "..." says that some were left out.
 *
 * Locking: called with the parameter lock held (sysfs); takes RTNL.
 */

#include <linux/math64.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

#include "netvsc_tune.h"

/* a value as "state" shows it: udp_l4 0/1, "-" where not settable */
static int nt_emit_knob(char *buf, int len, int room, enum nt_knob k,
			u64 v, bool settable)
{
	const char *sep = k ? "," : "";

	switch (k) {
	case NT_K_GRO:
	case NT_K_LRO:
	case NT_K_UDP:
	case NT_K_XPS:
		if (!settable)
			return scnprintf(buf + len, room - len, "%s%s:-", sep,
					 nt_knob_names[k]);
		if (k == NT_K_UDP)
			v = nt_udp_hashes_ports(v);
		break;
	default:
		break;
	}
	return scnprintf(buf + len, room - len, "%s%s:%llu", sep,
			 nt_knob_names[k], v);
}

enum nt_list {
	NT_LIST_OTHER,		/* the knobs whose owner is someone else */
	NT_LIST_PENDING,	/* the knobs whose restore waits */
	NT_LIST_UNFIT,		/* the knobs whose override does not fit */
};

static bool nt_listed(const struct nt_dev *nd, enum nt_knob k,
		      enum nt_list which)
{
	switch (which) {
	case NT_LIST_OTHER:
		return nd->own[k].owner == NT_OWNER_OTHER;
	case NT_LIST_PENDING:
		return nd->own[k].pending;
	default:
		return nd->unfit & BIT(k);
	}
}

static int nt_emit_list(char *buf, int len, int room, const char *what,
			const struct nt_dev *nd, enum nt_list which)
{
	int start = len;
	enum nt_knob k;

	len += scnprintf(buf + len, room - len, " %s=", what);
	for (k = 0; k < NT_K_COUNT; k++) {
		if (!nt_listed(nd, k, which))
			continue;
		len += scnprintf(buf + len, room - len, "%s%s",
				 buf[len - 1] == '=' ? "" : ",", nt_knob_names[k]);
	}
	if (buf[len - 1] == '=')
		len += scnprintf(buf + len, room - len, "-");
	return len - start;
}

static int nt_emit_dev(char *buf, int len, int room, struct nt_dev *nd)
{
	const u64 *now = nd->now;
	u32 settable = nd->settable;
	struct nt_read r;
	int start = len;
	enum nt_knob k;
	u64 v;

	if (!nt_access_begin(nd->dev)) {
		nt_read_dev(nd, &r);
		nt_access_end(nd->dev);
		now = r.val;
		settable = r.settable;
	}
	len += scnprintf(buf + len, room - len,
			 "%s driver=%s profile=%s tuned=%d err=%d apply_us=%llu orig=",
			 netdev_name(nd->dev), nd->drv,
			 nt_profile_name(nd->profile), nt_tuned(nd), nd->err,
			 div_u64(nd->apply_ns, NSEC_PER_USEC));
	for (k = 0; k < NT_K_COUNT; k++) {
		v = k == NT_K_XPS ? (u64)max(nd->xps_orig_n, 0) : nd->own[k].orig;
		len += nt_emit_knob(buf, len, room, k, v,
				    settable & BIT(k) &&
				    (k != NT_K_XPS || nd->xps_orig_n >= 0));
	}
	len += scnprintf(buf + len, room - len, " now=");
	for (k = 0; k < NT_K_COUNT; k++)
		len += nt_emit_knob(buf, len, room, k, now[k],
				    settable & BIT(k));
	len += nt_emit_list(buf, len, room, "other", nd, NT_LIST_OTHER);
	len += nt_emit_list(buf, len, room, "pending", nd, NT_LIST_PENDING);
	/* only when it says something: the page holds 17 lines of 16 queues */
	if (nd->unfit)
		len += nt_emit_list(buf, len, room, "unfit", nd, NT_LIST_UNFIT);
	len += scnprintf(buf + len, room - len, "\n");
	return len - start;
}

/**
 * nt_state_show - the readout
 * @buf: the sysfs page
 *
 * Return: its length.
 */
int nt_state_show(char *buf)
{
	const int room = PAGE_SIZE - 4;	/* keep space for "...\n" */
	struct net *net = current->nsproxy->net_ns;
	struct nt_dev *nd;
	int len = 0, start;

	rtnl_lock();
	list_for_each_entry(nd, &nt_devs, node) {
		if (!net_eq(dev_net(nd->dev), net) || !nd->seen ||
		    (!nd->match && !nt_tuned(nd)))
			continue;
		start = len;
		len += nt_emit_dev(buf, len, room, nd);
		if (len >= room - 1 || buf[len - 1] != '\n') {
			len = start + scnprintf(buf + start, PAGE_SIZE - start,
						"...\n");
			break;
		}
	}
	rtnl_unlock();
	return len;
}
