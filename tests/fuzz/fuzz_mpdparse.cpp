/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * libFuzzer target for the MPD reader, its XML tokenizer and the container sniffer.
 */

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "mpdparse.h"
#include "sniff.h"

using namespace sluice;

namespace {

/* A broken invariant is a bug even without a memory error: make it a crash the fuzzer keeps. */
void require(bool condition)
{
	if (!condition)
		std::abort();
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);

	Mpd mpd;
	std::string error;
	bool ok = parseMpd(text, mpd, error);
	require(ok == error.empty());
	if (ok) {
		require(!mpd.periods.empty());
		require(std::isfinite(mpd.mediaPresentationDuration)
			&& mpd.mediaPresentationDuration >= 0);
		for (const MpdPeriod &p : mpd.periods) {
			require(std::isfinite(p.start) && std::isfinite(p.duration));
			for (const MpdAdaptationSet &set : p.adaptationSets) {
				for (const MpdRepresentation &r : set.representations)
					require(std::isfinite(r.frameRate) && r.frameRate >= 0);
			}
		}
		size_t all = representationsOf(mpd, {}).size();
		require(representationsOf(mpd, "video").size() <= all);
	}

	bool durationOk = false;
	double seconds = parseXsDuration(text, durationOk);
	require(std::isfinite(seconds) && seconds >= 0 && (durationOk || seconds == 0));
	bool dateOk = false;
	int64_t ms = parseXsDateTime(text, dateOk);
	require(dateOk || ms == 0);

	std::span<const uint8_t> head(data, size);
	ContainerGuess guess = sniffContainer(head);
	require(containerName(guess) != nullptr);
	/* Hints from the input's own first line, as a server could send anything. */
	std::string_view line = text.substr(0, text.find('\n'));
	sniffContainer(head, line, line);
	return 0;
}
