/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Codec configuration records: parsing, building from in-band parameter sets, RFC 6381 strings.
 */

#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media.h"

namespace sluice {

/*
 * RFC 6381 / ISO 14496-15 codecs parameter for a track, e.g. "avc1.64001f", "hvc1.1.6.L93.B0",
 * "av01.0.04M.08", "vp09.00.10.08", "mp4a.40.2", "opus". Empty when the configuration is not
 * valid enough to tell.
 */
std::string codecString(const TrackConfig &track);

/*
 * VP9 level (10 = 1.0 ... 62 = 6.2) for the track's resolution and frame rate, per the VP9
 * level table; an unknown frame rate counts as 30 fps. Used when TrackConfig::vp9Level is 0.
 */
uint8_t vp9LevelFor(const TrackConfig &track);

/* Annex B (start-code) access unit helpers, used when H.264/H.265 arrive as byte-stream. */

/* Splits an Annex B buffer into NAL units (without start codes). */
std::vector<std::span<const uint8_t>> splitAnnexB(std::span<const uint8_t> data);

/* Rewrites Annex B into 4-byte length-prefixed NAL units (appends to out). */
void annexBToLengthPrefixed(std::span<const uint8_t> data, std::vector<uint8_t> &out);

/*
 * Builds an avcC record from the SPS/PPS NAL units found in an Annex B access unit.
 * nullopt when the access unit carries no SPS or no PPS.
 */
std::optional<std::vector<uint8_t>> buildAvcC(std::span<const uint8_t> annexBAccessUnit);

/* Same for H.265: VPS, SPS and PPS are required; profile/tier/level come from the SPS. */
std::optional<std::vector<uint8_t>> buildHvcC(std::span<const uint8_t> annexBAccessUnit);

/*
 * Builds an av1C record (with the sequence header OBU as configOBUs) from a temporal unit in
 * low-overhead OBU format (obu-stream). nullopt when there is no sequence header.
 */
std::optional<std::vector<uint8_t>> buildAv1C(std::span<const uint8_t> temporalUnit);

/* Width/height of an H.264/H.265 SPS found in an avcC / hvcC record, when the caps lack them. */
struct VideoSize {
	uint32_t width = 0;
	uint32_t height = 0;
};
std::optional<VideoSize> videoSizeFromConfig(const TrackConfig &track);

/* AAC AudioSpecificConfig fields. */
struct AacConfig {
	uint8_t objectType = 0;
	uint32_t sampleRate = 0;
	uint8_t channels = 0;
};
std::optional<AacConfig> parseAudioSpecificConfig(std::span<const uint8_t> asc);

/* OpusHead fields (RFC 7845 section 5.1). */
struct OpusHead {
	uint8_t channels = 0;
	uint16_t preSkip = 0;
	uint32_t inputSampleRate = 0;
	int16_t outputGain = 0;
	uint8_t mappingFamily = 0;
	/* family != 0: stream count, coupled count, channel mapping */
	std::vector<uint8_t> mapping;
};
std::optional<OpusHead> parseOpusHead(std::span<const uint8_t> head);
/* Builds a family-0 OpusHead for mono/stereo when a stream comes without one. */
std::vector<uint8_t> makeOpusHead(uint8_t channels, uint16_t preSkip, uint32_t inputSampleRate);

} /* namespace sluice */
