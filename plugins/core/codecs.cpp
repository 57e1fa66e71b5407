/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Codec configuration records: parsers and builders over untrusted bytes, RFC 6381 strings.
 */

#include "codecs.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace sluice {

namespace {

/*
 * MSB-first bit reader over untrusted bytes. A read past the end sets a sticky failure flag and
 * returns 0, so parsers read a whole structure and check ok() once, at the points where a wrong
 * value could steer them (loop counts, sizes).
 */
class BitReader
{
public:
	explicit BitReader(std::span<const uint8_t> data) : data_(data) { }

	bool ok() const { return ok_; }
	size_t bitsLeft() const { return ok_ ? data_.size() * 8 - pos_ : 0; }

	uint32_t bits(unsigned n)
	{
		uint32_t v = 0;
		for (unsigned i = 0; i < n; i++)
			v = v << 1 | bit();
		return v;
	}

	uint32_t bit()
	{
		if (!ok_ || pos_ >= data_.size() * 8) {
			ok_ = false;
			return 0;
		}
		uint32_t v = data_[pos_ / 8] >> (7 - pos_ % 8) & 1;
		pos_++;
		return v;
	}

	void skip(size_t n)
	{
		if (n > bitsLeft()) {
			ok_ = false;
			return;
		}
		pos_ += n;
	}

	/* Exp-Golomb ue(v); values beyond 32 bits are treated as corrupt. */
	uint32_t ue()
	{
		unsigned zeros = 0;
		while (bit() == 0) {
			if (!ok_ || ++zeros > 31) {
				ok_ = false;
				return 0;
			}
		}
		return static_cast<uint32_t>((uint64_t {1} << zeros) - 1 + bits(zeros));
	}

	int32_t se()
	{
		uint32_t k = ue();
		return k & 1 ? static_cast<int32_t>((k + 1) / 2) : -static_cast<int32_t>(k / 2);
	}

private:
	std::span<const uint8_t> data_;
	size_t pos_ = 0;
	bool ok_ = true;
};

/* Bounds-checked big-endian byte cursor for records (avcC, hvcC, OpusHead). */
class ByteReader
{
public:
	explicit ByteReader(std::span<const uint8_t> data) : data_(data) { }

	bool ok() const { return ok_; }
	size_t left() const { return data_.size() - pos_; }

	uint8_t u8() { return take(1).empty() ? 0 : data_[pos_ - 1]; }
	uint16_t u16()
	{
		auto s = take(2);
		return s.empty() ? 0 : static_cast<uint16_t>(s[0] << 8 | s[1]);
	}

