/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced's HTTP server: the SoupServer, its router and the shared context of the handlers.
 */

#include "server.h"

#include <charconv>

#include "context.h"
#include "refresher.h"

namespace sluice {

namespace {

RouterOptions routerOptions(const Config &config)
{
	RouterOptions options;
	options.adminToken = config.apiToken;
	options.trusted = config.trustedAddresses;
	options.maxBodyBytes = config.maxBodyBytes;
	options.maxUploadBytes = config.maxUploadBytes;
	return options;
}

/* The host part of a URL for an address we listen on: a wildcard becomes loopback. */
std::string urlHost(const std::string &host)
{
	if (host.empty() || host == "0.0.0.0")
		return "127.0.0.1";
	if (host == "::")
		return "[::1]";
	if (host.find(':') != std::string::npos)
		return "[" + host + "]";
	return host;
}

} /* namespace */

Id parseId(std::string_view text)
{
	Id id = 0;
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
	if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
		return 0;
	return id;
}

Response badId(std::string_view text)
{
	return errorResponse({400, "bad_request",
			      "\"" + std::string(text) + "\" is not an id (a positive integer)",
			      "id"});
}

StoreResult<Proxy> findProxy(const Store &store, std::string_view nameOrId)
{
	auto proxy = store.getProxyByName(nameOrId);
	if (proxy || proxy.error().code != StoreErrorCode::NotFound)
		return proxy;
	if (Id id = parseId(nameOrId))
		return store.getProxy(id);
	return proxy;
}

void addAllRoutes(Router &router, ServerContext &context)
{
	addProfileRoutes(router, context);
	addSourceRoutes(router, context);
	addChannelRoutes(router, context);
	addProxyRoutes(router, context);
	addExplainRoutes(router, context);
	addPlaylistRoutes(router, context);
	addSessionRoutes(router, context);
	addSystemRoutes(router, context);
}

Server::Server(Store &store, const Config &config, ClientRules clientRules, ChannelManager *engine)
	: context_(std::make_unique<ServerContext>()),
	  router_(std::make_unique<Router>(routerOptions(config)))
{
	context_->store = &store;
	context_->engine = engine;
	context_->config = config;
	context_->urlPolicy = UrlPolicy(config.mediaDirs);
	context_->clientRules = std::move(clientRules);
	context_->session
		= soup_session_new_with_options("timeout", 30, "idle-timeout", 60, nullptr);
	context_->metrics = &router_->metrics();
	context_->startedUs = g_get_monotonic_time();
	addAllRoutes(*router_, *context_);

	std::string header = std::string("sluiced/") + versionString() + " ";
	server_ = soup_server_new("server-header", header.c_str(), nullptr);
	router_->attach(server_);
}

Server::~Server()
{
	refresher_.reset();
	if (server_) {
		soup_server_disconnect(server_);
		g_object_unref(server_);
	}
	g_object_unref(context_->session);
}

bool Server::listen(std::string &error)
{
	const Config &config = context_->config;
	g_autoptr(GInetAddress) address = g_inet_address_new_from_string(config.listenHost.c_str());
	if (!address) {
		g_autoptr(GResolver) resolver = g_resolver_get_default();
		g_autoptr(GError) gerror = nullptr;
		GList *addresses = g_resolver_lookup_by_name(resolver, config.listenHost.c_str(),
							     nullptr, &gerror);
		if (!addresses) {
			error = "cannot resolve listen host \"" + config.listenHost
				+ "\": " + gerror->message;
			return false;
		}
		address = G_INET_ADDRESS(g_object_ref(addresses->data));
		g_resolver_free_addresses(addresses);
	}
	g_autoptr(GSocketAddress) socketAddress
		= g_inet_socket_address_new(address, config.listenPort);
	g_autoptr(GError) gerror = nullptr;
	if (!soup_server_listen(server_, socketAddress, static_cast<SoupServerListenOptions>(0),
				&gerror)) {
		error = "cannot listen on " + urlHost(config.listenHost) + ":"
			+ std::to_string(config.listenPort) + ": " + gerror->message;
		return false;
	}
	GSList *uris = soup_server_get_uris(server_);
	port_ = uris ? static_cast<uint16_t>(g_uri_get_port(static_cast<GUri *>(uris->data))) : 0;
	g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
	context_->listenUrl = "http://" + urlHost(config.listenHost) + ":" + std::to_string(port_);
	refresher_ = std::make_unique<SourceRefresher>(*context_);
	refresher_->start();
	return true;
}

std::string Server::url() const
{
	return context_->listenUrl + "/";
}

std::vector<RouteInfo> Server::routeTable()
{
	ServerContext context;
	Router router {RouterOptions {}};
	addAllRoutes(router, context);
	return router.routes();
}

} /* namespace sluice */
