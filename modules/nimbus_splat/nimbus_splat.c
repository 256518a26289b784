// SPDX-License-Identifier: GPL-2.0
/*
 * nimbus_splat - test-only module that plants kernel error reports.
 *
 * The VM harness must fail a run whose guest log holds a WARNING, a KASAN
 * or a kmemleak report.  This module produces them on demand, so the
 * harness' own tests can check that it does:
 *
 *   echo warn > /sys/kernel/debug/nimbus_splat/trigger   WARNING with a backtrace
 *   echo leak > /sys/kernel/debug/nimbus_splat/trigger   leaks 128 bytes (kmemleak)
 *   echo oob  > /sys/kernel/debug/nimbus_splat/trigger   1-byte heap overread (KASAN)
 *
 * Anything else is rejected with -EINVAL and a message naming the input.
 */
#include <linux/compiler.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static struct dentry *splat_dir;

static void splat_leak(void)
{
	void *p = kmalloc(128, GFP_KERNEL);

	/* deliberately lost: kmemleak reports it on the next scan */
	if (p)
		memset(p, 0x5a, 128);
	p = NULL;
}

static int splat_oob(void)
{
	size_t idx = 16;
	char *p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(idx);
	pr_info("nimbus_splat: byte past a 16-byte object: %d\n", READ_ONCE(p[idx]));
	kfree(p);
	return 0;
}

static ssize_t trigger_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char cmd[16];
	int ret = 0;

	if (count == 0 || count >= sizeof(cmd)) {
		pr_warn("nimbus_splat: trigger: %zu bytes written; expected warn, leak or oob\n",
			count);
		return -EINVAL;
	}
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	strim(cmd);

	if (!strcmp(cmd, "warn")) {
		WARN(1, "nimbus_splat: planted warning\n");
	} else if (!strcmp(cmd, "leak")) {
		splat_leak();
	} else if (!strcmp(cmd, "oob")) {
		ret = splat_oob();
	} else {
		pr_warn("nimbus_splat: trigger: unknown '%s'; expected warn, leak or oob\n",
			cmd);
		return -EINVAL;
	}
	return ret ? ret : count;
}

static const struct file_operations trigger_fops = {
	.owner = THIS_MODULE,
	.write = trigger_write,
	.llseek = noop_llseek,
};

static int __init nimbus_splat_init(void)
{
	splat_dir = debugfs_create_dir("nimbus_splat", NULL);
	debugfs_create_file("trigger", 0200, splat_dir, NULL, &trigger_fops);
	return 0;
}

static void __exit nimbus_splat_exit(void)
{
	debugfs_remove_recursive(splat_dir);
}

module_init(nimbus_splat_init);
module_exit(nimbus_splat_exit);
MODULE_DESCRIPTION("Test-only: plants WARNING/KASAN/kmemleak reports for harness tests");
MODULE_AUTHOR("Nimbus Kernel Team");
MODULE_LICENSE("GPL");
