/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * MPEG-TS scanning: packet headers, PAT/PMT sections and random access points, on crafted bytes.
 */

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "codec_samples.h"
#include "tspackets.h"

using namespace sluice;
using namespace sluice::test;

namespace {

/* gst-launch-1.0 videotestsrc ! x264enc key-int-max=30 ! h264parse ! mpegtsmux: the first
 * packets (PAT and PMT padded with a 166/151-byte adaptation field), and the start of the
 * first video PES: RAI + PCR, PES header, AUD, SPS, ... */
constexpr std::string_view kGstPatSection = "00b00d0001c100000001e020a2c32941";
constexpr std::string_view kGstPmtSection
	= "02b01c0001c10000e041f0001be041f00a050848444d56ff1b443f45dd4e12";
constexpr std::string_view kGstVideoStart
	= "47404131075009a7d6877e00000001e02371818005214d3fb2010000000109100000000167f4000d90d968"
	  "141fb016a0c0c0c8000003000800000301e478a1550000000168ce3192000000010605ffffa5dc45e9bd";

/* ffmpeg -f lavfi -i testsrc -c:v libx264 -f mpegts: PAT and PMT sections. */
constexpr std::string_view kFfmpegPatSection = "00b00d0001c100000001f0002ab104b2";
constexpr std::string_view kFfmpegPmtSection = "02b0120001c10000e100f0001be100f00015bd4d56";

using Bytes = std::vector<uint8_t>;

struct PacketSpec {
	uint16_t pid = 0x100;
	bool pusi = false;
	uint8_t cc = 0;
	bool rai = false;
	bool discontinuity = false;
	bool adaptation = false; /* forced even without flags */
	uint8_t scrambling = 0;
};

/* One packet: header, an adaptation field when asked for, payload, then 0xFF up to 188 bytes
 * (PSI stuffing; for PES it only pads this test data). */
Bytes packet(const PacketSpec &spec, const Bytes &payload)
{
	Bytes p = {kTsSyncByte, static_cast<uint8_t>((spec.pusi ? 0x40 : 0) | spec.pid >> 8),
		   static_cast<uint8_t>(spec.pid & 0xff),
		   static_cast<uint8_t>(spec.scrambling << 6 | spec.cc)};
	if (spec.rai || spec.discontinuity || spec.adaptation) {
		p[3] |= 0x30;
		p.push_back(1);
		p.push_back(static_cast<uint8_t>((spec.discontinuity ? 0x80 : 0)
						 | (spec.rai ? 0x40 : 0)));
	} else {
		p[3] |= 0x10;
	}
	p.insert(p.end(), payload.begin(), payload.end());
	p.resize(kTsPacketSize, 0xff);
	return p;
}

/* A long-form section with a correct CRC. */
Bytes section(uint8_t tableId, uint16_t extension, uint8_t version, const Bytes &body)
{
	size_t length = 5 + body.size() + 4;
	Bytes s = {tableId,
		   static_cast<uint8_t>(0xb0 | length >> 8),
		   static_cast<uint8_t>(length & 0xff),
		   static_cast<uint8_t>(extension >> 8),
		   static_cast<uint8_t>(extension & 0xff),
		   static_cast<uint8_t>(0xc1 | version << 1),
		   0,
		   0};
	s.insert(s.end(), body.begin(), body.end());
	uint32_t crc = tsCrc32(s);
	for (int shift = 24; shift >= 0; shift -= 8)
		s.push_back(static_cast<uint8_t>(crc >> shift));
	return s;
}

Bytes patSection(uint16_t program, uint16_t pmtPid, uint8_t version = 0)
{
	return section(0x00, 1, version,
		       {static_cast<uint8_t>(program >> 8), static_cast<uint8_t>(program),
			static_cast<uint8_t>(0xe0 | pmtPid >> 8), static_cast<uint8_t>(pmtPid)});
}

struct Es {
	uint8_t type;
	uint16_t pid;
	Bytes descriptors = {};
};

Bytes pmtSection(uint16_t program, const std::vector<Es> &streams, uint8_t version = 0)
{
	uint16_t pcrPid = streams.empty() ? kTsNullPid : streams.front().pid;
	Bytes body = {static_cast<uint8_t>(0xe0 | pcrPid >> 8), static_cast<uint8_t>(pcrPid), 0xf0,
		      0x00};
	for (const Es &es : streams) {
		body.push_back(es.type);
		body.push_back(static_cast<uint8_t>(0xe0 | es.pid >> 8));
		body.push_back(static_cast<uint8_t>(es.pid));
		body.push_back(static_cast<uint8_t>(0xf0 | es.descriptors.size() >> 8));
		body.push_back(static_cast<uint8_t>(es.descriptors.size()));
		body.insert(body.end(), es.descriptors.begin(), es.descriptors.end());
	}
	return section(0x02, program, version, body);
}

/* A section on its own packet: pointer_field 0. */
Bytes psiPacket(uint16_t pid, const Bytes &sec, uint8_t cc = 0)
{
	Bytes payload = {0};
	payload.insert(payload.end(), sec.begin(), sec.end());
	return packet({.pid = pid, .pusi = true, .cc = cc}, payload);
}

/* PES header (video stream 0xE0, PTS only) then the elementary stream bytes. */
Bytes pes(const Bytes &es)
{
	Bytes p = {0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5, 0x21, 0, 1, 0, 1};
	p.insert(p.end(), es.begin(), es.end());
	return p;
}

const Bytes kH264Idr = {0, 0, 0, 1, 0x09, 0x10, 0, 0, 0, 1, 0x65, 0x88};
const Bytes kH264Sps = {0, 0, 0, 1, 0x09, 0x10, 0, 0, 0, 1, 0x67, 0x64, 0, 0x1f};
const Bytes kH264Inter = {0, 0, 0, 1, 0x09, 0x30, 0, 0, 1, 0x41, 0x9a};

} /* namespace */

