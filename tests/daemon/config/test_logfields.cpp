/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Tests that logWithFields() hands GLib's writer the journal fields sluiced promises.
 */

#include <map>
#include <vector>

#include <gtest/gtest.h>

#include <glib.h>

#include "logging.h"

using namespace sluice;

namespace {

struct Record {
	GLogLevelFlags level;
	std::multimap<std::string, std::string> fields;
};

std::vector<Record> gRecords;

GLogWriterOutput capture(GLogLevelFlags level, const GLogField *fields, gsize count, gpointer)
{
	Record record {level, {}};
	for (gsize i = 0; i < count; i++) {
		const char *value = static_cast<const char *>(fields[i].value);
		record.fields.emplace(fields[i].key,
				      fields[i].length < 0 ? std::string(value)
							   : std::string(value, fields[i].length));
	}
	gRecords.push_back(std::move(record));
	return G_LOG_WRITER_HANDLED;
}

class LogFieldsTest : public ::testing::Test
{
protected:
	static void SetUpTestSuite() { g_log_set_writer_func(capture, nullptr, nullptr); }
	void SetUp() override { gRecords.clear(); }
};

} /* namespace */

TEST_F(LogFieldsTest, JournalFields)
{
	std::string addr = "192.0.2.7:51234";
	logWithFields(G_LOG_LEVEL_INFO,
		      {{kFieldChannel, "news"},
		       {kFieldProxy, "living-room"},
		       {kFieldClientAddr, std::string_view(addr).substr(0, 9)}},
		      "client %s joined", "vlc");
	ASSERT_EQ(gRecords.size(), 1u);
	const Record &record = gRecords[0];
	EXPECT_EQ(record.level, G_LOG_LEVEL_INFO);
	const std::multimap<std::string, std::string> expected = {
		{"MESSAGE", "client vlc joined"}, {"PRIORITY", "6"},
		{"GLIB_DOMAIN", "sluiced"},	  {"SLUICE_CHANNEL", "news"},
		{"SLUICE_PROXY", "living-room"},  {"SLUICE_CLIENT_ADDR", "192.0.2.7"},
	};
	EXPECT_EQ(record.fields, expected);
}

TEST_F(LogFieldsTest, PriorityFollowsGLib)
{
	logWithFields(G_LOG_LEVEL_CRITICAL, {}, "c");
	logWithFields(G_LOG_LEVEL_WARNING, {}, "w");
	logWithFields(G_LOG_LEVEL_MESSAGE, {}, "m");
	logWithFields(G_LOG_LEVEL_DEBUG, {}, "d");
	ASSERT_EQ(gRecords.size(), 4u);
	EXPECT_EQ(gRecords[0].fields.find("PRIORITY")->second, "4");
	EXPECT_EQ(gRecords[1].fields.find("PRIORITY")->second, "4");
	EXPECT_EQ(gRecords[2].fields.find("PRIORITY")->second, "5");
	EXPECT_EQ(gRecords[3].fields.find("PRIORITY")->second, "7");
}

/* Until installLogWriter() runs, logWithFields() filters nothing: the writer in place decides. */
TEST_F(LogFieldsTest, NoFilterBeforeInstall)
{
	logWithFields(G_LOG_LEVEL_DEBUG, {{kFieldSource, ""}}, "debug %d", 1);
	ASSERT_EQ(gRecords.size(), 1u);
	EXPECT_EQ(gRecords[0].fields.find("MESSAGE")->second, "debug 1");
	EXPECT_EQ(gRecords[0].fields.find("SLUICE_SOURCE")->second, "");
}
