// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_test - PCI P2PDMA in the VM, through the p2p_topo module.
 *
 * - the matrix, pairs and providers files are readable and consistent
 *   (every pair has a distance, a known map type and a reason; distance
 *   -1 exactly when not supported);
 * - bad "xfer" commands fail with EINVAL and leave "last" unchanged;
 * - for every pair (provider P, client C) where C is an NVMe controller
 *   with a namespace and P is another device: the P2PDMA core's verdict
 *   holds for real: a read of the namespace by DMA into P's P2P memory
 *   succeeds with the same bytes as a normal read when the pair is
 *   bus-address or host-bridge, and fails with EREMOTEIO when it is
 *   not-supported (QEMU: two nvme,cmb_size_mb=64 under one switch, on two
 *   root ports, and/or ivshmem-plain);
 * - NEEDS THE PATCHED KERNEL (patches/pci/0001, pci_p2pdma.allow=; skips
 *   otherwise): a bad allowlist string is rejected and changes nothing;
 *   allowing both devices of a not-supported pair flips it to host-bridge
 *   and the transfer then succeeds with the right bytes; restoring the
 *   list flips it back.
 *
 * NIMBUS_P2P_SCRATCH=1 lets the test write a random pattern to the first
 * MiB of the source namespaces first (the VM's throw-away disk images).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define TOPO "/sys/kernel/debug/p2p_topo/"
#define ALLOW "/sys/module/pci_p2pdma/parameters/allow"
#define XFER_LEN (256 * 1024)
#define MAX_PAIRS 256

struct pair {
	char prov[32], cli[32];
	int dist;
	char map[32];
	char why[256];
};

static int read_text(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? n : 0;
}

static int setup_topo(void)
{
	if (access(TOPO "matrix", R_OK)) {
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
		if (system("modprobe p2p_topo"))
			return -1;
	}
	return access(TOPO "matrix", R_OK);
}

static int load_pairs(struct pair *p, int max)
{
	static char buf[1 << 20];
	char *line, *save = NULL;
	int n = 0;

	if (read_text(TOPO "pairs", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		int off = 0;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%31s %31s %d %31s %n", p[n].prov, p[n].cli,
			   &p[n].dist, p[n].map, &off) != 4 || !off)
			return -2;
		snprintf(p[n].why, sizeof(p[n].why), "%s", line + off);
		n++;
	}
	return n;
}

static struct pair *find_pair(struct pair *p, int n, const char *prov,
			      const char *cli)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(p[i].prov, prov) && !strcmp(p[i].cli, cli))
			return &p[i];
	return NULL;
}

/* the first namespace of the NVMe controller at PCI address @bdf */
static int nvme_ns_of(const char *bdf, char *dev, size_t size)
{
	char link[PATH_MAX], real[PATH_MAX];

	for (int c = 0; c < 16; c++) {
		snprintf(link, sizeof(link), "/sys/block/nvme%dn1/device/device", c);
		if (!realpath(link, real))
			continue;
		if (!strcmp(basename(real), bdf)) {
			snprintf(dev, size, "/dev/nvme%dn1", c);
			return 0;
		}
	}
	return -1;
}

static int read_direct(const char *dev, void *buf, size_t len, off_t off)
{
	int fd = open(dev, O_RDONLY | O_DIRECT);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static int scribble(const char *dev)
{
	void *buf;
	int fd, ret = 0;

	if (!getenv("NIMBUS_P2P_SCRATCH") || posix_memalign(&buf, 4096, 1 << 20))
		return 0;
	for (size_t i = 0; i < (1 << 20); i++)
		((unsigned char *)buf)[i] = rand();
	fd = open(dev, O_WRONLY | O_DIRECT);
	if (fd < 0 || pwrite(fd, buf, 1 << 20, 0) != 1 << 20)
		ret = -1;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* p2p_topo xfer; 0 or -errno of the write */
static int xfer(const char *dev, const char *target, size_t len)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "%s 0 %zu %s", dev, len, target);
	return write_text(TOPO "xfer", cmd);
}

