/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * ASCII text helpers shared by the delivery rules (HTTP headers and API values are ASCII).
 */

#pragma once

#include <string>
#include <string_view>

namespace sluice {

inline std::string asciiLower(std::string_view text)
{
	std::string out(text);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

inline std::string_view trimmed(std::string_view text)
{
	constexpr std::string_view kBlanks = " \t\r\n";
	size_t first = text.find_first_not_of(kBlanks);
	if (first == std::string_view::npos)
		return {};
	size_t last = text.find_last_not_of(kBlanks);
	return text.substr(first, last - first + 1);
}

} /* namespace sluice */
