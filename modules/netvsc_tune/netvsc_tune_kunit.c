// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of netvsc_tune, built as their own module
 * (netvsc_tune_kunit.ko) against the functions netvsc_tune.ko exports to
 * KUnit only (EXPORT_SYMBOL_IF_KUNIT):
 * - "netvsc_tune_policy": the pure policy functions for VM shapes from 1 to
 *   416 vCPUs, NUMA layouts, device maxima, overrides and bad input;
 * - "netvsc_tune_owner": the ownership decision of one knob, alone and
 *   through the sequences of events of issue 14's findings.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "netvsc_tune.h"

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

#define PLAN(p) nt_policy_plan(NT_PROFILE_##p, &t, &cur, &max, &ovr, 0, &out, &unfit)

static void nt_test_plan(struct kunit *test)
{
	struct nt_topology t = { 64, 32, 2 };
	struct nt_knobs cur = { 8, 9709, 170, 0, 0 };
	struct nt_knobs max = { 64, 18811, 2560, 0, 0 };
	struct nt_knobs ovr = no_ovr;
	struct nt_knobs out = {}, keep;
	u32 unfit = 0;

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

	/*
	 * An override out of range makes only its own knob unfit: that knob
	 * keeps the current value, every other knob follows the profile.
	 */
	ovr.channels = 65;
	KUNIT_EXPECT_EQ(test, 0, PLAN(THROUGHPUT));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_CHANNELS), unfit);
	KUNIT_EXPECT_EQ(test, 8U, out.channels);
	KUNIT_EXPECT_EQ(test, 18811U, out.rx_ring);
	KUNIT_EXPECT_EQ(test, NT_THROUGHPUT_DEFER_IRQS, out.defer_irqs);
	ovr.channels = 0;
	KUNIT_EXPECT_EQ(test, 0, PLAN(THROUGHPUT));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_CHANNELS), unfit);
	ovr = no_ovr;
	ovr.rx_ring = 18812;
	KUNIT_EXPECT_EQ(test, 0, PLAN(LATENCY));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_RX), unfit);
	KUNIT_EXPECT_EQ(test, 9709U, out.rx_ring);
	KUNIT_EXPECT_EQ(test, 32U, out.channels);
	ovr = no_ovr;
	ovr.gro_flush_ns = NT_GRO_FLUSH_NS_MAX + 1;
	ovr.defer_irqs = NT_DEFER_IRQS_MAX + 1;
	ovr.tx_ring = 100;
	KUNIT_EXPECT_EQ(test, 0, PLAN(LATENCY));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_GRO_NS) | BIT(NT_K_DEFER), unfit);
	KUNIT_EXPECT_EQ(test, 0ULL, out.gro_flush_ns);
	KUNIT_EXPECT_EQ(test, 0U, out.defer_irqs);
	KUNIT_EXPECT_EQ(test, 100U, out.tx_ring);
	ovr = no_ovr;
	keep = out;
	unfit = 7;
	KUNIT_EXPECT_EQ(test, -EINVAL, PLAN(COUNT));
	KUNIT_EXPECT_EQ(test, 0, memcmp(&keep, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, 7U, unfit);

	/* no settable channels or rings: an override of them is unfit */
	max.channels = 0;
	max.tx_ring = 0;
	ovr = no_ovr;
	ovr.channels = 1;
	KUNIT_EXPECT_EQ(test, 0, PLAN(BALANCED));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_CHANNELS), unfit);
	ovr = no_ovr;
	ovr.tx_ring = 1;
	KUNIT_EXPECT_EQ(test, 0, PLAN(BALANCED));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_TX), unfit);
	ovr = no_ovr;
	KUNIT_EXPECT_EQ(test, 0, PLAN(BALANCED));
	KUNIT_EXPECT_EQ(test, 0U, unfit);
	KUNIT_EXPECT_EQ(test, 8U, out.channels);
}

/*
 * Issue 29, point 4: mana has no LRO in hw_features. lro=off fits it (LRO
 * is off and stays off), lro=on does not, and neither keeps the other
 * knobs from their plan.
 */