	std::span<const uint8_t> take(size_t n)
	{
		if (!ok_ || n > left()) {
			ok_ = false;
			return {};
		}
		auto s = data_.subspan(pos_, n);
		pos_ += n;
		return s;
	}

private:
	std::span<const uint8_t> data_;
	size_t pos_ = 0;
	bool ok_ = true;
};

/* Removes emulation_prevention_three_byte (00 00 03 -> 00 00) from an H.264/H.265 NAL unit. */
std::vector<uint8_t> unescapeRbsp(std::span<const uint8_t> nal)
{
	std::vector<uint8_t> rbsp;
	rbsp.reserve(nal.size());
	unsigned zeros = 0;
	for (uint8_t b : nal) {
		if (zeros >= 2 && b == 3) {
			zeros = 0;
			continue;
		}
		zeros = b == 0 ? zeros + 1 : 0;
		rbsp.push_back(b);
	}
	return rbsp;
}

struct AvcSps {
	uint8_t profileIdc = 0;
	uint32_t chromaFormatIdc = 1;
	uint32_t bitDepthLumaMinus8 = 0;
	uint32_t bitDepthChromaMinus8 = 0;
	uint32_t width = 0;
	uint32_t height = 0;
};

bool avcProfileHasChromaInfo(uint8_t profile)
{
	switch (profile) {
	case 100:
	case 110:
	case 122:
	case 244:
	case 44:
	case 83:
	case 86:
	case 118:
	case 128:
	case 138:
	case 139:
	case 134:
	case 135:
		return true;
	default:
		return false;
	}
}

/* H.264 7.3.2.1.1, up to the frame cropping fields. nal includes the 1-byte NAL header. */
std::optional<AvcSps> parseAvcSps(std::span<const uint8_t> nal)
{
	if (nal.size() < 4 || (nal[0] & 0x1f) != 7)
		return std::nullopt;

	std::vector<uint8_t> rbsp = unescapeRbsp(nal.subspan(1));
	BitReader br(rbsp);
	AvcSps sps;
	sps.profileIdc = static_cast<uint8_t>(br.bits(8));
	br.skip(16); /* constraint flags, level_idc */
	if (br.ue() > 31)
		return std::nullopt;

	bool separateColourPlane = false;
	if (avcProfileHasChromaInfo(sps.profileIdc)) {
		sps.chromaFormatIdc = br.ue();
		if (sps.chromaFormatIdc > 3)
			return std::nullopt;
		if (sps.chromaFormatIdc == 3)
			separateColourPlane = br.bit();
		sps.bitDepthLumaMinus8 = br.ue();
		sps.bitDepthChromaMinus8 = br.ue();
		if (sps.bitDepthLumaMinus8 > 6 || sps.bitDepthChromaMinus8 > 6)
			return std::nullopt;
		br.skip(1); /* qpprime_y_zero_transform_bypass_flag */
		if (br.bit()) { /* seq_scaling_matrix_present_flag */
			int lists = sps.chromaFormatIdc != 3 ? 8 : 12;
			for (int i = 0; i < lists && br.ok(); i++) {
				if (!br.bit())
					continue;
				int size = i < 6 ? 16 : 64;
				int last = 8, next = 8;
				for (int j = 0; j < size && br.ok(); j++) {
					if (next != 0) {
						int32_t delta = br.se();
						if (delta < -128 || delta > 127)
							return std::nullopt;
						next = (last + delta + 256) % 256;
					}
					last = next == 0 ? last : next;
				}
			}
		}
	}

	if (br.ue() > 12) /* log2_max_frame_num_minus4 */
		return std::nullopt;
	uint32_t pocType = br.ue();
	if (pocType == 0) {
		if (br.ue() > 12) /* log2_max_pic_order_cnt_lsb_minus4 */
			return std::nullopt;
	} else if (pocType == 1) {
		br.skip(1); /* delta_pic_order_always_zero_flag */
		br.se(); /* offset_for_non_ref_pic */
		br.se(); /* offset_for_top_to_bottom_field */
		uint32_t cycle = br.ue();
		if (cycle > 255)
			return std::nullopt;
		for (uint32_t i = 0; i < cycle && br.ok(); i++)
			br.se();
	} else if (pocType != 2) {
		return std::nullopt;
	}
	br.ue(); /* max_num_ref_frames */
	br.skip(1); /* gaps_in_frame_num_value_allowed_flag */
	uint32_t widthMbs = br.ue() + 1;
	uint32_t heightMapUnits = br.ue() + 1;
	uint32_t frameMbsOnly = br.bit();
	if (!frameMbsOnly)
		br.skip(1); /* mb_adaptive_frame_field_flag */
	br.skip(1); /* direct_8x8_inference_flag */
	uint32_t cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
	if (br.bit()) {
		cropLeft = br.ue();
		cropRight = br.ue();
		cropTop = br.ue();
		cropBottom = br.ue();
	}
	if (!br.ok() || widthMbs > 8192 || heightMapUnits > 8192)
		return std::nullopt;

	uint32_t chromaArrayType = separateColourPlane ? 0 : sps.chromaFormatIdc;
	uint32_t cropUnitX = chromaArrayType == 0 ? 1 : (chromaArrayType == 3 ? 1 : 2);
	uint32_t cropUnitY = (chromaArrayType == 1 ? 2 : 1) * (2 - frameMbsOnly);
	uint64_t width = uint64_t {widthMbs} * 16;
	uint64_t height = uint64_t {heightMapUnits} * 16 * (2 - frameMbsOnly);
	uint64_t cropX = uint64_t {cropUnitX} * (uint64_t {cropLeft} + cropRight);
	uint64_t cropY = uint64_t {cropUnitY} * (uint64_t {cropTop} + cropBottom);
	if (cropX >= width || cropY >= height)
		return std::nullopt;
	sps.width = static_cast<uint32_t>(width - cropX);
	sps.height = static_cast<uint32_t>(height - cropY);
	return sps;
}

struct HevcSps {
	/* profile_tier_level general fields, byte-aligned as in hvcC */
	uint8_t profileSpaceTierIdc = 0;
	uint32_t compatFlags = 0;
	std::array<uint8_t, 6> constraintFlags {};
	uint8_t levelIdc = 0;
	uint8_t maxSubLayersMinus1 = 0;
	bool temporalIdNesting = false;
	uint32_t chromaFormatIdc = 1;
	uint32_t bitDepthLumaMinus8 = 0;
	uint32_t bitDepthChromaMinus8 = 0;
	uint32_t width = 0;
	uint32_t height = 0;
};

/* H.265 7.3.2.2.1, up to the bit depths. nal includes the 2-byte NAL header. */
std::optional<HevcSps> parseHevcSps(std::span<const uint8_t> nal)
{
	if (nal.size() < 3 || (nal[0] >> 1 & 0x3f) != 33)
		return std::nullopt;

	std::vector<uint8_t> rbsp = unescapeRbsp(nal.subspan(2));
	BitReader br(rbsp);
	HevcSps sps;
	br.skip(4); /* sps_video_parameter_set_id */
	sps.maxSubLayersMinus1 = static_cast<uint8_t>(br.bits(3));
	sps.temporalIdNesting = br.bit();
	if (sps.maxSubLayersMinus1 > 6)
		return std::nullopt;

	/* profile_tier_level(1, sps_max_sub_layers_minus1), 7.3.3 */
	sps.profileSpaceTierIdc = static_cast<uint8_t>(br.bits(8));
	sps.compatFlags = br.bits(32);
	for (uint8_t &b : sps.constraintFlags)
		b = static_cast<uint8_t>(br.bits(8));
	sps.levelIdc = static_cast<uint8_t>(br.bits(8));
	std::array<bool, 8> profilePresent {}, levelPresent {};
	for (unsigned i = 0; i < sps.maxSubLayersMinus1; i++) {
		profilePresent[i] = br.bit();
		levelPresent[i] = br.bit();
	}
	if (sps.maxSubLayersMinus1 > 0)
		br.skip(2 * (8 - sps.maxSubLayersMinus1));
	for (unsigned i = 0; i < sps.maxSubLayersMinus1; i++) {
		if (profilePresent[i])
			br.skip(88);
		if (levelPresent[i])
			br.skip(8);
	}

	if (br.ue() > 15) /* sps_seq_parameter_set_id */
		return std::nullopt;
	sps.chromaFormatIdc = br.ue();
	if (sps.chromaFormatIdc > 3)
		return std::nullopt;
	bool separateColourPlane = sps.chromaFormatIdc == 3 && br.bit();
	uint32_t width = br.ue();
	uint32_t height = br.ue();
	uint32_t left = 0, right = 0, top = 0, bottom = 0;
	if (br.bit()) { /* conformance_window_flag */
		left = br.ue();
		right = br.ue();
		top = br.ue();
		bottom = br.ue();
	}
	sps.bitDepthLumaMinus8 = br.ue();
	sps.bitDepthChromaMinus8 = br.ue();
	if (!br.ok() || sps.bitDepthLumaMinus8 > 8 || sps.bitDepthChromaMinus8 > 8 || width == 0
	    || height == 0 || width > 65536 || height > 65536)
		return std::nullopt;

	uint32_t chromaArrayType = separateColourPlane ? 0 : sps.chromaFormatIdc;
	uint64_t subWidthC = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
	uint64_t subHeightC = chromaArrayType == 1 ? 2 : 1;
	uint64_t cropX = subWidthC * (uint64_t {left} + right);
	uint64_t cropY = subHeightC * (uint64_t {top} + bottom);
	if (cropX >= width || cropY >= height)
		return std::nullopt;
	sps.width = static_cast<uint32_t>(width - cropX);
	sps.height = static_cast<uint32_t>(height - cropY);
	return sps;
}

/* AV1 leb128(), at most 8 bytes and 32 bits of value (AV1 spec 4.10.5). */
std::optional<uint32_t> readLeb128(ByteReader &r)
{
	uint64_t value = 0;
	for (unsigned i = 0; i < 8; i++) {
		if (r.left() == 0)
			return std::nullopt;
		uint8_t b = r.u8();
		value |= uint64_t {b & 0x7fu} << (i * 7);
		if (!(b & 0x80))
			return value <= UINT32_MAX ? std::optional<uint32_t>(value) : std::nullopt;
	}
	return std::nullopt;
}

struct Av1SequenceHeader {
	uint8_t profile = 0;
	uint8_t level = 0;
	uint8_t tier = 0;
	bool highBitdepth = false;
	bool twelveBit = false;
	bool monochrome = false;
	bool subsamplingX = true;
	bool subsamplingY = true;
	uint8_t chromaSamplePosition = 0;
	uint32_t maxWidth = 0;
	uint32_t maxHeight = 0;
};

/* AV1 spec 5.5.1 sequence_header_obu(), up to color_config(). */
std::optional<Av1SequenceHeader> parseAv1SequenceHeader(std::span<const uint8_t> payload)
{
	BitReader br(payload);
	Av1SequenceHeader sh;
	sh.profile = static_cast<uint8_t>(br.bits(3));
	if (sh.profile > 2)
		return std::nullopt;
	br.skip(1); /* still_picture */
	bool reduced = br.bit();
	if (reduced) {
		sh.level = static_cast<uint8_t>(br.bits(5));
	} else {
		bool decoderModelInfo = false;
		unsigned bufferDelayLength = 0;
		if (br.bit()) { /* timing_info_present_flag */
			br.skip(64); /* num_units_in_display_tick, time_scale */
			if (br.bit()) { /* equal_picture_interval: uvlc() */
				unsigned zeros = 0;
				while (!br.bit()) {
					if (!br.ok() || ++zeros >= 32)
						return std::nullopt;
				}
				br.skip(zeros);
			}
			decoderModelInfo = br.bit();
			if (decoderModelInfo) {
				bufferDelayLength = br.bits(5) + 1;
				br.skip(32 + 5 + 5);
			}
		}
		bool initialDisplayDelay = br.bit();
		unsigned operatingPoints = br.bits(5) + 1;
		for (unsigned i = 0; i < operatingPoints && br.ok(); i++) {
			br.skip(12); /* operating_point_idc */
			uint8_t level = static_cast<uint8_t>(br.bits(5));
			uint8_t tier = level > 7 ? static_cast<uint8_t>(br.bit()) : 0;
			if (i == 0) {
				sh.level = level;
				sh.tier = tier;
			}
			if (decoderModelInfo && br.bit())
				br.skip(2 * bufferDelayLength + 1);
			if (initialDisplayDelay && br.bit())
				br.skip(4);
		}
	}

	unsigned widthBits = br.bits(4) + 1;
	unsigned heightBits = br.bits(4) + 1;
	sh.maxWidth = br.bits(widthBits) + 1;
	sh.maxHeight = br.bits(heightBits) + 1;
	if (!reduced && br.bit()) /* frame_id_numbers_present_flag */
		br.skip(7);
	br.skip(3); /* use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter */
	if (!reduced) {
		br.skip(4); /* interintra, masked, warped motion, dual filter */
		bool orderHint = br.bit();
		if (orderHint)
			br.skip(2); /* enable_jnt_comp, enable_ref_frame_mvs */
		unsigned forceScreenContentTools = 2;
		if (!br.bit()) /* seq_choose_screen_content_tools */
			forceScreenContentTools = br.bit();
		if (forceScreenContentTools > 0 && !br.bit()) /* seq_choose_integer_mv */
			br.skip(1); /* seq_force_integer_mv */
		if (orderHint)
			br.skip(3); /* order_hint_bits_minus_1 */
	}
	br.skip(3); /* enable_superres, enable_cdef, enable_restoration */

	/* color_config() */
	sh.highBitdepth = br.bit();
	if (sh.profile == 2 && sh.highBitdepth)
		sh.twelveBit = br.bit();
	sh.monochrome = sh.profile != 1 && br.bit();
	uint32_t primaries = 2, transfer = 2, matrix = 2;
	if (br.bit()) { /* color_description_present_flag */
		primaries = br.bits(8);
		transfer = br.bits(8);
		matrix = br.bits(8);
	}
	if (sh.monochrome) {
		br.skip(1); /* color_range */
	} else if (primaries == 1 && transfer == 13 && matrix == 0) {
		sh.subsamplingX = sh.subsamplingY = false;
	} else {
		br.skip(1); /* color_range */
		if (sh.profile == 0) {
			sh.subsamplingX = sh.subsamplingY = true;
		} else if (sh.profile == 1) {
			sh.subsamplingX = sh.subsamplingY = false;
		} else if (sh.twelveBit) {
			sh.subsamplingX = br.bit();
			sh.subsamplingY = sh.subsamplingX && br.bit();
		} else {
			sh.subsamplingX = true;
			sh.subsamplingY = false;
		}
		if (sh.subsamplingX && sh.subsamplingY)
			sh.chromaSamplePosition = static_cast<uint8_t>(br.bits(2));
	}
	if (!br.ok())
		return std::nullopt;
	return sh;
}

struct Obu {
	uint8_t type = 0;
	std::span<const uint8_t> header; /* obu_header() incl. extension byte, without size */
	std::span<const uint8_t> payload;
};

/* Finds the first sequence header OBU (type 1) in a low-overhead-format temporal unit. */
std::optional<Obu> findAv1SequenceHeader(std::span<const uint8_t> data)
{
	ByteReader r(data);
	while (r.left() > 0) {
		size_t start = data.size() - r.left();
		uint8_t h = r.u8();
		if (h & 0x80) /* obu_forbidden_bit */
			return std::nullopt;
		Obu obu;
		obu.type = h >> 3 & 0xf;
		bool extension = h & 0x04;
		bool hasSize = h & 0x02;
		if (extension)
			r.u8();
		if (!r.ok())
			return std::nullopt;
		obu.header = data.subspan(start, extension ? 2 : 1);
		size_t size = r.left();
		if (hasSize) {
			auto s = readLeb128(r);
			if (!s)
				return std::nullopt;
			size = *s;
		}
		obu.payload = r.take(size);
		if (!r.ok())
			return std::nullopt;
		if (obu.type == 1)
			return obu;
	}
	return std::nullopt;
}

/* Walks an hvcC record's NAL arrays; returns the first NAL unit of the given type. */
std::optional<std::span<const uint8_t>> findHvccNal(std::span<const uint8_t> hvcc, uint8_t type)
{
	if (hvcc.size() < 23)
		return std::nullopt;
	ByteReader r(hvcc.subspan(22));
	uint8_t arrays = r.u8();
	for (unsigned i = 0; i < arrays && r.ok(); i++) {
		uint8_t nalType = r.u8() & 0x3f;
		uint16_t count = r.u16();
		for (unsigned j = 0; j < count && r.ok(); j++) {
			auto nal = r.take(r.u16());
			if (r.ok() && nalType == type && !nal.empty())
				return nal;
		}
	}
	return std::nullopt;
}

std::optional<std::span<const uint8_t>> findAvccSps(std::span<const uint8_t> avcc)
{
	if (avcc.size() < 7)
		return std::nullopt;
	ByteReader r(avcc.subspan(5));
	unsigned count = r.u8() & 0x1f;
	if (count == 0)
		return std::nullopt;
	auto sps = r.take(r.u16());
	if (!r.ok() || sps.empty())
		return std::nullopt;
	return sps;
}

std::string hex2(unsigned v)
{
	char buf[8];
	std::snprintf(buf, sizeof(buf), "%02X", v & 0xff);
	return buf;
}

std::string dec2(unsigned v)
{
	char buf[16];
	std::snprintf(buf, sizeof(buf), "%02u", v);
	return buf;
}

std::string avcCodecString(std::span<const uint8_t> avcc)
{
	if (avcc.size() < 7 || avcc[0] != 1)
		return {};
	char buf[16];
	std::snprintf(buf, sizeof(buf), "avc1.%02x%02x%02x", avcc[1], avcc[2], avcc[3]);
	return buf;
}

/* ISO/IEC 14496-15 Annex E.3. */
std::string hevcCodecString(std::span<const uint8_t> hvcc)
{
	if (hvcc.size() < 23 || hvcc[0] != 1)
		return {};
	std::string s = "hvc1.";
	unsigned space = hvcc[1] >> 6;
	if (space > 0)
		s += static_cast<char>('A' + space - 1);
	s += std::to_string(hvcc[1] & 0x1f);

	uint32_t compat = uint32_t {hvcc[2]} << 24 | uint32_t {hvcc[3]} << 16
		| uint32_t {hvcc[4]} << 8 | hvcc[5];
	uint32_t reversed = 0;
	for (int i = 0; i < 32; i++)
		reversed |= (compat >> i & 1) << (31 - i);
	char buf[16];
	std::snprintf(buf, sizeof(buf), ".%X", reversed);
	s += buf;

	s += hvcc[1] & 0x20 ? ".H" : ".L";
	s += std::to_string(hvcc[12]);

	int last = 5;
	while (last >= 0 && hvcc[6 + last] == 0)
		last--;
	for (int i = 0; i <= last; i++)
		s += "." + hex2(hvcc[6 + i]);
	return s;
}

/* AV1 ISOBMFF binding, "Codecs Parameter String". */
std::string av1CodecString(std::span<const uint8_t> av1c)
{
	if (av1c.size() < 4 || av1c[0] != 0x81)
		return {};
	unsigned profile = av1c[1] >> 5;
	unsigned level = av1c[1] & 0x1f;
	bool tier = av1c[2] & 0x80;
	bool high = av1c[2] & 0x40;
	bool twelve = av1c[2] & 0x20;
	unsigned depth = twelve ? 12 : high ? 10 : 8;
	return "av01." + std::to_string(profile) + "." + dec2(level) + (tier ? "H" : "M") + "."
		+ dec2(depth);
}

/* VP9 ISOBMFF binding, "Codecs Parameter String". */
std::string vp9CodecString(const TrackConfig &track)
{
	uint8_t level = track.vp9Level ? track.vp9Level : vp9LevelFor(track);
	std::string s
		= "vp09." + dec2(track.vp9Profile) + "." + dec2(level) + "." + dec2(track.bitDepth);
	bool defaults = track.chromaSubsampling == 1 && track.colourPrimaries == 1
		&& track.transferCharacteristics == 1 && track.matrixCoefficients == 1
		&& !track.fullRange;
	if (!defaults)
		s += "." + dec2(track.chromaSubsampling) + "." + dec2(track.colourPrimaries) + "."
			+ dec2(track.transferCharacteristics) + "." + dec2(track.matrixCoefficients)
			+ "." + dec2(track.fullRange ? 1 : 0);
	return s;
}

const std::array<uint32_t, 13> kAacSampleRates = {
	96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
};

uint32_t readAacObjectType(BitReader &br)
{
	uint32_t aot = br.bits(5);
	return aot == 31 ? 32 + br.bits(6) : aot;
}

uint32_t readAacSampleRate(BitReader &br)
{
	uint32_t index = br.bits(4);
	if (index == 15)
		return br.bits(24);
	return index < kAacSampleRates.size() ? kAacSampleRates[index] : 0;
}

/* NAL unit type helpers for splitting access units. */
uint8_t avcNalType(std::span<const uint8_t> nal)
{
	return nal[0] & 0x1f;
}
uint8_t hevcNalType(std::span<const uint8_t> nal)
{
	return nal[0] >> 1 & 0x3f;
}

void appendUnique(std::vector<std::span<const uint8_t>> &list, std::span<const uint8_t> nal)
{
	for (auto &n : list)
		if (std::ranges::equal(n, nal))
			return;
	list.push_back(nal);
}

void putU16(std::vector<uint8_t> &out, size_t v)
{
	out.push_back(static_cast<uint8_t>(v >> 8));
	out.push_back(static_cast<uint8_t>(v));
}

} /* namespace */

