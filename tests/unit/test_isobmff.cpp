/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * CMAF init segments and fragment headers: golden box trees, golden bytes, and field checks.
 *
 * Goldens live in $SLUICE_GOLDEN_DIR/isobmff; SLUICE_UPDATE_GOLDEN=1 rewrites them (review the
 * diff before committing it).
 */

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string_view>

#include "codec_samples.h"
#include "codecs.h"
#include "golden.h"
#include "isobmff.h"

using namespace sluice;
using namespace sluice::test;

namespace {

/* HE-AAC with explicit SBR signalling and 5.1 Opus (mapping family 1), as in test_codecs.cpp. */
constexpr std::string_view kAscHe = "2b1188";
constexpr std::string_view kOpusHead51 = "4f707573486561640106380180bb000000ff010402000401020305";

TrackConfig videoTrack(Codec codec, std::string_view config)
{
	TrackConfig t;
	t.trackId = 1;
	t.codec = codec;
	t.timescale = 90000;
	t.width = 320;
	t.height = 240;
	t.frameRate = {30, 1};
	t.codecPrivate = unhex(config);
	return t;
}

TrackConfig audioTrack(Codec codec, std::string_view config)
{
	TrackConfig t;
	t.trackId = 2;
	t.codec = codec;
	t.timescale = 48000;
	t.sampleRate = 48000;
	t.channels = 2;
	t.language = "eng";
	t.codecPrivate = unhex(config);
	return t;
}

/* Big-endian reader for the dumper; a read past the end records an error instead of crashing. */
struct Reader {
	std::span<const uint8_t> d;
	size_t pos = 0;
	bool ok = true;

	uint64_t read(size_t n)
	{
		if (pos + n > d.size()) {
			ok = false;
			pos = d.size();
			return 0;
		}
		uint64_t v = 0;
		for (size_t i = 0; i < n; i++)
			v = v << 8 | d[pos++];
		return v;
	}
	uint32_t u8() { return static_cast<uint32_t>(read(1)); }
	uint32_t u16() { return static_cast<uint32_t>(read(2)); }
	uint32_t u32() { return static_cast<uint32_t>(read(4)); }
	uint64_t u64() { return read(8); }
	std::string fourcc()
	{
		uint32_t v = u32();
		return {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
			static_cast<char>(v >> 8), static_cast<char>(v)};
	}
	std::span<const uint8_t> rest()
	{
		auto r = d.subspan(pos);
		pos = d.size();
		return r;
	}
};

/*
 * Text dump of a box tree: one line per box with its size and the fields a reviewer wants to
 * see; configuration payloads in hex. Children must exactly fill their parent, and every leaf
 * body must be exactly as long as its fields, or the test fails.
 */
class BoxDumper
{
public:
	std::string dump(std::span<const uint8_t> data)
	{
		out_.str({});
		boxes(data, 0);
		return out_.str();
	}

	/* Declared size of the mdat whose header ends a fragment header, 0 if none. */
	uint64_t mdatSize() const { return mdatSize_; }

private:
	void line(int depth, const std::string &text)
	{
		out_ << std::string(2 * depth, ' ') << text << '\n';
	}

	void boxes(std::span<const uint8_t> data, int depth)
	{
		size_t pos = 0;
		while (pos < data.size()) {
			Reader r {data.subspan(pos)};
			uint64_t size = r.u32();
			std::string type = r.fourcc();
			size_t header = 8;
			if (size == 1) {
				size = r.u64();
				header = 16;
			}
			if (!r.ok || size < header) {
				line(depth, "ERROR: bad box header");
				ADD_FAILURE() << "bad box header at depth " << depth;
				return;
			}
			/* A fragment header ends with the mdat header; the payload isn't there. */
			if (type == "mdat") {
				line(depth,
				     "mdat size=" + std::to_string(size)
					     + " header=" + std::to_string(header));
				mdatSize_ = size;
				return;
			}
			if (size > data.size() - pos) {
				line(depth,
				     type + " ERROR: size " + std::to_string(size)
					     + " past parent");
				ADD_FAILURE() << type << " overruns its parent";
				return;
			}
			box(type, data.subspan(pos + header, size - header), size, depth);
			pos += size;
		}
	}

