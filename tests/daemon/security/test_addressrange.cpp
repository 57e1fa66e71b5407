/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * AddressRange: the addresses and CIDR ranges of trusted_addresses, and peers matched against
 * them.
 */

#include <gtest/gtest.h>

#include "addressrange.h"

using namespace sluice;

namespace {

AddressRange range(const char *text)
{
	std::string problem;
	std::optional<AddressRange> parsed = AddressRange::parse(text, problem);
	EXPECT_TRUE(parsed) << text << ": " << problem;
	return parsed.value_or(AddressRange());
}

TEST(AddressRange, SingleAddresses)
{
	EXPECT_TRUE(range("127.0.0.1").contains("127.0.0.1"));
	EXPECT_FALSE(range("127.0.0.1").contains("127.0.0.2"));
	EXPECT_TRUE(range("::1").contains("::1"));
	EXPECT_FALSE(range("::1").contains("127.0.0.1"));
	EXPECT_FALSE(range("127.0.0.1").contains("::1"));
	EXPECT_EQ(range(" 127.0.0.1 ").text(), "127.0.0.1");
	EXPECT_EQ(range("0:0::1").text(), "::1");
}

TEST(AddressRange, Cidr)
{
	const AddressRange lan = range("192.168.1.77/24");
	EXPECT_EQ(lan.text(), "192.168.1.0/24");
	EXPECT_TRUE(lan.contains("192.168.1.0"));
	EXPECT_TRUE(lan.contains("192.168.1.255"));
	EXPECT_FALSE(lan.contains("192.168.2.1"));
	EXPECT_TRUE(range("10.0.0.0/8").contains("10.200.3.4"));
	EXPECT_TRUE(range("172.16.0.0/12").contains("172.31.255.255"));
	EXPECT_FALSE(range("172.16.0.0/12").contains("172.32.0.0"));
	EXPECT_TRUE(range("0.0.0.0/0").contains("8.8.8.8"));
	EXPECT_TRUE(range("fd00::/8").contains("fd12:3456::1"));
	EXPECT_FALSE(range("fd00::/8").contains("fe80::1"));
	EXPECT_TRUE(range("fe80::/10").contains("febf::1"));
	EXPECT_FALSE(range("fe80::/10").contains("fec0::1"));
}

/* A server on "::" sees IPv4 clients as ::ffff:a.b.c.d. */
TEST(AddressRange, MappedIpv4)
{
	EXPECT_TRUE(range("127.0.0.1").contains("::ffff:127.0.0.1"));
	EXPECT_FALSE(range("127.0.0.1").contains("::ffff:127.0.0.2"));
}

TEST(AddressRange, NotAddresses)
{
	for (const char *text : {"", "localhost", "127.0.0", "1.2.3.4/33", "::1/129", "1.2.3.4/",
				 "1.2.3.4/x", "1.2.3.4/-1", "[::1]", "1.2.3.4 5"}) {
		std::string problem;
		EXPECT_FALSE(AddressRange::parse(text, problem)) << text;
		EXPECT_FALSE(problem.empty()) << text;
	}
	EXPECT_FALSE(range("127.0.0.1").contains("localhost"));
	EXPECT_FALSE(range("0.0.0.0/0").contains(""));
}

TEST(AddressRange, Loopback)
{
	EXPECT_TRUE(range("127.0.0.1").loopbackOnly());
	EXPECT_TRUE(range("127.0.0.0/8").loopbackOnly());
	EXPECT_TRUE(range("::1").loopbackOnly());
	EXPECT_FALSE(range("0.0.0.0/0").loopbackOnly());
	EXPECT_FALSE(range("::/0").loopbackOnly());
	EXPECT_FALSE(range("192.168.0.1").loopbackOnly());
}

TEST(AddressRange, Lists)
{
	std::string problem;
	auto list = parseAddressList("127.0.0.1, ::1,10.0.0.0/8", problem);
	ASSERT_TRUE(list) << problem;
	ASSERT_EQ(list->size(), 3u);
	EXPECT_TRUE(anyContains(*list, "10.9.9.9"));
	EXPECT_TRUE(anyContains(*list, "::1"));
	EXPECT_FALSE(anyContains(*list, "127.0.0.2"));

	auto empty = parseAddressList("  ", problem);
	ASSERT_TRUE(empty);
	EXPECT_TRUE(empty->empty());
	EXPECT_FALSE(anyContains(*empty, "127.0.0.1"));

	EXPECT_FALSE(parseAddressList("127.0.0.1,", problem));
	EXPECT_FALSE(parseAddressList("127.0.0.1; ::1", problem));
	EXPECT_NE(problem.find("127.0.0.1; ::1"), std::string::npos) << problem;
}

} /* namespace */
