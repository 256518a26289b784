// SPDX-License-Identifier: GPL-2.0
/*
 * bootinit - PID 1 of the boot benchmark's initramfs (static binary).
 *
 * Reads the ACPI PM timer and the time stamp counter first thing, then
 * reports on the console:
 *   NIMBUS_BOOT tsc=<TSC> uptime_ms=<kernel uptime>
 *   NIMBUS_BOOT pmtmr=<ticks> pmtmr_bits=<24|32>
 *   NIMBUS_BOOT memavailable_kb=<MemAvailable>
 * followed by the whole kernel log (with initcall_debug lines) between
 * "NIMBUS_BOOT dmesg begin" and "NIMBUS_BOOT dmesg end", and powers off.
 * The PM timer (3.579545 MHz) runs from machine reset and no kernel writes
 * it, so under QEMU -icount it gives the virtual time from reset to /init,
 * firmware and decompression included, modulo its wrap (4.7 s at 24 bits);
 * the analyser resolves the wrap with uptime. (The TSC is reported too, but
 * kernels may adjust it, so it is not used for that.)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/io.h>
#include <unistd.h>
#include <x86intrin.h>

/* FADT (FACP) offsets, ACPI 6.x table 5.9 */
#define FADT_PM_TMR_BLK		76
#define FADT_FLAGS		112
#define FADT_TMR_VAL_EXT	0x100	/* flags bit 8: 32-bit PM timer */

/* read the PM timer port from the FADT; 0 if there is none */
static unsigned int pm_timer_port(unsigned int *bits)
{
	unsigned char fadt[116];
	unsigned int port = 0, flags = 0;
	int fd = open("/sys/firmware/acpi/tables/FACP", O_RDONLY);

	*bits = 24;
	if (fd < 0)
		return 0;
	if (read(fd, fadt, sizeof(fadt)) == sizeof(fadt)) {
		memcpy(&port, fadt + FADT_PM_TMR_BLK, sizeof(port));
		memcpy(&flags, fadt + FADT_FLAGS, sizeof(flags));
		if (flags & FADT_TMR_VAL_EXT)
			*bits = 32;
	}
	close(fd);
	return port;
}

static void read_first_line_with(const char *path, const char *key, char *out, size_t size)
{
	char line[256];
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!key || !strncmp(line, key, strlen(key))) {
			line[strcspn(line, "\n")] = '\0';
			size_t n = strlen(line);

			if (n >= size)
				n = size - 1;
			memcpy(out, line, n);
			out[n] = '\0';
			break;
		}
	}
	fclose(f);
}

static void dump_kmsg(FILE *con)
{
	char rec[2048];
	ssize_t n;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return;
	/* one record per read: "prio,seq,usec,flags;text" */
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0) {
		char *text = strchr(rec, ';');
		unsigned long long usec = 0;

		rec[n] = '\0';
		if (!text || sscanf(rec, "%*u,%*u,%llu", &usec) != 1)
			continue;
		text++;
		text[strcspn(text, "\n")] = '\0';
		fprintf(con, "[%5llu.%06llu] %s\n", usec / 1000000, usec % 1000000, text);
	}
	close(fd);
}

int main(void)
{
	unsigned long long tsc = __rdtsc();
	unsigned int port, bits, pmtmr = 0;
	char uptime[64], mem[128];
	FILE *con;

	/* sysfs first: the FADT says where the PM timer is */
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	port = pm_timer_port(&bits);
	if (port && port < 0x10000 && !ioperm(port, 4, 1))
		pmtmr = inl(port);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	con = fopen("/dev/console", "w");
	if (!con)
		con = stdout;
	read_first_line_with("/proc/uptime", NULL, uptime, sizeof(uptime));
	read_first_line_with("/proc/meminfo", "MemAvailable:", mem, sizeof(mem));
	fprintf(con, "NIMBUS_BOOT tsc=%llu uptime_ms=%.0f\n", tsc, atof(uptime) * 1000);
	if (pmtmr)
		fprintf(con, "NIMBUS_BOOT pmtmr=%u pmtmr_bits=%u\n", pmtmr, bits);
	fprintf(con, "NIMBUS_BOOT memavailable_kb=%ld\n",
		strtol(mem + strlen("MemAvailable:"), NULL, 10));
	fprintf(con, "NIMBUS_BOOT dmesg begin\n");
	dump_kmsg(con);
	fprintf(con, "NIMBUS_BOOT dmesg end\n");
	fflush(con);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
