/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * libFuzzer target for the IPTV M3U channel-list parser and its writer's round trip.
 */

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "m3u.h"

using namespace sluice;

namespace {

/* A broken invariant is a bug even without a memory error: make it a crash the fuzzer keeps. */
void require(bool condition)
{
	if (!condition)
		std::abort();
}

constexpr M3uLimits kNoLimits {
	.maxInputBytes = 0,
	.maxEntries = 0,
	.maxLineLength = 0,
	.maxAttributes = 0,
	.maxOptions = 0,
	.maxWarnings = 0,
};

/* Small enough that fuzzed inputs reach every limit. */
constexpr M3uLimits kTightLimits {
	.maxInputBytes = 2048,
	.maxEntries = 4,
	.maxLineLength = 120,
	.maxAttributes = 3,
	.maxOptions = 2,
	.maxWarnings = 3,
};

/* What the writer makes of an attribute value. */
std::string written(std::string_view value)
{
	std::string out(value);
	for (char &c : out) {
		if (c == '"')
			c = '\'';
	}
	return out;
}

bool isLower(std::string_view s)
{
	for (char c : s) {
		if (c >= 'A' && c <= 'Z')
			return false;
	}
	return true;
}

void checkAttributes(const std::vector<M3uAttribute> &attrs, const M3uLimits &limits)
{
	require(!limits.maxAttributes || attrs.size() <= limits.maxAttributes);
	for (size_t i = 0; i < attrs.size(); i++) {
		require(!attrs[i].name.empty() && isLower(attrs[i].name));
		for (size_t j = 0; j < i; j++)
			require(attrs[i].name != attrs[j].name);
	}
}

void checkResult(const M3uParseResult &r, const M3uLimits &limits)
{
	require(!limits.maxWarnings || r.warnings.size() <= limits.maxWarnings);
	if (!r.ok()) {
		require(!r.error().message.empty());
		return;
	}
	const M3uPlaylist &p = r.playlist();
	require(!limits.maxEntries || p.entries.size() <= limits.maxEntries);
	checkAttributes(p.attributes, limits);
	for (const M3uEntry &e : p.entries) {
		require(!e.url.empty() && e.url.front() != '#');
		require(!e.title.empty());
		require(std::isfinite(e.duration));
		require(!limits.maxOptions || e.options.size() <= limits.maxOptions);
		checkAttributes(e.attributes, limits);
		(void)e.tvgId();
		(void)e.groupTitle();
		(void)e.userAgent();
		(void)e.referrer();
	}
	(void)p.epgUrl();
}

void requireSameAttributes(const std::vector<M3uAttribute> &a, const std::vector<M3uAttribute> &b)
{
	require(a.size() == b.size());
	for (size_t i = 0; i < a.size(); i++)
		require(a[i].name == b[i].name && written(a[i].value) == b[i].value);
}

/* parse(write(p)) holds p, with the writer's quote replacement, and writes back identically. */
void checkRoundTrip(const M3uPlaylist &p)
{
	std::string text = writeM3u(p);
	M3uParseResult again = parseM3u(text, kNoLimits);
	require(again.ok());
	for (const M3uDiagnostic &w : again.warnings)
		require(w.message.starts_with("tvg-id "));

	const M3uPlaylist &q = again.playlist();
	requireSameAttributes(p.attributes, q.attributes);
	require(q.entries.size() == p.entries.size());
	for (size_t i = 0; i < p.entries.size(); i++) {
		const M3uEntry &a = p.entries[i], &b = q.entries[i];
		require(a.url == b.url && a.title == b.title && a.duration == b.duration);
		require(a.extGroup == b.extGroup && a.options == b.options);
		requireSameAttributes(a.attributes, b.attributes);
	}
	require(writeM3u(q) == text);
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);

	for (const M3uLimits &limits : {M3uLimits(), kTightLimits}) {
		M3uParseResult r = parseM3u(text, limits);
		checkResult(r, limits);
		if (r.ok())
			checkRoundTrip(r.playlist());
	}
	return 0;
}
