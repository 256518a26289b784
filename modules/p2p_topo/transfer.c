// SPDX-License-Identifier: GPL-2.0
/*
 * transfer.c - the P2P DMA test path: debugfs xfer and last.
 *
 * A write to xfer reads blocks of a block device by DMA into P2P memory
 * of a provider (or into RAM, the reference), times it and keeps a copy of
 * the bytes for a read of xfer to return.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
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

#include "p2p_topo.h"

#define P2P_TOPO_LAST_MAX	320

/* the last transfer: under p2p_topo_xfer_lock */
static DEFINE_MUTEX(p2p_topo_xfer_lock);
static void *p2p_topo_data;
static size_t p2p_topo_data_len;
static char p2p_topo_last[P2P_TOPO_LAST_MAX] = "none\n";

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
	struct pci_p2pdma_pair_info *info = NULL;
	struct pci_dev *prov = NULL, *cli = NULL;
	const char *map = "none";
	struct block_device *bdev;
	struct file *bdev_file;
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
		info = kmalloc(sizeof(*info), GFP_KERNEL);
		if (!info)
			goto out_copy;
		if (cli) {
			pci_p2pdma_get_pair_info(prov, cli, info);
			map = p2p_topo_map_name(info->map_type);
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
	kfree(info);
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

void p2p_topo_transfer_init(struct dentry *dir)
{
	debugfs_create_file("xfer", 0600, dir, NULL, &p2p_topo_xfer_fops);
	debugfs_create_file("last", 0444, dir, NULL, &p2p_topo_last_fops);
}

/* after the files are gone: nobody can reach the data any more */
void p2p_topo_transfer_exit(void)
{
	kvfree(p2p_topo_data);
	p2p_topo_data = NULL;
	p2p_topo_data_len = 0;
}
