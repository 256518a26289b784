// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for nimbus_format_list(), its own module
 * (nimbus_info_kunit.ko) calling what nimbus_info.ko exports for KUnit only.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>

#include "nimbus_info.h"

struct fmt_case {
	const char *name;
	size_t size;
	unsigned int count;
	ssize_t ret;
	const char *out;
};

static const char *const items[] = { "a/0001-one.patch", "b/0002-two.patch", "c" };

static const struct fmt_case fmt_cases[] = {
	{ "empty list", 16, 0, 0, "" },
	{ "one item", 64, 1, 17, "a/0001-one.patch\n" },
	{ "all fit", 64, 3, 36, "a/0001-one.patch\nb/0002-two.patch\nc\n" },
	/* 17 + 17 + 2 bytes of lines and the NUL: 37 is an exact fit */
	{ "exact fit", 37, 3, 36, "a/0001-one.patch\nb/0002-two.patch\nc\n" },
	{ "one byte short", 36, 3, 21, "a/0001-one.patch\n...\n" },
	{ "only marker fits", 8, 3, 4, "...\n" },
	{ "buffer too small", 4, 1, -EINVAL, NULL },
};

static void fmt_case_desc(const struct fmt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fmt, fmt_cases, fmt_case_desc);

static void nimbus_format_list_test(struct kunit *test)
{
	const struct fmt_case *c = test->param_value;
	char *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	ssize_t ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 'x', 64);
	ret = nimbus_format_list(buf, c->size, items, c->count);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (c->out) {
		KUNIT_EXPECT_STREQ(test, buf, c->out);
		/* never writes past the buffer it was given */
		if (c->size < 64)
			KUNIT_EXPECT_EQ(test, buf[c->size], 'x');
	}
}

static void nimbus_format_list_null_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, nimbus_format_list(NULL, 64, items, 1), -EINVAL);
}

static struct kunit_case nimbus_info_cases[] = {
	KUNIT_CASE_PARAM(nimbus_format_list_test, fmt_gen_params),
	KUNIT_CASE(nimbus_format_list_null_test),
	{}
};

static struct kunit_suite nimbus_info_suite = {
	.name = "nimbus_info",
	.test_cases = nimbus_info_cases,
};

kunit_test_suite(nimbus_info_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for nimbus_info");
MODULE_LICENSE("GPL");