TEST(TsCrc, KnownAnswers)
{
	const std::string_view check = "123456789";
	EXPECT_EQ(tsCrc32({reinterpret_cast<const uint8_t *>(check.data()), check.size()}),
		  0x0376e6e7u);
	/* A whole section, CRC included, sums to 0; the CRC is that of the rest. */
	for (std::string_view hexSection :
	     {kGstPatSection, kGstPmtSection, kFfmpegPatSection, kFfmpegPmtSection}) {
		Bytes s = unhex(hexSection);
		EXPECT_EQ(tsCrc32(s), 0u) << hexSection;
	}
	Bytes pat = unhex(kFfmpegPatSection);
	EXPECT_EQ(tsCrc32(std::span(pat).first(pat.size() - 4)), 0x2ab104b2u);
	EXPECT_EQ(tsCrc32({}), 0xffffffffu);
}

TEST(TsPacket, Header)
{
	Bytes p = packet({.pid = 0x1abc, .pusi = true, .cc = 9}, {1, 2, 3});
	auto h = parseTsPacket(p);
	ASSERT_TRUE(h);
	EXPECT_EQ(h->pid, 0x1abc);
	EXPECT_TRUE(h->payloadUnitStart);
	EXPECT_EQ(h->continuityCounter, 9);
	EXPECT_FALSE(h->hasAdaptationField);
	EXPECT_TRUE(h->hasPayload);
	EXPECT_EQ(h->payloadOffset, 4);
	EXPECT_FALSE(h->randomAccess);
	EXPECT_FALSE(h->pcr);
	EXPECT_EQ(tsPayload(p, *h).size(), 184u);
	EXPECT_EQ(tsPayload(p, *h)[0], 1);

	Bytes flagged = packet({.pid = 5, .rai = true, .discontinuity = true, .scrambling = 2}, {});
	h = parseTsPacket(flagged);
	ASSERT_TRUE(h);
	EXPECT_TRUE(h->randomAccess);
	EXPECT_TRUE(h->discontinuity);
	EXPECT_EQ(h->scrambling, 2);
	EXPECT_EQ(h->payloadOffset, 6);
}

