/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS v3 from a continuous MPEG-TS: segments cut at random access points, and their playlist.
 */

#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <glib.h>

#include "tspackets.h"

namespace sluice {

/*
 * Cuts one channel's MPEG-TS (the chunks TsFanout gets) into HLS segments without copying it:
 * a segment is a list of GBytes, slices of the pushed chunks (g_bytes_new_from_bytes), served by
 * appending them to a response body.
 *
 *   segment n:  [PAT][PMT]  [random access point ... packets ...]  | next random access point
 *               rebuilt      as pushed                             | >= target since the start
 *
 * A segment starts at a random access point (TsScanner's) and ends at the first random access
 * point at which it has lasted at least targetDurationS. PAT and PMT are rebuilt in front of it
 * from the sections in force (like TsFanout does for a joining client), so any segment can be
 * the first a player fetches.
 *
 * Time: the program's PCR (its PCR_PID, 27 MHz). Between two PCRs a packet's time is
 * interpolated from its position, at the rate of the last PCR interval (ISO/IEC 13818-1 2.4.2.2
 * defines the time of every byte so), at most kMaxPcrIntervalS past the last PCR: muxers send a
 * PCR only every 20..100 ms, and the keyframe that ends a segment is rarely the packet carrying
 * one. A random access point within kCutToleranceS of the target ends the segment too (an
 * interpolated or PCR-late time would otherwise make it one GOP longer). A stream that never
 * carried a PCR is timed by the PTS of its key stream's PES headers (90 kHz) instead; PTS steps
 * backwards (B-frame reordering) are ignored. Either clock is unwrapped (33-bit base) into a
 * running clock that only advances by plausible steps: a step backwards or forwards by more than
 * kMaxClockStepS (a wrap gone wrong, a discontinuity_indicator, a new source) resynchronises the
 * clock without advancing it, so a jump never becomes a long EXTINF.
 *
 * The window keeps the last windowSize segments; media sequence numbers only grow (the first
 * segment is number 0). reset() (a source switch) drops the segment in progress and marks the
 * next segment with #EXT-X-DISCONTINUITY; #EXT-X-DISCONTINUITY-SEQUENCE counts the
 * discontinuities that left the window. A segment that grows past maxSegmentBytes without a
 * random access point is dropped, and the next one starts with a discontinuity.
 *
 * Input: whole packets are expected; a chunk that ends mid-packet is completed by the next (the
 * split packet is copied); bytes off the sync byte are skipped to the next 0x47.
 *
 * Main thread only (no locking): the daemon pushes and serves on its main context.
 */
class TsSegmenter
{
public:
	struct Options {
		double targetDurationS = 2.0;
		size_t windowSize = 6;
		size_t maxSegmentBytes = 64 << 20;
	};

	/* A finished segment. Holds a reference on each part. */
	struct Segment {
		uint64_t sequence = 0;
		double durationS = 0;
		bool discontinuity = false; /* #EXT-X-DISCONTINUITY before it */
		std::vector<GBytes *> parts;
		size_t bytes = 0;
	};

	static constexpr double kMaxClockStepS = 10.0;
	static constexpr double kMaxPcrIntervalS = 0.1;
	static constexpr double kCutToleranceS = 0.05;

	/* Two constructors: see TsFanout. */
	TsSegmenter();
	explicit TsSegmenter(Options options);
	~TsSegmenter();
	TsSegmenter(const TsSegmenter &) = delete;
	TsSegmenter &operator=(const TsSegmenter &) = delete;

	/* Whole TS packets, in order. */
	void push(GBytes *packets);
	/* A new source: forget the tables, the clock and the segment in progress; the next
	 * segment starts with a discontinuity. Finished segments stay listed. */
	void reset();

	/* The finished segments in the window, oldest first. */
	const std::deque<Segment> &segments() const { return window_; }
	/* A segment in the window by its media sequence number, or null. */
	const Segment *segment(uint64_t sequence) const;
	/* Segments finished since the start (the next sequence number). */
	uint64_t finished() const { return nextSequence_; }

	/*
	 * The HLS v3 media playlist of the window; segment URIs are prefix + "ts-<n>.ts". Empty
	 * while no segment is finished.
	 */
	std::string playlist(std::string_view prefix) const;

	/* "ts-<n>.ts" -> n; nullopt for any other name. */
	static std::optional<uint64_t> parseSegmentName(std::string_view name);

private:
	struct Open {
		std::vector<GBytes *> parts;
		size_t bytes = 0;
		uint64_t startClock = 0;
		bool discontinuity = false;
	};

	void pushAligned(GBytes *run);
	/* Advances the clock from one packet (PCR, or PTS when the stream has no PCR). */
	void updateClock(std::span<const uint8_t> packet, const TsScanResult &result);
	/* Whether the clock advanced (false: first value, a step back, or a jump). */
	bool advanceClock(uint64_t value, uint64_t modulus, uint64_t ticksPerUnit, bool jump);
	/* The time of the current packet: the clock, interpolated past the last PCR. */
	uint64_t now() const;
	/* PAT + PMT packets as a segment starts with them now; null before both are known. */
	GBytes *psiPackets();
	void finishSegment(uint64_t end);
	void dropOpen();

	Options options_;
	TsScanner scanner_;
	std::vector<uint8_t> partial_;

	/* The running clock, 27 MHz, and the last raw value it was advanced from. */
	double maxDurationS_ = 0; /* the longest segment made: #EXT-X-TARGETDURATION */
	uint64_t clock_ = 0;
	std::optional<uint64_t> lastRaw_;
	bool havePcr_ = false; /* a PCR was seen since reset(): PTS is ignored */
	uint64_t packetIndex_ = 0; /* packets scanned since the start */
	uint64_t lastPcrPacket_ = 0; /* packetIndex_ of the last PCR */
	double ticksPerPacket_ = 0; /* over the last PCR interval; 0: unknown */

	std::optional<Open> open_;
	bool pendingDiscontinuity_ = false;
	std::deque<Segment> window_;
	uint64_t nextSequence_ = 0;
	uint64_t discontinuitySequence_ = 0;
	GBytes *psi_ = nullptr; /* owned; cleared when a table changes */
};

} /* namespace sluice */
