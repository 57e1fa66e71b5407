/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Method + path-pattern routing over SoupServer, with the checks every API request gets
 * (admin credential, body size, content type), metrics and the access log.
 */

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libsoup/soup.h>

#include "addressrange.h"
#include "http.h"
#include "metrics.h"
#include "throttle.h"

namespace sluice {

/* What a route reads from the request body; checked from the headers, before it is read. */
enum class BodyKind {
	None, /* ignored */
	Json, /* application/json, at most maxBodyBytes */
	JsonOrM3u, /* application/json or an M3U type (audio/x-mpegurl, application/x-mpegurl,
		      application/vnd.apple.mpegurl, text/plain), at most maxUploadBytes */
};

/* A registered route, as --print-routes and the OpenAPI test see it. */
struct RouteInfo {
	std::string method;
	std::string pattern; /* "/api/v1/profiles/{id}", "/proxy/{proxy}.m3u" */

	bool operator==(const RouteInfo &) const = default;
};

/* A pattern's {name} segments, URL-decoded. */
using PathParams = std::map<std::string, std::string, std::less<>>;

/*
 * Matches a path against a pattern: literal segments exactly, a segment "{name}" (with an
 * optional literal prefix and suffix, as in "{proxy}.m3u") any non-empty text. nullopt when it
 * does not match.
 */
std::optional<PathParams> matchPattern(std::string_view pattern, std::string_view path);

/* Whether a Content-Type's media type (parameters ignored) is one of the M3U types. */
bool isM3uContentType(std::string_view contentType);

/*
 * The admin routes: everything under /api/ (configuration, sessions, the explainer, the API
 * document) and /metrics (it names channels and clients). Peers outside the trusted addresses
 * need the admin token for them. Playlists, stream URLs and /healthz are open: players cannot
 * log in.
 */
bool isAdminPath(std::string_view path);

/* SHA-256 of both, then a comparison whose time does not depend on where they differ. */
bool constantTimeEqual(std::string_view a, std::string_view b);

class Router;

/*
 * One request and its response. A handler answers with respond() before it returns, or keeps
 * the shared pointer and answers later from the main context: the router pauses the message
 * meanwhile. Main thread only.
 */
class Exchange : public std::enable_shared_from_this<Exchange>
{
public:
	Exchange(Router &router, SoupServerMessage *message, std::string route, PathParams params,
		 GHashTable *query, std::string body);
	~Exchange();
	Exchange(const Exchange &) = delete;
	Exchange &operator=(const Exchange &) = delete;

	SoupServerMessage *message() const { return message_; }
	std::string_view method() const;
	std::string path() const;
	/* The matched pattern. */
	const std::string &route() const { return route_; }
	/* A {name} of the pattern; empty when the pattern has none by that name. */
	const std::string &param(std::string_view name) const;
	/* A query parameter, decoded; nullopt when absent. */
	std::optional<std::string> query(std::string_view name) const;
	const std::vector<std::pair<std::string, std::string>> &queryParams() const
	{
		return query_;
	}
	/* A request header; empty when absent. */
	std::string header(const char *name) const;
	const std::string &body() const { return body_; }
	std::string clientAddress() const;

	void respond(Response response);
	bool responded() const { return responded_; }
	/*
	 * Answers a wrong credential (what: "stream key") after the delay the router's failure
	 * throttle gives the client's address, and logs it (address, route; never the
	 * credential). The main loop runs meanwhile.
	 */
	void refuseFailedCredential(Response response, std::string_view what);
	/* A credential that matched: forget the client's failures. */
	void acceptedCredential();

private:
	friend class Router;

	Router &router_;
	SoupServerMessage *message_; /* a reference */
	std::string route_;
	PathParams params_;
	std::vector<std::pair<std::string, std::string>> query_;
	std::string body_;
	int64_t startUs_;
	bool paused_ = false;
	bool responded_ = false;
	bool finished_ = false; /* the connection went away: nothing to answer */
	gulong finishedHandler_ = 0;
};

using ExchangePtr = std::shared_ptr<Exchange>;
using Handler = std::function<void(const ExchangePtr &)>;

struct RouterOptions {
	/* What admin routes ask of untrusted peers (Bearer); empty: they are open to everyone
	 * (only in the route table Server::routeTable() builds). */
	std::string adminToken;
	/* Peers that need no admin token (a request via a reverse proxy never counts as one). */
	std::vector<AddressRange> trusted;
	uint64_t maxBodyBytes = 1024 * 1024;
	uint64_t maxUploadBytes = 64 * 1024 * 1024;
};

class Router
{
public:
	explicit Router(RouterOptions options);
	~Router();
	Router(const Router &) = delete;
	Router &operator=(const Router &) = delete;

	/* Routes are tried in the order added. */
	void add(std::string method, std::string pattern, Handler handler,
		 BodyKind body = BodyKind::None);
	std::vector<RouteInfo> routes() const;

	/* Installs the router as server's early and main handler for every path. */
	void attach(SoupServer *server);

	HttpMetrics &metrics() { return metrics_; }

private:
	friend class Exchange;
	struct Route;
	struct Pending;
	struct Delayed;

	/* What an admin route's request carries. */
	enum class Credential {
		NotNeeded, /* a trusted peer, or no admin token configured */
		Valid,
		Missing, /* no Authorization header */
		Wrong, /* another token, another scheme, a malformed header */
	};

	static void earlyHandler(SoupServer *, SoupServerMessage *, const char *, GHashTable *,
				 gpointer);
	static void mainHandler(SoupServer *, SoupServerMessage *, const char *, GHashTable *,
				gpointer);
	static void gotChunk(SoupServerMessage *message, GBytes *chunk, gpointer data);

	/* The route for method and path; allowed lists the methods of paths that match. */
	const Route *find(std::string_view method, std::string_view path,
			  std::vector<std::string> &allowed, PathParams &params) const;
	/* The early checks: an error to answer with before the body is read, or nullopt. */
	std::optional<Response> checkHeaders(SoupServerMessage *message, const Route *route,
					     uint64_t &limit) const;
	Credential credential(SoupServerMessage *message) const;
	bool trustedPeer(SoupServerMessage *message) const;
	/* Records a failed credential of message's peer: logs it, returns the delay to answer
	 * after. */
	uint32_t failed(SoupServerMessage *message, const std::string &route,
			std::string_view what);
	/* Runs then after delayMs on the main context; dropped unrun with the router. */
	void later(uint32_t delayMs, std::function<void()> then);
	/* Sets the response, counts it and logs it. */
	void finish(SoupServerMessage *message, const std::string &route, int64_t startUs,
		    const Response &response);
	/*
	 * Answers on the raw connection and closes it, so that a body libsoup would otherwise
	 * read to its end (it only skips one after "Expect: 100-continue") is never read.
	 */
	void refuseUnread(SoupServerMessage *message, const std::string &route, int64_t startUs,
			  const Response &response);
	/* Answers from the early handler, now or after delayMs, the body left unread. */
	void refuseEarly(SoupServerMessage *message, const std::string &pattern, int64_t startUs,
			 Response response, uint32_t delayMs);
	void record(SoupServerMessage *message, const std::string &route, int64_t startUs,
		    unsigned status);

	RouterOptions options_;
	std::vector<std::unique_ptr<Route>> routes_;
	HttpMetrics metrics_;
	FailureThrottle throttle_;
	std::map<guint, std::unique_ptr<Delayed>>
		delayed_; /* pending later() calls, by source id */
};

} /* namespace sluice */
