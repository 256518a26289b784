// SPDX-License-Identifier: GPL-2.0-only
/*
 * nicsim net devices: created with a model's values, registered, and
 * destroyed. Transmitted packets are counted and dropped.
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "nicsim.h"

static netdev_tx_t nicsim_start_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static int nicsim_set_features(struct net_device *dev,
			       netdev_features_t features)
{
	return 0;
}

static const struct net_device_ops nicsim_netdev_ops = {
	.ndo_start_xmit = nicsim_start_xmit,
	.ndo_set_features = nicsim_set_features,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_set_mac_address = eth_mac_addr,
};

/**
 * nicsim_dev_create - a registered device of a model
 * @model: the model
 * @queues: its most channels, 1..NICSIM_MAX_QUEUES; it starts with all
 *
 * Return: the device, or an ERR_PTR().
 */
struct nicsim_dev *nicsim_dev_create(const struct nicsim_model *model,
				     u32 queues)
{
	const u32 udp_ports = RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 |
			      RXH_L4_B_2_3;
	struct net_device *dev;
	struct nicsim_dev *ns;
	int ret;

	if (!queues || queues > NICSIM_MAX_QUEUES)
		return ERR_PTR(-EINVAL);
	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	dev = alloc_netdev_mqs(sizeof(ns), model->ifname, NET_NAME_ENUM,
			       ether_setup, queues, queues);
	if (!dev) {
		kfree(ns);
		return ERR_PTR(-ENOMEM);
	}
	*(struct nicsim_dev **)netdev_priv(dev) = ns;
	ns->netdev = dev;
	ns->model = model;
	ns->queues = queues;
	ns->channels = queues;
	ns->rx_ring = model->rx_def;
	ns->tx_ring = model->tx_def;
	/* mlx5 and hv_netvsc hash UDP on the ports from the start */
	ns->udp_hash[0] = udp_ports;
	ns->udp_hash[1] = udp_ports;

	eth_hw_addr_random(dev);
	dev->netdev_ops = &nicsim_netdev_ops;
	dev->ethtool_ops = &nicsim_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM;
	if (model->lro)
		dev->hw_features |= NETIF_F_LRO;
	if (model->ntuple)
		dev->hw_features |= NETIF_F_NTUPLE;
	dev->features = dev->hw_features & ~(NETIF_F_LRO | NETIF_F_NTUPLE);
	if (model->lro_on)
		dev->features |= NETIF_F_LRO;
	if (model->ntuple)
		dev->features |= NETIF_F_NTUPLE;

	ret = register_netdev(dev);
	if (ret) {
		free_netdev(dev);
		kfree(ns);
		return ERR_PTR(ret);
	}
	return ns;
}

/**
 * nicsim_dev_destroy - unregister and free a device
 * @ns: the device
 */
void nicsim_dev_destroy(struct nicsim_dev *ns)
{
	unregister_netdev(ns->netdev);
	free_netdev(ns->netdev);
	kfree(ns);
}