uint8_t vp9LevelFor(const TrackConfig &track)
{
	/* VP9 levels (webmproject.org/vp9/levels): max luma picture size, max luma sample rate. */
	struct Level {
		uint8_t level;
		uint64_t picSize;
		uint64_t sampleRate;
	};
	static constexpr Level levels[] = {
		{10, 36864, 829440},	    {11, 73728, 2764800},	{20, 122880, 4608000},
		{21, 245760, 9216000},	    {30, 552960, 20736000},	{31, 983040, 36864000},
		{40, 2228224, 83558400},    {41, 2228224, 160432128},	{50, 8912896, 311951360},
		{51, 8912896, 588251136},   {52, 8912896, 1176502272},	{60, 35651584, 1176502272},
		{61, 35651584, 2353004544}, {62, 35651584, 4706009088},
	};
	uint64_t picSize = uint64_t {track.width} * track.height;
	/* Unknown or variable frame rate: assume 30 fps, the common live case. */
	uint64_t num = track.frameRate.num && track.frameRate.den ? track.frameRate.num : 30;
	uint64_t den = track.frameRate.num && track.frameRate.den ? track.frameRate.den : 1;
	for (const Level &l : levels) {
		if (picSize <= l.picSize && picSize * num <= l.sampleRate * den)
			return l.level;
	}
	return 62;
}

