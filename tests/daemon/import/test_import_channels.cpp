/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * channelsFromM3u(): M3U entries to channels, import keys, skipped entries, messy lists.
 */

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "m3uimport.h"

using namespace sluice;

namespace {

using Attributes = std::vector<std::pair<std::string, std::string>>;

M3uEntry entry(const std::string &title, const std::string &url, const std::string &tvgId = {})
{
	M3uEntry e;
	e.title = title;
	e.url = url;
	if (!tvgId.empty())
		e.attributes.push_back({"tvg-id", tvgId});
	return e;
}

std::vector<Channel> map(const std::vector<M3uEntry> &entries,
			 std::vector<std::string> *warnings = nullptr)
{
	M3uPlaylist playlist;
	playlist.entries = entries;
	std::vector<std::string> ignored;
	return channelsFromM3u(playlist, warnings ? *warnings : ignored);
}

std::vector<Channel> mapText(std::string_view text, std::vector<std::string> *warnings = nullptr)
{
	M3uParseResult parsed = parseM3u(text);
	EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().text());
	if (!parsed.ok())
		return {};
	std::vector<std::string> ignored;
	return channelsFromM3u(parsed.playlist(), warnings ? *warnings : ignored);
}

std::vector<std::string> keys(const std::vector<Channel> &channels)
{
	std::vector<std::string> result;
	for (const Channel &channel : channels)
		result.push_back(channel.importKey);
	return result;
}

bool anyContains(const std::vector<std::string> &lines, const std::string &needle)
{
	for (const std::string &line : lines) {
		if (line.find(needle) != std::string::npos)
			return true;
	}
	return false;
}

TEST(ChannelsFromM3u, MapsEveryField)
{
	std::vector<std::string> warnings;
	const auto channels = mapText(
		"#EXTM3U url-tvg=\"http://epg.example/guide.xml\"\n"
		"#EXTINF:-1 tvg-id=\"bbc1.uk\" tvg-name=\"BBC One\" tvg-logo=\"http://l/bbc1.png\" "
		"group-title=\"UK\" tvg-chno=\"101\" catchup=\"default\" catchup-days=\"7\" "
		"catchup-source=\"?utc={utc}\" timeshift=\"2\" tvg-shift=\"+1\" radio=\"false\","
		"  BBC One HD  \n"
		"http://provider.example/live/bbc1.ts\n",
		&warnings);
	ASSERT_EQ(channels.size(), 1u);
	const Channel &c = channels[0];
	EXPECT_EQ(c.id, 0);
	EXPECT_EQ(c.sourceId, 0);
	EXPECT_EQ(c.name, "BBC One HD");
	EXPECT_EQ(c.number, 101u);
	EXPECT_EQ(c.group, "UK");
	EXPECT_EQ(c.logo, "http://l/bbc1.png");
	EXPECT_EQ(c.tvgId, "bbc1.uk");
	EXPECT_EQ(c.tvgName, "BBC One");
	EXPECT_EQ(c.streamUrl, "http://provider.example/live/bbc1.ts");
	EXPECT_TRUE(c.backupUrls.empty());
	const Attributes expected = {
		{"catchup", "default"}, {"catchup-days", "7"}, {"catchup-source", "?utc={utc}"},
		{"timeshift", "2"},	{"tvg-shift", "+1"},   {"radio", "false"},
	};
	EXPECT_EQ(c.extraAttributes, expected);
	EXPECT_EQ(c.importKey, "bbc1.uk");
	EXPECT_TRUE(warnings.empty()) << warnings.front();
}

