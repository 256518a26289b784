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
 *   list flips it back; a pair= entry allows that pair only, not the
 *   other direction nor another client.
 * - p2p_topo publishes nothing by itself: the module declares no PCI
 *   device alias (udev would load it for the device), loading it binds no
 *   device, and a BAR is published only when a device is given to it by
 *   name (driver_override), which this test does for each ivshmem device.
 *
 * NIMBUS_P2P_SCRATCH=1 lets the test write a random pattern to the first
 * MiB of the source namespaces first (the VM's throw-away disk images).
 * P2P_TOPO_KO=/path/p2p_topo.ko tests that file instead of the installed
 * module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define TOPO "/sys/kernel/debug/p2p_topo/"
#define ALLOW "/sys/module/pci_p2pdma/parameters/allow"
#define PCI_DEVS "/sys/bus/pci/devices/"
#define DRV "/sys/bus/pci/drivers/p2p_topo/"
#define XFER_LEN (256 * 1024)
#define MAX_PAIRS 256
#define MAX_PUB 8

struct pair {
	char prov[32], cli[32];
	int dist;
	char map[32];
	char why[384];
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

/* insmod P2P_TOPO_KO, or modprobe the installed module */
static int load_topo(void)
{
	const char *ko = getenv("P2P_TOPO_KO");
	char cmd[PATH_MAX + 32];

	if (!access(TOPO "matrix", R_OK))
		return 0;
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (ko && *ko)
		snprintf(cmd, sizeof(cmd), "insmod '%s'", ko);
	else
		snprintf(cmd, sizeof(cmd), "modprobe p2p_topo");
	if (system(cmd))
		return -1;
	return access(TOPO "matrix", R_OK);
}

static int unload_topo(void)
{
	if (access("/sys/module/p2p_topo", F_OK))
		return 0;
	return syscall(SYS_delete_module, "p2p_topo", O_NONBLOCK) ? -errno : 0;
}

/* the addresses of the ivshmem-plain devices (1af4:1110), our BAR stand-in */
static int ivshmem_devs(char bdf[][32], int max)
{
	char path[PATH_MAX], id[16];
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(PCI_DEVS);

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PCI_DEVS "%s/vendor", e->d_name);
		if (read_text(path, id, sizeof(id)) < 0 || strncmp(id, "0x1af4", 6))
			continue;
		snprintf(path, sizeof(path), PCI_DEVS "%s/device", e->d_name);
		if (read_text(path, id, sizeof(id)) < 0 || strncmp(id, "0x1110", 6))
			continue;
		snprintf(bdf[n++], 32, "%.31s", e->d_name);
	}
	closedir(d);
	return n;
}

/* the PCI devices bound to p2p_topo */
static int topo_bound(void)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(DRV);

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strchr(e->d_name, ':'))
			n++;
	closedir(d);
	return n;
}

static int is_bound_to_topo(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), DRV "%s", bdf);
	return !access(path, F_OK);
}

/* the administrator's action: give @bdf to p2p_topo by name */
static int publish(const char *bdf)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), PCI_DEVS "%s/driver_override", bdf);
	ret = write_text(path, "p2p_topo");
	if (!ret)
		ret = write_text("/sys/bus/pci/drivers_probe", bdf);
	return ret ? ret : (is_bound_to_topo(bdf) ? 0 : -ENODEV);
}

static void unpublish(const char *bdf)
{
	char path[PATH_MAX];

	if (is_bound_to_topo(bdf))
		write_text(DRV "unbind", bdf);
	snprintf(path, sizeof(path), PCI_DEVS "%s/driver_override", bdf);
	write_text(path, "\n");
}

/* the provider line of @bdf in "providers", or -1 */
static int provider_line(const char *bdf, char *line, size_t size)
{
	static char buf[1 << 16];
	char *l, *save = NULL;

	if (read_text(TOPO "providers", buf, sizeof(buf)) < 0)
		return -1;
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, bdf, strlen(bdf)) && l[strlen(bdf)] == ' ') {
			snprintf(line, size, "%s", l);
			return 0;
		}
	return -1;
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

/* the path of the module file under test */
static int topo_ko_path(char *path, size_t size)
{
	const char *ko = getenv("P2P_TOPO_KO");
	char line[PATH_MAX + 64], *p;
	FILE *f;
	int ret = -1;

	if (ko && *ko) {
		snprintf(path, size, "%s", ko);
		return 0;
	}
	f = popen("modprobe --show-depends p2p_topo 2>/dev/null", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "p2p_topo.ko");
		if (strncmp(line, "insmod ", 7) || !p)
			continue;
		p[strlen("p2p_topo.ko")] = '\0';
		snprintf(path, size, "%.*s", (int)size - 1, line + 7);
		ret = 0;
	}
	pclose(f);
	return ret;
}

