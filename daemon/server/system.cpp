/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * /healthz, /metrics (Prometheus text format 0.0.4) and the OpenAPI document.
 */

#include <map>

#include "channelmanager.h"
#include "context.h"
#include "resources.h"

namespace sluice {

namespace {

Response healthz(ServerContext &context)
{
	auto profile = context.store->defaultProfile();
	JsonOut out;
	out.beginObject();
	out.member("status", profile ? "ok" : "error");
	out.member("database", profile ? std::string("ok") : profile.error().message);
	out.endObject();
	return jsonResponse(profile ? 200 : 503, out.text());
}

template <typename T>
void gauge(std::string &out, const char *name, const char *help, const StoreResult<T> &list)
{
	out += std::string("# HELP ") + name + " " + help + "\n";
	out += std::string("# TYPE ") + name + " gauge\n";
	out += std::string(name) + " " + (list ? std::to_string(list->size()) : "NaN") + "\n";
}

/* The running channels, as GET /api/v1/sessions shows them, for Prometheus. */
std::string engineMetrics(ChannelManager &engine)
{
	std::map<std::string_view, int> byState = {{"starting", 0}, {"running", 0}, {"failed", 0}};
	std::string clients, bytes, segments, branches, speeds, realtime;
	const int64_t windowUs = int64_t(engine.options().clientIdleTimeoutS) * G_USEC_PER_SEC;
	for (ChannelPipeline *channel : engine.channels()) {
		byState[toString(channel->state())]++;
		const std::string label
			= "{channel=\"" + std::to_string(channel->source().channelId) + "\"} ";
		clients += "sluice_channel_clients" + label
			+ std::to_string(channel->activeClients(windowUs)) + "\n";
		bytes += "sluice_channel_bytes_out_total" + label
			+ std::to_string(channel->bytesOut()) + "\n";
		segments += "sluice_channel_segments_total" + label
			+ std::to_string(channel->segments()) + "\n";
		branches += "sluice_channel_variants" + label
			+ std::to_string(channel->branchNames().size()) + "\n";
		for (const TranscodeBranch *variant : channel->variants()) {
			const std::string variantLabel = "{channel=\""
				+ std::to_string(channel->source().channelId) + "\",variant=\""
				+ prometheusLabel(variant->name()) + "\"} ";
			if (auto speed = variant->speed()) {
				char text[32];
				g_snprintf(text, sizeof(text), "%.3f", *speed);
				speeds += "sluice_variant_speed" + variantLabel + text + "\n";
			}
			realtime += "sluice_variant_realtime" + variantLabel
				+ (variant->slow() ? "0" : "1") + "\n";
		}
	}
	std::string out;
	out += "# HELP sluice_engine_channels Channel pipelines, by state.\n";
	out += "# TYPE sluice_engine_channels gauge\n";
	for (const auto &[state, count] : byState)
		out += "sluice_engine_channels{state=\"" + std::string(state) + "\"} "
			+ std::to_string(count) + "\n";
	out += "# HELP sluice_channel_clients Players of a running channel seen within "
	       "client_idle_timeout, .ts viewers included.\n";
	out += "# TYPE sluice_channel_clients gauge\n" + clients;
	out += "# HELP sluice_channel_bytes_out_total Bytes of playlists, segments and TS sent "
	       "for a channel since its pipeline started.\n";
	out += "# TYPE sluice_channel_bytes_out_total counter\n" + bytes;
	out += "# HELP sluice_channel_segments_total Segments a channel's pipeline has cut.\n";
	out += "# TYPE sluice_channel_segments_total counter\n" + segments;
	out += "# HELP sluice_channel_variants Transcoded variants a channel runs.\n";
	out += "# TYPE sluice_channel_variants gauge\n" + branches;
	out += "# HELP sluice_variant_speed How fast a transcoded variant encodes, in x real time "
	       "over the last 10 s (under 1: its players stall).\n";
	out += "# TYPE sluice_variant_speed gauge\n" + speeds;
	out += "# HELP sluice_variant_realtime Whether a transcoded variant keeps real time (0 "
	       "once it falls under 0.95x, 1 again from 0.98x).\n";
	out += "# TYPE sluice_variant_realtime gauge\n" + realtime;
	return out;
}

Response metrics(ServerContext &context)
{
	std::string out;
	out += "# HELP sluice_build_info sluiced's version.\n";
	out += "# TYPE sluice_build_info gauge\n";
	out += "sluice_build_info{version=\"" + prometheusLabel(versionString()) + "\"} 1\n";
	out += "# HELP sluice_uptime_seconds Seconds since sluiced started.\n";
	out += "# TYPE sluice_uptime_seconds gauge\n";
	char uptime[32];
	g_snprintf(uptime, sizeof(uptime), "%.3f",
		   static_cast<double>(g_get_monotonic_time() - context.startedUs) / 1e6);
	out += std::string("sluice_uptime_seconds ") + uptime + "\n";
	Store &store = *context.store;
	gauge(out, "sluice_sources", "Channel sources.", store.listSources());
	gauge(out, "sluice_channels", "Channels.", store.listChannels());
	gauge(out, "sluice_proxies", "Proxies.", store.listProxies());
	gauge(out, "sluice_profiles", "Relay profiles.", store.listProfiles());
	if (context.engine)
		out += engineMetrics(*context.engine);
	out += context.metrics->render();

	Response response;
	response.contentType = "text/plain; version=0.0.4; charset=utf-8";
	response.body = std::move(out);
	return response;
}

} /* namespace */

void addSystemRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/healthz",
		   [&context](const ExchangePtr &ex) { ex->respond(healthz(context)); });
	router.add("GET", "/metrics",
		   [&context](const ExchangePtr &ex) { ex->respond(metrics(context)); });
	router.add("GET", "/api/v1/openapi.yaml", [](const ExchangePtr &ex) {
		std::optional<std::string> document = embeddedFile("openapi.yaml");
		if (!document)
			return ex->respond(errorResponse(
				{404, "not_found", "this build carries no OpenAPI document", {}}));
		Response response;
		response.contentType = "application/yaml";
		response.body = std::move(*document);
		ex->respond(std::move(response));
	});
}

} /* namespace sluice */
