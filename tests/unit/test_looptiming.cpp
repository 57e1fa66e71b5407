/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * planLoop / loopTime: loop length, trimming, origin, completed timestamps and refusals.
 */

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "looptiming.h"

using namespace sluice;

namespace {

constexpr uint64_t kMs = 1000000;

/*
 * count frames of duration ns, pts rounded to whole milliseconds as Matroska stores them;
 * the first is a keyframe.
 */
LoopTrack track(bool video, size_t count, uint64_t duration, uint64_t offset = 0)
{
	LoopTrack t;
	t.video = video;
	for (size_t i = 0; i < count; i++) {
		LoopUnit u;
		u.pts = offset + (i * duration + kMs / 2) / kMs * kMs;
		u.duration = duration;
		u.keyframe = i == 0 || !video;
		t.units.push_back(u);
	}
	return t;
}

constexpr uint64_t kVideoFrame = 33333333; /* 30 fps */
constexpr uint64_t kAacFrame = 21333333; /* 1024 samples at 48 kHz */

/* Every unit of every loop, in output order per track: no overlap, gaps under one unit. */
void expectContinuous(const std::vector<LoopTrack> &tracks, const LoopPlan &plan,
		      uint64_t tolerance)
{
	const uint64_t start = 5000 * kMs;
	for (size_t i = 0; i < tracks.size(); i++) {
		uint64_t previousEnd = 0;
		for (uint64_t n = 0; n < 4; n++) {
			for (size_t k = 0; k < plan.units[i]; k++) {
				const LoopUnit &u = tracks[i].units[k];
				uint64_t pts = loopTime(plan, start, u.pts, n);
				if (previousEnd) {
					EXPECT_LE(pts, previousEnd + u.duration)
						<< "gap: track " << i << " loop " << n << " unit "
						<< k;
					EXPECT_GE(pts + tolerance, previousEnd)
						<< "overlap: track " << i << " loop " << n
						<< " unit " << k;
				} else {
					EXPECT_GE(pts, start);
				}
				previousEnd = pts + u.duration;
			}
		}
	}
}

TEST(LoopTiming, VideoSetsTheLengthAndLongerAudioIsCut)
{
	/* 2 s of video, 96 AAC frames (2.048 s). */
	std::vector<LoopTrack> tracks = {track(true, 60, kVideoFrame), track(false, 96, kAacFrame)};
	LoopPlan plan;
	std::string error;
	ASSERT_TRUE(planLoop(tracks, plan, error)) << error;
	EXPECT_EQ(plan.reference, 0u);
	EXPECT_EQ(plan.length, 1967 * kMs + kVideoFrame);
	EXPECT_EQ(plan.origin, 0u);
	ASSERT_EQ(plan.units.size(), 2u);
	EXPECT_EQ(plan.units[0], 60u);
	EXPECT_EQ(plan.units[1], 93u) << "frames that end past L are dropped";
	EXPECT_EQ(plan.shortBy[0], 0u);
	EXPECT_LT(plan.shortBy[1], kAacFrame);
	expectContinuous(tracks, plan, kMs);
}

TEST(LoopTiming, AudioOnlyLoopsOnItsOwnSpan)
{
	std::vector<LoopTrack> tracks = {track(false, 50, 20 * kMs, 7 * kMs)};
	LoopPlan plan;
	std::string error;
	ASSERT_TRUE(planLoop(tracks, plan, error)) << error;
	EXPECT_EQ(plan.length, 1000 * kMs);
	EXPECT_EQ(plan.origin, 7 * kMs);
	EXPECT_EQ(plan.units[0], 50u);
	EXPECT_EQ(loopTime(plan, 100 * kMs, 7 * kMs, 0), 100 * kMs);
	EXPECT_EQ(loopTime(plan, 100 * kMs, 27 * kMs, 2), 2120 * kMs);
	expectContinuous(tracks, plan, 0);
}

TEST(LoopTiming, LaterAudioKeepsItsOffsetFromVideo)
{
	std::vector<LoopTrack> tracks
		= {track(true, 30, kVideoFrame, 100 * kMs), track(false, 60, 20 * kMs, 150 * kMs)};
	LoopPlan plan;
	std::string error;
	ASSERT_TRUE(planLoop(tracks, plan, error)) << error;
	EXPECT_EQ(plan.origin, 100 * kMs);
	EXPECT_EQ(loopTime(plan, 0, tracks[0].units[0].pts, 0), 0u);
	EXPECT_EQ(loopTime(plan, 0, tracks[1].units[0].pts, 0), 50 * kMs);
	EXPECT_EQ(loopTime(plan, 0, tracks[1].units[0].pts, 1), 50 * kMs + plan.length);
	expectContinuous(tracks, plan, kMs);
}

TEST(LoopTiming, AudioShorterThanVideoLeavesAGapItReports)
{
	std::vector<LoopTrack> tracks = {track(true, 60, kVideoFrame), track(false, 50, 20 * kMs)};
	LoopPlan plan;
	std::string error;
	ASSERT_TRUE(planLoop(tracks, plan, error)) << error;
	EXPECT_EQ(plan.units[1], 50u);
	EXPECT_EQ(plan.shortBy[1], plan.length - 1000 * kMs);
}

/* I P B B in decode order: the span comes from presentation order, decode times set origin. */
TEST(LoopTiming, ReorderedVideoSpansItsPresentationOrder)
{
	LoopTrack video;
	video.video = true;
	const uint64_t f = 40 * kMs;
	const uint64_t pts[] = {1 * f, 4 * f, 2 * f, 3 * f, 7 * f, 5 * f, 6 * f};
	for (size_t i = 0; i < 7; i++) {
		LoopUnit u;
		u.pts = 1000 * kMs + pts[i];
		u.dts = 1000 * kMs + i * f;
		u.duration = f;
		u.keyframe = i == 0;
		video.units.push_back(u);
	}
	std::vector<LoopTrack> tracks = {video};
	LoopPlan plan;
	std::string error;
	ASSERT_TRUE(planLoop(tracks, plan, error)) << error;
	EXPECT_EQ(plan.length, 7 * f);
	EXPECT_EQ(plan.origin, 1000 * kMs) << "the first dts, before the first pts";
	EXPECT_EQ(loopTime(plan, 0, tracks[0].units[0].dts, 1), 7 * f);
	EXPECT_EQ(loopTime(plan, 0, tracks[0].units[0].pts, 1), 8 * f);
}

TEST(LoopTiming, MissingTimesAreCompleted)
{
	LoopTrack video = track(true, 10, kVideoFrame);
	for (LoopUnit &u : video.units)
		u.duration = kLoopNoTime;
	video.units[3].duration = 33 * kMs;
	video.units[4].pts = kLoopNoTime; /* takes the end of the previous one */
	std::vector<LoopTrack> tracks = {video};
	LoopPlan plan;
	std::string error;
	ASSERT_TRUE(planLoop(tracks, plan, error)) << error;
	const std::vector<LoopUnit> &u = tracks[0].units;
	EXPECT_EQ(u[0].duration, 33 * kMs);
	EXPECT_EQ(u[1].duration, 34 * kMs);
	EXPECT_EQ(u[4].pts, u[3].pts + u[3].duration);
	EXPECT_EQ(u[9].duration, u[8].duration) << "the last one takes its predecessor's";
	EXPECT_EQ(plan.length, u[9].pts + u[9].duration);
}

TEST(LoopTiming, RefusesWhatCannotLoop)
{
	std::string error;
	LoopPlan plan;

	std::vector<LoopTrack> none;
	EXPECT_FALSE(planLoop(none, plan, error));
	EXPECT_NE(error.find("no audio or video"), std::string::npos) << error;

	std::vector<LoopTrack> delta = {track(true, 30, kVideoFrame)};
	delta[0].units[0].keyframe = false;
	EXPECT_FALSE(planLoop(delta, plan, error));
	EXPECT_NE(error.find("keyframe"), std::string::npos) << error;

	std::vector<LoopTrack> untimed = {track(false, 3, kAacFrame)};
	for (LoopUnit &u : untimed[0].units)
		u.pts = kLoopNoTime;
	EXPECT_FALSE(planLoop(untimed, plan, error));
	EXPECT_NE(error.find("no timestamps"), std::string::npos) << error;

	std::vector<LoopTrack> still = {track(true, 1, kVideoFrame)};
	still[0].units[0].duration = kLoopNoTime;
	EXPECT_FALSE(planLoop(still, plan, error));
	EXPECT_NE(error.find("single frame"), std::string::npos) << error;

	std::vector<LoopTrack> empty = {track(true, 30, kVideoFrame), LoopTrack {}};
	EXPECT_FALSE(planLoop(empty, plan, error));
	EXPECT_NE(error.find("audio stream has no frames"), std::string::npos) << error;
}

} /* namespace */
