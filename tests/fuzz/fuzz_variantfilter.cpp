/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * libFuzzer target: narrowing untrusted HLS playlists and MPDs to one variant, and anchoring
 * a live MPD's timelines for dashdemux2.
 */

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "variantfilter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	for (size_t index : {0, 1, 5}) {
		auto out = sluice::keepOnlyHlsVariant(text, index);
		if (out && out->size() > text.size())
			abort(); /* narrowing never adds */
	}
	auto out = sluice::removeMpdRepresentations(text, {"0", "v1", "video_0"});
	if (out && out->size() > text.size())
		abort();
	/* Anchoring adds a BaseURL and, per timeline, one S and a startNumber: bounded. */
	const std::string anchored = sluice::anchorLiveMpd(text, "http://example.com/a/b.mpd");
	const size_t tags = static_cast<size_t>(std::count(text.begin(), text.end(), '<'));
	if (anchored.size() > text.size() + 96 * tags + 128)
		abort();
	return 0;
}
