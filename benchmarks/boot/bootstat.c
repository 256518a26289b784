// SPDX-License-Identifier: GPL-2.0
/*
 * bootstat - summarise the serial log of one boot benchmark run.
 *
 * The kernel is booted with "initcall_debug loglevel=4 rdinit=/init" and
 * bootinit.c as /init, which prints "NIMBUS_BOOT key=value" lines and the
 * whole kernel log between "NIMBUS_BOOT dmesg begin" and "... dmesg end".
 * Timings come from that section only (from the whole file if it has no
 * markers), and only up to "Run /init as init process": initcalls of
 * modules loaded later by userspace are not part of the kernel's boot.
 *
 * Usage: bootstat [-n TOP] [-t TSVOUT] LOG
 *
 * Prints one JSON object on one line (times in ms with 3 decimals):
 *   {"kernel_ms": <"Run /init" timestamp>,
 *    "first_initcall_ms": <first "calling" line>,
 *    "initcalls_ms": <sum of initcall durations>, "initcall_count": N,
 *    "after_initcalls_ms": <kernel_ms - last "initcall ... returned" line>,
 *    "reset_ms": <reset to /init: TSC read by /init, else the ACPI PM timer>,
 *    "reset_pmtmr_ms": <reset to /init from the ACPI PM timer>,
 *    "tsc_kernel_ms": <kernel_ms minus the sched_clock offset>,
 *    "tsc": N, "uptime_ms": N, "memavailable_kb": N,
 *    "top": [{"name": "pci_arch_init", "usecs": 1234}, ...]}
 * first_initcall_ms, after_initcalls_ms, tsc_kernel_ms and the NIMBUS_BOOT
 * values are null when the log lacks them. "top" holds the TOP (default 20)
 * slowest initcalls, slowest first, ties by name; names lose their
 * "+0x../0x.." offset and keep a " [module]" suffix.
 *
 * tsc_kernel_ms: until "sched_clock: Marking stable (gtod, gtod_offset)->
 * (raw, offset)" the printk clock follows the timekeeping clock, which
 * counts jiffies before the clocksource switch; from that line on it is
 * the raw TSC clock plus "offset", chosen to keep printk time continuous.
 * kernel_ms - offset is therefore the TSC's own time from the TSC's
 * initialisation to /init, free of whatever the jiffies clock gained or
 * lost before (QEMU TCG: the APIC timer calibration makes it gain about
 * 118 ms).
 *
 * reset_ms: QEMU starts the TSC at 0 on reset, so the TSC /init reads,
 * divided by the "tsc: Detected X MHz" frequency, is the time since reset.
 * It does not wrap; the 24-bit PM timer wraps every 4.7 s and a boot that
 * is longer than that would be misread by the PM figure alone.
 *
 * -t TSVOUT writes "segment<TAB>ms" lines for bootchart, in boot order:
 * "before initcalls", the 8 slowest initcalls (in the order they ran),
 * "other initcalls", "after initcalls" and "gaps" (time between initcalls,
 * clamped at 0), so that the segments add up to kernel_ms.
 *
 * Exit status: 0 ok, 1 no "Run /init" line in the log, 2 usage or I/O error.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_TOP	20
#define TSV_TOP		8
#define MAX_TOP		1000000

struct initcall {
	char *name;
	long long usecs;
	size_t order;		/* position in the log */
};

struct boot {
	long long kernel_us;		/* -1: no "Run /init" line */
	long long clock_offset_us;	/* sched_clock offset; LLONG_MIN: none */
	long long first_call_us;	/* -1: no "calling" line */
	long long last_ret_us;		/* -1: no "initcall ... returned" line */
	long long sum_us;
	long long tsc, uptime_ms, memavail_kb;	/* -1: not in the log */
	long long pmtmr, pmtmr_bits;		/* -1: not in the log */
	double tsc_mhz;				/* 0: no "tsc: Detected" line */
	struct initcall *calls;
	size_t ncalls, cap;
};

static const char *prog = "bootstat";

static void die_usage(void)
{
	fprintf(stderr, "usage: %s [-n TOP] [-t TSVOUT] LOG\n", prog);
	exit(2);
}

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (!q) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(2);
	}
	return q;
}

