/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Parsers for single configuration values: listen addresses, ports, bounded numbers, sizes,
 * URLs.
 */

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

/*
 * Each parser returns nullopt on a bad value and sets problem to what is wrong, in words that
 * do not repeat the value (the caller names the source and the value), e.g.
 * "port 70000 is out of range (0..65535)".
 */

struct HostPort {
	std::string host; /* IP literal (IPv6 without brackets) or host name */
	uint16_t port = 0; /* 0 = any free port */

	bool operator==(const HostPort &) const = default;
};

/*
 * HOST:PORT, [IPV6]:PORT or :PORT (= 0.0.0.0:PORT). HOST is an IPv4 address, an IPv6 address
 * in brackets (zone allowed: [fe80::1%eth0]) or a DNS name; PORT is 0..65535, 0 meaning "pick a
 * free port". "0.0.0.0" listens on every IPv4 interface, "::" on every interface (IPv4 too on
 * Linux unless net.ipv6.bindv6only is set).
 */
std::optional<HostPort> parseListenAddress(std::string_view text, std::string &problem);
/* The inverse: "[::1]:8080", "0.0.0.0:0". */
std::string formatListenAddress(std::string_view host, uint16_t port);
/* 127.0.0.0/8, ::1 and "localhost": reachable from this machine only. */
bool isLoopbackHost(std::string_view host);

std::optional<uint16_t> parsePort(std::string_view text, std::string &problem);
/* Decimal digits only (no sign, no spaces), min..max inclusive. */
std::optional<uint64_t> parseUnsigned(std::string_view text, uint64_t min, uint64_t max,
				      std::string &problem);
/*
 * A byte count: digits with an optional binary suffix K, M or G (also KiB, MiB, GiB; any case),
 * e.g. "1048576", "64M", "1GiB". min..max in bytes.
 */
std::optional<uint64_t> parseByteSize(std::string_view text, uint64_t min, uint64_t max,
				      std::string &problem);
/*
 * The URL players reach sluiced at, as written into playlists: http or https, a host, an
 * optional port and path; no query, fragment or user info. Returned without a trailing '/'.
 */
std::optional<std::string> parseBaseUrl(std::string_view text, std::string &problem);

} /* namespace sluice */
