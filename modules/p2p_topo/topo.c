// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_topo - PCI P2PDMA topology readout and test transfers.
 *
 * debugfs, /sys/kernel/debug/p2p_topo/:
 *   matrix     providers x clients grid: map type and distance
 *   pairs      one line per provider/client pair: distance, map type, why
 *   providers  P2P memory providers: pool size, available bytes, published
 *   xfer       write "PATH OFFSET LENGTH TARGET [REPEAT]": read LENGTH
 *              bytes at OFFSET of block device PATH by DMA into P2P memory
 *              of provider TARGET (DDDD:BB:DD.F) or into RAM ("ram");
 *              the write fails with the I/O's error (EREMOTEIO when the
 *              P2PDMA core refuses the mapping).  Read: the bytes of the
 *              last transfer that succeeded.
 *   last       the outcome of the last transfer, one line
 *
 * The PCI driver "p2p_topo" publishes a memory BAR as P2P memory: it binds
 * to QEMU's ivshmem-plain (1af4:1110, BAR 2) by itself, and to any device
 * given to it with driver_override (the largest memory BAR, or bar=).
 * Unbinding, or unloading the module, removes the P2P memory again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/kernfs.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#ifdef CONFIG_X86
#include <asm/processor.h>
#endif

#include "p2p_topo.h"

#define P2P_TOPO_WHY_MAX	192
#define P2P_TOPO_LAST_MAX	320

static int bar = -1;
module_param(bar, int, 0444);
MODULE_PARM_DESC(bar, "BAR to publish for devices bound with driver_override (-1: the largest memory BAR)");

static struct dentry *p2p_topo_dir;

/* the last transfer: under p2p_topo_xfer_lock */
static DEFINE_MUTEX(p2p_topo_xfer_lock);
static void *p2p_topo_data;
static size_t p2p_topo_data_len;
static char p2p_topo_last[P2P_TOPO_LAST_MAX] = "none\n";

/* ---- topology ---------------------------------------------------------- */

struct p2p_topo_devs {
	struct pci_dev **prov;
	unsigned int nprov;
	struct pci_dev **cli;
	unsigned int ncli;
};

