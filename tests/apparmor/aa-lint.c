// SPDX-License-Identifier: GPL-2.0
/*
 * aa-lint - reject over-broad rules in nimbus' AppArmor profiles.
 *
 * usage: aa-lint PROFILE...
 *
 * Conventions checked (configs/apparmor.d/README.md):
 * - "abi <abi/3.0>," and "include <tunables/global>" are present; one
 *   top-level profile whose attachment path is the file name with '/'
 *   spelled '.' (usr.sbin.hv_kvp_daemon: /usr/sbin/hv_kvp_daemon); it is
 *   not in complain or unconfined mode;
 * - one rule a line, ending with ','; every rule has a reason: a comment
 *   opening its paragraph (lines up to a blank line) or on its line;
 * - no over-broad rule: bare file/capability/network/ptrace/mount/...,
 *   high-risk capabilities, raw or packet sockets, ptrace trace,
 *   unconfined exec (ux, Ux, pux, cux, ...), any file access to the whole
 *   tree (a path whose first component is a wildcard; reading directories
 *   only, with a trailing slash, is fine),
 *   writes to /boot, kernel modules, sysctls, securityfs or raw memory,
 *   reads of /etc/shadow.
 * An over-broad rule passes when annotated, on its line or on the comment
 * line just before it: "# nimbus-lint: allow <reason>".
 *
 * Output: "FILE:LINE: problem" for each finding. Exit status: 0 clean,
 * 1 findings, 2 unreadable file or bad usage.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARKER "nimbus-lint: allow"

struct lint {
	const char *file;
	int line;
	int findings;
	bool annotated;		/* the rule on this line carries an allow */
};

static const char *const risky_caps[] = {
	"sys_admin", "sys_module", "sys_rawio", "sys_ptrace", "sys_boot", "sys_chroot",
	"mac_admin", "mac_override", "bpf", "perfmon", "net_admin", "net_raw",
	"setuid", "setgid", "setpcap", "dac_override", "dac_read_search", "syslog",
	NULL
};

/* paths no confined daemon writes */
static const char *const protected_prefixes[] = {
	"/boot", "/lib/modules", "/usr/lib/modules", "/{usr/,}lib/modules", "/etc/apparmor",
	"/sys/kernel/security", "@{sys}/kernel/security", "/proc/sys", "@{PROC}/sys",
	"/dev/mem", "/dev/kmem", "/dev/port", "/etc/shadow", "/etc/gshadow", "/etc/sudoers",
	NULL
};

static void report(struct lint *l, bool risky, const char *fmt, const char *arg)
{
	if (risky && l->annotated)
		return;
	printf("%s:%d: ", l->file, l->line);
	printf(fmt, arg);
	if (risky)
		printf(" (annotate '# " MARKER " <reason>' if intended)");
	printf("\n");
	l->findings++;
}