static void nt_test_plan_fixed_lro(struct kunit *test)
{
	struct nt_topology t = { 8, 4, 1 };
	struct nt_knobs cur = { .channels = 2, .rx_ring = 1024, .tx_ring = 256 };
	struct nt_knobs max = { .channels = 8, .rx_ring = 8192, .tx_ring = 8192,
				.gro = 1 };
	struct nt_knobs ovr = no_ovr;
	struct nt_knobs out = {};
	u32 unfit = 0;

	ovr.lro = 0;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_THROUGHPUT, &t, &cur,
						&max, &ovr, 0, &out, &unfit));
	KUNIT_EXPECT_EQ(test, 0U, unfit);
	KUNIT_EXPECT_EQ(test, 0U, out.lro);
	KUNIT_EXPECT_EQ(test, 8U, out.channels);
	KUNIT_EXPECT_EQ(test, 8192U, out.rx_ring);
	ovr.lro = 1;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_THROUGHPUT, &t, &cur,
						&max, &ovr, 0, &out, &unfit));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_LRO), unfit);
	KUNIT_EXPECT_EQ(test, 0U, out.lro);
	KUNIT_EXPECT_EQ(test, 8U, out.channels);
	KUNIT_EXPECT_EQ(test, 1U, out.gro);
	/* GRO can be switched: an override of it fits either way */
	ovr.gro = 0;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_THROUGHPUT, &t, &cur,
						&max, &ovr, 0, &out, &unfit));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_LRO), unfit);
	KUNIT_EXPECT_EQ(test, 0U, out.gro);
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
		/* octal, which kstrtou32()'s base 0 accepts: not documented */
		"010", "00", "07", "0o7", "0b1", "+0x10",
	};
	unsigned int i;
	u32 v = 42;

	KUNIT_EXPECT_EQ(test, 0, nt_parse_u32("64\n", 1, 64, &v));
	KUNIT_EXPECT_EQ(test, 64U, v);
	KUNIT_EXPECT_EQ(test, 0, nt_parse_u32("10", 1, 64, &v));
	KUNIT_EXPECT_EQ(test, 10U, v);
	KUNIT_EXPECT_EQ(test, 0, nt_parse_u32("0X0a\n", 1, 64, &v));
	KUNIT_EXPECT_EQ(test, 10U, v);
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
	u32 unfit = 0;

	ovr.gro = 0;
	KUNIT_EXPECT_EQ(test, 0, PLAN(THROUGHPUT));
	KUNIT_EXPECT_EQ(test, 0U, out.gro);
	KUNIT_EXPECT_EQ(test, 1U, out.lro);
	/* LRO is fixed on: an override asking it off does not fit, on fits */
	ovr.lro = 0;
	KUNIT_EXPECT_EQ(test, 0, PLAN(THROUGHPUT));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_LRO), unfit);
	KUNIT_EXPECT_EQ(test, 1U, out.lro);
	KUNIT_EXPECT_EQ(test, 0U, out.gro);
	ovr.lro = 1;
	KUNIT_EXPECT_EQ(test, 0, PLAN(LATENCY));
	KUNIT_EXPECT_EQ(test, 0U, unfit);
	KUNIT_EXPECT_EQ(test, 1U, out.lro);
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
	u32 unfit = 0;
	const unsigned int f = NT_PLAN_SIZED_AT_PROBE;

	KUNIT_EXPECT_TRUE(test, nt_driver_sized_at_probe("hv_netvsc"));
	KUNIT_EXPECT_FALSE(test, nt_driver_sized_at_probe("mlx5_core"));
	KUNIT_EXPECT_FALSE(test, nt_driver_sized_at_probe("hv_netvsc2"));
	KUNIT_EXPECT_FALSE(test, nt_driver_sized_at_probe(NULL));

	/* the count the driver gave this VM: nothing to change */
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, f, &out, &unfit));
	KUNIT_EXPECT_EQ(test, 48U, out.channels);
	KUNIT_EXPECT_EQ(test, cur.rx_ring, out.rx_ring);
	KUNIT_EXPECT_EQ(test, cur.tx_ring, out.tx_ring);
	/* a count of 4 the admin set is kept too */
	cur.channels = 4;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, f, &out, &unfit));
	KUNIT_EXPECT_EQ(test, 4U, out.channels);
	/* without the flag, balanced computes the count itself */
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, 0, &out, &unfit));
	KUNIT_EXPECT_EQ(test, 48U, out.channels);
	/* throughput, latency and overrides are explicit choices */
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_THROUGHPUT, &t, &cur,
						&max, &ovr, f, &out, &unfit));
	KUNIT_EXPECT_EQ(test, 64U, out.channels);
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_LATENCY, &t, &cur,
						&max, &ovr, f, &out, &unfit));
	KUNIT_EXPECT_EQ(test, 48U, out.channels);
	ovr.channels = 12;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, f, &out, &unfit));
	KUNIT_EXPECT_EQ(test, 12U, out.channels);
}