/* the bytes of the last xfer equal a normal O_DIRECT read */
static int same_bytes(const char *dev, size_t len)
{
	unsigned char *want, *got;
	int fd, ret = -1;
	ssize_t n;

	if (posix_memalign((void **)&want, 4096, len))
		return -1;
	got = malloc(len);
	fd = open(TOPO "xfer", O_RDONLY);
	if (got && fd >= 0 && !read_direct(dev, want, len, 0)) {
		n = read(fd, got, len);
		ret = n == (ssize_t)len && !memcmp(want, got, len) ? 0 : -1;
	}
	if (fd >= 0)
		close(fd);
	free(got);
	free(want);
	return ret;
}

FIXTURE(p2p) {
	struct pair pairs[MAX_PAIRS];
	int npairs;
};

FIXTURE_SETUP(p2p)
{
	if (setup_topo())
		SKIP(return, "p2p_topo not loadable or no debugfs");
	self->npairs = load_pairs(self->pairs, MAX_PAIRS);
	ASSERT_GE(self->npairs, 0) TH_LOG("pairs unreadable or malformed");
}

FIXTURE_TEARDOWN(p2p)
{
}

TEST_F(p2p, readout_consistent)
{
	static char buf[1 << 20];
	unsigned long long size, avail, pub;
	char bdf[32], id[16], drv[64], *line, *save = NULL;
	int nprov = 0, fields;

	ASSERT_GT(read_text(TOPO "matrix", buf, sizeof(buf)), 0);
	EXPECT_NE(NULL, strstr(buf, "rows are P2P memory providers"));
	ASSERT_GT(read_text(TOPO "providers", buf, sizeof(buf)), 0);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		fields = sscanf(line, "%31s %15s %llu %llu %llu %63s", bdf,
				id, &size, &avail, &pub, drv);
		ASSERT_EQ(6, fields)
			TH_LOG("bad provider line: %s", line);
		EXPECT_GT(size, 0) TH_LOG("%s: empty pool", bdf);
		EXPECT_LE(avail, size);
		nprov++;
	}
	for (int i = 0; i < self->npairs; i++) {
		struct pair *p = &self->pairs[i];

		EXPECT_TRUE(!strcmp(p->map, "bus-address") ||
			    !strcmp(p->map, "host-bridge") ||
			    !strcmp(p->map, "not-supported"))
			TH_LOG("%s %s: map %s", p->prov, p->cli, p->map);
		EXPECT_EQ(p->dist < 0, !strcmp(p->map, "not-supported"));
		EXPECT_GT(strlen(p->why), 4);
		if (!strcmp(p->prov, p->cli))
			EXPECT_EQ(0, p->dist);
	}
	TH_LOG("%d providers, %d pairs", nprov, self->npairs);
}

TEST_F(p2p, bad_xfer_rejected)
{
	static const char *const bad[] = {
		"", "garbage", "/dev/nvme0n1 0 4096", "/dev/x 1 4096 ram",
		"/dev/x 0 4096 0000:01:20.0", "/dev/x 0 4096 ram 0 extra",
	};
	char before[512], after[512];

	ASSERT_GE(read_text(TOPO "last", before, sizeof(before)), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		int fd = open(TOPO "xfer", O_WRONLY);

		ASSERT_GE(fd, 0);
		EXPECT_EQ(-1, write(fd, bad[i], strlen(bad[i])))
			TH_LOG("\"%s\" accepted", bad[i]);
		/* an empty write never reaches the driver */
		if (bad[i][0])
			EXPECT_EQ(EINVAL, errno);
		close(fd);
	}
	ASSERT_GE(read_text(TOPO "last", after, sizeof(after)), 0);
	EXPECT_STREQ(before, after);
}

