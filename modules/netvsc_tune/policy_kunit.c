// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "netvsc_tune_policy": the pure policy functions of
 * netvsc_tune for VM shapes from 1 to 416 vCPUs, NUMA layouts, device
 * maxima, overrides and bad input.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/module.h>

#include "policy.h"

#define NONE NT_OVERRIDE_NONE

static const struct nt_knobs no_ovr = {
	.channels = NONE, .rx_ring = NONE, .tx_ring = NONE,
	.defer_irqs = NONE, .gro_flush_ns = NONE,
	.gro = NONE, .lro = NONE, .udp_l4 = NONE,
};

struct shape_case {
	u32 cpus, cores, nodes;
	u32 balanced, throughput, latency;	/* with a device max of 64 */
};

/* The profiles' channel counts over VM shapes (device max 64) */
static const struct shape_case shapes[] = {
	{ 1, 1, 1,	1, 1, 1 },
	{ 2, 1, 1,	2, 2, 1 },
	{ 4, 2, 1,	4, 4, 2 },
	{ 8, 4, 1,	8, 8, 4 },
	{ 16, 8, 1,	8, 16, 8 },
	{ 16, 16, 1,	16, 16, 16 },
	{ 16, 8, 16,	16, 16, 16 },
	{ 32, 16, 2,	16, 32, 16 },
	{ 64, 32, 2,	32, 64, 32 },
	{ 96, 48, 4,	48, 64, 48 },
	{ 96, 96, 4,	64, 64, 64 },
	{ 416, 208, 8,	64, 64, 64 },
	/* nonsense shapes are sanitised, not trusted */
	{ 0, 0, 0,	1, 1, 1 },
	{ 4, 9, 9,	4, 4, 4 },
};

static void nt_test_shapes(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		const struct shape_case *c = &shapes[i];
		struct nt_topology t = { c->cpus, c->cores, c->nodes };

		KUNIT_EXPECT_EQ_MSG(test, c->balanced,
				    nt_policy_channels(NT_PROFILE_BALANCED, &t, 3, 64),
				    "shape %u/%u/%u", c->cpus, c->cores, c->nodes);
		KUNIT_EXPECT_EQ_MSG(test, c->throughput,
				    nt_policy_channels(NT_PROFILE_THROUGHPUT, &t, 3, 64),
				    "shape %u/%u/%u", c->cpus, c->cores, c->nodes);
		KUNIT_EXPECT_EQ_MSG(test, c->latency,
				    nt_policy_channels(NT_PROFILE_LATENCY, &t, 3, 64),
				    "shape %u/%u/%u", c->cpus, c->cores, c->nodes);
	}
}

/* Every vCPU count 1..416, SMT 1 and 2, 1..8 nodes, several maxima */
static void nt_check_vcpus(struct kunit *test, u32 cpus, u32 smt, u32 nodes,
			   u32 dev_max)
{
	struct nt_topology t = { cpus, max(cpus / smt, 1U), nodes };
	u32 p, chn;

	for (p = NT_PROFILE_BALANCED; p < NT_PROFILE_COUNT; p++) {
		chn = nt_policy_channels(p, &t, 1, dev_max);

		KUNIT_ASSERT_GE(test, chn, 1U);
		KUNIT_ASSERT_LE(test, chn, dev_max);
		KUNIT_ASSERT_LE(test, chn, cpus);
		/* at least one channel per node when the device allows it */
		KUNIT_ASSERT_GE(test, chn, min3(nodes, cpus, dev_max));
		if (p == NT_PROFILE_THROUGHPUT)
			KUNIT_ASSERT_EQ(test, chn, min(cpus, dev_max));
		if (p == NT_PROFILE_LATENCY)
			KUNIT_ASSERT_LE(test, chn,
					max(t.cores, min(nodes, cpus)));
	}
}

/* Every vCPU count 1..416, SMT 1 and 2, 1..8 nodes, several maxima */
static void nt_test_all_vcpus(struct kunit *test)
{
	static const u32 maxima[] = { 1, 2, 8, 31, 64, 128, 1024 };
	u32 cpus, smt, nodes, m;

	for (cpus = 1; cpus <= 416; cpus++)
		for (smt = 1; smt <= 2; smt++)
			for (nodes = 1; nodes <= 8; nodes *= 2)
				for (m = 0; m < ARRAY_SIZE(maxima); m++)
					nt_check_vcpus(test, cpus, smt, nodes,
						       maxima[m]);
}

