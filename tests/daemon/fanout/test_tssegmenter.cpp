/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * TsSegmenter on crafted TS: cut points, PAT/PMT first, window, discontinuities, clocks.
 */

#include <gtest/gtest.h>

#include <string>

#include "tssegmenter.h"
#include "tsstream.h"

using namespace sluice;
using namespace sluice::test;

namespace {

constexpr uint64_t kFrameTicks = 27000000 / 25; /* 25 fps, 27 MHz */

/*
 * An H.264 program at 25 fps (tsstream.h's PAT/PMT: PCR on the video PID) whose frames carry a
 * PCR and a PTS, with RAI on keyframes. Frame n's first packet has (gop, frame) after its NAL.
 */
class ClockedStream
{
public:
	/* pcrEvery: a PCR on every n-th frame only (mpegtsmux: every other frame at 25 fps). */
	explicit ClockedStream(uint64_t startPcr = 27000000, bool pcr = true, int pcrEvery = 1)
		: pcr_(startPcr), withPcr_(pcr), pcrEvery_(pcrEvery)
	{
	}

	Bytes frame(bool key, bool discontinuity = false)
	{
		Bytes out;
		for (int i = 0; i < 3; i++) {
			Bytes p(kTsPacketSize, 0xff);
			p[0] = kTsSyncByte;
			p[1] = static_cast<uint8_t>((i == 0 ? 0x40 : 0) | kVideoPid >> 8);
			p[2] = kVideoPid & 0xff;
			size_t pos = 4;
			const bool withPcr = withPcr_ && frames_ % pcrEvery_ == 0;
			const bool adaptation = i == 0 && (withPcr || key);
			p[3] = static_cast<uint8_t>((adaptation ? 0x30 : 0x10) | (cc_++ & 0x0f));
			if (adaptation) {
				p[4] = withPcr ? 7 : 1;
				p[5] = static_cast<uint8_t>((key ? 0x40 : 0) | (withPcr ? 0x10 : 0)
							    | (discontinuity ? 0x80 : 0));
				pos = 6;
				if (withPcr) {
					const uint64_t base = pcr_ / 300 % (uint64_t(1) << 33);
					const uint64_t ext = pcr_ % 300;
					p[6] = static_cast<uint8_t>(base >> 25);
					p[7] = static_cast<uint8_t>(base >> 17);
					p[8] = static_cast<uint8_t>(base >> 9);
					p[9] = static_cast<uint8_t>(base >> 1);
					p[10] = static_cast<uint8_t>((base & 1) << 7 | 0x7e
								     | ext >> 8);
					p[11] = static_cast<uint8_t>(ext);
					pos = 12;
				}
			}
			if (i == 0) {
				const uint64_t pts = pcr_ / 300 % (uint64_t(1) << 33);
				const uint8_t pes[]
					= {0,
					   0,
					   1,
					   0xe0,
					   0,
					   0,
					   0x80,
					   0x80,
					   5,
					   static_cast<uint8_t>(0x21 | (pts >> 29 & 0x0e)),
					   static_cast<uint8_t>(pts >> 22),
					   static_cast<uint8_t>((pts >> 14 & 0xfe) | 1),
					   static_cast<uint8_t>(pts >> 7),
					   static_cast<uint8_t>((pts << 1 & 0xfe) | 1),
					   0,
					   0,
					   0,
					   1,
					   static_cast<uint8_t>(key ? 0x65 : 0x41)};
				std::copy(std::begin(pes), std::end(pes), p.begin() + pos);
				pos += sizeof(pes);
				p[pos] = static_cast<uint8_t>(gop_);
				p[pos + 1] = static_cast<uint8_t>(frame_);
			}
			out.insert(out.end(), p.begin(), p.end());
		}
		pcr_ += kFrameTicks;
		frame_++;
		frames_++;
		return out;
	}

	/* PAT, PMT, a keyframe and frames - 1 others. */
	Bytes gop(int frames, bool discontinuity = false)
	{
		gop_++;
		frame_ = 0;
		Bytes out = psi_.psi();
		for (int i = 0; i < frames; i++) {
			Bytes f = frame(i == 0, discontinuity && i == 0);
			out.insert(out.end(), f.begin(), f.end());
		}
		return out;
	}

