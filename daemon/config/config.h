/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced's typed configuration: defaults < config file < SLUICE_* environment < flags.
 */

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "addressrange.h"
#include "logging.h"

namespace sluice {

inline constexpr uint64_t kKiB = 1024;
inline constexpr uint64_t kMiB = 1024 * kKiB;

/* 127.0.0.1 and ::1. */
std::vector<AddressRange> defaultTrustedAddresses();

/*
 * Every setting, with its default. data/sluiced.conf documents each one under the same name
 * (a test keeps the two equal); configKeys() lists the file key, environment variable and flag
 * of each.
 */
struct Config {
	/*
	 * HTTP (REST API, web UI, playlists, streams). All IPv4 interfaces by default: sluiced
	 * serves the TVs and players of a home network, and a NAS install that only answers on
	 * loopback would look broken. The admin routes ask every peer outside trustedAddresses
	 * for the admin token. Port 0 = pick a free port (the server logs the one it got).
	 */
	std::string listenHost = "0.0.0.0";
	uint16_t listenPort = 8080;
	/*
	 * Base URL written into playlists (absolute stream URLs), e.g.
	 * "https://tv.example.net/sluice" behind a reverse proxy; no trailing '/'. Empty = taken
	 * from each request's Host header.
	 */
	std::string publicUrl;
	/*
	 * The admin token (Bearer) the REST API, /metrics and the web UI ask of untrusted peers.
	 * Empty = the one sluiced keeps in STATE_DIR/admin-token (made on first start).
	 */
	std::string apiToken;
	/*
	 * Peers that need no admin token: addresses or CIDR ranges. Loopback by default, so that
	 * tools on this machine keep working; empty = every peer needs the token. A request that
	 * came through a reverse proxy (it carries Forwarded, X-Forwarded-For, X-Forwarded-Host
	 * or X-Real-IP) is never trusted by address.
	 */
	std::vector<AddressRange> trustedAddresses = defaultTrustedAddresses();
	uint64_t maxBodyBytes = 1 * kMiB; /* REST API request bodies */
	uint64_t maxUploadBytes = 64 * kMiB; /* uploaded M3U lists */

	/*
	 * SQLite database and content store. After loading never empty: when no layer sets it,
	 * $STATE_DIRECTORY (systemd's StateDirectory=, first entry) or else "./var".
	 */
	std::string stateDir;
	/*
	 * Directories whose files may be sources (file:// stream and list URLs), absolute, without
	 * a trailing '/'. Empty = no local file at all (sluice's own demo folder aside).
	 */
	std::vector<std::string> mediaDirs;

	LogLevel logLevel = LogLevel::Message;

	/* Seconds a channel's pipeline keeps running after its last client left; 0 = stop then. */
	uint32_t channelIdleTimeoutS = 60;
	/*
	 * Seconds without a request after which an HLS/DASH client counts as gone. Players pause
	 * polling for up to ~40 s (paused playback, a long buffer) and are still watching, so 40
	 * is both the default and the minimum: a shorter timeout would tear branches down under
	 * viewers.
	 */
	uint32_t clientIdleTimeoutS = 40;
	/* Target CMAF segment duration in seconds (1..10): latency against request rate. */
	uint32_t segmentDurationS = 2;
	/*
	 * Seconds a cold channel may take to produce its first segment before its first request
	 * gets 503 (1..120).
	 */
	uint32_t startTimeoutS = 15;

	/* gRPC port remote transcoders register on (same host as listenHost); 0 = a free port. */
	uint16_t coordinatorPort = 9090;

