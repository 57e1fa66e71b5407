/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * importM3uText() into a real store: ids survive refreshes, bad lists change nothing.
 */

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "m3uimport.h"
#include "storetest.h"

using namespace sluice;
using namespace sluice::test;

namespace {

struct Line {
	std::string tvgId;
	std::string name;
	std::string url;
};

std::string list(const std::vector<Line> &lines)
{
	std::string text = "#EXTM3U\n";
	for (const Line &line : lines) {
		text += "#EXTINF:-1";
		if (!line.tvgId.empty())
			text += " tvg-id=\"" + line.tvgId + "\"";
		text += " group-title=\"G\"," + line.name + "\n" + line.url + "\n";
	}
	return text;
}

class Import : public StoreTest
{
protected:
	void SetUp() override
	{
		StoreTest::SetUp();
		source_ = makeSource("Provider").id;
		ASSERT_GT(source_, 0);
	}

	ImportReport import(const std::string &text)
	{
		auto report = importM3uText(*store_, source_, text);
		EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().message);
		return report.ok() ? *report : ImportReport {};
	}

	/* name -> id of the source's channels. */
	std::map<std::string, Id> ids()
	{
		std::map<std::string, Id> result;
		for (const Channel &channel : *store_->listChannels(source_))
			result[channel.name] = channel.id;
		return result;
	}

	std::vector<std::string> names()
	{
		std::vector<std::string> result;
		for (const Channel &channel : *store_->listChannels(source_))
			result.push_back(channel.name);
		return result;
	}

	Id source_ = 0;
};

void expectCounts(const RefreshCounts &counts, uint32_t added, uint32_t updated, uint32_t unchanged,
		  uint32_t removed)
{
	EXPECT_EQ(counts.added, added);
	EXPECT_EQ(counts.updated, updated);
	EXPECT_EQ(counts.unchanged, unchanged);
	EXPECT_EQ(counts.removed, removed);
}

TEST_F(Import, FirstImportAddsInListOrder)
{
	const ImportReport report = import(list({
		{"a.tv", "A", "http://x/a"},
		{"b.tv", "B", "http://x/b"},
		{"", "C", "http://x/c"},
	}));
	expectCounts(report.counts, 3, 0, 0, 0);
	EXPECT_TRUE(report.warnings.empty());
	EXPECT_EQ(names(), (std::vector<std::string> {"A", "B", "C"}));
	const auto channels = *store_->listChannels(source_);
	EXPECT_EQ(channels[0].importKey, "a.tv");
	EXPECT_EQ(channels[0].group, "G");
	EXPECT_EQ(channels[2].importKey, "url:http://x/c");
	EXPECT_GT(store_->getSource(source_)->lastRefresh, 0);
}

TEST_F(Import, RefreshKeepsIdsThroughReorderRenameRemoveAdd)
{
	import(list({
		{"a.tv", "A", "http://x/a?token=1"},
		{"b.tv", "B", "http://x/b?token=1"},
		{"c.tv", "C", "http://x/c?token=1"},
		{"", "Bare", "http://x/bare"},
		{"", "Gone", "http://x/gone"},
	}));
	const auto before = ids();

	/* Put a.tv and b.tv in a proxy: a refresh must not take them out. */
	Proxy proxy;
	proxy.name = "living-room";
	proxy.channelIds = {before.at("B"), before.at("A")};
	ASSERT_STORE_OK(store_->createProxy(proxy));

	/*
	 * Reordered; A renamed; every token rotated; Bare renamed (same URL); Gone removed;
	 * New added; C unchanged but for its token.
	 */
	const ImportReport report = import(list({
		{"c.tv", "C", "http://x/c?token=2"},
		{"", "Bare renamed", "http://x/bare"},
		{"a.tv", "A FHD", "http://x/a?token=2"},
		{"new.tv", "New", "http://x/new"},
		{"b.tv", "B", "http://x/b?token=2"},
	}));
	expectCounts(report.counts, 1, 4, 0, 1);
	const auto after = ids();
	EXPECT_EQ(after.at("A FHD"), before.at("A"));
	EXPECT_EQ(after.at("B"), before.at("B"));
	EXPECT_EQ(after.at("C"), before.at("C"));
	EXPECT_EQ(after.at("Bare renamed"), before.at("Bare"));
	EXPECT_EQ(after.count("Gone"), 0u);
	EXPECT_EQ(names(), (std::vector<std::string> {"C", "Bare renamed", "A FHD", "New", "B"}));

	auto stored = store_->listProxies();
	ASSERT_STORE_OK(stored);
	ASSERT_EQ(stored->size(), 1u);
	EXPECT_EQ((*stored)[0].channelIds, (std::vector<Id> {before.at("B"), before.at("A")}));

	/* The same list again changes nothing. */
	const ImportReport again = import(list({
		{"c.tv", "C", "http://x/c?token=2"},
		{"", "Bare renamed", "http://x/bare"},
		{"a.tv", "A FHD", "http://x/a?token=2"},
		{"new.tv", "New", "http://x/new"},
		{"b.tv", "B", "http://x/b?token=2"},
	}));
	expectCounts(again.counts, 0, 0, 5, 0);
}

