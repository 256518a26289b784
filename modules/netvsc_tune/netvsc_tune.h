/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsc_tune: declarations shared by its files.
 *
 * policy.c     pure functions: what a device should get, the ownership
 *              decision of one knob, the XPS spread, the parsers
 * io.c         device I/O: the ethtool and netdev calls on one device
 * xps.c        XPS masks: read, compare, spread, write
 * dev.c        the device records, the queue of passes due, one pass
 *              over one device: read, decide, write, restore
 * state.c      the "state" readout
 * params.c     module parameters, the configuration they hold, the work
 *              that runs the passes, the records of new devices
 * main.c       init/exit, the netdev notifier
 *
 * Lock order: the module's parameter lock (kernel_param_lock(), held by
 * sysfs around every parameter read and write), then RTNL, then net_rwsem
 * (only to walk the namespaces at a "drivers" write), then nt_cfg_lock.
 * RTNL guards the device records, the pass queue and the lists of
 * device_profile values waiting for their device; nt_cfg_lock guards the
 * configuration. Nothing here takes the parameter lock under RTNL.
 */
#ifndef _NETVSC_TUNE_H
#define _NETVSC_TUNE_H

#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/netdev_features.h>
#include <linux/types.h>

/* ------------------------------------------------------------------ */
/* Pure policy (policy.c): no global state, no locks, tested by KUnit */

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
 * @gro_flush_ns: gro_flush_timeout in ns, the kernel's unsigned long
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
	u64 gro_flush_ns;
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

/*
 * nt_policy_plan() flags. NT_PLAN_SIZED_AT_PROBE: the driver already sized
 * its channels to the VM at probe (hv_netvsc on 6.12): balanced keeps that
 * count. NT_PLAN_KEEP_UDP_HASH: the driver's rx-flow-hash does not steer
 * received UDP (hv_netvsc: it only picks the TX queue), leave it.
 */
#define NT_PLAN_SIZED_AT_PROBE	BIT(0)
#define NT_PLAN_KEEP_UDP_HASH	BIT(1)

int nt_policy_plan(enum nt_profile p, const struct nt_topology *t,
		   const struct nt_knobs *cur, const struct nt_knobs *max,
		   const struct nt_knobs *ovr, unsigned int flags,
		   struct nt_knobs *out, u32 *unfit);
bool nt_driver_sized_at_probe(const char *driver);
unsigned int nt_driver_plan_flags(const char *driver);
bool nt_profile_spreads_xps(enum nt_profile p);

u32 nt_xps_queue(u32 cpu_index, u32 txq);
void nt_xps_assign(const bool *local, u32 ncpus, u32 txq, u32 *queue);

int nt_parse_u32(const char *s, u32 min, u32 max, u32 *out);
int nt_parse_onoff(const char *s, u32 *out);
int nt_devprofile_parse(const char *s, char *name, size_t size, int *profile);
int nt_drivers_parse(const char *s, char names[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN],
		     unsigned int *count);
bool nt_drivers_match(const char names[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN],
		      unsigned int count, const char *driver);

/* ------------------------------------------------------------------ */
/* Ownership of one knob of one device (pure part in policy.c) */

/* The knobs, in the order of the "state" readout */
enum nt_knob {
	NT_K_CHANNELS,
	NT_K_RX,
	NT_K_TX,
	NT_K_DEFER,
	NT_K_GRO_NS,
	NT_K_GRO,
	NT_K_LRO,
	NT_K_UDP,
	NT_K_XPS,
	NT_K_COUNT,
};

extern const char * const nt_knob_names[NT_K_COUNT];

enum nt_owner {
	NT_OWNER_NONE,		/* not written by us, or given back */
	NT_OWNER_OURS,		/* holds what we wrote */
	NT_OWNER_OTHER,		/* someone else set it: never written again */
};