static bool p2p_topo_is_provider(struct pci_dev *pdev)
{
	return !!rcu_access_pointer(pdev->p2pdma);
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

/* same test as the P2PDMA core's: ACS redirects P2P requests upstream */
static bool p2p_topo_acs_redir(struct pci_dev *pdev)
{
	u16 ctrl;

	if (!pdev->acs_cap)
		return false;
	pci_read_config_word(pdev, pdev->acs_cap + PCI_ACS_CTRL, &ctrl);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

static bool p2p_topo_below(struct pci_dev *dev, struct pci_dev *bridge)
{
	for (; dev; dev = pci_upstream_bridge(dev))
		if (dev == bridge)
			return true;
	return false;
}

/* the device the P2PDMA core matches host bridge lists against */
static int p2p_topo_host_desc(struct pci_dev *pdev, char *buf, size_t size)
{
	struct pci_bus *root = pci_find_host_bridge(pdev->bus)->bus;
	struct pci_dev *head = pci_get_slot(root, PCI_DEVFN(0, 0));
	int len;

	if (!head)
		return scnprintf(buf, size, "root bus %04x:%02x (no 00.0)",
				 pci_domain_nr(root), root->number);
	len = scnprintf(buf, size, "%s [%04x:%04x]", pci_name(head),
			head->vendor, head->device);
	pci_dev_put(head);
	return len;
}

static bool p2p_topo_amd_zen(void)
{
#ifdef CONFIG_X86
	return boot_cpu_data.x86_vendor == X86_VENDOR_AMD &&
	       boot_cpu_data.x86 >= 0x17;
#else
	return false;
#endif
}

struct p2p_topo_pair {
	int dist;
	int map;	/* enum pci_p2pdma_map_type */
	char why[P2P_TOPO_WHY_MAX];
};

/*
 * Distance and allowed/refused come from the P2PDMA core
 * (pci_p2pdma_distance_many()); the map type and the reason from walking
 * the same path it walks.
 */
static void p2p_topo_pair(struct pci_dev *prov, struct pci_dev *cli,
			  struct p2p_topo_pair *p)
{
	struct device *dev = &cli->dev;
	struct pci_dev *common = NULL, *a, *acs = NULL;
	char hp[48], hc[48];
	size_t size = sizeof(p->why);
	int len = 0;

	p->dist = pci_p2pdma_distance_many(prov, &dev, 1, false);

	for (a = prov; a && !common; a = pci_upstream_bridge(a)) {
		if (!acs && p2p_topo_acs_redir(a))
			acs = a;
		if (p2p_topo_below(cli, a))
			common = a;
	}
	for (a = cli; common && a && a != common && !acs;
	     a = pci_upstream_bridge(a))
		if (p2p_topo_acs_redir(a))
			acs = a;

	if (p->dist < 0)
		p->map = PCI_P2PDMA_MAP_NOT_SUPPORTED;
	else if (common && !acs)
		p->map = PCI_P2PDMA_MAP_BUS_ADDR;
	else
		p->map = PCI_P2PDMA_MAP_THRU_HOST_BRIDGE;

	if (p->map == PCI_P2PDMA_MAP_BUS_ADDR) {
		if (prov == cli)
			scnprintf(p->why, size, "same function");
		else
			scnprintf(p->why, size, "common upstream bridge %s, no ACS redirect",
				  pci_name(common));
		return;
	}

	if (common)
		len = scnprintf(p->why, size, "common upstream bridge %s but ACS redirect at %s; ",
				pci_name(common), pci_name(acs));
	else
		len = scnprintf(p->why, size, "no common upstream bridge; ");

	p2p_topo_host_desc(prov, hp, sizeof(hp));
	p2p_topo_host_desc(cli, hc, sizeof(hc));
	if (pci_find_host_bridge(prov->bus) == pci_find_host_bridge(cli->bus))
		len += scnprintf(p->why + len, size - len, "host bridge %s ",
				 hp);
	else
		len += scnprintf(p->why + len, size - len, "host bridges %s and %s ",
				 hp, hc);

	if (p->map == PCI_P2PDMA_MAP_NOT_SUPPORTED)
		scnprintf(p->why + len, size - len,
			  "neither in the built-in list nor in pci_p2pdma.allow");
	else if (p2p_topo_amd_zen())
		scnprintf(p->why + len, size - len, "allowed: AMD Zen CPU");
	else
		scnprintf(p->why + len, size - len,
			  "allowed by the built-in list or pci_p2pdma.allow");
}

static const char *p2p_topo_map_code(int map, bool same)
{
	if (same)
		return "SELF";
	switch (map) {
	case PCI_P2PDMA_MAP_BUS_ADDR:
		return "BUS";
	case PCI_P2PDMA_MAP_THRU_HOST_BRIDGE:
		return "HB";
	default:
		return "X";
	}
}

static const char *p2p_topo_driver_name(struct pci_dev *pdev)
{
	/* the name is static in the driver: good after the lock is dropped */
	const char *name = "-";

	device_lock(&pdev->dev);
	if (pdev->dev.driver)
		name = pdev->dev.driver->name;
	device_unlock(&pdev->dev);
	return name;
}

static int p2p_topo_matrix_show(struct seq_file *m, void *v)
{
	struct p2p_topo_devs d;
	struct p2p_topo_pair *p;
	unsigned int i, j;
	char cell[16];
	int ret;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	ret = p2p_topo_get_devs(&d);
	if (ret) {
		kfree(p);
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
			p2p_topo_pair(d.prov[i], d.cli[j], p);
			if (p->dist < 0)
				scnprintf(cell, sizeof(cell), "X");
			else
				scnprintf(cell, sizeof(cell), "%s(%d)",
					  p2p_topo_map_code(p->map,
							    d.prov[i] == d.cli[j]),
					  p->dist);
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
			   p2p_topo_driver_name(d.cli[j]));

	p2p_topo_put_devs(&d);
	kfree(p);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2p_topo_matrix);

static int p2p_topo_pairs_show(struct seq_file *m, void *v)
{
	struct p2p_topo_devs d;
	struct p2p_topo_pair *p;
	unsigned int i, j;
	int ret;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	ret = p2p_topo_get_devs(&d);
	if (ret) {
		kfree(p);
		return ret;
	}
	seq_puts(m, "# provider client distance map why\n");
	for (i = 0; i < d.nprov; i++) {
		for (j = 0; j < d.ncli; j++) {
			p2p_topo_pair(d.prov[i], d.cli[j], p);
			seq_printf(m, "%s %s %d %s %s\n", pci_name(d.prov[i]),
				   pci_name(d.cli[j]), p->dist,
				   p2p_topo_map_name(p->map), p->why);
		}
	}
	p2p_topo_put_devs(&d);
	kfree(p);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2p_topo_pairs);

/*
 * A value of the provider's p2pmem/ sysfs group (size, available,
 * published).  The P2PDMA core keeps its pool private; its sysfs show()
 * methods are the interface it offers, so call the one behind the file.
 * They are built into the kernel and check pdev->p2pdma under RCU, and we
 * hold a reference to the device, so this is safe even if the group goes
 * away meanwhile.
 */
static int p2p_topo_p2pmem_attr(struct pci_dev *pdev, const char *name,
				unsigned long long *val)
{
	struct kernfs_node *grp, *kn;
	struct device_attribute *attr;
	char *buf;
	int ret = -ENOENT;

	grp = kernfs_find_and_get(pdev->dev.kobj.sd, "p2pmem");
	if (!grp)
		return -ENOENT;
	kn = kernfs_find_and_get(grp, name);
	kernfs_put(grp);
	if (!kn)
		return -ENOENT;
	buf = (char *)get_zeroed_page(GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (kernfs_type(kn) == KERNFS_FILE && kn->priv) {
		attr = container_of((struct attribute *)kn->priv,
				    struct device_attribute, attr);
		ret = -EINVAL;
		if (attr->show && attr->show(&pdev->dev, attr, buf) > 0)
			ret = kstrtoull(strim(buf), 0, val);
	}
	free_page((unsigned long)buf);
out:
	kernfs_put(kn);
	return ret;
}

static int p2p_topo_providers_show(struct seq_file *m, void *v)
{
	unsigned long long size, avail, published;
	struct p2p_topo_devs d;
	unsigned int i;
	int ret;

	ret = p2p_topo_get_devs(&d);
	if (ret)
		return ret;
	seq_puts(m, "# provider vendor:device size available published driver\n");
	for (i = 0; i < d.nprov; i++) {
		struct pci_dev *pdev = d.prov[i];

		if (p2p_topo_p2pmem_attr(pdev, "size", &size))
			size = 0;
		if (p2p_topo_p2pmem_attr(pdev, "available", &avail))
			avail = 0;
		if (p2p_topo_p2pmem_attr(pdev, "published", &published))
			published = 0;
		seq_printf(m, "%s %04x:%04x %llu %llu %llu %s\n", pci_name(pdev),
			   pdev->vendor, pdev->device, size, avail, published,
			   p2p_topo_driver_name(pdev));
	}
	p2p_topo_put_devs(&d);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2p_topo_providers);

/* ---- transfers ---------------------------------------------------------- */

/* the PCI function that does the DMA for @bdev, with a reference */
static struct pci_dev *p2p_topo_bdev_pci(struct block_device *bdev)
{
	struct device *dev;

	for (dev = disk_to_dev(bdev->bd_disk); dev; dev = dev->parent)
		if (dev_is_pci(dev))
			return pci_dev_get(to_pci_dev(dev));
	return NULL;
}

static int p2p_topo_read_once(struct block_device *bdev, u64 offset,
			      void *buf, u32 len)
{
	struct bio *bio;
	u32 done, n;
	int ret;

	bio = bio_alloc(bdev, DIV_ROUND_UP(len, PAGE_SIZE), REQ_OP_READ,
			GFP_KERNEL);
	if (!bio)
		return -ENOMEM;
	bio->bi_iter.bi_sector = offset >> SECTOR_SHIFT;
	for (done = 0; done < len; done += n) {
		n = min_t(u32, len - done, PAGE_SIZE);
		if (bio_add_page(bio, virt_to_page(buf + done), n,
				 offset_in_page(buf + done)) != n) {
			ret = -EIO;
			goto out;
		}
	}
	ret = submit_bio_wait(bio);
out:
	bio_put(bio);
	return ret;
}

static void p2p_topo_set_last(int err, const struct p2p_topo_xfer_req *req,
			      struct pci_dev *cli, const char *map, u64 ns)
{
	u64 bytes = (u64)req->len * req->repeat;
	char target[24];

	lockdep_assert_held(&p2p_topo_xfer_lock);
	if (req->to_ram)
		strscpy(target, "ram", sizeof(target));
	else
		scnprintf(target, sizeof(target), "%04x:%02x:%02x.%d",
			  req->domain, req->bus, PCI_SLOT(req->devfn),
			  PCI_FUNC(req->devfn));
	scnprintf(p2p_topo_last, sizeof(p2p_topo_last),
		  "%s %d path=%s client=%s offset=%llu len=%u target=%s map=%s repeat=%u ns=%llu MBps=%llu\n",
		  err ? "error" : "ok", err, req->path,
		  cli ? pci_name(cli) : "-", req->offset, req->len, target,
		  map, req->repeat, ns,
		  ns ? div64_u64(bytes * 1000, ns) : 0);
}

static int p2p_topo_xfer(const struct p2p_topo_xfer_req *req)
{
	struct pci_dev *prov = NULL, *cli = NULL;
	const char *map = "none";
	struct block_device *bdev;
	struct file *bdev_file;
	struct p2p_topo_pair *p = NULL;
	void *buf = NULL, *copy;
	u64 t0, ns = 0;
	unsigned int i;
	int ret;

	lockdep_assert_held(&p2p_topo_xfer_lock);

	bdev_file = bdev_file_open_by_path(req->path, BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(bdev_file)) {
		ret = PTR_ERR(bdev_file);
		pr_err("xfer: cannot open %s: %d\n", req->path, ret);
		goto out_last;
	}
	bdev = file_bdev(bdev_file);
	ret = -EINVAL;
	if (req->offset % bdev_logical_block_size(bdev) ||
	    req->len % bdev_logical_block_size(bdev) ||
	    req->offset + req->len > bdev_nr_bytes(bdev)) {
		pr_err("xfer: %s: offset and length must be multiples of %u inside the device's %lld bytes\n",
		       req->path, bdev_logical_block_size(bdev),
		       bdev_nr_bytes(bdev));
		goto out_bdev;
	}
	cli = p2p_topo_bdev_pci(bdev);

	ret = -ENOMEM;
	copy = kvmalloc(req->len, GFP_KERNEL);
	if (!copy)
		goto out_bdev;

	if (req->to_ram) {
		map = "ram";
		buf = alloc_pages_exact(req->len, GFP_KERNEL);
		if (!buf) {
			pr_err("xfer: no %u bytes of contiguous RAM\n", req->len);
			goto out_copy;
		}
	} else {
		ret = -ENODEV;
		prov = pci_get_domain_bus_and_slot(req->domain, req->bus,
						   req->devfn);
		if (!prov || !p2p_topo_is_provider(prov)) {
			pr_err("xfer: %04x:%02x:%02x.%d is not a P2P memory provider\n",
			       req->domain, req->bus, PCI_SLOT(req->devfn),
			       PCI_FUNC(req->devfn));
			goto out_copy;
		}
		ret = -EOPNOTSUPP;
		if (!blk_queue_pci_p2pdma(bdev_get_queue(bdev))) {
			pr_err("xfer: %s does not take P2P memory (QUEUE_FLAG_PCI_P2PDMA)\n",
			       req->path);
			goto out_copy;
		}
		ret = -ENOMEM;
		p = kmalloc(sizeof(*p), GFP_KERNEL);
		if (!p)
			goto out_copy;
		if (cli) {
			p2p_topo_pair(prov, cli, p);
			map = p2p_topo_map_name(p->map);
		}
		buf = pci_alloc_p2pmem(prov, req->len);
		if (!buf) {
			pr_err("xfer: %s has no %u bytes of P2P memory free\n",
			       pci_name(prov), req->len);
			goto out_copy;
		}
	}

	t0 = ktime_get_ns();
	for (i = 0; i < req->repeat; i++) {
		ret = p2p_topo_read_once(bdev, req->offset, buf, req->len);
		if (ret)
			break;
	}
	ns = ktime_get_ns() - t0;

	if (!ret) {
		/*
		 * P2P memory has a kernel mapping (ZONE_DEVICE pages): the
		 * CPU reads it like RAM, uncached, which is what we want.
		 */
		memcpy(copy, buf, req->len);
		kvfree(p2p_topo_data);
		p2p_topo_data = copy;
		p2p_topo_data_len = req->len;
		copy = NULL;
	} else {
		pr_err("xfer: reading %u bytes of %s into %s failed: %d\n",
		       req->len, req->path,
		       req->to_ram ? "ram" : pci_name(prov), ret);
	}

	if (req->to_ram)
		free_pages_exact(buf, req->len);
	else
		pci_free_p2pmem(prov, buf, req->len);
out_copy:
	kvfree(copy);
out_bdev:
	fput(bdev_file);
out_last:
	p2p_topo_set_last(ret, req, cli, map, ns);
	kfree(p);
	pci_dev_put(prov);
	pci_dev_put(cli);
	return ret;
}

static ssize_t p2p_topo_xfer_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct p2p_topo_xfer_req req;
	const char *why;
	char kbuf[256];
	int ret;

	if (count >= sizeof(kbuf)) {
		pr_err("xfer: command too long\n");
		return -EINVAL;
	}
	if (copy_from_user(kbuf, ubuf, count))
		return -EFAULT;
	kbuf[count] = '\0';
	if (p2p_topo_parse_xfer(kbuf, count, &req, &why)) {
		pr_err("xfer: bad command \"%.*s\": %s\n",
		       (int)strcspn(kbuf, "\n"), kbuf, why);
		return -EINVAL;
	}

	ret = mutex_lock_interruptible(&p2p_topo_xfer_lock);
	if (ret)
		return ret;
	ret = p2p_topo_xfer(&req);
	mutex_unlock(&p2p_topo_xfer_lock);
	return ret ? ret : count;
}

static ssize_t p2p_topo_xfer_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	ssize_t ret;

	ret = mutex_lock_interruptible(&p2p_topo_xfer_lock);
	if (ret)
		return ret;
	ret = simple_read_from_buffer(ubuf, count, ppos, p2p_topo_data,
				      p2p_topo_data_len);
	mutex_unlock(&p2p_topo_xfer_lock);
	return ret;
}

static const struct file_operations p2p_topo_xfer_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = p2p_topo_xfer_read,
	.write = p2p_topo_xfer_write,
	.llseek = default_llseek,
};

