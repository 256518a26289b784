// SPDX-License-Identifier: GPL-2.0
/*
 * aa_probe - perform one access, report the result in the exit status.
 *
 * aa_enforce_test bind-mounts this program over a daemon's path, so the
 * kernel attaches the daemon's AppArmor profile when it runs, and asks it
 * to do one thing the daemon does (or must never do). The access mirrors
 * the daemon's own system calls (same open flags, same ioctls).
 *
 * Exit status: 0 on success, the errno value (1..125) on failure,
 * 126 when a command run with "popen" exited non-zero, 127 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/fs.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <mntent.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_CMD_FAILED 126
#define EXIT_USAGE 127

static const char *action;

/* report a failed step; errno values fit an exit status */
static int fail(const char *what)
{
	int err = errno ? errno : EIO;

	fprintf(stderr, "aa_probe %s: %s: %s\n", action, what, strerror(err));
	return err < EXIT_CMD_FAILED ? err : EIO;
}

static int do_read(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(path);
	if (read(fd, buf, sizeof(buf)) < 0 && errno != EISDIR) {
		close(fd);
		return fail(path);
	}
	close(fd);
	return 0;
}

/* open with the given flags (the daemons' own) and write a few bytes */
static int do_write(const char *path, int flags, const char *text)
{
	int fd = open(path, flags | O_CLOEXEC, 0744);
	ssize_t len = strlen(text);

	if (fd < 0)
		return fail(path);
	if (pwrite(fd, text, len, 0) != len) {
		close(fd);
		return fail(path);
	}
	close(fd);
	return 0;
}

/* kvp_acquire_lock(): a write lock on a pool file */
static int do_lock(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return fail(path);
	if (fcntl(fd, F_SETLKW, &fl)) {
		close(fd);
		return fail("fcntl(F_SETLKW)");
	}
	close(fd);
	return 0;
}

static int do_opendir(const char *path)
{
	DIR *d = opendir(path);

	if (!d)
		return fail(path);
	errno = 0;
	while (readdir(d))
		;
	if (errno) {
		closedir(d);
		return fail(path);
	}
	closedir(d);
	return 0;
}

/* vss_operate(): read the mount table the way the daemon does */
static int do_mounts(void)
{
	FILE *f = setmntent("/proc/mounts", "r");
	int n = 0;

	if (!f)
		return fail("/proc/mounts");
	while (getmntent(f))
		n++;
	endmntent(f);
	if (!n) {
		errno = ENODATA;
		return fail("/proc/mounts: no entries");
	}
	return 0;
}

/* vss_do_freeze(): open the mount point read-only, FIFREEZE, then FITHAW */
static int do_freeze(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(dir);
	if (ioctl(fd, FIFREEZE, 0)) {
		close(fd);
		return fail("FIFREEZE");
	}
	if (ioctl(fd, FITHAW, 0)) {
		close(fd);
		return fail("FITHAW");
	}
	close(fd);
	return 0;
}

/* popen() as hv_kvp_daemon does; the command's exit status must be 0 */
static int do_popen(const char *cmd)
{
	char buf[256];
	FILE *f = popen(cmd, "r");
	int status;

	if (!f)
		return fail("popen");
	while (fgets(buf, sizeof(buf), f))
		printf("%s", buf);
	status = pclose(f);
	if (status == -1)
		return fail("pclose");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "aa_probe popen: '%s' exited with status %#x\n", cmd, status);
		return EXIT_CMD_FAILED;
	}
	return 0;
}

/* attach to a child of ours: Yama allows descendants, AppArmor decides */
static int do_ptrace(void)
{
	pid_t child = fork();
	int ret = 0;

	if (child < 0)
		return fail("fork");
	if (!child) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_ATTACH, child, NULL, NULL))
		ret = fail("PTRACE_ATTACH");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return ret;
}

static int do_socket(const char *kind)
{
	int fd;

	if (!strcmp(kind, "raw"))
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	else if (!strcmp(kind, "packet"))
		fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	else if (!strcmp(kind, "netlink"))
		fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	else
		return EXIT_USAGE;
	if (fd < 0)
		return fail(kind);
	close(fd);
	return 0;
}

/* kvp_get_ip_info(): interface addresses over rtnetlink */
static int do_getifaddrs(void)
{
	struct ifaddrs *ifa;

	if (getifaddrs(&ifa))
		return fail("getifaddrs");
	freeifaddrs(ifa);
	return 0;
}

/* a bogus image: unconfined root gets ENOEXEC, never EPERM */
static int do_init_module(void)
{
	static const char junk[64];

	if (syscall(SYS_init_module, junk, sizeof(junk), ""))
		return fail("init_module");
	return 0;
}

static int do_mount(const char *dir)
{
	if (mount("nimbus-aa", dir, "tmpfs", 0, "size=64k"))
		return fail(dir);
	umount2(dir, MNT_DETACH);
	return 0;
}

static int do_exec(char **argv)
{
	execv(argv[0], argv);
	return fail(argv[0]);
}

static long parse_number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "aa_probe %s: '%s' is not a number\n", action, s);
		exit(EXIT_USAGE);
	}
	return v;
}

static int run(int argc, char **argv)
{
	const char *a = argc > 2 ? argv[2] : "";

	errno = 0;
	if (argc == 3 && !strcmp(action, "read"))
		return do_read(a);
	if (argc == 3 && !strcmp(action, "write"))
		return do_write(a, O_WRONLY | O_CREAT | O_TRUNC, "nimbus\n");
	if (argc == 3 && !strcmp(action, "rdwr"))
		return do_write(a, O_RDWR | O_CREAT | O_TRUNC, "nimbus\n");
	if (argc == 4 && !strcmp(action, "append"))
		return do_write(a, O_WRONLY, argv[3]);
	if (argc == 3 && !strcmp(action, "lock"))
		return do_lock(a);
	if (argc == 3 && !strcmp(action, "mkdir"))
		return mkdir(a, 0755) ? fail(a) : 0;
	if (argc == 3 && !strcmp(action, "unlink"))
		return unlink(a) ? fail(a) : 0;
	if (argc == 3 && !strcmp(action, "opendir"))
		return do_opendir(a);
	if (argc == 2 && !strcmp(action, "mounts"))
		return do_mounts();
	if (argc == 3 && !strcmp(action, "freeze"))
		return do_freeze(a);
	if (argc == 3 && !strcmp(action, "popen"))
		return do_popen(a);
	if (argc == 2 && !strcmp(action, "ptrace"))
		return do_ptrace();
	if (argc == 3 && !strcmp(action, "socket"))
		return do_socket(a);
	if (argc == 2 && !strcmp(action, "getifaddrs"))
		return do_getifaddrs();
	if (argc == 2 && !strcmp(action, "init_module"))
		return do_init_module();
	if (argc == 3 && !strcmp(action, "mount"))
		return do_mount(a);
	if (argc == 3 && !strcmp(action, "setuid"))
		return setuid(parse_number(a)) ? fail("setuid") : 0;
	if (argc == 3 && !strcmp(action, "chown"))
		return chown(a, 65534, -1) ? fail(a) : 0;
	if (argc == 3 && !strcmp(action, "kill"))
		return kill(parse_number(a), SIGCONT) ? fail("kill") : 0;
	if (argc >= 3 && !strcmp(action, "exec"))
		return do_exec(argv + 2);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	int ret;

	action = argc > 1 ? argv[1] : "";
	ret = run(argc, argv);
	if (ret == EXIT_USAGE)
		fprintf(stderr, "aa_probe: bad usage: '%s' with %d argument(s)\n",
			action, argc - 2);
	return ret;
}