	void box(const std::string &type, std::span<const uint8_t> body, uint64_t size, int depth)
	{
		static const std::vector<std::string> containers
			= {"moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf"};
		std::ostringstream s;
		s << type << " size=" << size;
		Reader r {body};
		auto full = [&]() {
			uint32_t vf = r.u32();
			s << " v" << (vf >> 24) << " flags=0x" << std::hex << (vf & 0xffffff)
			  << std::dec;
			return vf;
		};

		if (std::find(containers.begin(), containers.end(), type) != containers.end()) {
			line(depth, s.str());
			boxes(body, depth + 1);
			return;
		}
		if (type == "ftyp" || type == "styp") {
			s << " major=" << r.fourcc() << " minor=" << r.u32() << " compatible=";
			while (r.pos < body.size())
				s << r.fourcc() << (r.pos < body.size() ? "," : "");
		} else if (type == "mvhd") {
			full();
			r.read(8);
			s << " timescale=" << r.u32() << " duration=" << r.u32();
			r.read(4 + 2 + 10 + 36 + 24);
			s << " next_track_ID=" << r.u32();
		} else if (type == "tkhd") {
			full();
			r.read(8);
			s << " track_ID=" << r.u32();
			r.read(4 + 4 + 8 + 4);
			s << " volume=0x" << std::hex << r.u16() << std::dec;
			r.read(2 + 36);
			uint32_t w = r.u32(), h = r.u32();
			s << " width=" << (w >> 16) << "+" << (w & 0xffff) << "/65536"
			  << " height=" << (h >> 16) << "+" << (h & 0xffff) << "/65536";
		} else if (type == "mdhd") {
			full();
			r.read(8);
			s << " timescale=" << r.u32() << " duration=" << r.u32();
			uint32_t lang = r.u16();
			s << " language=" << static_cast<char>((lang >> 10 & 31) + 0x60)
			  << static_cast<char>((lang >> 5 & 31) + 0x60)
			  << static_cast<char>((lang & 31) + 0x60);
			r.u16();
		} else if (type == "hdlr") {
			full();
			r.u32();
			s << " handler=" << r.fourcc();
			r.read(12);
			auto name = r.rest();
			s << " name=\""
			  << std::string(name.begin(), name.end() - (name.empty() ? 0 : 1)) << "\"";
		} else if (type == "vmhd" || type == "smhd" || type == "url ") {
			full();
			s << " rest=" << hex(r.rest());
		} else if (type == "dref" || type == "stsd") {
			full();
			s << " entry_count=" << r.u32();
			line(depth, s.str());
			boxes(body.subspan(std::min<size_t>(8, body.size())), depth + 1);
			return;
		} else if (type == "avc1" || type == "hvc1" || type == "av01" || type == "vp09") {
			r.read(6);
			s << " data_reference_index=" << r.u16();
			r.read(16);
			s << " width=" << r.u16() << " height=" << r.u16();
			s << " res=0x" << std::hex << r.u32() << ",0x" << r.u32() << std::dec;
			r.read(4);
			s << " frame_count=" << r.u16();
			r.read(32);
			s << " depth=0x" << std::hex << r.u16() << std::dec;
			s << " pre_defined=" << static_cast<int16_t>(r.u16());
			line(depth, s.str());
			boxes(body.subspan(std::min<size_t>(78, body.size())), depth + 1);
			return;
		} else if (type == "mp4a" || type == "Opus") {
			r.read(6);
			s << " data_reference_index=" << r.u16();
			r.read(8);
			s << " channels=" << r.u16() << " samplesize=" << r.u16();
			r.read(4);
			uint32_t rate = r.u32();
			s << " samplerate=" << (rate >> 16) << "+" << (rate & 0xffff) << "/65536";
			line(depth, s.str());
			boxes(body.subspan(std::min<size_t>(28, body.size())), depth + 1);
			return;
		} else if (type == "vpcC") {
			full();
			s << " profile=" << r.u8() << " level=" << r.u8();
			uint32_t b = r.u8();
			s << " bitDepth=" << (b >> 4) << " chroma=" << (b >> 1 & 7)
			  << " fullRange=" << (b & 1);
			s << " cp=" << r.u8() << " tc=" << r.u8() << " mc=" << r.u8()
			  << " initDataSize=" << r.u16();
		} else if (type == "dOps") {
			s << " version=" << r.u8() << " channels=" << r.u8()
			  << " preSkip=" << r.u16() << " inputRate=" << r.u32()
			  << " gain=" << static_cast<int16_t>(r.u16());
			uint32_t family = r.u8();
			s << " family=" << family;
			if (family)
				s << " mapping=" << hex(r.rest());
		} else if (type == "esds") {
			full();
			s << " descriptors=" << hex(r.rest());
		} else if (type == "pasp") {
			s << " hSpacing=" << r.u32() << " vSpacing=" << r.u32();
		} else if (type == "stts" || type == "stsc" || type == "stco") {
			full();
			s << " entry_count=" << r.u32();
		} else if (type == "stsz") {
			full();
			s << " sample_size=" << r.u32() << " sample_count=" << r.u32();
		} else if (type == "trex") {
			full();
			s << " track_ID=" << r.u32() << " sample_description_index=" << r.u32()
			  << " duration=" << r.u32() << " size=" << r.u32() << " flags=0x"
			  << std::hex << r.u32() << std::dec;
		} else if (type == "mfhd") {
			full();
			s << " sequence_number=" << r.u32();
		} else if (type == "tfhd") {
			uint32_t flags = full() & 0xffffff;
			s << " track_ID=" << r.u32();
			if (flags & 0x1)
				s << " base_data_offset=" << r.u64();
			if (flags & 0x2)
				s << " sample_description_index=" << r.u32();
			if (flags & 0x8)
				s << " default_duration=" << r.u32();
			if (flags & 0x10)
				s << " default_size=" << r.u32();
			if (flags & 0x20)
				s << " default_flags=0x" << std::hex << r.u32() << std::dec;
		} else if (type == "tfdt") {
			uint32_t vf = full();
			s << " baseMediaDecodeTime=" << (vf >> 24 ? r.u64() : r.u32());
		} else if (type == "trun") {
			uint32_t vf = full();
			uint32_t flags = vf & 0xffffff;
			uint32_t count = r.u32();
			s << " sample_count=" << count;
			if (flags & 0x1)
				s << " data_offset=" << static_cast<int32_t>(r.u32());
			if (flags & 0x4)
				s << " first_sample_flags=0x" << std::hex << r.u32() << std::dec;
			line(depth, s.str());
			for (uint32_t i = 0; i < count && r.ok; i++) {
				std::ostringstream e;
				e << "[" << i << "]";
				if (flags & 0x100)
					e << " duration=" << r.u32();
				if (flags & 0x200)
					e << " size=" << r.u32();
				if (flags & 0x400)
					e << " flags=0x" << std::hex << r.u32() << std::dec;
				if (flags & 0x800) {
					uint32_t cto = r.u32();
					if (vf >> 24)
						e << " cto=" << static_cast<int32_t>(cto);
					else
						e << " cto=" << cto;
				}
				line(depth + 1, e.str());
			}
			check(r, type);
			return;
		} else {
			s << " payload=" << hex(r.rest());
		}
		line(depth, s.str());
		check(r, type);
	}