TEST(ChannelsFromM3u, ChannelNumberIsDigitsOnly)
{
	const std::vector<std::pair<std::string, uint32_t>> table = {
		{"5", 5},	   {" 12 ", 12},
		{"007", 7},	   {"4294967295", 4294967295u},
		{"4294967296", 0}, {"99999999999999999999", 0},
		{"", 0},	   {"5a", 0},
		{"-1", 0},	   {"+3", 0},
		{"1.5", 0},	   {"1 2", 0},
	};
	for (const auto &[chno, number] : table) {
		M3uEntry e = entry("A", "http://x/a");
		e.attributes.push_back({"tvg-chno", chno});
		const auto channels = map({e});
		ASSERT_EQ(channels.size(), 1u);
		EXPECT_EQ(channels[0].number, number) << "tvg-chno \"" << chno << "\"";
	}
}

TEST(ChannelsFromM3u, GroupFallsBackToExtGrp)
{
	const auto channels
		= mapText("#EXTM3U\n#EXTINF:-1,A\n#EXTGRP:News\nhttp://x/a\n"
			  "#EXTINF:-1 group-title=\"Sport\",B\n#EXTGRP:News\nhttp://x/b\n");
	ASSERT_EQ(channels.size(), 2u);
	EXPECT_EQ(channels[0].group, "News");
	EXPECT_EQ(channels[1].group, "Sport");
}

TEST(ChannelsFromM3u, SkipsUnusableUrlsWithAWarning)
{
	std::vector<std::string> warnings;
	const auto channels = map(
		{
			entry("Empty", ""),
			entry("Blank", "   "),
			entry("Relative", "live/relative.ts"),
			entry("Ftp", "ftp://x/a.ts"),
			entry("Script", "javascript:alert(1)"),
			entry("Data", "data:text/plain,hi"),
			entry("Http", "http://x/a"),
			entry("Https", "HTTPS://x/a"),
			entry("Rtmp", "rtmp://x/live/a"),
			entry("Rtmps", "rtmps://x/live/a"),
			entry("Rtsp", "rtsp://x/a"),
			entry("Rtsps", "rtsps://x/a"),
			entry("Udp", "udp://@239.0.0.1:1234"),
			entry("Rtp", "rtp://239.0.0.2:5004"),
			entry("Test", "test://bars?codec=h264"),
			entry("File", "file:///srv/media/a.ts"),
		},
		&warnings);
	std::vector<std::string> names;
	for (const Channel &channel : channels)
		names.push_back(channel.name);
	const std::vector<std::string> expected
		= {"Http", "Https", "Rtmp", "Rtmps", "Rtsp", "Rtsps", "Udp", "Rtp", "Test", "File"};
	EXPECT_EQ(names, expected);
	ASSERT_EQ(warnings.size(), 6u);
	EXPECT_EQ(warnings[0], "entry 1 (\"Empty\") has no URL; skipped");
	EXPECT_EQ(warnings[1], "entry 2 (\"Blank\") has no URL; skipped");
	EXPECT_EQ(warnings[2],
		  "entry 3 (\"Relative\") has a relative URL \"live/relative.ts\"; "
		  "skipped");
	EXPECT_EQ(warnings[3], "entry 4 (\"Ftp\") uses the unsupported scheme \"ftp:\"; skipped");
	EXPECT_TRUE(
		anyContains(warnings, "\"Script\") uses the unsupported scheme \"javascript:\""));
	EXPECT_TRUE(anyContains(warnings, "entry 6 (\"Data\")"));
}

