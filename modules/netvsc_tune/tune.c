// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include "policy.h"
MODULE_LICENSE("GPL");
