/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A live encoder's speed: media time it made per wall-clock second, over a sliding window.
 */

#include "speedmeter.h"

namespace sluice {

SpeedMeter::SpeedMeter() : SpeedMeter(Options {})
{
}

SpeedMeter::SpeedMeter(Options options) : options_(options)
{
}

SpeedMeter::Change SpeedMeter::sample(int64_t nowUs, uint64_t mediaNs)
{
	if (mediaNs == 0)
		return Change::None;
	if (firstOutputUs_ < 0)
		firstOutputUs_ = nowUs;
	if (nowUs - firstOutputUs_ < options_.warmupUs)
		return Change::None;
	samples_.push_back({nowUs, mediaNs});
	while (samples_.size() > 2 && nowUs - samples_[1].us >= options_.windowUs)
		samples_.pop_front();
	/* A fifth of the window at least: over one timer tick a single frame is 3 %. */
	const Sample &oldest = samples_.front();
	const int64_t spanUs = nowUs - oldest.us;
	if (samples_.size() < 2 || spanUs < options_.windowUs / 5)
		return Change::None;
	speed_ = static_cast<double>(mediaNs - oldest.mediaNs) / 1000.0
		/ static_cast<double>(spanUs);
	if (!slow_ && *speed_ < options_.slowBelow) {
		slow_ = true;
		return Change::BecameSlow;
	}
	if (slow_ && *speed_ >= options_.recoveredAt) {
		slow_ = false;
		return Change::Recovered;
	}
	return Change::None;
}

} /* namespace sluice */