	void setPcr(uint64_t pcr) { pcr_ = pcr; }

private:
	TsStream psi_;
	uint64_t pcr_;
	bool withPcr_;
	int pcrEvery_;
	unsigned frames_ = 0;
	unsigned cc_ = 0;
	int gop_ = 0;
	int frame_ = 0;
};

void push(TsSegmenter &segmenter, const Bytes &data, size_t chunk = 7 * kTsPacketSize)
{
	for (size_t off = 0; off < data.size(); off += chunk) {
		GBytes *bytes = g_bytes_new(data.data() + off, std::min(chunk, data.size() - off));
		segmenter.push(bytes);
		g_bytes_unref(bytes);
	}
}

Bytes contents(const TsSegmenter::Segment &segment)
{
	Bytes out;
	for (GBytes *part : segment.parts) {
		size_t size = 0;
		const auto *data = static_cast<const uint8_t *>(g_bytes_get_data(part, &size));
		out.insert(out.end(), data, data + size);
	}
	return out;
}

/* Every segment: PAT, PMT, then a keyframe packet with RAI; no other keyframe but at GOP
 * starts. Returns the GOP numbers each segment starts with. */
std::vector<int> checkSegments(const TsSegmenter &segmenter)
{
	std::vector<int> gops;
	for (const auto &segment : segmenter.segments()) {
		Bytes data = contents(segment);
		EXPECT_EQ(data.size(), segment.bytes);
		auto packets = splitPackets(data);
		EXPECT_GE(packets.size(), 3u);
		if (packets.size() < 3)
			continue;
		auto pat = parseTsPacket(packets[0]);
		auto pmt = parseTsPacket(packets[1]);
		auto key = parseTsPacket(packets[2]);
		EXPECT_EQ(pat->pid, kTsPatPid);
		EXPECT_EQ(pmt->pid, kPmtPid);
		EXPECT_EQ(key->pid, kVideoPid);
		EXPECT_TRUE(key->randomAccess) << "segment " << segment.sequence;
		auto payload = tsPayload(packets[2], *key);
		gops.push_back(payload[19 + 0]);
	}
	return gops;
}

TEST(TsSegmenter, CutsAtRandomAccessPointsOnceTheTargetIsReached)
{
	TsSegmenter segmenter({1.0, 10, 64 << 20});
	ClockedStream stream;
	for (int i = 0; i < 10; i++)
		push(segmenter, stream.gop(10)); /* 0.4 s GOPs */
	/* 1.2 s segments: GOPs 1-3, 4-6, 7-9; GOP 10 is open. */
	ASSERT_EQ(segmenter.segments().size(), 3u);
	for (const auto &segment : segmenter.segments())
		EXPECT_NEAR(segment.durationS, 1.2, 1e-9);
	EXPECT_EQ(checkSegments(segmenter), (std::vector<int> {1, 4, 7}));
	EXPECT_EQ(segmenter.finished(), 3u);
}

TEST(TsSegmenter, NoRandomAccessPointNoCut)
{
	TsSegmenter segmenter({1.0, 10, 64 << 20});
	ClockedStream stream;
	push(segmenter, stream.gop(100)); /* one 4 s GOP */
	push(segmenter, stream.gop(5));
	ASSERT_EQ(segmenter.segments().size(), 1u);
	EXPECT_NEAR(segmenter.segments()[0].durationS, 4.0, 1e-9);
	EXPECT_TRUE(segmenter.playlist("").find("#EXT-X-TARGETDURATION:4\n") != std::string::npos);
}

/* RFC 8216 6.2.1: the target duration never changes; a frame of overshoot rounds away. */
TEST(TsSegmenter, TargetDurationStaysAtTheConfiguredOne)
{
	TsSegmenter segmenter({2.0, 10, 64 << 20});
	ClockedStream stream;
	push(segmenter, stream.gop(49)); /* 1.96 s */
	push(segmenter, stream.gop(51)); /* 2.04 s */
	push(segmenter, stream.gop(50));
	push(segmenter, stream.gop(5));
	ASSERT_EQ(segmenter.segments().size(), 3u);
	EXPECT_NE(segmenter.playlist("").find("#EXT-X-TARGETDURATION:2\n"), std::string::npos)
		<< segmenter.playlist("");
}

TEST(TsSegmenter, SegmentsAreSlicesOfThePushedChunks)
{
	TsSegmenter segmenter({1.0, 10, 64 << 20});
	ClockedStream stream;
	Bytes data;
	for (int i = 0; i < 4; i++) {
		Bytes gop = stream.gop(25);
		data.insert(data.end(), gop.begin(), gop.end());
	}
	GBytes *whole = g_bytes_new(data.data(), data.size());
	segmenter.push(whole);
	size_t size = 0;
	const auto *base = static_cast<const uint8_t *>(g_bytes_get_data(whole, &size));
	ASSERT_EQ(segmenter.segments().size(), 3u);
	for (const auto &segment : segmenter.segments()) {
		ASSERT_EQ(segment.parts.size(), 2u); /* rebuilt PSI, one slice */
		size_t partSize = 0;
		const auto *part = static_cast<const uint8_t *>(
			g_bytes_get_data(segment.parts[1], &partSize));
		EXPECT_GE(part, base);
		EXPECT_LE(part + partSize, base + size);
	}
	g_bytes_unref(whole);
}

TEST(TsSegmenter, ChunksSplitMidPacket)
{
	TsSegmenter aligned({1.0, 10, 64 << 20}), split({1.0, 10, 64 << 20});
	ClockedStream a, b;
	for (int i = 0; i < 8; i++) {
		push(aligned, a.gop(10));
		push(split, b.gop(10), 100);
	}
	ASSERT_EQ(aligned.segments().size(), split.segments().size());
	for (size_t i = 0; i < aligned.segments().size(); i++)
		EXPECT_EQ(contents(aligned.segments()[i]), contents(split.segments()[i]));
}

TEST(TsSegmenter, WindowEvictsAndSequenceGrows)
{
	TsSegmenter segmenter({1.0, 3, 64 << 20});
	ClockedStream stream;
	for (int i = 0; i < 11; i++)
		push(segmenter, stream.gop(25)); /* 1 s GOPs: one segment each */
	EXPECT_EQ(segmenter.finished(), 10u);
	ASSERT_EQ(segmenter.segments().size(), 3u);
	EXPECT_EQ(segmenter.segments().front().sequence, 7u);
	EXPECT_EQ(segmenter.segment(6), nullptr);
	ASSERT_NE(segmenter.segment(9), nullptr);
	EXPECT_EQ(segmenter.segment(9)->sequence, 9u);
	EXPECT_EQ(segmenter.segment(10), nullptr);
	EXPECT_EQ(segmenter.playlist("1/"),
		  "#EXTM3U\n"
		  "#EXT-X-VERSION:3\n"
		  "#EXT-X-TARGETDURATION:1\n"
		  "#EXT-X-MEDIA-SEQUENCE:7\n"
		  "#EXTINF:1.000,\n"
		  "1/ts-7.ts\n"
		  "#EXTINF:1.000,\n"
		  "1/ts-8.ts\n"
		  "#EXTINF:1.000,\n"
		  "1/ts-9.ts\n");
}

TEST(TsSegmenter, ResetAddsADiscontinuity)
{
	TsSegmenter segmenter({1.0, 3, 64 << 20});
	ClockedStream first;
	for (int i = 0; i < 3; i++)
		push(segmenter, first.gop(25));
	ASSERT_EQ(segmenter.finished(), 2u);
	/* Half a GOP of the old source, then another source whose clock is elsewhere. */
	Bytes half = first.gop(12);
	push(segmenter, half);
	segmenter.reset();
	ClockedStream second(900 * 27000000ull);
	for (int i = 0; i < 3; i++)
		push(segmenter, second.gop(25));
	ASSERT_EQ(segmenter.finished(), 5u);
	const auto &window = segmenter.segments();
	ASSERT_EQ(window.size(), 3u);
	EXPECT_FALSE(window[0].discontinuity);
	EXPECT_TRUE(window[1].discontinuity);
	EXPECT_NEAR(window[1].durationS, 1.0, 1e-9) << "the clock jump is not a duration";
	EXPECT_FALSE(window[2].discontinuity);
	EXPECT_NEAR(window[0].durationS, 1.0, 1e-9);
	std::string text = segmenter.playlist("");
	EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:0\n"), std::string::npos) << text;
	EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n#EXTINF:1.000,\nts-3.ts\n"), std::string::npos)
		<< text;
	/* The discontinuity leaves the window: the sequence counts it. */
	for (int i = 0; i < 3; i++)
		push(segmenter, second.gop(25));
	text = segmenter.playlist("");
	EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), std::string::npos) << text;
	EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY\n"), std::string::npos) << text;
	checkSegments(segmenter);
}

