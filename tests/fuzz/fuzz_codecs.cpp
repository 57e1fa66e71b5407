/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * libFuzzer target for the codec configuration parsers and the box writer fed from them.
 */

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "codecs.h"
#include "isobmff.h"

using namespace sluice;

namespace {

/* A broken invariant is a bug even without a memory error: make it a crash the fuzzer keeps. */
void require(bool condition)
{
	if (!condition)
		std::abort();
}

uint32_t be32(std::span<const uint8_t> v, size_t pos)
{
	return uint32_t {v[pos]} << 24 | uint32_t {v[pos + 1]} << 16 | uint32_t {v[pos + 2]} << 8
		| v[pos + 3];
}

/* Top-level boxes must tile the buffer exactly. */
void requireBoxesTile(std::span<const uint8_t> data)
{
	size_t pos = 0;
	while (pos < data.size()) {
		require(data.size() - pos >= 8);
		uint32_t size = be32(data, pos);
		require(size >= 8 && size <= data.size() - pos);
		pos += size;
	}
}

void checkTrack(TrackConfig &track)
{
	codecString(track);
	videoSizeFromConfig(track);
	std::vector<uint8_t> init = writeInitSegment(track);
	requireBoxesTile(init);
}

/* Samples from the input bytes, then a fragment header that must point at its own mdat. */
void checkFragment(const TrackConfig &track, std::span<const uint8_t> data)
{
	std::vector<SampleInfo> samples;
	for (size_t i = 0; i + 4 <= data.size() && samples.size() < 64; i += 4) {
		samples.push_back({be32(data, i), data[i + 1], static_cast<int8_t>(data[i + 2]),
				   (data[i + 3] & 1) != 0});
	}
	std::vector<uint8_t> out = {0xaa};
	writeFragmentHeader(track, {1, data.empty() ? 0u : data[0]}, samples, out);
	require(out[0] == 0xaa);
	std::span<const uint8_t> header = std::span(out).subspan(1);
	uint32_t stypSize = be32(header, 0);
	uint32_t moofSize = be32(header, stypSize);
	size_t mdatHeader = header.size() - stypSize - moofSize;
	require(mdatHeader == 8 || mdatHeader == 16);
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::span<const uint8_t> in(data, size);

	for (auto nal : splitAnnexB(in))
		require(!nal.empty() && nal.data() >= data
			&& nal.data() + nal.size() <= data + size);
	std::vector<uint8_t> lengthPrefixed;
	annexBToLengthPrefixed(in, lengthPrefixed);

	/* Records we build must be ones we can describe. */
	if (auto avcc = buildAvcC(in)) {
		TrackConfig t;
		t.codec = Codec::H264;
		t.codecPrivate = *avcc;
		require(!codecString(t).empty());
		require(videoSizeFromConfig(t).has_value());
		require(!writeInitSegment(t).empty());
	}
	if (auto hvcc = buildHvcC(in)) {
		TrackConfig t;
		t.codec = Codec::H265;
		t.codecPrivate = *hvcc;
		require(!codecString(t).empty());
		require(videoSizeFromConfig(t).has_value());
		require(!writeInitSegment(t).empty());
	}
	if (auto av1c = buildAv1C(in)) {
		TrackConfig t;
		t.codec = Codec::AV1;
		t.codecPrivate = *av1c;
		require(!codecString(t).empty());
		require(videoSizeFromConfig(t).has_value());
		require(!writeInitSegment(t).empty());
	}
	if (auto asc = parseAudioSpecificConfig(in))
		require(asc->objectType != 0 && asc->sampleRate != 0);
	if (auto head = parseOpusHead(in))
		require(head->channels != 0);
	if (size >= 3) {
		auto head = makeOpusHead(data[0], static_cast<uint16_t>(data[1] << 8 | data[2]),
					 48000);
		require(head.empty() || parseOpusHead(head).has_value());
	}

	/* The input as every codec's configuration; VP9 takes its fields from the first bytes. */
	for (Codec codec :
	     {Codec::H264, Codec::H265, Codec::AV1, Codec::VP9, Codec::AAC, Codec::Opus}) {
		TrackConfig t;
		t.codec = codec;
		t.codecPrivate.assign(in.begin(), in.end());
		if (size >= 12) {
			t.width = be32(in, 0) & 0xffff;
			t.height = be32(in, 4) & 0xffff;
			t.frameRate = {data[8], data[9]};
			t.pixelAspect = {data[10], data[11]};
			t.vp9Profile = data[0];
			t.vp9Level = data[1];
			t.bitDepth = data[2];
			t.chromaSubsampling = data[3];
			t.language = std::string(reinterpret_cast<const char *>(data) + 4, 3);
		}
		checkTrack(t);
		checkFragment(t, in);
	}
	return 0;
}
