/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Store::open(): seeding, restarts, migrations (and their failures), files it must not touch.
 */

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "storetest.h"

using namespace sluice;
using namespace sluice::test;

namespace {

uint32_t latestVersion()
{
	return builtinMigrations().back().version;
}

/* "NNN_title.sql" for the version skip after the latest one. */
std::string nextMigration(const char *title, uint32_t skip = 1)
{
	char name[64];
	g_snprintf(name, sizeof(name), "%03u_%s.sql", latestVersion() + skip, title);
	return name;
}

std::vector<Migration> withExtra(const std::string &name, const std::string &sql)
{
	std::vector<Migration> migrations = builtinMigrations();
	migrations.push_back(makeMigration(name, sql));
	return migrations;
}

/* A database at the latest version with one of everything in it. */
struct Fixture {
	Id sourceId = 0;
	Id channelId = 0;
	Id proxyId = 0;
};

Fixture populate(Store &store)
{
	Fixture fixture;
	Source source;
	source.name = "news";
	source.url = "http://example.com/news.m3u";
	fixture.sourceId = store.createSource(source)->id;
	Channel channel;
	channel.sourceId = fixture.sourceId;
	channel.name = "One";
	channel.streamUrl = "http://example.com/one.ts";
	channel.importKey = "one";
	fixture.channelId = store.createChannel(channel)->id;
	Proxy proxy;
	proxy.name = "living-room";
	proxy.channelIds = {fixture.channelId};
	fixture.proxyId = store.createProxy(proxy)->id;
	return fixture;
}

void expectPopulated(Store &store, const Fixture &fixture)
{
	auto channel = store.getChannel(fixture.channelId);
	ASSERT_STORE_OK(channel);
	EXPECT_EQ(channel->name, "One");
	EXPECT_EQ(channel->sourceId, fixture.sourceId);
	auto proxy = store.getProxy(fixture.proxyId);
	ASSERT_STORE_OK(proxy);
	EXPECT_EQ(proxy->channelIds, std::vector<Id> {fixture.channelId});
}

} /* namespace */

TEST(StoreOpen, FreshDatabaseIsMigratedSeededAndInWalMode)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	auto store = openStore(path);
	ASSERT_TRUE(store);
	EXPECT_EQ(store->schemaVersion(), latestVersion());
	EXPECT_GE(latestVersion(), 2u);

	auto profiles = store->listProfiles();
	ASSERT_STORE_OK(profiles);
	ASSERT_EQ(profiles->size(), 3u);
	const Profile &universal = (*profiles)[0];
	const Profile &passthrough = (*profiles)[1];
	const Profile &efficiency = (*profiles)[2];

	EXPECT_EQ(universal.name, "Universal");
	EXPECT_EQ(universal.videoCodec, VideoCodec::H264);
	EXPECT_EQ(universal.audioCodec, AudioCodec::AAC);
	EXPECT_EQ(universal.containerFormat, ContainerFormat::Auto);
	EXPECT_TRUE(universal.isDefault);

	EXPECT_EQ(passthrough.name, "Passthrough");
	EXPECT_EQ(passthrough.videoCodec, VideoCodec::Copy);
	EXPECT_EQ(passthrough.audioCodec, AudioCodec::Copy);
	EXPECT_EQ(passthrough.containerFormat, ContainerFormat::Auto);
	EXPECT_FALSE(passthrough.isDefault);

	EXPECT_EQ(efficiency.name, "Efficiency");
	EXPECT_EQ(efficiency.videoCodec, VideoCodec::H265);
	EXPECT_EQ(efficiency.audioCodec, AudioCodec::AAC);
	EXPECT_EQ(efficiency.containerFormat, ContainerFormat::Fmp4);
	EXPECT_FALSE(efficiency.isDefault);

	for (const Profile &profile : *profiles)
		EXPECT_TRUE(profile.system) << profile.name;
	auto byDefault = store->defaultProfile();
	ASSERT_STORE_OK(byDefault);
	EXPECT_EQ(byDefault->id, universal.id);

	/* journal_mode=WAL is stored in the file: a second connection sees it. */
	RawDb raw = openRaw(path);
	EXPECT_EQ(queryText(raw.get(), "PRAGMA journal_mode"), "wal");
	EXPECT_EQ(queryInt(raw.get(), "PRAGMA user_version"), latestVersion());
}

