/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * RetryPolicy: backoff, cap, failover, cycling, whole-cycle backoff, success and reset.
 */

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "retrypolicy.h"

using namespace sluice;

namespace {

enum class Event {
	Failure,
	Success,
	Reset,
};

/* One event and, for a failure, the decision expected from it. */
struct Step {
	Event event;
	size_t uriIndex = 0;
	uint32_t delayMs = 0;
	bool switched = false;
	uint32_t attempt = 0;
};

Step fail(size_t uriIndex, uint32_t delayMs, bool switched, uint32_t attempt)
{
	return {Event::Failure, uriIndex, delayMs, switched, attempt};
}

const Step kSuccess {Event::Success};
const Step kReset {Event::Reset};

struct Scenario {
	const char *name;
	RetryConfig config;
	size_t uriCount;
	std::vector<Step> steps;
};

void PrintTo(const Scenario &scenario, std::ostream *os)
{
	*os << scenario.name;
}

class RetryPolicyScenario : public testing::TestWithParam<Scenario>
{
};

TEST_P(RetryPolicyScenario, Decisions)
{
	const Scenario &scenario = GetParam();
	RetryPolicy policy(scenario.config, scenario.uriCount);
	EXPECT_EQ(policy.current(), 0u);

	for (size_t i = 0; i < scenario.steps.size(); i++) {
		const Step &step = scenario.steps[i];
		SCOPED_TRACE(testing::Message() << "step " << i);
		switch (step.event) {
		case Event::Success:
			policy.onSuccess();
			break;
		case Event::Reset:
			policy.reset();
			EXPECT_EQ(policy.current(), 0u);
			break;
		case Event::Failure: {
			const size_t failed = policy.current();
			const RetryDecision d = policy.onFailure();
			EXPECT_EQ(d.uriIndex, step.uriIndex);
			EXPECT_EQ(d.delayMs, step.delayMs);
			EXPECT_EQ(d.switched, step.switched);
			EXPECT_EQ(d.attempt, step.attempt);
			EXPECT_EQ(d.switched, d.uriIndex != failed);
			EXPECT_EQ(policy.current(), d.uriIndex);
			break;
		}
		}
	}
}

constexpr RetryConfig kDefaults {};
constexpr RetryConfig kSwitchAfter2 {1000, 30000, 2};
constexpr RetryConfig kSwitchAfter1 {1000, 30000, 1};
constexpr RetryConfig kNeverSwitch {1000, 30000, 0};

const Scenario kScenarios[] = {
	{"OneUriBacksOffAndNeverSwitches",
	 kDefaults,
	 1,
	 {
		 fail(0, 1000, false, 1),
		 fail(0, 2000, false, 2),
		 fail(0, 4000, false, 3),
		 fail(0, 8000, false, 4),
		 fail(0, 16000, false, 5),
		 fail(0, 30000, false, 6),
		 fail(0, 30000, false, 7),
	 }},
	{"ZeroUrisIsOne",
	 kDefaults,
	 0,
	 {
		 fail(0, 1000, false, 1),
		 fail(0, 2000, false, 2),
		 fail(0, 4000, false, 3),
		 fail(0, 8000, false, 4),
	 }},
	{"OneUriSwitchAfter1NeverSwitches",
	 kSwitchAfter1,
	 1,
	 {
		 fail(0, 1000, false, 1),
		 fail(0, 2000, false, 2),
		 fail(0, 4000, false, 3),
	 }},
	/* The header's worked example. */
	{"TwoUris",
	 kSwitchAfter2,
	 2,
	 {
		 fail(0, 1000, false, 1),
		 fail(1, 0, true, 2),
		 fail(1, 1000, false, 1),
		 fail(0, 8000, true, 2), /* whole cycle failed: backoff(4) */
		 fail(0, 16000, false, 1),
		 fail(1, 30000, true, 2),
		 kSuccess,
		 fail(1, 1000, false, 1),
	 }},
	{"ThreeUrisDefaultsCycleBackToPrimary",
	 kDefaults,
	 3,
	 {
		 fail(0, 1000, false, 1),
		 fail(0, 2000, false, 2),
		 fail(1, 0, true, 3),
		 fail(1, 1000, false, 1),
		 fail(1, 2000, false, 2),
		 fail(2, 0, true, 3),
		 fail(2, 1000, false, 1),
		 fail(2, 2000, false, 2),
		 fail(0, 30000, true, 3), /* whole cycle: backoff(9) = 256000, capped */
		 fail(0, 30000, false, 1),
	 }},
	{"ThreeUrisWholeCycleKeepsGrowing",
	 {100, 1000000, 1},
	 3,
	 {
		 fail(1, 0, true, 1),
		 fail(2, 0, true, 1),
		 fail(0, 400, true, 1), /* back on the primary after a whole cycle: backoff(3) */
		 fail(1, 800, true, 1),
		 fail(2, 1600, true, 1),
		 fail(0, 3200, true, 1),
		 kSuccess,
		 fail(1, 0, true, 1),
	 }},
	{"SwitchAfter1TwoUris",
	 kSwitchAfter1,
	 2,
	 {
		 fail(1, 0, true, 1),
		 fail(0, 2000, true, 1),
		 fail(1, 4000, true, 1),
		 fail(0, 8000, true, 1),
	 }},
	{"NeverSwitchWithBackups",
	 kNeverSwitch,
	 3,
	 {
		 fail(0, 1000, false, 1),
		 fail(0, 2000, false, 2),
		 fail(0, 4000, false, 3),
		 fail(0, 8000, false, 4),
		 fail(0, 16000, false, 5),
		 fail(0, 30000, false, 6),
	 }},
	{"SuccessRestartsTheCountOnTheCurrentUri",
	 kDefaults,
	 2,
	 {
		 fail(0, 1000, false, 1), fail(0, 2000, false, 2), kSuccess,
		 fail(0, 1000, false, 1), fail(0, 2000, false, 2), fail(1, 0, true, 3),
		 fail(1, 1000, false, 1), kSuccess, /* stays on the backup */
		 fail(1, 1000, false, 1), fail(1, 2000, false, 2),
		 fail(0, 0, true, 3), /* no whole cycle since the success: fresh start */
	 }},
	{"SuccessEndsTheWholeCycleBackoff",
	 kSwitchAfter1,
	 2,
	 {
		 fail(1, 0, true, 1),
		 fail(0, 2000, true, 1),
		 fail(1, 4000, true, 1),
		 kSuccess,
		 fail(0, 0, true, 1),
		 fail(1, 2000, true, 1),
	 }},
	{"ResetReturnsToThePrimary",
	 kSwitchAfter2,
	 3,
	 {
		 fail(0, 1000, false, 1),
		 fail(1, 0, true, 2),
		 fail(1, 1000, false, 1),
		 kReset,
		 fail(0, 1000, false, 1),
		 fail(1, 0, true, 2),
	 }},
	{"DelayNeverBelowCapOnceReached",
	 {1000, 5000, 0},
	 1,
	 {
		 fail(0, 1000, false, 1),
		 fail(0, 2000, false, 2),
		 fail(0, 4000, false, 3),
		 fail(0, 5000, false, 4),
		 fail(0, 5000, false, 5),
	 }},
	{"FailoverDelayBeforeABackup",
	 {1000, 30000, 1, 250},
	 2,
	 {
		 fail(1, 250, true, 1),
		 fail(0, 2000, true, 1), /* whole cycle failed: backoff(2) */
		 kSuccess,
		 fail(1, 250, true, 1),
	 }},
	{"ZeroInitialDelay",
	 {0, 30000, 2},
	 2,
	 {
		 fail(0, 0, false, 1),
		 fail(1, 0, true, 2),
		 fail(1, 0, false, 1),
		 fail(0, 0, true, 2),
	 }},
};

INSTANTIATE_TEST_SUITE_P(RetryPolicy, RetryPolicyScenario, testing::ValuesIn(kScenarios),
			 [](const testing::TestParamInfo<Scenario> &param) {
				 return param.param.name;
			 });

TEST(RetryPolicy, ManyFailuresStayAtTheCapWithoutOverflow)
{
	const uint32_t max = std::numeric_limits<uint32_t>::max();
	for (const RetryConfig config :
	     {RetryConfig {1000, 30000, 0}, RetryConfig {max, max, 0}, RetryConfig {3, max, 0}}) {
		RetryPolicy policy(config, 1);
		uint32_t previous = 0;
		for (uint32_t i = 1; i <= 100; i++) {
			const RetryDecision d = policy.onFailure();
			EXPECT_EQ(d.attempt, i);
			EXPECT_GE(d.delayMs, previous) << "failure " << i;
			EXPECT_LE(d.delayMs, config.maxDelayMs);
			previous = d.delayMs;
		}
		EXPECT_EQ(previous, config.maxDelayMs);
	}
}

TEST(RetryPolicy, ManyFailuresAcrossUrisStayAtTheCap)
{
	RetryPolicy policy({1000, 30000, 1}, 3);
	RetryDecision d;
	for (uint32_t i = 1; i <= 100; i++) {
		d = policy.onFailure();
		EXPECT_TRUE(d.switched);
		EXPECT_EQ(d.uriIndex, i % 3);
		EXPECT_LE(d.delayMs, 30000u);
	}
	EXPECT_EQ(d.delayMs, 30000u);
}

TEST(RetryPolicy, ExposesItsConfiguration)
{
	RetryPolicy policy({500, 8000, 4}, 0);
	EXPECT_EQ(policy.uriCount(), 1u);
	EXPECT_EQ(policy.config().initialDelayMs, 500u);
	EXPECT_EQ(policy.config().maxDelayMs, 8000u);
	EXPECT_EQ(policy.config().failuresBeforeSwitch, 4u);
}

} /* namespace */
