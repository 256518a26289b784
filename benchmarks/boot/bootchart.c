// SPDX-License-Identifier: GPL-2.0
/*
 * bootchart - draw boot time breakdowns (bootstat -t output) as an SVG.
 *
 * Usage: bootchart -o OUT.svg [-t TITLE] LABEL=TSV [LABEL=TSV...]
 *
 * Each TSV holds "segment<TAB>ms" lines in boot order (blank lines and
 * lines starting with '#' are skipped). The label ends at the first '='.
 *
 * Writes a standalone SVG 900 units wide (viewBox, generic sans-serif font,
 * no scripts): one horizontal stacked bar per LABEL, top to bottom in
 * argument order, with the label on the left and the total ms at the right
 * end. "before initcalls" is grey, "after initcalls" light grey, "other
 * initcalls" and "gaps" pale; every other segment (a named initcall) gets a
 * palette color by name, the same in every bar. Segments wider than 60
 * units show their ms inside, and every segment has a hover tooltip.
 * Below are an x axis in ms and a legend of all segments.
 *
 * Exit status: 0 ok, 2 usage, input or output error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WIDTH		900
#define MARGIN		12
#define RIGHT_SPACE	90	/* for the total after the longest bar */
#define CHAR_W		7	/* rough width of a 12px sans-serif character */
#define BAR_TOP		48
#define BAR_H		26
#define BAR_PITCH	38
#define MIN_TEXT_W	60
#define LEGEND_COLS	3
#define LEGEND_ROW	18
#define LEGEND_CHARS	42
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct seg {
	char *name;
	double ms;
};

struct bar {
	const char *label;
	struct seg *segs;
	size_t nsegs;
	double total;
};

struct chart {
	const char *title;
	struct bar *bars;
	size_t nbars;
	const char **names;	/* distinct segment names, first seen first */
	size_t nnames;
	size_t nnamed;		/* how many of them take a palette color */
	size_t *color;		/* palette index per name */
	double axis_max, step;
	int label_w, plot_x, plot_w, axis_y, legend_y, height;
};

static const char *const fixed_names[] = {
	"before initcalls", "after initcalls", "other initcalls", "gaps",
};

static const char *const fixed_colors[] = {
	"#8a8a8a", "#cfcfcf", "#f0e2bd", "#dde6ef",
};

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
	"#b07aa1", "#ff9da7", "#9c755f", "#17becf", "#bcbd22", "#8c6bb1",
	"#d95f02", "#1b9e77", "#e7298a", "#66a61e",
};

static const char *prog = "bootchart";

static void die_usage(void)
{
	fprintf(stderr, "usage: %s -o OUT.svg [-t TITLE] LABEL=TSV [LABEL=TSV...]\n", prog);
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

static char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xrealloc(NULL, len), s, len);
}

static void die_input(const char *path, size_t line, const char *what)
{
	fprintf(stderr, "%s: %s:%zu: %s\n", prog, path, line, what);
	exit(2);
}

static void add_seg(struct bar *b, const char *name, double ms)
{
	struct seg *s;

	b->segs = xrealloc(b->segs, (b->nsegs + 1) * sizeof(*b->segs));
	s = &b->segs[b->nsegs++];
	s->name = xstrdup(name);
	s->ms = ms;
	b->total += ms;
}

/* One "name<TAB>ms" line; blank and '#' lines are skipped. */
static void parse_line(struct bar *b, char *line, const char *path, size_t lineno)
{
	char *tab, *end;
	double ms;

	line[strcspn(line, "\r\n")] = '\0';
	if (!line[0] || line[0] == '#')
		return;
	tab = strrchr(line, '\t');
	if (!tab || tab == line)
		die_input(path, lineno, "expected \"segment<TAB>ms\"");
	*tab = '\0';
	errno = 0;
	ms = strtod(tab + 1, &end);
	while (*end == ' ')
		end++;
	if (errno || end == tab + 1 || *end || !(ms >= 0 && ms < 1e12))
		die_input(path, lineno, "ms must be a number from 0 up");
	add_seg(b, line, ms);
}

static void read_tsv(struct bar *b, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		exit(2);
	}
	while (getline(&line, &cap, f) >= 0)
		parse_line(b, line, path, ++lineno);
	if (ferror(f)) {
		fprintf(stderr, "%s: %s: read error\n", prog, path);
		exit(2);
	}
	free(line);
	fclose(f);
	if (!b->nsegs)
		die_input(path, lineno, "no segments");
}

/* "LABEL=TSV": the label ends at the first '='. */
static void add_bar(struct chart *c, char *arg)
{
	char *eq = strchr(arg, '=');
	struct bar *b;

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "%s: '%s' is not LABEL=TSV\n", prog, arg);
		die_usage();
	}
	*eq = '\0';
	c->bars = xrealloc(c->bars, (c->nbars + 1) * sizeof(*c->bars));
	b = &c->bars[c->nbars++];
	memset(b, 0, sizeof(*b));
	b->label = arg;
	read_tsv(b, eq + 1);
}