/* gro_flush_timeout is an unsigned long: no truncation at U32_MAX */
static void nt_test_gro_flush_u64(struct kunit *test)
{
	struct nt_topology t = { 4, 2, 1 };
	struct nt_knobs cur = { .channels = 4, .gro_flush_ns = 5000000000ULL };
	struct nt_knobs max = { .channels = 4 };
	struct nt_knobs ovr = no_ovr;
	struct nt_knobs out = {};
	u32 unfit = 0;

	/* balanced keeps the value as it is */
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, 0, &out, &unfit));
	KUNIT_EXPECT_EQ(test, 5000000000ULL, out.gro_flush_ns);
	/* an override above 10 ms does not fit */
	ovr.gro_flush_ns = NT_GRO_FLUSH_NS_MAX + 1;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, 0, &out, &unfit));
	KUNIT_EXPECT_EQ(test, BIT(NT_K_GRO_NS), unfit);
	KUNIT_EXPECT_EQ(test, 5000000000ULL, out.gro_flush_ns);
	ovr.gro_flush_ns = NT_GRO_FLUSH_NS_MAX;
	KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(NT_PROFILE_BALANCED, &t, &cur,
						&max, &ovr, 0, &out, &unfit));
	KUNIT_EXPECT_EQ(test, (u64)NT_GRO_FLUSH_NS_MAX, out.gro_flush_ns);
}

/*
 * hv_netvsc's rx-flow-hash only picks the TX queue, and UDP is hashed on
 * the ports there already: no profile writes it. Elsewhere the tuned
 * profiles ask for the ports.
 */
static void nt_test_udp_hash_tx_only(struct kunit *test)
{
	struct nt_topology t = { 16, 8, 1 };
	struct nt_knobs cur = { .channels = 8, .udp_l4 = 0 };
	struct nt_knobs max = { .channels = 64, .udp_l4 = 1 };
	struct nt_knobs ovr = no_ovr;
	struct nt_knobs out = {};
	u32 unfit = 0;
	enum nt_profile p;

	KUNIT_EXPECT_EQ(test, NT_PLAN_SIZED_AT_PROBE | NT_PLAN_KEEP_UDP_HASH,
			nt_driver_plan_flags("hv_netvsc"));
	KUNIT_EXPECT_EQ(test, 0U, nt_driver_plan_flags("mlx5_core"));
	KUNIT_EXPECT_EQ(test, 0U, nt_driver_plan_flags(NULL));
	for (p = NT_PROFILE_BALANCED; p < NT_PROFILE_COUNT; p++) {
		KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(p, &t, &cur, &max, &ovr,
							nt_driver_plan_flags("hv_netvsc"),
							&out, &unfit));
		KUNIT_EXPECT_EQ_MSG(test, 0U, out.udp_l4, "%s", nt_profile_name(p));
		KUNIT_EXPECT_EQ(test, 0, nt_policy_plan(p, &t, &cur, &max, &ovr,
							nt_driver_plan_flags("mlx5_core"),
							&out, &unfit));
		KUNIT_EXPECT_EQ_MSG(test, 1U, out.udp_l4, "%s", nt_profile_name(p));
	}
}

/* XPS: only throughput and latency spread */
static void nt_test_xps_profiles(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, nt_profile_spreads_xps(NT_PROFILE_OFF));
	KUNIT_EXPECT_FALSE(test, nt_profile_spreads_xps(NT_PROFILE_BALANCED));
	KUNIT_EXPECT_TRUE(test, nt_profile_spreads_xps(NT_PROFILE_THROUGHPUT));
	KUNIT_EXPECT_TRUE(test, nt_profile_spreads_xps(NT_PROFILE_LATENCY));
	KUNIT_EXPECT_FALSE(test, nt_profile_spreads_xps(NT_PROFILE_COUNT));
}

