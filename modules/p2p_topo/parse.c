// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - p2p_topo's pure helpers: parsing of the "xfer" command, names
 * of the map types, and the text that says why a pair gets its map type.
 * No allocation, no locking, no global state (p2p_topo_kunit tests them).
 */
#include <linux/ctype.h>
#include <linux/dma-map-ops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "p2p_topo.h"

#define P2P_TOPO_CMD_MAX	256

/* exactly 1 to @max_digits hex digits, then @stop ('\0' for the end) */
static const char *parse_hex(const char *p, unsigned int max_digits,
			     char stop, u32 *val)
{
	unsigned int n = 0;
	u32 v = 0;

	while (isxdigit(*p)) {
		if (++n > max_digits)
			return NULL;
		v = (v << 4) | hex_to_bin(*p);
		p++;
	}
	if (!n || *p != stop)
		return NULL;
	*val = v;
	return stop ? p + 1 : p;
}

/**
 * p2p_topo_parse_bdf - parse a full PCI address, DDDD:BB:DD.F
 * @s: the address (as pci_name() prints it; hex, any case)
 * @domain: output
 * @bus: output
 * @devfn: output
 *
 * Return: 0, or -EINVAL with the outputs untouched.
 */
int p2p_topo_parse_bdf(const char *s, u32 *domain, u8 *bus, u8 *devfn)
{
	u32 d, b, slot, fn;

	s = parse_hex(s, 8, ':', &d);
	if (s)
		s = parse_hex(s, 2, ':', &b);
	if (s)
		s = parse_hex(s, 2, '.', &slot);
	if (s)
		s = parse_hex(s, 1, '\0', &fn);
	if (!s || slot > 0x1f || fn > 7)
		return -EINVAL;
	*domain = d;
	*bus = b;
	*devfn = PCI_DEVFN(slot, fn);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2p_topo_parse_bdf);

/**
 * p2p_topo_parse_xfer - parse "PATH OFFSET LENGTH TARGET [REPEAT]"
 * @buf: the command (not NUL-terminated; a trailing newline is fine)
 * @count: its length
 * @req: output, written only on success
 * @why: on error, what is wrong
 *
 * PATH: a block device, absolute, shorter than %P2P_TOPO_PATH_MAX.
 * OFFSET, LENGTH: bytes (decimal, or hex with 0x), multiples of 512;
 * LENGTH from 512 to %P2P_TOPO_XFER_MAX.  TARGET: "ram" or the address
 * DDDD:BB:DD.F of a P2P memory provider.  REPEAT: 1 (default) to
 * %P2P_TOPO_REPEAT_MAX reads of the same blocks, for timing.
 *
 * Return: 0 or -EINVAL.
 */
int p2p_topo_parse_xfer(const char *buf, size_t count,
			struct p2p_topo_xfer_req *req, const char **why)
{
	struct p2p_topo_xfer_req r = { .repeat = 1 };
	char cmd[P2P_TOPO_CMD_MAX], *s, *tok[6];
	unsigned int n = 0;
	u64 len;