static int p2p_topo_last_show(struct seq_file *m, void *v)
{
	int ret = mutex_lock_interruptible(&p2p_topo_xfer_lock);

	if (ret)
		return ret;
	seq_puts(m, p2p_topo_last);
	mutex_unlock(&p2p_topo_xfer_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2p_topo_last);

/* ---- the BAR publisher ------------------------------------------------ */

#define P2P_TOPO_IVSHMEM_BAR	2

static const struct pci_device_id p2p_topo_ids[] = {
	/* QEMU ivshmem-plain: BAR 2 is the shared memory */
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1110),
	  .driver_data = P2P_TOPO_IVSHMEM_BAR + 1 },
	{ }
};
MODULE_DEVICE_TABLE(pci, p2p_topo_ids);

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

	/* driver_data is BAR + 1 for our own IDs; 0 with driver_override */
	if (id->driver_data)
		b = id->driver_data - 1;
	else if (bar >= 0)
		b = bar;
	else
		b = p2p_topo_pick_bar(pdev);
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

static struct pci_driver p2p_topo_driver = {
	.name = "p2p_topo",
	.id_table = p2p_topo_ids,
	.probe = p2p_topo_probe,
	.remove = p2p_topo_remove,
};

/* ---- module ------------------------------------------------------------- */