TEST(ChannelsFromM3u, KeepsKodiHeaderSuffixAndPlayerHeaders)
{
	const auto channels
		= mapText("#EXTM3U\n"
			  "#EXTINF:-1 tvg-id=\"a\",A\n"
			  "http://x/a.m3u8|User-Agent=Mozilla/5.0&Referer=http://site/\n"
			  "#EXTINF:-1 tvg-id=\"b\",B\n"
			  "#EXTVLCOPT:http-user-agent=\"VLC/3.0\"\n"
			  "#EXTVLCOPT:http-referrer=http://site/b\n"
			  "#EXTVLCOPT:network-caching=1000\n"
			  "#KODIPROP:inputstream.adaptive.manifest_type=hls\n"
			  "http://x/b.m3u8\n"
			  "#EXTINF:-1 tvg-id=\"c\" user-agent=\"Attr/1\",C\n"
			  "#EXTVLCOPT:http-user-agent=Opt/2\n"
			  "http://x/c.m3u8\n");
	ASSERT_EQ(channels.size(), 3u);
	EXPECT_EQ(channels[0].streamUrl,
		  "http://x/a.m3u8|User-Agent=Mozilla/5.0&Referer=http://site/");
	EXPECT_TRUE(channels[0].extraAttributes.empty());
	const Attributes b = {{"http-user-agent", "VLC/3.0"}, {"http-referrer", "http://site/b"}};
	EXPECT_EQ(channels[1].extraAttributes, b);
	/* The attribute is kept as written; the option does not add a second user agent. */
	const Attributes c = {{"user-agent", "Attr/1"}};
	EXPECT_EQ(channels[2].extraAttributes, c);
}

/* The import key rules, one row per case: entries in, keys out. */
struct KeyCase {
	const char *what;
	std::vector<M3uEntry> entries;
	std::vector<std::string> keys;
	size_t warnings;
};

TEST(ChannelsFromM3u, ImportKeyRules)
{
	M3uEntry blankId = entry("Blank id", "http://x/blank");
	blankId.attributes.push_back({"tvg-id", "  "});
	M3uEntry paddedId = entry("Padded", "http://x/padded");
	paddedId.attributes.push_back({"tvg-id", " bbc1 "});

	const std::vector<KeyCase> table = {
		{"unique tvg-id",
		 {entry("A", "http://x/1", "a.tv"), entry("B", "http://x/2", "b.tv")},
		 {"a.tv", "b.tv"},
		 0},
		{"tvg-id wins over a shared URL",
		 {entry("A", "http://x/same", "a.tv"), entry("B", "http://x/same", "b.tv")},
		 {"a.tv", "b.tv"},
		 0},
		{"duplicate tvg-id: tvg-id|name",
		 {entry("BBC One", "http://x/1", "bbc1"), entry("BBC One HD", "http://x/2", "bbc1"),
		  entry("Other", "http://x/3", "other")},
		 {"bbc1|BBC One", "bbc1|BBC One HD", "other"},
		 0},
		{"duplicate tvg-id and name: numbered in order",
		 {entry("News", "http://x/1", "news"), entry("Film", "http://x/2", "film"),
		  entry("News", "http://x/3", "news"), entry("News", "http://x/4", "news")},
		 {"news|News#1", "film", "news|News#2", "news|News#3"},
		 1},
		{"no tvg-id, unique URL: url:",
		 {entry("A", "http://x/a"), entry("B", "http://x/b")},
		 {"url:http://x/a", "url:http://x/b"},
		 0},
		{"no tvg-id, shared URL: name:",
		 {entry("A", "http://x/loop"), entry("B", "http://x/loop"),
		  entry("C", "http://x/c")},
		 {"name:A", "name:B", "url:http://x/c"},
		 0},
		{"no tvg-id, shared URL and name: numbered",
		 {entry("Loop", "http://x/loop"), entry("Loop", "http://x/loop")},
		 {"name:Loop#1", "name:Loop#2"},
		 1},
		{"a URL shared with an entry that has a tvg-id does not count",
		 {entry("A", "http://x/same", "a.tv"), entry("B", "http://x/same")},
		 {"a.tv", "url:http://x/same"},
		 0},
		{"whitespace tvg-id is none; a padded one is trimmed",
		 {blankId, paddedId},
		 {"url:http://x/blank", "bbc1"},
		 0},
		{"key is the URL as written, Kodi suffix and all",
		 {entry("A", "http://x/a|User-Agent=VLC"), entry("B", "http://x/a")},
		 {"url:http://x/a|User-Agent=VLC", "url:http://x/a"},
		 0},
		{"a tvg-id spelled like another rule's key is made unique",
		 {entry("A", "http://x/a"), entry("B", "http://x/b", "url:http://x/a")},
		 {"url:http://x/a", "url:http://x/a#2"},
		 1},
		{"tvg-id|name meeting a literal tvg-id",
		 {entry("B", "http://x/1", "a|B"), entry("B", "http://x/2", "a"),
		  entry("C", "http://x/3", "a")},
		 {"a|B", "a|B#2", "a|C"},
		 1},
		{"skipped entries do not make a tvg-id a duplicate",
		 {entry("A", "http://x/a", "a.tv"), entry("A", "ftp://x/a", "a.tv")},
		 {"a.tv"},
		 1},
	};
	for (const KeyCase &row : table) {
		std::vector<std::string> warnings;
		const auto channels = map(row.entries, &warnings);
		EXPECT_EQ(keys(channels), row.keys) << row.what;
		EXPECT_EQ(warnings.size(), row.warnings) << row.what;
	}
}

