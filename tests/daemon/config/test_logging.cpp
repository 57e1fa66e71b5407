/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Tests of sluiced's log writer as installed: level filter and the stderr line, read back
 * through a redirected stderr.
 */

#include <cstdio>
#include <regex>

#include <gtest/gtest.h>

#include <glib.h>
#include <unistd.h>

#include "logging.h"

using namespace sluice;

namespace {

/* Points fd 2 at a temporary file for its lifetime; text() returns what was written so far. */
class StderrCapture
{
public:
	StderrCapture()
	{
		fflush(stderr);
		file_ = tmpfile();
		saved_ = dup(STDERR_FILENO);
		dup2(fileno(file_), STDERR_FILENO);
	}
	~StderrCapture()
	{
		fflush(stderr);
		dup2(saved_, STDERR_FILENO);
		close(saved_);
		fclose(file_);
	}
	StderrCapture(const StderrCapture &) = delete;
	StderrCapture &operator=(const StderrCapture &) = delete;

	std::string text()
	{
		fflush(stderr);
		std::string out;
		rewind(file_);
		char buffer[4096];
		size_t n;
		while ((n = fread(buffer, 1, sizeof(buffer), file_)) > 0)
			out.append(buffer, n);
		return out;
	}

private:
	FILE *file_;
	int saved_;
};

bool contains(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

class LoggingTest : public ::testing::Test
{
protected:
	void SetUp() override { installLogWriter(LogLevel::Message, LogOutput::Stderr); }
};

} /* namespace */

TEST(LogLevelFilter, Table)
{
	const GLogLevelFlags levels[]
		= {G_LOG_LEVEL_ERROR,	G_LOG_LEVEL_CRITICAL, G_LOG_LEVEL_WARNING,
		   G_LOG_LEVEL_MESSAGE, G_LOG_LEVEL_INFO,     G_LOG_LEVEL_DEBUG};
	/* shown[threshold][level] */
	const bool shown[5][6] = {
		{true, true, false, false, false, false}, /* error */
		{true, true, true, false, false, false}, /* warning */
		{true, true, true, true, false, false}, /* message */
		{true, true, true, true, true, false}, /* info */
		{true, true, true, true, true, true}, /* debug */
	};
	for (int t = 0; t < 5; t++) {
		for (int l = 0; l < 6; l++)
			EXPECT_EQ(logLevelEnabled(static_cast<LogLevel>(t), levels[l]), shown[t][l])
				<< "threshold " << toString(static_cast<LogLevel>(t)) << " level "
				<< l;
	}
	/* GLib's extra flags don't change the answer. */
	EXPECT_TRUE(logLevelEnabled(LogLevel::Warning,
				    GLogLevelFlags(G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL)));
	EXPECT_FALSE(logLevelEnabled(LogLevel::Warning,
				     GLogLevelFlags(G_LOG_LEVEL_DEBUG | G_LOG_FLAG_RECURSION)));
}

TEST(LogLine, Format)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) time = g_date_time_new(utc, 2026, 3, 1, 21, 4, 5.1235);
	const char channel[] = "BBC One";
	const GLogField fields[] = {
		{"MESSAGE", "upstream stalled\nretrying", -1},
		{"PRIORITY", "4", -1},
		{"GLIB_DOMAIN", "sluiced", -1},
		{"SLUICE_CHANNEL", channel, 3}, /* not NUL-terminated at 3 */
		{"SLUICE_PROXY", "living-room", -1},
		{"CODE_FILE", "x.cpp", -1},
		{"SLUICE_CLIENT_ADDR", "a \"b\"", -1},
		{"SLUICE_SOURCE", "", -1},
	};
	EXPECT_EQ(formatLogLine(G_LOG_LEVEL_WARNING, fields, G_N_ELEMENTS(fields), time),
		  "2026-03-01 21:04:05.123 WARNING  sluiced: upstream stalled\\nretrying "
		  "CHANNEL=BBC PROXY=living-room CLIENT_ADDR=\"a \\\"b\\\"\" SOURCE=\"\"");

	const GLogField noDomain[] = {{"MESSAGE", "hi", -1}};
	EXPECT_EQ(formatLogLine(G_LOG_LEVEL_CRITICAL, noDomain, 1, nullptr),
		  "CRITICAL sluiced: hi");
	const GLogField gio[] = {{"GLIB_DOMAIN", "GLib-GIO", -1}, {"MESSAGE", "x", -1}};
	EXPECT_EQ(formatLogLine(G_LOG_LEVEL_DEBUG, gio, 2, nullptr), "DEBUG    GLib-GIO: x");
}