TEST(TsPacket, RealVideoStartHasRaiAndPcr)
{
	Bytes p = unhex(kGstVideoStart);
	p.resize(kTsPacketSize, 0xff);
	auto h = parseTsPacket(p);
	ASSERT_TRUE(h);
	EXPECT_EQ(h->pid, 0x41);
	EXPECT_TRUE(h->payloadUnitStart);
	EXPECT_TRUE(h->randomAccess);
	ASSERT_TRUE(h->pcr);
	/* PCR base 0x013a7b50e (from 09 a7 d6 87 7e 00), extension 0. */
	EXPECT_EQ(*h->pcr, ((uint64_t {0x09a7d687} << 1) | (0x7e >> 7)) * 300);
	EXPECT_EQ(h->payloadOffset, 12);
	EXPECT_TRUE(pesStartsRandomAccess(0x1b, tsPayload(p, *h)));
}

TEST(TsPacket, RejectsShortUnsyncedAndOversizedAdaptation)
{
	Bytes p = packet({}, {});
	EXPECT_FALSE(parseTsPacket(std::span(p).first(187)));
	p[0] = 0x48;
	EXPECT_FALSE(parseTsPacket(p));

	/* Adaptation field and payload: at most 182 bytes of field. */
	Bytes q = packet({}, {});
	q[3] = 0x30;
	q[4] = 182;
	auto h = parseTsPacket(q);
	ASSERT_TRUE(h);
	EXPECT_EQ(h->payloadOffset, 187);
	EXPECT_EQ(tsPayload(q, *h).size(), 1u);
	q[4] = 183;
	EXPECT_FALSE(parseTsPacket(q));
	/* Adaptation field only: up to 183. */
	q[3] = 0x20;
	h = parseTsPacket(q);
	ASSERT_TRUE(h);
	EXPECT_FALSE(h->hasPayload);
	EXPECT_TRUE(tsPayload(q, *h).empty());
	q[4] = 184;
	EXPECT_FALSE(parseTsPacket(q));
	q[4] = 255;
	EXPECT_FALSE(parseTsPacket(q));
	/* Reserved control 00: no payload, no field. */
	q[3] = 0x00;
	h = parseTsPacket(q);
	ASSERT_TRUE(h);
	EXPECT_FALSE(h->hasPayload);
	EXPECT_FALSE(h->hasAdaptationField);
	/* A field too short for the PCR it flags: no PCR. */
	Bytes r = packet({}, {});
	r[3] = 0x30;
	r[4] = 3;
	r[5] = 0x10;
	h = parseTsPacket(r);
	ASSERT_TRUE(h);
	EXPECT_FALSE(h->pcr);
}

TEST(TsPsi, RealPatAndPmt)
{
	auto pat = parsePat(unhex(kGstPatSection));
	ASSERT_TRUE(pat);
	EXPECT_EQ(pat->transportStreamId, 1);
	EXPECT_EQ(pat->version, 0);
	EXPECT_TRUE(pat->current);
	ASSERT_EQ(pat->programs.size(), 1u);
	EXPECT_EQ(pat->programs[0].number, 1);
	EXPECT_EQ(pat->programs[0].pmtPid, 0x20);
	EXPECT_FALSE(pat->networkPid);

	auto pmt = parsePmt(unhex(kGstPmtSection));
	ASSERT_TRUE(pmt);
	EXPECT_EQ(pmt->programNumber, 1);
	EXPECT_EQ(pmt->pcrPid, 0x41);
	ASSERT_EQ(pmt->streams.size(), 1u);
	EXPECT_EQ(pmt->streams[0].streamType, 0x1b);
	EXPECT_EQ(pmt->streams[0].pid, 0x41);
	EXPECT_EQ(hex(pmt->streams[0].descriptors), "050848444d56ff1b443f");

	auto ffPmt = parsePmt(unhex(kFfmpegPmtSection));
	ASSERT_TRUE(ffPmt);
	ASSERT_EQ(ffPmt->streams.size(), 1u);
	EXPECT_EQ(ffPmt->streams[0].pid, 0x100);
	EXPECT_TRUE(parsePat(unhex(kFfmpegPatSection)));

	/* Each parser only takes its own table. */
	EXPECT_FALSE(parsePmt(unhex(kGstPatSection)));
	EXPECT_FALSE(parsePat(unhex(kGstPmtSection)));
}