TEST(ChannelsFromM3u, PositionalKeysAreExplained)
{
	std::vector<std::string> warnings;
	map({entry("News", "http://x/1", "news"), entry("News", "http://x/2", "news"),
	     entry("Loop", "http://x/l"), entry("Loop", "http://x/l")},
	    &warnings);
	ASSERT_EQ(warnings.size(), 2u);
	EXPECT_EQ(warnings[0],
		  "entries 1, 2 (\"News\") share tvg-id and name; only their order "
		  "tells them apart, so a reordered list swaps their channels");
	EXPECT_EQ(warnings[1],
		  "entries 3, 4 (\"Loop\") have no tvg-id and share URL and name; only "
		  "their order tells them apart, so a reordered list swaps their "
		  "channels");
}

/* What providers really send: BOM, CRLF, bare and single-quoted attributes, junk lines. */
TEST(ChannelsFromM3u, MessyRealWorldList)
{
	const std::string text
		= "\xEF\xBB\xBF#EXTM3U x-tvg-url=\"http://epg/a.xml.gz\"\r\n"
		  "\r\n"
		  "#EXTINF:-1 tvg-id=ch1.de tvg-name='Das Erste' group-title=\"DE, Main\","
		  "Das Erste HD\r\n"
		  "http://p.example/1.ts\r\n"
		  "#EXTINF:-1,No Attributes At All\r\n"
		  "http://p.example/2.ts\r\n"
		  "#EXTINF:0 TVG-ID=\"ch1.de\" Group-Title=DE,Das Erste (backup)\r\n"
		  "http://p.example/1b.ts\r\n"
		  "# a comment from the provider\r\n"
		  "#EXTINF:-1 tvg-id=\"\" tvg-logo= catchup=\"append\" catchup-days=3,"
		  "Catch Up\r\n"
		  "#EXTVLCOPT:http-user-agent=Kodi/20\r\n"
		  "http://p.example/3.m3u8?token=abc\r\n"
		  "#EXTINF:-1 tvg-id=\"x\",Dangling without URL\r\n"
		  "#EXTINF:-1 tvg-chno=\"7\",   \r\n"
		  "http://p.example/untitled.ts\r\n"
		  "http://p.example/bare-url.ts\r\n";
	M3uParseResult parsed = parseM3u(text);
	ASSERT_TRUE(parsed.ok()) << parsed.error().text();
	std::vector<std::string> warnings;
	const auto channels = channelsFromM3u(parsed.playlist(), warnings);
	ASSERT_EQ(channels.size(), 6u);

	EXPECT_EQ(channels[0].name, "Das Erste HD");
	EXPECT_EQ(channels[0].tvgId, "ch1.de");
	EXPECT_EQ(channels[0].tvgName, "Das Erste");
	EXPECT_EQ(channels[0].group, "DE, Main");
	EXPECT_EQ(channels[0].importKey, "ch1.de|Das Erste HD");

	EXPECT_EQ(channels[1].name, "No Attributes At All");
	EXPECT_EQ(channels[1].tvgId, "");
	EXPECT_EQ(channels[1].group, "");
	EXPECT_EQ(channels[1].importKey, "url:http://p.example/2.ts");

	EXPECT_EQ(channels[2].name, "Das Erste (backup)");
	EXPECT_EQ(channels[2].group, "DE");
	EXPECT_EQ(channels[2].importKey, "ch1.de|Das Erste (backup)");

	EXPECT_EQ(channels[3].name, "Catch Up");
	EXPECT_EQ(channels[3].logo, "");
	const Attributes catchup
		= {{"catchup", "append"}, {"catchup-days", "3"}, {"http-user-agent", "Kodi/20"}};
	EXPECT_EQ(channels[3].extraAttributes, catchup);
	EXPECT_EQ(channels[3].importKey, "url:http://p.example/3.m3u8?token=abc");

	/* An empty title falls back to the URL (the parser's rule). */
	EXPECT_EQ(channels[4].number, 7u);
	EXPECT_EQ(channels[4].name, "http://p.example/untitled.ts");
	EXPECT_EQ(channels[5].streamUrl, "http://p.example/bare-url.ts");

	std::set<std::string> unique;
	for (const Channel &channel : channels)
		EXPECT_TRUE(unique.insert(channel.importKey).second) << channel.importKey;
	/* The duplicate tvg-id and the dangling #EXTINF are the parser's to report. */
	bool duplicate = false;
	bool dangling = false;
	for (const M3uDiagnostic &w : parsed.warnings) {
		duplicate = duplicate || w.message.find("ch1.de") != std::string::npos;
		dangling = dangling || w.message.find("without a URL") != std::string::npos;
	}
	EXPECT_TRUE(duplicate);
	EXPECT_TRUE(dangling);
	EXPECT_TRUE(warnings.empty()) << warnings.front();
}