static int fixed_index(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixed_names); i++)
		if (!strcmp(name, fixed_names[i]))
			return i;
	return -1;
}

static size_t name_index(const struct chart *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nnames; i++)
		if (!strcmp(c->names[i], name))
			return i;
	return c->nnames;
}

/* Collects distinct names; named initcalls get palette colors in order. */
static void assign_colors(struct chart *c)
{
	const char *name;
	size_t i, j, n;

	for (i = 0; i < c->nbars; i++)
		for (j = 0; j < c->bars[i].nsegs; j++) {
			name = c->bars[i].segs[j].name;
			if (name_index(c, name) < c->nnames)
				continue;
			c->names = xrealloc(c->names, (c->nnames + 1) * sizeof(*c->names));
			c->color = xrealloc(c->color, (c->nnames + 1) * sizeof(*c->color));
			n = c->nnames++;
			c->names[n] = name;
			c->color[n] = 0;
			if (fixed_index(name) < 0)
				c->color[n] = c->nnamed++ % ARRAY_SIZE(palette);
		}
}

static const char *color_of(const struct chart *c, const char *name)
{
	int fixed = fixed_index(name);

	if (fixed >= 0)
		return fixed_colors[fixed];
	return palette[c->color[name_index(c, name)]];
}

/* Dark text on light fills, white text on dark ones. */
static const char *text_color(const char *fill)
{
	unsigned long rgb = strtoul(fill + 1, NULL, 16);
	unsigned long r = rgb >> 16, g = (rgb >> 8) & 0xff, b = rgb & 0xff;

	return r * 299 + g * 587 + b * 114 < 140000 ? "#ffffff" : "#222222";
}

/* Axis step of 1, 2 or 5 times a power of ten, for about 8 ticks. */
static void scale_axis(struct chart *c)
{
	double max = 0, raw, mag = 1;
	size_t i;
	long n;

	for (i = 0; i < c->nbars; i++)
		if (c->bars[i].total > max)
			max = c->bars[i].total;
	if (max <= 0)
		max = 1;
	raw = max / 8;
	while (mag * 10 <= raw)
		mag *= 10;
	while (mag > raw)
		mag /= 10;
	c->step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
	n = (long)(max / c->step);
	if (n * c->step < max)
		n++;
	c->axis_max = n * c->step;
}

static void layout(struct chart *c)
{
	size_t i, len, longest = 4, rows;

	for (i = 0; i < c->nbars; i++) {
		len = strlen(c->bars[i].label);
		if (len > longest)
			longest = len;
	}
	if (longest > 33)
		longest = 33;	/* put_bar() shows 30 and "..." */
	c->label_w = MARGIN + longest * CHAR_W + 10;
	c->plot_x = c->label_w;
	c->plot_w = WIDTH - c->plot_x - RIGHT_SPACE;
	c->axis_y = BAR_TOP + c->nbars * BAR_PITCH;
	c->legend_y = c->axis_y + 56;
	rows = (c->nnames + LEGEND_COLS - 1) / LEGEND_COLS;
	c->height = c->legend_y + rows * LEGEND_ROW + MARGIN;
	scale_axis(c);
}

static double x_of(const struct chart *c, double ms)
{
	return c->plot_x + ms * c->plot_w / c->axis_max;
}

/* XML text, at most max bytes of s (then "..."); control bytes become '?'. */
static void put_xml(FILE *f, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		unsigned char ch = s[i];

		if (ch == '&')
			fputs("&amp;", f);
		else if (ch == '<')
			fputs("&lt;", f);
		else if (ch == '>')
			fputs("&gt;", f);
		else if (ch == '"')
			fputs("&quot;", f);
		else if (ch < 0x20 || ch == 0x7f)
			fputc('?', f);
		else
			fputc(ch, f);
	}
	if (s[i])
		fputs("...", f);
}

static void put_header(FILE *f, const struct chart *c)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" ",
		WIDTH, c->height);
	fprintf(f, "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		WIDTH, c->height);
	fputs("<title>", f);
	put_xml(f, c->title, (size_t)-1);
	fputs("</title>\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", WIDTH, c->height);
	fprintf(f, "<text x=\"%d\" y=\"26\" font-size=\"16\" font-weight=\"bold\">", MARGIN);
	put_xml(f, c->title, 100);
	fputs("</text>\n", f);
}

static void put_grid(FILE *f, const struct chart *c)
{
	double x, v;
	long i;

	fprintf(f, "<g stroke=\"#e6e6e6\">\n");
	for (i = 1; (v = i * c->step) <= c->axis_max * 1.000001; i++) {
		x = x_of(c, v);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>\n",
			x, BAR_TOP - 6, x, c->axis_y);
	}
	fputs("</g>\n", f);
}