/* every NVMe client x other provider: the verdict holds for real */
TEST_F(p2p, transfers_match_verdict)
{
	int tried = 0;

	for (int i = 0; i < self->npairs; i++) {
		struct pair *p = &self->pairs[i];
		char dev[64];
		int ret;

		if (!strcmp(p->prov, p->cli) || nvme_ns_of(p->cli, dev, sizeof(dev)))
			continue;
		ASSERT_EQ(0, scribble(dev));
		ret = xfer(dev, p->prov, XFER_LEN);
		TH_LOG("%s -> P2P memory of %s: %s (%d), transfer %s", dev,
		       p->prov, p->map, p->dist, ret ? strerror(-ret) : "ok");
		if (!strcmp(p->map, "not-supported")) {
			EXPECT_EQ(-EREMOTEIO, ret);
		} else {
			EXPECT_EQ(0, ret);
			if (!ret)
				EXPECT_EQ(0, same_bytes(dev, XFER_LEN));
		}
		tried++;
	}
	if (!tried)
		SKIP(return, "no NVMe namespace with another P2P provider");
}

/* the same namespace into RAM: the reference path of the benchmark */
TEST_F(p2p, transfer_to_ram)
{
	char dev[64];

	for (int i = 0; i < self->npairs; i++) {
		if (nvme_ns_of(self->pairs[i].cli, dev, sizeof(dev)))
			continue;
		ASSERT_EQ(0, xfer(dev, "ram", XFER_LEN));
		EXPECT_EQ(0, same_bytes(dev, XFER_LEN));
		return;
	}
	SKIP(return, "no NVMe namespace");
}

/* NEEDS THE PATCHED KERNEL: pci_p2pdma.allow= flips not-supported */
TEST_F(p2p, allowlist_flips_host_bridge)
{
	char saved[512], now[512], allow[160], dev[64], prov[32], cli[32];
	struct pair *p = NULL, *q;
	int ret;

	if (access(ALLOW, W_OK))
		SKIP(return, "kernel without pci_p2pdma.allow (patches/pci/0001)");
	for (int i = 0; i < self->npairs && !p; i++)
		if (!strcmp(self->pairs[i].map, "not-supported") &&
		    !nvme_ns_of(self->pairs[i].cli, dev, sizeof(dev)))
			p = &self->pairs[i];
	if (!p)
		SKIP(return, "no not-supported pair with an NVMe client");

	ASSERT_GT(read_text(ALLOW, saved, sizeof(saved)), 0);
	/* bad strings: EINVAL, list unchanged */
	EXPECT_EQ(-EINVAL, write_text(ALLOW, "dev=01:20.0"));
	EXPECT_EQ(-EINVAL, write_text(ALLOW, "id=10de:*,bogus"));
	ASSERT_GT(read_text(ALLOW, now, sizeof(now)), 0);
	EXPECT_STREQ(saved, now);

	snprintf(prov, sizeof(prov), "%s", p->prov);
	snprintf(cli, sizeof(cli), "%s", p->cli);
	snprintf(allow, sizeof(allow), "dev=%s,dev=%s", prov, cli);
	ASSERT_EQ(0, write_text(ALLOW, allow));
	ASSERT_EQ(self->npairs, load_pairs(self->pairs, MAX_PAIRS));
	q = find_pair(self->pairs, self->npairs, prov, cli);
	ASSERT_NE(NULL, q);
	EXPECT_STREQ("host-bridge", q->map) TH_LOG("after allow=%s: %s", allow, q->why);
	EXPECT_GE(q->dist, 0);
	ASSERT_EQ(0, scribble(dev));
	ret = xfer(dev, q->prov, XFER_LEN);
	EXPECT_EQ(0, ret) TH_LOG("transfer: %s", strerror(-ret));
	if (!ret)
		EXPECT_EQ(0, same_bytes(dev, XFER_LEN));

	/* back: refused again (the cached map type is recomputed) */
	ASSERT_EQ(0, write_text(ALLOW, saved));
	EXPECT_EQ(-EREMOTEIO, xfer(dev, q->prov, XFER_LEN));
	ASSERT_EQ(self->npairs, load_pairs(self->pairs, MAX_PAIRS));
	q = find_pair(self->pairs, self->npairs, prov, cli);
	ASSERT_NE(NULL, q);
	EXPECT_STREQ("not-supported", q->map);
}

TEST_HARNESS_MAIN
