// SPDX-License-Identifier: GPL-2.0
/*
 * bootsched - who used the CPU during a traced boot, up to /init.
 *
 * initcall_debug's "after N usecs" is the time from an initcall's start to
 * its return on the timekeeping clock. With one vCPU that includes whatever
 * else ran meanwhile (kthreads, work items queued by earlier initcalls),
 * and before the clocksource switch the clock moves in whole jiffies, so
 * the figure can blame an initcall for another's work (oom_init "takes"
 * 76 ms while it waits for a kthread and a work item runs instead). This
 * program reads a serial log of a boot with
 *
 *   initcall_debug trace_event=sched:sched_switch,workqueue:workqueue_execute_start tp_printk
 *
 * and charges every interval between two context switches (printk clock,
 * microseconds) to the task that ran, and for a kworker to the work
 * function it was last seen executing.
 *
 * Usage: bootsched [-n TOP] LOG
 *
 * Prints two tables, up to "Run /init as init process":
 *   "task" lines: CPU ms per task (kworker/...:FUNCTION for work items,
 *     "init" for pid 1, which runs the initcalls, "idle"), largest first;
 *   "initcall" lines: per initcall, the CPU ms init (pid 1) itself ran
 *     between "calling" and its "initcall ... returned", and the elapsed ms
 *     on the printk clock, largest own time first.
 * TOP (default 25) lines of each. Exit status: 0 ok, 1 no "Run /init" or
 * no sched_switch line in the log, 2 usage or I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KEYS	4096
#define MAX_PIDS	32768
#define NAME_LEN	128

struct entry {
	char name[NAME_LEN];
	double ms;		/* CPU ms (task) or own ms (initcall) */
	double elapsed;		/* initcalls: printk ms from call to return */
};

static struct entry tasks[MAX_KEYS], calls[MAX_KEYS];
static int ntasks, ncalls;
static char work_of[MAX_PIDS][NAME_LEN];	/* a kworker's current work */

static struct entry *lookup(struct entry *tab, int *n, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	if (*n == MAX_KEYS)
		return NULL;
	snprintf(tab[*n].name, NAME_LEN, "%s", name);
	tab[*n].ms = 0;
	tab[*n].elapsed = 0;
	return &tab[(*n)++];
}