static void put_axis(FILE *f, const struct chart *c)
{
	double x, v;
	long i;

	fprintf(f, "<g stroke=\"#444444\">\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
		c->plot_x, c->axis_y, c->plot_x + c->plot_w, c->axis_y);
	for (i = 0; (v = i * c->step) <= c->axis_max * 1.000001; i++) {
		x = x_of(c, v);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>\n",
			x, c->axis_y, x, c->axis_y + 5);
	}
	fputs("</g>\n<g font-size=\"11\" text-anchor=\"middle\" fill=\"#444444\">\n", f);
	for (i = 0; (v = i * c->step) <= c->axis_max * 1.000001; i++)
		fprintf(f, "<text x=\"%.2f\" y=\"%d\">%g</text>\n", x_of(c, v), c->axis_y + 18, v);
	fprintf(f, "<text x=\"%.2f\" y=\"%d\">time since kernel start (ms)</text>\n</g>\n",
		c->plot_x + c->plot_w / 2.0, c->axis_y + 36);
}

static void put_seg(FILE *f, const struct chart *c, const struct bar *b,
		    const struct seg *s, double x, int y)
{
	const char *fill = color_of(c, s->name);
	double w = x_of(c, x + s->ms) - x_of(c, x);

	fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>",
		x_of(c, x), y, w, BAR_H, fill);
	put_xml(f, b->label, (size_t)-1);
	fputs(": ", f);
	put_xml(f, s->name, (size_t)-1);
	fprintf(f, " %.3f ms</title></rect>\n", s->ms);
	if (w <= MIN_TEXT_W)
		return;
	fprintf(f, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\" stroke=\"none\" ",
		x_of(c, x) + w / 2, y + BAR_H / 2 + 4);
	fprintf(f, "fill=\"%s\">%.1f</text>\n", text_color(fill), s->ms);
}

static void put_bar(FILE *f, const struct chart *c, const struct bar *b, int y)
{
	double x = 0;
	size_t i;

	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", c->label_w - 8,
		y + BAR_H / 2 + 4);
	put_xml(f, b->label, 30);
	fputs("</text>\n<g stroke=\"#ffffff\" stroke-width=\"0.5\">\n", f);
	for (i = 0; i < b->nsegs; i++) {
		put_seg(f, c, b, &b->segs[i], x, y);
		x += b->segs[i].ms;
	}
	fprintf(f, "</g>\n<rect x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"none\" ",
		c->plot_x, y, x_of(c, b->total) - c->plot_x, BAR_H);
	fputs("stroke=\"#888888\" stroke-width=\"0.5\"/>\n", f);
	fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-weight=\"bold\">%.1f ms</text>\n",
		x_of(c, b->total) + 6, y + BAR_H / 2 + 4, b->total);
}

static void put_legend(FILE *f, const struct chart *c)
{
	int col_w = (WIDTH - 2 * MARGIN) / LEGEND_COLS, x, y;
	size_t i;

	fprintf(f, "<g font-size=\"11\">\n");
	for (i = 0; i < c->nnames; i++) {
		x = MARGIN + (i % LEGEND_COLS) * col_w;
		y = c->legend_y + (i / LEGEND_COLS) * LEGEND_ROW;
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\" ",
			x, y, color_of(c, c->names[i]));
		fprintf(f, "stroke=\"#999999\" stroke-width=\"0.5\"/>\n<text x=\"%d\" y=\"%d\">",
			x + 18, y + 10);
		put_xml(f, c->names[i], LEGEND_CHARS);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
}

static int write_svg(const struct chart *c, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return -1;
	put_header(f, c);
	put_grid(f, c);
	for (i = 0; i < c->nbars; i++)
		put_bar(f, c, &c->bars[i], BAR_TOP + i * BAR_PITCH);
	put_axis(f, c);
	put_legend(f, c);
	fputs("</svg>\n", f);
	if (ferror(f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	return fclose(f);
}

static void free_chart(struct chart *c)
{
	size_t i, j;

	for (i = 0; i < c->nbars; i++) {
		for (j = 0; j < c->bars[i].nsegs; j++)
			free(c->bars[i].segs[j].name);
		free(c->bars[i].segs);
	}
	free(c->bars);
	free(c->names);
	free(c->color);
}

int main(int argc, char **argv)
{
	struct chart c = { .title = "Kernel boot time to /init" };
	const char *out = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "o:t:")) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 't')
			c.title = optarg;
		else
			die_usage();
	}
	if (!out || optind >= argc)
		die_usage();
	for (; optind < argc; optind++)
		add_bar(&c, argv[optind]);
	assign_colors(&c);
	layout(&c);
	if (write_svg(&c, out)) {
		fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
		free_chart(&c);
		return 2;
	}
	free_chart(&c);
	return 0;
}
