// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for p2p_topo, its own module (p2p_topo_kunit.ko) calling the
 * functions p2p_topo.ko exports for KUnit only: the "xfer" command parser
 * (bad input is rejected with a reason and leaves the request untouched),
 * PCI addresses, map names, the "why" text of a pair, and the copy of a
 * device's driver name (taken under the device lock, never a pointer into
 * a driver that may be unloaded).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/string.h>

#include "p2p_topo.h"
#include "stub_kunit.h"

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

static void p2p_topo_codes(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, p2p_topo_map_code(PCI_P2PDMA_MAP_BUS_ADDR, 0),
			   "SELF");
	KUNIT_EXPECT_STREQ(test, p2p_topo_map_code(PCI_P2PDMA_MAP_BUS_ADDR, 4),
			   "BUS");
	KUNIT_EXPECT_STREQ(test,
			   p2p_topo_map_code(PCI_P2PDMA_MAP_THRU_HOST_BRIDGE, 2),
			   "HB");
	KUNIT_EXPECT_STREQ(test,
			   p2p_topo_map_code(PCI_P2PDMA_MAP_NOT_SUPPORTED, -1),
			   "X");
}

#define Q35	{ .name = "0000:00:00.0", .vendor = 0x8086, .device = 0x29c0 }
#define HV_GPU	{ .name = "c05b:00:00.0", .vendor = 0x10de, .device = 0x2330 }
#define HV_NVME	{ .name = "8d2a:00:00.0", .vendor = 0x1414, .device = 0xb111 }

struct why_case {
	const char *desc;
	struct pci_p2pdma_pair_info info;
	const char *want;
};

static const struct why_case why_cases[] = {
	{ "same function",
	  { .map_type = PCI_P2PDMA_MAP_BUS_ADDR, .distance = 0,
	    .rule = PCI_P2PDMA_RULE_BRIDGE, .common = "0000:03:00.0",
	    .same_host_bridge = true, .host = { Q35, Q35 } },
	  "same function" },
	{ "switch",
	  { .map_type = PCI_P2PDMA_MAP_BUS_ADDR, .distance = 4,
	    .rule = PCI_P2PDMA_RULE_BRIDGE, .common = "0000:02:00.0",
	    .same_host_bridge = true, .host = { Q35, Q35 } },
	  "common upstream bridge 0000:02:00.0, no ACS redirect" },
	{ "ACS redirect, refused",
	  { .map_type = PCI_P2PDMA_MAP_NOT_SUPPORTED, .distance = -1,
	    .rule = PCI_P2PDMA_RULE_REFUSED, .common = "0000:02:00.0",
	    .acs = "0000:03:01.0", .acs_count = 1,
	    .same_host_bridge = true, .host = { Q35, Q35 } },
	  "common upstream bridge 0000:02:00.0 but ACS redirect at 0000:03:01.0; host bridge 0000:00:00.0 [8086:29c0] neither in the built-in list nor in pci_p2pdma.allow"
	},
	/* the core names no ACS device: no NULL pointer to print */
	{ "ACS redirect, no name",
	  { .map_type = PCI_P2PDMA_MAP_NOT_SUPPORTED, .distance = -1,
	    .rule = PCI_P2PDMA_RULE_REFUSED, .common = "0000:02:00.0",
	    .same_host_bridge = true, .host = { Q35, Q35 } },
	  "common upstream bridge 0000:02:00.0 but ACS redirect at ?; host bridge 0000:00:00.0 [8086:29c0] neither in the built-in list nor in pci_p2pdma.allow"
	},
	{ "root ports, refused",
	  { .map_type = PCI_P2PDMA_MAP_NOT_SUPPORTED, .distance = -1,
	    .rule = PCI_P2PDMA_RULE_REFUSED,
	    .same_host_bridge = true, .host = { Q35, Q35 } },
	  "no common upstream bridge; host bridge 0000:00:00.0 [8086:29c0] neither in the built-in list nor in pci_p2pdma.allow"
	},
	{ "hyper-v, allowlist",
	  { .map_type = PCI_P2PDMA_MAP_THRU_HOST_BRIDGE, .distance = 2,
	    .rule = PCI_P2PDMA_RULE_ALLOWLIST,
	    .host = { HV_GPU, HV_NVME },
	    .allow = "pair=c05b:00:00.0+8d2a:00:00.0" },
	  "no common upstream bridge; host bridges c05b:00:00.0 [10de:2330] and 8d2a:00:00.0 [1414:b111], allowed by pci_p2pdma.allow (pair=c05b:00:00.0+8d2a:00:00.0)"
	},
	{ "built-in list",
	  { .map_type = PCI_P2PDMA_MAP_THRU_HOST_BRIDGE, .distance = 4,
	    .rule = PCI_P2PDMA_RULE_HOST_LIST,
	    .same_host_bridge = true, .host = { Q35, Q35 } },
	  "no common upstream bridge; host bridge 0000:00:00.0 [8086:29c0], allowed by the built-in list"
	},
	{ "cpu",
	  { .map_type = PCI_P2PDMA_MAP_THRU_HOST_BRIDGE, .distance = 4,
	    .rule = PCI_P2PDMA_RULE_CPU,
	    .same_host_bridge = true, .host = { Q35, Q35 } },
	  "no common upstream bridge; host bridge 0000:00:00.0 [8086:29c0], allowed: the CPU routes P2P (AMD Zen)"
	},
	{ "two sockets",
	  { .map_type = PCI_P2PDMA_MAP_NOT_SUPPORTED, .distance = -1,
	    .rule = PCI_P2PDMA_RULE_REFUSED, .same_host_required = true,
	    .host = { Q35, { } } },
	  "no common upstream bridge; host bridges 0000:00:00.0 [8086:29c0] and (no 00.0 or Root Port on the root bus), refused: the built-in list keeps P2P below one host bridge"
	},
};