/* Whole file as one string; NUL bytes in the data become spaces. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got, i;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	for (i = 0; i < len; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[len] = '\0';
	return buf;
}

/* Splits buf in place into lines without "\n" or trailing "\r". */
static char **split_lines(char *buf, size_t *nlines)
{
	char **lines = NULL;
	size_t n = 0, cap = 0, len;
	char *p = buf, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		len = strlen(p);
		while (len && p[len - 1] == '\r')
			p[--len] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			lines = xrealloc(lines, cap * sizeof(*lines));
		}
		lines[n++] = p;
		p = nl ? nl + 1 : p + len;
	}
	*nlines = n;
	return lines;
}

/* Parses "[    0.390469] " into microseconds; returns the text after it. */
static const char *parse_stamp(const char *s, long long *us)
{
	long long sec = 0, frac = 0;
	int digits = 0;

	while (*s == ' ')
		s++;
	if (*s++ != '[')
		return NULL;
	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return NULL;
	while (isdigit((unsigned char)*s) && sec < 1000000000000LL)
		sec = sec * 10 + (*s++ - '0');
	if (*s == '.')
		s++;
	for (; isdigit((unsigned char)*s); s++)
		if (digits < 6) {
			frac = frac * 10 + (*s - '0');
			digits++;
		}
	for (; digits < 6; digits++)
		frac *= 10;
	if (*s++ != ']')
		return NULL;
	if (*s == ' ')
		s++;
	*us = sec * 1000000 + frac;
	return s;
}

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * "initcall foo+0x0/0x10 [mod] returned 0 after 5 usecs" (text after
 * "initcall "): stores "foo [mod]" and 5. Returns 0 if the text differs.
 */
static int parse_initcall(const char *sym, char **name, long long *usecs)
{
	const char *ret = strstr(sym, " returned ");
	const char *after, *symend, *plus;
	size_t namelen, modlen = 0;
	char *end;

	if (!ret || ret == sym)
		return 0;
	after = strstr(ret, " after ");
	if (!after)
		return 0;
	*usecs = strtoll(after + 7, &end, 10);
	if (end == after + 7 || !starts_with(end, " usecs"))
		return 0;
	symend = strchr(sym, ' ');
	plus = memchr(sym, '+', symend - sym);
	namelen = (plus ? plus : symend) - sym;
	if (symend < ret && symend[1] == '[')
		modlen = ret - symend;
	*name = xrealloc(NULL, namelen + modlen + 1);
	memcpy(*name, sym, namelen);
	memcpy(*name + namelen, symend, modlen);
	(*name)[namelen + modlen] = '\0';
	return 1;
}

static void add_initcall(struct boot *b, const char *sym, long long stamp)
{
	struct initcall *c;
	char *name;
	long long usecs;

	if (!parse_initcall(sym, &name, &usecs))
		return;
	if (b->ncalls == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->calls = xrealloc(b->calls, b->cap * sizeof(*b->calls));
	}
	c = &b->calls[b->ncalls];
	c->name = name;
	c->usecs = usecs;
	c->order = b->ncalls++;
	b->sum_us += usecs;
	b->last_ret_us = stamp;
}

/* "sched_clock: Marking stable (a, b)->(c, OFFSET)", OFFSET in ns */
static void parse_stable(struct boot *b, const char *text)
{
	long long gtod, gtod_off, raw, off;

	if (sscanf(text, "sched_clock: Marking stable (%lld, %lld)->(%lld, %lld)",
		   &gtod, &gtod_off, &raw, &off) == 4)
		b->clock_offset_us = off / 1000;
}

/* Timings from the kernel log lines[0..n), up to "Run /init". */
static void scan_dmesg(struct boot *b, char **lines, size_t n)
{
	const char *text;
	long long stamp;
	size_t i;

	for (i = 0; i < n && b->kernel_us < 0; i++) {
		text = parse_stamp(lines[i], &stamp);
		if (!text)
			continue;
		if (starts_with(text, "Run /init as init process"))
			b->kernel_us = stamp;
		else if (starts_with(text, "calling ") && b->first_call_us < 0)
			b->first_call_us = stamp;
		else if (starts_with(text, "initcall "))
			add_initcall(b, text + strlen("initcall "), stamp);
		else if (starts_with(text, "sched_clock: Marking stable ("))
			parse_stable(b, text);
		else if (starts_with(text, "tsc: Detected ") &&
			 sscanf(text, "tsc: Detected %lf MHz", &b->tsc_mhz) != 1)
			b->tsc_mhz = 0;
	}
}

