/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * IP addresses and CIDR ranges, for the peers sluiced trusts without a credential.
 */

#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/*
 * An address ("127.0.0.1", "::1") or a CIDR range ("10.0.0.0/8", "fd00::/8"). IPv4 ranges
 * also hold IPv4-mapped IPv6 peers ("::ffff:127.0.0.1"), which is how an IPv4 client looks to a
 * server listening on "::".
 */
class AddressRange
{
public:
	/* nullopt with problem set for anything else (host names, a bad prefix length, ...). */
	static std::optional<AddressRange> parse(std::string_view text, std::string &problem);

	/* Whether an address (as a peer's is written: "192.168.1.5", "::ffff:10.0.0.1") is in
	 * the range. False for text that is not an IP address. */
	bool contains(std::string_view address) const;
	/* Only loopback addresses: 127.0.0.0/8 or ::1. */
	bool loopbackOnly() const;

	/* Canonical text: "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8". */
	std::string text() const;

	bool operator==(const AddressRange &) const = default;

private:
	bool v4_ = false;
	std::array<uint8_t, 16> bytes_ {}; /* network byte order; IPv4 in the first 4 */
	unsigned prefix_ = 0; /* significant bits */
};

/*
 * A list of ranges separated by commas (spaces around each entry are ignored), e.g.
 * "127.0.0.1, ::1". An empty text is an empty list. nullopt with problem naming the entry that
 * is not an address or range.
 */
std::optional<std::vector<AddressRange>> parseAddressList(std::string_view text,
							  std::string &problem);

/* Whether any range holds address. */
bool anyContains(const std::vector<AddressRange> &ranges, std::string_view address);

} /* namespace sluice */
