/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced's GLib structured log writer: level filter, journald when attached, else one line
 * per message on stderr.
 */

#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <glib.h>

namespace sluice {

/* The daemon's log domain. Messages without a GLIB_DOMAIN field are shown under it too. */
inline constexpr char kLogDomain[] = "sluiced";

/*
 * The most verbose level shown. Criticals (programming errors) and errors always pass; each
 * level adds one GLib level: warning, message, info, debug. Names as in the config:
 * "error", "warning", "message", "info", "debug".
 */
enum class LogLevel {
	Error,
	Warning,
	Message,
	Info,
	Debug
};

std::string_view toString(LogLevel level);
/* Case-insensitive; canonical names only. */
std::optional<LogLevel> parseLogLevel(std::string_view name);
/* Whether a message of GLib level `level` (flags allowed) is shown at `threshold`. */
bool logLevelEnabled(LogLevel threshold, GLogLevelFlags level);

/*
 * Journal fields sluiced attaches to messages about a channel, a proxy or a client. journalctl
 * filters on them (journalctl -u sluiced SLUICE_CHANNEL=news); the stderr format shows every
 * SLUICE_* field without its prefix (CHANNEL=news CLIENT_ADDR=192.0.2.7).
 */
inline constexpr char kFieldChannel[] = "SLUICE_CHANNEL";
inline constexpr char kFieldProxy[] = "SLUICE_PROXY";
inline constexpr char kFieldClientAddr[] = "SLUICE_CLIENT_ADDR";
inline constexpr char kFieldSource[] = "SLUICE_SOURCE";

/* key: upper case, digits and '_' (journald's rule); value: any text, need not end in NUL. */
struct LogField {
	const char *key;
	std::string_view value;
};

enum class LogOutput {
	Auto, /* the journal when stderr is connected to it (systemd service), else stderr */
	Journal,
	Stderr,
};

/*
 * Makes GLib's structured logging (g_message(), g_log_structured(), logWithFields(), and
 * GLib/GIO/libsoup's own messages) go through sluiced's writer. GLib accepts one writer per
 * process: the first call installs it, later calls only change the level and output.
 * G_MESSAGES_DEBUG is not consulted; the level is the only filter. GStreamer's GST_DEBUG
 * logging is separate and unaffected.
 */
void installLogWriter(LogLevel level, LogOutput output = LogOutput::Auto);
/* Changes the threshold of an installed writer; safe from any thread. */
void setLogLevel(LogLevel level);
LogLevel logLevel();

/*
 * The stderr line for a message, without the trailing newline:
 *
 *	2026-03-01 21:04:05.123 WARNING  sluiced: upstream stalled CHANNEL=news PROXY=living-room
 *
 * Local time to the millisecond, level, domain, MESSAGE (newlines escaped as \n), then every
 * SLUICE_* field in order; values with spaces, quotes or '=' are double-quoted.
 */
std::string formatLogLine(GLogLevelFlags level, const GLogField *fields, size_t count,
			  GDateTime *time);

/*
 * Logs a printf-style message with extra journal fields, under kLogDomain:
 *
 *	logWithFields(G_LOG_LEVEL_INFO, { { kFieldChannel, name }, { kFieldClientAddr, addr } },
 *		      "client joined (%u watching)", viewers);
 *
 * Formats nothing when the installed writer would drop the level.
 */
void logWithFields(GLogLevelFlags level, std::initializer_list<LogField> fields, const char *format,
		   ...) G_GNUC_PRINTF(3, 4);

} /* namespace sluice */
