/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * libFuzzer target for the HLS playlist parser, URI resolution, variant choice and test:// URIs.
 */

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hlsparse.h"
#include "testuri.h"

using namespace sluice;

namespace {

/* A broken invariant is a bug even without a memory error: make it a crash the fuzzer keeps. */
void require(bool condition)
{
	if (!condition)
		std::abort();
}

void checkPlaylist(const HlsPlaylist &p)
{
	require(p.segments.size() <= kHlsMaxSegments);
	require(p.variants.size() + p.renditions.size() <= kHlsMaxEntries);
	require(!p.multivariant || (!p.variants.empty() && p.segments.empty()));
	for (const HlsSegment &s : p.segments) {
		require(std::isfinite(s.duration) && s.duration >= 0);
		require(!s.uri.empty());
		resolveUri("https://cdn.example.com/live/a/index.m3u8?token=1", s.uri);
	}
	for (const HlsVariant &v : p.variants) {
		require(!v.uri.empty());
		resolveUri("http://origin/master.m3u8", v.uri);
	}

	for (VariantPolicy policy :
	     {VariantPolicy::Highest, VariantPolicy::Lowest, VariantPolicy::Best}) {
		auto i = selectVariant(p.variants, policy, {720, 3000000});
		require(i.has_value() == !p.variants.empty());
		require(!i || *i < p.variants.size());
	}
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);

	HlsPlaylist playlist;
	std::string error;
	if (parseHlsPlaylist(text, playlist, error))
		checkPlaylist(playlist);
	else
		require(!error.empty());

	/* Also as a relative reference against a base, and as the base itself. */
	resolveUri("https://h/a/b/c.m3u8", text);
	resolveUri(text, "../x/y.ts?q");

	/* test:// URIs: whatever parses must come back unchanged through its canonical form. */
	TestSourceSpec spec;
	std::string uri = "test://" + std::string(text.substr(0, 256));
	for (std::string_view candidate : {text, std::string_view(uri)}) {
		if (parseTestUri(candidate, spec, error)) {
			TestSourceSpec again;
			require(parseTestUri(testUriFor(spec), again, error));
			require(again == spec);
		} else {
			require(!error.empty());
		}
	}
	return 0;
}
