/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced: configuration, store and HTTP server on a GLib main loop, until SIGTERM.
 */

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "admintoken.h"
#include "channelmanager.h"
#include "config.h"
#include "demo.h"
#include "democlips.h"
#include "logging.h"
#include "notify.h"
#include "resources.h"
#include "server.h"
#include "store.h"

using namespace sluice;

namespace {

/* Flags of main's own, taken out of argv before loadConfig() sees it. */
struct MainFlags {
	bool demo = false; /* --demo or SLUICE_DEMO=1: seed demo channels into an empty store */
	/* --demo-media DIR or SLUICE_DEMO_MEDIA: where the demo's clips are; default
	 * STATE_DIR/demo. */
	std::string demoMedia;
	/* --prepare-demo DIR (hidden): record the demo's clips into DIR, then exit (tests). */
	std::string prepareDemo;
	bool printRoutes = false; /* --print-routes (hidden): the route table, then exit */
};

MainFlags takeMainFlags(int &argc, char **argv, const Environment &env)
{
	MainFlags flags;
	if (auto it = env.find("SLUICE_DEMO"); it != env.end())
		flags.demo = it->second == "1" || it->second == "true" || it->second == "yes";
	if (auto it = env.find("SLUICE_DEMO_MEDIA"); it != env.end())
		flags.demoMedia = it->second;
	int out = 1;
	for (int i = 1; i < argc; i++) {
		if (std::strcmp(argv[i], "--demo") == 0)
			flags.demo = true;
		else if (std::strcmp(argv[i], "--demo-media") == 0 && i + 1 < argc)
			flags.demoMedia = argv[++i];
		else if (std::strcmp(argv[i], "--prepare-demo") == 0 && i + 1 < argc)
			flags.prepareDemo = argv[++i];
		else if (std::strcmp(argv[i], "--print-routes") == 0)
			flags.printRoutes = true;
		else
			argv[out++] = argv[i];
	}
	argc = out;
	argv[argc] = nullptr;
	return flags;
}

gboolean onStopSignal(gpointer loop)
{
	g_message("stopping");
	notifyStopping();
	g_main_loop_quit(static_cast<GMainLoop *>(loop));
	return G_SOURCE_REMOVE;
}

/* The engine's settings from the configuration. */
EngineOptions engineOptions(const Config &config)
{
	EngineOptions options;
	options.pipeline.segmentDurationS = config.segmentDurationS;
	options.pipeline.startTimeoutMs = config.startTimeoutS * 1000;
	options.channelIdleTimeoutS = config.channelIdleTimeoutS;
	options.clientIdleTimeoutS = config.clientIdleTimeoutS;
	return options;
}

/* data/demo.m3u with its channels recorded into looping clips in dir (made when missing). */
std::string demoList(const std::string &dir)
{
	std::vector<std::string> warnings;
	std::string list = loopDemoList(embeddedFile("demo.m3u").value_or(""), dir, warnings);
	for (const std::string &warning : warnings)
		g_warning("%s", warning.c_str());
	return list;
}

/* Once, when the token was just made: where it is and how to use it. */
void announceAdminToken(const AdminToken &admin, const Config &config, const std::string &url)
{
	const std::string base = config.publicUrl.empty() ? url : config.publicUrl + "/";
	g_message("made the admin token %s (kept in %s, shown only this once). Other machines "
		  "need it for the REST API and /metrics: send \"Authorization: Bearer %s\" to "
		  "%sapi/v1/ (use this machine's name or address from elsewhere); requests from "
		  "trusted_addresses need none. Players never need it.",
		  admin.token.c_str(), admin.path.c_str(), admin.token.c_str(), base.c_str());
}

void printDemoUrls(const std::string &url)
{
	g_print("\nSluice is running with demo channels. Open:\n"
		"  %sproxy/demo.m3u     channel list for VLC, mpv, TiviMate, ... (smart)\n"
		"  %sproxy/direct.m3u   the same channels, redirected to their sources\n"
		"  %sapi/v1/channels    the REST API\n"
		"  %shealthz\n\n",
		url.c_str(), url.c_str(), url.c_str(), url.c_str());
	fflush(stdout);
}

} /* namespace */