/* XPS spread: the device's node first, every CPU on a queue, loads even */
static void nt_test_xps_numa(struct kunit *test)
{
	/* 8 CPUs, the device on the node of CPUs 4-7 */
	static const bool node1[8] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	static const u32 two[8] = { 0, 1, 0, 1, 0, 1, 0, 1 };
	static const u32 eight[8] = { 4, 5, 6, 7, 0, 1, 2, 3 };
	static const u32 three[8] = { 1, 2, 0, 1, 0, 1, 2, 0 };
	const u32 n = 416;
	u32 queue[8], i, txq, q;
	bool *local;
	u32 *qs, *load;

	nt_xps_assign(node1, 8, 2, queue);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ_MSG(test, two[i], queue[i], "CPU %u of 2 queues", i);
	nt_xps_assign(node1, 8, 8, queue);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ_MSG(test, eight[i], queue[i], "CPU %u of 8 queues", i);
	nt_xps_assign(node1, 8, 3, queue);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ_MSG(test, three[i], queue[i], "CPU %u of 3 queues", i);

	/* 416 CPUs on 8 nodes, the device on node 3: its CPUs cover the queues */
	local = kunit_kcalloc(test, n, sizeof(*local), GFP_KERNEL);
	qs = kunit_kcalloc(test, n, sizeof(*qs), GFP_KERNEL);
	load = kunit_kcalloc(test, 64, sizeof(*load), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, local);
	KUNIT_ASSERT_NOT_NULL(test, qs);
	KUNIT_ASSERT_NOT_NULL(test, load);
	for (i = 0; i < n; i++)
		local[i] = i / 52 == 3;
	for (txq = 1; txq <= 64; txq++) {
		u32 lo = U32_MAX, hi = 0;
		bool seen[64] = {};

		memset(load, 0, 64 * sizeof(*load));
		nt_xps_assign(local, n, txq, qs);
		for (i = 0; i < n; i++) {
			KUNIT_ASSERT_LT(test, qs[i], txq);
			load[qs[i]]++;
			if (local[i])
				seen[qs[i]] = true;
		}
		for (q = 0; q < txq; q++) {
			lo = min(lo, load[q]);
			hi = max(hi, load[q]);
			/* 52 CPUs on the node: each queue gets one while they last */
			if (q < 52)
				KUNIT_EXPECT_TRUE_MSG(test, seen[q], "%u queues: queue %u",
						      txq, q);
		}
		KUNIT_EXPECT_LE_MSG(test, hi - lo, 1U, "%u queues", txq);
	}

	/* no node (NUMA_NO_NODE: all CPUs local): the plain round robin */
	for (i = 0; i < n; i++)
		local[i] = true;
	nt_xps_assign(local, n, 7, qs);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, nt_xps_queue(i, 7), qs[i]);
}

static struct kunit_case nt_policy_cases[] = {
	KUNIT_CASE(nt_test_shapes),
	KUNIT_CASE(nt_test_all_vcpus),
	KUNIT_CASE(nt_test_device_max),
	KUNIT_CASE(nt_test_rings),
	KUNIT_CASE(nt_test_napi),
	KUNIT_CASE(nt_test_plan),
	KUNIT_CASE(nt_test_plan_fixed_lro),
	KUNIT_CASE(nt_test_profile_parse),
	KUNIT_CASE(nt_test_parse_u32),
	KUNIT_CASE(nt_test_drivers),
	KUNIT_CASE(nt_test_offloads),
	KUNIT_CASE(nt_test_offload_overrides),
	KUNIT_CASE(nt_test_xps),
	KUNIT_CASE(nt_test_onoff),
	KUNIT_CASE(nt_test_devprofile),
	KUNIT_CASE(nt_test_sized_at_probe),
	KUNIT_CASE(nt_test_gro_flush_u64),
	KUNIT_CASE(nt_test_udp_hash_tx_only),
	KUNIT_CASE(nt_test_xps_profiles),
	KUNIT_CASE(nt_test_xps_numa),
	{}
};