/**
 * struct nt_own - one knob of one device
 * @orig: its value when netvsc_tune first saw the device
 * @ours: the value the device held after netvsc_tune's last write, read
 *	back (meaningful when @owner is ours): a driver may round or clamp
 *	what it is asked for (mlx5 rings to a power of two)
 * @asked: the value that last write asked for (meaningful with @asked_set)
 * @owner: enum nt_owner
 * @pending: a restore of this knob failed and waits for the next pass
 * @asked_set: @asked holds the request whose result the knob holds now
 *
 * Values are u64 so that every knob fits exactly: gro_flush_timeout is an
 * unsigned long, the UDP hash is the rx-flow-hash fields of UDP over IPv4
 * (high half) and IPv6 (low half), XPS is one of the NT_XPS_* labels.
 */
struct nt_own {
	u64 orig;
	u64 ours;
	u64 asked;
	u8 owner;
	bool pending;
	bool asked_set;
};

enum nt_act {
	NT_ACT_KEEP,		/* nothing to write */
	NT_ACT_WRITE,		/* write the value given */
	NT_ACT_OTHER,		/* someone else changed it: hand it over */
};

enum nt_act nt_own_decide(const struct nt_own *o, u64 cur, u64 want,
			  bool restore, u64 *val);
void nt_own_done(struct nt_own *o, enum nt_act act, u64 val, int err,
		 bool restore);
void nt_own_wrote(struct nt_own *o, u64 asked, u64 got, int err,
		  bool restore);
enum nt_act nt_lro_decide(enum nt_act act, u64 val, bool restore,
			  bool forbidden);

/*
 * XPS as an ownership value: the CPU masks of all TX queues, named by what
 * they are equal to. The original is always NT_XPS_EMPTY when the module
 * may own XPS: a device with masks at first sight belongs to someone else.
 */
#define NT_XPS_EMPTY	0	/* no TX queue has a CPU mask */
#define NT_XPS_OURS	1	/* what the module wrote, on the queues left */
#define NT_XPS_SPREAD	2	/* the profile's spread, different from ours */
#define NT_XPS_ELSE	3	/* anything else */

/* ------------------------------------------------------------------ */
/* The module */

struct net_device;
struct work_struct;
struct workqueue_struct;

/**
 * struct nt_dev - what netvsc_tune keeps of one net device (under RTNL)
 * @node: in nt_devs
 * @qnode: in nt_queue while a pass is due, else empty
 * @dev: the device; the record goes at its real NETDEV_UNREGISTER and
 *	stays through a namespace move
 * @drv: driver name, read at registration or at a "drivers" write
 * @drv_known: @drv was read (a device absent at registration has not)
 * @seen: @own[].orig hold the first values seen
 * @passed: a pass has looked at the device
 * @match: its driver was in the list at the last pass
 * @own_profile: the device's own profile (device_profile), -1 = the global one
 * @profile: profile of the last pass
 * @err: first error of the last pass, 0 if every write took
 * @unfit: bit per knob whose override does not fit the device (last pass)
 * @apply_ns: time of the last pass that wrote or tried to, or of the first
 * @own: per knob: original, ours, owner, pending restore
 * @settable: bit per knob: the device can change it (from the last read)
 * @now: the values of the last read, shown while the device is absent
 * @xps_orig_n: TX queues with a CPU mask at first sight, -1 = XPS not managed
 * @xps_orig: those masks (NULL when none had one), @xps_orig_nq queues
 * @xps_orig_nq: TX queues of @xps_orig
 * @xps_cut: TX queues left by our channel writes: the queues from here
 *	lost their @xps_orig masks with them and get them back when our
 *	channel writes bring them back
 * @xps_ours: the masks we wrote (@xps_ours_nq queues), NULL when none
 * @xps_ours_nq: TX queues of @xps_ours
 */
struct nt_dev {
	struct list_head node;
	struct list_head qnode;
	struct net_device *dev;
	char drv[NT_DRIVER_NAME_LEN];
	bool drv_known;
	bool seen;
	bool passed;
	bool match;
	int own_profile;
	enum nt_profile profile;
	int err;
	u32 unfit;
	u64 apply_ns;
	struct nt_own own[NT_K_COUNT];
	u32 settable;
	u64 now[NT_K_COUNT];
	int xps_orig_n;
	void *xps_orig;
	unsigned int xps_orig_nq;
	unsigned int xps_cut;
	void *xps_ours;
	unsigned int xps_ours_nq;
};