static void why_case_desc(const struct why_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(why, why_cases, why_case_desc);

static void p2p_topo_why(struct kunit *test)
{
	const struct why_case *c = test->param_value;
	char *buf = kunit_kzalloc(test, P2P_TOPO_WHY_MAX, GFP_KERNEL);
	int len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = p2p_topo_pair_why(&c->info, buf, P2P_TOPO_WHY_MAX);
	KUNIT_EXPECT_STREQ(test, buf, c->want);
	KUNIT_EXPECT_EQ(test, len, (int)strlen(buf));
}

/* the longest text fits, and a short buffer is cut, never overrun */
static void p2p_topo_why_size(struct kunit *test)
{
	/* the longest parts: names, no host bridge devices, a full entry */
	struct pci_p2pdma_pair_info info = {
		.map_type = PCI_P2PDMA_MAP_THRU_HOST_BRIDGE, .distance = 2,
		.rule = PCI_P2PDMA_RULE_ALLOWLIST,
		.common = "12345678:ff:1f.7", .acs = "12345678:fe:1f.7",
	};
	char *buf = kunit_kzalloc(test, P2P_TOPO_WHY_MAX + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(info.allow, 'a', sizeof(info.allow) - 1);
	KUNIT_EXPECT_LT(test, p2p_topo_pair_why(&info, buf, P2P_TOPO_WHY_MAX),
			P2P_TOPO_WHY_MAX - 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, info.allow));

	memset(buf, 'x', P2P_TOPO_WHY_MAX + 1);
	KUNIT_EXPECT_EQ(test, p2p_topo_pair_why(&info, buf, 16), 15);
	KUNIT_EXPECT_EQ(test, strlen(buf), (size_t)15);
	KUNIT_EXPECT_EQ(test, buf[16], 'x');
}

/*
 * A PCI device with a driver whose name lives in memory the test owns: the
 * test stands in for the driver core, which unbinds under the device lock,
 * and for module unload, which frees the name.  Nothing is registered.
 */
struct fake_bound {
	struct pci_dev *pdev;
	struct device_driver *drv;
	char *name;
};

static void fake_bound_init(struct kunit *test, struct fake_bound *f,
			    const char *name)
{
	f->pdev = kunit_kzalloc(test, sizeof(*f->pdev), GFP_KERNEL);
	f->drv = kunit_kzalloc(test, sizeof(*f->drv), GFP_KERNEL);
	f->name = kunit_kzalloc(test, 32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->pdev);
	KUNIT_ASSERT_NOT_NULL(test, f->drv);
	KUNIT_ASSERT_NOT_NULL(test, f->name);
	mutex_init(&f->pdev->dev.mutex);
	strscpy(f->name, name, 32);
	f->drv->name = f->name;
	f->pdev->dev.driver = f->drv;
}

/* unbind and unload: the name's memory is reused */
static void fake_bound_unload(struct fake_bound *f)
{
	device_lock(&f->pdev->dev);
	f->pdev->dev.driver = NULL;
	device_unlock(&f->pdev->dev);
	memset(f->name, 'X', 31);
}

/* finding 7: the name outlives the driver it was read from */
static void p2p_topo_driver_name_copied(struct kunit *test)
{
	char buf[P2P_TOPO_DRIVER_MAX];
	struct fake_bound f;
	const char *got;

	fake_bound_init(test, &f, "nvme");
	got = p2p_topo_driver_name(f.pdev, buf, sizeof(buf));
	fake_bound_unload(&f);
	KUNIT_EXPECT_STREQ(test, got, "nvme");
	KUNIT_EXPECT_PTR_NE(test, got, (const char *)f.name);

	KUNIT_EXPECT_STREQ(test, p2p_topo_driver_name(f.pdev, buf, sizeof(buf)),
			   "-");
}

static void p2p_topo_driver_name_size(struct kunit *test)
{
	char buf[8];
	struct fake_bound f;

	fake_bound_init(test, &f, "a_rather_long_driver_name");
	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_STREQ(test, p2p_topo_driver_name(f.pdev, buf, 5), "a_ra");
	KUNIT_EXPECT_EQ(test, buf[5], 'x');
}

struct name_reader {
	struct pci_dev *pdev;
	char buf[P2P_TOPO_DRIVER_MAX];
	struct completion done;
};

static int name_reader_fn(void *data)
{
	struct name_reader *r = data;

	p2p_topo_driver_name(r->pdev, r->buf, sizeof(r->buf));
	complete(&r->done);
	return 0;
}

/* the copy is made under the device lock, which holds the driver bound */
static void p2p_topo_driver_name_locked(struct kunit *test)
{
	struct name_reader *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t;
	struct fake_bound f;

	KUNIT_ASSERT_NOT_NULL(test, r);
	fake_bound_init(test, &f, "nvme");
	r->pdev = f.pdev;
	init_completion(&r->done);

	/* the driver core is unbinding: it holds the lock */
	device_lock(&f.pdev->dev);
	t = kthread_run(name_reader_fn, r, "p2p_topo_kunit");
	if (IS_ERR(t)) {
		device_unlock(&f.pdev->dev);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		return;
	}
	KUNIT_EXPECT_FALSE_MSG(test,
			       wait_for_completion_timeout(&r->done,
							   msecs_to_jiffies(200)),
			       "the name was read while the device lock was held");
	f.pdev->dev.driver = NULL;
	device_unlock(&f.pdev->dev);
	memset(f.name, 'X', 31);

	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&r->done, 10 * HZ));
	KUNIT_EXPECT_STREQ(test, r->buf, "-");
}