TEST_F(LoggingTest, FiltersByLevel)
{
	setLogLevel(LogLevel::Warning);
	StderrCapture capture;
	g_debug("hidden debug");
	g_info("hidden info");
	g_message("hidden message");
	g_warning("shown warning");
	g_critical("shown critical");
	std::string text = capture.text();
	EXPECT_FALSE(contains(text, "hidden")) << text;
	EXPECT_TRUE(contains(text, "WARNING  sluiced: shown warning\n")) << text;
	EXPECT_TRUE(contains(text, "CRITICAL sluiced: shown critical\n")) << text;
}

TEST_F(LoggingTest, DebugShowsEverything)
{
	setLogLevel(LogLevel::Debug);
	EXPECT_EQ(logLevel(), LogLevel::Debug);
	StderrCapture capture;
	g_debug("a debug line");
	g_info("an info line");
	g_log_structured("GLib-GIO", G_LOG_LEVEL_DEBUG, "MESSAGE", "from %s", "gio");
	std::string text = capture.text();
	EXPECT_TRUE(contains(text, "DEBUG    sluiced: a debug line\n")) << text;
	EXPECT_TRUE(contains(text, "INFO     sluiced: an info line\n")) << text;
	EXPECT_TRUE(contains(text, "DEBUG    GLib-GIO: from gio\n")) << text;
}

TEST_F(LoggingTest, OneTimestampedLinePerMessage)
{
	StderrCapture capture;
	g_message("first");
	g_message("second");
	std::string text = capture.text();
	const std::regex line(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} MESSAGE  sluiced: first)"
			      "\n"
			      R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} MESSAGE  sluiced: second)"
			      "\n");
	EXPECT_TRUE(std::regex_match(text, line)) << text;
}

TEST_F(LoggingTest, FieldsReachTheLine)
{
	StderrCapture capture;
	std::string name = "BBC One HD";
	logWithFields(G_LOG_LEVEL_MESSAGE,
		      {{kFieldChannel, std::string_view(name).substr(0, 7)},
		       {kFieldProxy, "living-room"},
		       {kFieldClientAddr, "192.0.2.7"}},
		      "client joined (%d watching)", 3);
	std::string text = capture.text();
	EXPECT_TRUE(contains(text,
			     " MESSAGE  sluiced: client joined (3 watching) "
			     "CHANNEL=\"BBC One\" PROXY=living-room CLIENT_ADDR=192.0.2.7\n"))
		<< text;
}

TEST_F(LoggingTest, FieldsBelowTheLevelAreDropped)
{
	setLogLevel(LogLevel::Message);
	StderrCapture capture;
	logWithFields(G_LOG_LEVEL_INFO, {{kFieldChannel, "news"}}, "not shown");
	logWithFields(G_LOG_LEVEL_WARNING, {{kFieldChannel, "news"}}, "shown");
	std::string text = capture.text();
	EXPECT_FALSE(contains(text, "not shown")) << text;
	EXPECT_TRUE(contains(text, "WARNING  sluiced: shown CHANNEL=news\n")) << text;
}

/* Without a journal to write to (as in a container), messages still reach stderr. */
TEST_F(LoggingTest, JournalFallsBackToStderr)
{
	if (g_file_test("/run/systemd/journal/socket", G_FILE_TEST_EXISTS))
		GTEST_SKIP() << "journald is running here: the message would go to the journal";
	installLogWriter(LogLevel::Message, LogOutput::Journal);
	StderrCapture capture;
	g_message("no journal");
	std::string text = capture.text();
	installLogWriter(LogLevel::Message, LogOutput::Stderr);
	EXPECT_TRUE(contains(text, "MESSAGE  sluiced: no journal\n")) << text;
}
