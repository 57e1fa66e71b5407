/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Tests of the single-value parsers: listen addresses, ports, numbers, byte sizes, base URLs.
 */

#include <gtest/gtest.h>

#include "configvalue.h"
#include "logging.h"

using namespace sluice;

namespace {

HostPort listen(std::string_view text)
{
	std::string problem;
	std::optional<HostPort> address = parseListenAddress(text, problem);
	EXPECT_TRUE(address) << text << ": " << problem;
	return address.value_or(HostPort {});
}

std::string listenProblem(std::string_view text)
{
	std::string problem;
	std::optional<HostPort> address = parseListenAddress(text, problem);
	EXPECT_FALSE(address) << text << " parsed as " << address->host << ":" << address->port;
	EXPECT_FALSE(problem.empty()) << text;
	return problem;
}

} /* namespace */

TEST(ListenAddress, IPv4)
{
	EXPECT_EQ(listen("127.0.0.1:8080"), (HostPort {"127.0.0.1", 8080}));
	EXPECT_EQ(listen("0.0.0.0:80"), (HostPort {"0.0.0.0", 80}));
	EXPECT_EQ(listen("192.168.1.20:65535"), (HostPort {"192.168.1.20", 65535}));
}

TEST(ListenAddress, IPv6NeedsBrackets)
{
	EXPECT_EQ(listen("[::1]:8080"), (HostPort {"::1", 8080}));
	EXPECT_EQ(listen("[::]:8080"), (HostPort {"::", 8080}));
	EXPECT_EQ(listen("[2001:db8::7]:443"), (HostPort {"2001:db8::7", 443}));
	EXPECT_EQ(listen("[fe80::1%eth0]:8080"), (HostPort {"fe80::1%eth0", 8080}));

	EXPECT_NE(listenProblem("::1:8080").find("brackets"), std::string::npos);
	EXPECT_NE(listenProblem("[::1]").find(":PORT"), std::string::npos);
	EXPECT_NE(listenProblem("[::1:8080").find("']'"), std::string::npos);
	EXPECT_NE(listenProblem("[127.0.0.1]:8080").find("not an IPv6 address"), std::string::npos);
	EXPECT_NE(listenProblem("[nas]:8080").find("not an IPv6 address"), std::string::npos);
}

TEST(ListenAddress, HostNames)
{
	EXPECT_EQ(listen("localhost:8080"), (HostPort {"localhost", 8080}));
	EXPECT_EQ(listen("nas.home.arpa:8080"), (HostPort {"nas.home.arpa", 8080}));
	EXPECT_EQ(listen("my-nas:1"), (HostPort {"my-nas", 1}));

	EXPECT_NE(listenProblem("my_nas:8080").find("not an IP address or host name"),
		  std::string::npos);
	EXPECT_NE(listenProblem("-nas:8080").find("host name"), std::string::npos);
	EXPECT_NE(listenProblem("nas..local:8080").find("host name"), std::string::npos);
	/* Digits and dots are an IPv4 address or nothing. */
	EXPECT_NE(listenProblem("300.1.2.3:8080").find("not an IPv4 address"), std::string::npos);
	EXPECT_NE(listenProblem("10.0.0:8080").find("not an IPv4 address"), std::string::npos);
}

TEST(ListenAddress, EmptyHostIsEveryIPv4Interface)
{
	EXPECT_EQ(listen(":8080"), (HostPort {"0.0.0.0", 8080}));
}

TEST(ListenAddress, PortZeroPicksAFreePort)
{
	EXPECT_EQ(listen("127.0.0.1:0"), (HostPort {"127.0.0.1", 0}));
	EXPECT_EQ(listen("[::1]:0"), (HostPort {"::1", 0}));
}

TEST(ListenAddress, BadPorts)
{
	EXPECT_NE(listenProblem("127.0.0.1").find("port is missing"), std::string::npos);
	EXPECT_NE(listenProblem("127.0.0.1:").find("port is missing"), std::string::npos);
	EXPECT_NE(listenProblem("127.0.0.1:65536").find("out of range (0..65535)"),
		  std::string::npos);
	EXPECT_NE(listenProblem("127.0.0.1:99999999999999999999").find("out of range"),
		  std::string::npos);
	EXPECT_NE(listenProblem("127.0.0.1:-1").find("not a number"), std::string::npos);
	EXPECT_NE(listenProblem("127.0.0.1:http").find("not a number"), std::string::npos);
	EXPECT_NE(listenProblem("127.0.0.1: 80").find("not a number"), std::string::npos);
	EXPECT_NE(listenProblem("").find("expected HOST:PORT"), std::string::npos);
}

TEST(ListenAddress, FormatsBackWithBracketsForIPv6)
{
	EXPECT_EQ(formatListenAddress("::1", 8080), "[::1]:8080");
	EXPECT_EQ(formatListenAddress("0.0.0.0", 0), "0.0.0.0:0");
	EXPECT_EQ(formatListenAddress("nas", 80), "nas:80");
}