/**
 * struct nt_read - one read of a device
 * @cur: current values (udp_l4: both UDP flows hashed on the ports)
 * @max: maxima, 0 where a knob cannot be set
 * @val: the ownership value of each knob (XPS: queues with a mask)
 * @settable: bit per knob: the device can change it
 */
struct nt_read {
	struct nt_knobs cur;
	struct nt_knobs max;
	u64 val[NT_K_COUNT];
	u32 settable;
};

/**
 * struct nt_config - the configuration one pass uses
 * @profile: the device's own profile, or the global one
 * @match: the device's driver is in the list
 * @ovr: the per-knob overrides, NT_OVERRIDE_NONE = from the profile
 */
struct nt_config {
	enum nt_profile profile;
	bool match;
	struct nt_knobs ovr;
};

/*
 * Files, each calling only the ones listed before it (no cycle; `make
 * check` verifies it from the objects' symbol tables, scripts/callgraph):
 * policy.c, io.c, xps.c, dev.c, state.c, params.c, main.c.
 */

/* io.c: device I/O, under RTNL */
bool nt_udp_hashes_ports(u64 v);
int nt_access_begin(struct net_device *dev);
void nt_access_end(struct net_device *dev);
void nt_driver_name(struct net_device *dev, char *name, size_t size);
void nt_read_knobs(struct net_device *dev, struct nt_read *r);
int nt_present(struct net_device *dev);
int nt_set_channels(struct net_device *dev, u32 combined);
int nt_set_rings(struct net_device *dev, u32 rx, u32 tx);
int nt_set_features(struct net_device *dev, netdev_features_t mask,
		    netdev_features_t want);
int nt_set_udp_hash(struct net_device *dev, u64 v);
void nt_topology_read(struct nt_topology *t);
bool nt_lro_forbidden(struct net_device *dev);

/* xps.c, under RTNL */
bool nt_xps_managed(struct net_device *dev, const char *drv);
int nt_xps_count(struct net_device *dev);
bool nt_xps_remember(struct nt_dev *nd);
int nt_xps_pass(struct nt_dev *nd, enum nt_profile p, bool restore,
		bool *wrote);
int nt_xps_channels_written(struct nt_dev *nd);
void nt_xps_free(struct nt_dev *nd);

/* dev.c: records and passes, under RTNL */
extern struct list_head nt_devs;
extern bool nt_stopping;
struct nt_dev *nt_find(struct net_device *dev);
struct nt_dev *nt_dev_add(struct net_device *dev, const char *drv);
void nt_free(struct nt_dev *nd);
bool nt_queue_dev(struct nt_dev *nd);
void nt_queue_all(void);
struct nt_dev *nt_queue_pop(void);
void nt_park(struct nt_dev *nd);
int nt_unpark(struct net_device *dev, const char *drv);
void nt_unpark_all(void);
void nt_read_dev(struct nt_dev *nd, struct nt_read *r);
void nt_remember(struct nt_dev *nd, const struct nt_read *r);
void nt_dev_learn(struct nt_dev *nd);
void nt_pass(struct nt_dev *nd, const struct nt_config *c, bool final);
bool nt_tuned(const struct nt_dev *nd);
void nt_knob_format(const struct nt_dev *nd, enum nt_knob k, u64 v,
		    char *buf, size_t size);

/* state.c */
int nt_state_show(char *buf);

/* params.c */
extern bool nt_live;
extern bool nt_gone;
void nt_config_read(struct nt_dev *nd, struct nt_config *c);
bool nt_driver_listed(const char *drv);
bool nt_pending_take(struct net_device *dev, int *profile);
bool nt_dev_seen(struct net_device *dev);
void nt_kick(void);
void nt_flush(void);
void nt_passes_stop(void);
int nt_params_init(void);
void nt_params_free(void);

#endif /* _NETVSC_TUNE_H */
