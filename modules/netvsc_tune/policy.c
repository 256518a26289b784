// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_tune policy: what a device should get, whether a knob may be
 * written, how CPUs are dealt to TX queues, and the parsers. Everything
 * here is a pure function of its arguments: the other files read the VM
 * and the devices and call these, netvsc_tune_kunit.c checks them for VM
 * shapes and sequences of events not available in a test VM. Each one is
 * exported to the KUnit suite only (EXPORT_SYMBOL_IF_KUNIT).
 */

#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "netvsc_tune.h"

static const char * const nt_profile_names[NT_PROFILE_COUNT] = {
	[NT_PROFILE_OFF] = "off",
	[NT_PROFILE_BALANCED] = "balanced",
	[NT_PROFILE_THROUGHPUT] = "throughput",
	[NT_PROFILE_LATENCY] = "latency",
};

/**
 * nt_profile_parse - profile from its name
 * @s: the name, optionally followed by one newline (sysfs writes)
 * @out: the profile, written only on success
 *
 * Return: 0, or -EINVAL for a missing or unknown name.
 */
int nt_profile_parse(const char *s, enum nt_profile *out)
{
	int i;

	if (!s)
		return -EINVAL;

	for (i = 0; i < NT_PROFILE_COUNT; i++) {
		if (sysfs_streq(s, nt_profile_names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(nt_profile_parse);

/**
 * nt_profile_name - name of a profile
 * @p: the profile
 *
 * Return: the name, "?" for a value out of the enum.
 */
const char *nt_profile_name(enum nt_profile p)
{
	if ((unsigned int)p >= NT_PROFILE_COUNT)
		return "?";
	return nt_profile_names[p];
}
EXPORT_SYMBOL_IF_KUNIT(nt_profile_name);

/**
 * nt_policy_channels - combined channel count a profile asks for
 * @p: the profile
 * @t: the VM shape; zero or inconsistent fields are read as 1 / capped at
 *     the CPU count
 * @cur: the device's current combined count
 * @dev_max: the device's max_combined; 0 when it has no combined channels
 *
 * balanced: one channel per CPU up to NT_SMALL_VM_CPUS CPUs, then one per
 *	physical core, at least one per NUMA node. hv_netvsc is not planned
 *	with this rule: it sizes itself at probe (NT_PLAN_SIZED_AT_PROBE).
 * throughput: one channel per online CPU.
 * latency: one channel per physical core, at least one per NUMA node.
 *	This is only a count: where the channels' interrupts run is the
 *	driver's choice (on hv_netvsc, VMBus init_vp_index() places them).
 * off: the current count.
 *
 * Return: the count within 1..@dev_max, or 0 if @dev_max is 0 (leave the
 * channels alone).
 */
u32 nt_policy_channels(enum nt_profile p, const struct nt_topology *t,
		       u32 cur, u32 dev_max)
{
	u32 cpus, cores, nodes, chn;

	if (!dev_max)
		return 0;

	cpus = max(t->cpus, 1U);
	cores = clamp(t->cores, 1U, cpus);
	nodes = clamp(t->nodes, 1U, cpus);

	switch (p) {
	case NT_PROFILE_BALANCED:
		chn = max3(min(cpus, NT_SMALL_VM_CPUS), cores, nodes);
		break;
	case NT_PROFILE_THROUGHPUT:
		chn = cpus;
		break;
	case NT_PROFILE_LATENCY:
		chn = max(cores, nodes);
		break;
	default:
		chn = cur;
		break;
	}

	return clamp(chn, 1U, dev_max);
}
EXPORT_SYMBOL_IF_KUNIT(nt_policy_channels);

static u32 nt_ring_keep(u32 cur, u32 max)
{
	return max ? min(cur, max) : cur;
}

/**
 * nt_policy_rings - RX/TX ring sizes a profile asks for
 * @p: the profile
 * @cur: current values (rx_ring, tx_ring used)
 * @max: the device's maxima; 0 = that ring is not settable, kept
 * @out: rx_ring and tx_ring are written, nothing else
 *
 * throughput takes the device maxima; the other profiles keep the current
 * sizes (a ring change is a detach/attach on hv_netvsc, and
 * patches/hyperv/0001 already sized its buffers to the VM).
 */
void nt_policy_rings(enum nt_profile p, const struct nt_knobs *cur,
		     const struct nt_knobs *max, struct nt_knobs *out)
{
	if (p == NT_PROFILE_THROUGHPUT) {
		out->rx_ring = max->rx_ring ? max->rx_ring : cur->rx_ring;
		out->tx_ring = max->tx_ring ? max->tx_ring : cur->tx_ring;
	} else {
		out->rx_ring = nt_ring_keep(cur->rx_ring, max->rx_ring);
		out->tx_ring = nt_ring_keep(cur->tx_ring, max->tx_ring);
	}
}
EXPORT_SYMBOL_IF_KUNIT(nt_policy_rings);

/**
 * nt_policy_napi - NAPI knobs a profile asks for
 * @p: the profile
 * @cur: current values (defer_irqs, gro_flush_ns used)
 * @out: defer_irqs and gro_flush_ns are written, nothing else
 *
 * throughput defers hard interrupts (NT_THROUGHPUT_DEFER_IRQS polls, GRO
 * flushed after NT_THROUGHPUT_GRO_FLUSH_NS); latency turns deferral off;
 * balanced and off keep the current values.
 */
void nt_policy_napi(enum nt_profile p, const struct nt_knobs *cur,
		    struct nt_knobs *out)
{
	switch (p) {
	case NT_PROFILE_THROUGHPUT:
		out->defer_irqs = NT_THROUGHPUT_DEFER_IRQS;
		out->gro_flush_ns = NT_THROUGHPUT_GRO_FLUSH_NS;
		break;
	case NT_PROFILE_LATENCY:
		out->defer_irqs = 0;
		out->gro_flush_ns = 0;
		break;
	default:
		out->defer_irqs = cur->defer_irqs;
		out->gro_flush_ns = cur->gro_flush_ns;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(nt_policy_napi);

/**
 * nt_policy_offloads - GRO, LRO and the UDP flow hash a profile asks for
 * @p: the profile
 * @cur: current values (gro, lro, udp_l4 used)
 * @max: 1 where the device can change the knob, 0 where it cannot (kept)
 * @out: gro, lro and udp_l4 are written, nothing else
 *
 * Every tuned profile turns GRO on (software, it merges only what belongs
 * together) and asks for UDP to be hashed on the ports as well; where the
 * rx-flow-hash is the device's RSS hash (mlx5, virtio_net with RSS)
 * that spreads the UDP flows between two hosts over the RX queues as TCP
 * flows are. nt_policy_plan() leaves the hash alone where it is not
 * (NT_PLAN_KEEP_UDP_HASH). latency turns LRO
 * off: the device holds segments back to merge them. The other profiles
 * keep LRO as it was: it must stay off on a forwarding host, and the
 * stack turns it off itself when forwarding is enabled.
 */
void nt_policy_offloads(enum nt_profile p, const struct nt_knobs *cur,
			const struct nt_knobs *max, struct nt_knobs *out)
{
	bool tuned = p != NT_PROFILE_OFF;

	out->gro = tuned && max->gro ? 1 : cur->gro;
	out->lro = p == NT_PROFILE_LATENCY && max->lro ? 0 : cur->lro;
	out->udp_l4 = tuned && max->udp_l4 ? 1 : cur->udp_l4;
}
EXPORT_SYMBOL_IF_KUNIT(nt_policy_offloads);

/**
 * nt_xps_queue - TX queue of a CPU in the XPS spread
 * @cpu_index: position of the CPU among the online CPUs, from 0
 * @txq: real TX queues of the device, 0 is read as 1
 *
 * CPUs are dealt to the queues in turn, so neighbouring CPUs (and the SMT
 * siblings the topology numbers apart) land on different queues and every
 * queue gets a CPU while there are enough.
 */
u32 nt_xps_queue(u32 cpu_index, u32 txq)
{
	return cpu_index % max(txq, 1U);
}
EXPORT_SYMBOL_IF_KUNIT(nt_xps_queue);

/**
 * nt_xps_assign - TX queue of every online CPU in the XPS spread
 * @local: per online CPU, in CPU order: it is on the device's NUMA node
 * @ncpus: number of online CPUs
 * @txq: real TX queues of the device, 0 is read as 1
 * @queue: per online CPU, its queue
 *
 * The CPUs of the device's node are dealt first, then the others, each in
 * turn as nt_xps_queue() deals them: every queue gets a CPU of the
 * device's node while the node has enough, and every CPU still gets a
 * queue, so no CPU falls back to the stack's hash.
 */
void nt_xps_assign(const bool *local, u32 ncpus, u32 txq, u32 *queue)
{
	u32 i, rank = 0;

	for (i = 0; i < ncpus; i++)
		if (local[i])
			queue[i] = nt_xps_queue(rank++, txq);
	for (i = 0; i < ncpus; i++)
		if (!local[i])
			queue[i] = nt_xps_queue(rank++, txq);
}
EXPORT_SYMBOL_IF_KUNIT(nt_xps_assign);

/**
 * nt_profile_spreads_xps - does a profile spread XPS
 * @p: the profile
 *
 * throughput and latency spread the CPUs over the TX queues of a device
 * that has no XPS; balanced and off never do (they keep the original,
 * which for a device the module may write is no XPS at all).
 */
bool nt_profile_spreads_xps(enum nt_profile p)
{
	return p == NT_PROFILE_THROUGHPUT || p == NT_PROFILE_LATENCY;
}
EXPORT_SYMBOL_IF_KUNIT(nt_profile_spreads_xps);

/* an override within min..max replaces *val; else the knob is unfit */
static void nt_override(u32 ovr, u32 min, u32 max, u32 *val, u32 cur,
			enum nt_knob k, u32 *unfit)
{
	if (ovr == NT_OVERRIDE_NONE)
		return;
	if (ovr >= min && ovr <= max) {
		*val = ovr;
		return;
	}
	*val = cur;
	*unfit |= BIT(k);
}

/* GRO and LRO: an override is met where it asks for what a fixed knob has */
static void nt_override_flag(u32 ovr, u32 settable, u32 *val, u32 cur,
			     enum nt_knob k, u32 *unfit)
{
	if (ovr == NT_OVERRIDE_NONE)
		return;
	if (settable || ovr == cur) {
		*val = ovr;
		return;
	}
	*val = cur;
	*unfit |= BIT(k);
}

/**
 * nt_policy_plan - all target values for one device
 * @p: the profile
 * @t: the VM shape
 * @cur: the device's current values
 * @max: the device's maxima (channels, rx_ring, tx_ring; 0 = not settable)
 * @ovr: per-knob overrides, NT_OVERRIDE_NONE = from the profile
 * @flags: NT_PLAN_SIZED_AT_PROBE: balanced keeps @cur's channel count;
 *	NT_PLAN_KEEP_UDP_HASH: keep @cur's UDP hash
 * @out: the plan, written only on success
 * @unfit: bit per knob (BIT(NT_K_*)) whose override does not fit the
 *	device, written only on success
 *
 * With @p off the plan is @cur and the overrides are ignored. An override
 * must be within 1..maximum for channels and rings (so not settable on a
 * device whose maximum is 0), 0..NT_DEFER_IRQS_MAX and
 * 0..NT_GRO_FLUSH_NS_MAX for the NAPI knobs; a GRO or LRO override fits a
 * device that can switch the feature, or one whose fixed state is what it
 * asks for (lro=off on mana). Each knob stands alone: one whose override
 * does not fit keeps @cur's value and is named in @unfit, and every other
 * knob is planned as if that override were not there.
 *
 * Return: 0, or -EINVAL for a profile out of the enum.
 */
int nt_policy_plan(enum nt_profile p, const struct nt_topology *t,
		   const struct nt_knobs *cur, const struct nt_knobs *max,
		   const struct nt_knobs *ovr, unsigned int flags,
		   struct nt_knobs *out, u32 *unfit)
{
	struct nt_knobs plan = *cur;
	u32 bad = 0;

	if ((unsigned int)p >= NT_PROFILE_COUNT)
		return -EINVAL;
	if (p == NT_PROFILE_OFF) {
		*out = plan;
		*unfit = 0;
		return 0;
	}

	plan.channels = nt_policy_channels(p, t, cur->channels, max->channels);
	if (!plan.channels ||
	    (p == NT_PROFILE_BALANCED && (flags & NT_PLAN_SIZED_AT_PROBE)))
		plan.channels = cur->channels;
	nt_policy_rings(p, cur, max, &plan);
	nt_policy_napi(p, cur, &plan);
	nt_policy_offloads(p, cur, max, &plan);
	if (flags & NT_PLAN_KEEP_UDP_HASH)
		plan.udp_l4 = cur->udp_l4;

	nt_override(ovr->channels, 1, max->channels, &plan.channels,
		    cur->channels, NT_K_CHANNELS, &bad);
	nt_override(ovr->rx_ring, 1, max->rx_ring, &plan.rx_ring, cur->rx_ring,
		    NT_K_RX, &bad);
	nt_override(ovr->tx_ring, 1, max->tx_ring, &plan.tx_ring, cur->tx_ring,
		    NT_K_TX, &bad);
	nt_override(ovr->defer_irqs, 0, NT_DEFER_IRQS_MAX, &plan.defer_irqs,
		    cur->defer_irqs, NT_K_DEFER, &bad);
	if (ovr->gro_flush_ns != NT_OVERRIDE_NONE) {
		if (ovr->gro_flush_ns > NT_GRO_FLUSH_NS_MAX) {
			plan.gro_flush_ns = cur->gro_flush_ns;
			bad |= BIT(NT_K_GRO_NS);
		} else {
			plan.gro_flush_ns = ovr->gro_flush_ns;
		}
	}
	nt_override_flag(ovr->gro, max->gro, &plan.gro, cur->gro, NT_K_GRO,
			 &bad);
	nt_override_flag(ovr->lro, max->lro, &plan.lro, cur->lro, NT_K_LRO,
			 &bad);

	*out = plan;
	*unfit = bad;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nt_policy_plan);

/**
 * nt_driver_sized_at_probe - does a driver size its channels to the VM
 * @driver: driver name, may be NULL
 *
 * hv_netvsc does: since 6.x it asks for max(16, netif_get_num_default_rss_
 * queues()) channels, capped by the CPUs and the host's queues, or what
 * an earlier "ethtool -L" set. balanced then leaves its channel count alone,
 * so the module never detaches and re-attaches a synthetic NIC at boot.
 */
bool nt_driver_sized_at_probe(const char *driver)
{
	return driver && !strcmp(driver, "hv_netvsc");
}
EXPORT_SYMBOL_IF_KUNIT(nt_driver_sized_at_probe);

/**
 * nt_driver_plan_flags - nt_policy_plan() flags of a driver
 * @driver: driver name, may be NULL
 *
 * hv_netvsc: NT_PLAN_SIZED_AT_PROBE (see nt_driver_sized_at_probe()) and
 * NT_PLAN_KEEP_UDP_HASH: its rx-flow-hash only chooses the TX queue of
 * outgoing packets (the host hashes what it receives), and UDP over IPv4
 * and IPv6 is already hashed on the ports there (HV_DEFAULT_L4HASH).
 */
unsigned int nt_driver_plan_flags(const char *driver)
{
	if (nt_driver_sized_at_probe(driver))
		return NT_PLAN_SIZED_AT_PROBE | NT_PLAN_KEEP_UDP_HASH;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nt_driver_plan_flags);

const char * const nt_knob_names[NT_K_COUNT] = {
	[NT_K_CHANNELS] = "channels",
	[NT_K_RX] = "rx",
	[NT_K_TX] = "tx",
	[NT_K_DEFER] = "defer",
	[NT_K_GRO_NS] = "gro_ns",
	[NT_K_GRO] = "gro",
	[NT_K_LRO] = "lro",
	[NT_K_UDP] = "udp_l4",
	[NT_K_XPS] = "xps",
};
EXPORT_SYMBOL_IF_KUNIT(nt_knob_names);

/**
 * nt_own_decide - what a pass does with one knob of one device
 * @o: the knob: original, our value, owner
 * @cur: its value now, read at the start of the pass
 * @want: the value the profile asks for (not used with @restore)
 * @restore: the pass gives the original back
 * @val: the value to write, set for NT_ACT_WRITE only
 *
 * A knob nobody else touched is written: not written by us yet and still
 * at its original value, or ours and still at our value. A knob whose
 * value is neither (someone changed it after us, or before our first
 * write) is handed over (NT_ACT_OTHER) and never written again. A restore
 * writes the original back only over our own value. A value already asked
 * for, whose result the knob still holds, is not asked for again: the
 * driver rounded or clamped it, and would only do so again.
 *
 * Return: NT_ACT_KEEP, NT_ACT_WRITE or NT_ACT_OTHER.
 */
enum nt_act nt_own_decide(const struct nt_own *o, u64 cur, u64 want,
			  bool restore, u64 *val)
{
	switch (o->owner) {
	case NT_OWNER_NONE:
		if (cur != o->orig)
			return NT_ACT_OTHER;
		if (restore || want == cur ||
		    (o->asked_set && want == o->asked))
			return NT_ACT_KEEP;
		*val = want;
		return NT_ACT_WRITE;
	case NT_OWNER_OURS:
		if (cur != o->ours)
			return NT_ACT_OTHER;
		want = restore ? o->orig : want;
		if (want == cur || (o->asked_set && want == o->asked))
			return NT_ACT_KEEP;
		*val = want;
		return NT_ACT_WRITE;
	default:
		return NT_ACT_KEEP;
	}
}
EXPORT_SYMBOL_IF_KUNIT(nt_own_decide);

/**
 * nt_own_done - record what became of nt_own_decide()'s answer
 * @o: the knob
 * @act: nt_own_decide()'s answer
 * @val: the value written (NT_ACT_WRITE)
 * @err: 0 if the write took, else its error
 * @restore: the pass gave the originals back
 *
 * A write that took makes the knob ours, or nobody's when it wrote the
 * original back. A failed write keeps everything; a failed restore of our
 * value is marked pending, to be tried again at the next pass.
 */
void nt_own_done(struct nt_own *o, enum nt_act act, u64 val, int err,
		 bool restore)
{
	switch (act) {
	case NT_ACT_OTHER:
		o->owner = NT_OWNER_OTHER;
		o->pending = false;
		o->asked_set = false;
		break;
	case NT_ACT_WRITE:
		if (err) {
			o->pending = restore && o->owner == NT_OWNER_OURS;
			break;
		}
		o->ours = val;
		o->owner = val == o->orig ? NT_OWNER_NONE : NT_OWNER_OURS;
		o->pending = false;
		o->asked_set = false;
		break;
	default:
		/* ours and equal to the original: nothing left to give back */
		if (o->owner == NT_OWNER_OURS && o->ours == o->orig)
			o->owner = NT_OWNER_NONE;
		o->pending = false;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(nt_own_done);

/**
 * nt_parse_u32 - parse a number within bounds
 * @s: decimal or 0x-hexadecimal, optionally followed by one newline
 * @min: smallest accepted value
 * @max: largest accepted value
 * @out: the value, written only on success
 *
 * A leading 0 followed by a digit is refused: kstrtou32()'s base 0 would
 * read it as octal ("010" as 8), which is neither of the documented forms.
 *
 * Return: 0, or -EINVAL for a missing, malformed or out-of-range number.
 */
int nt_parse_u32(const char *s, u32 min, u32 max, u32 *out)
{
	unsigned int base = 10;
	u32 v;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	else if (s[0] == '0' && isdigit(s[1]))
		return -EINVAL;
	if (kstrtou32(s, base, &v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nt_parse_u32);

/**
 * nt_parse_onoff - parse "on" or "off"
 * @s: the word, optionally followed by one newline
 * @out: 1 or 0, written only on success
 *
 * Return: 0, or -EINVAL.
 */
int nt_parse_onoff(const char *s, u32 *out)
{
	if (s && sysfs_streq(s, "on"))
		*out = 1;
	else if (s && sysfs_streq(s, "off"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nt_parse_onoff);

/**
 * nt_devprofile_parse - parse "IFNAME=PROFILE" of the device_profile parameter
 * @s: the text, optionally followed by one newline
 * @name: the interface name, written only on success
 * @size: size of @name (IFNAMSIZ); the name must be shorter
 * @profile: the profile, or -1 for "default" (follow the global profile),
 *	written only on success
 *
 * The name follows the kernel's rules for interface names: not empty, not
 * "." or "..", no '/', ':' or white space.
 *
 * Return: 0, or -EINVAL.
 */
int nt_devprofile_parse(const char *s, char *name, size_t size, int *profile)
{
	const char *eq, *c;
	enum nt_profile p;
	size_t len;

	if (!s)
		return -EINVAL;
	eq = strchr(s, '=');
	if (!eq)
		return -EINVAL;
	len = eq - s;
	if (!len || len >= size)
		return -EINVAL;
	for (c = s; c < eq; c++)
		if (*c == '/' || *c == ':' || *c == '=' || isspace(*c))
			return -EINVAL;
	if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return -EINVAL;

	if (sysfs_streq(eq + 1, "default"))
		*profile = -1;
	else if (!nt_profile_parse(eq + 1, &p))
		*profile = p;
	else
		return -EINVAL;
	memcpy(name, s, len);
	name[len] = '\0';
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nt_devprofile_parse);

/**
 * nt_drivers_parse - parse the driver match list
 * @s: comma-separated driver names ([A-Za-z0-9_-], 1 to
 *     NT_DRIVER_NAME_LEN - 1 characters each, at most NT_MAX_DRIVERS,
 *     no duplicates), optionally followed by one newline
 * @names: the names, written only on success
 * @count: number of names, written only on success
 *
 * Return: 0, or -EINVAL (empty list or name, bad character, too long,
 * too many, duplicate).
 */
int nt_drivers_parse(const char *s, char names[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN],
		     unsigned int *count)
{
	char tmp[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN] = {};
	unsigned int n = 0, len = 0, i;
	const char *c;

	if (!s)
		return -EINVAL;

	for (c = s; ; c++) {
		bool end = !*c || (*c == '\n' && !c[1]);

		if (end || *c == ',') {
			if (!len)
				return -EINVAL;
			for (i = 0; i < n; i++)
				if (!strcmp(tmp[i], tmp[n]))
					return -EINVAL;
			n++;
			len = 0;
			if (end)
				break;
			if (n == NT_MAX_DRIVERS)
				return -EINVAL;
			continue;
		}
		if (!isalnum(*c) && *c != '_' && *c != '-')
			return -EINVAL;
		if (len == NT_DRIVER_NAME_LEN - 1)
			return -EINVAL;
		tmp[n][len++] = *c;
	}

	memcpy(names, tmp, sizeof(tmp));
	*count = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nt_drivers_parse);

/**
 * nt_drivers_match - is a driver in the list
 * @names: list from nt_drivers_parse()
 * @count: its length
 * @driver: driver name of a device, may be NULL
 */
bool nt_drivers_match(const char names[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN],
		      unsigned int count, const char *driver)
{
	unsigned int i;

	if (!driver)
		return false;
	for (i = 0; i < count && i < NT_MAX_DRIVERS; i++)
		if (!strcmp(names[i], driver))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(nt_drivers_match);

/**
 * nt_own_wrote - record a write and what the device holds after it
 * @o: the knob
 * @asked: the value written (nt_own_decide()'s @val)
 * @got: the value read back from the device after the write
 * @err: 0 if the driver took the write, else its error
 * @restore: the pass gave the originals back
 *
 * The knob holds what the driver set, @got, which may differ from @asked
 * (mlx5 rounds rings up to a power of two, hv_netvsc raises them to its
 * floor): @got is ours, and is what a restore looks for and what a later
 * pass compares with. @asked is kept so that the same request is not made
 * again while the knob holds its result.
 */
void nt_own_wrote(struct nt_own *o, u64 asked, u64 got, int err,
		  bool restore)
{
	nt_own_done(o, NT_ACT_WRITE, got, err, restore);
	if (!err) {
		o->asked = asked;
		o->asked_set = true;
	}
}
EXPORT_SYMBOL_IF_KUNIT(nt_own_wrote);

/**
 * nt_lro_decide - nt_own_decide()'s answer for LRO, under the kernel's policy
 * @act: nt_own_decide()'s answer
 * @val: the value it would write (NT_ACT_WRITE)
 * @restore: the pass gives the originals back
 * @forbidden: the kernel keeps LRO off on this device now (forwarding,
 *	a bridge, bond or team port, XDP: see nt_lro_forbidden())
 *
 * LRO is never written on where the kernel forbids it. A profile that
 * would turn it back on keeps it off (NT_ACT_KEEP). A restore of an
 * original "on" hands the knob over (NT_ACT_OTHER): the kernel's
 * dev_disable_lro() took it, and the original is no longer a value the
 * device may have.
 *
 * Return: @act, or what replaces it.
 */
enum nt_act nt_lro_decide(enum nt_act act, u64 val, bool restore,
			  bool forbidden)
{
	if (act != NT_ACT_WRITE || !val || !forbidden)
		return act;
	return restore ? NT_ACT_OTHER : NT_ACT_KEEP;
}
EXPORT_SYMBOL_IF_KUNIT(nt_lro_decide);