	void check(const Reader &r, const std::string &type)
	{
		if (!r.ok || r.pos != r.d.size()) {
			line(0,
			     "ERROR: " + type + " body is " + std::to_string(r.d.size())
				     + " bytes, parsed " + std::to_string(r.pos));
			ADD_FAILURE() << type << ": body size does not match its fields";
		}
	}

	std::ostringstream out_;
	uint64_t mdatSize_ = 0;
};

std::string hexDump(std::span<const uint8_t> data)
{
	std::string s;
	char buf[32];
	for (size_t i = 0; i < data.size(); i += 16) {
		std::snprintf(buf, sizeof(buf), "%08zx:", i);
		s += buf;
		for (size_t j = i; j < std::min(i + 16, data.size()); j++) {
			std::snprintf(buf, sizeof(buf), " %02x", data[j]);
			s += buf;
		}
		s += '\n';
	}
	return s;
}

std::string dumpTree(std::span<const uint8_t> data)
{
	BoxDumper d;
	return d.dump(data);
}

/* The ftyp major brand of an init segment. */
std::string majorBrand(const std::vector<uint8_t> &init)
{
	if (init.size() < 12)
		return {};
	return std::string(init.begin() + 8, init.begin() + 12);
}

std::vector<SampleInfo> videoSamples()
{
	/* A GOP start with B-frames: sync first, negative and positive composition offsets. */
	return {
		{7470, 3000, 3000, true},
		{5149, 3000, 9000, false},
		{5092, 3000, -3000, false},
		{4914, 3000, 0, false},
	};
}

uint32_t be32(const std::vector<uint8_t> &v, size_t pos)
{
	return uint32_t {v[pos]} << 24 | uint32_t {v[pos + 1]} << 16 | uint32_t {v[pos + 2]} << 8
		| v[pos + 3];
}

/* Finds the first box of a type by its fourcc (fine for the small, known outputs here). */
size_t findBox(const std::vector<uint8_t> &v, std::string_view type)
{
	for (size_t i = 4; i + 4 <= v.size(); i++) {
		if (std::equal(type.begin(), type.end(), v.begin() + i))
			return i - 4;
	}
	return std::string::npos;
}

} /* namespace */