static void nt_test_device_max(struct kunit *test)
{
	struct nt_topology t = { 96, 48, 4 };

	/* no combined channels: leave them alone */
	KUNIT_EXPECT_EQ(test, 0U, nt_policy_channels(NT_PROFILE_THROUGHPUT, &t, 4, 0));
	KUNIT_EXPECT_EQ(test, 8U, nt_policy_channels(NT_PROFILE_THROUGHPUT, &t, 4, 8));
	KUNIT_EXPECT_EQ(test, 1U, nt_policy_channels(NT_PROFILE_LATENCY, &t, 4, 1));
	KUNIT_EXPECT_EQ(test, 96U, nt_policy_channels(NT_PROFILE_THROUGHPUT, &t, 4, 256));
	/* off keeps the current count, bounded by the maximum */
	KUNIT_EXPECT_EQ(test, 4U, nt_policy_channels(NT_PROFILE_OFF, &t, 4, 8));
	KUNIT_EXPECT_EQ(test, 8U, nt_policy_channels(NT_PROFILE_OFF, &t, 12, 8));
}

static void nt_test_rings(struct kunit *test)
{
	struct nt_knobs cur = { .rx_ring = 9709, .tx_ring = 170 };
	struct nt_knobs max = { .rx_ring = 18811, .tx_ring = 2560 };
	struct nt_knobs none = {};
	struct nt_knobs out = {};

	nt_policy_rings(NT_PROFILE_THROUGHPUT, &cur, &max, &out);
	KUNIT_EXPECT_EQ(test, 18811U, out.rx_ring);
	KUNIT_EXPECT_EQ(test, 2560U, out.tx_ring);

	nt_policy_rings(NT_PROFILE_BALANCED, &cur, &max, &out);
	KUNIT_EXPECT_EQ(test, 9709U, out.rx_ring);
	KUNIT_EXPECT_EQ(test, 170U, out.tx_ring);

	nt_policy_rings(NT_PROFILE_LATENCY, &cur, &max, &out);
	KUNIT_EXPECT_EQ(test, 9709U, out.rx_ring);

	/* not settable (max 0): kept even for throughput */
	nt_policy_rings(NT_PROFILE_THROUGHPUT, &cur, &none, &out);
	KUNIT_EXPECT_EQ(test, 9709U, out.rx_ring);
	KUNIT_EXPECT_EQ(test, 170U, out.tx_ring);

	/* a current value above the maximum is brought within it */
	max.rx_ring = 4096;
	nt_policy_rings(NT_PROFILE_BALANCED, &cur, &max, &out);
	KUNIT_EXPECT_EQ(test, 4096U, out.rx_ring);
}

static void nt_test_napi(struct kunit *test)
{
	struct nt_knobs cur = { .defer_irqs = 5, .gro_flush_ns = 7 };
	struct nt_knobs out = {};

	nt_policy_napi(NT_PROFILE_THROUGHPUT, &cur, &out);
	KUNIT_EXPECT_EQ(test, NT_THROUGHPUT_DEFER_IRQS, out.defer_irqs);
	KUNIT_EXPECT_EQ(test, NT_THROUGHPUT_GRO_FLUSH_NS, out.gro_flush_ns);
	nt_policy_napi(NT_PROFILE_LATENCY, &cur, &out);
	KUNIT_EXPECT_EQ(test, 0U, out.defer_irqs);
	KUNIT_EXPECT_EQ(test, 0U, out.gro_flush_ns);
	nt_policy_napi(NT_PROFILE_BALANCED, &cur, &out);
	KUNIT_EXPECT_EQ(test, 5U, out.defer_irqs);
	KUNIT_EXPECT_EQ(test, 7U, out.gro_flush_ns);
}

#define PLAN(p) nt_policy_plan(NT_PROFILE_##p, &t, &cur, &max, &ovr, 0, &out)

