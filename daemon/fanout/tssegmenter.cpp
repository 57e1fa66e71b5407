/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS v3 from a continuous MPEG-TS: segments cut at random access points, and their playlist.
 */

#include "tssegmenter.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sluice {

namespace {

constexpr uint64_t kClockHz = 27000000;
constexpr uint64_t kPcrModulus = (uint64_t(1) << 33) * 300;
constexpr uint64_t kPtsModulus = uint64_t(1) << 33;

/* The PTS of a PES header at the start of a payload, or nullopt. */
std::optional<uint64_t> pesPts(std::span<const uint8_t> payload)
{
	if (payload.size() < 14 || payload[0] != 0 || payload[1] != 0 || payload[2] != 1)
		return std::nullopt;
	/* Stream ids without the optional PES header (padding, private_stream_2, ...). */
	const uint8_t id = payload[3];
	if (id == 0xbc || id == 0xbe || id == 0xbf || id == 0xf0 || id == 0xf1 || id == 0xff
	    || id == 0xf2 || id == 0xf8)
		return std::nullopt;
	if ((payload[6] & 0xc0) != 0x80 || !(payload[7] & 0x80))
		return std::nullopt;
	const uint8_t *p = payload.data() + 9;
	return (uint64_t(p[0] >> 1 & 0x07) << 30) | (uint64_t(p[1]) << 22)
		| (uint64_t(p[2] >> 1) << 15) | (uint64_t(p[3]) << 7) | (p[4] >> 1);
}

} /* namespace */

TsSegmenter::TsSegmenter() : TsSegmenter(Options {})
{
}

TsSegmenter::TsSegmenter(Options options) : options_(options)
{
	if (options_.windowSize == 0)
		options_.windowSize = 1;
}

TsSegmenter::~TsSegmenter()
{
	dropOpen();
	for (Segment &segment : window_) {
		for (GBytes *part : segment.parts)
			g_bytes_unref(part);
	}
	if (psi_)
		g_bytes_unref(psi_);
}

void TsSegmenter::push(GBytes *chunk)
{
	size_t size = 0;
	const auto *data = static_cast<const uint8_t *>(g_bytes_get_data(chunk, &size));
	if (!data || !size)
		return;

	size_t pos = 0;
	if (!partial_.empty()) {
		size_t take = std::min(kTsPacketSize - partial_.size(), size);
		partial_.insert(partial_.end(), data, data + take);
		pos = take;
		if (partial_.size() < kTsPacketSize)
			return;
		GBytes *packet = g_bytes_new(partial_.data(), partial_.size());
		partial_.clear();
		pushAligned(packet);
		g_bytes_unref(packet);
	}

	/* Runs of packets that start on the sync byte; what lies between them is dropped. */
	while (pos < size) {
		if (data[pos] != kTsSyncByte) {
			const void *found = std::memchr(data + pos, kTsSyncByte, size - pos);
			pos = found
				? static_cast<size_t>(static_cast<const uint8_t *>(found) - data)
				: size;
			continue;
		}
		size_t end = pos;
		while (end + kTsPacketSize <= size && data[end] == kTsSyncByte)
			end += kTsPacketSize;
		if (end == pos) {
			partial_.assign(data + pos, data + size);
			return;
		}
		if (pos == 0 && end == size) {
			pushAligned(chunk);
		} else {
			GBytes *run = g_bytes_new_from_bytes(chunk, pos, end - pos);
			pushAligned(run);
			g_bytes_unref(run);
		}
		pos = end;
		if (pos < size && data[pos] == kTsSyncByte && pos + kTsPacketSize > size) {
			partial_.assign(data + pos, data + size);
			return;
		}
	}
}