TEST(StoreOpen, ForeignKeysAreEnforced)
{
	TempDir dir;
	auto store = openStore(dir.file("sluice.db"));
	ASSERT_TRUE(store);
	Source source;
	source.name = "s";
	const Id sourceId = store->createSource(source)->id;
	Channel channel;
	channel.sourceId = sourceId;
	channel.streamUrl = "http://example.com/a.ts";
	const Id channelId = store->createChannel(channel)->id;
	Proxy proxy;
	proxy.name = "p";
	proxy.channelIds = {channelId};
	const Id proxyId = store->createProxy(proxy)->id;

	/* Only ON DELETE CASCADE, i.e. foreign keys on, takes the channel and membership along. */
	ASSERT_STORE_OK(store->deleteSource(sourceId));
	EXPECT_STORE_ERROR(store->getChannel(channelId), StoreErrorCode::NotFound, "");
	auto stored = store->getProxy(proxyId);
	ASSERT_STORE_OK(stored);
	EXPECT_TRUE(stored->channelIds.empty());
}

TEST(StoreOpen, RestartKeepsDataAndDoesNotSeedAgain)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	Fixture fixture;
	Id custom = 0;
	{
		auto store = openStore(path);
		ASSERT_TRUE(store);
		fixture = populate(*store);

		/* A renamed system profile and a user default must survive the restart. */
		auto profiles = store->listProfiles();
		Profile passthrough = (*profiles)[1];
		passthrough.name = "Copy";
		ASSERT_STORE_OK(store->updateProfile(passthrough));
		Profile mine;
		mine.name = "Mine";
		mine.isDefault = true;
		auto created = store->createProfile(mine);
		ASSERT_STORE_OK(created);
		custom = created->id;
	}
	for (int restart = 0; restart < 2; restart++) {
		auto store = openStore(path);
		ASSERT_TRUE(store);
		expectPopulated(*store, fixture);
		auto profiles = store->listProfiles();
		ASSERT_STORE_OK(profiles);
		ASSERT_EQ(profiles->size(), 4u);
		EXPECT_EQ((*profiles)[1].name, "Copy");
		EXPECT_EQ(store->defaultProfile()->id, custom);
		const auto defaults = std::count_if(profiles->begin(), profiles->end(),
						    [](const Profile &p) { return p.isDefault; });
		EXPECT_EQ(defaults, 1);
	}
}

TEST(StoreOpen, MigratesVersion1DatabaseKeepingItsData)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	const std::vector<Migration> all = builtinMigrations();
	{
		auto v1 = Store::open(path, {all.front()});
		ASSERT_STORE_OK(v1);
		EXPECT_EQ((*v1)->schemaVersion(), 1u);
	}
	{
		/* Rows as a version-1 sluiced wrote them, without the later columns. */
		RawDb raw = openRaw(path);
		exec(raw.get(),
		     "INSERT INTO sources (id, name, url) VALUES (7, 'news', 'http://e/n.m3u');"
		     "INSERT INTO channels (id, source_id, name, number, stream_url, backup_urls) "
		     "  VALUES (11, 7, 'One', 1, 'http://e/1.ts', '[\"http://b/1.ts\"]'),"
		     "         (12, 7, 'Two', 2, 'http://e/2.ts', '[]'),"
		     "         (13, NULL, 'Mine', 0, 'http://e/m.ts', '[]');"
		     "INSERT INTO profiles (id, name, video_codec, audio_codec, container_format, "
		     "  hw_accel) VALUES (50, 'Small', 'h264', 'aac', 'mpegts', 'vaapi');"
		     "INSERT INTO proxies (id, name, mode, profile_id) VALUES (3, 'tv', 'smart', "
		     "50);"
		     "INSERT INTO proxy_channels VALUES (3, 12, 1), (3, 11, 2), (3, 13, 3);");
	}

	auto store = openStore(path);
	ASSERT_TRUE(store);
	EXPECT_EQ(store->schemaVersion(), latestVersion());

	auto source = store->getSource(7);
	ASSERT_STORE_OK(source);
	EXPECT_EQ(source->name, "news");
	EXPECT_EQ(source->lastRefresh, 0);

	auto channels = store->listChannels(Id {7});
	ASSERT_STORE_OK(channels);
	ASSERT_EQ(channels->size(), 2u);
	EXPECT_EQ((*channels)[0].id, 11);
	EXPECT_EQ((*channels)[0].backupUrls, std::vector<std::string> {"http://b/1.ts"});
	EXPECT_TRUE((*channels)[0].importKey.empty());
	EXPECT_TRUE((*channels)[0].extraAttributes.empty());
	EXPECT_EQ((*channels)[1].id, 12);

	auto proxy = store->getProxy(3);
	ASSERT_STORE_OK(proxy);
	EXPECT_EQ(proxy->profileId, 50);
	EXPECT_EQ(proxy->firstNumber, 0u);
	EXPECT_EQ(proxy->channelIds, (std::vector<Id> {12, 11, 13}));

	auto small = store->getProfile(50);
	ASSERT_STORE_OK(small);
	EXPECT_EQ(small->hwAccel, HwAccel::Vaapi);
	EXPECT_FALSE(small->system);
	EXPECT_EQ(store->listProfiles()->size(), 4u);
	EXPECT_EQ(store->defaultProfile()->name, "Universal");

	/* The first refresh after the upgrade finds pre-002 channels by stream URL: ids stay. */
	Channel one;
	one.name = "One HD";
	one.streamUrl = "http://e/1.ts";
	one.importKey = "one";
	Channel two;
	two.name = "Two";
	two.streamUrl = "http://e/2.ts";
	two.importKey = "two";
	auto counts = store->replaceSourceChannels(7, {one, two});
	ASSERT_STORE_OK(counts);
	EXPECT_EQ(counts->added, 0u);
	EXPECT_EQ(counts->removed, 0u);
	EXPECT_EQ(counts->updated, 2u); /* both gained an import key, One a new name */
	EXPECT_EQ(store->getChannel(11)->importKey, "one");
	EXPECT_EQ(store->getProxy(3)->channelIds, (std::vector<Id> {12, 11, 13}));
}