TEST_F(Import, DuplicateTvgIdsKeepTheirChannelsByName)
{
	import(list({
		{"bbc1", "BBC One", "http://x/1"},
		{"bbc1", "BBC One HD", "http://x/2"},
	}));
	const auto before = ids();
	const ImportReport report = import(list({
		{"bbc1", "BBC One HD", "http://x/2b"},
		{"bbc1", "BBC One", "http://x/1b"},
	}));
	expectCounts(report.counts, 0, 2, 0, 0);
	EXPECT_EQ(ids(), before);
	/* The parser names the shared tvg-id. */
	ASSERT_FALSE(report.warnings.empty());
	EXPECT_NE(report.warnings[0].find("bbc1"), std::string::npos) << report.warnings[0];
}

TEST_F(Import, UnparsableListChangesNothing)
{
	import(list({{ "a.tv", "A", "http://x/a" }}));
	const auto before = *store_->listChannels(source_);
	const int64_t refreshed = store_->getSource(source_)->lastRefresh;

	const std::vector<std::string> bad = {
		"<html><body>502 Bad Gateway</body></html>",
		"",
		std::string("\x89PNG\r\n\x1a\n\0\0\0", 11),
		"#EXTM3U\n#EXTINF:-1," + std::string(70 * 1024, 'x') + "\nhttp://x/long\n",
	};
	for (const std::string &text : bad) {
		auto report = importM3uText(*store_, source_, text);
		EXPECT_STORE_ERROR(report, StoreErrorCode::Invalid, "m3u");
		EXPECT_EQ(report.error().message.rfind("the M3U list cannot be imported: ", 0), 0u)
			<< report.error().message;
	}
	/* The over-long line is named. */
	auto longLine = importM3uText(*store_, source_, bad[3]);
	ASSERT_FALSE(longLine.ok());
	EXPECT_NE(longLine.error().message.find("line 2"), std::string::npos)
		<< longLine.error().message;

	const auto after = *store_->listChannels(source_);
	ASSERT_EQ(after.size(), before.size());
	EXPECT_EQ(after[0].id, before[0].id);
	EXPECT_EQ(after[0].streamUrl, before[0].streamUrl);
	EXPECT_EQ(store_->getSource(source_)->lastRefresh, refreshed);
}

TEST_F(Import, ListWithoutChannelsChangesNothing)
{
	import(list({{ "a.tv", "A", "http://x/a" }}));
	const Id id = ids().at("A");

	auto empty = importM3uText(*store_, source_, "#EXTM3U\n");
	EXPECT_STORE_ERROR(empty, StoreErrorCode::Invalid, "m3u");
	EXPECT_EQ(empty.error().message,
		  "the M3U list has no channel to import; the source's "
		  "channels are left as they are");

	auto skipped = importM3uText(
		*store_, source_, "#EXTM3U\n#EXTINF:-1,Ftp\nftp://x/a\n#EXTINF:-1,Rel\nrel.ts\n");
	EXPECT_STORE_ERROR(skipped, StoreErrorCode::Invalid, "m3u");
	EXPECT_NE(skipped.error().message.find("all 2 entries skipped: entry 1 (\"Ftp\") uses the "
					       "unsupported scheme"),
		  std::string::npos)
		<< skipped.error().message;

	EXPECT_EQ(ids(), (std::map<std::string, Id> {{"A", id}}));
}

