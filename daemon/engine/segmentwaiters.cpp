/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Requests held until a live window has enough segments for their client.
 */

#include "segmentwaiters.h"

#include <algorithm>

namespace sluice {

SegmentWaiters::~SegmentWaiters()
{
	if (timer_)
		g_source_remove(timer_);
}

void SegmentWaiters::add(uint64_t count, guint timeoutMs, std::function<void()> done)
{
	waiters_.push_back(
		{count, g_get_monotonic_time() + int64_t(timeoutMs) * 1000, std::move(done)});
	schedule();
}

template <typename Pred>
void SegmentWaiters::run(Pred pred)
{
	std::vector<Waiter> due;
	auto keep = std::stable_partition(waiters_.begin(), waiters_.end(),
					  [&pred](const Waiter &w) { return !pred(w); });
	std::move(keep, waiters_.end(), std::back_inserter(due));
	waiters_.erase(keep, waiters_.end());
	/* Run after the list is consistent: a callback may add a waiter. */
	for (Waiter &waiter : due)
		waiter.done();
	schedule();
}

void SegmentWaiters::update(uint64_t fewest)
{
	if (!waiters_.empty())
		run([fewest](const Waiter &w) { return w.count <= fewest; });
}

void SegmentWaiters::flush()
{
	if (!waiters_.empty())
		run([](const Waiter &) { return true; });
}

/* One timer, for the earliest deadline. */
void SegmentWaiters::schedule()
{
	if (timer_) {
		g_source_remove(timer_);
		timer_ = 0;
	}
	if (waiters_.empty())
		return;
	int64_t earliest = waiters_.front().deadlineUs;
	for (const Waiter &w : waiters_)
		earliest = std::min(earliest, w.deadlineUs);
	const int64_t inMs = std::max<int64_t>(0, (earliest - g_get_monotonic_time() + 999) / 1000);
	timer_ = g_timeout_add(static_cast<guint>(inMs), onTimer, this);
}

gboolean SegmentWaiters::onTimer(gpointer data)
{
	auto *self = static_cast<SegmentWaiters *>(data);
	self->timer_ = 0;
	const int64_t now = g_get_monotonic_time();
	self->run([now](const Waiter &w) { return w.deadlineUs <= now; });
	return G_SOURCE_REMOVE;
}

} /* namespace sluice */