TEST(StoreOpen, FailingMigrationRollsBackAndIsNamed)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	Fixture fixture;
	{
		auto store = openStore(path);
		ASSERT_TRUE(store);
		fixture = populate(*store);
	}

	/* Its first statements succeed: they must be undone with the rest. */
	auto broken = Store::open(path,
				  withExtra(nextMigration("broken"),
					    "CREATE TABLE extra (id INTEGER);\n"
					    "ALTER TABLE channels ADD COLUMN rating TEXT;\n"
					    "DELETE FROM proxies;\n"
					    "INSERT INTO nowhere VALUES (1);\n"));
	ASSERT_FALSE(broken.ok());
	EXPECT_EQ(broken.error().code, StoreErrorCode::Schema);
	EXPECT_NE(broken.error().message.find(nextMigration("broken")), std::string::npos)
		<< broken.error().message;
	EXPECT_NE(broken.error().message.find("no such table: nowhere"), std::string::npos)
		<< broken.error().message;

	{
		RawDb raw = openRaw(path);
		EXPECT_EQ(queryInt(raw.get(), "PRAGMA user_version"), latestVersion());
		EXPECT_EQ(queryInt(raw.get(),
				   "SELECT count(*) FROM sqlite_master WHERE name = "
				   "'extra'"),
			  0);
		EXPECT_EQ(queryInt(raw.get(),
				   "SELECT count(*) FROM pragma_table_info('channels') "
				   "WHERE name = 'rating'"),
			  0);
	}
	auto store = openStore(path);
	ASSERT_TRUE(store);
	expectPopulated(*store, fixture);
}

TEST(StoreOpen, FailingFirstMigrationLeavesAnEmptyDatabase)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	auto broken = Store::open(path,
				  {makeMigration("001_bad.sql",
						 "CREATE TABLE a (x);\n"
						 "CREATE TABLE a (y);")});
	ASSERT_FALSE(broken.ok());
	EXPECT_EQ(broken.error().code, StoreErrorCode::Schema);
	EXPECT_NE(broken.error().message.find("001_bad.sql"), std::string::npos);
	EXPECT_NE(broken.error().message.find("already exists"), std::string::npos)
		<< broken.error().message;
	RawDb raw = openRaw(path);
	EXPECT_EQ(queryInt(raw.get(), "PRAGMA user_version"), 0);
	EXPECT_EQ(queryInt(raw.get(), "SELECT count(*) FROM sqlite_master"), 0);
}