static void nt_test_plan(struct kunit *test)
{
	struct nt_topology t = { 64, 32, 2 };
	struct nt_knobs cur = { 8, 9709, 170, 0, 0 };
	struct nt_knobs max = { 64, 18811, 2560, 0, 0 };
	struct nt_knobs ovr = no_ovr;
	struct nt_knobs out = {}, keep;

	KUNIT_EXPECT_EQ(test, 0, PLAN(BALANCED));
	KUNIT_EXPECT_EQ(test, 32U, out.channels);
	KUNIT_EXPECT_EQ(test, 9709U, out.rx_ring);

	/* off ignores overrides */
	ovr.channels = 4;
	KUNIT_EXPECT_EQ(test, 0, PLAN(OFF));
	KUNIT_EXPECT_EQ(test, 8U, out.channels);

	KUNIT_EXPECT_EQ(test, 0, PLAN(THROUGHPUT));
	KUNIT_EXPECT_EQ(test, 4U, out.channels);
	KUNIT_EXPECT_EQ(test, 18811U, out.rx_ring);
	KUNIT_EXPECT_EQ(test, NT_THROUGHPUT_DEFER_IRQS, out.defer_irqs);

	/* out-of-range overrides: -EINVAL, output untouched */
	keep = out;
	ovr.channels = 65;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(THROUGHPUT));
	ovr.channels = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(THROUGHPUT));
	ovr = no_ovr;
	ovr.rx_ring = 18812;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(LATENCY));
	ovr = no_ovr;
	ovr.gro_flush_ns = NT_GRO_FLUSH_NS_MAX + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(LATENCY));
	ovr = no_ovr;
	ovr.defer_irqs = NT_DEFER_IRQS_MAX + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(LATENCY));
	ovr = no_ovr;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(COUNT));
	KUNIT_EXPECT_EQ(test, 0, memcmp(&keep, &out, sizeof(out)));

	/* no settable channels or rings: an override is an error */
	max.channels = 0;
	max.tx_ring = 0;
	ovr = no_ovr;
	ovr.channels = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(BALANCED));
	ovr = no_ovr;
	ovr.tx_ring = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(BALANCED));
	ovr = no_ovr;
	KUNIT_EXPECT_EQ(test, 0, PLAN(BALANCED));
	KUNIT_EXPECT_EQ(test, 8U, out.channels);
}

static void nt_test_profile_parse(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", "Throughput", "throughput ", " latency", "balanced\n\n",
		"fast", "off,", "latencyx", "0",
	};
	enum nt_profile p = NT_PROFILE_COUNT;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, 0, nt_profile_parse("throughput", &p));
	KUNIT_EXPECT_EQ(test, NT_PROFILE_THROUGHPUT, p);
	KUNIT_EXPECT_EQ(test, 0, nt_profile_parse("latency\n", &p));
	KUNIT_EXPECT_EQ(test, NT_PROFILE_LATENCY, p);
	KUNIT_EXPECT_EQ(test, 0, nt_profile_parse("balanced", &p));
	KUNIT_EXPECT_EQ(test, NT_PROFILE_BALANCED, p);
	KUNIT_EXPECT_EQ(test, 0, nt_profile_parse("off", &p));
	KUNIT_EXPECT_EQ(test, NT_PROFILE_OFF, p);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, nt_profile_parse(bad[i], &p),
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, NT_PROFILE_OFF, p);
	}
	KUNIT_EXPECT_EQ(test, -EINVAL, nt_profile_parse(NULL, &p));

	for (i = 0; i < NT_PROFILE_COUNT; i++) {
		KUNIT_EXPECT_EQ(test, 0, nt_profile_parse(nt_profile_name(i), &p));
		KUNIT_EXPECT_EQ(test, i, (unsigned int)p);
	}
	KUNIT_EXPECT_STREQ(test, "?", nt_profile_name(NT_PROFILE_COUNT));
}

static void nt_test_parse_u32(struct kunit *test)
{
	static const char * const bad[] = {
		"", "-1", "65", "abc", "1.5", "0x", " 3", "3 ", "99999999999", "4\n\n",
	};
	unsigned int i;
	u32 v = 42;

	KUNIT_EXPECT_EQ(test, 0, nt_parse_u32("64\n", 1, 64, &v));
	KUNIT_EXPECT_EQ(test, 64U, v);
	KUNIT_EXPECT_EQ(test, 0, nt_parse_u32("0x10", 1, 64, &v));
	KUNIT_EXPECT_EQ(test, 16U, v);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, nt_parse_u32(bad[i], 1, 64, &v),
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, 16U, v);
	}
	KUNIT_EXPECT_EQ(test, -EINVAL, nt_parse_u32("0", 1, 64, &v));
	KUNIT_EXPECT_EQ(test, -EINVAL, nt_parse_u32(NULL, 1, 64, &v));
}

