/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The byte stream between sluice-ingest and smartsrc (see ingestwire.h).
 */

#include "ingestwire.h"

#include <bit>
#include <cstring>

namespace sluice {

namespace {

void put32(std::vector<uint8_t> &out, uint32_t value)
{
	for (int i = 0; i < 4; i++)
		out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void put64(std::vector<uint8_t> &out, uint64_t value)
{
	for (int i = 0; i < 8; i++)
		out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

/* Reads little-endian fields off the front of a payload, remembering an overrun. */
class Cursor
{
public:
	explicit Cursor(std::span<const uint8_t> bytes) : bytes_(bytes) { }

	uint32_t u32() { return static_cast<uint32_t>(take(4)); }
	uint64_t u64() { return take(8); }
	double f64() { return std::bit_cast<double>(take(8)); }
	bool ok() const { return ok_; }
	std::span<const uint8_t> rest() const { return bytes_.subspan(at_); }

private:
	uint64_t take(size_t n)
	{
		if (bytes_.size() - at_ < n) {
			ok_ = false;
			at_ = bytes_.size();
			return 0;
		}
		uint64_t value = 0;
		for (size_t i = 0; i < n; i++)
			value |= static_cast<uint64_t>(bytes_[at_ + i]) << (8 * i);
		at_ += n;
		return value;
	}

	std::span<const uint8_t> bytes_;
	size_t at_ = 0;
	bool ok_ = true;
};

bool knownType(uint8_t type)
{
	switch (static_cast<IngestFrameType>(type)) {
	case IngestFrameType::Caps:
	case IngestFrameType::Segment:
	case IngestFrameType::Sample:
	case IngestFrameType::EndOfStream:
	case IngestFrameType::Findings:
	case IngestFrameType::Error:
		return true;
	}
	return false;
}

} /* namespace */

std::vector<uint8_t> encodeIngestHeader(IngestFrameType type, uint8_t stream, uint32_t size)
{
	std::vector<uint8_t> out {static_cast<uint8_t>(type), stream, 0, 0};
	put32(out, size);
	return out;
}

std::vector<uint8_t> encodeIngestSampleHeader(const IngestSampleHeader &header)
{
	std::vector<uint8_t> out;
	out.reserve(kIngestSampleHeaderSize);
	put64(out, header.pts);
	put64(out, header.dts);
	put64(out, header.duration);
	put32(out, header.flags);
	return out;
}

std::vector<uint8_t> encodeIngestSegment(const IngestSegment &segment)
{
	std::vector<uint8_t> out;
	out.reserve(kIngestSegmentSize);
	put64(out, std::bit_cast<uint64_t>(segment.rate));
	put64(out, std::bit_cast<uint64_t>(segment.appliedRate));
	put32(out, segment.flags);
	for (uint64_t value : {segment.base, segment.offset, segment.start, segment.stop,
			       segment.time, segment.position, segment.duration})
		put64(out, value);
	return out;
}

std::vector<uint8_t> encodeIngestError(const IngestError &error)
{
	std::vector<uint8_t> out;
	put32(out, static_cast<uint32_t>(error.code));
	put32(out, static_cast<uint32_t>(error.domain.size()));
	out.insert(out.end(), error.domain.begin(), error.domain.end());
	out.insert(out.end(), error.message.begin(), error.message.end());
	return out;
}

std::optional<IngestSampleHeader> decodeIngestSampleHeader(std::span<const uint8_t> payload)
{
	Cursor in(payload);
	IngestSampleHeader header;
	header.pts = in.u64();
	header.dts = in.u64();
	header.duration = in.u64();
	header.flags = in.u32();
	if (!in.ok())
		return std::nullopt;
	return header;
}

std::optional<IngestSegment> decodeIngestSegment(std::span<const uint8_t> payload)
{
	if (payload.size() != kIngestSegmentSize)
		return std::nullopt;
	Cursor in(payload);
	IngestSegment segment;
	segment.rate = in.f64();
	segment.appliedRate = in.f64();
	segment.flags = in.u32();
	for (uint64_t *value : {&segment.base, &segment.offset, &segment.start, &segment.stop,
				&segment.time, &segment.position, &segment.duration})
		*value = in.u64();
	/* A rate of 0, or not a number, is no segment GStreamer would accept. */
	if (!(segment.rate != 0.0 && segment.rate == segment.rate)
	    || !(segment.appliedRate != 0.0 && segment.appliedRate == segment.appliedRate))
		return std::nullopt;
	return segment;
}

std::optional<IngestError> decodeIngestError(std::span<const uint8_t> payload)
{
	Cursor in(payload);
	IngestError error;
	error.code = static_cast<int32_t>(in.u32());
	uint32_t domainSize = in.u32();
	if (!in.ok() || domainSize > in.rest().size())
		return std::nullopt;
	std::span<const uint8_t> rest = in.rest();
	error.domain.assign(rest.begin(), rest.begin() + domainSize);
	error.message.assign(rest.begin() + domainSize, rest.end());
	return error;
}

void IngestFrameReader::feed(std::span<const uint8_t> bytes)
{
	if (failed())
		return;
	/* Drop what earlier frames used before growing. */
	if (consumed_) {
		buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(consumed_));
		consumed_ = 0;
	}
	buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::optional<IngestFrame> IngestFrameReader::next()
{
	if (failed() || pending() < kIngestHeaderSize)
		return std::nullopt;
	const uint8_t *header = buffer_.data() + consumed_;
	uint32_t size = 0;
	for (int i = 0; i < 4; i++)
		size |= static_cast<uint32_t>(header[4 + i]) << (8 * i);
	if (!knownType(header[0]))
		problem_ = "unknown frame type " + std::to_string(header[0]);
	else if (header[1] >= kMaxIngestStreams)
		problem_ = "stream index " + std::to_string(header[1]) + " out of range";
	else if (header[2] || header[3])
		problem_ = "reserved header bytes are not zero";
	else if (size > kMaxIngestPayload)
		problem_ = "frame of " + std::to_string(size) + " bytes is over the limit";
	if (failed())
		return std::nullopt;
	if (pending() - kIngestHeaderSize < size)
		return std::nullopt;
	IngestFrame frame {static_cast<IngestFrameType>(header[0]), header[1],
			   std::span<const uint8_t>(header + kIngestHeaderSize, size)};
	consumed_ += kIngestHeaderSize + size;
	return frame;
}

} /* namespace sluice */
