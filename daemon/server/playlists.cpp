/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What players fetch, without a token: /proxy/{proxy}.m3u (the channel list with absolute
 * stream URLs) and /live/{proxy}/{channel}[.m3u8|.mpd|.ts].
 *
 * Stream URLs are absolute because IPTV players resolve nothing: their base is public_url when
 * configured, else the first X-Forwarded-Proto / X-Forwarded-Host of a reverse proxy, else
 * the request's Host, else the address sluiced listens on.
 */

#include <algorithm>

#include "context.h"
#include "m3u.h"

namespace sluice {

namespace {

std::string firstValue(const std::string &header)
{
	std::string value = header.substr(0, header.find(','));
	const auto blank = [](unsigned char c) {
		return c == ' ' || c == '\t';
	};
	while (!value.empty() && blank(value.back()))
		value.pop_back();
	size_t start = 0;
	while (start < value.size() && blank(value[start]))
		start++;
	return value.substr(start);
}

/* host[:port], an IPv6 literal in brackets: nothing that could break out of a URL. */
bool isHostPort(std::string_view host)
{
	if (host.empty() || host.size() > 255)
		return false;
	return std::all_of(host.begin(), host.end(), [](unsigned char c) {
		return g_ascii_isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':'
			|| c == '[' || c == ']';
	});
}

std::string baseUrl(const ServerContext &context, const Exchange &ex)
{
	if (!context.config.publicUrl.empty())
		return context.config.publicUrl;
	std::string proto = firstValue(ex.header("X-Forwarded-Proto"));
	std::transform(proto.begin(), proto.end(), proto.begin(),
		       [](unsigned char c) { return static_cast<char>(g_ascii_tolower(c)); });
	if (proto != "http" && proto != "https")
		proto = "http";
	std::string host = firstValue(ex.header("X-Forwarded-Host"));
	if (!isHostPort(host))
		host = ex.header("Host");
	if (!isHostPort(host))
		return context.listenUrl;
	return proto + "://" + host;
}

std::string escapeSegment(std::string_view text)
{
	std::string copy(text);
	g_autofree char *escaped = g_uri_escape_string(copy.c_str(), nullptr, FALSE);
	return escaped;
}

Response playlist(ServerContext &context, const ExchangePtr &ex)
{
	Store &store = *context.store;
	auto proxy = findProxy(store, ex->param("proxy"));
	if (!proxy)
		return errorResponse(apiError(proxy.error()));
	const std::string base
		= baseUrl(context, *ex) + "/live/" + escapeSegment(proxy->name) + "/";

	M3uPlaylist list;
	uint32_t position = 0;
	for (Id id : proxy->channelIds) {
		auto channel = store.getChannel(id);
		if (!channel)
			continue;
		M3uEntry entry;
		entry.title = channel->name;
		auto add = [&entry](std::string name, const std::string &value) {
			if (!value.empty())
				entry.attributes.push_back({std::move(name), value});
		};
		add("tvg-id", channel->tvgId);
		add("tvg-name", channel->tvgName);
		add("tvg-logo", channel->logo);
		add("group-title", channel->group);
		uint32_t number
			= proxy->firstNumber ? proxy->firstNumber + position : channel->number;
		if (number)
			add("tvg-chno", std::to_string(number));
		for (const auto &[name, value] : channel->extraAttributes) {
			if (!entry.hasAttribute(name))
				entry.attributes.push_back({name, value});
		}
		entry.url = base + std::to_string(channel->id);
		list.entries.push_back(std::move(entry));
		position++;
	}
	Response response;
	response.contentType = "audio/x-mpegurl";
	response.body = writeM3u(list);
	response.header("Cache-Control", "no-cache");
	response.header("Content-Disposition",
			"inline; filename=\"" + escapeSegment(proxy->name) + ".m3u\"");
	return response;
}

Response live(ServerContext &context, const ExchangePtr &ex)
{
	Store &store = *context.store;
	/* The extension routes match first; what reaches the bare route with a '.' is a format
	 * sluiced does not serve. */
	const std::string &idText = ex->param("channel");
	if (idText.find('.') != std::string::npos)
		return errorResponse(
			{404,
			 "not_found",
			 "no such stream: " + idText + " (the formats are .m3u8, .mpd and .ts)",
			 {}});
	auto proxy = findProxy(store, ex->param("proxy"));
	if (!proxy)
		return errorResponse(apiError(proxy.error()));
	const Id id = parseId(idText);
	if (!id
	    || std::find(proxy->channelIds.begin(), proxy->channelIds.end(), id)
		    == proxy->channelIds.end())
		return errorResponse({404,
				      "not_found",
				      "proxy " + proxy->name + " has no channel " + idText,
				      {}});
	auto channel = store.getChannel(id);
	if (!channel)
		return errorResponse(apiError(channel.error()));

	if (proxy->mode == ProxyMode::Direct) {
		/* A Kodi-style "|User-Agent=..." suffix is for whoever opens the URL, not part of
		 * it; a redirect cannot carry it. */
		std::string target = channel->streamUrl.substr(0, channel->streamUrl.rfind('|'));
		Response response;
		response.status = 302;
		response.header("Location", target);
		response.header("Cache-Control", "no-store");
		return response;
	}
	Response response = errorResponse(
		{503,
		 "not_implemented",
		 "smart delivery (proxy " + proxy->name
			 + ") arrives with the streaming engine in the next release; a proxy in "
			   "direct mode serves this channel today",
		 {}});
	response.header("Retry-After", "3600");
	return response;
}

} /* namespace */

void addPlaylistRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/proxy/{proxy}.m3u",
		   [&context](const ExchangePtr &ex) { ex->respond(playlist(context, ex)); });
	auto liveHandler = [&context](const ExchangePtr &ex) {
		ex->respond(live(context, ex));
	};
	for (const char *extension : {".m3u8", ".mpd", ".ts", ""}) {
		const std::string pattern = std::string("/live/{proxy}/{channel}") + extension;
		router.add("GET", pattern, liveHandler);
		router.add("HEAD", pattern, liveHandler);
	}
}

} /* namespace sluice */
