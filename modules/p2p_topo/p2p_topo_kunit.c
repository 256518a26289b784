// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for p2p_topo's parsers: the "xfer" command (bad input is
 * rejected with a reason and leaves the request untouched) and PCI
 * addresses.
 */
#include <kunit/test.h>
#include <linux/dma-map-ops.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "p2p_topo.h"

static int parse(const char *s, struct p2p_topo_xfer_req *req,
		 const char **why)
{
	return p2p_topo_parse_xfer(s, strlen(s), req, why);
}

static void p2p_topo_xfer_good(struct kunit *test)
{
	struct p2p_topo_xfer_req req;
	const char *why;

	KUNIT_ASSERT_EQ(test, 0, parse("/dev/nvme0n1 0 4096 0000:01:00.0\n",
				       &req, &why));
	KUNIT_EXPECT_STREQ(test, req.path, "/dev/nvme0n1");
	KUNIT_EXPECT_EQ(test, req.offset, 0ULL);
	KUNIT_EXPECT_EQ(test, req.len, 4096U);
	KUNIT_EXPECT_FALSE(test, req.to_ram);
	KUNIT_EXPECT_EQ(test, req.domain, 0U);
	KUNIT_EXPECT_EQ(test, req.bus, 1);
	KUNIT_EXPECT_EQ(test, req.devfn, PCI_DEVFN(0, 0));
	KUNIT_EXPECT_EQ(test, req.repeat, 1U);

	KUNIT_ASSERT_EQ(test, 0, parse("  /dev/vdb\t0x100000  1048576 ram 25 ",
				       &req, &why));
	KUNIT_EXPECT_TRUE(test, req.to_ram);
	KUNIT_EXPECT_EQ(test, req.offset, 0x100000ULL);
	KUNIT_EXPECT_EQ(test, req.len, 1048576U);
	KUNIT_EXPECT_EQ(test, req.repeat, 25U);

	KUNIT_ASSERT_EQ(test, 0, parse("/dev/nvme1n1 512 512 C05B:00:1f.7",
				       &req, &why));
	KUNIT_EXPECT_EQ(test, req.domain, 0xc05bU);
	KUNIT_EXPECT_EQ(test, req.devfn, PCI_DEVFN(0x1f, 7));
}

static const char *const bad_cmds[] = {
	"",
	"\n",
	"/dev/nvme0n1",
	"/dev/nvme0n1 0 4096",
	"dev/nvme0n1 0 4096 ram",
	"/dev/nvme0n1 1 4096 ram",
	"/dev/nvme0n1 -512 4096 ram",
	"/dev/nvme0n1 0 0 ram",
	"/dev/nvme0n1 0 100 ram",
	"/dev/nvme0n1 0 2097152 ram",
	"/dev/nvme0n1 0 4096 RAM",
	"/dev/nvme0n1 0 4096 01:00.0",
	"/dev/nvme0n1 0 4096 0000:01:20.0",
	"/dev/nvme0n1 0 4096 0000:01:00.8",
	"/dev/nvme0n1 0 4096 0000:100:00.0",
	"/dev/nvme0n1 0 4096 ram 0",
	"/dev/nvme0n1 0 4096 ram 10001",
	"/dev/nvme0n1 0 4096 ram 1 extra",
	"/dev/nvme0n1 0 4096 ram x",
	"/dev/a-very-long-path-name-that-does-not-fit-in-sixty-four-characters 0 512 ram",
};

static void p2p_topo_xfer_bad(struct kunit *test)
{
	struct p2p_topo_xfer_req req, before;
	const char *why;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_cmds); i++) {
		memset(&req, 0x5a, sizeof(req));
		before = req;
		why = NULL;
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, parse(bad_cmds[i], &req, &why),
				    "\"%s\" accepted", bad_cmds[i]);
		KUNIT_EXPECT_NOT_NULL_MSG(test, why, "\"%s\": no reason",
					  bad_cmds[i]);
		KUNIT_EXPECT_EQ_MSG(test, 0, memcmp(&req, &before, sizeof(req)),
				    "\"%s\" changed the request", bad_cmds[i]);
	}
}

static void p2p_topo_xfer_raw_bytes(struct kunit *test)
{
	struct p2p_topo_xfer_req req;
	static const char cmd[] = "/dev/vda 0 512 ram\0 junk";
	char big[300];
	const char *why;

	/* a NUL inside the written bytes */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			p2p_topo_parse_xfer(cmd, sizeof(cmd) - 1, &req, &why));
	memset(big, 'a', sizeof(big));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			p2p_topo_parse_xfer(big, sizeof(big), &req, &why));
	/* only the first @count bytes count */
	KUNIT_EXPECT_EQ(test, 0, p2p_topo_parse_xfer(cmd, 18, &req, &why));
}

static void p2p_topo_bdf(struct kunit *test)
{
	u32 dom = 7;
	u8 bus = 7, devfn = 7;

	KUNIT_EXPECT_EQ(test, 0, p2p_topo_parse_bdf("0001:02:03.4", &dom, &bus,
						    &devfn));
	KUNIT_EXPECT_EQ(test, dom, 1U);
	KUNIT_EXPECT_EQ(test, bus, 2);
	KUNIT_EXPECT_EQ(test, devfn, PCI_DEVFN(3, 4));
	KUNIT_EXPECT_EQ(test, -EINVAL, p2p_topo_parse_bdf("0001:02:03.4 ", &dom,
							  &bus, &devfn));
	KUNIT_EXPECT_EQ(test, -EINVAL, p2p_topo_parse_bdf("0001:02:03", &dom,
							  &bus, &devfn));
	KUNIT_EXPECT_EQ(test, -EINVAL, p2p_topo_parse_bdf("", &dom, &bus,
							  &devfn));
	/* untouched on error */
	KUNIT_EXPECT_EQ(test, dom, 1U);
}

static void p2p_topo_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, p2p_topo_map_name(PCI_P2PDMA_MAP_BUS_ADDR),
			   "bus-address");
	KUNIT_EXPECT_STREQ(test,
			   p2p_topo_map_name(PCI_P2PDMA_MAP_THRU_HOST_BRIDGE),
			   "host-bridge");
	KUNIT_EXPECT_STREQ(test, p2p_topo_map_name(PCI_P2PDMA_MAP_NOT_SUPPORTED),
			   "not-supported");
	KUNIT_EXPECT_STREQ(test, p2p_topo_map_name(PCI_P2PDMA_MAP_UNKNOWN),
			   "unknown");
}

static struct kunit_case p2p_topo_cases[] = {
	KUNIT_CASE(p2p_topo_xfer_good),
	KUNIT_CASE(p2p_topo_xfer_bad),
	KUNIT_CASE(p2p_topo_xfer_raw_bytes),
	KUNIT_CASE(p2p_topo_bdf),
	KUNIT_CASE(p2p_topo_names),
	{}
};

static struct kunit_suite p2p_topo_suite = {
	.name = "p2p_topo",
	.test_cases = p2p_topo_cases,
};

kunit_test_suite(p2p_topo_suite);

MODULE_IMPORT_NS(P2P_TOPO);
MODULE_DESCRIPTION("KUnit tests for p2p_topo");
MODULE_LICENSE("GPL");