TEST(StoreOpen, MigrationLeavingDanglingReferencesIsRolledBack)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	{
		auto store = openStore(path);
		ASSERT_TRUE(store);
	}
	/* Foreign keys are off while a migration runs; the check before COMMIT catches this. */
	auto broken = Store::open(path,
				  withExtra(nextMigration("dangling"),
					    "INSERT INTO channels (source_id, stream_url) "
					    "VALUES (999, 'http://e/x.ts');"));
	ASSERT_FALSE(broken.ok());
	EXPECT_EQ(broken.error().code, StoreErrorCode::Schema);
	EXPECT_NE(broken.error().message.find(nextMigration("dangling")), std::string::npos);
	EXPECT_NE(broken.error().message.find("channels"), std::string::npos)
		<< broken.error().message;
	RawDb raw = openRaw(path);
	EXPECT_EQ(queryInt(raw.get(), "SELECT count(*) FROM channels"), 0);
	EXPECT_EQ(queryInt(raw.get(), "PRAGMA user_version"), latestVersion());
}

TEST(StoreOpen, MigrationMayNotControlTransactionsOrVersion)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	{
		auto store = openStore(path);
		ASSERT_TRUE(store);
	}
	const std::pair<std::string, std::string> refused[] = {
		{"CREATE TABLE early (x);\nCOMMIT;\nCREATE TABLE late (x);", "COMMIT"},
		{"BEGIN;\nCREATE TABLE t (x);", "BEGIN"},
		{"CREATE TABLE t (x);\nPRAGMA user_version = 9;", "user_version"},
		{"PRAGMA foreign_keys = ON;", "foreign_keys"},
	};
	for (const auto &[sql, word] : refused) {
		auto result = Store::open(path, withExtra(nextMigration("sneaky"), sql));
		ASSERT_FALSE(result.ok()) << sql;
		EXPECT_EQ(result.error().code, StoreErrorCode::Schema);
		EXPECT_NE(result.error().message.find(nextMigration("sneaky")), std::string::npos);
		EXPECT_NE(result.error().message.find(word), std::string::npos)
			<< result.error().message;
		RawDb raw = openRaw(path);
		EXPECT_EQ(queryInt(raw.get(), "PRAGMA user_version"), latestVersion()) << sql;
		EXPECT_EQ(queryInt(raw.get(),
				   "SELECT count(*) FROM sqlite_master WHERE name IN "
				   "('early', 'late', 't')"),
			  0)
			<< sql;
	}
}

TEST(StoreOpen, LaterMigrationApplies)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	{
		auto store = openStore(path);
		ASSERT_TRUE(store);
	}
	auto store = Store::open(path,
				 withExtra(nextMigration("notes"), "CREATE TABLE notes (x TEXT);"));
	ASSERT_STORE_OK(store);
	EXPECT_EQ((*store)->schemaVersion(), latestVersion() + 1);
}

TEST(StoreOpen, BadMigrationListIsRefusedBeforeTouchingTheFile)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	std::vector<Migration> gap = builtinMigrations();
	gap.push_back(makeMigration(nextMigration("skipped", 2), "SELECT 1;"));
	std::vector<Migration> misnamed = builtinMigrations();
	misnamed.push_back(makeMigration("3-notes.sql", "SELECT 1;"));

	for (const auto &migrations : {gap, misnamed, std::vector<Migration> {}}) {
		auto store = Store::open(path, migrations);
		ASSERT_FALSE(store.ok());
		EXPECT_EQ(store.error().code, StoreErrorCode::Schema) << store.error().message;
		EXPECT_FALSE(exists(path));
	}
}

TEST(StoreOpen, NewerDatabaseIsRefusedAndLeftAlone)
{
	TempDir dir;
	/* One written by a newer sluiced: WAL mode already, a schema we don't know. */
	for (const char *journal : {"DELETE", "WAL"}) {
		const std::string path = dir.file(std::string("newer-") + journal + ".db");
		{
			RawDb raw = openRaw(path);
			exec(raw.get(), std::string("PRAGMA journal_mode = ") + journal);
			exec(raw.get(),
			     "CREATE TABLE future (x); INSERT INTO future VALUES (42);"
			     "PRAGMA user_version = 99;");
		}
		const std::string before = readBytes(path);
		ASSERT_FALSE(before.empty());

		auto store = Store::open(path);
		ASSERT_FALSE(store.ok());
		EXPECT_EQ(store.error().code, StoreErrorCode::Schema);
		EXPECT_NE(store.error().message.find("99"), std::string::npos)
			<< store.error().message;
		EXPECT_NE(store.error().message.find("newer"), std::string::npos);
		EXPECT_EQ(readBytes(path), before) << journal;
		EXPECT_FALSE(exists(path + "-wal")) << journal;
	}
}