TEST(ListenAddress, Loopback)
{
	EXPECT_TRUE(isLoopbackHost("127.0.0.1"));
	EXPECT_TRUE(isLoopbackHost("127.1.2.3"));
	EXPECT_TRUE(isLoopbackHost("::1"));
	EXPECT_TRUE(isLoopbackHost("localhost"));
	EXPECT_FALSE(isLoopbackHost("0.0.0.0"));
	EXPECT_FALSE(isLoopbackHost("::"));
	EXPECT_FALSE(isLoopbackHost("127.example.com"));
	EXPECT_FALSE(isLoopbackHost("192.168.1.2"));
}

TEST(ConfigValue, Unsigned)
{
	std::string problem;
	EXPECT_EQ(parseUnsigned("0", 0, 10, problem), 0u);
	EXPECT_EQ(parseUnsigned("10", 0, 10, problem), 10u);
	EXPECT_EQ(parseUnsigned("007", 0, 10, problem), 7u);
	EXPECT_FALSE(parseUnsigned("11", 0, 10, problem));
	EXPECT_EQ(problem, "out of range (0..10)");
	EXPECT_FALSE(parseUnsigned("0", 1, 10, problem));
	EXPECT_FALSE(parseUnsigned("-1", 0, 10, problem));
	EXPECT_EQ(problem, "not a whole number (0..10)");
	EXPECT_FALSE(parseUnsigned("1.5", 0, 10, problem));
	EXPECT_FALSE(parseUnsigned("+1", 0, 10, problem));
	EXPECT_FALSE(parseUnsigned("", 0, 10, problem));
	EXPECT_FALSE(parseUnsigned("184467440737095516160", 0, UINT64_MAX, problem));
}

TEST(ConfigValue, ByteSizes)
{
	std::string problem;
	const uint64_t max = uint64_t(1) << 40;
	EXPECT_EQ(parseByteSize("1048576", 1, max, problem), 1048576u);
	EXPECT_EQ(parseByteSize("512K", 1, max, problem), 512u * 1024);
	EXPECT_EQ(parseByteSize("64M", 1, max, problem), 64u * 1024 * 1024);
	EXPECT_EQ(parseByteSize("64mib", 1, max, problem), 64u * 1024 * 1024);
	EXPECT_EQ(parseByteSize("2GiB", 1, max, problem), uint64_t(2) << 30);
	EXPECT_FALSE(parseByteSize("2T", 1, max, problem));
	EXPECT_NE(problem.find("64M"), std::string::npos);
	EXPECT_FALSE(parseByteSize("M", 1, max, problem));
	EXPECT_FALSE(parseByteSize("1.5M", 1, max, problem));
	EXPECT_FALSE(parseByteSize("2048G", 1, max, problem));
	EXPECT_NE(problem.find("out of range"), std::string::npos);
	EXPECT_FALSE(parseByteSize("0", 1, max, problem));
	/* No overflow past 2^64 from the suffix. */
	EXPECT_FALSE(parseByteSize("17179869184G", 1, UINT64_MAX, problem));
}

TEST(ConfigValue, BaseUrl)
{
	std::string problem;
	EXPECT_EQ(parseBaseUrl("https://tv.example.net/sluice/", problem),
		  "https://tv.example.net/sluice");
	EXPECT_EQ(parseBaseUrl("http://192.168.1.2:8080", problem), "http://192.168.1.2:8080");
	EXPECT_EQ(parseBaseUrl("http://[::1]:8080/", problem), "http://[::1]:8080");
	EXPECT_FALSE(parseBaseUrl("ftp://nas/", problem));
	EXPECT_NE(problem.find("http"), std::string::npos);
	EXPECT_FALSE(parseBaseUrl("nas:8080", problem));
	EXPECT_FALSE(parseBaseUrl("http://nas/?a=b", problem));
	EXPECT_FALSE(parseBaseUrl("http://user:pw@nas/", problem));
	EXPECT_FALSE(parseBaseUrl("not a url", problem));
}

TEST(ConfigValue, LogLevels)
{
	EXPECT_EQ(parseLogLevel("debug"), LogLevel::Debug);
	EXPECT_EQ(parseLogLevel("WARNING"), LogLevel::Warning);
	EXPECT_EQ(parseLogLevel("message"), LogLevel::Message);
	EXPECT_FALSE(parseLogLevel("warn"));
	EXPECT_FALSE(parseLogLevel(""));
	for (LogLevel level : {LogLevel::Error, LogLevel::Warning, LogLevel::Message,
			       LogLevel::Info, LogLevel::Debug})
		EXPECT_EQ(parseLogLevel(toString(level)), level);
}
