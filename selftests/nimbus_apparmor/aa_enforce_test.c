// SPDX-License-Identifier: GPL-2.0
/*
 * aa_enforce_test - nimbus' AppArmor profiles confine the Hyper-V daemons.
 *
 * main() loads configs/apparmor.d/usr.sbin.hv_{kvp,vss,fcopy}_daemon in
 * enforce mode (apparmor_parser -r) and removes them at the end. For each
 * daemon a private mount namespace makes the test system look like a
 * Hyper-V guest: writable /boot and /lib/modules (so that a denial there is
 * AppArmor's and not the read-only root's), /dev/vmbus/hv_* placeholders,
 * and aa_probe bind-mounted over /usr/sbin/hv_*_daemon, so that running it
 * attaches the daemon's own profile by path. Then:
 *
 * - required: what the daemon does (same calls, same flags) succeeds and
 *   logs no denial;
 * - forbidden: at least ten accesses a compromised daemon could try fail
 *   with EACCES/EPERM and each is logged as apparmor="DENIED" in the
 *   kernel log with the probe's pid; every one of them first succeeds (or
 *   fails otherwise than EACCES/EPERM) unconfined, so the denial is the
 *   profile's;
 * - real_daemon: the packaged daemon starts under its profile, does its
 *   start-up work without a denial and is refused a device path the
 *   profile does not grant (the VM has no VMBus devices).
 *
 * Environment: NIMBUS_APPARMOR_D overrides the profile folder (default:
 * apparmor.d next to this program, where "make install" puts it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define LOG_WAIT_MS 5000
#define SECRET "/root/nimbus-aa-secret"
#define MNT_DIR "/tmp/nimbus-aa-mnt"
#define MODULES_DIR "/usr/lib/modules/nimbus-aa"
#define RATELIMIT "/proc/sys/kernel/printk_ratelimit"
#define PROBE_ERR 127	/* aa_probe: bad usage; 128 + N: killed by signal N */

enum expect {
	ALLOW,		/* exit status 0 */
	DENY,		/* EACCES or EPERM, logged DENIED with the probe's pid */
	FAIL_LOGGED,	/* non-zero (a helper failed), DENIED logged by log_has */
	ERRNO_IS,	/* exactly errno err, no denial */
};

struct check {
	const char *what;
	/* aa_probe action and arguments; see run_probe() for "@NAME" */
	const char *argv[6];
	enum expect expect;
	int err;		/* ERRNO_IS */
	const char *log_has;	/* DENIED record must also contain this */
};

struct daemon {
	const char *file;	/* profile file in apparmor.d */
	const char *profile;	/* profile name */
	const char *path;	/* attachment: the daemon's path */
	const char *device;	/* /dev/vmbus/hv_* */
	const struct check *required;
	const struct check *forbidden;
	const char *shell;	/* a shell it must not run ("@SHELL") */
};

static char probe_path[PATH_MAX];
/*
 * The unconfined probe runs as /proc/self/fd/N: the sandbox mounts a tmpfs
 * over /tmp, which hides probe_path when the tests are installed under /tmp
 * (a CI checkout there). An O_CLOEXEC descriptor still execs an ELF binary
 * and is not inherited by the probe. (It cannot be the source of the bind
 * mount: that must be a path in the sandbox's own mount namespace.)
 */
static const char probe_exec[] = "/proc/self/fd/3";
static int probe_fd = -1;
static char profile_dir[PATH_MAX];
static pid_t sleeper = -1;

#define ALLOWED(w, ...) { .what = w, .argv = { __VA_ARGS__ }, .expect = ALLOW }
#define FAILS_WITH(w, e, ...) { .what = w, .argv = { __VA_ARGS__ }, .expect = ERRNO_IS, .err = e }
#define DENIED(w, log, ...) { .what = w, .argv = { __VA_ARGS__ }, .expect = DENY, .log_has = log }
#define HELPER_DENIED(w, log, ...) \
	{ .what = w, .argv = { __VA_ARGS__ }, .expect = FAIL_LOGGED, .log_has = log }