TEST(TsPsi, NetworkPidAndSeveralPrograms)
{
	auto pat = parsePat(
		section(0, 7, 3, {0, 0, 0xe0, 0x10, 0, 5, 0xe1, 0x00, 0, 6, 0xe2, 0x00}));
	ASSERT_TRUE(pat);
	EXPECT_EQ(pat->version, 3);
	EXPECT_EQ(pat->networkPid, 0x10);
	ASSERT_EQ(pat->programs.size(), 2u);
	EXPECT_EQ(pat->programs[1].number, 6);
	EXPECT_EQ(pat->programs[1].pmtPid, 0x200);
}

TEST(TsPsi, RejectsBrokenSections)
{
	Bytes pat = unhex(kGstPatSection);
	for (size_t i = 0; i < pat.size(); i++) {
		Bytes broken = pat;
		broken[i] ^= 0x01;
		/* Any flipped bit either breaks the CRC or a field check. */
		EXPECT_FALSE(parsePat(broken)) << "byte " << i;
	}
	/* Truncated, or longer than section_length says. */
	EXPECT_FALSE(parsePat(std::span(pat).first(pat.size() - 1)));
	Bytes longer = pat;
	longer.push_back(0xff);
	EXPECT_FALSE(parsePat(longer));
	EXPECT_FALSE(parsePat({}));
	/* A program loop that is not whole entries, with a correct CRC. */
	EXPECT_FALSE(parsePat(section(0, 1, 0, {0, 1, 0xe0})));
	/* section_syntax_indicator clear. */
	Bytes noSyntax = section(0, 1, 0, {0, 1, 0xe0, 0x20});
	noSyntax[1] &= 0x7f;
	EXPECT_FALSE(parsePat(noSyntax));

	/* PMT inner lengths: program_info_length and ES_info_length past the end. */
	Bytes body = {0xe1, 0x00, 0xf0, 0x40, 0x1b, 0xe1, 0x00, 0xf0, 0x00};
	EXPECT_FALSE(parsePmt(section(2, 1, 0, body)));
	body = {0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00, 0xf0, 0x02, 0x05};
	EXPECT_FALSE(parsePmt(section(2, 1, 0, body)));
	/* A stream entry cut short. */
	body = {0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00, 0xf0};
	EXPECT_FALSE(parsePmt(section(2, 1, 0, body)));
	/* No PCR PID at all. */
	EXPECT_FALSE(parsePmt(section(2, 1, 0, {0xe1})));
	/* An empty stream loop is fine. */
	auto empty = parsePmt(section(2, 1, 0, {0xe1, 0x00, 0xf0, 0x00}));
	ASSERT_TRUE(empty);
	EXPECT_TRUE(empty->streams.empty());

	/* section_length over 1021. */
	Bytes huge(3 + 1022, 0);
	huge[0] = 0x02;
	huge[1] = 0xb0 | (1022 >> 8);
	huge[2] = 1022 & 0xff;
	EXPECT_FALSE(parsePmt(huge));
}

