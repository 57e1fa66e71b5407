/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The frames between sluice-ingest and smartsrc: written, split anywhere, read back; broken
 * streams refused.
 */

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingestwire.h"

using namespace sluice;

namespace {

std::vector<uint8_t> frame(IngestFrameType type, uint8_t stream,
			   const std::vector<uint8_t> &payload)
{
	std::vector<uint8_t> out
		= encodeIngestHeader(type, stream, static_cast<uint32_t>(payload.size()));
	out.insert(out.end(), payload.begin(), payload.end());
	return out;
}

std::vector<uint8_t> bytesOf(const std::string &text)
{
	return {text.begin(), text.end()};
}

} /* namespace */

TEST(IngestWire, SampleHeaderRoundTrips)
{
	IngestSampleHeader in {90000, 80000, 40000000, 0x2000};
	std::vector<uint8_t> bytes = encodeIngestSampleHeader(in);
	ASSERT_EQ(bytes.size(), kIngestSampleHeaderSize);
	bytes.push_back(0x65); /* the sample's data follows the header */
	auto out = decodeIngestSampleHeader(bytes);
	ASSERT_TRUE(out);
	EXPECT_EQ(out->pts, 90000u);
	EXPECT_EQ(out->dts, 80000u);
	EXPECT_EQ(out->duration, 40000000u);
	EXPECT_EQ(out->flags, 0x2000u);
	EXPECT_FALSE(decodeIngestSampleHeader(std::span(bytes).first(10)));
}

TEST(IngestWire, SegmentRoundTripsAndRejectsZeroRate)
{
	IngestSegment in;
	in.rate = 1.0;
	in.start = 3600000000000ull;
	in.time = 12;
	in.base = 7;
	std::vector<uint8_t> bytes = encodeIngestSegment(in);
	ASSERT_EQ(bytes.size(), kIngestSegmentSize);
	auto out = decodeIngestSegment(bytes);
	ASSERT_TRUE(out);
	EXPECT_EQ(out->start, in.start);
	EXPECT_EQ(out->time, 12u);
	EXPECT_EQ(out->base, 7u);
	EXPECT_EQ(out->stop, UINT64_MAX);

	in.rate = 0.0;
	EXPECT_FALSE(decodeIngestSegment(encodeIngestSegment(in)));
	bytes.pop_back();
	EXPECT_FALSE(decodeIngestSegment(bytes));
}

TEST(IngestWire, ErrorRoundTrips)
{
	auto out = decodeIngestError(
		encodeIngestError({"gst-resource-error-quark", 3, "Not Found (404)"}));
	ASSERT_TRUE(out);
	EXPECT_EQ(out->domain, "gst-resource-error-quark");
	EXPECT_EQ(out->code, 3);
	EXPECT_EQ(out->message, "Not Found (404)");
	std::vector<uint8_t> lying = encodeIngestError({"abc", 1, ""});
	lying[4] = 200; /* a domain longer than the payload */
	EXPECT_FALSE(decodeIngestError(lying));
}

TEST(IngestWire, FramesSplitAnywhereComeOutWhole)
{
	std::vector<uint8_t> stream;
	for (const auto &f : {frame(IngestFrameType::Caps, 0, bytesOf("video/x-h264")),
			      frame(IngestFrameType::Sample, 1, std::vector<uint8_t>(40, 7)),
			      frame(IngestFrameType::EndOfStream, 1, {})})
		stream.insert(stream.end(), f.begin(), f.end());

	IngestFrameReader reader;
	std::vector<std::pair<IngestFrameType, size_t>> seen;
	for (uint8_t byte : stream) {
		reader.feed(std::span(&byte, 1));
		while (auto f = reader.next())
			seen.emplace_back(f->type, f->payload.size());
	}
	ASSERT_EQ(seen.size(), 3u);
	EXPECT_EQ(seen[0], std::make_pair(IngestFrameType::Caps, size_t(12)));
	EXPECT_EQ(seen[1], std::make_pair(IngestFrameType::Sample, size_t(40)));
	EXPECT_EQ(seen[2], std::make_pair(IngestFrameType::EndOfStream, size_t(0)));
	EXPECT_EQ(reader.pending(), 0u);
	EXPECT_FALSE(reader.failed());
}

TEST(IngestWire, TruncatedFrameStaysPending)
{
	std::vector<uint8_t> f = frame(IngestFrameType::Sample, 0, std::vector<uint8_t>(100, 1));
	IngestFrameReader reader;
	reader.feed(std::span(f).first(60));
	EXPECT_FALSE(reader.next());
	EXPECT_EQ(reader.pending(), 60u);
	EXPECT_FALSE(reader.failed());
}

TEST(IngestWire, BrokenHeadersFailForGood)
{
	struct Case {
		const char *name;
		std::vector<uint8_t> bytes;
	};
	std::vector<uint8_t> oversized = encodeIngestHeader(IngestFrameType::Sample, 0, 0);
	oversized[7] = 0x7f; /* about 2 GB */
	std::vector<uint8_t> reserved = encodeIngestHeader(IngestFrameType::Caps, 0, 0);
	reserved[2] = 1;
	const Case cases[] = {
		{"unknown type", {'Z', 0, 0, 0, 0, 0, 0, 0}},
		{"stream out of range",
		 encodeIngestHeader(IngestFrameType::Caps, kMaxIngestStreams, 0)},
		{"oversized", oversized},
		{"reserved bytes", reserved},
	};
	for (const Case &c : cases) {
		IngestFrameReader reader;
		reader.feed(c.bytes);
		EXPECT_FALSE(reader.next()) << c.name;
		EXPECT_TRUE(reader.failed()) << c.name;
		/* and nothing after it is read */
		std::vector<uint8_t> good = frame(IngestFrameType::EndOfStream, 0, {});
		reader.feed(good);
		EXPECT_FALSE(reader.next()) << c.name;
	}
}