/* Value of the first "key=<integer>" on a NIMBUS_BOOT line, or -1. */
static long long find_value(char **lines, size_t n, const char *key)
{
	size_t i, klen = strlen(key);
	const char *p;

	for (i = 0; i < n; i++) {
		p = strstr(lines[i], "NIMBUS_BOOT ");
		while (p) {
			p = strstr(p + 1, key);
			if (p && p[-1] == ' ' && p[klen] == '=' &&
			    isdigit((unsigned char)p[klen + 1]))
				return strtoll(p + klen + 1, NULL, 10);
		}
	}
	return -1;
}

static size_t find_line(char **lines, size_t from, size_t n, const char *marker)
{
	for (; from < n; from++)
		if (strstr(lines[from], marker))
			return from;
	return n;
}

static void scan_log(struct boot *b, char **lines, size_t n)
{
	size_t begin = find_line(lines, 0, n, "NIMBUS_BOOT dmesg begin");
	size_t end = n;

	if (begin < n)
		end = find_line(lines, ++begin, n, "NIMBUS_BOOT dmesg end");
	else
		begin = 0;
	scan_dmesg(b, lines + begin, end - begin);
	b->tsc = find_value(lines, n, "tsc");
	b->uptime_ms = find_value(lines, n, "uptime_ms");
	b->memavail_kb = find_value(lines, n, "memavailable_kb");
	b->pmtmr = find_value(lines, n, "pmtmr");
	b->pmtmr_bits = find_value(lines, n, "pmtmr_bits");
}

#define PM_TIMER_HZ 3579545LL

/*
 * Time from machine reset to /init in us, from the ACPI PM timer read by
 * bootinit; -1 without it. The counter wraps (every 4.7 s at 24 bits): take
 * the first candidate that is not far below the kernel's own time to /init.
 */
static long long reset_us(const struct boot *b)
{
	long long period, us;

	if (b->pmtmr < 0 || (b->pmtmr_bits != 24 && b->pmtmr_bits != 32))
		return -1;
	period = (1LL << b->pmtmr_bits) * 1000000 / PM_TIMER_HZ;
	us = b->pmtmr * 1000000 / PM_TIMER_HZ;
	while (b->kernel_us >= 0 && us < b->kernel_us - period / 2)
		us += period;
	return us;
}

/* Time from machine reset to /init in us from the TSC; -1 without it. */
static long long reset_tsc_us(const struct boot *b)
{
	if (b->tsc < 0 || b->tsc_mhz <= 0)
		return -1;
	return (long long)(b->tsc / b->tsc_mhz);
}

