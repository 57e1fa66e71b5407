/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced's typed configuration: defaults < config file < SLUICE_* environment < flags.
 */

#include "config.h"

#include <algorithm>

#include <glib.h>

#include "configvalue.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif

namespace sluice {

namespace {

std::string_view trim(std::string_view text)
{
	const char *space = " \t\r\n";
	size_t begin = text.find_first_not_of(space);
	if (begin == std::string_view::npos)
		return {};
	return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

/* Parses value into config; on failure leaves config alone and says what is wrong. */
using ApplyFn = bool (*)(Config &config, std::string_view value, std::string &problem);

struct Setting {
	ConfigKey names;
	ApplyFn apply;
	bool secret; /* never repeat the value in an error */
};

bool applyListen(Config &config, std::string_view value, std::string &problem)
{
	std::optional<HostPort> address = parseListenAddress(value, problem);
	if (!address)
		return false;
	config.listenHost = address->host;
	config.listenPort = address->port;
	return true;
}

bool applyPublicUrl(Config &config, std::string_view value, std::string &problem)
{
	if (value.empty()) {
		config.publicUrl.clear();
		return true;
	}
	std::optional<std::string> url = parseBaseUrl(value, problem);
	if (!url)
		return false;
	config.publicUrl = *url;
	return true;
}

bool applyApiToken(Config &config, std::string_view value, std::string &problem)
{
	for (char c : value) {
		if (c < 0x21 || c > 0x7e) {
			problem = "the token may only hold printable ASCII, no spaces";
			return false;
		}
	}
	config.apiToken = value;
	return true;
}

bool applyTrustedAddresses(Config &config, std::string_view value, std::string &problem)
{
	std::optional<std::vector<AddressRange>> ranges = parseAddressList(value, problem);
	if (!ranges)
		return false;
	config.trustedAddresses = std::move(*ranges);
	return true;
}

bool applyMediaDirs(Config &config, std::string_view value, std::string &problem)
{
	std::vector<std::string> dirs;
	size_t start = 0;
	while (start < value.size()) {
		size_t comma = value.find(',', start);
		if (comma == std::string_view::npos)
			comma = value.size();
		std::string dir(trim(value.substr(start, comma - start)));
		start = comma + 1;
		if (dir.empty()) {
			problem = "an entry of the list is empty (directories are separated by "
				  "commas)";
			return false;
		}
		if (dir.front() != '/') {
			problem = "\"" + dir + "\" is not an absolute directory";
			return false;
		}
		while (dir.size() > 1 && dir.back() == '/')
			dir.pop_back();
		if (dir == "/") {
			problem = "\"/\" would let sluiced open every file it can read; name the "
				  "directories that hold media";
			return false;
		}
		dirs.push_back(std::move(dir));
	}
	config.mediaDirs = std::move(dirs);
	return true;
}

bool applyMaxBodyBytes(Config &config, std::string_view value, std::string &problem)
{
	std::optional<uint64_t> bytes = parseByteSize(value, kMinBodyBytes, kMaxBodyBytes, problem);
	if (!bytes)
		return false;
	config.maxBodyBytes = *bytes;
	return true;
}

bool applyMaxUploadBytes(Config &config, std::string_view value, std::string &problem)
{
	std::optional<uint64_t> bytes
		= parseByteSize(value, kMinBodyBytes, kMaxUploadBytes, problem);
	if (!bytes)
		return false;
	config.maxUploadBytes = *bytes;
	return true;
}

bool applyStateDir(Config &config, std::string_view value, std::string &)
{
	config.stateDir = value; /* empty: resolved after the last layer */
	return true;
}

bool applyLogLevel(Config &config, std::string_view value, std::string &problem)
{
	std::optional<LogLevel> level = parseLogLevel(value);
	if (!level) {
		problem = "expected error, warning, message, info or debug";
		return false;
	}
	config.logLevel = *level;
	return true;
}

bool applyChannelIdleTimeout(Config &config, std::string_view value, std::string &problem)
{
	std::optional<uint64_t> seconds = parseUnsigned(value, 0, kMaxChannelIdleTimeoutS, problem);
	if (!seconds)
		return false;
	config.channelIdleTimeoutS = static_cast<uint32_t>(*seconds);
	return true;
}

bool applyClientIdleTimeout(Config &config, std::string_view value, std::string &problem)
{
	std::optional<uint64_t> seconds
		= parseUnsigned(value, kMinClientIdleTimeoutS, kMaxClientIdleTimeoutS, problem);
	if (!seconds) {
		std::string ignored;
		if (parseUnsigned(value, 0, kMinClientIdleTimeoutS - 1, ignored))
			problem += "; players pause polling for up to 40 s and are still watching";
		return false;
	}
	config.clientIdleTimeoutS = static_cast<uint32_t>(*seconds);
	return true;
}

bool applySegmentDuration(Config &config, std::string_view value, std::string &problem)
{
	std::optional<uint64_t> seconds
		= parseUnsigned(value, kMinSegmentDurationS, kMaxSegmentDurationS, problem);
	if (!seconds)
		return false;
	config.segmentDurationS = static_cast<uint32_t>(*seconds);
	return true;
}

bool applyStartTimeout(Config &config, std::string_view value, std::string &problem)
{
	std::optional<uint64_t> seconds
		= parseUnsigned(value, kMinStartTimeoutS, kMaxStartTimeoutS, problem);
	if (!seconds)
		return false;
	config.startTimeoutS = static_cast<uint32_t>(*seconds);
	return true;
}

bool applyCoordinatorPort(Config &config, std::string_view value, std::string &problem)
{
	std::optional<uint16_t> port = parsePort(value, problem);
	if (!port)
		return false;
	config.coordinatorPort = *port;
	return true;
}

/* The order of data/sluiced.conf. */
const Setting kSettings[] = {
	{{"server", "listen", "SLUICE_LISTEN", "--listen"}, applyListen, false},
	{{"server", "public_url", "SLUICE_PUBLIC_URL", ""}, applyPublicUrl, false},
	{{"server", "api_token", "SLUICE_API_TOKEN", ""}, applyApiToken, true},
	{{"server", "trusted_addresses", "SLUICE_TRUSTED_ADDRESSES", ""},
	 applyTrustedAddresses,
	 false},
	{{"server", "max_body_bytes", "SLUICE_MAX_BODY_BYTES", ""}, applyMaxBodyBytes, false},
	{{"server", "max_upload_bytes", "SLUICE_MAX_UPLOAD_BYTES", ""}, applyMaxUploadBytes, false},
	{{"storage", "state_dir", "SLUICE_STATE_DIR", "--state-dir"}, applyStateDir, false},
	{{"storage", "media_dirs", "SLUICE_MEDIA_DIRS", ""}, applyMediaDirs, false},
	{{"log", "level", "SLUICE_LOG_LEVEL", "--log-level"}, applyLogLevel, false},
	{{"live", "channel_idle_timeout", "SLUICE_CHANNEL_IDLE_TIMEOUT", ""},
	 applyChannelIdleTimeout,
	 false},
	{{"live", "client_idle_timeout", "SLUICE_CLIENT_IDLE_TIMEOUT", ""},
	 applyClientIdleTimeout,
	 false},
	{{"live", "segment_duration", "SLUICE_SEGMENT_DURATION", ""}, applySegmentDuration, false},
	{{"live", "start_timeout", "SLUICE_START_TIMEOUT", ""}, applyStartTimeout, false},
	{{"coordinator", "port", "SLUICE_COORDINATOR_PORT", "--coordinator-port"},
	 applyCoordinatorPort,
	 false},
};

const Setting *findSetting(std::string_view group, std::string_view key)
{
	for (const Setting &setting : kSettings) {
		if (setting.names.group == group && setting.names.key == key)
			return &setting;
	}
	return nullptr;
}

bool knownGroup(std::string_view group)
{
	for (const Setting &setting : kSettings) {
		if (setting.names.group == group)
			return true;
	}
	return false;
}

/* The first entry of a colon-separated systemd directory list ($STATE_DIRECTORY, ...). */
std::string firstDirectory(const Environment &env, std::string_view name)
{
	auto it = env.find(name);
	if (it == env.end())
		return {};
	return it->second.substr(0, it->second.find(':'));
}

/* Applies the layers in order and collects every problem, so one run reports them all. */
class Loader
{
public:
	void apply(const Setting &setting, const std::string &source, std::string_view raw)
	{
		std::string problem;
		if (setting.apply(config_, trim(raw), problem))
			return;
		if (setting.secret)
			errors_.push_back(source + ": invalid value: " + problem);
		else
			errors_.push_back(source + ": invalid value \"" + std::string(raw)
					  + "\": " + problem);
	}

	void readFile(const std::string &path)
	{
		g_autoptr(GKeyFile) file = g_key_file_new();
		g_autoptr(GError) gerror = nullptr;
		if (!g_key_file_load_from_file(file, path.c_str(), G_KEY_FILE_NONE, &gerror)) {
			errors_.push_back(path + ": " + gerror->message);
			return;
		}

		gsize groupCount = 0;
		g_auto(GStrv) groups = g_key_file_get_groups(file, &groupCount);
		for (gsize g = 0; g < groupCount; g++) {
			if (!knownGroup(groups[g])) {
				warnings_.push_back(path + ": unknown group [" + groups[g]
						    + "], ignored");
				continue;
			}
			gsize keyCount = 0;
			g_auto(GStrv) keys
				= g_key_file_get_keys(file, groups[g], &keyCount, nullptr);
			for (gsize k = 0; k < keyCount; k++) {
				std::string source = path + ":" + groups[g] + "." + keys[k];
				const Setting *setting = findSetting(groups[g], keys[k]);
				if (!setting) {
					warnings_.push_back(source + ": unknown key, ignored");
					continue;
				}
				g_autoptr(GError) valueError = nullptr;
				g_autofree char *value = g_key_file_get_string(
					file, groups[g], keys[k], &valueError);
				if (!value) {
					errors_.push_back(source + ": " + valueError->message);
					continue;
				}
				apply(*setting, source, value);
			}
		}
	}

	void readEnvironment(const Environment &env)
	{
		for (const Setting &setting : kSettings) {
			auto it = env.find(setting.names.envVar);
			if (it != env.end())
				apply(setting, it->first, it->second);
		}
	}

	void readFlag(std::string_view flag, const char *value)
	{
		if (!value)
			return;
		for (const Setting &setting : kSettings) {
			if (setting.names.flag == flag)
				apply(setting, std::string(flag), value);
		}
	}

	void error(std::string message) { errors_.push_back(std::move(message)); }
	void warning(std::string message) { warnings_.push_back(std::move(message)); }

	Config &config() { return config_; }
	std::vector<std::string> &warnings() { return warnings_; }
	const std::vector<std::string> &errors() const { return errors_; }

private:
	Config config_;
	std::vector<std::string> errors_;
	std::vector<std::string> warnings_;
};

std::string helpDescription()
{
	std::string text = "Settings come from built-in defaults, then the config file, then "
			   "SLUICE_* environment\nvariables, then these flags; later ones win.\n\n"
			   "Environment variables:\n";
	auto line = [&text](std::string_view name, std::string_view what) {
		std::string padded(name);
		padded.resize(std::max<size_t>(padded.size() + 1, 30), ' ');
		text += "  " + padded + std::string(what) + "\n";
	};
	line("SLUICE_CONFIG", "config file, like --config (empty: none)");
	for (const Setting &setting : kSettings) {
		line(setting.names.envVar,
		     "[" + std::string(setting.names.group) + "] "
			     + std::string(setting.names.key));
	}
	return text;
}

} /* namespace */

std::vector<AddressRange> defaultTrustedAddresses()
{
	std::string problem;
	return *parseAddressList("127.0.0.1, ::1", problem);
}

std::span<const ConfigKey> configKeys()
{
	static const std::vector<ConfigKey> keys = [] {
		std::vector<ConfigKey> list;
		for (const Setting &setting : kSettings)
			list.push_back(setting.names);
		return list;
	}();
	return keys;
}

Environment processEnvironment()
{
	Environment env;
	g_auto(GStrv) entries = g_get_environ();
	for (char **entry = entries; entry && *entry; entry++) {
		std::string_view text(*entry);
		size_t equals = text.find('=');
		if (equals == std::string_view::npos)
			continue;
		env.emplace(text.substr(0, equals), text.substr(equals + 1));
	}
	return env;
}

std::optional<LoadedConfig> loadConfig(int &argc, char **&argv, const Environment &env,
				       std::string &error, const char *systemConfigFile)
{
	g_autofree char *configFlag = nullptr;
	g_autofree char *listenFlag = nullptr;
	g_autofree char *stateDirFlag = nullptr;
	g_autofree char *logLevelFlag = nullptr;
	g_autofree char *coordinatorPortFlag = nullptr;
	gboolean version = FALSE;
	const GOptionEntry entries[]
		= {{"config", 0, 0, G_OPTION_ARG_FILENAME, &configFlag,
		    "Read settings from FILE instead of /etc/sluice/sluiced.conf", "FILE"},
		   {"listen", 0, 0, G_OPTION_ARG_STRING, &listenFlag,
		    "HTTP address: HOST:PORT, [IPV6]:PORT or :PORT; port 0 = any free port",
		    "HOST:PORT"},
		   {"state-dir", 0, 0, G_OPTION_ARG_FILENAME, &stateDirFlag,
		    "Directory of the database and content store", "DIR"},
		   {"log-level", 0, 0, G_OPTION_ARG_STRING, &logLevelFlag,
		    "error, warning, message (default), info or debug", "LEVEL"},
		   {"coordinator-port", 0, 0, G_OPTION_ARG_STRING, &coordinatorPortFlag,
		    "gRPC port for remote transcoders; 0 = any free port", "PORT"},
		   {"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit",
		    nullptr},
		   /* G_OPTION_ENTRY_NULL does not compile as C++ in GLib 2.74 */
		   {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr}};

	g_autoptr(GOptionContext) context = g_option_context_new("- live TV relay");
	g_option_context_add_main_entries(context, entries, nullptr);
	std::string description = helpDescription();
	g_option_context_set_description(context, description.c_str());
	g_autoptr(GError) gerror = nullptr;
	if (!g_option_context_parse(context, &argc, &argv, &gerror)) {
		error = gerror->message;
		return std::nullopt;
	}
	if (argc > 1) {
		error = std::string("unexpected argument \"") + argv[1] + "\"";
		return std::nullopt;
	}

	LoadedConfig loaded;
	if (version) {
		loaded.showVersion = true;
		return loaded;
	}

	Loader loader;

	/* Layer 2: the file. Only a file asked for by name has to exist; an empty name asks for
	 * none (not even the system one). */
	std::string file;
	std::string askedBy;
	if (configFlag) {
		file = configFlag;
		askedBy = "--config";
	} else if (auto it = env.find("SLUICE_CONFIG"); it != env.end()) {
		file = it->second;
		askedBy = "SLUICE_CONFIG";
	} else if (std::string dir = firstDirectory(env, "CONFIGURATION_DIRECTORY"); !dir.empty()) {
		file = dir + "/sluiced.conf";
	} else if (systemConfigFile) {
		file = systemConfigFile;
	}
	if (!file.empty() && !g_file_test(file.c_str(), G_FILE_TEST_EXISTS)) {
		if (!askedBy.empty())
			loader.error(askedBy + ": \"" + file + "\": no such file");
		file.clear();
	}
	if (!file.empty())
		loader.readFile(file);

	/* Layers 3 and 4. */
	loader.readEnvironment(env);
	loader.readFlag("--listen", listenFlag);
	loader.readFlag("--state-dir", stateDirFlag);
	loader.readFlag("--log-level", logLevelFlag);
	loader.readFlag("--coordinator-port", coordinatorPortFlag);

	if (!loader.errors().empty()) {
		error.clear();
		for (const std::string &message : loader.errors())
			error += (error.empty() ? "" : "\n") + message;
		return std::nullopt;
	}

	Config &config = loader.config();
	if (config.stateDir.empty()) {
		config.stateDir = firstDirectory(env, "STATE_DIRECTORY");
		if (config.stateDir.empty())
			config.stateDir = "./var";
	}
	for (const AddressRange &range : config.trustedAddresses) {
		if (!range.loopbackOnly())
			loader.warning("trusted_addresses holds " + range.text()
				       + ": every machine there can use the REST API without the "
					 "admin token");
	}

	loaded.config = config;
	loaded.configFile = file;
	loaded.warnings = std::move(loader.warnings());
	return loaded;
}

const char *versionString()
{
	return SLUICE_VERSION;
}

} /* namespace sluice */