static int by_ms(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* field: copy the value after "key=" (up to a space) into out */
static int field(const char *line, const char *key, char *out, size_t len)
{
	const char *p = strstr(line, key);
	size_t i = 0;

	if (!p)
		return -1;
	p += strlen(key);
	while (p[i] && p[i] != ' ' && p[i] != '\n' && p[i] != '\r' && i + 1 < len) {
		out[i] = p[i];
		i++;
	}
	out[i] = '\0';
	return 0;
}

/* stamp: the "[ seconds.micro]" printk time of a line, in ms; -1 if none */
static double stamp(const char *line)
{
	const char *p = strchr(line, '[');
	char *end;
	double s;

	if (!p || p - line > 8)
		return -1;
	s = strtod(p + 1, &end);
	if (end == p + 1 || *end != ']')
		return -1;
	return s * 1000.0;
}

/* initcall name from "calling  NAME+0x.." / "initcall NAME+0x.." */
static void initcall_name(const char *p, char *out)
{
	size_t i = 0;

	while (p[i] && !strchr("+ \r\n", p[i]) && i + 1 < NAME_LEN) {
		out[i] = p[i];
		i++;
	}
	out[i] = '\0';
}

/* charge: the interval from @from to @to (ms; none before the first switch) to a task */
static void charge(const char *comm, int pid, double from, double to)
{
	char key[2 * NAME_LEN];
	struct entry *e;

	if (from < 0)
		return;
	if (pid == 0)
		snprintf(key, sizeof(key), "idle");
	else if (pid == 1)
		snprintf(key, sizeof(key), "init (pid 1: the initcalls)");
	else if (pid < MAX_PIDS && work_of[pid][0])
		snprintf(key, sizeof(key), "%s:%s", comm, work_of[pid]);
	else
		snprintf(key, sizeof(key), "%s", comm);
	e = lookup(tasks, &ntasks, key);
	if (e)
		e->ms += to - from;
}

int main(int argc, char **argv)
{
	char line[4096], name[NAME_LEN], cur_call[NAME_LEN] = "";
	char prev_comm[NAME_LEN], prev_pid[16], next_pid[16], cur_comm[NAME_LEN] = "";
	double t, last = -1, call_start = 0, own = 0, seg = 0;
	int top = 25, opt, i, init_on = 1, cur_pid = 1, switches = 0, seen_init = 0;
	FILE *f;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n') {
			top = atoi(optarg);
			if (top < 1) {
				fprintf(stderr, "bootsched: -n needs a positive number, not '%s'\n",
					optarg);
				return 2;
			}
		} else {
			fprintf(stderr, "usage: bootsched [-n TOP] LOG\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: bootsched [-n TOP] LOG\n");
		return 2;
	}
	f = fopen(argv[optind], "r");
	if (!f) {
		fprintf(stderr, "bootsched: %s: %s\n", argv[optind], strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *p;

		t = stamp(line);
		if (t < 0)
			continue;
		if (strstr(line, "Run /init as init process")) {
			/* the task on the CPU since the last switch */
			charge(cur_comm, cur_pid, last, t);
			seen_init = 1;
			break;
		}
		if (strstr(line, "sched_switch: ")) {
			if (field(line, "prev_comm=", prev_comm, sizeof(prev_comm)) ||
			    field(line, "prev_pid=", prev_pid, sizeof(prev_pid)) ||
			    field(line, "next_pid=", next_pid, sizeof(next_pid)))
				continue;
			i = atoi(prev_pid);
			charge(prev_comm, i, last, t);
			last = t;
			switches++;
			if (cur_call[0]) {
				if (i == 1 && init_on) {
					own += t - seg;
					init_on = 0;
				}
				if (atoi(next_pid) == 1) {
					seg = t;
					init_on = 1;
				}
			}
			cur_pid = atoi(next_pid);
			if (field(line, "next_comm=", cur_comm, sizeof(cur_comm)))
				cur_comm[0] = '\0';
			continue;
		}
		p = strstr(line, "workqueue_execute_start: ");
		if (p) {
			p = strstr(p, "function ");
			if (p && cur_pid > 0 && cur_pid < MAX_PIDS) {
				initcall_name(p + strlen("function "), name);
				snprintf(work_of[cur_pid], NAME_LEN, "%s", name);
			}
			continue;
		}
		p = strstr(line, "calling  ");
		if (p) {
			initcall_name(p + strlen("calling  "), cur_call);
			call_start = t;
			seg = t;
			own = 0;
			init_on = 1;
			continue;
		}
		p = strstr(line, "initcall ");
		if (p && cur_call[0] && strstr(p, " returned ")) {
			struct entry *e;

			initcall_name(p + strlen("initcall "), name);
			if (strcmp(name, cur_call))
				continue;
			if (init_on)
				own += t - seg;
			e = lookup(calls, &ncalls, cur_call);
			if (e) {
				e->ms += own;
				e->elapsed += t - call_start;
			}
			cur_call[0] = '\0';
		}
	}
	fclose(f);
	if (!seen_init || !switches) {
		fprintf(stderr, "bootsched: %s: %s\n", argv[optind], !seen_init ?
			"no \"Run /init as init process\" line" :
			"no sched_switch events (boot with trace_event=sched:sched_switch tp_printk)");
		return 1;
	}
	qsort(tasks, ntasks, sizeof(tasks[0]), by_ms);
	qsort(calls, ncalls, sizeof(calls[0]), by_ms);
	printf("# CPU ms per task up to /init (kworker:FUNCTION = a work item)\n");
	for (i = 0; i < ntasks && i < top; i++)
		printf("task\t%.3f\t%s\n", tasks[i].ms, tasks[i].name);
	printf("# initcalls: CPU ms init itself ran, elapsed ms (printk clock)\n");
	for (i = 0; i < ncalls && i < top; i++)
		printf("initcall\t%.3f\t%.3f\t%s\n", calls[i].ms, calls[i].elapsed, calls[i].name);
	return 0;
}
