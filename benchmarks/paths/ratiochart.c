// SPDX-License-Identifier: GPL-2.0
/*
 * ratiochart - draw "this kernel / reference kernel" ratios as an SVG.
 *
 * Usage: ratiochart -o OUT.svg [-t TITLE] [-r REFNAME] < RATIOS.TSV
 *
 * Each input line is "label<TAB>ratio" (ratio > 0; blank lines and lines
 * starting with '#' are skipped). One horizontal bar per line, top to
 * bottom in input order, on a linear axis from 0 to at least 1.5 with a
 * dashed line at 1.0 (the reference). Bars at or below 1 (fewer guest
 * instructions than the reference) are green, above 1 red; the ratio is
 * printed after each bar. Standalone SVG: viewBox, sans-serif, no scripts.
 *
 * Exit status: 0 ok, 2 usage, input or output error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WIDTH		900
#define LABEL_W		380
#define RIGHT_SPACE	70
#define TOP		48
#define BAR_H		16
#define PITCH		22
#define MAX_BARS	512
#define MAX_LABEL	200

struct bar {
	char label[MAX_LABEL];
	double ratio;
};

static struct bar bars[MAX_BARS];

static const char usage_text[] =
	"usage: ratiochart -o OUT.svg [-t TITLE] [-r REFNAME] < RATIOS.TSV\n";

/* write S with the five XML special characters escaped */
static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* parse stdin into bars[]; return the count, or -1 after printing why */
static int read_bars(void)
{
	char line[1024];
	int n = 0, lineno = 0;

	while (fgets(line, sizeof(line), stdin)) {
		char *tab, *end;
		double r;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		tab = strrchr(line, '\t');
		if (!tab) {
			fprintf(stderr, "ratiochart: line %d: no tab between label and ratio\n",
				lineno);
			return -1;
		}
		*tab = '\0';
		errno = 0;
		r = strtod(tab + 1, &end);
		if (errno || end == tab + 1 || *end || !(r > 0)) {
			fprintf(stderr, "ratiochart: line %d: ratio '%s' %s\n",
				lineno, tab + 1, "is not a positive number");
			return -1;
		}
		if (n == MAX_BARS) {
			fprintf(stderr, "ratiochart: more than %d lines\n", MAX_BARS);
			return -1;
		}
		if (strlen(line) >= MAX_LABEL) {
			fprintf(stderr, "ratiochart: line %d: label longer than %d characters\n",
				lineno, MAX_LABEL - 1);
			return -1;
		}
		memcpy(bars[n].label, line, strlen(line) + 1);
		bars[n].ratio = r;
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *title = "Ratio to the reference kernel", *ref = "reference";
	double max = 1.5, scale;
	int opt, n, i, height, plot_w = WIDTH - LABEL_W - RIGHT_SPACE;
	FILE *f;

	while ((opt = getopt(argc, argv, "o:t:r:h")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'r':
			ref = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (!out || optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	n = read_bars();
	if (n < 0)
		return 2;
	for (i = 0; i < n; i++)
		if (bars[i].ratio > max)
			max = bars[i].ratio;
	scale = plot_w / max;
	height = TOP + n * PITCH + 40;

	f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "ratiochart: %s: %s\n", out, strerror(errno));
		return 2;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		WIDTH, height);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, height);
	fprintf(f, "<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"bold\">");
	xml(f, title);
	fprintf(f, "</text>\n");
	if (!n)
		fprintf(f, "<text x=\"12\" y=\"%d\">no data</text>\n", TOP + 12);
	for (i = 0; i < n; i++) {
		int y = TOP + i * PITCH;
		double w = bars[i].ratio * scale;

		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 8,
			y + BAR_H - 4);
		xml(f, bars[i].label);
		fprintf(f, "</text>\n");
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" ",
			LABEL_W, y, w, BAR_H);
		fprintf(f, "fill=\"%s\"><title>", bars[i].ratio <= 1.0 ? "#3a9a4a" : "#c8453a");
		xml(f, bars[i].label);
		fprintf(f, ": %.3f</title></rect>\n", bars[i].ratio);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">%.3f</text>\n", LABEL_W + w + 4,
			y + BAR_H - 4, bars[i].ratio);
	}
	/* the reference line and the axis */
	fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" ",
		LABEL_W + scale, TOP - 6, LABEL_W + scale, TOP + n * PITCH);
	fprintf(f, "stroke=\"black\" stroke-dasharray=\"4 3\"/>\n");
	fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1.0 = ", LABEL_W + scale,
		TOP + n * PITCH + 16);
	xml(f, ref);
	fprintf(f, "</text>\n");
	fprintf(f, "<text x=\"%d\" y=\"%d\">0</text>\n", LABEL_W, TOP + n * PITCH + 16);
	fprintf(f, "<text x=\"12\" y=\"%d\" fill=\"#555\">%s</text>\n", height - 8,
		"shorter is better (fewer guest instructions per unit of work)");
	fprintf(f, "</svg>\n");
	if (fclose(f)) {
		fprintf(stderr, "ratiochart: %s: %s\n", out, strerror(errno));
		return 2;
	}
	return 0;
}