TEST(TsPsi, StreamKinds)
{
	EXPECT_EQ(tsStreamKind(0x1b), TsStreamKind::Video);
	EXPECT_EQ(tsStreamKind(0x24), TsStreamKind::Video);
	EXPECT_EQ(tsStreamKind(0x02), TsStreamKind::Video);
	EXPECT_EQ(tsStreamKind(0x0f), TsStreamKind::Audio);
	EXPECT_EQ(tsStreamKind(0x81), TsStreamKind::Audio);
	EXPECT_EQ(tsStreamKind(0x06), TsStreamKind::Other);
	EXPECT_EQ(tsStreamKind(0x15), TsStreamKind::Other);
}

TEST(TsSections, SpanPacketsAndRespectPointerField)
{
	/* A PMT of ~330 bytes: two packets. */
	std::vector<Es> streams;
	for (uint16_t i = 0; i < 20; i++)
		streams.push_back({0x0f, static_cast<uint16_t>(0x101 + i), Bytes(10, 0x0a)});
	Bytes pmt = pmtSection(1, streams);
	ASSERT_GT(pmt.size(), 184u);

	Bytes first = {0};
	first.insert(first.end(), pmt.begin(), pmt.begin() + 183);
	Bytes second(pmt.begin() + 183, pmt.end());

	TsSectionAssembler assembler;
	Bytes p1 = packet({.pid = 0x20, .pusi = true, .cc = 14}, first);
	Bytes p2 = packet({.pid = 0x20, .cc = 15}, second);
	EXPECT_TRUE(assembler.push(p1, *parseTsPacket(p1)).empty());
	/* A repeated packet is ignored. */
	EXPECT_TRUE(assembler.push(p1, *parseTsPacket(p1)).empty());
	const auto &done = assembler.push(p2, *parseTsPacket(p2));
	ASSERT_EQ(done.size(), 1u);
	EXPECT_EQ(done[0], pmt);
	EXPECT_TRUE(parsePmt(done[0]));

	/* A continuity gap loses the section. */
	assembler.reset();
	Bytes p2gap = packet({.pid = 0x20, .cc = 1}, second);
	EXPECT_TRUE(assembler.push(p1, *parseTsPacket(p1)).empty());
	EXPECT_TRUE(assembler.push(p2gap, *parseTsPacket(p2gap)).empty());

	/* The previous section ends before pointer_field's target; a new one starts there. */
	assembler.reset();
	Bytes pat = patSection(1, 0x20);
	Bytes tail = {static_cast<uint8_t>(second.size())};
	tail.insert(tail.end(), second.begin(), second.end());
	tail.insert(tail.end(), pat.begin(), pat.end());
	Bytes p3 = packet({.pid = 0x20, .pusi = true, .cc = 15}, tail);
	EXPECT_TRUE(assembler.push(p1, *parseTsPacket(p1)).empty());
	const auto &both = assembler.push(p3, *parseTsPacket(p3));
	ASSERT_EQ(both.size(), 2u);
	EXPECT_EQ(both[0], pmt);
	EXPECT_EQ(both[1], pat);

	/* Two sections back to back in one packet, then stuffing. */
	assembler.reset();
	Bytes two = {0};
	two.insert(two.end(), pat.begin(), pat.end());
	two.insert(two.end(), pat.begin(), pat.end());
	Bytes p4 = packet({.pid = 0, .pusi = true}, two);
	EXPECT_EQ(assembler.push(p4, *parseTsPacket(p4)).size(), 2u);

	/* A pointer_field past the payload. */
	assembler.reset();
	Bytes p5 = packet({.pid = 0, .pusi = true}, {184});
	EXPECT_TRUE(assembler.push(p5, *parseTsPacket(p5)).empty());
}

TEST(TsSections, DropsOversizedSections)
{
	TsSectionAssembler assembler(64);
	Bytes big = pmtSection(1, {{0x1b, 0x100, Bytes(80, 1)}});
	Bytes payload = {0};
	payload.insert(payload.end(), big.begin(), big.end());
	Bytes p = packet({.pid = 0x20, .pusi = true}, payload);
	EXPECT_TRUE(assembler.push(p, *parseTsPacket(p)).empty());
}

