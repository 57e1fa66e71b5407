/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced's life: data survives a restart, a newer database is refused untouched, a bad
 * configuration exits with EX_CONFIG, SIGTERM stops it cleanly.
 */

#include <sqlite3.h>

#include <glib/gstdio.h>

#include <gtest/gtest.h>

#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr int kExitConfigError = 78;

TEST(ApiLifecycle, RestartKeepsData)
{
	TempDir dir;
	const std::string state = dir.file("state");
	Http http;
	int64_t profileId = 0, sourceId = 0, proxyId = 0;
	std::vector<int64_t> channelIds;
	{
		Sluiced sluiced;
		ASSERT_TRUE(sluiced.start(state)) << sluiced.output();
		const std::string api = sluiced.base() + "/api/v1";
		Reply profile = http.postJson(api + "/profiles",
					      R"({"name":"Kept","video_codec":"h265"})");
		ASSERT_EQ(profile.status, 201u) << profile.body;
		profileId = Json(profile.body).num("$.id");
		Reply source = http.request("POST", api + "/sources?name=Kept",
					    "#EXTM3U\n#EXTINF:-1 tvg-id=\"k1\",K1\nhttp://x/1.ts\n"
					    "#EXTINF:-1 tvg-id=\"k2\",K2\nhttp://x/2.ts\n",
					    "audio/x-mpegurl");
		ASSERT_EQ(source.status, 201u) << source.body;
		sourceId = Json(source.body).num("$.id");
		Json channels(http.get(api + "/channels").body);
		channelIds = {channels.num("$[1].id"), channels.num("$[0].id")};
		Reply proxy = http.postJson(
			api + "/proxies",
			R"({"name":"kept","profile_id":)" + std::to_string(profileId)
				+ R"(,"channel_ids":[)" + std::to_string(channelIds[0]) + ","
				+ std::to_string(channelIds[1]) + "]}");
		ASSERT_EQ(proxy.status, 201u) << proxy.body;
		proxyId = Json(proxy.body).num("$.id");
		EXPECT_EQ(sluiced.stop(), 0) << sluiced.output();
		EXPECT_NE(sluiced.output().find("stopping"), std::string::npos);
	}
	Sluiced again;
	ASSERT_TRUE(again.start(state)) << again.output();
	const std::string api = again.base() + "/api/v1";
	Json profile(http.get(api + "/profiles/" + std::to_string(profileId)).body);
	EXPECT_EQ(profile.str("$.name"), "Kept");
	EXPECT_EQ(profile.str("$.video_codec"), "h265");
	Json source(http.get(api + "/sources/" + std::to_string(sourceId)).body);
	EXPECT_EQ(source.num("$.channel_count"), 2);
	Json proxy(http.get(api + "/proxies/" + std::to_string(proxyId)).body);
	EXPECT_EQ(proxy.nums("$.channel_ids"), channelIds);
	EXPECT_EQ(proxy.num("$.profile_id"), profileId);
	/* Still three system profiles, not six. */
	EXPECT_EQ(Json(http.get(api + "/profiles").body).size("$"), 4u);
	EXPECT_EQ(again.stop(), 0);
}

TEST(ApiLifecycle, NewerDatabaseIsRefusedUntouched)
{
	TempDir dir;
	{
		Sluiced sluiced;
		ASSERT_TRUE(sluiced.start(dir.file("state"))) << sluiced.output();
		ASSERT_EQ(sluiced.stop(), 0);
	}
	/* A copy, made newer than this sluiced knows. */
	g_mkdir_with_parents(dir.file("newer").c_str(), 0700);
	const std::string copy = dir.file("newer/sluice.db");
	writeFile(copy, readFile(dir.file("state/sluice.db")));
	sqlite3 *db = nullptr;
	ASSERT_EQ(sqlite3_open(copy.c_str(), &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr),
		  SQLITE_OK);
	sqlite3_close(db);
	const std::string before = readFile(copy);
	ASSERT_FALSE(before.empty());

	Sluiced sluiced;
	EXPECT_FALSE(sluiced.start(dir.file("newer")));
	const int status = sluiced.wait();
	EXPECT_NE(status, 0);
	EXPECT_NE(status, -1);
	const std::string output = sluiced.output();
	EXPECT_NE(output.find("999"), std::string::npos) << output;
	EXPECT_NE(output.find("newer"), std::string::npos) << output;
	EXPECT_EQ(readFile(copy), before);
	EXPECT_FALSE(g_file_test(dir.file("newer/sluice.db-wal").c_str(), G_FILE_TEST_EXISTS)
		     && !readFile(dir.file("newer/sluice.db-wal")).empty());
}

TEST(ApiLifecycle, BadConfigurationExitsWithExConfig)
{
	TempDir dir;
	Sluiced sluiced;
	EXPECT_FALSE(sluiced.start(dir.file("state"), "[live]\nsegment_duration = 99\n"));
	EXPECT_EQ(sluiced.wait(), kExitConfigError);
	EXPECT_NE(sluiced.output().find("segment_duration"), std::string::npos) << sluiced.output();

	Sluiced flags;
	EXPECT_FALSE(flags.start(dir.file("state"), "", {"--no-such-flag"}));
	EXPECT_EQ(flags.wait(), kExitConfigError);
	/* Nothing was created for a configuration that did not load. */
	EXPECT_FALSE(g_file_test(dir.file("state").c_str(), G_FILE_TEST_EXISTS));
}

TEST(ApiLifecycle, StateDirectoryIsPrivate)
{
	TempDir dir;
	Sluiced sluiced;
	ASSERT_TRUE(sluiced.start(dir.file("state/nested"))) << sluiced.output();
	GStatBuf info;
	ASSERT_EQ(g_stat(dir.file("state/nested").c_str(), &info), 0);
	EXPECT_EQ(info.st_mode & 0777, 0700);
	EXPECT_TRUE(g_file_test(dir.file("state/nested/sluice.db").c_str(), G_FILE_TEST_EXISTS));
	EXPECT_EQ(sluiced.stop(), 0);
}

} /* namespace */
