/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The time arithmetic of a clip played in a loop as one endless live stream.
 */

#include "looptiming.h"

#include <algorithm>
#include <numeric>

namespace sluice {

static const char *kindOf(const LoopTrack &track)
{
	return track.video ? "video" : "audio";
}

/* Fills in missing pts and durations; false with error when the track has no timing at all. */
static bool completeTimestamps(LoopTrack &track, std::string &error)
{
	std::vector<LoopUnit> &units = track.units;
	if (units.empty()) {
		error = std::string("its ") + kindOf(track) + " stream has no frames";
		return false;
	}
	for (size_t i = 0; i < units.size(); i++) {
		LoopUnit &u = units[i];
		if (u.pts != kLoopNoTime)
			continue;
		/* A container that only gives decode times, or a parser that left a gap. */
		if (u.dts != kLoopNoTime) {
			u.pts = u.dts;
		} else if (i > 0 && units[i - 1].duration != kLoopNoTime) {
			u.pts = units[i - 1].pts + units[i - 1].duration;
		} else {
			error = std::string("its ") + kindOf(track) + " stream has no timestamps";
			return false;
		}
	}

	/* Durations from the next unit in presentation order: reordered video is fine too. */
	std::vector<size_t> order(units.size());
	std::iota(order.begin(), order.end(), 0);
	std::stable_sort(order.begin(), order.end(),
			 [&units](size_t a, size_t b) { return units[a].pts < units[b].pts; });
	for (size_t k = 0; k + 1 < order.size(); k++) {
		LoopUnit &u = units[order[k]];
		if (u.duration == kLoopNoTime)
			u.duration = units[order[k + 1]].pts - u.pts;
	}
	LoopUnit &last = units[order.back()];
	if (last.duration == kLoopNoTime) {
		if (order.size() < 2) {
			error = std::string("its ") + kindOf(track)
				+ " stream is a single frame of unknown duration";
			return false;
		}
		last.duration = units[order[order.size() - 2]].duration;
	}
	return true;
}

static uint64_t firstPts(const LoopTrack &track)
{
	uint64_t first = kLoopNoTime;
	for (const LoopUnit &u : track.units)
		first = std::min(first, u.pts);
	return first;
}

bool planLoop(std::vector<LoopTrack> &tracks, LoopPlan &plan, std::string &error)
{
	plan = LoopPlan();
	if (tracks.empty()) {
		error = "it has no audio or video stream";
		return false;
	}
	for (LoopTrack &track : tracks) {
		if (!completeTimestamps(track, error))
			return false;
	}

	auto video = std::find_if(tracks.begin(), tracks.end(),
				  [](const LoopTrack &t) { return t.video; });
	plan.reference = video == tracks.end() ? 0 : video - tracks.begin();
	const LoopTrack &reference = tracks[plan.reference];
	/* Every loop restarts the decoder's input at the first frame. */
	if (reference.video && !reference.units.front().keyframe) {
		error = "its first video frame is not a keyframe";
		return false;
	}
	const uint64_t referenceStart = firstPts(reference);
	uint64_t referenceEnd = 0;
	for (const LoopUnit &u : reference.units)
		referenceEnd = std::max(referenceEnd, u.pts + u.duration);
	if (referenceEnd <= referenceStart) {
		error = std::string("its ") + kindOf(reference) + " stream lasts no time";
		return false;
	}
	plan.length = referenceEnd - referenceStart;

	/* Decode times of reordered video come before its first pts: nothing maps below start. */
	plan.origin = kLoopNoTime;
	for (const LoopTrack &track : tracks) {
		plan.origin = std::min(plan.origin, firstPts(track));
		if (track.units.front().dts != kLoopNoTime)
			plan.origin = std::min(plan.origin, track.units.front().dts);
	}

	for (size_t i = 0; i < tracks.size(); i++) {
		const LoopTrack &track = tracks[i];
		const uint64_t first = firstPts(track);
		size_t kept = 0;
		uint64_t end = 0;
		if (i == plan.reference) {
			kept = track.units.size();
			end = plan.length;
		} else {
			for (const LoopUnit &u : track.units) {
				if (u.pts - first + u.duration > plan.length)
					break;
				end = std::max(end, u.pts - first + u.duration);
				kept++;
			}
		}
		if (!kept) {
			error = std::string("its first ") + kindOf(track)
				+ " frame is longer than the whole loop";
			return false;
		}
		plan.units.push_back(kept);
		plan.shortBy.push_back(plan.length - end);
	}
	return true;
}

} /* namespace sluice */