TEST(TsSegmenter, PcrWrapAndDiscontinuityIndicator)
{
	TsSegmenter segmenter({1.0, 10, 64 << 20});
	/* 0.5 s before the 33-bit base wraps. */
	ClockedStream stream((uint64_t(1) << 33) * 300 - 27000000 / 2);
	for (int i = 0; i < 4; i++)
		push(segmenter, stream.gop(25));
	ASSERT_EQ(segmenter.segments().size(), 3u);
	for (const auto &segment : segmenter.segments())
		EXPECT_NEAR(segment.durationS, 1.0, 1e-9);
	/* A marked discontinuity (the PCR restarts): no 1000 s segment. The step across it is
	 * not counted: the segment before it lasts a frame less than its GOP. */
	stream.setPcr(27000000ull * 1000);
	push(segmenter, stream.gop(25, true));
	push(segmenter, stream.gop(25));
	ASSERT_EQ(segmenter.segments().size(), 5u) << segmenter.playlist("");
	EXPECT_NEAR(segmenter.segments()[3].durationS, 0.96, 1e-9);
	EXPECT_NEAR(segmenter.segments()[4].durationS, 1.0, 1e-9);
}

TEST(TsSegmenter, TimeBetweenPcrsIsInterpolated)
{
	/* 1 s GOPs of 25 frames, a PCR every other frame: the keyframe of every other GOP carries
	 * none; its time comes from its position since the last PCR. */
	TsSegmenter segmenter({1.0, 10, 64 << 20});
	ClockedStream stream(27000000, true, 2);
	for (int i = 0; i < 6; i++)
		push(segmenter, stream.gop(25));
	ASSERT_EQ(segmenter.segments().size(), 5u) << segmenter.playlist("");
	for (const auto &segment : segmenter.segments())
		EXPECT_NEAR(segment.durationS, 1.0, 0.05);
	EXPECT_EQ(checkSegments(segmenter), (std::vector<int> {1, 2, 3, 4, 5}));
}

