/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsc_tune policy: what a device should be set to, as pure functions of
 * the VM shape, the device's current values and maxima, the profile and
 * the per-knob overrides. No global state, no locks: tested by KUnit.
 */
#ifndef _NETVSC_TUNE_POLICY_H
#define _NETVSC_TUNE_POLICY_H

#include <linux/bits.h>
#include <linux/types.h>

enum nt_profile {
	NT_PROFILE_OFF,		/* leave the device alone, restore if tuned */
	NT_PROFILE_BALANCED,	/* hv_netvsc as sized at probe; VFs by the VM */
	NT_PROFILE_THROUGHPUT,	/* one channel per CPU, largest rings */
	NT_PROFILE_LATENCY,	/* one channel per core, no interrupt deferral */
	NT_PROFILE_COUNT,
};

/*
 * Up to this many CPUs balanced gives one channel per CPU: 6.1's hv_netvsc
 * default (VRSS_CHANNEL_DEFAULT). 6.12's hv_netvsc sizes its channels at
 * probe itself (max(16, netif_get_num_default_rss_queues())), and balanced
 * leaves those alone (NT_PLAN_SIZED_AT_PROBE); the rule is for the VFs.
 */
#define NT_SMALL_VM_CPUS		8U

/* NAPI values of the throughput profile */
#define NT_THROUGHPUT_DEFER_IRQS	2U
#define NT_THROUGHPUT_GRO_FLUSH_NS	200000U

/* Accepted ranges of the NAPI overrides */
#define NT_DEFER_IRQS_MAX		1000U
#define NT_GRO_FLUSH_NS_MAX		10000000U	/* 10 ms */

/* An override left at this value means "from the profile" */
#define NT_OVERRIDE_NONE		U32_MAX

#define NT_MAX_DRIVERS			8
#define NT_DRIVER_NAME_LEN		32

/**
 * struct nt_topology - the VM shape
 * @cpus: online CPUs
 * @cores: physical cores with an online CPU
 * @nodes: NUMA nodes with an online CPU
 */
struct nt_topology {
	u32 cpus;
	u32 cores;
	u32 nodes;
};

/**
 * struct nt_knobs - values of one device (current, maxima or target)
 * @channels: combined channels (maxima: max_combined; 0 = not supported)
 * @rx_ring: RX ring entries (maxima: 0 = ring size not settable)
 * @tx_ring: TX ring entries
 * @defer_irqs: napi_defer_hard_irqs
 * @gro_flush_ns: gro_flush_timeout in ns
 * @gro: NETIF_F_GRO on (1) or off (0) (maxima: 1 = the device can change it)
 * @lro: NETIF_F_LRO, as @gro
 * @udp_l4: UDP over IPv4 and IPv6 hashed on the ports too (maxima: 1 = the
 *	device has a settable rx-flow-hash)
 */
struct nt_knobs {
	u32 channels;
	u32 rx_ring;
	u32 tx_ring;
	u32 defer_irqs;
	u32 gro_flush_ns;
	u32 gro;
	u32 lro;
	u32 udp_l4;
};

int nt_profile_parse(const char *s, enum nt_profile *out);
const char *nt_profile_name(enum nt_profile p);

u32 nt_policy_channels(enum nt_profile p, const struct nt_topology *t,
		       u32 cur, u32 dev_max);
void nt_policy_rings(enum nt_profile p, const struct nt_knobs *cur,
		     const struct nt_knobs *max, struct nt_knobs *out);
void nt_policy_napi(enum nt_profile p, const struct nt_knobs *cur,
		    struct nt_knobs *out);
void nt_policy_offloads(enum nt_profile p, const struct nt_knobs *cur,
			const struct nt_knobs *max, struct nt_knobs *out);
u32 nt_xps_queue(u32 cpu_index, u32 txq);
/*
 * nt_policy_plan() flag: the driver already sized its channels to the VM at
 * probe (hv_netvsc on 6.12): balanced keeps that count.
 */
#define NT_PLAN_SIZED_AT_PROBE	BIT(0)

int nt_policy_plan(enum nt_profile p, const struct nt_topology *t,
		   const struct nt_knobs *cur, const struct nt_knobs *max,
		   const struct nt_knobs *ovr, unsigned int flags,
		   struct nt_knobs *out);
bool nt_driver_sized_at_probe(const char *driver);

bool nt_rxfh_allows(u32 new_rx_total, bool rxfh_configured, u32 max_entry);

int nt_parse_u32(const char *s, u32 min, u32 max, u32 *out);
int nt_parse_onoff(const char *s, u32 *out);
int nt_devprofile_parse(const char *s, char *name, size_t size, int *profile);
int nt_drivers_parse(const char *s, char names[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN],
		     unsigned int *count);
bool nt_drivers_match(const char names[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN],
		      unsigned int count, const char *driver);

#endif /* _NETVSC_TUNE_POLICY_H */
