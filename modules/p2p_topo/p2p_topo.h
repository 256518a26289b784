/* SPDX-License-Identifier: GPL-2.0 */
/*
 * p2p_topo - PCI P2PDMA topology readout, BAR publisher and test transfers.
 *
 * One file per concern:
 *   main.c       module load and unload, the debugfs folder
 *   readout.c    matrix, pairs, providers: the P2P map, from the P2PDMA core
 *   publisher.c  the PCI driver that publishes a BAR as P2P memory
 *   transfer.c   xfer, last: reads from a block device into P2P memory
 *   parse.c      pure helpers: command parsing, names, the "why" text
 */
#ifndef _P2P_TOPO_H
#define _P2P_TOPO_H

#include <linux/sizes.h>
#include <linux/types.h>

struct dentry;
struct pci_dev;
struct pci_p2pdma_pair_info;

#define P2P_TOPO_PATH_MAX	64
#define P2P_TOPO_XFER_MAX	SZ_1M	/* one bio of 256 pages */
#define P2P_TOPO_REPEAT_MAX	10000U
#define P2P_TOPO_WHY_MAX	320
#define P2P_TOPO_DRIVER_MAX	32

/* One "xfer" request: read @len bytes at @offset of @path into @target. */
struct p2p_topo_xfer_req {
	char path[P2P_TOPO_PATH_MAX];
	u64 offset;
	u32 len;
	bool to_ram;		/* "ram": ordinary pages, no P2P */
	u32 domain;		/* else the P2P memory provider */
	u8 bus;
	u8 devfn;
	u32 repeat;
};

/* parse.c */
int p2p_topo_parse_bdf(const char *s, u32 *domain, u8 *bus, u8 *devfn);
int p2p_topo_parse_xfer(const char *buf, size_t count,
			struct p2p_topo_xfer_req *req, const char **why);
const char *p2p_topo_map_name(int map_type);
const char *p2p_topo_map_code(int map_type, int distance);
int p2p_topo_pair_why(const struct pci_p2pdma_pair_info *info, char *buf,
		      size_t size);

/* readout.c */
bool p2p_topo_is_provider(struct pci_dev *pdev);
const char *p2p_topo_driver_name(struct pci_dev *pdev, char *buf,
				 size_t size);
void p2p_topo_readout_init(struct dentry *dir);

/* transfer.c */
void p2p_topo_transfer_init(struct dentry *dir);
void p2p_topo_transfer_exit(void);

/* publisher.c */
int p2p_topo_publisher_init(void);
void p2p_topo_publisher_exit(void);

#endif /* _P2P_TOPO_H */
