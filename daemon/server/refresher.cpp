/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Re-importing URL sources on their refresh_interval_s, in the background.
 */

#include "refresher.h"

#include <algorithm>

#include "context.h"
#include "logging.h"
#include "m3ufetch.h"
#include "m3uimport.h"

namespace sluice {

SourceRefresher::SourceRefresher(ServerContext &context) : context_(context)
{
}

SourceRefresher::~SourceRefresher()
{
	*alive_ = false;
	if (timer_)
		g_source_remove(timer_);
}

void SourceRefresher::start()
{
	if (timer_)
		return;
	timer_ = g_timeout_add_seconds(
		1,
		[](gpointer data) -> gboolean {
			static_cast<SourceRefresher *>(data)->tick();
			return G_SOURCE_CONTINUE;
		},
		this);
}

bool SourceRefresher::due(const Source &source, int64_t lastFailure, int64_t now)
{
	if (source.url.empty() || !source.refreshIntervalS)
		return false;
	const int64_t interval = source.refreshIntervalS;
	if (lastFailure > source.lastRefresh)
		return now >= lastFailure + std::min(interval, kRetryAfterFailureS);
	return !source.lastRefresh || now >= source.lastRefresh + interval;
}

void SourceRefresher::tick()
{
	auto sources = context_.store->listSources();
	if (!sources)
		return;
	const int64_t now = g_get_real_time() / G_USEC_PER_SEC;
	for (const Source &source : *sources) {
		auto failure = lastFailure_.find(source.id);
		if (!inFlight_.count(source.id)
		    && due(source, failure == lastFailure_.end() ? 0 : failure->second, now))
			refresh(source);
	}
}

void SourceRefresher::refresh(const Source &source)
{
	if (auto problem = context_.urlPolicy.check(source.url, UrlUse::List)) {
		lastFailure_[source.id] = g_get_real_time() / G_USEC_PER_SEC;
		logWithFields(G_LOG_LEVEL_WARNING, {{kFieldSource, source.name}},
			      "not refreshing %s: %s", source.name.c_str(), problem->c_str());
		return;
	}
	inFlight_.insert(source.id);
	const Id id = source.id;
	const std::string name = source.name;
	const std::string url = source.url;
	std::shared_ptr<bool> alive = alive_;
	fetchM3u(context_.session, url, source.userAgent, context_.config.maxUploadBytes,
		 [this, alive, id, name, url](std::string text, std::string error) {
			 if (!*alive)
				 return;
			 inFlight_.erase(id);
			 const int64_t now = g_get_real_time() / G_USEC_PER_SEC;
			 if (error.empty()) {
				 auto imported = importM3uText(*context_.store, id, text,
							       context_.urlPolicy);
				 if (imported) {
					 lastFailure_.erase(id);
					 logWithFields(G_LOG_LEVEL_MESSAGE, {{kFieldSource, name}},
						       "refreshed %s: %u added, %u updated, %u "
						       "removed",
						       name.c_str(), imported->counts.added,
						       imported->counts.updated,
						       imported->counts.removed);
					 return;
				 }
				 error = imported.error().message;
			 }
			 lastFailure_[id] = now;
			 logWithFields(G_LOG_LEVEL_WARNING, {{kFieldSource, name}},
				       "refreshing %s from %s failed: %s; retrying later",
				       name.c_str(), url.c_str(), error.c_str());
		 });
}

} /* namespace sluice */
