/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What the API's resource handlers share, and the functions that register each resource.
 */

#pragma once

#include <cstdint>
#include <string>

#include <libsoup/soup.h>

#include "clientrules.h"
#include "config.h"
#include "router.h"
#include "store.h"
#include "urlpolicy.h"

namespace sluice {

class ChannelManager;

/*
 * Owned by the Server; handlers capture a reference. store is null only in the route table
 * Server::routeTable() builds, whose handlers never run. Main thread only.
 */
struct ServerContext {
	Store *store = nullptr;
	Config config;
	UrlPolicy urlPolicy; /* from config.mediaDirs: which URLs sources and channels may have */
	ClientRules clientRules = ClientRules::fallback();
	SoupSession *session = nullptr; /* fetches M3U lists; owned by the Server */
	HttpMetrics *metrics = nullptr;
	int64_t startedUs = 0; /* g_get_monotonic_time() at start */
	std::string listenUrl; /* "http://127.0.0.1:8080", no trailing '/'; set once listening */
	ChannelManager *engine = nullptr; /* the live pipelines; null: smart mode unavailable */
};

/* One file per resource; each adds its routes. */
void addProfileRoutes(Router &router, ServerContext &context);
void addSourceRoutes(Router &router, ServerContext &context);
void addChannelRoutes(Router &router, ServerContext &context);
void addProxyRoutes(Router &router, ServerContext &context);
void addExplainRoutes(Router &router, ServerContext &context);
void addPlaylistRoutes(Router &router, ServerContext &context);
void addSessionRoutes(Router &router, ServerContext &context);
void addSystemRoutes(Router &router, ServerContext &context);

/* A path {id} as a positive id; 0 when it is not one. */
Id parseId(std::string_view text);
/* 400 bad_request for a path {id} that is not a positive integer. */
Response badId(std::string_view text);
/* A proxy by name (case-insensitive), else by id when the text is a number. */
StoreResult<Proxy> findProxy(const Store &store, std::string_view nameOrId);

} /* namespace sluice */