/* Slowest first, then by name, then in log order. */
static int cmp_slowest(const void *a, const void *b)
{
	const struct initcall *x = a, *y = b;
	int r;

	if (x->usecs != y->usecs)
		return x->usecs < y->usecs ? 1 : -1;
	r = strcmp(x->name, y->name);
	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_order(const void *a, const void *b)
{
	const struct initcall *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static void print_ms(FILE *f, long long us)
{
	const char *sign = us < 0 ? "-" : "";

	if (us < 0)
		us = -us;
	fprintf(f, "%s%lld.%03lld", sign, us / 1000, us % 1000);
}

static void print_ms_or_null(long long us, int valid)
{
	if (valid)
		print_ms(stdout, us);
	else
		fputs("null", stdout);
}

static void print_int_or_null(long long v)
{
	if (v < 0)
		fputs("null", stdout);
	else
		printf("%lld", v);
}

static void print_json_string(const char *s)
{
	unsigned char c;

	putchar('"');
	for (; *s; s++) {
		c = *s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct boot *b, size_t top)
{
	size_t i;

	fputs("{\"kernel_ms\": ", stdout);
	print_ms(stdout, b->kernel_us);
	fputs(", \"first_initcall_ms\": ", stdout);
	print_ms_or_null(b->first_call_us, b->first_call_us >= 0);
	fputs(", \"initcalls_ms\": ", stdout);
	print_ms(stdout, b->sum_us);
	printf(", \"initcall_count\": %zu, \"after_initcalls_ms\": ", b->ncalls);
	print_ms_or_null(b->kernel_us - b->last_ret_us, b->last_ret_us >= 0);
	fputs(", \"reset_ms\": ", stdout);
	if (reset_tsc_us(b) >= 0)
		print_ms(stdout, reset_tsc_us(b));
	else
		print_ms_or_null(reset_us(b), reset_us(b) >= 0);
	fputs(", \"reset_pmtmr_ms\": ", stdout);
	print_ms_or_null(reset_us(b), reset_us(b) >= 0);
	fputs(", \"tsc_kernel_ms\": ", stdout);
	print_ms_or_null(b->kernel_us - b->clock_offset_us,
			 b->clock_offset_us != LLONG_MIN);
	fputs(", \"tsc\": ", stdout);
	print_int_or_null(b->tsc);
	fputs(", \"uptime_ms\": ", stdout);
	print_int_or_null(b->uptime_ms);
	fputs(", \"memavailable_kb\": ", stdout);
	print_int_or_null(b->memavail_kb);
	fputs(", \"top\": [", stdout);
	for (i = 0; i < top && i < b->ncalls; i++) {
		fputs(i ? ", {\"name\": " : "{\"name\": ", stdout);
		print_json_string(b->calls[i].name);
		printf(", \"usecs\": %lld}", b->calls[i].usecs);
	}
	fputs("]}\n", stdout);
}

static void print_tsv_line(FILE *f, const char *name, long long us)
{
	for (; *name; name++)
		fputc(*name == '\t' || *name == '\n' ? ' ' : *name, f);
	fputc('\t', f);
	print_ms(f, us);
	fputc('\n', f);
}

/* b->calls must be sorted slowest first. */
static int write_tsv(const struct boot *b, const char *path)
{
	struct initcall top[TSV_TOP];
	size_t i, ntop = b->ncalls < TSV_TOP ? b->ncalls : TSV_TOP;
	long long first = b->first_call_us >= 0 ? b->first_call_us : b->kernel_us;
	long long last = b->last_ret_us >= 0 ? b->last_ret_us : first;
	long long top_us = 0, gaps = last - first - b->sum_us;
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	memcpy(top, b->calls, ntop * sizeof(*top));
	qsort(top, ntop, sizeof(*top), cmp_order);
	print_tsv_line(f, "before initcalls", first);
	for (i = 0; i < ntop; i++) {
		print_tsv_line(f, top[i].name, top[i].usecs);
		top_us += top[i].usecs;
	}
	print_tsv_line(f, "other initcalls", b->sum_us - top_us);
	print_tsv_line(f, "after initcalls", b->kernel_us - last);
	print_tsv_line(f, "gaps", gaps > 0 ? gaps : 0);
	if (ferror(f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	return fclose(f);
}

static size_t parse_top(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > MAX_TOP) {
		fprintf(stderr, "%s: -n wants a number from 0 to %d, not '%s'\n",
			prog, MAX_TOP, arg);
		die_usage();
	}
	return v;
}

static void free_boot(struct boot *b)
{
	size_t i;

	for (i = 0; i < b->ncalls; i++)
		free(b->calls[i].name);
	free(b->calls);
}

static int report(struct boot *b, const char *log, size_t top, const char *tsv)
{
	if (b->kernel_us < 0) {
		fprintf(stderr,
			"%s: %s: no \"Run /init as init process\" line, the kernel did not reach /init\n",
			prog, log);
		return 1;
	}
	qsort(b->calls, b->ncalls, sizeof(*b->calls), cmp_slowest);
	if (tsv && write_tsv(b, tsv)) {
		fprintf(stderr, "%s: %s: %s\n", prog, tsv, strerror(errno));
		return 2;
	}
	print_json(b, top);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "%s: writing stdout: %s\n", prog, strerror(errno));
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct boot b = {
		.kernel_us = -1, .clock_offset_us = LLONG_MIN,
		.first_call_us = -1, .last_ret_us = -1,
		.tsc = -1, .uptime_ms = -1, .memavail_kb = -1,
		.pmtmr = -1, .pmtmr_bits = -1,
	};
	const char *tsv = NULL;
	size_t top = DEFAULT_TOP, nlines;
	char *buf, **lines;
	int opt, ret;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		if (opt == 'n')
			top = parse_top(optarg);
		else if (opt == 't')
			tsv = optarg;
		else
			die_usage();
	}
	if (optind != argc - 1)
		die_usage();
	buf = read_file(argv[optind]);
	if (!buf) {
		fprintf(stderr, "%s: %s: %s\n", prog, argv[optind], strerror(errno));
		return 2;
	}
	lines = split_lines(buf, &nlines);
	scan_log(&b, lines, nlines);
	ret = report(&b, argv[optind], top, tsv);
	free_boot(&b);
	free(lines);
	free(buf);
	return ret;
}