/* ---- Init segments: golden trees for every codec ---- */

TEST(InitSegment, H264Golden)
{
	auto init = writeInitSegment(videoTrack(Codec::H264, kAvcC320));
	ASSERT_FALSE(init.empty());
	expectGolden("isobmff", "init-h264.txt", dumpTree(init));
	expectGolden("isobmff", "init-h264.hex", hexDump(init));
}

TEST(InitSegment, H265Golden)
{
	auto init = writeInitSegment(videoTrack(Codec::H265, kHvcC320));
	ASSERT_FALSE(init.empty());
	expectGolden("isobmff", "init-h265.txt", dumpTree(init));
}

TEST(InitSegment, Av1Golden)
{
	auto init = writeInitSegment(videoTrack(Codec::AV1, kAv1C));
	ASSERT_FALSE(init.empty());
	expectGolden("isobmff", "init-av1.txt", dumpTree(init));
}

TEST(InitSegment, Vp9Golden)
{
	TrackConfig t = videoTrack(Codec::VP9, "");
	t.width = 1920;
	t.height = 1080;
	auto init = writeInitSegment(t);
	ASSERT_FALSE(init.empty());
	expectGolden("isobmff", "init-vp9.txt", dumpTree(init));
}

TEST(InitSegment, AacGolden)
{
	auto init = writeInitSegment(audioTrack(Codec::AAC, kAscLc));
	ASSERT_FALSE(init.empty());
	expectGolden("isobmff", "init-aac.txt", dumpTree(init));
}

TEST(InitSegment, OpusGolden)
{
	auto init = writeInitSegment(audioTrack(Codec::Opus, kOpusHead));
	ASSERT_FALSE(init.empty());
	expectGolden("isobmff", "init-opus.txt", dumpTree(init));
}

TEST(InitSegment, Opus51Golden)
{
	TrackConfig t = audioTrack(Codec::Opus, kOpusHead51);
	t.channels = 6;
	auto init = writeInitSegment(t);
	ASSERT_FALSE(init.empty());
	expectGolden("isobmff", "init-opus-51.txt", dumpTree(init));
}

/* ---- Init segments: specific properties ---- */

