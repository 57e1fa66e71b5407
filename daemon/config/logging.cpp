/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced's GLib structured log writer: level filter, journald when attached, else one line
 * per message on stderr.
 */

#include "logging.h"

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <vector>

#include <unistd.h>

namespace sluice {

namespace {

/*
 * The writer runs on whichever thread logs, so its settings are atomics; installLogWriter()
 * and setLogLevel() may run while other threads log.
 */
std::atomic<LogLevel> gLevel {LogLevel::Message};
std::atomic<bool> gToJournal {false};
std::atomic<bool> gInstalled {false};

/* The most severe GLib level in `flags` (GLib passes one, plus FATAL/RECURSION bits). */
GLogLevelFlags severity(GLogLevelFlags flags)
{
	for (GLogLevelFlags level : {G_LOG_LEVEL_ERROR, G_LOG_LEVEL_CRITICAL, G_LOG_LEVEL_WARNING,
				     G_LOG_LEVEL_MESSAGE, G_LOG_LEVEL_INFO, G_LOG_LEVEL_DEBUG}) {
		if (flags & level)
			return level;
	}
	return G_LOG_LEVEL_MESSAGE; /* user-defined levels */
}

const char *levelName(GLogLevelFlags flags)
{
	switch (severity(flags)) {
	case G_LOG_LEVEL_ERROR:
		return "ERROR";
	case G_LOG_LEVEL_CRITICAL:
		return "CRITICAL";
	case G_LOG_LEVEL_WARNING:
		return "WARNING";
	case G_LOG_LEVEL_INFO:
		return "INFO";
	case G_LOG_LEVEL_DEBUG:
		return "DEBUG";
	default:
		return "MESSAGE";
	}
}

/* syslog priorities, as GLib's own g_log_structured() sets them. */
const char *priority(GLogLevelFlags flags)
{
	switch (severity(flags)) {
	case G_LOG_LEVEL_ERROR:
		return "3";
	case G_LOG_LEVEL_CRITICAL:
	case G_LOG_LEVEL_WARNING:
		return "4";
	case G_LOG_LEVEL_INFO:
		return "6";
	case G_LOG_LEVEL_DEBUG:
		return "7";
	default:
		return "5";
	}
}

std::string_view fieldValue(const GLogField &field)
{
	if (!field.value)
		return {};
	const char *text = static_cast<const char *>(field.value);
	return field.length < 0 ? std::string_view(text)
				: std::string_view(text, static_cast<size_t>(field.length));
}

void appendEscaped(std::string &out, std::string_view text)
{
	for (char c : text) {
		if (c == '\n')
			out += "\\n";
		else if (c == '\r')
			out += "\\r";
		else
			out += c;
	}
}

void appendFieldValue(std::string &out, std::string_view value)
{
	bool quote = value.empty();
	for (char c : value) {
		if (c == ' ' || c == '"' || c == '=' || c == '\\'
		    || static_cast<unsigned char>(c) < 0x20)
			quote = true;
	}
	if (!quote) {
		out += value;
		return;
	}
	out += '"';
	for (char c : value) {
		if (c == '"' || c == '\\')
			out += '\\';
		if (c == '\n')
			out += "\\n";
		else
			out += c;
	}
	out += '"';
}

/* One write() per line, so lines from different threads don't interleave. */
void writeStderr(const std::string &line)
{
	const char *data = line.data();
	size_t left = line.size();
	while (left > 0) {
		ssize_t n = write(STDERR_FILENO, data, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		data += n;
		left -= static_cast<size_t>(n);
	}
}

GLogWriterOutput writeLog(GLogLevelFlags level, const GLogField *fields, gsize count,
			  gpointer userData)
{
	if (!logLevelEnabled(gLevel.load(std::memory_order_relaxed), level))
		return G_LOG_WRITER_HANDLED;

	/* The journal keeps every field; when it is gone (journald restarting), fall back. */
	if (gToJournal.load(std::memory_order_relaxed)
	    && g_log_writer_journald(level, fields, count, userData) == G_LOG_WRITER_HANDLED)
		return G_LOG_WRITER_HANDLED;

	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	writeStderr(formatLogLine(level, fields, count, now) + '\n');
	return G_LOG_WRITER_HANDLED;
}

} /* namespace */

std::string_view toString(LogLevel level)
{
	switch (level) {
	case LogLevel::Error:
		return "error";
	case LogLevel::Warning:
		return "warning";
	case LogLevel::Message:
		return "message";
	case LogLevel::Info:
		return "info";
	case LogLevel::Debug:
		return "debug";
	}
	return "message";
}

std::optional<LogLevel> parseLogLevel(std::string_view name)
{
	for (LogLevel level : {LogLevel::Error, LogLevel::Warning, LogLevel::Message,
			       LogLevel::Info, LogLevel::Debug}) {
		std::string_view canonical = toString(level);
		if (name.size() == canonical.size()
		    && g_ascii_strncasecmp(name.data(), canonical.data(), name.size()) == 0)
			return level;
	}
	return std::nullopt;
}

bool logLevelEnabled(LogLevel threshold, GLogLevelFlags level)
{
	switch (severity(level)) {
	case G_LOG_LEVEL_ERROR:
	case G_LOG_LEVEL_CRITICAL:
		return true;
	case G_LOG_LEVEL_WARNING:
		return threshold >= LogLevel::Warning;
	case G_LOG_LEVEL_INFO:
		return threshold >= LogLevel::Info;
	case G_LOG_LEVEL_DEBUG:
		return threshold >= LogLevel::Debug;
	default:
		return threshold >= LogLevel::Message;
	}
}

void installLogWriter(LogLevel level, LogOutput output)
{
	setLogLevel(level);
	bool journal = output == LogOutput::Journal
		|| (output == LogOutput::Auto && g_log_writer_is_journald(STDERR_FILENO));
	gToJournal.store(journal);

	static std::once_flag once;
	std::call_once(once, [] {
		g_log_set_writer_func(writeLog, nullptr, nullptr);
		gInstalled.store(true);
	});
}

void setLogLevel(LogLevel level)
{
	gLevel.store(level);
}

LogLevel logLevel()
{
	return gLevel.load();
}

std::string formatLogLine(GLogLevelFlags level, const GLogField *fields, size_t count,
			  GDateTime *time)
{
	std::string_view message;
	std::string_view domain;
	for (size_t i = 0; i < count; i++) {
		std::string_view key = fields[i].key ? fields[i].key : "";
		if (key == "MESSAGE")
			message = fieldValue(fields[i]);
		else if (key == "GLIB_DOMAIN")
			domain = fieldValue(fields[i]);
	}
	if (domain.empty())
		domain = kLogDomain;

	std::string line;
	if (time) {
		g_autofree char *stamp = g_date_time_format(time, "%Y-%m-%d %H:%M:%S");
		char millis[8];
		g_snprintf(millis, sizeof(millis), ".%03d",
			   g_date_time_get_microsecond(time) / 1000);
		line += stamp ? stamp : "";
		line += millis;
		line += ' ';
	}

	char levelColumn[16];
	g_snprintf(levelColumn, sizeof(levelColumn), "%-8s ", levelName(level));
	line += levelColumn;
	line += domain;
	line += ": ";
	appendEscaped(line, message);

	constexpr std::string_view prefix = "SLUICE_";
	for (size_t i = 0; i < count; i++) {
		std::string_view key = fields[i].key ? fields[i].key : "";
		if (key.size() <= prefix.size() || key.substr(0, prefix.size()) != prefix)
			continue;
		line += ' ';
		line += key.substr(prefix.size());
		line += '=';
		appendFieldValue(line, fieldValue(fields[i]));
	}
	return line;
}

void logWithFields(GLogLevelFlags level, std::initializer_list<LogField> fields, const char *format,
		   ...)
{
	if (gInstalled.load(std::memory_order_relaxed)
	    && !logLevelEnabled(gLevel.load(std::memory_order_relaxed), level))
		return;

	va_list args;
	va_start(args, format);
	g_autofree char *message = g_strdup_vprintf(format, args);
	va_end(args);

	std::vector<GLogField> all;
	all.reserve(3 + fields.size());
	all.push_back({"MESSAGE", message, -1});
	all.push_back({"PRIORITY", priority(level), -1});
	all.push_back({"GLIB_DOMAIN", kLogDomain, -1});
	for (const LogField &field : fields) {
		const char *value = field.value.data() ? field.value.data() : "";
		all.push_back({field.key, value, static_cast<gssize>(field.value.size())});
	}
	g_log_structured_array(level, all.data(), all.size());
}

} /* namespace sluice */
