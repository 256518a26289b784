// SPDX-License-Identifier: GPL-2.0
/*
 * readout.c - the P2P map of the machine: debugfs matrix, pairs, providers.
 *
 * Every fact comes from the P2PDMA core: pci_p2pdma_get_pair_info() for a
 * provider/client pair (the decision the DMA mapping code makes, and the
 * rule behind it), pci_p2pmem_get_info() for a provider's memory.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "p2p_topo.h"

struct p2p_topo_devs {
	struct pci_dev **prov;
	unsigned int nprov;
	struct pci_dev **cli;
	unsigned int ncli;
};

/* a device with P2P memory (published or not) */
bool p2p_topo_is_provider(struct pci_dev *pdev)
{
	struct pci_p2pmem_info mi;

	return !pci_p2pmem_get_info(pdev, &mi);
}

/* endpoints: what can do DMA (bridges and host bridges cannot) */
static bool p2p_topo_is_client(struct pci_dev *pdev)
{
	return pdev->hdr_type == PCI_HEADER_TYPE_NORMAL &&
	       pdev->class >> 16 != PCI_BASE_CLASS_BRIDGE;
}

static void p2p_topo_put_devs(struct p2p_topo_devs *d)
{
	unsigned int i;

	for (i = 0; i < d->nprov; i++)
		pci_dev_put(d->prov[i]);
	for (i = 0; i < d->ncli; i++)
		pci_dev_put(d->cli[i]);
	kfree(d->prov);
	kfree(d->cli);
	memset(d, 0, sizeof(*d));
}

/* every provider and client, each with a reference */
static int p2p_topo_get_devs(struct p2p_topo_devs *d)
{
	struct pci_dev *pdev = NULL;
	unsigned int n = 0;

	memset(d, 0, sizeof(*d));
	for_each_pci_dev(pdev)
		n++;
	/* devices that appear from now on are left out */
	d->prov = kcalloc(n + 1, sizeof(*d->prov), GFP_KERNEL);
	d->cli = kcalloc(n + 1, sizeof(*d->cli), GFP_KERNEL);
	if (!d->prov || !d->cli) {
		p2p_topo_put_devs(d);
		return -ENOMEM;
	}
	for_each_pci_dev(pdev) {
		if (p2p_topo_is_provider(pdev) && d->nprov < n)
			d->prov[d->nprov++] = pci_dev_get(pdev);
		if (p2p_topo_is_client(pdev) && d->ncli < n)
			d->cli[d->ncli++] = pci_dev_get(pdev);
	}
	return 0;
}

/**
 * p2p_topo_driver_name - the name of the driver bound to a device, copied
 * @pdev: the device
 * @buf: output, NUL-terminated
 * @size: size of @buf
 *
 * The name lives in the driver, which may be a module: once the device
 * lock is dropped the driver may be unbound and its module unloaded.  So
 * the name is copied while the lock holds the driver bound, and only the
 * copy is used after.
 *
 * Return: @buf: the name, "-" for no driver, "?" when interrupted.
 */
const char *p2p_topo_driver_name(struct pci_dev *pdev, char *buf, size_t size)
{
	if (device_lock_interruptible(&pdev->dev)) {
		strscpy(buf, "?", size);
		return buf;
	}
	strscpy(buf, pdev->dev.driver ? pdev->dev.driver->name : "-", size);
	device_unlock(&pdev->dev);
	return buf;
}
EXPORT_SYMBOL_IF_KUNIT(p2p_topo_driver_name);