TEST_F(Import, LocalFilesOnlyWhereThePolicyAllows)
{
	const std::string text = list({{"", "Etc", "file:///etc/passwd"},
				       {"", "Media", "file:///tmp/sluice-media-test/a.ts"},
				       {"", "Web", "http://x/w"}});
	/* By default no local file at all. */
	ImportReport report = import(text);
	EXPECT_EQ(report.counts.added, 1u);
	EXPECT_EQ(report.skipped, 2u);
	ASSERT_EQ(report.warnings.size(), 2u);
	EXPECT_NE(report.warnings[0].find("entry 1 (\"Etc\")"), std::string::npos)
		<< report.warnings[0];
	EXPECT_NE(report.warnings[0].find("outside the media directories"), std::string::npos)
		<< report.warnings[0];
	EXPECT_EQ(names(), (std::vector<std::string> {"Web"}));

	/* A media directory lets its files in (judged by where they would be). */
	auto allowed = importM3uText(*store_, source_, text, UrlPolicy({"/tmp"}));
	ASSERT_STORE_OK(allowed);
	EXPECT_EQ(allowed->skipped, 1u);
	EXPECT_EQ(names(), (std::vector<std::string> {"Media", "Web"}));
}

TEST_F(Import, UnknownSourceIsNotFound)
{
	auto report = importM3uText(*store_, source_ + 100, list({{"a", "A", "http://x/a"}}));
	ASSERT_FALSE(report.ok());
	EXPECT_EQ(report.error().code, StoreErrorCode::NotFound);
}

TEST_F(Import, WarningsAreCapped)
{
	/* 300 skipped entries (mapping warnings), one parser warning (no header), one channel. */
	std::string text;
	for (int i = 0; i < 300; i++)
		text += "#EXTINF:-1,Skip " + std::to_string(i) + "\nftp://x/" + std::to_string(i)
			+ "\n";
	text += "#EXTINF:-1,Kept\nhttp://x/kept\n";
	const ImportReport report = import(text);
	expectCounts(report.counts, 1, 0, 0, 0);
	ASSERT_EQ(report.warnings.size(), 101u);
	EXPECT_EQ(report.warnings[0], "no #EXTM3U header");
	EXPECT_EQ(report.warnings[1],
		  "entry 1 (\"Skip 0\") uses the unsupported scheme \"ftp:\"; "
		  "skipped");
	EXPECT_EQ(report.warnings[100], "... and 201 more");
}

TEST_F(Import, ParserWarningsPastItsCapAreCounted)
{
	/* 150 dangling #EXTINFs: the parser keeps 100 warnings and counts 50. */
	std::string text = "#EXTM3U\n";
	for (int i = 0; i < 150; i++)
		text += "#EXTINF:-1,Dangling " + std::to_string(i) + "\n";
	text += "#EXTINF:-1,Kept\nhttp://x/kept\n";
	const ImportReport report = import(text);
	ASSERT_EQ(report.warnings.size(), 101u);
	EXPECT_EQ(report.warnings[100], "... and 50 more");
}

TEST_F(Import, TwentyThousandChannelsRefreshReversed)
{
	std::vector<Line> lines;
	for (int i = 0; i < 20000; i++) {
		const std::string n = std::to_string(i);
		lines.push_back({i % 3 ? "id" + n : "", "Channel " + n, "http://x/" + n + ".ts"});
	}
	const ImportReport first = import(list(lines));
	expectCounts(first.counts, 20000, 0, 0, 0);
	const auto before = ids();

	std::vector<Line> reversed(lines.rbegin(), lines.rend());
	const ImportReport second = import(list(reversed));
	/* Only their positions changed, which is not channel data. */
	expectCounts(second.counts, 0, 0, 20000, 0);
	EXPECT_EQ(ids(), before);
	EXPECT_EQ(store_->listChannels(source_)->front().name, "Channel 19999");
}

} /* namespace */
