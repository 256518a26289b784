// SPDX-License-Identifier: GPL-2.0-only
/*
 * nicsim models: the values and rules of three 6.12 drivers, as read from
 * their sources, in what netvsc_tune reaches.
 *
 * mlx5_core (en_ethtool.c, mlx5e_ethtool_set_ringparam()): a ring below
 *	2^6 entries is refused (-EINVAL); any other size becomes its log2
 *	rounded up (order_base_2()), so 3000 gives 4096. Maxima 2^13, 1024
 *	at creation. LRO can be switched and starts off; the UDP
 *	rx-flow-hash can be set; ntuple rules steer to RX queues.
 * hv_netvsc (netvsc_drv.c, netvsc_set_ringparam()): ring sizes are
 *	sections of the receive and send buffers; a size below
 *	NETVSC_MIN_RX_SECTIONS / NETVSC_MIN_TX_SECTIONS (10) is raised to
 *	it. The defaults and maxima here are those of the 16 MiB / 1 MiB
 *	buffers with their 1728 / 6144 byte sections. LRO (RSC) is in
 *	hw_features and on from probe; the UDP hash can be set.
 * mana (mana_ethtool.c, mana_set_ringparam()): a size is clamped to
 *	128..8192, then refused (-EINVAL) unless a power of two. No LRO in
 *	hw_features; get_rxnfc answers the ring count only, there is no
 *	set_rxnfc.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "nicsim.h"

static const struct nicsim_model nicsim_models[] = {
	{
		.name = "mlx5", .driver = "mlx5_core", .ifname = "mlx5sim%d",
		.ring_rule = NICSIM_RING_POW2_UP,
		.rx_min = 64, .rx_max = 8192, .rx_def = 1024,
		.tx_min = 64, .tx_max = 8192, .tx_def = 1024,
		.lro = true, .lro_on = false, .udp_hash = true, .ntuple = true,
	},
	{
		.name = "netvsc", .driver = "hv_netvsc", .ifname = "nvscsim%d",
		.ring_rule = NICSIM_RING_CLAMP,
		.rx_min = 10, .rx_max = 18811, .rx_def = 9709,
		.tx_min = 10, .tx_max = 2560, .tx_def = 170,
		.lro = true, .lro_on = true, .udp_hash = true, .ntuple = false,
	},
	{
		.name = "mana", .driver = "mana", .ifname = "manasim%d",
		.ring_rule = NICSIM_RING_POW2_ONLY,
		.rx_min = 128, .rx_max = 8192, .rx_def = 1024,
		.tx_min = 128, .tx_max = 8192, .tx_def = 256,
		.lro = false, .lro_on = false, .udp_hash = false, .ntuple = false,
	},
};

/**
 * nicsim_model_find - a model by name
 * @name: "mlx5", "netvsc" or "mana"
 *
 * Return: the model, or NULL.
 */
const struct nicsim_model *nicsim_model_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nicsim_models); i++)
		if (!strcmp(name, nicsim_models[i].name))
			return &nicsim_models[i];
	return NULL;
}

/**
 * nicsim_ring_fit - the ring size a driver sets for a request
 * @rule: the driver's rule
 * @min: its floor
 * @want: the size asked for, at most the maximum (the ethtool core checks)
 * @out: the size the driver sets
 *
 * Return: 0, or -EINVAL where the driver refuses the size.
 */
int nicsim_ring_fit(enum nicsim_ring_rule rule, u32 min, u32 want, u32 *out)
{
	switch (rule) {
	case NICSIM_RING_POW2_UP:
		if (want < min)
			return -EINVAL;
		*out = roundup_pow_of_two(want);
		return 0;
	case NICSIM_RING_CLAMP:
		*out = max(want, min);
		return 0;
	case NICSIM_RING_POW2_ONLY:
		want = max(want, min);
		if (!is_power_of_2(want))
			return -EINVAL;
		*out = want;
		return 0;
	}
	return -EINVAL;
}