static int p2p_topo_matrix_show(struct seq_file *m, void *v)
{
	struct pci_p2pdma_pair_info *info;
	char cell[16], drv[P2P_TOPO_DRIVER_MAX];
	struct p2p_topo_devs d;
	unsigned int i, j;
	int ret;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	ret = p2p_topo_get_devs(&d);
	if (ret) {
		kfree(info);
		return ret;
	}

	seq_puts(m, "P2P DMA map: rows are P2P memory providers, columns are clients (DMA masters)\n");
	seq_puts(m, "cell: map(distance); BUS bus address (below a common bridge), HB through the host bridge,\n");
	seq_puts(m, "      X not supported, SELF the same function; see \"pairs\" for why\n\n");
	seq_printf(m, "%-14s", "");
	for (j = 0; j < d.ncli; j++)
		seq_printf(m, " %-10s", strchr(pci_name(d.cli[j]), ':') + 1);
	seq_putc(m, '\n');
	for (i = 0; i < d.nprov; i++) {
		seq_printf(m, "%-14s", pci_name(d.prov[i]));
		for (j = 0; j < d.ncli; j++) {
			pci_p2pdma_get_pair_info(d.prov[i], d.cli[j], info);
			if (info->distance < 0)
				scnprintf(cell, sizeof(cell), "X");
			else
				scnprintf(cell, sizeof(cell), "%s(%d)",
					  p2p_topo_map_code(info->map_type,
							    info->distance),
					  info->distance);
			seq_printf(m, " %-10s", cell);
		}
		seq_putc(m, '\n');
	}
	if (!d.nprov)
		seq_puts(m, "(no P2P memory providers)\n");
	seq_puts(m, "\nclients:\n");
	for (j = 0; j < d.ncli; j++)
		seq_printf(m, "  %s [%04x:%04x] class %06x driver %s\n",
			   pci_name(d.cli[j]), d.cli[j]->vendor,
			   d.cli[j]->device, d.cli[j]->class,
			   p2p_topo_driver_name(d.cli[j], drv, sizeof(drv)));

	p2p_topo_put_devs(&d);
	kfree(info);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2p_topo_matrix);

static int p2p_topo_pairs_show(struct seq_file *m, void *v)
{
	struct pci_p2pdma_pair_info *info;
	struct p2p_topo_devs d;
	unsigned int i, j;
	char *why;
	int ret;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	why = kmalloc(P2P_TOPO_WHY_MAX, GFP_KERNEL);
	if (!info || !why) {
		ret = -ENOMEM;
		goto out;
	}
	ret = p2p_topo_get_devs(&d);
	if (ret)
		goto out;
	seq_puts(m, "# provider client distance map why\n");
	for (i = 0; i < d.nprov; i++) {
		for (j = 0; j < d.ncli; j++) {
			pci_p2pdma_get_pair_info(d.prov[i], d.cli[j], info);
			p2p_topo_pair_why(info, why, P2P_TOPO_WHY_MAX);
			seq_printf(m, "%s %s %d %s %s\n", pci_name(d.prov[i]),
				   pci_name(d.cli[j]), info->distance,
				   p2p_topo_map_name(info->map_type), why);
		}
	}
	p2p_topo_put_devs(&d);
out:
	kfree(why);
	kfree(info);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(p2p_topo_pairs);

static int p2p_topo_providers_show(struct seq_file *m, void *v)
{
	char drv[P2P_TOPO_DRIVER_MAX];
	struct pci_p2pmem_info mi;
	struct p2p_topo_devs d;
	unsigned int i;
	int ret;

	ret = p2p_topo_get_devs(&d);
	if (ret)
		return ret;
	seq_puts(m, "# provider vendor:device size available published driver\n");
	for (i = 0; i < d.nprov; i++) {
		struct pci_dev *pdev = d.prov[i];

		/* its driver may have withdrawn the memory meanwhile */
		if (pci_p2pmem_get_info(pdev, &mi))
			continue;
		seq_printf(m, "%s %04x:%04x %zu %zu %d %s\n", pci_name(pdev),
			   pdev->vendor, pdev->device, mi.size, mi.available,
			   mi.published,
			   p2p_topo_driver_name(pdev, drv, sizeof(drv)));
	}
	p2p_topo_put_devs(&d);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2p_topo_providers);

void p2p_topo_readout_init(struct dentry *dir)
{
	debugfs_create_file("matrix", 0444, dir, NULL, &p2p_topo_matrix_fops);
	debugfs_create_file("pairs", 0444, dir, NULL, &p2p_topo_pairs_fops);
	debugfs_create_file("providers", 0444, dir, NULL,
			    &p2p_topo_providers_fops);
}
