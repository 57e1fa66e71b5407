/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Real codec configurations and access units from GStreamer encoders, with hex helpers.
 */

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::test {

inline std::vector<uint8_t> unhex(std::string_view hex)
{
	std::vector<uint8_t> out;
	for (size_t i = 0; i + 1 < hex.size(); i += 2)
		out.push_back(static_cast<uint8_t>(
			std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
	return out;
}

inline std::string hex(std::span<const uint8_t> data)
{
	static constexpr char digits[] = "0123456789abcdef";
	std::string s;
	for (uint8_t b : data) {
		s += digits[b >> 4];
		s += digits[b & 15];
	}
	return s;
}

/*
 * Real configurations, from GStreamer 1.22 caps (codec_data / streamheader) or the first
 * buffer of: videotestsrc ! 320x240 I420 30/1 ! x264enc | x265enc | av1enc ! *parse, and
 * audiotestsrc ! 48 kHz stereo ! avenc_aac ! aacparse | opusenc.
 */
/* x264 High 4:2:0 8-bit, level 2.0 */
inline constexpr std::string_view kAvcC320
	= "01640014ffe1001d67640014acd94141fb016a0c0c0d4a000003000200000300791e"
	  "28532c01000568ebecb22c";
/* x264 1920x1080 (coded 1088, cropped) at 50 fps: level 4.2 */
inline constexpr std::string_view kAvcC1080
	= "0164002affe1001e6764002aacd940780227e5c05a808080a0000003002000000c"
	  "91e30632c001000568ebecb22c";
/* x264 High 4:2:2 720x576 */
inline constexpr std::string_view kAvcC422
	= "017a001effe1001d677a001ebcd940b4126c0528303032000003000200000300651e"
	  "2c5b2c01000568ebecb22c";
/* The 320x240 x264 access unit as Annex B: AUD (4-byte start code), SPS, PPS, then a slice */
inline constexpr std::string_view kAvcAnnexB
	= "0000000109100000000167640014acd94141fb016a0c0c0d4a0000030002000003"
	  "00791e28532c0000000168ebecb22c00000165888400";
/* x265 Main, level 2.1, 320x240 */
inline constexpr std::string_view kHvcC320
	= "0101600000009000000000003ff000fcfdf8f800000f0320000100184001"
	  "0c01ffff016000000300900000030000"
	  "03003f959809210001003142010101600000030090000003000003003fa0"
	  "0a080f165959a4932bffc00040005a83"
	  "0303020000030002000003003c1022000100074401c172b46240";
/* x265 Main 10, level 4.1, 1920x1080 (conformance window crops 1088) */
inline constexpr std::string_view kHvcC1080Main10
	= "0102200000009000000000007bf000fcfdfafa00000f032000010"
	  "01840010c01ffff0220000003009000000300000300"
	  "7b959809210001003342010102200000030090000003000003007"
	  "ba003c08010e4d96566924cafff000100016a0202"
	  "0208000003000800000301904022000100074401c172b46240";
/* The 320x240 x265 access unit as Annex B: VPS, SPS, PPS, then a slice */
inline constexpr std::string_view kHevcAnnexB
	= "0000000140010c01ffff01600000030090000003000003003f9598090"
	  "000000142010101600000030090000003000003"
	  "003fa00a080f165959a4932bffc00040005a830303020000030002000"
	  "003003c10000000014401c172b4624000000001"
	  "2801af";
/* av1enc 320x240 temporal unit: temporal delimiter + sequence header OBU */
inline constexpr std::string_view kAv1TemporalUnit = "12000a0c000000043cffbf81b5f20080";
/* ... and the av1C that ffmpeg writes for the same stream */
inline constexpr std::string_view kAv1C = "81000c000a0c000000043cffbf81b5f20080";
/* avenc_aac LC 48 kHz stereo with backward-compatible SBR signalling (sync extension 0x2b7) */
inline constexpr std::string_view kAscLc = "119056e500";
/* opusenc stereo 48 kHz, pre-skip 312 */
inline constexpr std::string_view kOpusHead = "4f707573486561640102380180bb0000000000";

} /* namespace sluice::test */
