// SPDX-License-Identifier: GPL-2.0
/*
 * lockdown-probe: try one operation that kernel lockdown (integrity mode)
 * forbids and say what the kernel answered. Runs in the Secure Boot test
 * guest (tests/secureboot/guest.sh).
 *
 *   lockdown-probe devmem           open /dev/mem for writing
 *   lockdown-probe kexec-load       kexec_load() an unsigned one-page image
 *   lockdown-probe kexec-file FILE  kexec_file_load() FILE (an unsigned bzImage)
 *
 * Prints "refused errno=N (text)" and exits 0 when the kernel refused, or
 * "allowed" and exits 1 when it did not (what was loaded is unloaded again).
 * Exit 2: bad usage or an error before the operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* where the one-page kexec_load() image would go: 16 MiB, ordinary RAM */
#define PROBE_LOAD_ADDR 0x1000000UL

/* the kernel said no: print its answer */
static int say_no(const char *what, int err)
{
	printf("%s: refused errno=%d (%s)\n", what, err, strerror(err));
	return 0;
}

static int probe_devmem(void)
{
	int fd = open("/dev/mem", O_RDWR);

	if (fd < 0)
		return say_no("open /dev/mem O_RDWR", errno);
	close(fd);
	printf("open /dev/mem O_RDWR: allowed\n");
	return 1;
}

static int probe_kexec_load(void)
{
	static char page[4096];
	struct kexec_segment seg = {
		.buf = page,
		.bufsz = sizeof(page),
		.mem = (const void *)PROBE_LOAD_ADDR,
		.memsz = sizeof(page),
	};

	if (syscall(SYS_kexec_load, PROBE_LOAD_ADDR, 1UL, &seg,
		    (unsigned long)KEXEC_ARCH_DEFAULT) < 0)
		return say_no("kexec_load", errno);
	/* no segments: unload what was just loaded */
	syscall(SYS_kexec_load, 0UL, 0UL, NULL, (unsigned long)KEXEC_ARCH_DEFAULT);
	printf("kexec_load: allowed\n");
	return 1;
}

static int probe_kexec_file(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "lockdown-probe: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (syscall(SYS_kexec_file_load, fd, -1, 1UL, "",
		    (unsigned long)KEXEC_FILE_NO_INITRAMFS) < 0) {
		int err = errno;

		close(fd);
		return say_no("kexec_file_load", err);
	}
	syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL,
		(unsigned long)KEXEC_FILE_UNLOAD);
	close(fd);
	printf("kexec_file_load %s: allowed\n", path);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "devmem"))
		return probe_devmem();
	if (argc == 2 && !strcmp(argv[1], "kexec-load"))
		return probe_kexec_load();
	if (argc == 3 && !strcmp(argv[1], "kexec-file"))
		return probe_kexec_file(argv[2]);
	fprintf(stderr, "usage: lockdown-probe devmem | kexec-load | kexec-file FILE\n");
	return 2;
}