TEST(InitSegment, Brands)
{
	EXPECT_EQ(majorBrand(writeInitSegment(videoTrack(Codec::H264, kAvcC320))), "cfsd");
	TrackConfig t = videoTrack(Codec::H264, kAvcC1080);
	t.width = 1920;
	t.height = 1080;
	t.frameRate = {50, 1};
	EXPECT_EQ(majorBrand(writeInitSegment(t)), "chdf"); /* level 4.2 */
	t.codecPrivate[3] = 40;
	EXPECT_EQ(majorBrand(writeInitSegment(t)), "cfhd");
	t.frameRate = {120, 1};
	EXPECT_EQ(majorBrand(writeInitSegment(t)), "cmfc"); /* beyond every AVC media profile */
	EXPECT_EQ(majorBrand(writeInitSegment(videoTrack(Codec::H264, kAvcC422))), "cmfc");

	EXPECT_EQ(majorBrand(writeInitSegment(videoTrack(Codec::H265, kHvcC320))), "chhd");
	t = videoTrack(Codec::H265, kHvcC1080Main10);
	t.width = 0; /* size from the SPS */
	t.height = 0;
	EXPECT_EQ(majorBrand(writeInitSegment(t)), "chh1");
	t.codecPrivate[12] = 153; /* level 5.1 */
	EXPECT_EQ(majorBrand(writeInitSegment(t)), "cud1");
	t.colourPrimaries = 9;
	t.transferCharacteristics = 16;
	EXPECT_EQ(majorBrand(writeInitSegment(t)), "chd1");
	t.transferCharacteristics = 18;
	EXPECT_EQ(majorBrand(writeInitSegment(t)), "clg1");

	EXPECT_EQ(majorBrand(writeInitSegment(videoTrack(Codec::AV1, kAv1C))), "cav1");
	EXPECT_EQ(majorBrand(writeInitSegment(videoTrack(Codec::VP9, ""))), "cmfc");
	EXPECT_EQ(majorBrand(writeInitSegment(audioTrack(Codec::AAC, kAscLc))), "caac");
	EXPECT_EQ(majorBrand(writeInitSegment(audioTrack(Codec::AAC, kAscHe))), "caaa");
	EXPECT_EQ(majorBrand(writeInitSegment(audioTrack(Codec::Opus, kOpusHead))), "cmfc");
}

TEST(InitSegment, CompatibleBrandsAlwaysIncludeCmfcAndIso6)
{
	for (const auto &init : {writeInitSegment(videoTrack(Codec::H264, kAvcC320)),
				 writeInitSegment(audioTrack(Codec::Opus, kOpusHead))}) {
		ASSERT_GT(init.size(), 16u);
		std::string ftyp(init.begin() + 16, init.begin() + be32(init, 0));
		EXPECT_NE(ftyp.find("cmfc"), std::string::npos) << ftyp;
		EXPECT_NE(ftyp.find("iso6"), std::string::npos) << ftyp;
		EXPECT_EQ(ftyp.substr(0, 4), majorBrand(init));
	}
}

TEST(InitSegment, MissingConfigurationGivesNothing)
{
	for (Codec c : {Codec::H264, Codec::H265, Codec::AV1})
		EXPECT_TRUE(writeInitSegment(videoTrack(c, "")).empty()) << codecName(c);
	for (Codec c : {Codec::AAC, Codec::Opus})
		EXPECT_TRUE(writeInitSegment(audioTrack(c, "")).empty()) << codecName(c);
	/* Garbage is no better than nothing. */
	EXPECT_TRUE(writeInitSegment(videoTrack(Codec::H264, "ff640014")).empty());
	EXPECT_TRUE(writeInitSegment(audioTrack(Codec::Opus, "4f70757348656164")).empty());
	/* VP9 needs none: vpcC comes from the track fields. */
	EXPECT_FALSE(writeInitSegment(videoTrack(Codec::VP9, "")).empty());
}

TEST(InitSegment, PixelAspectRatio)
{
	TrackConfig t = videoTrack(Codec::H264, kAvcC320);
	t.width = 720;
	t.height = 576;
	t.pixelAspect = {16, 15};
	std::string tree = dumpTree(writeInitSegment(t));
	EXPECT_NE(tree.find("track_ID=1 volume=0x0 width=768+0/65536 height=576+0/65536"),
		  std::string::npos)
		<< tree;
	EXPECT_NE(tree.find("pasp size=16 hSpacing=16 vSpacing=15"), std::string::npos) << tree;
	EXPECT_NE(tree.find("avc1 size=155 data_reference_index=1 width=720 height=576"),
		  std::string::npos)
		<< tree;

	t.pixelAspect = {1, 1};
	EXPECT_EQ(dumpTree(writeInitSegment(t)).find("pasp"), std::string::npos);
}