std::string codecString(const TrackConfig &track)
{
	switch (track.codec) {
	case Codec::H264:
		return avcCodecString(track.codecPrivate);
	case Codec::H265:
		return hevcCodecString(track.codecPrivate);
	case Codec::AV1:
		return av1CodecString(track.codecPrivate);
	case Codec::VP9:
		return vp9CodecString(track);
	case Codec::AAC:
		if (auto asc = parseAudioSpecificConfig(track.codecPrivate))
			return "mp4a.40." + std::to_string(asc->objectType);
		return {};
	case Codec::Opus:
		return "opus";
	}
	return {};
}

std::vector<std::span<const uint8_t>> splitAnnexB(std::span<const uint8_t> data)
{
	std::vector<std::span<const uint8_t>> nals;
	size_t n = data.size();
	size_t start = SIZE_MAX; /* first byte of the current NAL unit */
	size_t i = 0;
	while (i + 3 <= n) {
		if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
			if (start != SIZE_MAX) {
				size_t end = i;
				/* zero bytes before a start code belong to it (4-byte form,
				 * trailing_zero_8bits) */
				while (end > start && data[end - 1] == 0)
					end--;
				if (end > start)
					nals.push_back(data.subspan(start, end - start));
			}
			i += 3;
			start = i;
		} else {
			i++;
		}
	}
	if (start != SIZE_MAX && start < n) {
		size_t end = n;
		while (end > start && data[end - 1] == 0)
			end--;
		if (end > start)
			nals.push_back(data.subspan(start, end - start));
	}
	return nals;
}