TEST(TsRandomAccess, H264)
{
	EXPECT_TRUE(pesStartsRandomAccess(0x1b, pes(kH264Idr)));
	EXPECT_TRUE(pesStartsRandomAccess(0x1b, pes(kH264Sps)));
	EXPECT_FALSE(pesStartsRandomAccess(0x1b, pes(kH264Inter)));
	/* SEI then IDR: SEI decides nothing. */
	EXPECT_TRUE(pesStartsRandomAccess(0x1b, pes({0, 0, 1, 0x06, 0x05, 0, 0, 1, 0x65})));
	/* Nothing decisive in the bytes given. */
	EXPECT_FALSE(pesStartsRandomAccess(0x1b, pes({0, 0, 1, 0x09, 0x10})));
	/* Not a PES start, or its header runs past the bytes. */
	EXPECT_FALSE(pesStartsRandomAccess(0x1b, kH264Idr));
	Bytes cut = pes(kH264Idr);
	cut[8] = 200;
	EXPECT_FALSE(pesStartsRandomAccess(0x1b, cut));
	EXPECT_FALSE(pesStartsRandomAccess(0x1b, std::span(cut).first(8)));
	/* Other stream types are never judged by content. */
	EXPECT_FALSE(pesStartsRandomAccess(0x0f, pes(kH264Idr)));
}

TEST(TsRandomAccess, H265AndMpeg2)
{
	/* NAL header byte = type << 1. */
	EXPECT_TRUE(pesStartsRandomAccess(0x24, pes({0, 0, 1, 19 << 1, 1}))); /* IDR_W_RADL */
	EXPECT_TRUE(pesStartsRandomAccess(0x24, pes({0, 0, 1, 21 << 1, 1}))); /* CRA */
	EXPECT_TRUE(
		pesStartsRandomAccess(0x24, pes({0, 0, 1, 35 << 1, 1, 0x50, 0, 0, 1, 32 << 1, 1})));
	EXPECT_FALSE(pesStartsRandomAccess(0x24, pes({0, 0, 1, 1 << 1, 1}))); /* TRAIL_R */
	EXPECT_FALSE(pesStartsRandomAccess(0x24, pes({0, 0, 1, 35 << 1, 1, 0x50, 0, 0, 1, 0, 1})));

	EXPECT_TRUE(pesStartsRandomAccess(0x02, pes({0, 0, 1, 0xb3, 0x14})));
	EXPECT_TRUE(pesStartsRandomAccess(0x02, pes({0, 0, 1, 0xb8, 0x00})));
	EXPECT_FALSE(pesStartsRandomAccess(0x02, pes({0, 0, 1, 0x00, 0x00})));
}

namespace {

/* A program: PAT, PMT, then whatever the test appends. */
struct Stream {
	std::vector<Bytes> packets;

	explicit Stream(const std::vector<Es> &streams)
	{
		packets.push_back(psiPacket(0, patSection(1, 0x20)));
		packets.push_back(psiPacket(0x20, pmtSection(1, streams)));
	}
};

std::vector<TsScanResult> scanAll(TsScanner &scanner, const std::vector<Bytes> &packets)
{
	std::vector<TsScanResult> results;
	for (const Bytes &p : packets)
		results.push_back(scanner.scan(p));
	return results;
}

} /* namespace */