#define END { .what = NULL }

/* accesses no Hyper-V daemon needs; each daemon's list adds its own */
static const struct check common_forbidden[] = {
	DENIED("read /etc/shadow", "name=\"/etc/shadow\"", "read", "/etc/shadow"),
	DENIED("write /boot", "name=\"/boot/", "write", "/boot/nimbus-aa-probe"),
	DENIED("write a kernel module", "name=\"/usr/lib/modules/nimbus-aa/evil.ko\"",
	       "write", "/lib/modules/nimbus-aa/evil.ko"),
	DENIED("read /root", "name=\"" SECRET "\"", "read", SECRET),
	DENIED("write /proc/sys/kernel/hostname", "name=\"/proc/sys/kernel/hostname\"",
	       "append", "/proc/sys/kernel/hostname", "@HOSTNAME"),
	DENIED("forge kernel log lines", "name=\"/dev/kmsg\"", "append", "/dev/kmsg",
	       "nimbus_apparmor: test line written by the unconfined control\n"),
	DENIED("read /dev/mem", "name=\"/dev/mem\"", "read", "/dev/mem"),
	DENIED("execute a shell", "operation=\"exec\"", "exec", "@SHELL", "-c", "exit 0"),
	DENIED("ptrace another process", "operation=\"ptrace\"", "ptrace"),
	DENIED("open a raw socket", "sock_type=\"raw\"", "socket", "raw"),
	DENIED("open a packet socket", "family=\"packet\"", "socket", "packet"),
	DENIED("load a kernel module", "capname=\"sys_module\"", "init_module"),
	DENIED("mount a filesystem", "operation=\"mount\"", "mount", MNT_DIR),
	DENIED("change uid", "capname=\"setuid\"", "setuid", "65534"),
	DENIED("signal an unconfined process", "operation=\"signal\"", "kill", "@SLEEPER"),
	END
};

static const struct check kvp_required[] = {
	ALLOWED("create and lock a pool", "lock", "/var/lib/hyperv/.kvp_pool_1"),
	ALLOWED("rewrite a pool", "rdwr", "/var/lib/hyperv/.kvp_pool_4"),
	ALLOWED("write ifcfg for hv_set_ifconfig", "write", "/var/lib/hyperv/ifcfg-lo"),
	ALLOWED("open /dev/vmbus/hv_kvp", "rdwr", "/dev/vmbus/hv_kvp"),
	ALLOWED("read /etc/os-release", "read", "/etc/os-release"),
	ALLOWED("list /sys/class/net", "opendir", "/sys/class/net"),
	ALLOWED("read an interface's MAC", "read", "/sys/class/net/lo/address"),
	ALLOWED("getifaddrs over rtnetlink", "getifaddrs"),
	ALLOWED("run hv_get_dns_info", "popen", "/usr/libexec/hypervkvpd/hv_get_dns_info"),
	ALLOWED("run hv_get_dhcp_info", "popen", "/usr/libexec/hypervkvpd/hv_get_dhcp_info lo"),
	ALLOWED("run the gateway query", "popen",
		"ip route show dev lo | awk '/default/ {print $3 }'"),
	END
};

static const struct check kvp_forbidden[] = {
	DENIED("freeze a filesystem", "capname=\"sys_admin\"", "freeze", "/var/lib/hyperv"),
	DENIED("chown a pool", "capname=\"chown\"", "chown", "/var/lib/hyperv/.kvp_pool_0"),
	DENIED("write other files in /var/lib/hyperv", "name=\"/var/lib/hyperv/evil\"",
	       "write", "/var/lib/hyperv/evil"),
	HELPER_DENIED("helper shell reads /etc/shadow",
		      "profile=\"hv_kvp_daemon//helpers\" name=\"/etc/shadow\"",
		      "popen", "cat /etc/shadow"),
	HELPER_DENIED("helper shell writes /boot",
		      "profile=\"hv_kvp_daemon//helpers\" name=\"/boot/nimbus-aa-helper\"",
		      "popen", "echo x > /boot/nimbus-aa-helper"),
	END
};

