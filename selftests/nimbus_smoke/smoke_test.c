// SPDX-License-Identifier: GPL-2.0
/*
 * smoke_test - the guest really runs a nimbus kernel.
 *
 * - uname -r is the release we built (NIMBUS_EXPECT_RELEASE, when the
 *   harness passes it) and carries the "-nimbus" local version;
 * - nimbus_info loads, reports the base and the patch series
 *   (NIMBUS_EXPECT_BASE / NIMBUS_EXPECT_PATCHES when given), and unloads
 *   without leaving its sysfs directory behind;
 * - the lapic_timer_khz= patch took effect when that parameter was given;
 * - loading and unloading left no new taint other than out-of-tree and
 *   unsigned-module (a WARNING sets taint W).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* bit numbers in /proc/sys/kernel/tainted (Documentation/admin-guide/tainted-kernels.rst) */
enum { TAINT_WARN = 9, TAINT_OOT_MODULE = 12, TAINT_UNSIGNED_MODULE = 13 };

static unsigned long taint_mask(int bit)
{
	return 1UL << bit;
}

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static unsigned long read_taint(void)
{
	char buf[32];

	if (read_file("/proc/sys/kernel/tainted", buf, sizeof(buf)) < 0)
		return ~0UL;
	return strtoul(buf, NULL, 10);
}

/* modprobe knows where this system keeps its modules */
static int load_module(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "modprobe %s", name);
	return system(cmd);
}

static int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

TEST(release_is_ours)
{
	const char *want = getenv("NIMBUS_EXPECT_RELEASE");
	struct utsname u;

	ASSERT_EQ(0, uname(&u));
	TH_LOG("running %s", u.release);
	if (want)
		EXPECT_STREQ(want, u.release);
	EXPECT_NE(NULL, strstr(u.release, "-nimbus"));
}

TEST(nimbus_info_load_unload)
{
	const char *want_base = getenv("NIMBUS_EXPECT_BASE");
	const char *want_patches = getenv("NIMBUS_EXPECT_PATCHES");
	unsigned long taint_before = read_taint(), new_taint;
	char buf[4096];
	struct stat st;

	ASSERT_EQ(0, load_module("nimbus_info"));
	ASSERT_LT(0, read_file("/sys/kernel/nimbus/base", buf, sizeof(buf)));
	TH_LOG("base %s", buf);
	if (want_base) {
		buf[strcspn(buf, "\n")] = '\0';
		EXPECT_STREQ(want_base, buf);
	}
	ASSERT_LT(0, read_file("/sys/kernel/nimbus/patches", buf, sizeof(buf)));
	if (want_patches)
		EXPECT_STREQ(want_patches, buf);
	EXPECT_EQ(0, unload_module("nimbus_info"));
	EXPECT_EQ(-1, stat("/sys/kernel/nimbus", &st));
	EXPECT_EQ(ENOENT, errno);
	new_taint = read_taint() & ~taint_before;
	/* a WARNING (taint W) or anything else new fails the test */
	EXPECT_EQ(0UL, new_taint & taint_mask(TAINT_WARN));
	EXPECT_EQ(0UL, new_taint & ~(taint_mask(TAINT_OOT_MODULE) |
				   taint_mask(TAINT_UNSIGNED_MODULE)));
}

TEST(unknown_module_is_refused)
{
	EXPECT_EQ(-ENOENT, unload_module("nimbus_no_such_module"));
}

TEST(lapic_timer_khz_applied)
{
	char cmdline[4096], *arg;
	char msg[128];
	FILE *kmsg;
	char *line = NULL;
	size_t cap = 0;
	int found = 0, fd;
	unsigned long khz;

	ASSERT_LT(0, read_file("/proc/cmdline", cmdline, sizeof(cmdline)));
	arg = strstr(cmdline, "lapic_timer_khz=");
	if (!arg)
		SKIP(return, "kernel booted without lapic_timer_khz=, nothing to check");
	khz = strtoul(arg + strlen("lapic_timer_khz="), NULL, 10);
	snprintf(msg, sizeof(msg), "APIC timer frequency %lu kHz from the command line", khz);

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	kmsg = fdopen(fd, "r");
	ASSERT_NE(NULL, kmsg);
	while (!found && getline(&line, &cap, kmsg) > 0)
		found = !!strstr(line, msg);
	free(line);
	fclose(kmsg);
	EXPECT_TRUE(found) TH_LOG("no '%s' in the kernel log", msg);
}

TEST_HARNESS_MAIN