/* finding 9: no alias, so udev never loads it for a device */
TEST(module_has_no_device_alias)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32], line[256];
	int aliases = 0;
	FILE *f;

	ASSERT_EQ(0, topo_ko_path(path, sizeof(path)))
		TH_LOG("p2p_topo.ko not found (set P2P_TOPO_KO)");
	snprintf(cmd, sizeof(cmd), "modinfo -F alias '%s'", path);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		EXPECT_NE(0, strncmp(line, "pci:", 4))
			TH_LOG("%s: alias %s", path, line);
		aliases++;
	}
	EXPECT_EQ(0, pclose(f)) TH_LOG("%s failed", cmd);
	TH_LOG("%s: %d aliases", path, aliases);
}

/* finding 9: loading the module publishes no BAR by itself */
TEST(load_publishes_nothing)
{
	char bdf[MAX_PUB][32], line[256];
	int n = ivshmem_devs(bdf, MAX_PUB), ret;

	if (!n)
		SKIP(return, "no ivshmem device (QEMU -device ivshmem-plain)");
	ASSERT_EQ(0, unload_topo()) TH_LOG("cannot unload p2p_topo");
	for (int i = 0; i < n; i++)
		unpublish(bdf[i]);
	ASSERT_EQ(0, load_topo());
	EXPECT_EQ(0, topo_bound())
		TH_LOG("p2p_topo bound devices on load");
	for (int i = 0; i < n; i++) {
		ret = provider_line(bdf[i], line, sizeof(line));
		EXPECT_NE(0, ret) TH_LOG("%s published on load: %s", bdf[i], line);
	}
}

FIXTURE(p2p) {
	struct pair pairs[MAX_PAIRS];
	int npairs;
	char pub[MAX_PUB][32];
	int npub;
	char saved_allow[512];
	bool allow_changed;
};

/* load p2p_topo and publish each ivshmem BAR, by name */
FIXTURE_SETUP(p2p)
{
	if (load_topo())
		SKIP(return, "p2p_topo not loadable or no debugfs");
	self->npub = ivshmem_devs(self->pub, MAX_PUB);
	for (int i = 0; i < self->npub; i++) {
		int ret = publish(self->pub[i]);

		ASSERT_EQ(0, ret) TH_LOG("publishing %s with driver_override: %s",
					 self->pub[i], strerror(-ret));
	}
	self->npairs = load_pairs(self->pairs, MAX_PAIRS);
	ASSERT_GE(self->npairs, 0) TH_LOG("pairs unreadable or malformed");
	if (read_text(ALLOW, self->saved_allow, sizeof(self->saved_allow)) < 0)
		self->saved_allow[0] = '\0';
}

FIXTURE_TEARDOWN(p2p)
{
	/* a failed allowlist case leaves no allowlist behind */
	if (self->allow_changed)
		write_text(ALLOW, self->saved_allow);
	for (int i = 0; i < self->npub; i++)
		unpublish(self->pub[i]);
}

/* the documented publishing: driver_override, then unbind withdraws it */
TEST_F(p2p, explicit_publish)
{
	unsigned long long size, avail, pub;
	char line[256], bdf[32], id[16], drv[64];
	int fields;

	if (!self->npub)
		SKIP(return, "no ivshmem device (QEMU -device ivshmem-plain)");
	for (int i = 0; i < self->npub; i++) {
		ASSERT_EQ(0, provider_line(self->pub[i], line, sizeof(line)))
			TH_LOG("%s bound to p2p_topo but not a provider", self->pub[i]);
		fields = sscanf(line, "%31s %15s %llu %llu %llu %63s", bdf, id,
				&size, &avail, &pub, drv);
		ASSERT_EQ(6, fields) TH_LOG("bad provider line: %s", line);
		EXPECT_STREQ("1af4:1110", id);
		EXPECT_GT(size, 0);
		EXPECT_EQ(1, pub);
		EXPECT_STREQ("p2p_topo", drv);
	}
	unpublish(self->pub[0]);
	EXPECT_NE(0, provider_line(self->pub[0], line, sizeof(line)))
		TH_LOG("%s still a provider after unbind: %s", self->pub[0], line);
	EXPECT_EQ(0, publish(self->pub[0]));
	EXPECT_EQ(0, provider_line(self->pub[0], line, sizeof(line)));
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

/* a not-supported pair with an NVMe client, or NULL */
static struct pair *refused_pair(struct pair *p, int n, char *dev, size_t size)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(p[i].map, "not-supported") &&
		    !nvme_ns_of(p[i].cli, dev, size))
			return &p[i];
	return NULL;
}

/* @allow makes prov -> cli host-bridge, and the transfer works */
static void allow_and_check(struct __test_metadata *_metadata,
			    struct pair *pairs, int npairs, const char *prov,
			    const char *cli, const char *dev, const char *allow)
{
	struct pair *q;
	int ret;

	ASSERT_EQ(0, write_text(ALLOW, allow)) TH_LOG("allow=%s", allow);
	ASSERT_EQ(npairs, load_pairs(pairs, MAX_PAIRS));
	q = find_pair(pairs, npairs, prov, cli);
	ASSERT_NE(NULL, q);
	EXPECT_STREQ("host-bridge", q->map) TH_LOG("after allow=%s: %s", allow, q->why);
	EXPECT_GE(q->dist, 0);
	EXPECT_NE(NULL, strstr(q->why, "pci_p2pdma.allow")) TH_LOG("%s", q->why);
	ASSERT_EQ(0, scribble(dev));
	ret = xfer(dev, prov, XFER_LEN);
	EXPECT_EQ(0, ret) TH_LOG("transfer: %s", strerror(-ret));
	if (!ret)
		EXPECT_EQ(0, same_bytes(dev, XFER_LEN));
}