	bool operator==(const Config &) const = default;
};

/* Bounds enforced by loadConfig(). */
inline constexpr uint32_t kMaxChannelIdleTimeoutS = 86400;
inline constexpr uint32_t kMinClientIdleTimeoutS = 40;
inline constexpr uint32_t kMaxClientIdleTimeoutS = 3600;
inline constexpr uint32_t kMinSegmentDurationS = 1;
inline constexpr uint32_t kMaxSegmentDurationS = 10;
inline constexpr uint32_t kMinStartTimeoutS = 1;
inline constexpr uint32_t kMaxStartTimeoutS = 120;
inline constexpr uint64_t kMinBodyBytes = 1 * kKiB;
inline constexpr uint64_t kMaxBodyBytes = 1024 * kMiB;
inline constexpr uint64_t kMaxUploadBytes = 16 * 1024 * kMiB;

/* Where a setting comes from in each layer. flag is empty when there is no flag for it. */
struct ConfigKey {
	std::string_view group; /* config file [group] */
	std::string_view key; /* config file key */
	std::string_view envVar; /* SLUICE_... */
	std::string_view flag; /* --... */
};

/*
 * In file order:
 *
 *	[server]      listen            SLUICE_LISTEN               --listen
 *	              public_url        SLUICE_PUBLIC_URL
 *	              api_token         SLUICE_API_TOKEN
 *	              trusted_addresses SLUICE_TRUSTED_ADDRESSES
 *	              max_body_bytes    SLUICE_MAX_BODY_BYTES
 *	              max_upload_bytes  SLUICE_MAX_UPLOAD_BYTES
 *	[storage]     state_dir         SLUICE_STATE_DIR            --state-dir
 *	              media_dirs        SLUICE_MEDIA_DIRS
 *	[log]         level             SLUICE_LOG_LEVEL            --log-level
 *	[live]        channel_idle_timeout  SLUICE_CHANNEL_IDLE_TIMEOUT
 *	              client_idle_timeout   SLUICE_CLIENT_IDLE_TIMEOUT
 *	              segment_duration      SLUICE_SEGMENT_DURATION
 *	[coordinator] port              SLUICE_COORDINATOR_PORT     --coordinator-port
 *
 * The API token has no flag: a command line is visible to every user (ps, /proc).
 */
std::span<const ConfigKey> configKeys();

/* The environment as NAME → value; injectable so tests need not touch the real one. */
using Environment = std::map<std::string, std::string, std::less<>>;
/* This process's environment. */
Environment processEnvironment();

/* The config file read when neither --config nor SLUICE_CONFIG names one, if it exists. */
inline constexpr char kSystemConfigFile[] = "/etc/sluice/sluiced.conf";

/* sysexits.h EX_CONFIG: sluiced's exit status for a bad configuration. The unit does not
 * restart on it (RestartPreventExitStatus=). */
inline constexpr int kExitConfigError = 78;

struct LoadedConfig {
	Config config;
	std::string configFile; /* the file read; empty when none */
	/* Worth telling, not fatal (unknown keys, trusted networks): log once logging is set up. */
	std::vector<std::string> warnings;
	/* --version was given: print versionString() and exit 0. Nothing else was read. */
	bool showVersion = false;
};

/*
 * Builds the configuration, each layer overriding the one before:
 *
 *  1. the defaults above;
 *  2. a GKeyFile: --config FILE, else $SLUICE_CONFIG, else $CONFIGURATION_DIRECTORY/sluiced.conf
 *     (systemd's ConfigurationDirectory=), else systemConfigFile. A file named by --config or
 *     SLUICE_CONFIG must exist; the others are read only if they exist. An empty --config= or
 *     SLUICE_CONFIG= reads no file at all;
 *  3. SLUICE_* variables from env (one per key, see configKeys(); set but empty counts as set);
 *  4. command-line flags: --config, --listen, --state-dir, --log-level, --coordinator-port,
 *     --version (and GLib's --help, which prints and exits).
 *
 * argc/argv lose the options parsed; arguments left over are an error. Unknown groups and keys
 * in the file are warnings. On any bad value returns nullopt with error naming each source and
 * value, one per line, e.g.
 *
 *	/etc/sluice/sluiced.conf:live.segment_duration: invalid value "12": out of range (1..10)
 *	SLUICE_LISTEN: invalid value "::1:80": an IPv6 address needs brackets, e.g. [::1]:8080
 *	--log-level: invalid value "loud": expected error, warning, message, info or debug
 *
 * (the API token's value is never repeated). Typical use in main():
 *
 *	std::string error;
 *	auto loaded = loadConfig(argc, argv, processEnvironment(), error);
 *	if (!loaded) {
 *		g_printerr("sluiced: %s\n", error.c_str());
 *		return kExitConfigError;
 *	}
 *	if (loaded->showVersion) { g_print("sluiced %s\n", versionString()); return 0; }
 *	installLogWriter(loaded->config.logLevel);
 *	for (const std::string &warning : loaded->warnings)
 *		g_warning("%s", warning.c_str());
 */
std::optional<LoadedConfig> loadConfig(int &argc, char **&argv, const Environment &env,
				       std::string &error,
				       const char *systemConfigFile = kSystemConfigFile);

/* The project version, e.g. "0.1.0". */
const char *versionString();

} /* namespace sluice */