TEST(TsSegmenter, WithoutPcrThePtsTimesSegments)
{
	TsSegmenter segmenter({2.0, 10, 64 << 20});
	ClockedStream stream(27000000, false);
	for (int i = 0; i < 7; i++)
		push(segmenter, stream.gop(25));
	ASSERT_EQ(segmenter.segments().size(), 3u);
	for (const auto &segment : segmenter.segments())
		EXPECT_NEAR(segment.durationS, 2.0, 1e-9);
	EXPECT_EQ(checkSegments(segmenter), (std::vector<int> {1, 3, 5}));
}

TEST(TsSegmenter, OversizedSegmentIsDropped)
{
	TsSegmenter segmenter({1.0, 10, 20 * kTsPacketSize});
	ClockedStream stream;
	push(segmenter, stream.gop(4));
	push(segmenter, stream.gop(30)); /* 90 packets without a keyframe */
	push(segmenter, stream.gop(4));
	push(segmenter, stream.gop(4));
	EXPECT_TRUE(segmenter.segments().empty());
	EXPECT_EQ(segmenter.playlist(""), "");
}

TEST(TsSegmenter, SegmentNames)
{
	EXPECT_EQ(TsSegmenter::parseSegmentName("ts-0.ts"), 0u);
	EXPECT_EQ(TsSegmenter::parseSegmentName("ts-1234.ts"), 1234u);
	EXPECT_FALSE(TsSegmenter::parseSegmentName("ts-.ts"));
	EXPECT_FALSE(TsSegmenter::parseSegmentName("ts-01.ts"));
	EXPECT_FALSE(TsSegmenter::parseSegmentName("ts-1a.ts"));
	EXPECT_FALSE(TsSegmenter::parseSegmentName("video_0-1.m4s"));
	EXPECT_FALSE(TsSegmenter::parseSegmentName("ts-99999999999999999999.ts"));
}

} /* namespace */