static const struct check vss_required[] = {
	ALLOWED("open /dev/vmbus/hv_vss", "rdwr", "/dev/vmbus/hv_vss"),
	ALLOWED("read /proc/mounts", "mounts"),
	ALLOWED("open / for FIFREEZE", "opendir", "/"),
	/* tmpfs cannot freeze: EOPNOTSUPP comes after the CAP_SYS_ADMIN check */
	FAILS_WITH("FIFREEZE reaches the filesystem", EOPNOTSUPP, "freeze", "/tmp"),
	END
};

static const struct check vss_forbidden[] = {
	DENIED("read /etc/passwd", "name=\"/etc/passwd\"", "read", "/etc/passwd"),
	DENIED("write /tmp", "name=\"/tmp/nimbus-aa-vss\"", "write", "/tmp/nimbus-aa-vss"),
	END
};

static const struct check fcopy_required[] = {
	ALLOWED("open /dev/vmbus/hv_fcopy", "rdwr", "/dev/vmbus/hv_fcopy"),
	ALLOWED("create a directory", "mkdir", "/tmp/nimbus-fcopy"),
	ALLOWED("create a nested directory", "mkdir", "/tmp/nimbus-fcopy/sub"),
	ALLOWED("copy a file to /tmp", "rdwr", "/tmp/nimbus-fcopy/sub/file"),
	ALLOWED("cancel: unlink it", "unlink", "/tmp/nimbus-fcopy/sub/file"),
	ALLOWED("copy a file to /var/tmp", "rdwr", "/var/tmp/nimbus-fcopy"),
	END
};

static const struct check fcopy_forbidden[] = {
	DENIED("write /root/.ssh/authorized_keys", "name=\"/root/.ssh/authorized_keys\"",
	       "rdwr", "/root/.ssh/authorized_keys"),
	DENIED("write /var/lib/hyperv", "name=\"/var/lib/hyperv/.kvp_pool_0\"",
	       "rdwr", "/var/lib/hyperv/.kvp_pool_0"),
	DENIED("freeze a filesystem", "capname=\"sys_admin\"", "freeze", MNT_DIR),
	DENIED("read /etc/passwd", "name=\"/etc/passwd\"", "read", "/etc/passwd"),
	END
};

static const struct daemon daemons[] = {
	{ "usr.sbin.hv_kvp_daemon", "hv_kvp_daemon", "/usr/sbin/hv_kvp_daemon",
	  "/dev/vmbus/hv_kvp", kvp_required, kvp_forbidden,
	  "/usr/bin/bash" },	/* its helpers may run /bin/sh (dash) */
	{ "usr.sbin.hv_vss_daemon", "hv_vss_daemon", "/usr/sbin/hv_vss_daemon",
	  "/dev/vmbus/hv_vss", vss_required, vss_forbidden, "/bin/sh" },
	{ "usr.sbin.hv_fcopy_daemon", "hv_fcopy_daemon", "/usr/sbin/hv_fcopy_daemon",
	  "/dev/vmbus/hv_fcopy", fcopy_required, fcopy_forbidden, "/bin/sh" },
};

/* --- small helpers ------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t len = strlen(text);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len) {
		close(fd);
		return -EIO;
	}
	return close(fd) ? -errno : 0;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* run argv (no shell); returns its exit status, 128 + signal, or -errno */
