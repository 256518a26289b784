// SPDX-License-Identifier: GPL-2.0
/*
 * publisher.c - the PCI driver "p2p_topo": publishes a memory BAR of a
 * device as P2P memory (the stand-in for a GPU BAR in tests).
 *
 * It has no device ID table and no module alias: neither udev nor the
 * driver core ever gives it a device by itself.  The administrator (or a
 * test) names the device:
 *
 *   echo p2p_topo > /sys/bus/pci/devices/DDDD:BB:DD.F/driver_override
 *   echo DDDD:BB:DD.F > /sys/bus/pci/drivers_probe
 *
 * and unbinding it withdraws the memory again.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>

#include "p2p_topo.h"

static int bar = -1;
module_param(bar, int, 0444);
MODULE_PARM_DESC(bar, "BAR to publish (-1: the largest memory BAR)");

static int p2p_topo_pick_bar(struct pci_dev *pdev)
{
	resource_size_t best_len = 0;
	int i, best = -ENODEV;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!(pci_resource_flags(pdev, i) & IORESOURCE_MEM))
			continue;
		if (pci_resource_len(pdev, i) > best_len) {
			best_len = pci_resource_len(pdev, i);
			best = i;
		}
	}
	return best;
}

static int p2p_topo_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int b, ret;

	b = bar >= 0 ? bar : p2p_topo_pick_bar(pdev);
	if (b < 0 || b >= PCI_STD_NUM_BARS ||
	    !(pci_resource_flags(pdev, b) & IORESOURCE_MEM) ||
	    !pci_resource_len(pdev, b)) {
		pci_err(pdev, "p2p_topo: no memory BAR %d to publish\n", b);
		return -ENODEV;
	}

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	/* the P2PDMA core's resources are device-managed: undone on unbind */
	ret = pci_p2pdma_add_resource(pdev, b, 0, 0);
	if (ret) {
		pci_err(pdev, "p2p_topo: cannot add BAR %d as P2P memory: %d\n",
			b, ret);
		return ret;
	}
	pci_p2pmem_publish(pdev, true);
	pci_info(pdev, "p2p_topo: BAR %d %pR published as P2P memory\n", b,
		 &pdev->resource[b]);
	return 0;
}

static void p2p_topo_remove(struct pci_dev *pdev)
{
	pci_p2pmem_publish(pdev, false);
	pci_info(pdev, "p2p_topo: P2P memory withdrawn\n");
}

/* no .id_table: it binds only where driver_override names it */
static struct pci_driver p2p_topo_driver = {
	.name = "p2p_topo",
	.probe = p2p_topo_probe,
	.remove = p2p_topo_remove,
};

int p2p_topo_publisher_init(void)
{
	return pci_register_driver(&p2p_topo_driver);
}

void p2p_topo_publisher_exit(void)
{
	pci_unregister_driver(&p2p_topo_driver);
}
