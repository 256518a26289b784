// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_topo - PCI P2PDMA topology readout, BAR publisher and test transfers.
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
 * The PCI driver "p2p_topo" publishes a memory BAR as P2P memory, only for
 * a device the administrator gives it by name (driver_override); it has no
 * device ID table, so nothing loads or binds it by itself.
 *
 * Locking, outermost first:
 *   debugfs file operations (debugfs_remove_recursive() waits for them)
 *   p2p_topo_xfer_lock (transfer.c: the last transfer and its bytes)
 *   device_lock() of one PCI device at a time (readout.c, to copy the name
 *     of its driver; the driver core takes it around our probe and remove)
 *   RCU, inside the P2PDMA core's accessors
 * Nothing of ours is held while the driver core calls probe or remove.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>

#include "p2p_topo.h"

static struct dentry *p2p_topo_dir;

static int __init p2p_topo_init(void)
{
	int ret;

	p2p_topo_dir = debugfs_create_dir("p2p_topo", NULL);
	if (IS_ERR(p2p_topo_dir))
		return PTR_ERR(p2p_topo_dir);
	p2p_topo_readout_init(p2p_topo_dir);
	p2p_topo_transfer_init(p2p_topo_dir);

	ret = p2p_topo_publisher_init();
	if (ret) {
		debugfs_remove_recursive(p2p_topo_dir);
		p2p_topo_transfer_exit();
	}
	return ret;
}

static void __exit p2p_topo_exit(void)
{
	/* waits for readers and writers of our files */
	debugfs_remove_recursive(p2p_topo_dir);
	/* unbinds: the P2PDMA core frees the memory it added */
	p2p_topo_publisher_exit();
	p2p_topo_transfer_exit();
}

module_init(p2p_topo_init);
module_exit(p2p_topo_exit);

MODULE_DESCRIPTION("PCI P2PDMA topology readout, BAR publisher and test transfers");
MODULE_AUTHOR("Nimbus Kernel Team");
MODULE_LICENSE("GPL");
