/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Parsers for single configuration values: listen addresses, ports, bounded numbers, sizes,
 * URLs.
 */

#include "configvalue.h"

#include <glib.h>

namespace sluice {

namespace {

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

bool allDigits(std::string_view text)
{
	if (text.empty())
		return false;
	for (char c : text) {
		if (!isDigit(c))
			return false;
	}
	return true;
}

/* RFC 1123 host name: dot-separated labels of letters, digits and '-', not at a label's ends. */
bool isHostName(std::string_view name)
{
	if (name.empty() || name.size() > 253)
		return false;
	size_t start = 0;
	while (start <= name.size()) {
		size_t end = name.find('.', start);
		if (end == std::string_view::npos)
			end = name.size();
		std::string_view label = name.substr(start, end - start);
		if (label.empty() || label.size() > 63 || label.front() == '-'
		    || label.back() == '-')
			return false;
		for (char c : label) {
			if (!g_ascii_isalnum(c) && c != '-')
				return false;
		}
		start = end + 1;
	}
	return true;
}

/* An IP literal of the family asked for: g_hostname_is_ip_address() accepts both. */
bool isIpAddress(std::string_view text, bool v6)
{
	std::string copy(text);
	bool hasColon = copy.find(':') != std::string::npos;
	return hasColon == v6 && g_hostname_is_ip_address(copy.c_str());
}

std::string range(uint64_t min, uint64_t max)
{
	return "(" + std::to_string(min) + ".." + std::to_string(max) + ")";
}

} /* namespace */

std::optional<uint16_t> parsePort(std::string_view text, std::string &problem)
{
	if (text.empty()) {
		problem = "the port is missing";
		return std::nullopt;
	}
	if (!allDigits(text)) {
		problem = "the port is not a number";
		return std::nullopt;
	}
	std::string copy(text);
	guint64 port = 0;
	if (!g_ascii_string_to_unsigned(copy.c_str(), 10, 0, 65535, &port, nullptr)) {
		problem = "port " + copy + " is out of range (0..65535)";
		return std::nullopt;
	}
	return static_cast<uint16_t>(port);
}

std::optional<HostPort> parseListenAddress(std::string_view text, std::string &problem)
{
	if (text.empty()) {
		problem = "empty; expected HOST:PORT, [IPV6]:PORT or :PORT";
		return std::nullopt;
	}

	HostPort result;
	std::string_view portText;
	if (text.front() == '[') {
		size_t close = text.find(']');
		if (close == std::string_view::npos) {
			problem = "'[' without ']'";
			return std::nullopt;
		}
		std::string_view host = text.substr(1, close - 1);
		if (!isIpAddress(host, true)) {
			problem = "\"" + std::string(host) + "\" is not an IPv6 address";
			return std::nullopt;
		}
		std::string_view rest = text.substr(close + 1);
		if (rest.empty() || rest.front() != ':') {
			problem = "expected :PORT after ']'";
			return std::nullopt;
		}
		result.host = host;
		portText = rest.substr(1);
	} else {
		size_t colon = text.rfind(':');
		if (colon == std::string_view::npos) {
			problem = "the port is missing; expected HOST:PORT";
			return std::nullopt;
		}
		std::string_view host = text.substr(0, colon);
		if (host.find(':') != std::string_view::npos) {
			problem = "an IPv6 address needs brackets, e.g. [::1]:8080";
			return std::nullopt;
		}
		if (host.empty()) {
			result.host = "0.0.0.0";
		} else if (host.find_first_not_of("0123456789.") == std::string_view::npos) {
			/* All digits and dots: meant as IPv4, so "300.1.2.3" is no host name. */
			if (!isIpAddress(host, false)) {
				problem = "\"" + std::string(host) + "\" is not an IPv4 address";
				return std::nullopt;
			}
			result.host = host;
		} else if (isHostName(host)) {
			result.host = host;
		} else {
			problem = "\"" + std::string(host) + "\" is not an IP address or host name";
			return std::nullopt;
		}
		portText = text.substr(colon + 1);
	}

	std::optional<uint16_t> port = parsePort(portText, problem);
	if (!port)
		return std::nullopt;
	result.port = *port;
	return result;
}

std::string formatListenAddress(std::string_view host, uint16_t port)
{
	std::string text;
	if (host.find(':') != std::string_view::npos)
		text = "[" + std::string(host) + "]";
	else
		text = host;
	return text + ":" + std::to_string(port);
}

bool isLoopbackHost(std::string_view host)
{
	if (host == "localhost" || host == "::1")
		return true;
	return host.substr(0, 4) == "127." && isIpAddress(host, false);
}

std::optional<uint64_t> parseUnsigned(std::string_view text, uint64_t min, uint64_t max,
				      std::string &problem)
{
	if (text.empty()) {
		problem = "empty; expected a whole number " + range(min, max);
		return std::nullopt;
	}
	if (!allDigits(text)) {
		problem = "not a whole number " + range(min, max);
		return std::nullopt;
	}
	std::string copy(text);
	guint64 value = 0;
	if (!g_ascii_string_to_unsigned(copy.c_str(), 10, 0, G_MAXUINT64, &value, nullptr)
	    || value < min || value > max) {
		problem = "out of range " + range(min, max);
		return std::nullopt;
	}
	return value;
}

std::optional<uint64_t> parseByteSize(std::string_view text, uint64_t min, uint64_t max,
				      std::string &problem)
{
	size_t digits = 0;
	while (digits < text.size() && isDigit(text[digits]))
		digits++;
	std::string_view number = text.substr(0, digits);
	std::string suffix(text.substr(digits));
	for (char &c : suffix)
		c = g_ascii_tolower(c);

	unsigned shift = 0;
	if (suffix.empty())
		shift = 0;
	else if (suffix == "k" || suffix == "kib")
		shift = 10;
	else if (suffix == "m" || suffix == "mib")
		shift = 20;
	else if (suffix == "g" || suffix == "gib")
		shift = 30;
	else
		number = {};

	std::string bounds = "(" + std::to_string(min) + ".." + std::to_string(max) + " bytes)";
	if (number.empty()) {
		problem = "expected a byte count such as 1048576, 512K, 64M or 1G " + bounds;
		return std::nullopt;
	}
	std::string copy(number);
	guint64 value = 0;
	if (!g_ascii_string_to_unsigned(copy.c_str(), 10, 0, G_MAXUINT64 >> shift, &value, nullptr)
	    || (value << shift) < min || (value << shift) > max) {
		problem = "out of range " + bounds;
		return std::nullopt;
	}
	return value << shift;
}

std::optional<std::string> parseBaseUrl(std::string_view text, std::string &problem)
{
	std::string copy(text);
	g_autoptr(GError) error = nullptr;
	g_autoptr(GUri) uri = g_uri_parse(copy.c_str(), G_URI_FLAGS_NONE, &error);
	if (!uri) {
		problem = error->message;
		return std::nullopt;
	}
	std::string_view scheme = g_uri_get_scheme(uri);
	if (scheme != "http" && scheme != "https") {
		problem = "expected an http:// or https:// URL";
		return std::nullopt;
	}
	const char *host = g_uri_get_host(uri);
	if (!host || !*host) {
		problem = "the URL has no host";
		return std::nullopt;
	}
	if (g_uri_get_query(uri) || g_uri_get_fragment(uri) || g_uri_get_userinfo(uri)) {
		problem = "the URL may not have a query, a fragment or user info";
		return std::nullopt;
	}
	while (!copy.empty() && copy.back() == '/')
		copy.pop_back();
	return copy;
}

} /* namespace sluice */
