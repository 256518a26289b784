// SPDX-License-Identifier: GPL-2.0-only
/*
 * nicsim ethtool operations: channels, rings, the UDP rx-flow-hash and
 * ntuple rules, each as the device's model does it (model.c). Called by
 * the ethtool core and by netvsc_tune, under RTNL.
 */

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/string.h>

#include "nicsim.h"

static struct nicsim_dev *nicsim_priv(struct net_device *dev)
{
	return *(struct nicsim_dev **)netdev_priv(dev);
}

static void nicsim_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	strscpy(info->driver, nicsim_priv(dev)->model->driver,
		sizeof(info->driver));
	strscpy(info->bus_info, "nicsim", sizeof(info->bus_info));
}

static void nicsim_get_channels(struct net_device *dev,
				struct ethtool_channels *ch)
{
	struct nicsim_dev *ns = nicsim_priv(dev);

	ch->max_combined = ns->queues;
	ch->combined_count = ns->channels;
}

static int nicsim_set_channels(struct net_device *dev,
			       struct ethtool_channels *ch)
{
	struct nicsim_dev *ns = nicsim_priv(dev);
	int ret;

	if (ch->rx_count || ch->tx_count || ch->other_count ||
	    !ch->combined_count || ch->combined_count > ns->queues)
		return -EINVAL;
	/*
	 * No check of the ntuple rules: the ethtool core makes it before a
	 * driver is called (ethtool_check_max_channel()), and a caller that
	 * skips the core leaves rules steering to queues that are gone, as
	 * it would on mlx5. The tests read the rules back to see it.
	 */
	ret = netif_set_real_num_tx_queues(dev, ch->combined_count);
	if (!ret)
		ret = netif_set_real_num_rx_queues(dev, ch->combined_count);
	if (ret) {
		netif_set_real_num_tx_queues(dev, ns->channels);
		netif_set_real_num_rx_queues(dev, ns->channels);
		return ret;
	}
	ns->channels = ch->combined_count;
	return 0;
}

static void nicsim_get_ringparam(struct net_device *dev,
				 struct ethtool_ringparam *r,
				 struct kernel_ethtool_ringparam *kr,
				 struct netlink_ext_ack *extack)
{
	struct nicsim_dev *ns = nicsim_priv(dev);

	r->rx_max_pending = ns->model->rx_max;
	r->tx_max_pending = ns->model->tx_max;
	r->rx_pending = ns->rx_ring;
	r->tx_pending = ns->tx_ring;
}

static int nicsim_set_ringparam(struct net_device *dev,
				struct ethtool_ringparam *r,
				struct kernel_ethtool_ringparam *kr,
				struct netlink_ext_ack *extack)
{
	struct nicsim_dev *ns = nicsim_priv(dev);
	const struct nicsim_model *m = ns->model;
	u32 rx, tx;
	int ret;

	if (r->rx_jumbo_pending || r->rx_mini_pending)
		return -EINVAL;
	ret = nicsim_ring_fit(m->ring_rule, m->rx_min, r->rx_pending, &rx);
	if (!ret)
		ret = nicsim_ring_fit(m->ring_rule, m->tx_min, r->tx_pending, &tx);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "ring size not supported by this model");
		return ret;
	}
	ns->rx_ring = rx;
	ns->tx_ring = tx;
	return 0;
}

static int nicsim_flow_index(u32 flow_type)
{
	switch (flow_type) {
	case UDP_V4_FLOW:
		return 0;
	case UDP_V6_FLOW:
		return 1;
	default:
		return -1;
	}
}

static int nicsim_get_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info,
			    u32 *rule_locs)
{
	struct nicsim_dev *ns = nicsim_priv(dev);
	unsigned int i, n = 0;
	int f;

	switch (info->cmd) {
	case ETHTOOL_GRXRINGS:
		info->data = ns->channels;
		return 0;
	case ETHTOOL_GRXFH:
		if (!ns->model->udp_hash)
			return -EOPNOTSUPP;
		f = nicsim_flow_index(info->flow_type);
		if (f < 0) {
			info->data = RXH_IP_SRC | RXH_IP_DST;
			return 0;
		}
		info->data = ns->udp_hash[f];
		return 0;
	case ETHTOOL_GRXCLSRLCNT:
		if (!ns->model->ntuple)
			return -EOPNOTSUPP;
		for (i = 0; i < NICSIM_MAX_RULES; i++)
			n += ns->rules[i].used;
		info->rule_cnt = n;
		info->data = NICSIM_MAX_RULES;
		return 0;
	case ETHTOOL_GRXCLSRULE:
		if (!ns->model->ntuple)
			return -EOPNOTSUPP;
		if (info->fs.location >= NICSIM_MAX_RULES ||
		    !ns->rules[info->fs.location].used)
			return -ENOENT;
		info->fs = ns->rules[info->fs.location].fs;
		return 0;
	case ETHTOOL_GRXCLSRLALL:
		if (!ns->model->ntuple)
			return -EOPNOTSUPP;
		for (i = 0; i < NICSIM_MAX_RULES; i++) {
			if (!ns->rules[i].used)
				continue;
			if (n >= info->rule_cnt)
				return -EMSGSIZE;
			rule_locs[n++] = i;
		}
		info->rule_cnt = n;
		info->data = NICSIM_MAX_RULES;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int nicsim_set_rxnfc(struct net_device *dev, struct ethtool_rxnfc *info)
{
	struct nicsim_dev *ns = nicsim_priv(dev);
	struct ethtool_rx_flow_spec *fs = &info->fs;
	int f;

	switch (info->cmd) {
	case ETHTOOL_SRXFH:
		f = nicsim_flow_index(info->flow_type);
		if (!ns->model->udp_hash || f < 0)
			return -EOPNOTSUPP;
		/* UDP: addresses always, the ports with them or not at all */
		if (info->data != (RXH_IP_SRC | RXH_IP_DST) &&
		    info->data != (RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 |
				   RXH_L4_B_2_3))
			return -EINVAL;
		ns->udp_hash[f] = info->data;
		return 0;
	case ETHTOOL_SRXCLSRLINS:
		if (!ns->model->ntuple)
			return -EOPNOTSUPP;
		if (fs->location >= NICSIM_MAX_RULES ||
		    (fs->ring_cookie != RX_CLS_FLOW_DISC &&
		     fs->ring_cookie >= ns->channels))
			return -EINVAL;
		ns->rules[fs->location].fs = *fs;
		ns->rules[fs->location].used = true;
		return 0;
	case ETHTOOL_SRXCLSRLDEL:
		if (!ns->model->ntuple)
			return -EOPNOTSUPP;
		if (fs->location >= NICSIM_MAX_RULES ||
		    !ns->rules[fs->location].used)
			return -ENOENT;
		ns->rules[fs->location].used = false;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

const struct ethtool_ops nicsim_ethtool_ops = {
	.get_drvinfo = nicsim_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_channels = nicsim_get_channels,
	.set_channels = nicsim_set_channels,
	.get_ringparam = nicsim_get_ringparam,
	.set_ringparam = nicsim_set_ringparam,
	.get_rxnfc = nicsim_get_rxnfc,
	.set_rxnfc = nicsim_set_rxnfc,
};
