/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * FailureThrottle: the delay before answering a wrong credential, per address.
 */

#include <gtest/gtest.h>

#include "throttle.h"

using namespace sluice;

namespace {

constexpr int64_t kSecondUs = 1000000;

TEST(FailureThrottle, DoublesUpToTheMaximum)
{
	FailureThrottle throttle;
	std::vector<uint32_t> delays;
	for (int i = 0; i < 8; i++)
		delays.push_back(throttle.fail("192.0.2.1", i * kSecondUs).delayMs);
	EXPECT_EQ(delays, (std::vector<uint32_t> {250, 500, 1000, 2000, 4000, 8000, 8000, 8000}));
	EXPECT_EQ(throttle.fail("192.0.2.1", 9 * kSecondUs).failures, 9u);
}

TEST(FailureThrottle, PerAddress)
{
	FailureThrottle throttle;
	throttle.fail("192.0.2.1", 0);
	throttle.fail("192.0.2.1", 0);
	EXPECT_EQ(throttle.fail("192.0.2.2", 0).delayMs, FailureThrottle::kFirstDelayMs);
	EXPECT_EQ(throttle.fail("192.0.2.1", 0).delayMs, 1000u);
}

TEST(FailureThrottle, ForgetsAfterQuietOrSuccess)
{
	FailureThrottle throttle;
	throttle.fail("192.0.2.1", 0);
	throttle.fail("192.0.2.1", 0);
	EXPECT_EQ(throttle.fail("192.0.2.1", FailureThrottle::kForgetUs + 1).failures, 1u);

	throttle.fail("192.0.2.1", 0);
	throttle.succeed("192.0.2.1");
	EXPECT_EQ(throttle.fail("192.0.2.1", 0).failures, 1u);
	throttle.succeed("never-failed");
}

TEST(FailureThrottle, RemembersABoundedNumberOfAddresses)
{
	FailureThrottle throttle;
	for (size_t i = 0; i < FailureThrottle::kMaxPeers + 100; i++)
		throttle.fail("peer-" + std::to_string(i), static_cast<int64_t>(i));
	EXPECT_LE(throttle.size(), FailureThrottle::kMaxPeers);
	/* The newest are kept. */
	EXPECT_EQ(throttle.fail("peer-" + std::to_string(FailureThrottle::kMaxPeers + 99), 0)
			  .failures,
		  2u);
}

} /* namespace */