TEST(InitSegment, LanguageAndTrackId)
{
	TrackConfig t = audioTrack(Codec::AAC, kAscLc);
	t.trackId = 7;
	t.language = "fra";
	std::string tree = dumpTree(writeInitSegment(t));
	EXPECT_NE(tree.find("language=fra"), std::string::npos) << tree;
	EXPECT_NE(tree.find("next_track_ID=8"), std::string::npos) << tree;
	EXPECT_NE(tree.find("trex size=32 v0 flags=0x0 track_ID=7 sample_description_index=1"),
		  std::string::npos)
		<< tree;

	t.language = "French";
	EXPECT_NE(dumpTree(writeInitSegment(t)).find("language=und"), std::string::npos);
}

TEST(InitSegment, SizeFromSpsWhenCapsLackIt)
{
	TrackConfig t = videoTrack(Codec::H265, kHvcC1080Main10);
	t.width = 0;
	t.height = 0;
	t.pixelAspect = {4, 3};
	std::string tree = dumpTree(writeInitSegment(t));
	EXPECT_NE(tree.find("width=2560+0/65536 height=1080+0/65536"), std::string::npos) << tree;
	EXPECT_NE(tree.find("hvc1 size="
			    + std::to_string(8 + 78 + 8 + kHvcC1080Main10.size() / 2 + 16)
			    + " data_reference_index=1 width=1920 height=1080"),
		  std::string::npos)
		<< tree;
}

/* ---- Fragment headers ---- */

TEST(FragmentHeader, VideoGolden)
{
	std::vector<uint8_t> out;
	auto samples = videoSamples();
	writeFragmentHeader(videoTrack(Codec::H264, kAvcC320), {3, (uint64_t {1} << 33) + 90000},
			    samples, out);
	expectGolden("isobmff", "fragment-video.txt", dumpTree(out));
	expectGolden("isobmff", "fragment-video.hex", hexDump(out));
}

TEST(FragmentHeader, AudioGolden)
{
	std::vector<uint8_t> out;
	std::vector<SampleInfo> samples
		= {{288, 1024, 0, true}, {397, 1024, 0, true}, {292, 1024, 0, true}};
	writeFragmentHeader(audioTrack(Codec::AAC, kAscLc), {1, 0}, samples, out);
	expectGolden("isobmff", "fragment-audio.txt", dumpTree(out));
}

TEST(FragmentHeader, LayoutAndDataOffset)
{
	std::vector<uint8_t> out;
	auto samples = videoSamples();
	writeFragmentHeader(videoTrack(Codec::H264, kAvcC320), {1, 0}, samples, out);

	size_t styp = findBox(out, "styp");
	size_t moof = findBox(out, "moof");
	size_t mdat = findBox(out, "mdat");
	ASSERT_EQ(styp, 0u);
	ASSERT_EQ(moof, be32(out, styp));
	ASSERT_EQ(mdat, moof + be32(out, moof));
	/* The header ends right after the 8-byte mdat header. */
	ASSERT_EQ(out.size(), mdat + 8);

	uint32_t payload = 0;
	for (auto &s : samples)
		payload += s.size;
	EXPECT_EQ(be32(out, mdat), 8 + payload);

	/* data_offset is relative to the moof (default-base-is-moof) and lands on the payload. */
	size_t trun = findBox(out, "trun");
	EXPECT_EQ(be32(out, trun + 8), 0x01000f01u); /* v1; offset, duration, size, flags, cto */
	EXPECT_EQ(be32(out, trun + 12), samples.size());
	EXPECT_EQ(moof + be32(out, trun + 16), out.size());
	EXPECT_EQ(be32(out, trun + 16), be32(out, moof) + 8);

	size_t tfhd = findBox(out, "tfhd");
	EXPECT_EQ(be32(out, tfhd + 8), 0x00020000u);
	EXPECT_EQ(be32(out, tfhd + 12), 1u);

	size_t tfdt = findBox(out, "tfdt");
	EXPECT_EQ(be32(out, tfdt), 20u);
	EXPECT_EQ(out[tfdt + 8], 1); /* version 1: 64-bit time */

	/* First sample sync (depends on nothing), the rest non-sync and dependent. */
	size_t entries = trun + 20;
	EXPECT_EQ(be32(out, entries + 8), 0x02000000u);
	for (size_t i = 1; i < samples.size(); i++)
		EXPECT_EQ(be32(out, entries + 16 * i + 8), 0x01010000u) << i;
	EXPECT_EQ(static_cast<int32_t>(be32(out, entries + 16 * 2 + 12)), -3000);
}

