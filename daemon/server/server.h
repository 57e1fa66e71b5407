/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced's HTTP server: the REST API, playlists, stream URLs, health and metrics.
 */

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "clientrules.h"
#include "config.h"
#include "router.h"
#include "store.h"

namespace sluice {

class ChannelManager;
struct ServerContext;
class SourceRefresher;

class Server
{
public:
	/*
	 * store and engine (null: smart mode answers 503) must outlive the server.
	 * config.apiToken is the admin token (loadAdminToken(): the configured one or the state
	 * directory's); config.mediaDirs every directory file:// URLs may name (the demo's
	 * included).
	 */
	Server(Store &store, const Config &config, ClientRules clientRules,
	       ChannelManager *engine = nullptr);
	~Server();
	Server(const Server &) = delete;
	Server &operator=(const Server &) = delete;

	/*
	 * Listens on config.listenHost:listenPort on the thread-default main context. On failure
	 * returns false with error saying what and where.
	 */
	bool listen(std::string &error);
	/* The port listened on (the one picked for port 0); 0 before listen(). */
	uint16_t port() const { return port_; }
	/* "http://127.0.0.1:8080/" (a wildcard address as 127.0.0.1) */
	std::string url() const;

	/* Every route, in registration order. */
	std::vector<RouteInfo> routes() const { return router_->routes(); }
	/* The same table without a server or a store: for tests and --print-routes. */
	static std::vector<RouteInfo> routeTable();

private:
	std::unique_ptr<ServerContext> context_;
	std::unique_ptr<Router> router_;
	std::unique_ptr<SourceRefresher> refresher_;
	SoupServer *server_ = nullptr;
	uint16_t port_ = 0;
};

/* Registers every resource's routes on router. */
void addAllRoutes(Router &router, ServerContext &context);

} /* namespace sluice */