static void nt_test_drivers(struct kunit *test)
{
	static const char * const bad[] = {
		"", ",", "a,,b", "hv_netvsc,", ",mana", "a b", "a;b", "x,x",
		"a,b,c,d,e,f,g,h,i", "abcdefghijabcdefghijabcdefghijab",
		"mana\n\n",
	};
	char names[NT_MAX_DRIVERS][NT_DRIVER_NAME_LEN] = {};
	unsigned int n = 99, i;

	KUNIT_EXPECT_EQ(test, 0, nt_drivers_parse("hv_netvsc,mlx4_en,mlx5_core,mana\n",
						  names, &n));
	KUNIT_EXPECT_EQ(test, 4U, n);
	KUNIT_EXPECT_STREQ(test, "mana", names[3]);
	KUNIT_EXPECT_TRUE(test, nt_drivers_match(names, n, "mlx5_core"));
	KUNIT_EXPECT_TRUE(test, nt_drivers_match(names, n, "hv_netvsc"));
	KUNIT_EXPECT_FALSE(test, nt_drivers_match(names, n, "mlx5"));
	KUNIT_EXPECT_FALSE(test, nt_drivers_match(names, n, "virtio_net"));
	KUNIT_EXPECT_FALSE(test, nt_drivers_match(names, n, NULL));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, nt_drivers_parse(bad[i], names, &n),
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, 4U, n);
	}
	KUNIT_EXPECT_EQ(test, -EINVAL, nt_drivers_parse(NULL, names, &n));

	/* eight names and 31 characters are the limits */
	KUNIT_EXPECT_EQ(test, 0, nt_drivers_parse("a,b,c,d,e,f,g,h", names, &n));
	KUNIT_EXPECT_EQ(test, 8U, n);
	KUNIT_EXPECT_EQ(test, 0, nt_drivers_parse("abcdefghijabcdefghijabcdefghija",
						  names, &n));
	KUNIT_EXPECT_EQ(test, 1U, n);
}

static void nt_test_rxfh(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, nt_rxfh_allows(1, false, 63));
	KUNIT_EXPECT_TRUE(test, nt_rxfh_allows(8, true, 7));
	KUNIT_EXPECT_FALSE(test, nt_rxfh_allows(7, true, 7));
	KUNIT_EXPECT_FALSE(test, nt_rxfh_allows(0, true, 0));
}

struct offload_case {
	enum nt_profile p;
	struct nt_knobs cur, max;	/* gro, lro, udp_l4 used */
	u32 gro, lro, udp_l4;
};

#define OFFL(p, cg, cl, cu, mg, ml, mu, g, l, u) \
	{ NT_PROFILE_##p, { .gro = cg, .lro = cl, .udp_l4 = cu }, \
	  { .gro = mg, .lro = ml, .udp_l4 = mu }, g, l, u }

static const struct offload_case offloads[] = {
	/* everything settable */
	OFFL(BALANCED,		0, 1, 0,  1, 1, 1,  1, 1, 1),
	OFFL(THROUGHPUT,	0, 1, 0,  1, 1, 1,  1, 1, 1),
	OFFL(LATENCY,		0, 1, 0,  1, 1, 1,  1, 0, 1),
	OFFL(OFF,		0, 1, 0,  1, 1, 1,  0, 1, 0),
	/* latency never turns LRO on, the others never change it */
	OFFL(LATENCY,		1, 0, 1,  1, 1, 1,  1, 0, 1),
	OFFL(THROUGHPUT,	1, 0, 1,  1, 1, 1,  1, 0, 1),
	/* fixed knobs are kept whatever the profile */
	OFFL(LATENCY,		0, 1, 0,  0, 0, 0,  0, 1, 0),
	OFFL(THROUGHPUT,	1, 1, 1,  0, 0, 0,  1, 1, 1),
};

static void nt_test_offloads(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offloads); i++) {
		const struct offload_case *c = &offloads[i];
		struct nt_knobs out = { .gro = 7, .lro = 7, .udp_l4 = 7 };

		nt_policy_offloads(c->p, &c->cur, &c->max, &out);
		KUNIT_EXPECT_EQ_MSG(test, c->gro, out.gro, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->lro, out.lro, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->udp_l4, out.udp_l4, "case %u", i);
	}
}