static struct kunit_suite nt_policy_suite = {
	.name = "netvsc_tune_policy",
	.test_cases = nt_policy_cases,
};

/* ------------------------------------------------------------------ */
/* netvsc_tune_owner: the ownership decision */

#define NONE_ NT_OWNER_NONE
#define OURS_ NT_OWNER_OURS
#define OTHR_ NT_OWNER_OTHER

struct own_case {
	u8 owner;
	u64 orig, ours, cur, want;
	bool restore;
	enum nt_act act;
	u64 val;		/* for NT_ACT_WRITE */
	const char *what;
};

static const struct own_case own_cases[] = {
	/* first pass: untouched knobs are written, equal ones kept */
	{ NONE_, 0, 0, 0, 1, false, NT_ACT_WRITE, 1, "first write" },
	{ NONE_, 1, 1, 1, 1, false, NT_ACT_KEEP, 0, "already as wanted" },
	/* udev/.link/NetworkManager changed it before our first write */
	{ NONE_, 1, 1, 0, 1, false, NT_ACT_OTHER, 0, "changed before us" },
	{ NONE_, 1, 1, 0, 0, false, NT_ACT_OTHER, 0, "changed to our plan before us" },
	/* ours and untouched: re-applied to a new plan, or kept */
	{ OURS_, 0, 1, 1, 2, false, NT_ACT_WRITE, 2, "new plan over ours" },
	{ OURS_, 0, 1, 1, 1, false, NT_ACT_KEEP, 0, "ours, as wanted" },
	{ OURS_, 0, 1, 1, 0, false, NT_ACT_WRITE, 0, "plan back to the original" },
	/* someone changed our value: never written again */
	{ OURS_, 1, 0, 1, 0, false, NT_ACT_OTHER, 0, "changed back after us" },
	{ OURS_, 0, 1, 2, 1, false, NT_ACT_OTHER, 0, "changed after us" },
	{ OTHR_, 0, 1, 0, 1, false, NT_ACT_KEEP, 0, "someone else's" },
	{ OTHR_, 0, 1, 1, 2, false, NT_ACT_KEEP, 0, "someone else's, ours by chance" },
	/* restore: only our value, back to the original */
	{ OURS_, 7, 2, 2, 0, true, NT_ACT_WRITE, 7, "restore ours" },
	{ OURS_, 7, 2, 3, 0, true, NT_ACT_OTHER, 0, "restore over someone's" },
	{ OURS_, 7, 2, 7, 0, true, NT_ACT_OTHER, 0, "someone restored it" },
	{ NONE_, 7, 7, 7, 2, true, NT_ACT_KEEP, 0, "restore, never written" },
	{ NONE_, 7, 7, 3, 2, true, NT_ACT_OTHER, 0, "restore, changed by someone" },
	{ OTHR_, 7, 2, 2, 2, true, NT_ACT_KEEP, 0, "restore, someone else's" },
	/* exact over 64 bits: gro_flush_timeout above U32_MAX */
	{ NONE_, 0x100000007ULL, 0, 7, 7, false, NT_ACT_OTHER, 0, "above U32_MAX" },
	{ OURS_, 5000000000ULL, 200000, 200000, 0, true, NT_ACT_WRITE,
	  5000000000ULL, "restore above U32_MAX" },
};

static void nt_test_own_decide(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(own_cases); i++) {
		const struct own_case *c = &own_cases[i];
		struct nt_own o = { .orig = c->orig, .ours = c->ours,
				    .owner = c->owner };
		u64 val = 0xdead;
		enum nt_act act;

		act = nt_own_decide(&o, c->cur, c->want, c->restore, &val);
		KUNIT_EXPECT_EQ_MSG(test, c->act, act, "%s", c->what);
		if (c->act == NT_ACT_WRITE)
			KUNIT_EXPECT_EQ_MSG(test, c->val, val, "%s", c->what);
		else
			KUNIT_EXPECT_EQ_MSG(test, 0xdeadULL, val, "%s: value set", c->what);
	}
}

