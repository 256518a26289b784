// SPDX-License-Identifier: GPL-2.0-only
/*
 * nicsim: test-only net devices that round, clamp and refuse as mlx5_core,
 * hv_netvsc and mana do (nicsim.h). Control files, in debugfs:
 *
 *   /sys/kernel/debug/nicsim/new_device   "MODEL QUEUES": a new device of
 *	MODEL (mlx5, netvsc, mana) with QUEUES (1..64) channels; its name
 *	follows the model (mlx5sim0, nvscsim0, manasim0)
 *   /sys/kernel/debug/nicsim/del_device   "IFNAME": delete that device
 *
 * A bad write fails with -EINVAL (-ENODEV for an unknown IFNAME) and a log
 * line naming what was wrong; nothing is created or deleted then. Unload
 * deletes every device.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "nicsim.h"

static LIST_HEAD(nicsim_devs);
static DEFINE_MUTEX(nicsim_lock);
static struct dentry *nicsim_dir;

/* a control file's text: at most @size - 1 bytes, one trailing newline cut */
static int nicsim_copy_in(const char __user *ubuf, size_t count, char *buf,
			  size_t size)
{
	if (!count || count >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (buf[count - 1] == '\n')
		buf[count - 1] = '\0';
	return 0;
}

static ssize_t nicsim_new_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	const struct nicsim_model *model;
	char buf[64], name[16], extra;
	struct nicsim_dev *ns;
	u32 queues;
	int ret;

	ret = nicsim_copy_in(ubuf, count, buf, sizeof(buf));
	if (ret)
		return ret;
	if (sscanf(buf, "%15s %u %c", name, &queues, &extra) != 2) {
		pr_warn("new_device: \"%s\": expected \"MODEL QUEUES\"\n", buf);
		return -EINVAL;
	}
	model = nicsim_model_find(name);
	if (!model) {
		pr_warn("new_device: unknown model \"%s\" (mlx5, netvsc, mana)\n",
			name);
		return -EINVAL;
	}
	if (!queues || queues > NICSIM_MAX_QUEUES) {
		pr_warn("new_device: queues %u not in 1..%u\n", queues,
			NICSIM_MAX_QUEUES);
		return -EINVAL;
	}
	mutex_lock(&nicsim_lock);
	ns = nicsim_dev_create(model, queues);
	if (!IS_ERR(ns))
		list_add_tail(&ns->node, &nicsim_devs);
	mutex_unlock(&nicsim_lock);
	if (IS_ERR(ns)) {
		pr_warn("new_device: %s: %ld\n", name, PTR_ERR(ns));
		return PTR_ERR(ns);
	}
	return count;
}

static ssize_t nicsim_del_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct nicsim_dev *ns, *found = NULL;
	char buf[IFNAMSIZ + 1];
	int ret;

	ret = nicsim_copy_in(ubuf, count, buf, sizeof(buf));
	if (ret)
		return ret;
	mutex_lock(&nicsim_lock);
	rtnl_lock();
	list_for_each_entry(ns, &nicsim_devs, node) {
		if (!strcmp(netdev_name(ns->netdev), buf)) {
			found = ns;
			break;
		}
	}
	rtnl_unlock();
	if (found) {
		list_del(&found->node);
		nicsim_dev_destroy(found);
	}
	mutex_unlock(&nicsim_lock);
	if (!found) {
		pr_warn("del_device: no nicsim device \"%s\"\n", buf);
		return -ENODEV;
	}
	return count;
}

static const struct file_operations nicsim_new_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = nicsim_new_write,
	.llseek = noop_llseek,
};

static const struct file_operations nicsim_del_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = nicsim_del_write,
	.llseek = noop_llseek,
};

static int __init nicsim_init(void)
{
	nicsim_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(nicsim_dir))
		return PTR_ERR(nicsim_dir);
	debugfs_create_file("new_device", 0200, nicsim_dir, NULL,
			    &nicsim_new_fops);
	debugfs_create_file("del_device", 0200, nicsim_dir, NULL,
			    &nicsim_del_fops);
	return 0;
}

static void __exit nicsim_exit(void)
{
	struct nicsim_dev *ns, *tmp;

	/* no control write runs past this: the files are gone */
	debugfs_remove_recursive(nicsim_dir);
	mutex_lock(&nicsim_lock);
	list_for_each_entry_safe(ns, tmp, &nicsim_devs, node) {
		list_del(&ns->node);
		nicsim_dev_destroy(ns);
	}
	mutex_unlock(&nicsim_lock);
}

module_init(nicsim_init);
module_exit(nicsim_exit);

MODULE_DESCRIPTION("Test-only net devices that round, clamp and refuse as mlx5_core, hv_netvsc and mana do");
MODULE_LICENSE("GPL");