static void nt_test_offload_overrides(struct kunit *test)
{
	struct nt_topology t = { 4, 2, 1 };
	struct nt_knobs cur = { .channels = 1, .gro = 1, .lro = 1 };
	struct nt_knobs max = { .channels = 4, .gro = 1, .lro = 0 };
	struct nt_knobs ovr = no_ovr;
	struct nt_knobs out = {};

	ovr.gro = 0;
	KUNIT_EXPECT_EQ(test, 0, PLAN(THROUGHPUT));
	KUNIT_EXPECT_EQ(test, 0U, out.gro);
	KUNIT_EXPECT_EQ(test, 1U, out.lro);
	/* LRO is fixed on this device: an LRO override does not fit */
	ovr.lro = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(THROUGHPUT));
	ovr.lro = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(LATENCY));
	max.lro = 1;
	KUNIT_EXPECT_EQ(test, 0, PLAN(LATENCY));
	KUNIT_EXPECT_EQ(test, 1U, out.lro);
	/* off ignores them */
	max.lro = 0;
	KUNIT_EXPECT_EQ(test, 0, PLAN(OFF));
	KUNIT_EXPECT_EQ(test, 1U, out.gro);
}

/* Every CPU gets exactly one queue; queue loads differ by at most one */
static void nt_test_xps(struct kunit *test)
{
	u32 cpus, txq, i, load[64];

	KUNIT_EXPECT_EQ(test, 0U, nt_xps_queue(5, 0));
	for (cpus = 1; cpus <= 416; cpus += (cpus < 72 ? 1 : 43)) {
		for (txq = 1; txq <= 64; txq++) {
			u32 lo = U32_MAX, hi = 0;

			memset(load, 0, sizeof(load));
			for (i = 0; i < cpus; i++) {
				u32 q = nt_xps_queue(i, txq);

				KUNIT_ASSERT_LT(test, q, txq);
				load[q]++;
			}
			for (i = 0; i < min(txq, cpus); i++) {
				lo = min(lo, load[i]);
				hi = max(hi, load[i]);
			}
			KUNIT_EXPECT_LE_MSG(test, hi - lo, 1U,
					    "%u CPUs, %u queues", cpus, txq);
			/* neighbours on different queues while there are two */
			if (txq > 1 && cpus > 1)
				KUNIT_EXPECT_NE(test, nt_xps_queue(0, txq),
						nt_xps_queue(1, txq));
		}
	}
}

static void nt_test_onoff(struct kunit *test)
{
	static const char * const bad[] = {
		"", "1", "0", "yes", "On", "off\n\n", " on", "onn", "auto",
	};
	unsigned int i;
	u32 v = 5;

	KUNIT_EXPECT_EQ(test, 0, nt_parse_onoff("on\n", &v));
	KUNIT_EXPECT_EQ(test, 1U, v);
	KUNIT_EXPECT_EQ(test, 0, nt_parse_onoff("off", &v));
	KUNIT_EXPECT_EQ(test, 0U, v);
	KUNIT_EXPECT_EQ(test, -EINVAL, nt_parse_onoff(NULL, &v));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		v = 5;
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL, nt_parse_onoff(bad[i], &v),
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, 5U, v);
	}
}

static void nt_test_devprofile(struct kunit *test)
{
	static const char * const bad[] = {
		"", "eth0", "=off", "eth0=", "eth0=fast", "eth0=off=on",
		"eth 0=off", "a/b=off", "a:1=off", ".=off", "..=off",
		"abcdefghijklmnop=off", "eth0=Default", "eth0=off\n\n",
	};
	char name[16] = "keep";
	unsigned int i;
	int p = 42;

	KUNIT_EXPECT_EQ(test, 0, nt_devprofile_parse("eth0=latency\n", name,
						     sizeof(name), &p));
	KUNIT_EXPECT_STREQ(test, "eth0", name);
	KUNIT_EXPECT_EQ(test, (int)NT_PROFILE_LATENCY, p);
	KUNIT_EXPECT_EQ(test, 0, nt_devprofile_parse("abcdefghijklmno=default",
						     name, sizeof(name), &p));
	KUNIT_EXPECT_STREQ(test, "abcdefghijklmno", name);
	KUNIT_EXPECT_EQ(test, -1, p);
	KUNIT_EXPECT_EQ(test, 0, nt_devprofile_parse("...=off", name,
						     sizeof(name), &p));
	KUNIT_EXPECT_EQ(test, (int)NT_PROFILE_OFF, p);
	KUNIT_EXPECT_EQ(test, -EINVAL, nt_devprofile_parse(NULL, name,
							   sizeof(name), &p));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		strscpy(name, "keep", sizeof(name));
		p = 42;
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    nt_devprofile_parse(bad[i], name, sizeof(name), &p),
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_STREQ(test, "keep", name);
		KUNIT_EXPECT_EQ(test, 42, p);
	}
}

