/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * /api/v1/sources: M3U channel sources, fetched from a URL or uploaded, and their refresh.
 *
 * An uploaded list comes either inside JSON ({"name", "m3u": "#EXTM3U..."}) or as the raw body
 * with an M3U Content-Type and ?name=; both are limited by max_upload_bytes and imported at
 * once. A refresh fetches the URL (the message is paused meanwhile) or re-imports the stored
 * upload. Read-only fields (id, last_refresh, channel_count, uploaded) are accepted on input
 * and ignored, so what GET returns can be sent back.
 */

#include <map>

#include "channelmanager.h"
#include "context.h"
#include "jsoninput.h"
#include "logging.h"
#include "m3u.h"
#include "m3ufetch.h"
#include "m3uimport.h"

namespace sluice {

namespace {

void writeSource(JsonOut &out, const Source &source, size_t channelCount)
{
	out.beginObject();
	out.member("id", source.id);
	out.member("name", source.name);
	out.member("url", source.url);
	out.member("uploaded", !source.m3uBody.empty());
	out.member("user_agent", source.userAgent);
	out.member("max_streams", source.maxStreams);
	out.member("refresh_interval_s", source.refreshIntervalS);
	out.member("last_refresh", source.lastRefresh);
	out.member("channel_count", static_cast<int64_t>(channelCount));
}

void writeReport(JsonOut &out, const ImportReport &report)
{
	out.beginObject();
	out.member("added", report.counts.added);
	out.member("updated", report.counts.updated);
	out.member("unchanged", report.counts.unchanged);
	out.member("removed", report.counts.removed);
	out.member("skipped", report.skipped);
	out.key("warnings").beginArray();
	for (const std::string &warning : report.warnings)
		out.value(warning);
	out.endArray().endObject();
}

size_t channelCount(Store &store, Id sourceId)
{
	auto channels = store.listChannels(sourceId);
	return channels ? channels->size() : 0;
}

Response sourceResponse(Store &store, unsigned status, const Source &source,
			const std::optional<ImportReport> &report = {})
{
	JsonOut out;
	writeSource(out, source, channelCount(store, source.id));
	if (report) {
		out.key("import");
		writeReport(out, *report);
	}
	out.endObject();
	Response response = jsonResponse(status, out.text());
	if (status == 201)
		response.header("Location", "/api/v1/sources/" + std::to_string(source.id));
	return response;
}

/* 422 url_not_allowed for a list URL sluiced does not fetch (see UrlPolicy). */
std::optional<ApiError> checkListUrl(const ServerContext &context, const std::string &url)
{
	if (std::optional<std::string> problem = context.urlPolicy.check(url, UrlUse::List))
		return ApiError {422, "url_not_allowed", *problem, "url"};
	return std::nullopt;
}

/* The body's fields over source; m3u is set when a list was uploaded with it. */
std::optional<ApiError> readSource(const ServerContext &context, const std::string &body,
				   Source &source, std::optional<std::string> &m3u)
{
	auto [input, parseError] = JsonInput::parse(body,
						    {"id", "name", "url", "m3u", "user_agent",
						     "max_streams", "refresh_interval_s",
						     "last_refresh", "channel_count", "uploaded"});
	if (parseError)
		return parseError;
	auto name = input->string("name");
	auto url = input->string("url");
	m3u = input->string("m3u");
	auto userAgent = input->string("user_agent");
	auto maxStreams = input->integer("max_streams", 0, UINT32_MAX);
	auto refresh = input->integer("refresh_interval_s", 0, UINT32_MAX);
	input->integer("id");
	input->integer("last_refresh");
	input->integer("channel_count");
	input->boolean("uploaded");
	if (input->error())
		return input->error();

	if (url && !url->empty() && m3u)
		return ApiError {422, "conflict", "give either url or m3u, not both", "m3u"};
	if (name)
		source.name = *name;
	if (url && !url->empty()) {
		if (auto refused = checkListUrl(context, *url))
			return refused;
		source.url = *url;
		source.m3uBody.clear();
	}
	if (m3u) {
		if (m3u->empty())
			return ApiError {400, "required", "m3u is empty", "m3u"};
		source.m3uBody = *m3u;
		source.url.clear();
	}
	if (userAgent)
		source.userAgent = *userAgent;
	if (maxStreams)
		source.maxStreams = static_cast<uint32_t>(*maxStreams);
	if (refresh)
		source.refreshIntervalS = static_cast<uint32_t>(*refresh);
	if (source.name.empty())
		return ApiError {400, "required", "a source needs a name", "name"};
	if (source.url.empty() && source.m3uBody.empty())
		return ApiError {400, "required", "a source needs a url or an uploaded m3u list",
				 "url"};
	return std::nullopt;
}

/* An M3U text that does not parse at all is refused before anything is stored. */
std::optional<ApiError> checkM3u(std::string_view text)
{
	M3uParseResult parsed = parseM3u(text);
	if (!parsed.ok())
		return ApiError {422, "invalid_value",
				 "the M3U list cannot be read: " + parsed.error().text(), "m3u"};
	return std::nullopt;
}

Response reportResponse(const ImportReport &report)
{
	JsonOut out;
	writeReport(out, report);
	return jsonResponse(200, out.text());
}

void logImport(const Source &source, const ImportReport &report)
{
	logWithFields(G_LOG_LEVEL_MESSAGE, {{kFieldSource, source.name}},
		      "imported %s: %u added, %u updated, %u unchanged, %u removed, %u skipped, "
		      "%zu warnings",
		      source.name.c_str(), report.counts.added, report.counts.updated,
		      report.counts.unchanged, report.counts.removed, report.skipped,
		      report.warnings.size());
}

void createSource(ServerContext &context, const ExchangePtr &ex)
{
	Source source;
	std::optional<std::string> m3u;
	const std::string contentType = ex->header("Content-Type");
	if (isM3uContentType(contentType)) {
		source.name = ex->query("name").value_or("");
		source.userAgent = ex->query("user_agent").value_or("");
		source.m3uBody = ex->body();
		if (source.name.empty())
			return ex->respond(errorResponse(
				{400, "required", "an uploaded list needs ?name=", "name"}));
		if (source.m3uBody.empty())
			return ex->respond(errorResponse(
				{400, "required", "the uploaded list is empty", "m3u"}));
		m3u = source.m3uBody;
	} else if (auto error = readSource(context, ex->body(), source, m3u)) {
		return ex->respond(errorResponse(*error));
	}
	if (m3u) {
		if (auto error = checkM3u(*m3u))
			return ex->respond(errorResponse(*error));
	}

	Store &store = *context.store;
	auto created = store.createSource(source);
	if (!created)
		return ex->respond(errorResponse(apiError(created.error())));
	std::optional<ImportReport> report;
	if (m3u) {
		auto imported = importM3uText(store, created->id, *m3u, context.urlPolicy);
		if (!imported) {
			(void)store.deleteSource(created->id);
			return ex->respond(errorResponse(apiError(imported.error())));
		}
		report = *imported;
		logImport(*created, *report);
		created = store.getSource(created->id);
		if (!created)
			return ex->respond(errorResponse(apiError(created.error())));
	}
	ex->respond(sourceResponse(store, 201, *created, report));
}

void updateSource(ServerContext &context, const ExchangePtr &ex)
{
	Store &store = *context.store;
	Id id = parseId(ex->param("id"));
	if (!id)
		return ex->respond(badId(ex->param("id")));
	auto stored = store.getSource(id);
	if (!stored)
		return ex->respond(errorResponse(apiError(stored.error())));
	Source source = *stored;
	std::optional<std::string> m3u;
	if (isM3uContentType(ex->header("Content-Type"))) {
		/* A new upload replacing the list (and the URL, if it had one). */
		m3u = ex->body();
		source.m3uBody = *m3u;
		source.url.clear();
	} else if (auto error = readSource(context, ex->body(), source, m3u)) {
		return ex->respond(errorResponse(*error));
	}
	if (m3u) {
		if (auto error = checkM3u(*m3u))
			return ex->respond(errorResponse(*error));
	}
	auto updated = store.updateSource(source);
	if (!updated)
		return ex->respond(errorResponse(apiError(updated.error())));
	std::optional<ImportReport> report;
	if (m3u) {
		auto imported = importM3uText(store, id, *m3u, context.urlPolicy);
		if (!imported)
			return ex->respond(errorResponse(apiError(imported.error())));
		report = *imported;
		logImport(*updated, *report);
		updated = store.getSource(id);
		if (!updated)
			return ex->respond(errorResponse(apiError(updated.error())));
	}
	ex->respond(sourceResponse(store, 200, *updated, report));
}

void refreshSource(ServerContext &context, const ExchangePtr &ex)
{
	Store &store = *context.store;
	Id id = parseId(ex->param("id"));
	if (!id)
		return ex->respond(badId(ex->param("id")));
	auto source = store.getSource(id);
	if (!source)
		return ex->respond(errorResponse(apiError(source.error())));
	if (source->url.empty()) {
		auto imported = importM3uText(store, id, source->m3uBody, context.urlPolicy);
		if (!imported)
			return ex->respond(errorResponse(apiError(imported.error())));
		logImport(*source, *imported);
		return ex->respond(reportResponse(*imported));
	}

	if (auto refused = checkListUrl(context, source->url))
		return ex->respond(errorResponse(*refused));
	/* The handler returns with the message paused; done runs later on the main context. */
	const std::string url = source->url;
	const std::string name = source->name;
	fetchM3u(context.session, url, source->userAgent, context.config.maxUploadBytes,
		 [&context, ex, id, url, name](std::string text, std::string error) {
			 if (!error.empty()) {
				 logWithFields(G_LOG_LEVEL_WARNING, {{kFieldSource, name}},
					       "refreshing %s failed: %s", name.c_str(),
					       error.c_str());
				 return ex->respond(errorResponse(
					 {502, "upstream_failed",
					  "fetching " + url + " failed: " + error, "url"}));
			 }
			 auto imported = importM3uText(*context.store, id, text, context.urlPolicy);
			 if (!imported)
				 return ex->respond(errorResponse(apiError(imported.error())));
			 auto refreshed = context.store->getSource(id);
			 if (refreshed)
				 logImport(*refreshed, *imported);
			 ex->respond(reportResponse(*imported));
		 });
}

} /* namespace */

void addSourceRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/api/v1/sources", [&context](const ExchangePtr &ex) {
		auto sources = context.store->listSources();
		if (!sources)
			return ex->respond(errorResponse(apiError(sources.error())));
		auto channels = context.store->listChannels();
		std::map<Id, size_t> counts;
		if (channels) {
			for (const Channel &channel : *channels)
				counts[channel.sourceId]++;
		}
		JsonOut out;
		out.beginArray();
		for (const Source &source : *sources) {
			writeSource(out, source, counts[source.id]);
			out.endObject();
		}
		out.endArray();
		ex->respond(jsonResponse(200, out.text()));
	});
	router.add(
		"POST", "/api/v1/sources",
		[&context](const ExchangePtr &ex) { createSource(context, ex); },
		BodyKind::JsonOrM3u);
	router.add("GET", "/api/v1/sources/{id}", [&context](const ExchangePtr &ex) {
		Id id = parseId(ex->param("id"));
		if (!id)
			return ex->respond(badId(ex->param("id")));
		auto source = context.store->getSource(id);
		if (!source)
			return ex->respond(errorResponse(apiError(source.error())));
		ex->respond(sourceResponse(*context.store, 200, *source));
	});
	router.add(
		"PUT", "/api/v1/sources/{id}",
		[&context](const ExchangePtr &ex) { updateSource(context, ex); },
		BodyKind::JsonOrM3u);
	router.add("DELETE", "/api/v1/sources/{id}", [&context](const ExchangePtr &ex) {
		Id id = parseId(ex->param("id"));
		if (!id)
			return ex->respond(badId(ex->param("id")));
		/* Its channels go with it, and their pipelines with them. */
		auto channels = context.store->listChannels(id);
		auto deleted = context.store->deleteSource(id);
		if (!deleted)
			return ex->respond(errorResponse(apiError(deleted.error())));
		if (context.engine && channels) {
			for (const Channel &channel : *channels)
				context.engine->stop(channel.id);
		}
		ex->respond(Response {204, {}, {}, {}});
	});
	router.add("POST", "/api/v1/sources/{id}/refresh",
		   [&context](const ExchangePtr &ex) { refreshSource(context, ex); });
}

} /* namespace sluice */
