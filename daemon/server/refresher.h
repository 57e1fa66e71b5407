/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Re-importing URL sources on their refresh_interval_s, in the background.
 */

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include <glib.h>

#include "model.h"

namespace sluice {

struct ServerContext;

/*
 * Every second, imports each source with a URL and a refresh interval that is due: one never
 * imported at once (so a source added with a URL fills in by itself), then every
 * refresh_interval_s after its last import. A failed fetch or import is retried after
 * min(interval, kRetryAfterFailureS), not hammered, and changes nothing. A source with
 * refresh_interval_s 0 is only imported on request (POST .../refresh).
 *
 * Main thread only: the fetches complete on the thread-default main context.
 */
class SourceRefresher
{
public:
	static constexpr int64_t kRetryAfterFailureS = 300;

	explicit SourceRefresher(ServerContext &context);
	~SourceRefresher();
	SourceRefresher(const SourceRefresher &) = delete;
	SourceRefresher &operator=(const SourceRefresher &) = delete;

	void start();

	/* When a source is due, given its last import and last failed attempt (Unix seconds). */
	static bool due(const Source &source, int64_t lastFailure, int64_t now);

private:
	void tick();
	void refresh(const Source &source);

	ServerContext &context_;
	guint timer_ = 0;
	std::set<Id> inFlight_;
	std::map<Id, int64_t> lastFailure_;
	/* Cleared on destruction: fetches finishing later must not touch this object. */
	std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} /* namespace sluice */