	*why = NULL;
	if (count >= sizeof(cmd)) {
		*why = "command too long";
		return -EINVAL;
	}
	memcpy(cmd, buf, count);
	cmd[count] = '\0';
	if (strlen(cmd) != count) {
		*why = "NUL byte in the command";
		return -EINVAL;
	}
	s = strim(cmd);
	while (s && *s) {
		if (n == ARRAY_SIZE(tok)) {
			*why = "too many words: PATH OFFSET LENGTH TARGET [REPEAT] expected";
			return -EINVAL;
		}
		tok[n++] = strsep(&s, " \t");
		if (s)
			s = skip_spaces(s);
	}
	if (n < 4 || n > 5) {
		*why = "PATH OFFSET LENGTH TARGET [REPEAT] expected";
		return -EINVAL;
	}
	if (tok[0][0] != '/' || strlen(tok[0]) >= sizeof(r.path)) {
		*why = "PATH: an absolute path shorter than 64 characters expected";
		return -EINVAL;
	}
	strscpy(r.path, tok[0], sizeof(r.path));
	if (kstrtou64(tok[1], 0, &r.offset) || r.offset % 512) {
		*why = "OFFSET: a number of bytes, a multiple of 512, expected";
		return -EINVAL;
	}
	if (kstrtou64(tok[2], 0, &len) || !len || len % 512 ||
	    len > P2P_TOPO_XFER_MAX) {
		*why = "LENGTH: a multiple of 512 from 512 to 1048576 expected";
		return -EINVAL;
	}
	r.len = len;
	if (!strcmp(tok[3], "ram")) {
		r.to_ram = true;
	} else if (p2p_topo_parse_bdf(tok[3], &r.domain, &r.bus, &r.devfn)) {
		*why = "TARGET: \"ram\" or a PCI address DDDD:BB:DD.F expected";
		return -EINVAL;
	}
	if (n == 5 && (kstrtou32(tok[4], 0, &r.repeat) || !r.repeat ||
		       r.repeat > P2P_TOPO_REPEAT_MAX)) {
		*why = "REPEAT: 1 to 10000 expected";
		return -EINVAL;
	}
	*req = r;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(p2p_topo_parse_xfer);

/**
 * p2p_topo_map_name - the name p2p_topo prints for a map type
 * @map_type: enum pci_p2pdma_map_type
 */
const char *p2p_topo_map_name(int map_type)
{
	switch (map_type) {
	case PCI_P2PDMA_MAP_BUS_ADDR:
		return "bus-address";
	case PCI_P2PDMA_MAP_THRU_HOST_BRIDGE:
		return "host-bridge";
	case PCI_P2PDMA_MAP_NOT_SUPPORTED:
		return "not-supported";
	default:
		return "unknown";
	}
}
EXPORT_SYMBOL_IF_KUNIT(p2p_topo_map_name);

/**
 * p2p_topo_map_code - the short name of a map type, for the matrix
 * @map_type: enum pci_p2pdma_map_type
 * @distance: the pair's distance (0: the provider is the client)
 */
const char *p2p_topo_map_code(int map_type, int distance)
{
	switch (map_type) {
	case PCI_P2PDMA_MAP_BUS_ADDR:
		return distance ? "BUS" : "SELF";
	case PCI_P2PDMA_MAP_THRU_HOST_BRIDGE:
		return "HB";
	default:
		return "X";
	}
}
EXPORT_SYMBOL_IF_KUNIT(p2p_topo_map_code);

/* "NAME [VVVV:DDDD]", or what the core found instead */
static int p2p_topo_host_desc(const struct pci_p2pdma_host_info *h,
			      char *buf, size_t size)
{
	if (!h->name[0])
		return scnprintf(buf, size, "(no 00.0 or Root Port on the root bus)");
	return scnprintf(buf, size, "%s [%04x:%04x]", h->name, h->vendor,
			 h->device);
}

/**
 * p2p_topo_pair_why - why the P2PDMA core gives a pair its map type
 * @info: the core's answer for the pair (pci_p2pdma_get_pair_info())
 * @buf: output, always NUL-terminated when @size > 0
 * @size: size of @buf
 *
 * E.g. "common upstream bridge 0000:01:00.0, no ACS redirect", or "no
 * common upstream bridge; host bridge 0000:00:00.0 [8086:29c0] neither in
 * the built-in list nor in pci_p2pdma.allow".
 *
 * Return: the number of characters written (scnprintf()).
 */
int p2p_topo_pair_why(const struct pci_p2pdma_pair_info *info, char *buf,
		      size_t size)
{
	int len;

	if (info->rule == PCI_P2PDMA_RULE_BRIDGE) {
		if (!info->distance)
			return scnprintf(buf, size, "same function");
		return scnprintf(buf, size, "common upstream bridge %s, no ACS redirect",
				 info->common[0] ? info->common : "?");
	}

	if (info->common[0])
		len = scnprintf(buf, size, "common upstream bridge %s but ACS redirect at %s; ",
				info->common, info->acs[0] ? info->acs : "?");
	else
		len = scnprintf(buf, size, "no common upstream bridge; ");

	if (info->same_host_bridge) {
		len += scnprintf(buf + len, size - len, "host bridge ");
		len += p2p_topo_host_desc(&info->host[0], buf + len, size - len);
	} else {
		len += scnprintf(buf + len, size - len, "host bridges ");
		len += p2p_topo_host_desc(&info->host[0], buf + len, size - len);
		len += scnprintf(buf + len, size - len, " and ");
		len += p2p_topo_host_desc(&info->host[1], buf + len, size - len);
	}

	switch (info->rule) {
	case PCI_P2PDMA_RULE_CPU:
		len += scnprintf(buf + len, size - len,
				 ", allowed: the CPU routes P2P (AMD Zen)");
		break;
	case PCI_P2PDMA_RULE_HOST_LIST:
		len += scnprintf(buf + len, size - len,
				 ", allowed by the built-in list");
		break;
	case PCI_P2PDMA_RULE_ALLOWLIST:
		len += scnprintf(buf + len, size - len,
				 ", allowed by pci_p2pdma.allow (%s)", info->allow);
		break;
	default:
		if (info->same_host_required)
			len += scnprintf(buf + len, size - len,
					 ", refused: the built-in list keeps P2P below one host bridge");
		else
			len += scnprintf(buf + len, size - len,
					 " neither in the built-in list nor in pci_p2pdma.allow");
		break;
	}
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(p2p_topo_pair_why);