static void nt_test_own_done(struct kunit *test)
{
	struct nt_own o = { .orig = 4, .ours = 4, .owner = NONE_ };

	/* a write that took: ours */
	nt_own_done(&o, NT_ACT_WRITE, 1, 0, false);
	KUNIT_EXPECT_EQ(test, OURS_, o.owner);
	KUNIT_EXPECT_EQ(test, 1ULL, o.ours);
	KUNIT_EXPECT_EQ(test, 4ULL, o.orig);
	/* a failed apply: nothing changes, nothing pending */
	nt_own_done(&o, NT_ACT_WRITE, 2, -EIO, false);
	KUNIT_EXPECT_EQ(test, OURS_, o.owner);
	KUNIT_EXPECT_EQ(test, 1ULL, o.ours);
	KUNIT_EXPECT_FALSE(test, o.pending);
	/* a failed restore: originals kept, pending */
	nt_own_done(&o, NT_ACT_WRITE, 4, -ENODEV, true);
	KUNIT_EXPECT_EQ(test, OURS_, o.owner);
	KUNIT_EXPECT_EQ(test, 1ULL, o.ours);
	KUNIT_EXPECT_EQ(test, 4ULL, o.orig);
	KUNIT_EXPECT_TRUE(test, o.pending);
	/* the retry took: nobody's, nothing pending */
	nt_own_done(&o, NT_ACT_WRITE, 4, 0, true);
	KUNIT_EXPECT_EQ(test, NONE_, o.owner);
	KUNIT_EXPECT_FALSE(test, o.pending);
	/* writing the original under a plan also gives it back */
	nt_own_done(&o, NT_ACT_WRITE, 9, 0, false);
	nt_own_done(&o, NT_ACT_WRITE, 4, 0, false);
	KUNIT_EXPECT_EQ(test, NONE_, o.owner);
	/* handed over: for good, nothing pending */
	o.pending = true;
	nt_own_done(&o, NT_ACT_OTHER, 0, 0, true);
	KUNIT_EXPECT_EQ(test, OTHR_, o.owner);
	KUNIT_EXPECT_FALSE(test, o.pending);
}

/*
 * One knob through a pass: decide, then record; the device's value is
 * @dev, which a write changes unless @err.
 */
static enum nt_act pass(struct nt_own *o, u64 *dev, u64 want, bool restore,
			int err)
{
	enum nt_act act;
	u64 val = 0;

	act = nt_own_decide(o, *dev, want, restore, &val);
	if (act == NT_ACT_WRITE && !err)
		*dev = val;
	nt_own_done(o, act, val, err, restore);
	return act;
}

/*
 * Finding 1: balanced turns GRO on at load; the administrator turns it off
 * ("ethtool -K eth0 gro off"); the next NETDEV_UP pass must leave it off,
 * and so must every later pass and the unload.
 */
static void nt_test_admin_wins(struct kunit *test)
{
	struct nt_own gro = { .orig = 0, .ours = 0, .owner = NONE_ };
	u64 dev = 0;

	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, pass(&gro, &dev, 1, false, 0));
	KUNIT_EXPECT_EQ(test, 1ULL, dev);
	dev = 0;	/* ethtool -K eth0 gro off */
	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER, pass(&gro, &dev, 1, false, 0));
	KUNIT_EXPECT_EQ(test, 0ULL, dev);
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP, pass(&gro, &dev, 1, false, 0));
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP, pass(&gro, &dev, 1, true, 0));
	KUNIT_EXPECT_EQ(test, 0ULL, dev);
}

/*
 * Finding 2: unload gives back only what is still ours. Channels stay as
 * the administrator set them after us; defer, never written, is not
 * "restored" to a stale load-time value.
 */
static void nt_test_restore_only_ours(struct kunit *test)
{
	struct nt_own chn = { .orig = 8, .ours = 8, .owner = NONE_ };
	struct nt_own defer = { .orig = 0, .ours = 0, .owner = NONE_ };
	struct nt_own rx = { .orig = 512, .ours = 512, .owner = NONE_ };
	u64 dchn = 8, ddefer = 0, drx = 512;

	/* load: channels 8 -> 2, rings 512 -> 4096; defer stays 0 */
	pass(&chn, &dchn, 2, false, 0);
	pass(&rx, &drx, 4096, false, 0);
	pass(&defer, &ddefer, 0, false, 0);
	/* the administrator: 4 channels, defer 5 */
	dchn = 4;
	ddefer = 5;
	/* unload */
	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER, pass(&chn, &dchn, 0, true, 0));
	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER, pass(&defer, &ddefer, 0, true, 0));
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, pass(&rx, &drx, 0, true, 0));
	KUNIT_EXPECT_EQ(test, 4ULL, dchn);
	KUNIT_EXPECT_EQ(test, 5ULL, ddefer);
	KUNIT_EXPECT_EQ(test, 512ULL, drx);
}

