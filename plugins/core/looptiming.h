/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The time arithmetic of a clip played in a loop as one endless live stream.
 */

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

inline constexpr uint64_t kLoopNoTime = UINT64_MAX;

/* One access unit of a clip as demuxed; times in nanoseconds on the file's timeline. */
struct LoopUnit {
	uint64_t pts = kLoopNoTime;
	uint64_t dts = kLoopNoTime; /* kLoopNoTime when the container gives none */
	uint64_t duration = kLoopNoTime;
	bool keyframe = true;
};

/* One elementary stream of the clip, its units in decode order. */
struct LoopTrack {
	bool video = false;
	std::vector<LoopUnit> units;
};

/*
 * How a clip repeats. Loop n plays units [0, units[i]) of track i, a unit at file time t going
 * out at start + (t - origin) + n * length: one origin for every track keeps the file's own
 * audio/video offset, and one length keeps every track in step loop after loop.
 */
struct LoopPlan {
	uint64_t length = 0; /* L, ns */
	uint64_t origin = 0; /* file time that lands on the shared start */
	size_t reference = 0; /* the track that sets L: the first video track, else the first */
	std::vector<size_t> units; /* per track: units played per loop (a prefix in decode order) */
	/* Per track: how much shorter than L its kept units are; silence or stillness at each seam.
	 */
	std::vector<uint64_t> shortBy;
};

/*
 * Plans the loop and completes the tracks' timestamps in place (a unit without pts takes the
 * previous one's end; without duration, the distance to the next unit in presentation order,
 * or for the last one its predecessor's).
 *
 * L is the reference track's span: from its earliest pts to the end (pts + duration) of its
 * latest in presentation order. Other tracks are cut to L, counted from their own first unit:
 * a unit that would end past it is dropped with all that follow, so consecutive loops never
 * overlap and leave a gap shorter than one unit. A video reference must start on a keyframe.
 *
 * False with error (a sentence fragment, e.g. "its first video frame is not a keyframe") when
 * the clip cannot loop.
 */
bool planLoop(std::vector<LoopTrack> &tracks, LoopPlan &plan, std::string &error);

/* Output time of file time t (at or after plan.origin) in loop n, from start. */
inline uint64_t loopTime(const LoopPlan &plan, uint64_t start, uint64_t t, uint64_t n)
{
	return start + (t - plan.origin) + n * plan.length;
}

} /* namespace sluice */
