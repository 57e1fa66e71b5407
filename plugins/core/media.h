/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Plain media types shared by the box writer, the segment window and the manifest writers.
 */

#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

enum class TrackKind {
	Video,
	Audio,
};

enum class Codec {
	H264,
	H265,
	AV1,
	VP9,
	AAC,
	Opus,
};

const char *codecName(Codec codec);
TrackKind codecKind(Codec codec);

struct Fraction {
	uint32_t num = 0;
	uint32_t den = 1;
};

/*
 * Everything the init segment and the manifests need to know about one CMAF track.
 *
 * codecPrivate holds the codec configuration exactly as it goes into the sample entry's
 * configuration box payload (without the box header):
 *   H264: AVCDecoderConfigurationRecord (avcC payload)
 *   H265: HEVCDecoderConfigurationRecord (hvcC payload)
 *   AV1:  AV1CodecConfigurationRecord (av1C payload, 4 bytes + optional config OBUs)
 *   VP9:  empty (vpcC is built from the vp9 fields below)
 *   AAC:  AudioSpecificConfig (goes into esds DecoderSpecificInfo)
 *   Opus: OpusHead as found in Ogg/caps ("OpusHead" magic included); dOps is derived from it
 */
struct TrackConfig {
	uint32_t trackId = 1; /* tkhd/trex/tfhd track_ID, 1-based */
	Codec codec = Codec::H264;
	uint32_t timescale = 90000; /* mdhd timescale: 90000 for video, the sample rate for audio */

	/* Video */
	uint32_t width = 0;
	uint32_t height = 0;
	Fraction frameRate; /* 0/1 when unknown or variable */
	Fraction pixelAspect {1, 1};

	/* VP9 only (vpcC): */
	uint8_t vp9Profile = 0;
	uint8_t vp9Level = 0; /* 0 = derive from resolution and frame rate */
	uint8_t bitDepth = 8;
	uint8_t chromaSubsampling = 1; /* vpcC coding: 0 = 4:2:0 vertical, 1 = 4:2:0 colocated, 2 =
					  4:2:2, 3 = 4:4:4 */
	bool fullRange = false;
	uint8_t colourPrimaries = 1; /* ISO/IEC 23091-2 codes; 1 = BT.709 */
	uint8_t transferCharacteristics = 1;
	uint8_t matrixCoefficients = 1;

	/* Audio */
	uint32_t sampleRate = 0;
	uint32_t channels = 0;

	std::vector<uint8_t> codecPrivate;
	std::string language = "und"; /* ISO 639-2/T */

	TrackKind kind() const { return codecKind(codec); }
};

/* One sample of a fragment, in the track's timescale. */
struct SampleInfo {
	uint32_t size = 0;
	uint32_t duration = 0;
	int32_t compositionOffset = 0; /* pts - dts */
	bool sync = false;
};

} /* namespace sluice */
