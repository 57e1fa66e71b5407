/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * IP addresses and CIDR ranges, for the peers sluiced trusts without a credential.
 */

#include "addressrange.h"

#include <algorithm>

#include <arpa/inet.h>

namespace sluice {

namespace {

struct Address {
	bool v4 = false;
	std::array<uint8_t, 16> bytes {};
};

std::string_view trim(std::string_view text)
{
	const char *space = " \t\r\n";
	const size_t begin = text.find_first_not_of(space);
	if (begin == std::string_view::npos)
		return {};
	return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

/* An IPv4 or IPv6 literal; an IPv4-mapped IPv6 address is taken as the IPv4 address. */
std::optional<Address> parseAddress(std::string_view text)
{
	const std::string copy(text);
	Address address;
	if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) {
		address.v4 = true;
		return address;
	}
	if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) != 1)
		return std::nullopt;
	static constexpr std::array<uint8_t, 12> kMapped
		= {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (std::equal(kMapped.begin(), kMapped.end(), address.bytes.begin())) {
		std::array<uint8_t, 16> v4 {};
		std::copy(address.bytes.begin() + 12, address.bytes.end(), v4.begin());
		address.bytes = v4;
		address.v4 = true;
	}
	return address;
}

/* The first `bits` bits of a and b are equal. */
bool samePrefix(const std::array<uint8_t, 16> &a, const std::array<uint8_t, 16> &b, unsigned bits)
{
	size_t i = 0;
	for (; bits >= 8; bits -= 8, i++) {
		if (a[i] != b[i])
			return false;
	}
	if (bits == 0)
		return true;
	const uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
	return (a[i] & mask) == (b[i] & mask);
}

} /* namespace */

std::optional<AddressRange> AddressRange::parse(std::string_view text, std::string &problem)
{
	text = trim(text);
	const size_t slash = text.find('/');
	std::optional<Address> address = parseAddress(text.substr(0, slash));
	if (!address) {
		problem = "\"" + std::string(text)
			+ "\" is not an IP address or CIDR range (e.g. 127.0.0.1, ::1, "
			  "192.168.1.0/24)";
		return std::nullopt;
	}
	const unsigned width = address->v4 ? 32 : 128;
	unsigned prefix = width;
	if (slash != std::string_view::npos) {
		const std::string_view bits = text.substr(slash + 1);
		unsigned value = 0;
		bool ok = !bits.empty() && bits.size() <= 3;
		for (char c : bits) {
			if (c < '0' || c > '9')
				ok = false;
			else
				value = value * 10 + static_cast<unsigned>(c - '0');
		}
		if (!ok || value > width) {
			problem = "\"" + std::string(text) + "\": the prefix length must be 0.."
				+ std::to_string(width);
			return std::nullopt;
		}
		prefix = value;
	}
	AddressRange range;
	range.v4_ = address->v4;
	range.prefix_ = prefix;
	/* Host bits are cleared: 192.168.1.7/24 is 192.168.1.0/24. */
	for (unsigned bit = prefix; bit < width; bit++)
		address->bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
	range.bytes_ = address->bytes;
	return range;
}

bool AddressRange::contains(std::string_view text) const
{
	std::optional<Address> address = parseAddress(trim(text));
	if (!address || address->v4 != v4_)
		return false;
	return samePrefix(address->bytes, bytes_, prefix_);
}

bool AddressRange::loopbackOnly() const
{
	if (v4_)
		return prefix_ >= 8 && bytes_[0] == 127;
	static constexpr std::array<uint8_t, 16> kLoopback
		= {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	return prefix_ == 128 && bytes_ == kLoopback;
}

std::string AddressRange::text() const
{
	char buffer[INET6_ADDRSTRLEN] = {};
	inet_ntop(v4_ ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof(buffer));
	std::string out = buffer;
	if (prefix_ != (v4_ ? 32u : 128u))
		out += "/" + std::to_string(prefix_);
	return out;
}

std::optional<std::vector<AddressRange>> parseAddressList(std::string_view text,
							  std::string &problem)
{
	std::vector<AddressRange> ranges;
	if (trim(text).empty())
		return ranges;
	size_t start = 0;
	while (start <= text.size()) {
		size_t comma = text.find(',', start);
		if (comma == std::string_view::npos)
			comma = text.size();
		const std::string_view entry = trim(text.substr(start, comma - start));
		if (entry.empty()) {
			problem = "an entry of the list is empty (entries are separated by commas)";
			return std::nullopt;
		}
		std::optional<AddressRange> range = AddressRange::parse(entry, problem);
		if (!range)
			return std::nullopt;
		ranges.push_back(*range);
		start = comma + 1;
	}
	return ranges;
}

bool anyContains(const std::vector<AddressRange> &ranges, std::string_view address)
{
	for (const AddressRange &range : ranges) {
		if (range.contains(address))
			return true;
	}
	return false;
}

} /* namespace sluice */