void annexBToLengthPrefixed(std::span<const uint8_t> data, std::vector<uint8_t> &out)
{
	for (auto nal : splitAnnexB(data)) {
		uint32_t size = static_cast<uint32_t>(nal.size());
		out.push_back(static_cast<uint8_t>(size >> 24));
		out.push_back(static_cast<uint8_t>(size >> 16));
		out.push_back(static_cast<uint8_t>(size >> 8));
		out.push_back(static_cast<uint8_t>(size));
		out.insert(out.end(), nal.begin(), nal.end());
	}
}

std::optional<std::vector<uint8_t>> buildAvcC(std::span<const uint8_t> annexBAccessUnit)
{
	std::vector<std::span<const uint8_t>> spsList, ppsList;
	for (auto nal : splitAnnexB(annexBAccessUnit)) {
		uint8_t type = avcNalType(nal);
		if (type == 7 && nal.size() >= 4 && nal.size() <= 0xffff)
			appendUnique(spsList, nal);
		else if (type == 8 && nal.size() <= 0xffff)
			appendUnique(ppsList, nal);
	}
	if (spsList.empty() || ppsList.empty())
		return std::nullopt;
	spsList.resize(std::min<size_t>(spsList.size(), 31));
	ppsList.resize(std::min<size_t>(ppsList.size(), 255));

	auto sps = parseAvcSps(spsList[0]);
	if (!sps)
		return std::nullopt;

	std::vector<uint8_t> avcc = {
		1,
		spsList[0][1],
		spsList[0][2],
		spsList[0][3],
		0xff, /* reserved, lengthSizeMinusOne = 3 */
		static_cast<uint8_t>(0xe0 | spsList.size()),
	};
	for (auto nal : spsList) {
		putU16(avcc, nal.size());
		avcc.insert(avcc.end(), nal.begin(), nal.end());
	}
	avcc.push_back(static_cast<uint8_t>(ppsList.size()));
	for (auto nal : ppsList) {
		putU16(avcc, nal.size());
		avcc.insert(avcc.end(), nal.begin(), nal.end());
	}
	/* ISO/IEC 14496-15 5.3.3.1.2: these profiles carry the chroma/bit-depth extension. */
	uint8_t profile = spsList[0][1];
	if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
		avcc.push_back(static_cast<uint8_t>(0xfc | sps->chromaFormatIdc));
		avcc.push_back(static_cast<uint8_t>(0xf8 | sps->bitDepthLumaMinus8));
		avcc.push_back(static_cast<uint8_t>(0xf8 | sps->bitDepthChromaMinus8));
		avcc.push_back(0); /* numOfSequenceParameterSetExt */
	}
	return avcc;
}

