/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A live encoder's speed: media time it made per wall-clock second, over a sliding window.
 */

#pragma once

#include <cstdint>
#include <deque>
#include <optional>

namespace sluice {

/*
 * Fed with the running total of media an encoder put out (the durations of its output
 * buffers, so frames dropped before it because it fell behind count as missing), sampled on
 * a timer. A live source delivers at 1.0x; an encoder that keeps up puts out 1.0x too, one
 * that cannot drops below. Pure: the caller gives the clock.
 *
 * - speed(): over the last windowUs, once the output began warmupUs ago (an encoder's first
 *   output comes in a burst: the frames queued while it started).
 * - slow(): below slowBelow, until it is back at or above recoveredAt (hysteresis: one late
 *   frame in a window is not a change).
 */
class SpeedMeter
{
public:
	struct Options {
		int64_t windowUs = 10'000'000;
		int64_t warmupUs = 4'000'000;
		double slowBelow = 0.95;
		double recoveredAt = 0.98;
	};
	enum class Change {
		None,
		BecameSlow,
		Recovered,
	};

	SpeedMeter();
	explicit SpeedMeter(Options options);

	/* The total media made so far (ns) at nowUs (monotonic); returns what changed. */
	Change sample(int64_t nowUs, uint64_t mediaNs);
	/* x real time; nullopt until the output has run warmupUs. */
	std::optional<double> speed() const { return speed_; }
	bool slow() const { return slow_; }

private:
	struct Sample {
		int64_t us;
		uint64_t mediaNs;
	};

	Options options_;
	std::deque<Sample> samples_;
	int64_t firstOutputUs_ = -1; /* when media first went above 0 */
	std::optional<double> speed_;
	bool slow_ = false;
};

} /* namespace sluice */
