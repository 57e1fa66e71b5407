/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * SpeedMeter: an encoder's speed from the media it put out, over wall-clock time.
 */

#include <gtest/gtest.h>

#include "speedmeter.h"

using namespace sluice;

namespace {

constexpr int64_t kSecondUs = 1'000'000;
constexpr uint64_t kSecondNs = 1'000'000'000;

/* Feeds meter once a second from t = fromS to toS (excluded) at speed x real time. */
SpeedMeter::Change run(SpeedMeter &meter, uint64_t &mediaNs, int fromS, int toS, double speed,
		       std::vector<SpeedMeter::Change> *changes = nullptr)
{
	SpeedMeter::Change last = SpeedMeter::Change::None;
	for (int s = fromS; s < toS; s++) {
		mediaNs += static_cast<uint64_t>(speed * kSecondNs);
		last = meter.sample(s * kSecondUs, mediaNs);
		if (changes && last != SpeedMeter::Change::None)
			changes->push_back(last);
	}
	return last;
}

} /* namespace */

TEST(SpeedMeter, NothingBeforeTheOutputWarmedUp)
{
	SpeedMeter meter;
	EXPECT_EQ(meter.sample(0, 0), SpeedMeter::Change::None);
	EXPECT_FALSE(meter.speed());
	uint64_t media = 0;
	/* Output from t = 1 s; 4 s of warm-up (to 5 s), then 2 s of window at least (7 s). */
	run(meter, media, 1, 7, 0.5);
	EXPECT_FALSE(meter.speed());
	run(meter, media, 7, 8, 0.5);
	ASSERT_TRUE(meter.speed());
	EXPECT_NEAR(*meter.speed(), 0.5, 1e-9);
}

TEST(SpeedMeter, AStartupBurstIsNotCounted)
{
	SpeedMeter meter;
	/* Ten seconds of queued frames come out at once, then real time. */
	uint64_t media = 10 * kSecondNs;
	meter.sample(0, media);
	run(meter, media, 1, 30, 1.0);
	ASSERT_TRUE(meter.speed());
	EXPECT_NEAR(*meter.speed(), 1.0, 1e-9);
	EXPECT_FALSE(meter.slow());
}

TEST(SpeedMeter, SlowAndRecoveredWithHysteresis)
{
	SpeedMeter meter;
	uint64_t media = 0;
	std::vector<SpeedMeter::Change> changes;
	run(meter, media, 0, 20, 1.0, &changes);
	EXPECT_TRUE(changes.empty());
	/* Just under real time (one frame late in a window) is no change. */
	run(meter, media, 20, 40, 0.97, &changes);
	EXPECT_TRUE(changes.empty());
	EXPECT_FALSE(meter.slow());
	run(meter, media, 40, 60, 0.6, &changes);
	ASSERT_EQ(changes.size(), 1u);
	EXPECT_EQ(changes[0], SpeedMeter::Change::BecameSlow);
	EXPECT_TRUE(meter.slow());
	EXPECT_NEAR(*meter.speed(), 0.6, 1e-9);
	/* 0.96 is not back yet; 1.0 is. */
	run(meter, media, 60, 80, 0.96, &changes);
	EXPECT_EQ(changes.size(), 1u);
	EXPECT_TRUE(meter.slow());
	run(meter, media, 80, 100, 1.0, &changes);
	ASSERT_EQ(changes.size(), 2u);
	EXPECT_EQ(changes[1], SpeedMeter::Change::Recovered);
	EXPECT_FALSE(meter.slow());
}

TEST(SpeedMeter, TheWindowSlides)
{
	SpeedMeter::Options options;
	options.windowUs = 10 * kSecondUs;
	SpeedMeter meter(options);
	uint64_t media = 0;
	run(meter, media, 0, 30, 0.5);
	/* Ten seconds at 1.0x: the half-speed past is out of the window. */
	run(meter, media, 30, 41, 1.0);
	EXPECT_NEAR(*meter.speed(), 1.0, 1e-9);
}