static int run_cmd(char *const argv[], int out_fd)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		if (out_fd >= 0) {
			dup2(out_fd, STDOUT_FILENO);
			dup2(out_fd, STDERR_FILENO);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(PROBE_ERR);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- the kernel log ---------------------------------------------------- */

struct kmsg {
	int fd;
	char *buf;
	size_t len, cap;
};

static int kmsg_open(struct kmsg *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	if (lseek(k->fd, 0, SEEK_END) < 0)
		return -errno;
	return 0;
}

static void kmsg_close(struct kmsg *k)
{
	close(k->fd);
	free(k->buf);
}

/* append the records logged since the last call */
static void kmsg_drain(struct kmsg *k)
{
	char rec[8192];
	ssize_t n;

	for (;;) {
		n = read(k->fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records: skip on */
			continue;
		if (n <= 0)
			return;
		if (k->len + n + 2 > k->cap) {
			size_t cap = (k->cap + n + 2) * 2;
			char *b = realloc(k->buf, cap);

			if (!b)
				return;
			k->buf = b;
			k->cap = cap;
		}
		memcpy(k->buf + k->len, rec, n);
		k->len += n;
		if (k->buf[k->len - 1] != '\n')
			k->buf[k->len++] = '\n';
		k->buf[k->len] = '\0';
	}
}

/* the first DENIED line containing every non-NULL needle, copied to line */
static bool kmsg_find(struct kmsg *k, const char *n1, const char *n2, const char *n3,
		      char *line, size_t size)
{
	const char *p = k->buf;

	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char l[4096];

		snprintf(l, sizeof(l), "%.*s", (int)len, p);
		if (strstr(l, "apparmor=\"DENIED\"") && (!n1 || strstr(l, n1)) &&
		    (!n2 || strstr(l, n2)) && (!n3 || strstr(l, n3))) {
			if (line && size) {
				size_t n = strnlen(l, size - 1);

				memcpy(line, l, n);
				line[n] = '\0';
			}
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* audit records reach printk from kauditd, asynchronously: wait for one */
static bool kmsg_wait(struct kmsg *k, const char *n1, const char *n2, const char *n3)
{
	long deadline = now_ms() + LOG_WAIT_MS;

	do {
		kmsg_drain(k);
		if (kmsg_find(k, n1, n2, n3, NULL, 0))
			return true;
		usleep(20000);
	} while (now_ms() < deadline);
	return false;
}

/* --- probes ------------------------------------------------------------ */

struct result {
	int status;	/* exit status, 128 + signal, or -errno of fork */
	pid_t pid;
	char out[1024];	/* the probe's stdout and stderr */
};

/*
 * Run aa_probe as exe (the daemon's path: confined; probe_path: not).
 * Arguments "@SLEEPER", "@HOSTNAME" and "@SHELL" stand for an unconfined
 * process's pid, the current host name and d->shell.
 */
static void run_probe(const struct daemon *d, const char *exe, const struct check *c,
		      struct result *r)
{
	char sleeper_pid[16], host[HOST_NAME_MAX + 2] = "";
	const char *argv[8] = { exe };
	int i, status, out = memfd_create("aa-probe-out", MFD_CLOEXEC);
	ssize_t n;

	snprintf(sleeper_pid, sizeof(sleeper_pid), "%d", sleeper);
	gethostname(host, sizeof(host) - 1);
	for (i = 0; i < 6 && c->argv[i]; i++) {
		argv[i + 1] = c->argv[i];
		if (!strcmp(c->argv[i], "@SLEEPER"))
			argv[i + 1] = sleeper_pid;
		else if (!strcmp(c->argv[i], "@SHELL"))
			argv[i + 1] = d->shell;
		else if (!strcmp(c->argv[i], "@HOSTNAME"))
			argv[i + 1] = host;
	}
	r->out[0] = '\0';
	r->pid = fork();
	if (r->pid < 0) {
		r->status = -errno;
		return;
	}
	if (!r->pid) {
		/* fresh descriptors: inherited ones from outside this mount
		 * namespace would be revalidated (and logged) at exec
		 */
		int null = open("/dev/null", O_RDONLY);
		unsigned int keep = 3;

		dup2(null, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		/* the unconfined probe is exec'd from its descriptor, as fd 3 */
		if (exe == probe_exec) {
			if (probe_fd != 3 && dup3(probe_fd, 3, O_CLOEXEC) < 0)
				_exit(PROBE_ERR);
			keep = 4;
		}
		close_range(keep, ~0U, 0);
		execv(exe, (char **)argv);
		_exit(PROBE_ERR);
	}
	if (waitpid(r->pid, &status, 0) < 0)
		r->status = -errno;
	else
		r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	n = pread(out, r->out, sizeof(r->out) - 1, 0);
	r->out[n > 0 ? n : 0] = '\0';
	close(out);
}

static const char *status_name(int status)
{
	static char buf[32];

	if (status == 0)
		return "success";
	if (status == EACCES)
		return "EACCES";
	if (status == EPERM)
		return "EPERM";
	snprintf(buf, sizeof(buf), "status %d", status);
	return buf;
}

/* --- the sandbox --------------------------------------------------------- */

static int mkdirs(const char *path)
{
	char p[PATH_MAX], *s;

	snprintf(p, sizeof(p), "%s", path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -errno : 0;
}

/*
 * Private mount namespace for one test: aa_probe over the daemon's path;
 * scratch /tmp, /var/tmp, /var/lib, /boot and /root; /usr/lib as an overlay
 * with a modules folder; /dev/vmbus with placeholder channel files.
 */
static const char *sandbox(const struct daemon *d)
{
	static const char *const scratch[] = { "/tmp", "/var/tmp", "/var/lib", "/boot", "/root" };
	static char err[PATH_MAX + 64];
	unsigned int i;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return "unshare(CLONE_NEWNS) or making / private failed";
	/* first: the scratch /tmp below may hide probe_path */
	if (mount(probe_path, d->path, NULL, MS_BIND, NULL)) {
		snprintf(err, sizeof(err), "bind mount of aa_probe over %s: %s", d->path,
			 strerror(errno));
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(scratch); i++) {
		if (mount("nimbus-aa", scratch[i], "tmpfs", 0, "mode=1777")) {
			snprintf(err, sizeof(err), "tmpfs on %s: %s", scratch[i], strerror(errno));
			return err;
		}
	}
	/* the guest's root is read-only: make /lib/modules writable so that
	 * only the profile stands between the probe and it
	 */
	if (mkdirs("/tmp/ovl/upper") || mkdirs("/tmp/ovl/work") ||
	    mount("overlay", "/usr/lib", "overlay", 0,
		  "lowerdir=/usr/lib,upperdir=/tmp/ovl/upper,workdir=/tmp/ovl/work"))
		return "overlay on /usr/lib failed (CONFIG_OVERLAY_FS?)";
	if (mkdirs(MODULES_DIR) || mkdirs(MNT_DIR) || mkdirs("/root/.ssh") ||
	    write_file(SECRET, "secret\n"))
		return "creating scratch folders failed";
	if (mkdirs("/dev/vmbus") || mount("nimbus-aa", "/dev/vmbus", "tmpfs", 0, NULL))
		return "tmpfs on /dev/vmbus failed";
	/* KVP state as the daemon leaves it: other daemons must not touch it */
	if (mkdirs("/var/lib/hyperv") || write_file("/var/lib/hyperv/.kvp_pool_0", ""))
		return "creating /var/lib/hyperv failed";
	if (write_file(d->device, ""))
		return "creating the channel placeholder failed";
	return NULL;
}

FIXTURE(daemon) {
	struct kmsg log;
};

FIXTURE_VARIANT(daemon) {
	const struct daemon *d;
};

FIXTURE_VARIANT_ADD(daemon, hv_kvp_daemon) { .d = &daemons[0] };
FIXTURE_VARIANT_ADD(daemon, hv_vss_daemon) { .d = &daemons[1] };
FIXTURE_VARIANT_ADD(daemon, hv_fcopy_daemon) { .d = &daemons[2] };

FIXTURE_SETUP(daemon)
{
	const char *err = sandbox(variant->d);

	ASSERT_TRUE(!err) TH_LOG("sandbox: %s", err);
	ASSERT_EQ(0, kmsg_open(&self->log)) TH_LOG("cannot read /dev/kmsg");
}

FIXTURE_TEARDOWN(daemon)
{
	kmsg_close(&self->log);
}

/* a marker denial: once it is logged, every earlier record is too */
static bool log_marker(struct kmsg *k, const struct daemon *d)
{
	static const struct check marker = DENIED("marker", NULL, "read", "/etc/shadow");
	char pid[32];
	struct result r;

	run_probe(d, d->path, &marker, &r);
	snprintf(pid, sizeof(pid), " pid=%d ", r.pid);
	return kmsg_wait(k, pid, "name=\"/etc/shadow\"", NULL);
}

TEST_F_TIMEOUT(daemon, required, 300)
{
	const struct daemon *d = variant->d;
	const struct check *c;
	pid_t pids[32];
	int n = 0, i;
	char line[1024], pid[64];
	struct result r;

	for (c = d->required; c->what && n < 32; c++) {
		run_probe(d, d->path, c, &r);
		pids[n++] = r.pid;
		if (c->expect == ERRNO_IS) {
			EXPECT_EQ(c->err, r.status)
				TH_LOG("%s: %s: got %s, want errno %d\n%s", d->profile, c->what,
				       status_name(r.status), c->err, r.out);
		} else {
			EXPECT_EQ(0, r.status)
				TH_LOG("%s: %s: got %s\n%s", d->profile, c->what,
				       status_name(r.status), r.out);
		}
		if (!r.status || (c->expect == ERRNO_IS && r.status == c->err))
			TH_LOG("%s: allowed: %s", d->profile, c->what);
	}
	ASSERT_TRUE(log_marker(&self->log, d)) TH_LOG("marker denial never logged");
	/* nor for what they started (the kvp helpers run as PROFILE//helpers) */
	snprintf(pid, sizeof(pid), "profile=\"%s//", d->profile);
	EXPECT_FALSE(kmsg_find(&self->log, pid, NULL, NULL, line, sizeof(line)))
		TH_LOG("%s: a helper logged a denial: %s", d->profile, line);
	for (i = 0; i < n; i++) {
		snprintf(pid, sizeof(pid), " pid=%d ", pids[i]);
		EXPECT_FALSE(kmsg_find(&self->log, pid, NULL, NULL, line, sizeof(line)))
			TH_LOG("%s: %s logged a denial: %s", d->profile, d->required[i].what, line);
	}
}

/* the i-th forbidden access for d: the common ones, then its own; NULL at the end */
static const struct check *forbidden_check(const struct daemon *d, int i)
{
	int common = ARRAY_SIZE(common_forbidden) - 1;

	if (i < common)
		return &common_forbidden[i];
	return d->forbidden[i - common].what ? &d->forbidden[i - common] : NULL;
}

TEST_F_TIMEOUT(daemon, forbidden, 300)
{
	const struct daemon *d = variant->d;
	const struct check *c;
	char profile[128], pid[32];
	struct result r;
	int denied = 0, i;

	snprintf(profile, sizeof(profile), "profile=\"%s\"", d->profile);
	for (i = 0; (c = forbidden_check(d, i)); i++) {
		bool logged;

		/* unconfined, the same access is not refused with EACCES/EPERM */
		if (c->expect == DENY) {
			run_probe(d, probe_exec, c, &r);
			EXPECT_TRUE(r.status != EACCES && r.status != EPERM && r.status < PROBE_ERR)
				TH_LOG("%s: fails unconfined too (%s): proves nothing\n%s",
				       c->what, status_name(r.status), r.out);
		}
		run_probe(d, d->path, c, &r);
		if (c->expect == DENY) {
			EXPECT_TRUE(r.status == EACCES || r.status == EPERM)
				TH_LOG("%s: %s: got %s, want EACCES/EPERM\n%s", d->profile, c->what,
				       status_name(r.status), r.out);
			snprintf(pid, sizeof(pid), " pid=%d ", r.pid);
			logged = kmsg_wait(&self->log, profile, pid, c->log_has);
		} else {
			EXPECT_NE(0, r.status) TH_LOG("%s: %s: succeeded\n%s", d->profile, c->what,
						      r.out);
			logged = kmsg_wait(&self->log, c->log_has, NULL, NULL);
		}
		EXPECT_TRUE(logged) TH_LOG("%s: %s: no apparmor=\"DENIED\" record with %s",
					   d->profile, c->what, c->log_has);
		if (r.status && logged) {
			denied++;
			TH_LOG("%s: denied and logged: %s (%s)", d->profile, c->what,
			       status_name(r.status));
		}
	}
	EXPECT_LE(10, denied) TH_LOG("%s: only %d forbidden accesses denied", d->profile, denied);
}

/* the packaged daemon itself, confined by path attachment */
TEST_F_TIMEOUT(daemon, real_daemon, 120)
{
	const struct daemon *d = variant->d;
	char *const argv[] = { (char *)d->path, "-n", NULL };
	char pid[32], line[1024], decoy[128];
	struct stat st;
	pid_t child;
	int status, i;

	ASSERT_EQ(0, umount2(d->path, 0)) TH_LOG("cannot remove the probe from %s", d->path);
	if (access(d->path, X_OK))
		SKIP(return, "%s is not installed (Debian package hyperv-daemons)", d->path);
	/* no VMBus here: the channel is a symlink to a path no profile grants */
	snprintf(decoy, sizeof(decoy), "%s-decoy", d->device);
	ASSERT_EQ(0, unlink(d->device));
	ASSERT_EQ(0, write_file(decoy, ""));
	ASSERT_EQ(0, symlink(decoy, d->device));
	/* hv_kvp_daemon creates its state folder itself */
	unlink("/var/lib/hyperv/.kvp_pool_0");
	ASSERT_EQ(0, rmdir("/var/lib/hyperv"));

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close_range(3, ~0U, 0);
		execv(argv[0], argv);
		_exit(PROBE_ERR);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	/* exit(EXIT_FAILURE) after the failed open of the channel */
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1)
		TH_LOG("%s -n: status %#x, want exit 1 after the channel open failed",
		       d->path, status);
	snprintf(pid, sizeof(pid), " pid=%d ", child);
	snprintf(line, sizeof(line), "name=\"%s\"", decoy);
	EXPECT_TRUE(kmsg_wait(&self->log, pid, "operation=\"open\"", line))
		TH_LOG("%s ran unconfined: its open of %s was not denied", d->path, decoy);
	/* that denial was its last act: the first one logged for it */
	if (kmsg_find(&self->log, pid, NULL, NULL, line, sizeof(line)))
		EXPECT_NE(NULL, strstr(line, decoy))
			TH_LOG("%s: unexpected denial: %s", d->path, line);
	if (!strcmp(d->profile, "hv_kvp_daemon")) {
		for (i = 0; i < 5; i++) {
			char pool[64];

			snprintf(pool, sizeof(pool), "/var/lib/hyperv/.kvp_pool_%d", i);
			EXPECT_EQ(0, stat(pool, &st)) TH_LOG("%s not created", pool);
		}
	}
	TH_LOG("%s started confined by %s and was refused %s", d->path, d->profile, decoy);
}

TEST(apparmor_is_an_active_lsm)
{
	char lsm[256];

	ASSERT_LT(0, read_file("/sys/kernel/security/lsm", lsm, sizeof(lsm)))
		TH_LOG("cannot read /sys/kernel/security/lsm (securityfs not mounted?)");
	TH_LOG("active LSMs: %s", lsm);
	ASSERT_NE(NULL, strstr(lsm, "apparmor"));
}

TEST(profiles_loaded_in_enforce_mode)
{
	static char list[65536];
	unsigned int i;

	ASSERT_LT(0, read_file("/sys/kernel/security/apparmor/profiles", list, sizeof(list)));
	for (i = 0; i < ARRAY_SIZE(daemons); i++) {
		char want[128];

		snprintf(want, sizeof(want), "%s (enforce)\n", daemons[i].profile);
		EXPECT_NE(NULL, strstr(list, want))
			TH_LOG("no '%s' in the loaded profiles", daemons[i].profile);
	}
	EXPECT_NE(NULL, strstr(list, "hv_kvp_daemon//helpers (enforce)\n"));
}

/* --- load, run, unload ----------------------------------------------------- */

static int parser(const char *op, const struct daemon *d)
{
	char file[PATH_MAX + 64];
	char *const argv[] = { "apparmor_parser", (char *)op, "-K", file, NULL };
	int rc;

	snprintf(file, sizeof(file), "%s/%s", profile_dir, d->file);
	rc = run_cmd(argv, -1);
	if (rc)
		fprintf(stderr, "# apparmor_parser %s %s: exit %d\n", op, file, rc);
	return rc;
}

static pid_t main_pid;
static char saved_ratelimit[32];
static bool loaded[ARRAY_SIZE(daemons)];

/*
 * atexit(): the harness ends the process with exit() once the tests ran.
 * Removes what setup() loaded and restores what it changed; a failure to
 * remove a profile fails the run.
 */
static void teardown(void)
{
	static char list[65536];
	unsigned int i;
	int bad = 0;

	if (getpid() != main_pid)
		return;
	for (i = 0; i < ARRAY_SIZE(daemons); i++)
		if (loaded[i])
			bad |= parser("-R", &daemons[i]) != 0;
	if (read_file("/sys/kernel/security/apparmor/profiles", list, sizeof(list)) >= 0 &&
	    strstr(list, "hv_")) {
		fprintf(stderr, "# profiles still loaded after removal:\n%s", list);
		bad = 1;
	}
	if (sleeper > 0) {
		kill(sleeper, SIGKILL);
		waitpid(sleeper, NULL, 0);
	}
	/* made by sandbox() if there was none: empty unless on Hyper-V */
	rmdir("/dev/vmbus");
	if (*saved_ratelimit)
		write_file(RATELIMIT, saved_ratelimit);
	if (bad) {
		fprintf(stderr, "# removing the profiles failed\n");
		_exit(KSFT_FAIL);
	}
	fprintf(stderr, "# profiles removed\n");
}

static int setup(void)
{
	const char *env = getenv("NIMBUS_APPARMOR_D");
	char *slash;
	unsigned int i;

	if (readlink("/proc/self/exe", probe_path, sizeof(probe_path) - 16) < 0)
		return -1;
	slash = strrchr(probe_path, '/');
	*slash = '\0';
	snprintf(profile_dir, sizeof(profile_dir), "%s", env ? env : probe_path);
	if (!env)
		strncat(profile_dir, "/apparmor.d", sizeof(profile_dir) - strlen(profile_dir) - 1);
	strcat(probe_path, "/aa_probe");
	if (access(probe_path, X_OK)) {
		fprintf(stderr, "# %s: missing (build with make -C selftests)\n", probe_path);
		return -1;
	}
	probe_fd = open(probe_path, O_RDONLY | O_CLOEXEC);
	if (probe_fd < 0) {
		fprintf(stderr, "# %s: %s\n", probe_path, strerror(errno));
		return -1;
	}
	sleeper = fork();
	if (!sleeper) {
		for (;;)
			pause();
	}
	main_pid = getpid();
	atexit(teardown);
	/* audit records go to printk without auditd: no rate limit meanwhile */
	if (read_file(RATELIMIT, saved_ratelimit, sizeof(saved_ratelimit)) < 0 ||
	    write_file(RATELIMIT, "0")) {
		saved_ratelimit[0] = '\0';
		fprintf(stderr, "# cannot lift %s: denials may go unlogged\n", RATELIMIT);
	}
	for (i = 0; i < ARRAY_SIZE(daemons); i++) {
		if (parser("-r", &daemons[i])) {
			fprintf(stderr, "# cannot load %s/%s in enforce mode\n", profile_dir,
				daemons[i].file);
			return -1;
		}
		loaded[i] = true;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/*
	 * The kselftest runner (6.12) starts every test under "stdbuf -oL",
	 * i.e. with LD_PRELOAD=libstdbuf.so; the daemons never run that way,
	 * and their profiles rightly do not grant that library.
	 */
	unsetenv("LD_PRELOAD");
	unsetenv("_STDBUF_O");
	if (geteuid()) {
		ksft_print_header();
		ksft_exit_skip("needs root: loads AppArmor profiles\n");
	}
	if (setup()) {
		fprintf(stderr, "# setup failed: no test run\n");
		return KSFT_FAIL;
	}
	return test_harness_run(argc, argv);
}