TEST(FragmentHeader, AppendsWithoutTouchingExistingBytes)
{
	std::vector<uint8_t> out = {0xde, 0xad};
	out.reserve(4096);
	const uint8_t *data = out.data();
	auto samples = videoSamples();
	writeFragmentHeader(videoTrack(Codec::H264, kAvcC320), {1, 0}, samples, out);
	EXPECT_EQ(out[0], 0xde);
	EXPECT_EQ(out[1], 0xad);
	EXPECT_EQ(out.data(), data); /* enough capacity: no reallocation */

	std::vector<uint8_t> alone;
	writeFragmentHeader(videoTrack(Codec::H264, kAvcC320), {1, 0}, samples, alone);
	EXPECT_EQ(out.size(), alone.size() + 2);
	EXPECT_TRUE(std::equal(alone.begin(), alone.end(), out.begin() + 2));
}

TEST(FragmentHeader, Audio)
{
	std::vector<uint8_t> out;
	std::vector<SampleInfo> samples(100, SampleInfo {300, 1024, 0, true});
	writeFragmentHeader(audioTrack(Codec::Opus, kOpusHead), {9, 48000}, samples, out);

	size_t tfhd = findBox(out, "tfhd");
	EXPECT_EQ(be32(out, tfhd + 8), 0x00020020u); /* default-base-is-moof, default flags */
	EXPECT_EQ(be32(out, tfhd + 16), 0x02000000u);
	size_t trun = findBox(out, "trun");
	EXPECT_EQ(be32(out, trun + 8), 0x01000301u); /* duration and size only */
	EXPECT_EQ(be32(out, trun), 20u + 8 * samples.size());
	size_t moof = findBox(out, "moof");
	EXPECT_EQ(moof + be32(out, trun + 16), out.size());
	EXPECT_EQ(be32(out, findBox(out, "mdat")), 8u + 300 * 100);
}

TEST(FragmentHeader, NoSamples)
{
	std::vector<uint8_t> out;
	writeFragmentHeader(videoTrack(Codec::H264, kAvcC320), {1, 0}, {}, out);
	size_t mdat = findBox(out, "mdat");
	ASSERT_NE(mdat, std::string::npos);
	EXPECT_EQ(be32(out, mdat), 8u);
	EXPECT_EQ(be32(out, findBox(out, "trun") + 12), 0u);
}

TEST(FragmentHeader, LargeMdat)
{
	/* Over 4 GiB of payload: the 16-byte largesize form, and data_offset accounts for it. */
	std::vector<uint8_t> out;
	std::vector<SampleInfo> samples(3, SampleInfo {0x60000000, 3000, 0, true});
	writeFragmentHeader(videoTrack(Codec::H264, kAvcC320), {1, 0}, samples, out);
	size_t mdat = out.size() - 16;
	EXPECT_EQ(be32(out, mdat), 1u);
	EXPECT_EQ(std::string(out.begin() + mdat + 4, out.begin() + mdat + 8), "mdat");
	uint64_t large = uint64_t {be32(out, mdat + 8)} << 32 | be32(out, mdat + 12);
	EXPECT_EQ(large, 16 + 3 * uint64_t {0x60000000});
	size_t moof = findBox(out, "moof");
	EXPECT_EQ(moof + be32(out, findBox(out, "trun") + 16), out.size());

	BoxDumper d;
	d.dump(out);
	EXPECT_EQ(d.mdatSize(), large);
}
