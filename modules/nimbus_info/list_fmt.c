// SPDX-License-Identifier: GPL-2.0
/*
 * list_fmt.c - render a list of strings for a sysfs attribute.
 * A pure function: no allocation, no locking, no global state
 * (nimbus_info_kunit tests it).
 */
#include <linux/string.h>
#include <kunit/visibility.h>

#include "nimbus_info.h"

#define NIMBUS_TRUNC "...\n"

/**
 * nimbus_format_list - write @items, one per line, into @buf
 * @buf: output buffer
 * @size: size of @buf (a sysfs show() gets PAGE_SIZE)
 * @items: the strings
 * @count: number of strings
 *
 * Never writes a partial line: when the next line does not fit, "...\n"
 * ends the output instead.  The result is NUL-terminated.
 *
 * Return: the number of bytes written, without the NUL, or -EINVAL when
 * @buf cannot even hold the truncation marker.
 */
ssize_t nimbus_format_list(char *buf, size_t size, const char *const *items,
			   unsigned int count)
{
	size_t len = 0, total = 0, room = sizeof(NIMBUS_TRUNC);
	unsigned int i;

	if (!buf || size < room)
		return -EINVAL;

	for (i = 0; i < count; i++)
		total += strlen(items[i]) + 1;

	for (i = 0; i < count; i++) {
		size_t n = strlen(items[i]);

		/* everything fits, or this line and the marker still do */
		if (total + 1 > size && len + n + 1 + room > size) {
			memcpy(buf + len, NIMBUS_TRUNC, room);
			return len + room - 1;
		}
		memcpy(buf + len, items[i], n);
		len += n;
		buf[len++] = '\n';
	}
	buf[len] = '\0';
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(nimbus_format_list);