/*
 * Finding 3: a restore that fails (-ENODEV while hv_netvsc detaches) keeps
 * the original and is retried at the next pass, until it takes.
 */
static void nt_test_failed_restore_retried(struct kunit *test)
{
	struct nt_own chn = { .orig = 16, .ours = 16, .owner = NONE_ };
	u64 dev = 16;

	pass(&chn, &dev, 4, false, 0);
	KUNIT_EXPECT_EQ(test, 4ULL, dev);
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, pass(&chn, &dev, 0, true, -ENODEV));
	KUNIT_EXPECT_TRUE(test, chn.pending);
	KUNIT_EXPECT_EQ(test, 16ULL, chn.orig);
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, pass(&chn, &dev, 0, true, -EINVAL));
	KUNIT_EXPECT_TRUE(test, chn.pending);
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, pass(&chn, &dev, 0, true, 0));
	KUNIT_EXPECT_FALSE(test, chn.pending);
	KUNIT_EXPECT_EQ(test, 16ULL, dev);
	KUNIT_EXPECT_EQ(test, NONE_, chn.owner);
	/* and nothing more to do */
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP, pass(&chn, &dev, 0, true, 0));
}

/*
 * Profile switches: each plan is written over our own value; going back to
 * the original value makes the knob nobody's, so a later change by
 * someone else is theirs.
 */
static void nt_test_profile_switches(struct kunit *test)
{
	struct nt_own defer = { .orig = 7, .ours = 7, .owner = NONE_ };
	u64 dev = 7;

	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, pass(&defer, &dev, 2, false, 0));
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, pass(&defer, &dev, 0, false, 0));
	KUNIT_EXPECT_EQ(test, OURS_, defer.owner);
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, pass(&defer, &dev, 7, false, 0));
	KUNIT_EXPECT_EQ(test, NONE_, defer.owner);
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP, pass(&defer, &dev, 7, true, 0));
	dev = 3;
	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER, pass(&defer, &dev, 2, false, 0));
	KUNIT_EXPECT_EQ(test, 3ULL, dev);
}

/*
 * XPS as labels: a device with masks at first sight is someone else's; an
 * empty one gets our spread, re-spread while it holds ours, and given
 * back empty.
 */
static void nt_test_xps_labels(struct kunit *test)
{
	struct nt_own xps = { .orig = NT_XPS_EMPTY, .ours = NT_XPS_EMPTY,
			      .owner = NONE_ };
	u64 val = 0;

	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER,
			nt_own_decide(&xps, NT_XPS_ELSE, NT_XPS_SPREAD, false, &val));
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE,
			nt_own_decide(&xps, NT_XPS_EMPTY, NT_XPS_SPREAD, false, &val));
	KUNIT_EXPECT_EQ(test, (u64)NT_XPS_SPREAD, val);
	nt_own_done(&xps, NT_ACT_WRITE, NT_XPS_OURS, 0, false);
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP,
			nt_own_decide(&xps, NT_XPS_OURS, NT_XPS_OURS, false, &val));
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE,
			nt_own_decide(&xps, NT_XPS_OURS, NT_XPS_SPREAD, false, &val));
	/* balanced keeps the original: ours goes */
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE,
			nt_own_decide(&xps, NT_XPS_OURS, NT_XPS_EMPTY, false, &val));
	KUNIT_EXPECT_EQ(test, (u64)NT_XPS_EMPTY, val);
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE,
			nt_own_decide(&xps, NT_XPS_OURS, NT_XPS_SPREAD, true, &val));
	KUNIT_EXPECT_EQ(test, (u64)NT_XPS_EMPTY, val);
	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER,
			nt_own_decide(&xps, NT_XPS_ELSE, NT_XPS_OURS, true, &val));
}

