/* SPDX-License-Identifier: GPL-2.0 */
/*
 * p2p_topo - PCI P2PDMA topology readout and test transfers.
 */
#ifndef _P2P_TOPO_H
#define _P2P_TOPO_H

#include <linux/sizes.h>
#include <linux/types.h>

#define P2P_TOPO_PATH_MAX	64
#define P2P_TOPO_XFER_MAX	SZ_1M	/* one bio of 256 pages */
#define P2P_TOPO_REPEAT_MAX	10000U

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

int p2p_topo_parse_bdf(const char *s, u32 *domain, u8 *bus, u8 *devfn);
int p2p_topo_parse_xfer(const char *buf, size_t count,
			struct p2p_topo_xfer_req *req, const char **why);
const char *p2p_topo_map_name(int map_type);

#endif /* _P2P_TOPO_H */