/* offset of the comment '#' in s, or -1; "#include" is a directive */
static int comment_start(const char *s)
{
	bool quoted = false;
	int i;

	for (i = 0; s[i]; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		if (s[i] != '#' || quoted)
			continue;
		if (!strncmp(s + i, "#include", 8))
			continue;
		if (i == 0 || isspace((unsigned char)s[i - 1]))
			return i;
	}
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* an annotation: the marker followed by a reason */
static int annotation(struct lint *l, const char *comment)
{
	const char *m = strstr(comment, MARKER);

	if (!m)
		return 0;
	m += strlen(MARKER);
	while (isspace((unsigned char)*m))
		m++;
	if (!*m) {
		report(l, false, "'%s' without a reason", MARKER);
		return 0;
	}
	return 1;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* the word w in s, delimited by non-identifier characters */
static bool has_word(const char *s, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = strstr(s, w); p; p = strstr(p + 1, w)) {
		bool left = p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');

		if (left && right)
			return true;
	}
	return false;
}

static bool is_path(const char *t)
{
	return *t == '/' || *t == '@' || *t == '"';
}

static bool is_perms(const char *t)
{
	return *t && strspn(t, "rwaklmixpcuPCUI") == strlen(t);
}

static void check_file_rule(struct lint *l, const char *path, const char *perms)
{
	bool writes = strpbrk(perms, "wal");
	const char *p = path + (*path == '"');
	int i;

	for (i = 0; perms[i]; i++) {
		if ((perms[i] == 'u' || perms[i] == 'U') && strchr(perms + i, 'x'))
			report(l, true, "unconfined exec '%s'", perms);
	}
	/* the whole tree: the first component is a wildcard */
	if (p[0] == '/' && (p[1] == '*' || starts_with(p, "/{,") || starts_with(p, "/{*"))) {
		if (strpbrk(perms, "waklmxPCUpcu"))
			report(l, true, "'%s' grants more than listing on the whole tree", path);
		else if (p[strlen(p) - 1] != '/')
			report(l, true, "'%s' reads every file", path);
	}
	for (i = 0; protected_prefixes[i]; i++) {
		const char *pp = protected_prefixes[i];

		if (!starts_with(p, pp))
			continue;
		if (writes || (strstr(pp, "shadow") && strchr(perms, 'r')))
			report(l, true, "access to protected path '%s'", path);
	}
}

static void check_rule(struct lint *l, char *rule)
{
	char *tok[8] = { NULL }, *save = NULL, *t;
	int n = 0;

	/* qualifiers; deny rules only take permissions away */
	for (;;) {
		if (starts_with(rule, "deny "))
			return;
		if (starts_with(rule, "audit ") || starts_with(rule, "owner ") ||
		    starts_with(rule, "allow ")) {
			rule = trim(strchr(rule, ' '));
			continue;
		}
		break;
	}
	rule[strlen(rule) - 1] = '\0';		/* the ',' */
	rule = trim(rule);
	if (!strcmp(rule, "file") || !strcmp(rule, "capability") || !strcmp(rule, "network") ||
	    !strcmp(rule, "ptrace") || !strcmp(rule, "signal") || !strcmp(rule, "unix") ||
	    !strcmp(rule, "dbus") || !strcmp(rule, "mount") || !strcmp(rule, "umount") ||
	    !strcmp(rule, "remount") || !strcmp(rule, "pivot_root") ||
	    !strcmp(rule, "change_profile") || !strcmp(rule, "mqueue") ||
	    !strcmp(rule, "userns")) {
		report(l, true, "bare '%s,' allows everything of its class", rule);
		return;
	}
	if (starts_with(rule, "capability ")) {
		int i;

		for (i = 0; risky_caps[i]; i++)
			if (has_word(rule + 11, risky_caps[i]))
				report(l, true, "high-risk capability %s", risky_caps[i]);
		return;
	}
	if (starts_with(rule, "network ")) {
		bool typed = has_word(rule, "stream") || has_word(rule, "dgram") ||
			     has_word(rule, "seqpacket") || has_word(rule, "rdm") ||
			     has_word(rule, "raw");

		if (has_word(rule, "packet"))
			report(l, true, "packet sockets: '%s'", rule);
		else if (has_word(rule, "raw") && !has_word(rule, "netlink"))
			report(l, true, "raw sockets: '%s'", rule);
		else if (!typed && !has_word(rule, "netlink") && !has_word(rule, "unix"))
			report(l, true, "every socket type, raw included: '%s'", rule);
		return;
	}
	if (starts_with(rule, "ptrace")) {
		if (has_word(rule, "trace") || !strchr(rule, '('))
			report(l, true, "ptrace that can attach: '%s'", rule);
		return;
	}
	if (starts_with(rule, "mount") || starts_with(rule, "umount") ||
	    starts_with(rule, "remount") || starts_with(rule, "pivot_root") ||
	    starts_with(rule, "change_profile")) {
		report(l, true, "'%s' changes the mount table or confinement", rule);
		return;
	}
	if (has_word(rule, "unconfined"))
		report(l, true, "'%s' leaves confinement", rule);
	if (starts_with(rule, "file "))
		rule = trim(rule + 5);
	for (t = strtok_r(rule, " \t", &save); t && n < 8; t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n >= 2 && is_path(tok[0]) && is_perms(tok[1]))
		check_file_rule(l, tok[0], tok[1]);
	else if (n >= 2 && is_perms(tok[0]) && is_path(tok[1]))
		check_file_rule(l, tok[1], tok[0]);
}

/* "profile NAME PATH flags=(...) {" or "PATH flags=(...) {" */
static void check_header(struct lint *l, char *code, int depth, int *profiles, const char *base)
{
	char want[4096], *s, *attach = NULL, *save = NULL, *t;
	const char *flags = strstr(code, "flags=");

	if (flags && (strstr(flags, "complain") || strstr(flags, "unconfined")))
		report(l, false, "profile not enforced: '%s'", code);
	if (depth)
		return;		/* child profiles: named, no attachment */
	(*profiles)++;
	for (t = strtok_r(code, " \t{", &save); t; t = strtok_r(NULL, " \t{", &save)) {
		if (*t == '/' && !attach)
			attach = t;
	}
	if (!attach) {
		report(l, false, "top-level profile without an attachment path%s", "");
		return;
	}
	snprintf(want, sizeof(want), "%s", attach + 1);
	for (s = want; *s; s++)
		if (*s == '/')
			*s = '.';
	if (strcmp(want, base))
		report(l, false, "file name does not match the attachment path %s", attach);
}

static int lint_file(const char *file)
{
	struct lint l = { .file = file };
	bool has_abi = false, has_tunables = false, paragraph_reason = false;
	bool pending_allow = false;
	int depth = 0, profiles = 0;
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char buf[4096];
	FILE *f = fopen(file, "r");

	if (!f) {
		fprintf(stderr, "aa-lint: cannot read '%s': %s\n", file, strerror(errno));
		return 2;
	}
	while (fgets(buf, sizeof(buf), f)) {
		int c = comment_start(buf);
		char *code, *comment = NULL;
		size_t len;

		l.line++;
		if (c >= 0) {
			buf[c] = '\0';
			comment = buf + c + 1;
		}
		code = trim(buf);
		if (!*code && !comment) {		/* blank line: new paragraph */
			paragraph_reason = false;
			pending_allow = false;
			continue;
		}
		if (!*code) {				/* comment line */
			paragraph_reason = true;
			pending_allow = annotation(&l, comment);
			continue;
		}
		l.annotated = pending_allow || (comment && annotation(&l, comment));
		pending_allow = false;
		len = strlen(code);
		if (!strcmp(code, "abi <abi/3.0>,")) {
			has_abi = true;
		} else if (!strcmp(code, "include <tunables/global>") ||
			   !strcmp(code, "#include <tunables/global>")) {
			has_tunables = true;
		} else if (starts_with(code, "include") || starts_with(code, "#include") ||
			   starts_with(code, "abi ") || code[0] == '@') {
			;				/* directives, variables */
		} else if (code[len - 1] == '{') {
			char hdr[4096];

			snprintf(hdr, sizeof(hdr), "%s", code);
			check_header(&l, hdr, depth, &profiles, base);
			depth++;
		} else if (!strcmp(code, "}")) {
			if (--depth < 0)
				report(&l, false, "unbalanced '%s'", "}");
		} else if (code[len - 1] != ',') {
			report(&l, false, "rule does not end with ',' (one rule a line): '%s'",
			       code);
		} else {
			if (!paragraph_reason && !comment)
				report(&l, false, "rule without a reason comment: '%s'", code);
			check_rule(&l, code);
		}
	}
	fclose(f);
	l.line = 0;
	if (!has_abi)
		report(&l, false, "missing 'abi <abi/3.0>,'%s", "");
	if (!has_tunables)
		report(&l, false, "missing 'include <tunables/global>'%s", "");
	if (profiles != 1)
		report(&l, false, "%s top-level profile(s): one a file, please",
		       profiles ? "several" : "no");
	if (depth)
		report(&l, false, "unbalanced '%s'", "{");
	return l.findings ? 1 : 0;
}

int main(int argc, char **argv)
{
	int i, rc = 0, r;

	if (argc < 2) {
		fprintf(stderr, "usage: aa-lint PROFILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		r = lint_file(argv[i]);
		if (r > rc)
			rc = r;
	}
	return rc;
}