void TsSegmenter::pushAligned(GBytes *run)
{
	size_t size = 0;
	const auto *data = static_cast<const uint8_t *>(g_bytes_get_data(run, &size));
	const uint64_t target = static_cast<uint64_t>(options_.targetDurationS * kClockHz);
	const uint64_t tolerance = static_cast<uint64_t>(kCutToleranceS * kClockHz);

	size_t from = 0; /* where the open segment's bytes in this run begin */
	auto append = [&](size_t to) {
		if (!open_ || to <= from)
			return;
		GBytes *part = from == 0 && to == size
			? g_bytes_ref(run)
			: g_bytes_new_from_bytes(run, from, to - from);
		open_->parts.push_back(part);
		open_->bytes += to - from;
	};

	for (size_t off = 0; off + kTsPacketSize <= size; off += kTsPacketSize) {
		std::span<const uint8_t> packet(data + off, kTsPacketSize);
		packetIndex_++;
		TsScanResult r = scanner_.scan(packet);
		if (!r.valid)
			continue;
		if (r.tableUpdated && psi_) {
			g_bytes_unref(psi_);
			psi_ = nullptr;
		}
		updateClock(packet, r);
		if (!r.randomAccess)
			continue;
		const uint64_t time = now();
		if (open_ && time - open_->startClock + tolerance < target)
			continue;
		GBytes *psi = psiPackets();
		if (!psi)
			continue;
		if (open_) {
			append(off);
			finishSegment(time);
		}
		open_.emplace();
		open_->parts.push_back(g_bytes_ref(psi));
		open_->bytes = g_bytes_get_size(psi);
		open_->startClock = time;
		open_->discontinuity = pendingDiscontinuity_;
		pendingDiscontinuity_ = false;
		from = off;
	}
	append(size - size % kTsPacketSize);
	if (open_ && open_->bytes > options_.maxSegmentBytes) {
		dropOpen();
		pendingDiscontinuity_ = nextSequence_ > 0;
	}
}

void TsSegmenter::updateClock(std::span<const uint8_t> packet, const TsScanResult &r)
{
	const std::optional<TsPmt> &pmt = scanner_.pmt();
	if (r.header.pcr && (!pmt || r.header.pid == pmt->pcrPid)) {
		havePcr_ = true;
		const uint64_t before = clock_;
		const uint64_t packets = packetIndex_ - lastPcrPacket_;
		ticksPerPacket_
			= advanceClock(*r.header.pcr, kPcrModulus, 1, r.header.discontinuity)
				&& packets
			? double(clock_ - before) / double(packets)
			: 0;
		lastPcrPacket_ = packetIndex_;
		return;
	}
	if (havePcr_ || !r.header.payloadUnitStart || !r.header.hasPayload)
		return;
	std::optional<TsElementaryStream> key = scanner_.keyStream();
	if (!key || key->pid != r.header.pid)
		return;
	if (std::optional<uint64_t> pts = pesPts(tsPayload(packet, r.header)))
		advanceClock(*pts, kPtsModulus, 300, r.header.discontinuity);
}

uint64_t TsSegmenter::now() const
{
	if (!havePcr_ || ticksPerPacket_ <= 0)
		return clock_;
	const double ahead = ticksPerPacket_ * double(packetIndex_ - lastPcrPacket_);
	return clock_ + static_cast<uint64_t>(std::min(ahead, kMaxPcrIntervalS * kClockHz));
}

bool TsSegmenter::advanceClock(uint64_t value, uint64_t modulus, uint64_t ticksPerUnit, bool jump)
{
	if (!lastRaw_ || jump) {
		lastRaw_ = value;
		return false;
	}
	/* The step from the last value, wrap-aware: in (-modulus/2, modulus/2]. */
	int64_t step = static_cast<int64_t>((value + modulus - *lastRaw_ % modulus) % modulus);
	if (step > static_cast<int64_t>(modulus / 2))
		step -= static_cast<int64_t>(modulus);
	const int64_t maxStep = static_cast<int64_t>(kMaxClockStepS * kClockHz / ticksPerUnit);
	if (step > 0 && step <= maxStep) {
		clock_ += static_cast<uint64_t>(step) * ticksPerUnit;
		lastRaw_ = value;
		return true;
	}
	if (step < -maxStep || step > maxStep)
		lastRaw_ = value; /* a jump: resynchronise, do not advance */
	/* A small step back (PTS of a reordered picture) is ignored. */
	return false;
}

GBytes *TsSegmenter::psiPackets()
{
	if (!psi_) {
		std::optional<uint16_t> pmtPid = scanner_.pmtPid();
		if (scanner_.patSection().empty() || scanner_.pmtSection().empty() || !pmtPid)
			return nullptr;
		std::vector<uint8_t> packets = tsPacketizeSection(kTsPatPid, scanner_.patSection(),
								  scanner_.patContinuityCounter());
		std::vector<uint8_t> pmt = tsPacketizeSection(*pmtPid, scanner_.pmtSection(),
							      scanner_.pmtContinuityCounter());
		packets.insert(packets.end(), pmt.begin(), pmt.end());
		psi_ = g_bytes_new(packets.data(), packets.size());
	}
	return psi_;
}