static int __init p2p_topo_init(void)
{
	int ret;

	p2p_topo_dir = debugfs_create_dir("p2p_topo", NULL);
	if (IS_ERR(p2p_topo_dir))
		return PTR_ERR(p2p_topo_dir);
	debugfs_create_file("matrix", 0444, p2p_topo_dir, NULL,
			    &p2p_topo_matrix_fops);
	debugfs_create_file("pairs", 0444, p2p_topo_dir, NULL,
			    &p2p_topo_pairs_fops);
	debugfs_create_file("providers", 0444, p2p_topo_dir, NULL,
			    &p2p_topo_providers_fops);
	debugfs_create_file("xfer", 0600, p2p_topo_dir, NULL,
			    &p2p_topo_xfer_fops);
	debugfs_create_file("last", 0444, p2p_topo_dir, NULL,
			    &p2p_topo_last_fops);

	ret = pci_register_driver(&p2p_topo_driver);
	if (ret)
		debugfs_remove_recursive(p2p_topo_dir);
	return ret;
}

static void __exit p2p_topo_exit(void)
{
	/* waits for readers and writers of our files */
	debugfs_remove_recursive(p2p_topo_dir);
	/* unbinds: the P2PDMA core frees the memory it added */
	pci_unregister_driver(&p2p_topo_driver);
	kvfree(p2p_topo_data);
}

module_init(p2p_topo_init);
module_exit(p2p_topo_exit);

MODULE_DESCRIPTION("PCI P2PDMA topology readout, BAR publisher and test transfers");
MODULE_AUTHOR("Nimbus Kernel Team");
MODULE_LICENSE("GPL");