/*
 * Issue 29, point 1: mlx5 rounds rx 3000 up to 4096. The module owns the
 * 4096 the driver set: the next pass neither hands the knob over nor asks
 * again, and the restore puts the original back over the 4096.
 */
static void nt_test_own_readback(struct kunit *test)
{
	struct nt_own o = { .orig = 1024, .ours = 1024, .owner = NONE_ };
	u64 val = 0;

	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_own_decide(&o, 1024, 3000, false, &val));
	KUNIT_EXPECT_EQ(test, 3000ULL, val);
	nt_own_wrote(&o, 3000, 4096, 0, false);
	KUNIT_EXPECT_EQ(test, OURS_, o.owner);
	KUNIT_EXPECT_EQ(test, 4096ULL, o.ours);
	/* the next pass: still 4096, still asked 3000: nothing to do */
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP, nt_own_decide(&o, 4096, 3000, false, &val));
	/* a new request is made */
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_own_decide(&o, 4096, 5000, false, &val));
	KUNIT_EXPECT_EQ(test, 5000ULL, val);
	/* someone else set 2048: handed over */
	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER, nt_own_decide(&o, 2048, 3000, false, &val));
	/* restore over our 4096 writes the original */
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_own_decide(&o, 4096, 3000, true, &val));
	KUNIT_EXPECT_EQ(test, 1024ULL, val);
	nt_own_wrote(&o, 1024, 1024, 0, true);
	KUNIT_EXPECT_EQ(test, NONE_, o.owner);

	/* hv_netvsc raises 3 to its floor 10, the original: nobody's, not asked again */
	o = (struct nt_own){ .orig = 10, .ours = 10, .owner = NONE_ };
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_own_decide(&o, 10, 3, false, &val));
	nt_own_wrote(&o, 3, 10, 0, false);
	KUNIT_EXPECT_EQ(test, NONE_, o.owner);
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP, nt_own_decide(&o, 10, 3, false, &val));
	/* a failed write records no request */
	o = (struct nt_own){ .orig = 64, .ours = 64, .owner = NONE_ };
	nt_own_wrote(&o, 32, 32, -EINVAL, false);
	KUNIT_EXPECT_FALSE(test, o.asked_set);
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_own_decide(&o, 64, 32, false, &val));
}

/* Issue 29, point 2: LRO is never written on where the kernel forbids it */
static void nt_test_lro_policy(struct kunit *test)
{
	/* allowed: every answer stands */
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_lro_decide(NT_ACT_WRITE, 1, true, false));
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_lro_decide(NT_ACT_WRITE, 1, false, false));
	/* forbidden: off may be written, on never */
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_lro_decide(NT_ACT_WRITE, 0, false, true));
	KUNIT_EXPECT_EQ(test, NT_ACT_WRITE, nt_lro_decide(NT_ACT_WRITE, 0, true, true));
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP, nt_lro_decide(NT_ACT_WRITE, 1, false, true));
	/* a restore of "on" hands the knob to the kernel */
	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER, nt_lro_decide(NT_ACT_WRITE, 1, true, true));
	KUNIT_EXPECT_EQ(test, NT_ACT_KEEP, nt_lro_decide(NT_ACT_KEEP, 1, true, true));
	KUNIT_EXPECT_EQ(test, NT_ACT_OTHER, nt_lro_decide(NT_ACT_OTHER, 0, true, true));
}

static struct kunit_case nt_owner_cases[] = {
	KUNIT_CASE(nt_test_own_readback),
	KUNIT_CASE(nt_test_lro_policy),
	KUNIT_CASE(nt_test_own_decide),
	KUNIT_CASE(nt_test_own_done),
	KUNIT_CASE(nt_test_admin_wins),
	KUNIT_CASE(nt_test_restore_only_ours),
	KUNIT_CASE(nt_test_failed_restore_retried),
	KUNIT_CASE(nt_test_profile_switches),
	KUNIT_CASE(nt_test_xps_labels),
	{}
};

static struct kunit_suite nt_owner_suite = {
	.name = "netvsc_tune_owner",
	.test_cases = nt_owner_cases,
};

kunit_test_suites(&nt_policy_suite, &nt_owner_suite);

MODULE_DESCRIPTION("KUnit tests for netvsc_tune");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