std::optional<std::vector<uint8_t>> buildHvcC(std::span<const uint8_t> annexBAccessUnit)
{
	/* hvcC arrays in the conventional order: VPS, SPS, PPS, then prefix SEI is not kept. */
	std::array<std::vector<std::span<const uint8_t>>, 3> lists;
	for (auto nal : splitAnnexB(annexBAccessUnit)) {
		if (nal.size() < 3 || nal.size() > 0xffff)
			continue;
		uint8_t type = hevcNalType(nal);
		if (type >= 32 && type <= 34)
			appendUnique(lists[type - 32], nal);
	}
	if (lists[0].empty() || lists[1].empty() || lists[2].empty())
		return std::nullopt;

	auto sps = parseHevcSps(lists[1][0]);
	if (!sps)
		return std::nullopt;

	std::vector<uint8_t> hvcc;
	hvcc.push_back(1); /* configurationVersion */
	hvcc.push_back(sps->profileSpaceTierIdc);
	for (int shift = 24; shift >= 0; shift -= 8)
		hvcc.push_back(static_cast<uint8_t>(sps->compatFlags >> shift));
	hvcc.insert(hvcc.end(), sps->constraintFlags.begin(), sps->constraintFlags.end());
	hvcc.push_back(sps->levelIdc);
	putU16(hvcc, 0xf000); /* reserved, min_spatial_segmentation_idc = 0 (unknown) */
	hvcc.push_back(0xfc); /* reserved, parallelismType = 0 (unknown) */
	hvcc.push_back(static_cast<uint8_t>(0xfc | sps->chromaFormatIdc));
	hvcc.push_back(static_cast<uint8_t>(0xf8 | sps->bitDepthLumaMinus8));
	hvcc.push_back(static_cast<uint8_t>(0xf8 | sps->bitDepthChromaMinus8));
	putU16(hvcc, 0); /* avgFrameRate: unspecified */
	/* constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3 */
	hvcc.push_back(static_cast<uint8_t>((sps->maxSubLayersMinus1 + 1) << 3
					    | (sps->temporalIdNesting ? 1 : 0) << 2 | 3));
	hvcc.push_back(3); /* numOfArrays */
	for (unsigned i = 0; i < lists.size(); i++) {
		/* array_completeness = 1: an 'hvc1' sample entry carries all parameter sets */
		hvcc.push_back(static_cast<uint8_t>(0x80 | (32 + i)));
		putU16(hvcc, lists[i].size());
		for (auto nal : lists[i]) {
			putU16(hvcc, nal.size());
			hvcc.insert(hvcc.end(), nal.begin(), nal.end());
		}
	}
	return hvcc;
}

