/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * /api/v1/channels: channels, imported from sources or added by hand.
 *
 * extra_attributes is a JSON object {name: value} in the order of the M3U entry (catchup,
 * catchup-days, ...); M3U attribute names are unique per entry, so an object loses nothing.
 * PUT applies the fields given over the stored channel; id is read-only and ignored. A
 * channel's source_id can be set on creation only (0 or absent: added by hand); a refresh of
 * its source replaces what came from the list.
 */

#include "channelmanager.h"
#include "context.h"
#include "jsoninput.h"

namespace sluice {

namespace {

void writeChannel(JsonOut &out, const Channel &channel)
{
	out.beginObject();
	out.member("id", channel.id);
	out.member("source_id", channel.sourceId);
	out.member("name", channel.name);
	out.member("number", channel.number);
	out.member("group", channel.group);
	out.member("logo", channel.logo);
	out.member("tvg_id", channel.tvgId);
	out.member("tvg_name", channel.tvgName);
	out.member("stream_url", channel.streamUrl);
	out.key("backup_urls").beginArray();
	for (const std::string &url : channel.backupUrls)
		out.value(url);
	out.endArray();
	out.key("extra_attributes").beginObject();
	for (const auto &[name, value] : channel.extraAttributes)
		out.member(name, value);
	out.endObject();
	out.endObject();
}

Response channelResponse(unsigned status, const Channel &channel)
{
	JsonOut out;
	writeChannel(out, channel);
	Response response = jsonResponse(status, out.text());
	if (status == 201)
		response.header("Location", "/api/v1/channels/" + std::to_string(channel.id));
	return response;
}

/* 422 url_not_allowed for a stream or backup URL sluiced does not open (see UrlPolicy). */
std::optional<ApiError> checkUrls(const UrlPolicy &policy, const Channel &channel)
{
	if (auto problem = policy.check(channel.streamUrl, UrlUse::Stream))
		return ApiError {422, "url_not_allowed", *problem, "stream_url"};
	for (const std::string &url : channel.backupUrls) {
		if (auto problem = policy.check(url, UrlUse::Stream))
			return ApiError {422, "url_not_allowed", *problem, "backup_urls"};
	}
	return std::nullopt;
}

std::optional<ApiError> readChannel(const UrlPolicy &policy, const std::string &body,
				    Channel &channel, bool creating)
{
	auto [input, parseError]
		= JsonInput::parse(body,
				   {"id", "source_id", "name", "number", "group", "logo", "tvg_id",
				    "tvg_name", "stream_url", "backup_urls", "extra_attributes"});
	if (parseError)
		return parseError;
	auto sourceId = input->integer("source_id", 0, INT64_MAX);
	auto name = input->string("name");
	auto number = input->integer("number", 0, UINT32_MAX);
	auto group = input->string("group");
	auto logo = input->string("logo");
	auto tvgId = input->string("tvg_id");
	auto tvgName = input->string("tvg_name");
	auto streamUrl = input->string("stream_url");
	auto backupUrls = input->strings("backup_urls");
	auto extra = input->stringMap("extra_attributes");
	input->integer("id");
	if (input->error())
		return input->error();

	if (sourceId) {
		if (!creating && *sourceId != channel.sourceId)
			return ApiError {
				422, "invalid_value",
				"a channel's source cannot be changed; create a new channel",
				"source_id"};
		channel.sourceId = *sourceId;
	}
	if (name)
		channel.name = *name;
	if (number)
		channel.number = static_cast<uint32_t>(*number);
	if (group)
		channel.group = *group;
	if (logo)
		channel.logo = *logo;
	if (tvgId)
		channel.tvgId = *tvgId;
	if (tvgName)
		channel.tvgName = *tvgName;
	if (streamUrl)
		channel.streamUrl = *streamUrl;
	if (backupUrls)
		channel.backupUrls = *backupUrls;
	if (extra)
		channel.extraAttributes = *extra;
	if (channel.name.empty())
		return ApiError {400, "required", "a channel needs a name", "name"};
	if (channel.streamUrl.empty())
		return ApiError {400, "required", "a channel needs a stream_url", "stream_url"};
	return checkUrls(policy, channel);
}

} /* namespace */

void addChannelRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/api/v1/channels", [&context](const ExchangePtr &ex) {
		std::optional<Id> sourceId;
		if (auto text = ex->query("source_id")) {
			if (*text == "0") {
				sourceId = 0;
			} else {
				sourceId = parseId(*text);
				if (!*sourceId)
					return ex->respond(
						errorResponse({400, "invalid_value",
							       "source_id must be a source's id, "
							       "or 0 for channels "
							       "added by hand",
							       "source_id"}));
			}
		}
		ex->respond(listResponse(context.store->listChannels(sourceId), writeChannel));
	});

	router.add(
		"POST", "/api/v1/channels",
		[&context](const ExchangePtr &ex) {
			Channel channel;
			if (auto error = readChannel(context.urlPolicy, ex->body(), channel, true))
				return ex->respond(errorResponse(*error));
			auto created = context.store->createChannel(channel);
			if (!created)
				return ex->respond(errorResponse(apiError(created.error())));
			ex->respond(channelResponse(201, *created));
		},
		BodyKind::Json);

	router.add("GET", "/api/v1/channels/{id}", [&context](const ExchangePtr &ex) {
		Id id = parseId(ex->param("id"));
		if (!id)
			return ex->respond(badId(ex->param("id")));
		auto channel = context.store->getChannel(id);
		if (!channel)
			return ex->respond(errorResponse(apiError(channel.error())));
		ex->respond(channelResponse(200, *channel));
	});

	router.add(
		"PUT", "/api/v1/channels/{id}",
		[&context](const ExchangePtr &ex) {
			Id id = parseId(ex->param("id"));
			if (!id)
				return ex->respond(badId(ex->param("id")));
			auto stored = context.store->getChannel(id);
			if (!stored)
				return ex->respond(errorResponse(apiError(stored.error())));
			Channel channel = *stored;
			if (auto error = readChannel(context.urlPolicy, ex->body(), channel, false))
				return ex->respond(errorResponse(*error));
			auto updated = context.store->updateChannel(channel);
			if (!updated)
				return ex->respond(errorResponse(apiError(updated.error())));
			ex->respond(channelResponse(200, *updated));
		},
		BodyKind::Json);

	router.add("DELETE", "/api/v1/channels/{id}", [&context](const ExchangePtr &ex) {
		Id id = parseId(ex->param("id"));
		if (!id)
			return ex->respond(badId(ex->param("id")));
		auto deleted = context.store->deleteChannel(id);
		if (!deleted)
			return ex->respond(errorResponse(apiError(deleted.error())));
		/* A deleted channel no longer holds its upstream connection. */
		if (context.engine)
			context.engine->stop(id);
		ex->respond(Response {204, {}, {}, {}});
	});
}

} /* namespace sluice */
