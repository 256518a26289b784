/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nicsim: a test-only net device that behaves, in what netvsc_tune reads
 * and writes, as the drivers of an Azure VM's NICs do in 6.12: mlx5_core
 * (the Mellanox VF), hv_netvsc (the synthetic NIC) and mana (the MANA VF).
 * netdevsim stores exactly what it is told; these round, clamp and refuse.
 *
 * model.c      the three models: pure values and rules, no device
 * ethtool.c    the ethtool operations, applying a model's rules
 * netdev.c     one net device: create, destroy, transmit
 * main.c       module life cycle and the debugfs control files
 *
 * Calls go one way: main.c -> netdev.c -> ethtool.c -> model.c.
 *
 * Locking: RTNL guards every field of struct nicsim_dev after registration
 * (ethtool operations run under it); nicsim_lock guards the device list.
 */
#ifndef _NICSIM_H
#define _NICSIM_H

#include <linux/ethtool.h>
#include <linux/list.h>
#include <linux/types.h>

struct net_device;

/* How a model fits a requested ring size to what it can do */
enum nicsim_ring_rule {
	NICSIM_RING_POW2_UP,	/* mlx5: below the floor refused, else rounded up to 2^n */
	NICSIM_RING_CLAMP,	/* hv_netvsc: raised to the floor */
	NICSIM_RING_POW2_ONLY,	/* mana: raised to the floor, then refused unless 2^n */
};

/**
 * struct nicsim_model - what one driver does with what netvsc_tune asks
 * @name: the model's name in the control file
 * @driver: the driver name "ethtool -i" reports
 * @ifname: the interface name pattern
 * @ring_rule: enum nicsim_ring_rule
 * @rx_min: RX ring floor
 * @rx_max: RX ring maximum (ethtool's rx_max_pending)
 * @rx_def: RX ring size at creation
 * @tx_min: TX ring floor
 * @tx_max: TX ring maximum
 * @tx_def: TX ring size at creation
 * @lro: LRO is in hw_features (the administrator can switch it)
 * @lro_on: LRO is on at creation
 * @udp_hash: the rx-flow-hash of UDP can be set (ETHTOOL_SRXFH)
 * @ntuple: ntuple rules (ETHTOOL_SRXCLSRLINS) steer to RX queues
 */
struct nicsim_model {
	const char *name;
	const char *driver;
	const char *ifname;
	enum nicsim_ring_rule ring_rule;
	u32 rx_min, rx_max, rx_def;
	u32 tx_min, tx_max, tx_def;
	bool lro;
	bool lro_on;
	bool udp_hash;
	bool ntuple;
};

#define NICSIM_MAX_QUEUES	64
#define NICSIM_MAX_RULES	16

/**
 * struct nicsim_rule - one ntuple rule
 * @used: the location holds a rule
 * @fs: the rule as ethtool gave it (location, flow type, ring)
 */
struct nicsim_rule {
	bool used;
	struct ethtool_rx_flow_spec fs;
};

/**
 * struct nicsim_dev - one device
 * @node: in nicsim_devs
 * @netdev: the net device
 * @model: its model
 * @queues: the most channels it can have (max_combined)
 * @channels: its combined channels now
 * @rx_ring: RX ring now
 * @tx_ring: TX ring now
 * @udp_hash: rx-flow-hash fields of UDP over IPv4 [0] and IPv6 [1]
 * @rules: ntuple rules by location
 */
struct nicsim_dev {
	struct list_head node;
	struct net_device *netdev;
	const struct nicsim_model *model;
	u32 queues;
	u32 channels;
	u32 rx_ring;
	u32 tx_ring;
	u32 udp_hash[2];
	struct nicsim_rule rules[NICSIM_MAX_RULES];
};

/* model.c */
const struct nicsim_model *nicsim_model_find(const char *name);
int nicsim_ring_fit(enum nicsim_ring_rule rule, u32 min, u32 want, u32 *out);

/* ethtool.c */
extern const struct ethtool_ops nicsim_ethtool_ops;

/* netdev.c */
struct nicsim_dev *nicsim_dev_create(const struct nicsim_model *model,
				     u32 queues);
void nicsim_dev_destroy(struct nicsim_dev *ns);

#endif /* _NICSIM_H */