std::string generatedList(size_t count)
{
	std::string text = "#EXTM3U\n";
	for (size_t i = 0; i < count; i++) {
		const std::string n = std::to_string(i);
		/* Every tenth entry has no tvg-id; every hundredth repeats the previous tvg-id. */
		std::string id = i % 10 == 0 ? "" : "ch" + std::to_string(i % 100 == 2 ? i - 1 : i);
		text += "#EXTINF:-1 tvg-id=\"" + id + "\" tvg-name=\"Channel " + n
			+ "\" tvg-logo=\"http://logo.example/" + n + ".png\" group-title=\"Group "
			+ std::to_string(i % 50) + "\" tvg-chno=\"" + std::to_string(i + 1)
			+ "\" catchup=\"default\" catchup-days=\"3\",Channel " + n + "\n";
		text += "http://provider.example/live/user/pass/" + n + ".ts\n";
	}
	return text;
}

TEST(ChannelsFromM3u, TwentyThousandEntries)
{
	const std::string text = generatedList(20000);
	const auto start = std::chrono::steady_clock::now();
	std::vector<std::string> warnings;
	const auto channels = mapText(text, &warnings);
	const auto elapsed = std::chrono::steady_clock::now() - start;
	ASSERT_EQ(channels.size(), 20000u);
	EXPECT_TRUE(warnings.empty()) << warnings.front();
	std::set<std::string> unique;
	for (const Channel &channel : channels)
		unique.insert(channel.importKey);
	EXPECT_EQ(unique.size(), channels.size());
	EXPECT_EQ(channels[0].importKey, "url:http://provider.example/live/user/pass/0.ts");
	EXPECT_EQ(channels[1].importKey, "ch1|Channel 1");
	EXPECT_EQ(channels[2].importKey, "ch1|Channel 2");
	EXPECT_EQ(channels[3].importKey, "ch3");
	EXPECT_EQ(channels[100].importKey, "url:http://provider.example/live/user/pass/100.ts");
	EXPECT_EQ(channels[102].importKey, "ch101|Channel 102");
	EXPECT_EQ(channels[19999].number, 20000u);
	EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 5);
}

} /* namespace */