/*
 * hv_netvsc (sized at probe by the driver, or by an earlier "ethtool -L"):
 * balanced keeps the count the device has, whatever it is, so the module
 * never detaches/attaches the device at boot; the other profiles and an
 * explicit channels= override still apply.
 */
static void nt_test_sized_at_probe(struct kunit *test)
{
	struct nt_topology t = { 96, 48, 4 };
	struct nt_knobs cur = { .channels = 48, .rx_ring = 18811, .tx_ring = 1024 };
	struct nt_knobs max = { .channels = 64, .rx_ring = 18811, .tx_ring = 2560,
				.gro = 1 };
	struct nt_knobs ovr = no_ovr;
	struct nt_knobs out = {};
	const unsigned int f = NT_PLAN_SIZED_AT_PROBE;

	KUNIT_EXPECT_TRUE(test, nt_driver_sized_at_probe("hv_netvsc"));
	KUNIT_EXPECT_FALSE(test, nt_driver_sized_at_probe("mlx5_core"));
	KUNIT_EXPECT_FALSE(test, nt_driver_sized_at_probe("hv_netvsc2"));
	KUNIT_EXPECT_FALSE(test, nt_driver_sized_at_probe(NULL));

	/* the count the driver gave this VM: nothing to change */
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, f, &out));
	KUNIT_EXPECT_EQ(test, 48U, out.channels);
	KUNIT_EXPECT_EQ(test, cur.rx_ring, out.rx_ring);
	KUNIT_EXPECT_EQ(test, cur.tx_ring, out.tx_ring);
	/* a count of 4 the admin set is kept too */
	cur.channels = 4;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, f, &out));
	KUNIT_EXPECT_EQ(test, 4U, out.channels);
	/* without the flag, balanced computes the count itself */
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, 0, &out));
	KUNIT_EXPECT_EQ(test, 48U, out.channels);
	/* throughput, latency and overrides are explicit choices */
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_THROUGHPUT, &t, &cur,
						&max, &ovr, f, &out));
	KUNIT_EXPECT_EQ(test, 64U, out.channels);
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_LATENCY, &t, &cur,
						&max, &ovr, f, &out));
	KUNIT_EXPECT_EQ(test, 48U, out.channels);
	ovr.channels = 12;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, f, &out));
	KUNIT_EXPECT_EQ(test, 12U, out.channels);
}

static struct kunit_case nt_policy_cases[] = {
	KUNIT_CASE(nt_test_shapes),
	KUNIT_CASE(nt_test_all_vcpus),
	KUNIT_CASE(nt_test_device_max),
	KUNIT_CASE(nt_test_rings),
	KUNIT_CASE(nt_test_napi),
	KUNIT_CASE(nt_test_plan),
	KUNIT_CASE(nt_test_profile_parse),
	KUNIT_CASE(nt_test_parse_u32),
	KUNIT_CASE(nt_test_drivers),
	KUNIT_CASE(nt_test_rxfh),
	KUNIT_CASE(nt_test_offloads),
	KUNIT_CASE(nt_test_offload_overrides),
	KUNIT_CASE(nt_test_xps),
	KUNIT_CASE(nt_test_onoff),
	KUNIT_CASE(nt_test_devprofile),
	KUNIT_CASE(nt_test_sized_at_probe),
	{}
};

static struct kunit_suite nt_policy_suite = {
	.name = "netvsc_tune_policy",
	.test_cases = nt_policy_cases,
};

kunit_test_suite(nt_policy_suite);

MODULE_DESCRIPTION("KUnit tests for the netvsc_tune policy");
MODULE_LICENSE("GPL");
