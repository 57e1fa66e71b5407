/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * When a URL source is due for its background re-import.
 */

#include <gtest/gtest.h>

#include "refresher.h"

namespace sluice {
namespace {

Source source(const char *url, uint32_t interval, int64_t lastRefresh)
{
	Source s;
	s.url = url;
	s.refreshIntervalS = interval;
	s.lastRefresh = lastRefresh;
	return s;
}

TEST(SourceRefresher, Due)
{
	struct Case {
		const char *what;
		Source source;
		int64_t lastFailure, now;
		bool due;
	};
	const int64_t t = 1'000'000;
	const Case cases[] = {
		{"uploaded list: nothing to fetch", source("", 60, 0), 0, t, false},
		{"interval 0: only on request", source("http://a/", 0, 0), 0, t, false},
		{"never imported: at once", source("http://a/", 3600, 0), 0, t, true},
		{"imported, interval not over", source("http://a/", 3600, t - 10), 0, t, false},
		{"imported, interval over", source("http://a/", 3600, t - 3600), 0, t, true},
		{"failed: not straight again", source("http://a/", 3600, t - 7200), t - 10, t,
		 false},
		{"failed: retried after 5 min at most", source("http://a/", 3600, t - 7200),
		 t - 300, t, true},
		{"failed, short interval: retried on it", source("http://a/", 60, t - 600), t - 60,
		 t, true},
		{"failure older than the import: the import counts",
		 source("http://a/", 3600, t - 5), t - 100, t, false},
	};
	for (const Case &c : cases)
		EXPECT_EQ(SourceRefresher::due(c.source, c.lastFailure, c.now), c.due) << c.what;
}

} /* namespace */
} /* namespace sluice */