void TsSegmenter::finishSegment(uint64_t end)
{
	Segment segment;
	segment.sequence = nextSequence_++;
	segment.durationS
		= end > open_->startClock ? double(end - open_->startClock) / kClockHz : 0;
	segment.discontinuity = open_->discontinuity;
	segment.parts = std::move(open_->parts);
	segment.bytes = open_->bytes;
	open_.reset();
	maxDurationS_ = std::max(maxDurationS_, segment.durationS);
	window_.push_back(std::move(segment));
	while (window_.size() > options_.windowSize) {
		Segment &old = window_.front();
		if (old.discontinuity)
			discontinuitySequence_++;
		for (GBytes *part : old.parts)
			g_bytes_unref(part);
		window_.pop_front();
	}
}

void TsSegmenter::dropOpen()
{
	if (!open_)
		return;
	for (GBytes *part : open_->parts)
		g_bytes_unref(part);
	open_.reset();
}

void TsSegmenter::reset()
{
	scanner_.reset();
	partial_.clear();
	dropOpen();
	if (psi_) {
		g_bytes_unref(psi_);
		psi_ = nullptr;
	}
	lastRaw_.reset();
	havePcr_ = false;
	ticksPerPacket_ = 0;
	pendingDiscontinuity_ = nextSequence_ > 0;
}

const TsSegmenter::Segment *TsSegmenter::segment(uint64_t sequence) const
{
	if (window_.empty() || sequence < window_.front().sequence
	    || sequence > window_.back().sequence)
		return nullptr;
	return &window_[sequence - window_.front().sequence];
}

std::string TsSegmenter::playlist(std::string_view prefix) const
{
	if (window_.empty())
		return {};
	auto decimal = [](double value) {
		char text[G_ASCII_DTOSTR_BUF_SIZE];
		return std::string(g_ascii_formatd(text, sizeof(text), "%.3f", value));
	};
	/*
	 * RFC 8216 4.3.3.1: every EXTINF rounded to the nearest integer is at most the target,
	 * and (6.2.1) the target does not change. So it is the configured duration, which
	 * segments cut on keyframes overshoot by a frame or two; only a source whose GOPs are
	 * longer than that raises it, once, to the longest segment made, as written.
	 */
	const double longest = g_ascii_strtod(decimal(maxDurationS_).c_str(), nullptr);
	const uint64_t target = std::max<uint64_t>(
		{1, static_cast<uint64_t>(std::ceil(options_.targetDurationS - 0.001)),
		 static_cast<uint64_t>(std::floor(longest + 0.5))});
	bool discontinuities = discontinuitySequence_ > 0;
	for (const Segment &segment : window_)
		discontinuities = discontinuities || segment.discontinuity;

	std::string text
		= "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:" + std::to_string(target)
		+ "\n#EXT-X-MEDIA-SEQUENCE:" + std::to_string(window_.front().sequence) + "\n";
	if (discontinuities)
		text += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(discontinuitySequence_)
			+ "\n";
	for (const Segment &segment : window_) {
		if (segment.discontinuity)
			text += "#EXT-X-DISCONTINUITY\n";
		text += "#EXTINF:" + decimal(segment.durationS) + ",\n";
		text += std::string(prefix) + "ts-" + std::to_string(segment.sequence) + ".ts\n";
	}
	return text;
}

std::optional<uint64_t> TsSegmenter::parseSegmentName(std::string_view name)
{
	if (!name.starts_with("ts-") || !name.ends_with(".ts") || name.size() < 7
	    || name.size() > 26)
		return std::nullopt;
	std::string_view digits = name.substr(3, name.size() - 6);
	if (digits.size() > 19)
		return std::nullopt;
	uint64_t value = 0;
	for (char c : digits) {
		if (c < '0' || c > '9')
			return std::nullopt;
		value = value * 10 + static_cast<uint64_t>(c - '0');
	}
	if (digits.size() > 1 && digits[0] == '0')
		return std::nullopt;
	return value;
}

} /* namespace sluice */