TEST(TsScanner, FindsProgramAndRaiKeyframes)
{
	Stream s({{0x0f, 0x101}, {0x1b, 0x100}});
	s.packets.push_back(
		packet({.pid = 0x100, .pusi = true, .cc = 0, .rai = true}, pes(kH264Idr)));
	s.packets.push_back(packet({.pid = 0x100, .cc = 1}, {}));
	/* Content looks like an IDR, but this stream sets RAI: only RAI counts. */
	s.packets.push_back(packet({.pid = 0x100, .pusi = true, .cc = 2}, pes(kH264Idr)));
	s.packets.push_back(packet({.pid = 0x101, .pusi = true}, {0, 0, 1, 0xc0}));
	s.packets.push_back(
		packet({.pid = 0x100, .pusi = true, .cc = 3, .rai = true}, pes(kH264Inter)));

	TsScanner scanner;
	auto r = scanAll(scanner, s.packets);
	EXPECT_EQ(r[0].table, TsScanResult::Table::Pat);
	EXPECT_TRUE(r[0].tableUpdated && r[0].tableChanged);
	EXPECT_EQ(r[1].table, TsScanResult::Table::Pmt);
	EXPECT_TRUE(r[1].tableUpdated);
	EXPECT_TRUE(r[2].randomAccess);
	EXPECT_FALSE(r[3].randomAccess);
	EXPECT_FALSE(r[4].randomAccess);
	EXPECT_FALSE(r[5].randomAccess); /* audio PID, not the key stream */
	EXPECT_TRUE(r[6].randomAccess); /* RAI rules */

	ASSERT_TRUE(scanner.keyStream());
	EXPECT_EQ(scanner.keyStream()->pid, 0x100);
	EXPECT_EQ(scanner.pmtPid(), 0x20);
	ASSERT_TRUE(scanner.pmt());
	EXPECT_EQ(scanner.pmt()->streams.size(), 2u);

	/* A repeated, identical table is an update, not a change. */
	TsScanResult again = scanner.scan(psiPacket(0, patSection(1, 0x20), 1));
	EXPECT_TRUE(again.tableUpdated);
	EXPECT_FALSE(again.tableChanged);
	EXPECT_EQ(scanner.patContinuityCounter(), 1);
}

TEST(TsScanner, ContentDecidesWithoutRai)
{
	Stream s({{0x1b, 0x100}});
	s.packets.push_back(packet({.pid = 0x100, .pusi = true, .cc = 0}, pes(kH264Inter)));
	s.packets.push_back(packet({.pid = 0x100, .pusi = true, .cc = 1}, pes(kH264Sps)));
	s.packets.push_back(packet({.pid = 0x100, .cc = 2}, pes(kH264Idr))); /* no PUSI */
	s.packets.push_back(
		packet({.pid = 0x100, .pusi = true, .cc = 3, .scrambling = 2}, pes(kH264Idr)));
	TsScanner scanner;
	auto r = scanAll(scanner, s.packets);
	EXPECT_FALSE(r[2].randomAccess);
	EXPECT_TRUE(r[3].randomAccess);
	EXPECT_FALSE(r[4].randomAccess);
	EXPECT_FALSE(r[5].randomAccess);
}

TEST(TsScanner, AudioOnlyProgramsStartAtEveryPes)
{
	Stream s({{0x06, 0x102}, {0x0f, 0x101}});
	s.packets.push_back(packet({.pid = 0x101, .pusi = true}, {0, 0, 1, 0xc0}));
	s.packets.push_back(packet({.pid = 0x101, .cc = 1}, {}));
	TsScanner scanner;
	auto r = scanAll(scanner, s.packets);
	EXPECT_TRUE(r[2].randomAccess);
	EXPECT_FALSE(r[3].randomAccess);

	/* Nothing to start from at all. */
	Stream none({{0x06, 0x102}});
	none.packets.push_back(packet({.pid = 0x102, .pusi = true, .rai = true}, {}));
	TsScanner other;
	EXPECT_FALSE(scanAll(other, none.packets)[2].randomAccess);
	EXPECT_FALSE(other.keyStream());
}

