/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Requests held until a live window has enough segments for their client.
 */

#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <glib.h>

namespace sluice {

/*
 * Callbacks waiting until every track has count segments: run by update() once the fewest
 * segments any track has reaches their count, at their deadline whatever the count (a
 * stalled source: the client gets what there is), or by flush() (the channel failed or
 * stopped; the callback looks at its state). A client rule asks for more than one segment
 * when its player cannot start from a single-segment live playlist.
 * Main thread only; callbacks may add new waiters.
 */
class SegmentWaiters
{
public:
	SegmentWaiters() = default;
	/* Drops the callbacks without running them: flush() first to answer them. */
	~SegmentWaiters();
	SegmentWaiters(const SegmentWaiters &) = delete;
	SegmentWaiters &operator=(const SegmentWaiters &) = delete;

	void add(uint64_t count, guint timeoutMs, std::function<void()> done);
	/* The fewest segments any track now has. */
	void update(uint64_t fewest);
	void flush();
	size_t size() const { return waiters_.size(); }

private:
	struct Waiter {
		uint64_t count;
		int64_t deadlineUs;
		std::function<void()> done;
	};

	static gboolean onTimer(gpointer data);
	/* Runs (and removes) the waiters for which pred holds. */
	template <typename Pred>
	void run(Pred pred);
	void schedule();

	std::vector<Waiter> waiters_;
	guint timer_ = 0;
};

} /* namespace sluice */