std::optional<std::vector<uint8_t>> buildAv1C(std::span<const uint8_t> temporalUnit)
{
	auto obu = findAv1SequenceHeader(temporalUnit);
	if (!obu)
		return std::nullopt;
	auto sh = parseAv1SequenceHeader(obu->payload);
	if (!sh)
		return std::nullopt;

	std::vector<uint8_t> av1c = {
		0x81, /* marker, version 1 */
		static_cast<uint8_t>(sh->profile << 5 | sh->level),
		static_cast<uint8_t>(sh->tier << 7 | sh->highBitdepth << 6 | sh->twelveBit << 5
				     | sh->monochrome << 4 | sh->subsamplingX << 3
				     | sh->subsamplingY << 2 | sh->chromaSamplePosition),
		0, /* no initial_presentation_delay */
	};
	/* configOBUs must carry obu_size: re-emit the header with obu_has_size_field set. */
	av1c.push_back(static_cast<uint8_t>(obu->header[0] | 0x02));
	if (obu->header.size() > 1)
		av1c.push_back(obu->header[1]);
	size_t size = obu->payload.size();
	do {
		uint8_t b = size & 0x7f;
		size >>= 7;
		av1c.push_back(static_cast<uint8_t>(size ? b | 0x80 : b));
	} while (size);
	av1c.insert(av1c.end(), obu->payload.begin(), obu->payload.end());
	return av1c;
}

