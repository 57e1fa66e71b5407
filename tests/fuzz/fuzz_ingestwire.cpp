/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * libFuzzer target for the reader of sluice-ingest's frames: what a crashed or broken child
 * writes must never make smartsrc overrun, loop or allocate without bound.
 */

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ingestwire.h"

using namespace sluice;

namespace {

void require(bool condition)
{
	if (!condition)
		std::abort();
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::span<const uint8_t> bytes(data, size);
	/* Fed in two uneven pieces: frames split anywhere must come out the same. */
	IngestFrameReader reader;
	size_t cut = size ? data[0] % (size + 1) : 0;
	size_t frames = 0, payload = 0;
	for (std::span<const uint8_t> piece : {bytes.first(cut), bytes.subspan(cut)}) {
		reader.feed(piece);
		while (std::optional<IngestFrame> frame = reader.next()) {
			frames++;
			payload += frame->payload.size();
			require(frame->stream < kMaxIngestStreams);
			require(frame->payload.size() <= kMaxIngestPayload);
			switch (frame->type) {
			case IngestFrameType::Sample:
				if (decodeIngestSampleHeader(frame->payload))
					require(frame->payload.size() >= kIngestSampleHeaderSize);
				break;
			case IngestFrameType::Segment:
				if (auto s = decodeIngestSegment(frame->payload))
					require(s->rate != 0.0 && s->rate == s->rate);
				break;
			case IngestFrameType::Error:
				if (auto e = decodeIngestError(frame->payload))
					require(e->domain.size() + e->message.size() + 8
						== frame->payload.size());
				break;
			default:
				break;
			}
		}
	}
	require(frames * kIngestHeaderSize + payload + reader.pending() == size || reader.failed());
	return 0;
}
