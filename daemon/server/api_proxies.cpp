/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * /api/v1/proxies: what players subscribe to: a named, ordered set of channels, a mode
 * (direct or smart) and a relay profile.
 *
 * proxy_mode takes direct | smart, and the legacy redirect / proxy / relay (mapped, logged and
 * listed in "deprecations"). profile_id null or 0 means the default profile. stream_key null
 * (or "") leaves the proxy's player URLs open; a key makes every one of them ask for it (see
 * playlists.cpp). PUT applies the fields given over the stored proxy; id is read-only and
 * ignored.
 */

#include "context.h"
#include "jsoninput.h"

namespace sluice {

namespace {

void writeProxy(JsonOut &out, const Proxy &proxy)
{
	out.beginObject();
	out.member("id", proxy.id);
	out.member("name", proxy.name);
	out.member("proxy_mode", toString(proxy.mode));
	out.key("profile_id");
	if (proxy.profileId)
		out.value(proxy.profileId);
	else
		out.null();
	out.key("channel_ids").beginArray();
	for (Id id : proxy.channelIds)
		out.value(id);
	out.endArray();
	out.member("first_number", proxy.firstNumber);
	out.key("stream_key");
	if (proxy.streamKey.empty())
		out.null();
	else
		out.value(proxy.streamKey);
}

Response proxyResponse(unsigned status, const Proxy &proxy,
		       const std::vector<Deprecation> &deprecations = {})
{
	JsonOut out;
	writeProxy(out, proxy);
	if (!deprecations.empty()) {
		out.key("deprecations").beginArray();
		for (const Deprecation &deprecation : deprecations)
			out.beginObject()
				.member("field", deprecation.field)
				.member("message", deprecation.message)
				.endObject();
		out.endArray();
	}
	out.endObject();
	Response response = jsonResponse(status, out.text());
	if (status == 201)
		response.header("Location", "/api/v1/proxies/" + std::to_string(proxy.id));
	return response;
}

std::optional<ApiError> readProxy(const std::string &body, Proxy &proxy,
				  std::vector<Deprecation> &deprecations)
{
	auto [input, parseError]
		= JsonInput::parse(body,
				   {"id", "name", "proxy_mode", "profile_id", "channel_ids",
				    "first_number", "stream_key", "deprecations"});
	if (parseError)
		return parseError;
	auto name = input->string("name");
	auto mode = input->string("proxy_mode");
	auto profileId = input->integer("profile_id", 0, INT64_MAX);
	const bool profileNull = input->isNull("profile_id");
	auto channelIds = input->integers("channel_ids");
	auto firstNumber = input->integer("first_number", 0, UINT32_MAX);
	auto streamKey = input->string("stream_key");
	const bool streamKeyNull = input->isNull("stream_key");
	input->integer("id");
	if (input->error())
		return input->error();

	if (name)
		proxy.name = *name;
	if (mode) {
		ProxyModeResult result = parseProxyModeInput(*mode, "proxy_mode");
		if (!result.ok())
			return apiError(*result.error);
		proxy.mode = result.mode;
		if (result.deprecation) {
			g_warning("proxy \"%s\": deprecated %s: %s", proxy.name.c_str(),
				  result.deprecation->field.c_str(),
				  result.deprecation->message.c_str());
			deprecations.push_back(*result.deprecation);
		}
	}
	if (profileId)
		proxy.profileId = *profileId;
	else if (profileNull)
		proxy.profileId = 0;
	if (channelIds)
		proxy.channelIds = *channelIds;
	if (firstNumber)
		proxy.firstNumber = static_cast<uint32_t>(*firstNumber);
	if (streamKey)
		proxy.streamKey = *streamKey;
	else if (streamKeyNull)
		proxy.streamKey.clear();
	if (proxy.name.empty())
		return ApiError {400, "required", "a proxy needs a name", "name"};
	return std::nullopt;
}

} /* namespace */

void addProxyRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/api/v1/proxies", [&context](const ExchangePtr &ex) {
		ex->respond(listResponse(context.store->listProxies(),
					 [](JsonOut &out, const Proxy &proxy) {
						 writeProxy(out, proxy);
						 out.endObject();
					 }));
	});

	router.add(
		"POST", "/api/v1/proxies",
		[&context](const ExchangePtr &ex) {
			Proxy proxy;
			std::vector<Deprecation> deprecations;
			if (auto error = readProxy(ex->body(), proxy, deprecations))
				return ex->respond(errorResponse(*error));
			auto created = context.store->createProxy(proxy);
			if (!created)
				return ex->respond(errorResponse(apiError(created.error())));
			ex->respond(proxyResponse(201, *created, deprecations));
		},
		BodyKind::Json);

	router.add("GET", "/api/v1/proxies/{id}", [&context](const ExchangePtr &ex) {
		Id id = parseId(ex->param("id"));
		if (!id)
			return ex->respond(badId(ex->param("id")));
		auto proxy = context.store->getProxy(id);
		if (!proxy)
			return ex->respond(errorResponse(apiError(proxy.error())));
		ex->respond(proxyResponse(200, *proxy));
	});

	router.add(
		"PUT", "/api/v1/proxies/{id}",
		[&context](const ExchangePtr &ex) {
			Id id = parseId(ex->param("id"));
			if (!id)
				return ex->respond(badId(ex->param("id")));
			auto stored = context.store->getProxy(id);
			if (!stored)
				return ex->respond(errorResponse(apiError(stored.error())));
			Proxy proxy = *stored;
			std::vector<Deprecation> deprecations;
			if (auto error = readProxy(ex->body(), proxy, deprecations))
				return ex->respond(errorResponse(*error));
			auto updated = context.store->updateProxy(proxy);
			if (!updated)
				return ex->respond(errorResponse(apiError(updated.error())));
			ex->respond(proxyResponse(200, *updated, deprecations));
		},
		BodyKind::Json);

	router.add("DELETE", "/api/v1/proxies/{id}", [&context](const ExchangePtr &ex) {
		Id id = parseId(ex->param("id"));
		if (!id)
			return ex->respond(badId(ex->param("id")));
		auto deleted = context.store->deleteProxy(id);
		if (!deleted)
			return ex->respond(errorResponse(apiError(deleted.error())));
		ex->respond(Response {204, {}, {}, {}});
	});
}

} /* namespace sluice */