std::optional<VideoSize> videoSizeFromConfig(const TrackConfig &track)
{
	switch (track.codec) {
	case Codec::H264: {
		auto nal = findAvccSps(track.codecPrivate);
		if (!nal)
			return std::nullopt;
		auto sps = parseAvcSps(*nal);
		if (!sps)
			return std::nullopt;
		return VideoSize {sps->width, sps->height};
	}
	case Codec::H265: {
		auto nal = findHvccNal(track.codecPrivate, 33);
		if (!nal)
			return std::nullopt;
		auto sps = parseHevcSps(*nal);
		if (!sps)
			return std::nullopt;
		return VideoSize {sps->width, sps->height};
	}
	case Codec::AV1: {
		if (track.codecPrivate.size() <= 4)
			return std::nullopt;
		auto obu = findAv1SequenceHeader(std::span(track.codecPrivate).subspan(4));
		if (!obu)
			return std::nullopt;
		auto sh = parseAv1SequenceHeader(obu->payload);
		if (!sh)
			return std::nullopt;
		return VideoSize {sh->maxWidth, sh->maxHeight};
	}
	default:
		return std::nullopt;
	}
}

std::optional<AacConfig> parseAudioSpecificConfig(std::span<const uint8_t> asc)
{
	/* ISO/IEC 14496-3 1.6.2.1 AudioSpecificConfig(), the fields before the GA config. */
	BitReader br(asc);
	AacConfig cfg;
	uint32_t aot = readAacObjectType(br);
	cfg.sampleRate = readAacSampleRate(br);
	uint32_t channelConfig = br.bits(4);
	if (aot == 5 || aot == 29) {
		/* Explicit hierarchical SBR/PS signalling: the output rate is the extension rate.
		 */
		cfg.sampleRate = readAacSampleRate(br);
		if (readAacObjectType(br) == 0)
			return std::nullopt;
	}
	if (!br.ok() || aot == 0 || aot > 255 || cfg.sampleRate == 0)
		return std::nullopt;
	cfg.objectType = static_cast<uint8_t>(aot);

	/* Table 1.19; 0 means a program_config_element defines the layout. */
	static constexpr std::array<int, 16> channels = {
		0, 1, 2, 3, 4, 5, 6, 8, -1, -1, -1, 7, 8, 24, 8, -1,
	};
	if (channels[channelConfig] < 0)
		return std::nullopt;
	cfg.channels = static_cast<uint8_t>(channels[channelConfig]);
	return cfg;
}

std::optional<OpusHead> parseOpusHead(std::span<const uint8_t> head)
{
	/* RFC 7845 5.1: all multi-byte fields little-endian. */
	static constexpr uint8_t magic[] = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};
	if (head.size() < 19 || !std::equal(std::begin(magic), std::end(magic), head.begin()))
		return std::nullopt;
	if (head[8] >> 4 != 0) /* major version must be 0 */
		return std::nullopt;

	OpusHead h;
	h.channels = head[9];
	h.preSkip = static_cast<uint16_t>(head[10] | head[11] << 8);
	h.inputSampleRate = uint32_t {head[12]} | uint32_t {head[13]} << 8
		| uint32_t {head[14]} << 16 | uint32_t {head[15]} << 24;
	h.outputGain = static_cast<int16_t>(head[16] | head[17] << 8);
	h.mappingFamily = head[18];
	if (h.channels == 0)
		return std::nullopt;
	if (h.mappingFamily == 0)
		return h.channels <= 2 ? std::optional(h) : std::nullopt;

	if (head.size() < 21 + size_t {h.channels})
		return std::nullopt;
	uint8_t streams = head[19];
	uint8_t coupled = head[20];
	if (streams == 0 || coupled > streams || streams + coupled > 255)
		return std::nullopt;
	for (size_t i = 0; i < h.channels; i++) {
		uint8_t m = head[21 + i];
		if (m != 255 && m >= streams + coupled)
			return std::nullopt;
	}
	h.mapping.assign(head.begin() + 19, head.begin() + 21 + h.channels);
	return h;
}

std::vector<uint8_t> makeOpusHead(uint8_t channels, uint16_t preSkip, uint32_t inputSampleRate)
{
	if (channels == 0 || channels > 2)
		return {};
	std::vector<uint8_t> head
		= {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1 /* version */, channels};
	head.push_back(static_cast<uint8_t>(preSkip));
	head.push_back(static_cast<uint8_t>(preSkip >> 8));
	for (int shift = 0; shift < 32; shift += 8)
		head.push_back(static_cast<uint8_t>(inputSampleRate >> shift));
	head.insert(head.end(), {0, 0, 0}); /* output gain, mapping family 0 */
	return head;
}

} /* namespace sluice */