TEST(StoreOpen, NewerVersionOfOurOwnSchemaIsRefused)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	{
		auto store = openStore(path);
		ASSERT_TRUE(store);
	}
	{
		auto later = Store::open(
			path, withExtra(nextMigration("notes"), "CREATE TABLE notes (x TEXT);"));
		ASSERT_STORE_OK(later);
	}
	const std::string before = readBytes(path);

	auto store = Store::open(path);
	ASSERT_FALSE(store.ok());
	EXPECT_EQ(store.error().code, StoreErrorCode::Schema);
	EXPECT_EQ(readBytes(path), before);
}

/* A newer sluiced that stopped before checkpointing: the version is in the -wal file only. */
TEST(StoreOpen, NewerVersionStillInTheWalIsRefused)
{
	TempDir dir;
	const std::string path = dir.file("sluice.db");
	{
		auto store = openStore(path);
		ASSERT_TRUE(store);
	}
	{
		RawDb raw = openRaw(path);
		sqlite3_db_config(raw.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
		exec(raw.get(),
		     "PRAGMA wal_autocheckpoint = 0; CREATE TABLE future (x);"
		     "PRAGMA user_version = 99;");
	}
	const std::string before = readBytes(path);
	const std::string walBefore = readBytes(path + "-wal");
	ASSERT_FALSE(walBefore.empty());

	auto store = Store::open(path);
	ASSERT_FALSE(store.ok());
	EXPECT_EQ(store.error().code, StoreErrorCode::Schema);
	EXPECT_NE(store.error().message.find("99"), std::string::npos) << store.error().message;
	EXPECT_EQ(readBytes(path), before);
	EXPECT_EQ(readBytes(path + "-wal"), walBefore);
}

TEST(StoreOpen, NonDatabaseFileIsRefusedAndLeftAlone)
{
	TempDir dir;
	std::string big;
	for (int i = 0; i < 300; i++)
		big += "#EXTINF:-1,Channel " + std::to_string(i) + "\nhttp://e/" + std::to_string(i)
			+ ".ts\n";
	for (const std::string &contents : {std::string("not a database\n"), big}) {
		const std::string path = dir.file("sluice.db");
		writeBytes(path, contents);
		auto store = Store::open(path);
		ASSERT_FALSE(store.ok());
		EXPECT_EQ(store.error().code, StoreErrorCode::Io);
		EXPECT_NE(store.error().message.find("not a SQLite database"), std::string::npos)
			<< store.error().message;
		EXPECT_NE(store.error().message.find(path), std::string::npos);
		EXPECT_EQ(readBytes(path), contents);
		EXPECT_FALSE(exists(path + "-wal"));
	}
}

TEST(StoreOpen, MissingDirectoryIsAnIoError)
{
	TempDir dir;
	auto store = Store::open(dir.file("no/such/dir/sluice.db"));
	ASSERT_FALSE(store.ok());
	EXPECT_EQ(store.error().code, StoreErrorCode::Io);
}

TEST(StoreOpen, InMemoryDatabaseWorks)
{
	auto store = Store::open(":memory:");
	ASSERT_STORE_OK(store);
	EXPECT_EQ((*store)->listProfiles()->size(), 3u);
}

/* Every .sql file of data/migrations is compiled in, unchanged: none was left out of the XML. */
TEST(StoreOpen, BuiltinMigrationsAreTheSourceFiles)
{
	const char *root = std::getenv("SLUICE_SOURCE_ROOT");
	if (!root)
		GTEST_SKIP() << "SLUICE_SOURCE_ROOT is not set";
	std::vector<std::string> names;
	for (const auto &entry :
	     std::filesystem::directory_iterator(std::filesystem::path(root) / "data/migrations")) {
		if (entry.path().extension() == ".sql")
			names.push_back(entry.path().filename().string());
	}
	std::sort(names.begin(), names.end());

	const std::vector<Migration> builtin = builtinMigrations();
	ASSERT_EQ(builtin.size(), names.size());
	for (size_t i = 0; i < names.size(); i++) {
		EXPECT_EQ(builtin[i].name, names[i]);
		EXPECT_EQ(builtin[i].version, i + 1);
		EXPECT_EQ(builtin[i].sql,
			  readBytes(std::string(root) + "/data/migrations/" + names[i]));
	}
}