static void restore_allow(struct __test_metadata *_metadata, struct pair *pairs,
			  int npairs, const char *prov, const char *cli,
			  const char *dev, const char *saved)
{
	struct pair *q;

	/* refused again (the cached map type is recomputed) */
	ASSERT_EQ(0, write_text(ALLOW, saved));
	EXPECT_EQ(-EREMOTEIO, xfer(dev, prov, XFER_LEN));
	ASSERT_EQ(npairs, load_pairs(pairs, MAX_PAIRS));
	q = find_pair(pairs, npairs, prov, cli);
	ASSERT_NE(NULL, q);
	EXPECT_STREQ("not-supported", q->map);
}

/* NEEDS THE PATCHED KERNEL: device entries flip not-supported */
TEST_F(p2p, allowlist_flips_host_bridge)
{
	char now[512], allow[160], dev[64], prov[32], cli[32];
	struct pair *p;

	if (access(ALLOW, W_OK))
		SKIP(return, "kernel without pci_p2pdma.allow (patches/pci/0001)");
	p = refused_pair(self->pairs, self->npairs, dev, sizeof(dev));
	if (!p)
		SKIP(return, "no not-supported pair with an NVMe client");

	/* bad strings: EINVAL, list unchanged */
	EXPECT_EQ(-EINVAL, write_text(ALLOW, "dev=01:20.0"));
	EXPECT_EQ(-EINVAL, write_text(ALLOW, "id=10de:*,bogus"));
	EXPECT_EQ(-EINVAL, write_text(ALLOW, "pair=01:20.0+1b36:0010"));
	EXPECT_EQ(-EINVAL, write_text(ALLOW, "pair=1b36:0010"));
	ASSERT_GT(read_text(ALLOW, now, sizeof(now)), 0);
	EXPECT_STREQ(self->saved_allow, now);

	snprintf(prov, sizeof(prov), "%s", p->prov);
	snprintf(cli, sizeof(cli), "%s", p->cli);
	snprintf(allow, sizeof(allow), "dev=%s,dev=%s", prov, cli);
	self->allow_changed = true;
	allow_and_check(_metadata, self->pairs, self->npairs, prov, cli, dev,
			allow);
	restore_allow(_metadata, self->pairs, self->npairs, prov, cli, dev,
		      self->saved_allow);
	self->allow_changed = false;
}

/* NEEDS THE PATCHED KERNEL: pair= allows that provider with that client only */
TEST_F(p2p, allowlist_pair_only)
{
	static struct pair before[MAX_PAIRS];
	char allow[160], dev[64], prov[32], cli[32];
	int others = 0, refused = 0;
	struct pair *p, *q;

	if (access(ALLOW, W_OK))
		SKIP(return, "kernel without pci_p2pdma.allow (patches/pci/0001)");
	p = refused_pair(self->pairs, self->npairs, dev, sizeof(dev));
	if (!p)
		SKIP(return, "no not-supported pair with an NVMe client");
	snprintf(prov, sizeof(prov), "%s", p->prov);
	snprintf(cli, sizeof(cli), "%s", p->cli);
	memcpy(before, self->pairs, sizeof(before));

	snprintf(allow, sizeof(allow), "pair=%s+%s", prov, cli);
	self->allow_changed = true;
	allow_and_check(_metadata, self->pairs, self->npairs, prov, cli, dev,
			allow);
	/* every other pair that was refused still is */
	for (int i = 0; i < self->npairs; i++) {
		if (strcmp(before[i].map, "not-supported") ||
		    (!strcmp(before[i].prov, prov) && !strcmp(before[i].cli, cli)))
			continue;
		q = find_pair(self->pairs, self->npairs, before[i].prov,
			      before[i].cli);
		ASSERT_NE(NULL, q);
		EXPECT_STREQ("not-supported", q->map)
			TH_LOG("pair=%s+%s also allowed %s -> %s: %s", prov, cli,
			       q->prov, q->cli, q->why);
		refused++;
		if (!strcmp(q->prov, cli) && !strcmp(q->cli, prov))
			others++;
	}
	TH_LOG("pair=%s+%s: %d other refused pairs stay refused (the other direction %s)",
	       prov, cli, refused, others ? "among them" : "is no pair here");
	restore_allow(_metadata, self->pairs, self->npairs, prov, cli, dev,
		      self->saved_allow);
	self->allow_changed = false;
}

TEST_HARNESS_MAIN
