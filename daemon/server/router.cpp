/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Method + path-pattern routing over SoupServer, with the checks every API request gets.
 *
 * A request passes through two libsoup handlers. The early one runs once the headers are in:
 * it matches the route, checks the admin credential, the declared body size and the content
 * type, and answers right away when one fails, so libsoup never reads that body (a wrong
 * credential is answered after a delay, the message paused meanwhile). Otherwise it takes
 * the body over (libsoup's own accumulation is switched off) and keeps at most the route's
 * limit of it, so a chunked body without a Content-Length cannot fill memory either. The main
 * handler runs once the body is in and calls the route's handler.
 */

#include "router.h"

#include <algorithm>
#include <array>

#include "logging.h"

namespace sluice {

namespace {

constexpr char kPendingKey[] = "sluice-pending";
constexpr char kUnmatched[] = "unmatched";

std::string asciiLower(std::string_view text)
{
	std::string out(text);
	std::transform(out.begin(), out.end(), out.begin(),
		       [](unsigned char c) { return static_cast<char>(g_ascii_tolower(c)); });
	return out;
}

std::string_view trim(std::string_view text)
{
	while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
		text.remove_prefix(1);
	while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
		text.remove_suffix(1);
	return text;
}

/* The media type of a Content-Type, lower-cased, without parameters. */
std::string mediaType(std::string_view contentType)
{
	return asciiLower(trim(contentType.substr(0, contentType.find(';'))));
}

bool isJsonContentType(std::string_view contentType)
{
	std::string type = mediaType(contentType);
	return type == "application/json"
		|| (type.starts_with("application/") && type.ends_with("+json"));
}

std::vector<std::string_view> split(std::string_view path)
{
	std::vector<std::string_view> segments;
	if (!path.starts_with('/'))
		return segments;
	path.remove_prefix(1);
	size_t start = 0;
	while (true) {
		size_t slash = path.find('/', start);
		segments.push_back(path.substr(start, slash - start));
		if (slash == std::string_view::npos)
			break;
		start = slash + 1;
	}
	return segments;
}

/* The path as logged: a {key} segment of the pattern (a stream key) is left out. */
std::string redactedPath(std::string_view pattern, std::string_view path)
{
	if (pattern.find("{key}") == std::string_view::npos)
		return std::string(path);
	std::vector<std::string_view> want = split(pattern);
	std::vector<std::string_view> have = split(path);
	if (want.size() != have.size())
		return std::string(path);
	std::string out;
	for (size_t i = 0; i < have.size(); i++)
		out += "/" + std::string(want[i] == "{key}" ? "..." : have[i]);
	return out;
}

/* 401 for an admin route without the right credential. */
Response unauthorized(bool wrong)
{
	Response response = errorResponse(
		{401,
		 "unauthorized",
		 std::string(wrong ? "the admin token is wrong" : "this needs the admin token")
			 + ": send \"Authorization: Bearer TOKEN\". sluiced prints its token in "
			   "its log when it makes it and keeps it in the file admin-token of its "
			   "state directory, unless api_token is configured; peers in "
			   "trusted_addresses need none",
		 {}});
	response.header("WWW-Authenticate",
			wrong ? "Bearer realm=\"sluice\", error=\"invalid_token\""
			      : "Bearer realm=\"sluice\"");
	return response;
}

/* Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever its
 * peer address says. */
constexpr const char *kForwardingHeaders[]
	= {"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP"};

} /* namespace */

struct Router::Route {
	std::string method;
	std::string pattern;
	Handler handler;
	BodyKind body = BodyKind::None;
};

/* What the early handler leaves on a message for the main handler. */
struct Router::Pending {
	int64_t startUs = 0;
	uint64_t limit = 0;
	std::string body;
	bool tooLarge = false;
};

bool constantTimeEqual(std::string_view a, std::string_view b)
{
	auto digest = [](std::string_view text) {
		g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
		g_checksum_update(checksum, reinterpret_cast<const guchar *>(text.data()),
				  static_cast<gssize>(text.size()));
		std::array<guint8, 32> out {};
		gsize length = out.size();
		g_checksum_get_digest(checksum, out.data(), &length);
		return out;
	};
	auto da = digest(a);
	auto db = digest(b);
	unsigned diff = 0;
	for (size_t i = 0; i < da.size(); i++)
		diff |= da[i] ^ db[i];
	return diff == 0;
}

bool isAdminPath(std::string_view path)
{
	return path.starts_with("/api/") || path == "/api" || path == "/metrics";
}

std::optional<PathParams> matchPattern(std::string_view pattern, std::string_view path)
{
	std::vector<std::string_view> want = split(pattern);
	std::vector<std::string_view> have = split(path);
	if (want.empty() || want.size() != have.size())
		return std::nullopt;
	PathParams params;
	for (size_t i = 0; i < want.size(); i++) {
		std::string_view w = want[i];
		size_t open = w.find('{');
		if (open == std::string_view::npos) {
			if (w != have[i])
				return std::nullopt;
			continue;
		}
		size_t close = w.find('}', open);
		std::string_view prefix = w.substr(0, open);
		std::string_view suffix = w.substr(close + 1);
		std::string_view name = w.substr(open + 1, close - open - 1);
		std::string_view h = have[i];
		if (h.size() <= prefix.size() + suffix.size() || !h.starts_with(prefix)
		    || !h.ends_with(suffix))
			return std::nullopt;
		std::string raw(h.substr(prefix.size(), h.size() - prefix.size() - suffix.size()));
		g_autofree char *decoded = g_uri_unescape_string(raw.c_str(), "/");
		if (!decoded || !*decoded)
			return std::nullopt;
		params.emplace(std::string(name), decoded);
	}
	return params;
}

bool isM3uContentType(std::string_view contentType)
{
	std::string type = mediaType(contentType);
	return type == "audio/x-mpegurl" || type == "application/x-mpegurl"
		|| type == "application/vnd.apple.mpegurl" || type == "audio/mpegurl"
		|| type == "text/plain";
}

/* Exchange */

Exchange::Exchange(Router &router, SoupServerMessage *message, std::string route, PathParams params,
		   GHashTable *query, std::string body)
	: router_(router), message_(SOUP_SERVER_MESSAGE(g_object_ref(message))),
	  route_(std::move(route)), params_(std::move(params)), body_(std::move(body)),
	  startUs_(g_get_monotonic_time())
{
	if (query) {
		GHashTableIter iter;
		gpointer key, value;
		g_hash_table_iter_init(&iter, query);
		while (g_hash_table_iter_next(&iter, &key, &value))
			query_.emplace_back(static_cast<const char *>(key),
					    value ? static_cast<const char *>(value) : "");
		std::sort(query_.begin(), query_.end());
	}
	finishedHandler_ = g_signal_connect_swapped(
		message_, "finished", G_CALLBACK(+[](Exchange *self) { self->finished_ = true; }),
		this);
}

Exchange::~Exchange()
{
	g_signal_handler_disconnect(message_, finishedHandler_);
	if (paused_ && !responded_ && !finished_) {
		/* Dropped without an answer: a bug, but the client should not hang. */
		respond(errorResponse({500, "internal", "the request was dropped unanswered", {}}));
	}
	g_object_unref(message_);
}

std::string_view Exchange::method() const
{
	return soup_server_message_get_method(message_);
}

std::string Exchange::path() const
{
	return g_uri_get_path(soup_server_message_get_uri(message_));
}

const std::string &Exchange::param(std::string_view name) const
{
	static const std::string empty;
	auto it = params_.find(name);
	return it == params_.end() ? empty : it->second;
}

std::optional<std::string> Exchange::query(std::string_view name) const
{
	for (const auto &[key, value] : query_) {
		if (key == name)
			return value;
	}
	return std::nullopt;
}

std::string Exchange::header(const char *name) const
{
	const char *value = soup_message_headers_get_one(
		soup_server_message_get_request_headers(message_), name);
	return value ? std::string(value) : std::string();
}

std::string Exchange::clientAddress() const
{
	const char *host = soup_server_message_get_remote_host(message_);
	return host ? host : "";
}

void Exchange::refuseFailedCredential(Response response, std::string_view what)
{
	const uint32_t delayMs = router_.failed(message_, route_, what);
	router_.later(delayMs, [self = shared_from_this(), response = std::move(response)] {
		self->respond(response);
	});
}

void Exchange::acceptedCredential()
{
	router_.throttle_.succeed(clientAddress());
}

void Exchange::respond(Response response)
{
	if (responded_)
		return;
	responded_ = true;
	if (finished_)
		return;
	auto *pending = static_cast<Router::Pending *>(
		g_object_get_data(G_OBJECT(message_), kPendingKey));
	router_.finish(message_, route_, pending ? pending->startUs : startUs_, response);
	if (paused_)
		soup_server_message_unpause(message_);
}

/* Router */

Router::Router(RouterOptions options) : options_(std::move(options))
{
}

/* A later() call waiting for its time. */
struct Router::Delayed {
	Router *router = nullptr;
	guint id = 0;
	std::function<void()> then;
};

Router::~Router()
{
	/* Dropped unrun: an exchange among them answers 500 as it goes (its destructor). */
	for (const auto &[id, delayed] : delayed_)
		g_source_remove(id);
	std::map<guint, std::unique_ptr<Delayed>> dropped;
	dropped.swap(delayed_);
}

void Router::later(uint32_t delayMs, std::function<void()> then)
{
	auto delayed = std::make_unique<Delayed>();
	delayed->router = this;
	delayed->then = std::move(then);
	Delayed *raw = delayed.get();
	raw->id = g_timeout_add(
		delayMs,
		[](gpointer data) {
			auto *due = static_cast<Delayed *>(data);
			auto node = due->router->delayed_.extract(due->id);
			if (!node.empty())
				node.mapped()->then();
			return G_SOURCE_REMOVE;
		},
		raw);
	delayed_.emplace(raw->id, std::move(delayed));
}

void Router::add(std::string method, std::string pattern, Handler handler, BodyKind body)
{
	auto route = std::make_unique<Route>();
	route->method = std::move(method);
	route->pattern = std::move(pattern);
	route->handler = std::move(handler);
	route->body = body;
	routes_.push_back(std::move(route));
}

std::vector<RouteInfo> Router::routes() const
{
	std::vector<RouteInfo> out;
	for (const auto &route : routes_)
		out.push_back({route->method, route->pattern});
	return out;
}

void Router::attach(SoupServer *server)
{
	soup_server_add_early_handler(server, nullptr, earlyHandler, this, nullptr);
	soup_server_add_handler(server, nullptr, mainHandler, this, nullptr);
}

const Router::Route *Router::find(std::string_view method, std::string_view path,
				  std::vector<std::string> &allowed, PathParams &params) const
{
	const Route *found = nullptr;
	for (const auto &route : routes_) {
		std::optional<PathParams> match = matchPattern(route->pattern, path);
		if (!match)
			continue;
		auto add = [&](const std::string &m) {
			if (std::find(allowed.begin(), allowed.end(), m) == allowed.end())
				allowed.push_back(m);
		};
		add(route->method);
		if (route->method == "GET")
			add("HEAD");
		/* HEAD is answered by GET's handler; libsoup leaves the body out. */
		bool methodMatches
			= route->method == method || (method == "HEAD" && route->method == "GET");
		if (!found && methodMatches) {
			found = route.get();
			params = std::move(*match);
		}
	}
	return found;
}

bool Router::trustedPeer(SoupServerMessage *message) const
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(message);
	for (const char *name : kForwardingHeaders) {
		if (soup_message_headers_get_one(headers, name))
			return false;
	}
	const char *peer = soup_server_message_get_remote_host(message);
	return peer && anyContains(options_.trusted, peer);
}

Router::Credential Router::credential(SoupServerMessage *message) const
{
	if (options_.adminToken.empty() || trustedPeer(message))
		return Credential::NotNeeded;
	const char *value = soup_message_headers_get_one(
		soup_server_message_get_request_headers(message), "Authorization");
	if (!value)
		return Credential::Missing;
	std::string_view header = trim(value);
	constexpr std::string_view kScheme = "bearer ";
	if (header.size() <= kScheme.size()
	    || asciiLower(header.substr(0, kScheme.size())) != kScheme)
		return Credential::Wrong;
	return constantTimeEqual(trim(header.substr(kScheme.size())), options_.adminToken)
		? Credential::Valid
		: Credential::Wrong;
}

uint32_t Router::failed(SoupServerMessage *message, const std::string &route, std::string_view what)
{
	const char *remote = soup_server_message_get_remote_host(message);
	const std::string peer = remote ? remote : "";
	const FailureThrottle::Verdict verdict = throttle_.fail(peer, g_get_monotonic_time());
	const std::string path
		= redactedPath(route, g_uri_get_path(soup_server_message_get_uri(message)));
	const std::string kind(what);
	logWithFields(G_LOG_LEVEL_WARNING,
		      {{kFieldClientAddr, peer},
		       {"SLUICE_HTTP_METHOD", soup_server_message_get_method(message)},
		       {"SLUICE_HTTP_ROUTE", route}},
		      "refused a wrong %s from %s for %s %s: failure %u from this address, "
		      "answered after %u ms",
		      kind.c_str(), peer.c_str(), soup_server_message_get_method(message),
		      path.c_str(), verdict.failures, verdict.delayMs);
	return verdict.delayMs;
}

std::optional<Response> Router::checkHeaders(SoupServerMessage *message, const Route *route,
					     uint64_t &limit) const
{
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(message);
	const char *contentType = soup_message_headers_get_one(headers, "Content-Type");
	const BodyKind kind = route ? route->body : BodyKind::None;
	const bool m3u
		= kind == BodyKind::JsonOrM3u && contentType && isM3uContentType(contentType);
	limit = kind == BodyKind::JsonOrM3u ? options_.maxUploadBytes : options_.maxBodyBytes;

	SoupEncoding encoding = soup_message_headers_get_encoding(headers);
	const bool hasBody = encoding == SOUP_ENCODING_CHUNKED
		|| (encoding == SOUP_ENCODING_CONTENT_LENGTH
		    && soup_message_headers_get_content_length(headers) > 0);
	if (encoding == SOUP_ENCODING_CONTENT_LENGTH
	    && static_cast<uint64_t>(soup_message_headers_get_content_length(headers)) > limit) {
		return errorResponse({413,
				      "payload_too_large",
				      "the request body is over the limit of "
					      + std::to_string(limit) + " bytes"
					      + (m3u ? " (max_upload_bytes)" : " (max_body_bytes)"),
				      {}});
	}
	if (hasBody && kind != BodyKind::None && !m3u
	    && !(contentType && isJsonContentType(contentType))) {
		std::string expected = kind == BodyKind::Json
			? "application/json"
			: "application/json or an M3U type (audio/x-mpegurl, "
			  "application/x-mpegurl, application/vnd.apple.mpegurl, text/plain)";
		return errorResponse({415,
				      "unsupported_media_type",
				      "Content-Type "
					      + std::string(contentType ? contentType : "(none)")
					      + " is not accepted here; send " + expected,
				      {}});
	}
	return std::nullopt;
}

void Router::earlyHandler(SoupServer *, SoupServerMessage *message, const char *path, GHashTable *,
			  gpointer data)
{
	auto *self = static_cast<Router *>(data);
	auto *pending = new Pending;
	pending->startUs = g_get_monotonic_time();
	g_object_set_data_full(G_OBJECT(message), kPendingKey, pending,
			       [](gpointer p) { delete static_cast<Pending *>(p); });

	std::vector<std::string> allowed;
	PathParams params;
	const Route *route
		= self->find(soup_server_message_get_method(message), path, allowed, params);
	const std::string pattern = route ? route->pattern : kUnmatched;
	if (isAdminPath(path)) {
		const Credential given = self->credential(message);
		if (given == Credential::Missing || given == Credential::Wrong) {
			const bool wrong = given == Credential::Wrong;
			const uint32_t delayMs
				= wrong ? self->failed(message, pattern, "admin token") : 0;
			self->refuseEarly(message, pattern, pending->startUs, unauthorized(wrong),
					  delayMs);
			return;
		}
		if (given == Credential::Valid) {
			const char *peer = soup_server_message_get_remote_host(message);
			self->throttle_.succeed(peer ? peer : "");
		}
	}
	std::optional<Response> early = self->checkHeaders(message, route, pending->limit);
	if (early) {
		self->refuseEarly(message, pattern, pending->startUs, std::move(*early), 0);
		return;
	}
	soup_message_body_set_accumulate(soup_server_message_get_request_body(message), FALSE);
	g_signal_connect(message, "got-chunk", G_CALLBACK(gotChunk), pending);
}

void Router::refuseEarly(SoupServerMessage *message, const std::string &pattern, int64_t startUs,
			 Response response, uint32_t delayMs)
{
	/* The body stays unread: the connection cannot be reused. */
	response.header("Connection", "close");
	SoupMessageHeaders *headers = soup_server_message_get_request_headers(message);
	const bool bodyFollows = soup_message_headers_get_encoding(headers) == SOUP_ENCODING_CHUNKED
		|| soup_message_headers_get_content_length(headers) > 0;
	const bool expectsContinue
		= soup_message_headers_get_expectations(headers) & SOUP_EXPECTATION_CONTINUE;
	const bool unread = bodyFollows && !expectsContinue;
	if (delayMs == 0) {
		if (unread)
			refuseUnread(message, pattern, startUs, response);
		else
			finish(message, pattern, startUs, response);
		return;
	}
	/* Paused before the body is read; answered (and the body skipped) when the delay is up. */
	soup_server_message_pause(message);
	std::shared_ptr<SoupServerMessage> held(SOUP_SERVER_MESSAGE(g_object_ref(message)),
						g_object_unref);
	later(delayMs, [this, held, pattern, startUs, response, unread] {
		if (unread) {
			refuseUnread(held.get(), pattern, startUs, response);
			return;
		}
		finish(held.get(), pattern, startUs, response);
		soup_server_message_unpause(held.get());
	});
}

void Router::gotChunk(SoupServerMessage *, GBytes *chunk, gpointer data)
{
	auto *pending = static_cast<Pending *>(data);
	gsize size = 0;
	const auto *bytes = static_cast<const char *>(g_bytes_get_data(chunk, &size));
	if (pending->tooLarge || pending->body.size() + size > pending->limit) {
		pending->tooLarge = true;
		pending->body.clear();
		return;
	}
	pending->body.append(bytes, size);
}

void Router::mainHandler(SoupServer *, SoupServerMessage *message, const char *path,
			 GHashTable *query, gpointer data)
{
	auto *self = static_cast<Router *>(data);
	auto *pending = static_cast<Pending *>(g_object_get_data(G_OBJECT(message), kPendingKey));
	const int64_t startUs = pending ? pending->startUs : g_get_monotonic_time();

	std::vector<std::string> allowed;
	PathParams params;
	const std::string_view method = soup_server_message_get_method(message);
	const Route *route = self->find(method, path, allowed, params);
	if (!route) {
		Response response;
		if (!allowed.empty()) {
			std::string allow;
			for (const std::string &m : allowed)
				allow += (allow.empty() ? "" : ", ") + m;
			response = errorResponse({405,
						  "method_not_allowed",
						  std::string(method) + " is not allowed on " + path
							  + "; allowed: " + allow,
						  {}});
			response.header("Allow", allow);
		} else {
			response = errorResponse(
				{404, "not_found", std::string("no such resource: ") + path, {}});
		}
		self->finish(message, kUnmatched, startUs, response);
		return;
	}
	if (pending && pending->tooLarge) {
		self->finish(message, route->pattern, startUs,
			     errorResponse({413,
					    "payload_too_large",
					    "the request body is over the limit of "
						    + std::to_string(pending->limit) + " bytes",
					    {}}));
		return;
	}

	auto exchange = std::make_shared<Exchange>(
		*self, message, route->pattern, std::move(params), query,
		pending ? std::move(pending->body) : std::string());
	route->handler(exchange);
	if (!exchange->responded()) {
		exchange->paused_ = true;
		soup_server_message_pause(message);
	}
}

void Router::finish(SoupServerMessage *message, const std::string &route, int64_t startUs,
		    const Response &response)
{
	soup_server_message_set_status(message, response.status, nullptr);
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(message);
	for (const auto &[name, value] : response.headers)
		soup_message_headers_replace(headers, name.c_str(), value.c_str());
	if (!response.contentType.empty())
		soup_server_message_set_response(message, response.contentType.c_str(),
						 SOUP_MEMORY_COPY, response.body.data(),
						 response.body.size());

	record(message, route, startUs, response.status);
}

void Router::refuseUnread(SoupServerMessage *message, const std::string &route, int64_t startUs,
			  const Response &response)
{
	std::string head = "HTTP/1.1 " + std::to_string(response.status) + " "
		+ soup_status_get_phrase(response.status) + "\r\n";
	for (const auto &[name, value] : response.headers)
		head += name + ": " + value + "\r\n";
	head += "Content-Type: " + response.contentType + "\r\n";
	head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n";

	record(message, route, startUs, response.status);
	GSocket *socket = soup_server_message_get_socket(message);
	struct Write {
		GIOStream *stream;
		GSocket *socket;
		std::string bytes;
	};
	auto *write = new Write {nullptr, socket ? G_SOCKET(g_object_ref(socket)) : nullptr,
				 head + response.body};
	write->stream = soup_server_message_steal_connection(message);
	if (!write->stream) {
		g_clear_object(&write->socket);
		delete write;
		return;
	}
	/*
	 * Closing a socket with unread input makes the kernel send a reset, which can destroy
	 * the answer before the client reads it. So: answer, half-close (FIN), and close a
	 * second later, by when the client has read the answer.
	 */
	g_output_stream_write_all_async(
		g_io_stream_get_output_stream(write->stream), write->bytes.data(),
		write->bytes.size(), G_PRIORITY_DEFAULT, nullptr,
		[](GObject *, GAsyncResult *, gpointer data) {
			auto *done = static_cast<Write *>(data);
			if (done->socket)
				g_socket_shutdown(done->socket, FALSE, TRUE, nullptr);
			g_timeout_add_seconds(
				1,
				[](gpointer data2) {
					auto *closing = static_cast<Write *>(data2);
					g_io_stream_close(closing->stream, nullptr, nullptr);
					g_object_unref(closing->stream);
					g_clear_object(&closing->socket);
					delete closing;
					return G_SOURCE_REMOVE;
				},
				done);
		},
		write);
}

void Router::record(SoupServerMessage *message, const std::string &route, int64_t startUs,
		    unsigned status)
{
	const char *method = soup_server_message_get_method(message);
	const double seconds = static_cast<double>(g_get_monotonic_time() - startUs) / 1e6;
	metrics_.record(route, method, status, seconds);

	const std::string path
		= redactedPath(route, g_uri_get_path(soup_server_message_get_uri(message)));
	const char *remote = soup_server_message_get_remote_host(message);
	std::string code = std::to_string(status);
	logWithFields(G_LOG_LEVEL_INFO,
		      {{kFieldClientAddr, remote ? remote : ""},
		       {"SLUICE_HTTP_METHOD", method},
		       {"SLUICE_HTTP_ROUTE", route},
		       {"SLUICE_HTTP_STATUS", code}},
		      "%s %s %u (%.1f ms)", method, path.c_str(), status, seconds * 1000);
}

} /* namespace sluice */
