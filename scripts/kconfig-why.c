// SPDX-License-Identifier: GPL-2.0
/*
 * kconfig-why: explain Kconfig symbols against a .config.
 *
 * Stage: config verification.  Linked against the kernel tree's own Kconfig
 * parser (the scripts/kconfig objects of a configured build directory), so the
 * dependency expressions and their current values are exactly what
 * menuconfig would show.  For each symbol named on the command line it
 * prints one block:
 *
 *   CONFIG_FOO: tristate, value m (defined at drivers/foo/Kconfig:12)
 *     depends on: BAR [=y] && PCI [=n]
 *     selected by [y]: - BAZ [=y] && X86 [=y]
 *
 * or "CONFIG_FOO: no such symbol" when the tree does not define it.
 * Exit status: 0, or 2 on usage errors.
 *
 * Usage: kconfig-why KCONFIG DOTCONFIG SYMBOL...   (environment as for
 * "make config": srctree, ARCH, SRCARCH, CC, LD, ...)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <list.h>
#include "lkc.h"

static void print_indented(const char *label, struct gstr *gs)
{
	const char *s = str_get(gs);
	const char *nl;

	if (!*s)
		return;
	printf("    %s", label);
	/* keep multi-line output (select lists) indented under the label */
	while ((nl = strchr(s, '\n'))) {
		printf("%.*s\n", (int)(nl - s), s);
		s = nl + 1;
		if (*s)
			printf("      ");
	}
	if (*s)
		printf("%s\n", s);
}

static void print_revdep(struct expr *e, tristate val, const char *label)
{
	struct gstr gs = str_new();

	if (e) {
		expr_gstr_print_revdep(e, &gs, val, "");
		print_indented(label, &gs);
	}
	str_free(&gs);
}

static void explain(const char *arg)
{
	const char *name = arg;
	struct symbol *sym;
	struct menu *menu;

	if (!strncmp(name, "CONFIG_", 7))
		name += 7;
	/* 6.12's Kconfig lists a symbol's definitions in sym->menus */
	sym = sym_find(name);
	if (!sym || list_empty(&sym->menus)) {
		printf("  CONFIG_%s: no such symbol in this tree (typo, or removed?)\n",
		       name);
		return;
	}

	sym_calc_value(sym);
	printf("  CONFIG_%s: %s, value %s", name, sym_type_name(sym->type),
	       sym_get_string_value(sym));
	menu = list_first_entry(&sym->menus, struct menu, link);
	printf(" (defined at %s:%d)\n", menu->filename, menu->lineno);

	list_for_each_entry(menu, &sym->menus, link) {
		struct gstr dep = str_new();
		struct gstr vis = str_new();

		if (!expr_is_yes(menu->dep)) {
			expr_gstr_print(menu->dep, &dep);
			print_indented("depends on: ", &dep);
		}
		/* the prompt condition repeats the dependencies unless "if X" adds to them */
		if (menu->prompt && menu->prompt->visible.expr &&
		    !expr_is_yes(menu->prompt->visible.expr)) {
			expr_gstr_print(menu->prompt->visible.expr, &vis);
			if (strcmp(str_get(&vis), str_get(&dep)))
				print_indented("prompt visible if: ", &vis);
		}
		str_free(&dep);
		str_free(&vis);
		if (!menu->prompt)
			printf("    (no prompt here: can only be set by select/default)\n");
	}
	print_revdep(sym->rev_dep.expr, yes, "selected by [y]: ");
	print_revdep(sym->rev_dep.expr, mod, "selected by [m]: ");
	print_revdep(sym->implied.expr, yes, "implied by [y]: ");
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: %s KCONFIG DOTCONFIG SYMBOL...\n", argv[0]);
		return 2;
	}
	conf_parse(argv[1]);
	if (conf_read(argv[2])) {
		fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[2]);
		return 2;
	}
	for (i = 3; i < argc; i++)
		explain(argv[i]);
	return 0;
}