TEST(TsScanner, BelievesOnlyValidTablesOfItsProgram)
{
	TsScanner scanner;
	/* A PMT before any PAT, a PAT with a bad CRC: nothing. */
	scanner.scan(psiPacket(0x20, pmtSection(1, {{0x1b, 0x100}})));
	Bytes badPat = patSection(1, 0x20);
	badPat.back() ^= 1;
	EXPECT_FALSE(scanner.scan(psiPacket(0, badPat)).tableUpdated);
	EXPECT_FALSE(scanner.pat());

	EXPECT_TRUE(scanner.scan(psiPacket(0, patSection(1, 0x20), 1)).tableUpdated);
	/* Another program's PMT on the same PID is not taken. */
	EXPECT_FALSE(scanner.scan(psiPacket(0x20, pmtSection(2, {{0x1b, 0x100}}), 0)).tableUpdated);
	EXPECT_TRUE(scanner.scan(psiPacket(0x20, pmtSection(1, {{0x1b, 0x100}}), 1)).tableUpdated);
	EXPECT_TRUE(scanner.keyStream());

	/* The PAT moves the PMT: the old one is forgotten until the new PID delivers. */
	TsScanResult moved = scanner.scan(psiPacket(0, patSection(1, 0x30, 1), 2));
	EXPECT_TRUE(moved.tableChanged);
	EXPECT_FALSE(scanner.pmt());
	EXPECT_FALSE(scanner.keyStream());
	EXPECT_TRUE(scanner.pmtSection().empty());
	EXPECT_FALSE(scanner.scan(packet({.pid = 0x100, .pusi = true, .rai = true}, pes(kH264Idr)))
			     .randomAccess);
	EXPECT_EQ(scanner.scan(psiPacket(0x30, pmtSection(1, {{0x24, 0x200}}))).table,
		  TsScanResult::Table::Pmt);
	EXPECT_EQ(scanner.keyStream()->streamType, 0x24);

	scanner.reset();
	EXPECT_FALSE(scanner.pat());
	EXPECT_FALSE(scanner.pmtPid());
	EXPECT_TRUE(scanner.patSection().empty());
}

TEST(TsPacketize, RoundTripsThroughTheAssembler)
{
	std::vector<Es> streams;
	for (uint16_t i = 0; i < 40; i++)
		streams.push_back({0x0f, static_cast<uint16_t>(0x101 + i), Bytes(10, 0x0a)});
	Bytes pmt = pmtSection(1, streams);
	ASSERT_GT(pmt.size(), 2 * 184u);

	Bytes packets = tsPacketizeSection(0x20, pmt, 2);
	ASSERT_EQ(packets.size() % kTsPacketSize, 0u);
	size_t count = packets.size() / kTsPacketSize;
	EXPECT_EQ(count, (pmt.size() + 1 + 183) / 184);

	TsSectionAssembler assembler;
	std::vector<Bytes> out;
	for (size_t i = 0; i < count; i++) {
		std::span<const uint8_t> p(packets.data() + i * kTsPacketSize, kTsPacketSize);
		auto h = parseTsPacket(p);
		ASSERT_TRUE(h);
		EXPECT_EQ(h->pid, 0x20);
		EXPECT_EQ(h->payloadUnitStart, i == 0);
		EXPECT_EQ(h->continuityCounter, (2 - (count - 1 - i)) & 0x0f);
		for (const Bytes &s : assembler.push(p, *h))
			out.push_back(s);
	}
	ASSERT_EQ(out.size(), 1u);
	EXPECT_EQ(out[0], pmt);

	/* One packet, exactly as a muxer makes it. */
	Bytes pat = unhex(kFfmpegPatSection);
	Bytes single = tsPacketizeSection(0, pat, 7);
	ASSERT_EQ(single.size(), kTsPacketSize);
	EXPECT_EQ(hex(std::span(single).first(5 + pat.size())),
		  "4740001700" + std::string(kFfmpegPatSection));

	EXPECT_TRUE(tsPacketizeSection(0, {}, 0).empty());
	EXPECT_TRUE(tsPacketizeSection(0, Bytes(4097, 0), 0).empty());
}