int main(int argc, char **argv)
{
	const Environment env = processEnvironment();
	const MainFlags flags = takeMainFlags(argc, argv, env);

	std::string error;
	auto loaded = loadConfig(argc, argv, env, error);
	if (!loaded) {
		g_printerr("sluiced: %s\n", error.c_str());
		return kExitConfigError;
	}
	if (loaded->showVersion) {
		g_print("sluiced %s\n", versionString());
		return 0;
	}
	if (flags.printRoutes) {
		for (const RouteInfo &route : Server::routeTable())
			g_print("%s %s\n", route.method.c_str(), route.pattern.c_str());
		return 0;
	}
	Config config = loaded->config;
	installLogWriter(config.logLevel);
	if (!initEngine(error)) {
		g_printerr("sluiced: %s\n", error.c_str());
		return 1;
	}
	if (!flags.prepareDemo.empty()) {
		const std::string list = demoList(flags.prepareDemo);
		return list.find("\ntest://") == std::string::npos ? 0 : 1;
	}
	if (!loaded->configFile.empty())
		g_info("configuration read from %s", loaded->configFile.c_str());
	for (const std::string &warning : loaded->warnings)
		g_warning("%s", warning.c_str());

	std::vector<std::string> warnings;
	std::string rulesFrom;
	ClientRulesResult rules = loadClientRules(env, rulesFrom, warnings);
	for (const std::string &warning : warnings)
		g_warning("%s", warning.c_str());
	if (!rules.ok()) {
		g_printerr("sluiced: %s\n", rules.error.c_str());
		return kExitConfigError;
	}
	g_info("client rules: %s (%zu rules)", rulesFrom.c_str(), rules.rules->rules().size());

	if (g_mkdir_with_parents(config.stateDir.c_str(), 0700) != 0) {
		g_printerr("sluiced: cannot create the state directory %s: %s\n",
			   config.stateDir.c_str(), g_strerror(errno));
		return 1;
	}
	auto admin = loadAdminToken(config.stateDir, config.apiToken, error);
	if (!admin) {
		g_printerr("sluiced: %s\n", error.c_str());
		return 1;
	}
	for (const std::string &warning : admin->warnings)
		g_warning("%s", warning.c_str());
	if (!admin->created)
		g_info("admin token: %s",
		       admin->path.empty() ? "api_token of the configuration"
					   : admin->path.c_str());
	/* From here on the server's: the token its admin routes ask for. */
	config.apiToken = admin->token;

	/* The demo's clips are local files too: their folder is a media directory. */
	const std::string demoMedia
		= flags.demoMedia.empty() ? config.stateDir + "/demo" : flags.demoMedia;
	for (const std::string &dir : {config.stateDir + "/demo", demoMedia}) {
		g_autofree char *absolute = g_canonicalize_filename(dir.c_str(), nullptr);
		config.mediaDirs.push_back(absolute);
	}

	const std::string databasePath = config.stateDir + "/sluice.db";
	auto store = Store::open(databasePath);
	if (!store) {
		/* The store refused before writing: the file is as it was. */
		g_printerr("sluiced: %s: %s\n", databasePath.c_str(),
			   store.error().message.c_str());
		return 1;
	}
	g_info("database %s at schema version %u", databasePath.c_str(), (*store)->schemaVersion());

	if (flags.demo) {
		auto seeded = seedDemo(**store, demoList(demoMedia), UrlPolicy(config.mediaDirs));
		if (!seeded)
			g_warning("demo channels not added: %s", seeded.error().message.c_str());
		else if (*seeded)
			g_message("added the demo source, proxies \"demo\" and \"direct\"");
	}

	g_autoptr(GMainLoop) loop = g_main_loop_new(nullptr, FALSE);
	{
		/* Before the "listening" line: whoever reads it may signal right away. */
		g_unix_signal_add(SIGTERM, onStopSignal, loop);
		g_unix_signal_add(SIGINT, onStopSignal, loop);
		ChannelManager engine(engineOptions(config));
		Server server(**store, config, std::move(*rules.rules), &engine);
		if (!server.listen(error)) {
			g_printerr("sluiced: %s\n", error.c_str());
			return 1;
		}
		if (admin->created)
			announceAdminToken(*admin, config, server.url());
		if (flags.demo)
			printDemoUrls(server.url());
		/* Tests and scripts read the port from this line: keep its shape. */
		g_message("listening on %s", server.url().c_str());

		notifyReady("listening on " + server.url());
		guint watchdog = startWatchdogPings();
		g_main_loop_run(loop);
		engine.stopAll();
		if (watchdog)
			g_source_remove(watchdog);
	}
	return 0;
}
