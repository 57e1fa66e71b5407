/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * /healthz, /metrics (Prometheus text format 0.0.4) and the OpenAPI document.
 */

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
