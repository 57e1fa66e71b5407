/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The byte stream sluice-ingest writes to smartsrc: framed elementary-stream samples and what
 * the child found, read back without trusting it (a child that crashed mid-write leaves a
 * truncated frame; one that misbehaves must not make the reader allocate without bound).
 *
 * A frame is an 8-byte header, then `size` bytes of payload:
 *   byte 0     type (FrameType)
 *   byte 1     stream index (0..kMaxIngestStreams-1; 0 for frames about no stream)
 *   bytes 2-3  zero
 *   bytes 4-7  payload size, little endian, at most kMaxIngestPayload
 */

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

constexpr size_t kIngestHeaderSize = 8;
constexpr uint32_t kMaxIngestPayload = 64 * 1024 * 1024;
constexpr uint8_t kMaxIngestStreams = 32;

enum class IngestFrameType : uint8_t {
	Caps = 'C', /* payload: the stream's caps as text (gst_caps_to_string) */
	Segment = 'G', /* payload: IngestSegment */
	Sample = 'B', /* payload: IngestSampleHeader, then the buffer's bytes */
	EndOfStream = 'E', /* the stream ended (a VOD source's end); no payload */
	Findings = 'F', /* what the source is, as text (gst_structure_to_string) */
	Error = 'X', /* payload: IngestError; the child exits after it */
};

/* What a buffer carries besides its bytes. Times in nanoseconds, UINT64_MAX = none. */
struct IngestSampleHeader {
	uint64_t pts = UINT64_MAX;
	uint64_t dts = UINT64_MAX;
	uint64_t duration = UINT64_MAX;
	uint32_t flags = 0; /* GstBufferFlags */
};
constexpr size_t kIngestSampleHeaderSize = 28;

/* A GstSegment in TIME format, as the child's pad had it. */
struct IngestSegment {
	double rate = 1.0;
	double appliedRate = 1.0;
	uint32_t flags = 0; /* GstSegmentFlags */
	uint64_t base = 0;
	uint64_t offset = 0;
	uint64_t start = 0;
	uint64_t stop = UINT64_MAX;
	uint64_t time = 0;
	uint64_t position = 0;
	uint64_t duration = UINT64_MAX;
};
constexpr size_t kIngestSegmentSize = 2 * 8 + 4 + 7 * 8;

/* An error the child saw, with the GError domain and code the parent should post. */
struct IngestError {
	std::string domain; /* g_quark_to_string of the GError domain */
	int32_t code = 0;
	std::string message;
};

struct IngestFrame {
	IngestFrameType type;
	uint8_t stream = 0;
	std::span<const uint8_t> payload;
};

/* Header bytes of a frame of `size` payload bytes. */
std::vector<uint8_t> encodeIngestHeader(IngestFrameType type, uint8_t stream, uint32_t size);
std::vector<uint8_t> encodeIngestSampleHeader(const IngestSampleHeader &header);
std::vector<uint8_t> encodeIngestSegment(const IngestSegment &segment);
std::vector<uint8_t> encodeIngestError(const IngestError &error);

std::optional<IngestSampleHeader> decodeIngestSampleHeader(std::span<const uint8_t> payload);
std::optional<IngestSegment> decodeIngestSegment(std::span<const uint8_t> payload);
std::optional<IngestError> decodeIngestError(std::span<const uint8_t> payload);

/*
 * Reassembles frames from bytes read in arbitrary pieces. After a malformed header (unknown
 * type, stream out of range, oversized payload) it stays failed: the stream has no resync
 * point, and its writer is to be treated as broken.
 */
class IngestFrameReader
{
public:
	/* Appends bytes read from the child. */
	void feed(std::span<const uint8_t> bytes);
	/*
	 * The next whole frame, valid until the next call to feed() or next(); nullopt when
	 * more bytes are needed or the stream is broken (see failed()).
	 */
	std::optional<IngestFrame> next();
	bool failed() const { return !problem_.empty(); }
	const std::string &problem() const { return problem_; }
	/* Bytes held that do not yet make a whole frame: a truncated frame at the end. */
	size_t pending() const { return buffer_.size() - consumed_; }

private:
	std::vector<uint8_t> buffer_;
	size_t consumed_ = 0;
	std::string problem_;
};

} /* namespace sluice */
