/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NIMBUS_INFO_H
#define NIMBUS_INFO_H

#include <linux/types.h>

ssize_t nimbus_format_list(char *buf, size_t size, const char *const *items,
			   unsigned int count);

#endif