/*
 * Issue 29, point 11: without CONFIG_PCI_P2PDMA, pci_p2pdma_get_pair_info()
 * is a stub that says "refused" in every field, so a caller needs no
 * #ifdef of its own.
 */
static void p2p_topo_pair_info_stub(struct kunit *test)
{
	struct pci_p2pdma_pair_info info;

	memset(&info, 0x5a, sizeof(info));
	p2p_topo_stub_pair_info(&info);
	KUNIT_EXPECT_EQ(test, (int)PCI_P2PDMA_MAP_NOT_SUPPORTED, info.map_type);
	KUNIT_EXPECT_EQ(test, -1, info.distance);
	KUNIT_EXPECT_EQ(test, PCI_P2PDMA_RULE_REFUSED, info.rule);
	KUNIT_EXPECT_STREQ(test, "", info.common);
	KUNIT_EXPECT_STREQ(test, "", info.acs);
	KUNIT_EXPECT_STREQ(test, "", info.allow);
	KUNIT_EXPECT_STREQ(test, "", info.host[0].name);
	KUNIT_EXPECT_STREQ(test, "", info.host[1].name);
	KUNIT_EXPECT_EQ(test, 0U, info.acs_count);
	KUNIT_EXPECT_FALSE(test, info.same_host_bridge);
}

static struct kunit_case p2p_topo_cases[] = {
	KUNIT_CASE(p2p_topo_pair_info_stub),
	KUNIT_CASE(p2p_topo_xfer_good),
	KUNIT_CASE(p2p_topo_xfer_bad),
	KUNIT_CASE(p2p_topo_xfer_raw_bytes),
	KUNIT_CASE(p2p_topo_bdf),
	KUNIT_CASE(p2p_topo_names),
	KUNIT_CASE(p2p_topo_codes),
	KUNIT_CASE_PARAM(p2p_topo_why, why_gen_params),
	KUNIT_CASE(p2p_topo_why_size),
	KUNIT_CASE(p2p_topo_driver_name_copied),
	KUNIT_CASE(p2p_topo_driver_name_size),
	KUNIT_CASE(p2p_topo_driver_name_locked),
	{}
};

static struct kunit_suite p2p_topo_suite = {
	.name = "p2p_topo",
	.test_cases = p2p_topo_cases,
};

kunit_test_suite(p2p_topo_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for p2p_topo");
MODULE_LICENSE("GPL");
