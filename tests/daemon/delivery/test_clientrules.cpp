/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Client detection: the seeded rules against real User-Agents, match semantics, loader errors.
 */

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "clientrules.h"

using namespace sluice;

namespace {

std::string seedPath()
{
	const char *root = std::getenv("SLUICE_SOURCE_ROOT");
	return std::string(root ? root : ".") + "/data/client-rules.json";
}

const ClientRules &seed()
{
	static const ClientRules rules = [] {
		ClientRulesResult result = ClientRules::loadFile(seedPath());
		if (!result.ok()) {
			ADD_FAILURE() << result.error;
			std::abort();
		}
		return *result.rules;
	}();
	return rules;
}

const ClientRule &byUserAgent(std::string_view userAgent)
{
	return seed().match(ClientHints {userAgent, {}, {}});
}

TEST(SeedRules, LoadInOrderWithDefaultLast)
{
	std::vector<std::string> names;
	for (const ClientRule &rule : seed().rules())
		names.push_back(rule.name);
	EXPECT_EQ(names,
		  (std::vector<std::string> {"legacy-stb", "plex", "jellyfin", "emby", "tivimate",
					     "kodi", "vlc", "mpv", "ffmpeg", "smart-tv",
					     "android-tv", "apple", "edge", "chrome", "firefox",
					     "gstreamer", "default"}));
	EXPECT_TRUE(seed().rules().back().matchesEverything());
}

/* ---- Real-world User-Agents ---- */

struct UaCase {
	const char *rule;
	const char *userAgent;
};

void PrintTo(const UaCase &c, std::ostream *os)
{
	*os << c.rule << ": " << c.userAgent;
}

class SeedUserAgent : public testing::TestWithParam<UaCase>
{
};

TEST_P(SeedUserAgent, Detects)
{
	EXPECT_EQ(byUserAgent(GetParam().userAgent).name, GetParam().rule);
}

INSTANTIATE_TEST_SUITE_P(
	RealWorld, SeedUserAgent,
	testing::Values(
		/* Legacy set-top boxes: MAG boxes say Safari, so they come first. */
		UaCase {"legacy-stb",
			"Mozilla/5.0 (QtEmbedded; U; Linux; C) AppleWebKit/533.3 (KHTML, like "
			"Gecko) "
			"MAG200 stbapp ver: 2 rev: 250 Safari/533.3"},
		UaCase {"legacy-stb",
			"Mozilla/5.0 (QtEmbedded; U; Linux; C) AppleWebKit/533.3 (KHTML, like "
			"Gecko) "
			"MAG200 stbapp ver: 4 rev: 2116 Mobile Safari/533.3"},
		UaCase {"legacy-stb", "Enigma2 Mediaplayer"},
		UaCase {"legacy-stb", "Enigma2 HbbTV/1.1.1 (+PVR+RTSP+DL;OpenATV;;;)"},
		UaCase {"legacy-stb", "Lavf/57.83.100"}, UaCase {"legacy-stb", "Lavf/56.40.101"},
		UaCase {"legacy-stb", "Lavf53.32.100"},
		/* Media servers. */
		UaCase {"plex", "PlexMediaServer/1.32.5.7349-8f4248874"},
		UaCase {"plex", "Plex Media Server/1.40.0.7998-c29d4c0c8"},
		UaCase {"plex", "PlexMediaPlayer/2.58.0.1076-38e019da"},
		UaCase {"jellyfin", "Jellyfin/10.8.13"},
		UaCase {"jellyfin", "Jellyfin-Server/10.9.0"},
		UaCase {"jellyfin",
			"JellyfinMediaPlayer 1.9.1 (Linux-6.5.0-14-generic 6.5.0-14-generic)"},
		UaCase {"emby", "Emby/4.7.14.0"}, UaCase {"emby", "Emby Server/4.8.0.80"},
		UaCase {"emby", "Emby Theater/3.0.20"},
		/* IPTV players. */
		UaCase {"tivimate", "TiviMate/4.7.0 (Linux; Android 11) ExoPlayerLib/2.18.1"},
		UaCase {"tivimate", "TiviMate/5.0.4 (Android 12)"},
		UaCase {"kodi",
			"Kodi/20.2 (X11; Linux x86_64) Debian/12 App_Bitness/64 "
			"Version/20.2-(20.2.0)-Git:20230803-e8e9c5da8c"},
		UaCase {"kodi",
			"Kodi/21.0 (Linux; Android 11.0; SHIELD Android TV "
			"Build/RQ1A.210105.003) Android/11.0.0 Sys_CPU/aarch64 App_Bitness/64 "
			"Version/21.0-(21.0.0)-Git:20240406-7d4c6e8ec0"},
		UaCase {"kodi",
			"Kodi/19.5 (Windows NT 10.0.19045; Win64; x64) App_Bitness/64 "
			"Version/19.5-(19.5.0)-Git:20221127-9ff25f8d62"},
		UaCase {"kodi", "XBMC/12.2 Git:20130502-32b1a5e (Linux; Ubuntu 12.04; x86_64)"},
		UaCase {"vlc", "VLC/3.0.18 LibVLC/3.0.18"},
		UaCase {"vlc", "VLC/3.0.20 LibVLC/3.0.20"},
		UaCase {"vlc", "LibVLC/3.0.18 (LIVE555 Streaming Media v2016.11.28)"},
		UaCase {"vlc", "VLC-Android/3.5.4 LibVLC/3.5.4"}, UaCase {"mpv", "mpv 0.35.1"},
		UaCase {"mpv", "libmpv"}, UaCase {"ffmpeg", "Lavf/58.76.100"},
		UaCase {"ffmpeg", "Lavf/60.16.100"},
		UaCase {"gstreamer", "GStreamer souphttpsrc 1.22.0 libsoup/3.2.3"},
		UaCase {"gstreamer", "GStreamer/1.24.2 (Linux;x86_64) Totem/43.0"},
		/* Smart TVs: webOS and Tizen say Chrome, NetCast says Version/ Safari. */
		UaCase {"smart-tv",
			"Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 "
			"(KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36"},
		UaCase {"smart-tv",
			"Mozilla/5.0 (SMART-TV; Linux; Tizen 5.5) AppleWebKit/537.36 "
			"(KHTML, like Gecko) SamsungBrowser/3.0 Chrome/69.0.3497.106 TV "
			"Safari/537.36"},
		UaCase {"smart-tv",
			"Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, "
			"like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager"},
		UaCase {"smart-tv",
			"Mozilla/5.0 (DirectFB; Linux; x86_64) AppleWebKit/534.26+ (KHTML, like "
			"Gecko) "
			"Version/5.0 Safari/534.26+ LG Browser/5.00.00(+mouse+3D+SCREEN+TUNER; "
			"LGE; "
			"42LM670T-ZA; 04.41.03; 0x00000001;); LG NetCast.TV-2012 0"},
		UaCase {"smart-tv", "Roku/DVP-12.0 (12.0.0.4182-88)"},
		UaCase {"smart-tv",
			"Mozilla/5.0 (Linux; VIDAA 6.0; Hisense SmartTV) "
			"AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.31 "
			"Safari/537.36"},
		/* Android TV and ExoPlayer: their WebViews say Chrome and Version/ Safari. */
		UaCase {"android-tv", "ExoPlayerLib/2.18.1"},
		UaCase {"android-tv",
			"AndroidXMedia3/1.1.1 (Linux; Android 13) AndroidXMedia3/1.1.1"},
		UaCase {"android-tv",
			"Mozilla/5.0 (Linux; Android 9; SHIELD Android TV "
			"Build/PPR1.180610.011; wv) AppleWebKit/537.36 (KHTML, like "
			"Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36"},
		UaCase {"android-tv",
			"Mozilla/5.0 (Linux; Android 9; AFTKA Build/PS7633.3445N; wv) "
			"AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
			"Chrome/118.0.5993.111 Mobile Safari/537.36"},
		UaCase {"android-tv",
			"Dalvik/2.1.0 (Linux; U; Android 11; SHIELD Android TV "
			"Build/RQ1A.210105.003)"},
		UaCase {"android-tv", "stagefright/1.2 (Linux;Android 5.1.1)"},
		/* Apple: every iOS browser is WebKit; Safari on macOS by Version/ Safari. */
		UaCase {"apple",
			"AppleCoreMedia/1.0.0.20G75 (iPhone; U; CPU OS 16_6 like Mac OS X; en_us)"},
		UaCase {"apple",
			"AppleCoreMedia/1.0.0.21K69 (Apple TV; U; CPU OS 17_1 like Mac OS X; "
			"en_us)"},
		UaCase {"apple",
			"AppleCoreMedia/1.0.0.23B81 (Macintosh; U; Intel Mac OS X 14_1_1; en_us)"},
		UaCase {"apple",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
			"(KHTML, like Gecko) Version/17.1 Safari/605.1.15"},
		UaCase {"apple",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) "
			"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 "
			"Mobile/15E148 Safari/604.1"},
		UaCase {"apple",
			"Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 "
			"(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"},
		UaCase {"apple",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
			"AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/119.0.6045.169 "
			"Mobile/15E148 Safari/604.1"},
		UaCase {"apple",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
			"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
			"EdgiOS/119.2151.96 Mobile/15E148 Safari/605.1.15"},
		UaCase {"apple",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
			"AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/120.0 Mobile/15E148 "
			"Safari/605.1.15"},
		/* Edge says Chrome and Safari: it must come before both. */
		UaCase {"edge",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
			"like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91"},
		UaCase {"edge",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
			"(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
			"Edg/120.0.2210.91"},
		UaCase {"edge",
			"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
			"Gecko) Chrome/120.0.6099.116 Mobile Safari/537.36 "
			"EdgA/120.0.2210.115"},
		UaCase {"edge",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
			"like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045"},
		/* Chrome and its derivatives. */
		UaCase {"chrome",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
			"(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
		UaCase {"chrome",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
			"(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
		UaCase {"chrome",
			"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
			"Gecko) Chrome/120.0.0.0 Safari/537.36"},
		UaCase {"chrome",
			"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
			"Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36"},
		UaCase {"chrome",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
			"(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0"},
		/* Firefox, including on macOS (not Apple's stack). */
		UaCase {"firefox",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
			"Gecko/20100101 Firefox/121.0"},
		UaCase {"firefox",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) "
			"Gecko/20100101 Firefox/121.0"},
		UaCase {"firefox",
			"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 "
			"Firefox/121.0"},
		UaCase {"firefox",
			"Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 "
			"Firefox/121.0"},
		/* Everything else. */
		UaCase {"default", "curl/8.4.0"}, UaCase {"default", "Wget/1.21.3"},
		UaCase {"default", "python-requests/2.31.0"}, UaCase {"default", ""}));

TEST(SeedRules, EdgeIsNotChromeAndDiffersInCodecs)
{
	const char *edgeUa = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
			     "like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91";
	const char *chromeUa = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
			       "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
	const ClientRule &edge = byUserAgent(edgeUa);
	const ClientRule &chrome = byUserAgent(chromeUa);
	EXPECT_EQ(edge.name, "edge");
	EXPECT_EQ(chrome.name, "chrome");
	EXPECT_TRUE(edge.acceptsVideo("h265"));
	EXPECT_FALSE(chrome.acceptsVideo("h265"));
	EXPECT_TRUE(edge.acceptsAudio("eac3"));
	EXPECT_FALSE(chrome.acceptsAudio("eac3"));
	EXPECT_TRUE(chrome.acceptsVideo("AV1")); /* case-insensitive */
}

TEST(SeedRules, RuleAttributes)
{
	const ClientRule &legacy = byUserAgent("Lavf/57.83.100");
	EXPECT_TRUE(legacy.legacyTsOnly);
	EXPECT_EQ(legacy.preferredFormat, PreferredFormat::Ts);
	EXPECT_TRUE(legacy.acceptsVideo("mpeg2video"));
	EXPECT_FALSE(legacy.acceptsVideo("h265"));
	EXPECT_TRUE(legacy.acceptsAudio("mp2"));

	const ClientRule &apple = byUserAgent("AppleCoreMedia/1.0.0.20G75 (iPhone; U; CPU OS 16_6 "
					      "like Mac OS X; en_us)");
	EXPECT_EQ(apple.preferredFormat, PreferredFormat::Hls);
	EXPECT_FALSE(apple.legacyTsOnly);
	EXPECT_TRUE(apple.acceptsVideo("h265"));
	EXPECT_FALSE(apple.acceptsVideo("vp9"));
	EXPECT_FALSE(apple.acceptsAudio("opus"));

	/* FFmpeg-based players decode anything: empty lists. */
	for (const char *ua : {"VLC/3.0.18 LibVLC/3.0.18", "mpv 0.35.1", "Jellyfin/10.8.13",
			       "PlexMediaServer/1.32.5.7349-8f4248874", "curl/8.4.0"}) {
		const ClientRule &rule = byUserAgent(ua);
		EXPECT_TRUE(rule.videoCodecs.empty()) << ua;
		EXPECT_TRUE(rule.acceptsVideo("av1")) << ua;
		EXPECT_TRUE(rule.acceptsAudio("ac3")) << ua;
		EXPECT_FALSE(rule.legacyTsOnly) << ua;
	}
	EXPECT_EQ(byUserAgent("VLC/3.0.18 LibVLC/3.0.18").preferredFormat, PreferredFormat::Ts);
	EXPECT_EQ(byUserAgent("curl/8.4.0").preferredFormat, PreferredFormat::Auto);
	EXPECT_EQ(byUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 "
			      "Firefox/121.0")
			  .preferredFormat,
		  PreferredFormat::Auto);
}

TEST(SeedRules, CaseInsensitiveUserAgent)
{
	EXPECT_EQ(byUserAgent("vlc/3.0.18 libvlc/3.0.18").name, "vlc");
	EXPECT_EQ(byUserAgent("KODI/20.2 (X11)").name, "kodi");
	EXPECT_EQ(byUserAgent("LAVF/57.83.100").name, "legacy-stb");
	EXPECT_EQ(byUserAgent("MPV 0.36.0").name, "mpv");
}

TEST(SeedRules, HugeUserAgentIsHandled)
{
	/* The regex only sees the head; the substrings still see everything. */
	std::string huge(200000, 'a');
	EXPECT_EQ(byUserAgent(huge).name, "default");
	EXPECT_EQ(byUserAgent(huge + " Firefox/121.0").name, "firefox");
}

/* ---- Match semantics (own rules) ---- */

constexpr const char *kSemantics = R"({
  "version": 1,
  "rules": [
    {"name": "box-with-mode", "user_agent": ["box"], "query": {"mode": "*"}},
    {"name": "forced-legacy", "query": {"client": "Legacy", "stb": "yes"},
     "legacy_ts_only": true},
    {"name": "dash-player", "accept": ["application/dash+xml"], "preferred_format": "dash"},
    {"name": "regex-or-substring", "user_agent": ["alpha"], "user_agent_regex": "^beta/[0-9]+$"},
    {"name": "ua-and-accept", "user_agent": ["gamma"], "accept": ["video/mp2t"]},
    {"name": "fallback", "preferred_format": "hls"}
  ]
})";

struct MatchCase {
	const char *label;
	const char *userAgent;
	const char *accept;
	std::vector<QueryParam> query;
	const char *rule;
};

void PrintTo(const MatchCase &c, std::ostream *os)
{
	*os << c.label;
}

class Semantics : public testing::TestWithParam<MatchCase>
{
};

TEST_P(Semantics, Matches)
{
	static const ClientRules rules = *ClientRules::load(kSemantics).rules;
	const MatchCase &c = GetParam();
	EXPECT_EQ(rules.match(ClientHints {c.userAgent, c.accept, c.query}).name, c.rule);
}

INSTANTIATE_TEST_SUITE_P(
	Table, Semantics,
	testing::Values(
		MatchCase {"ua_and_query_both_hold",
			   "SetTopBox/1",
			   "",
			   {{"mode", "x"}},
			   "box-with-mode"},
		MatchCase {"ua_without_query", "SetTopBox/1", "", {}, "fallback"},
		MatchCase {"query_without_ua", "curl", "", {{"mode", "x"}}, "fallback"},
		MatchCase {"query_value_case_insensitive",
			   "",
			   "",
			   {{"client", "LEGACY"}},
			   "forced-legacy"},
		MatchCase {"query_any_listed_parameter", "", "", {{"stb", "yes"}}, "forced-legacy"},
		MatchCase {"query_wrong_value", "", "", {{"client", "modern"}}, "fallback"},
		MatchCase {"query_name_exact", "", "", {{"Client", "legacy"}}, "fallback"},
		MatchCase {"accept_substring",
			   "",
			   "application/dash+xml;q=0.9, application/vnd.apple.mpegurl",
			   {},
			   "dash-player"},
		MatchCase {
			"accept_case_insensitive", "", "Application/DASH+XML", {}, "dash-player"},
		MatchCase {"regex_alternative", "beta/42", "", {}, "regex-or-substring"},
		MatchCase {"regex_anchored", "xbeta/42", "", {}, "fallback"},
		MatchCase {"regex_icase", "BETA/7", "", {}, "regex-or-substring"},
		MatchCase {"substring_alternative", "Alpha Player", "", {}, "regex-or-substring"},
		MatchCase {"ua_and_accept_both", "gamma/1", "video/MP2T", {}, "ua-and-accept"},
		MatchCase {"ua_and_accept_missing_accept", "gamma/1", "*/*", {}, "fallback"}));

TEST(Semantics, RuleFieldsAreRead)
{
	ClientRulesResult result = ClientRules::load(R"({
	  "version": 1,
	  "description": "test",
	  "rules": [
	    {"name": "full", "description": "all keys", "user_agent": ["X"],
	     "user_agent_regex": "y", "accept": ["Z"], "query": {"q": "V"},
	     "preferred_format": "ts", "video_codecs": ["H264", "mpeg2video"],
	     "audio_codecs": ["mp2"], "legacy_ts_only": true,
	     "dash_mpd": "from_period_start", "live_start_segments": 3},
	    {"name": "default"}
	  ]
	})");
	ASSERT_TRUE(result.ok()) << result.error;
	const ClientRule &rule = result.rules->rules()[0];
	EXPECT_EQ(rule.description, "all keys");
	EXPECT_EQ(rule.userAgent, std::vector<std::string> {"x"});
	EXPECT_EQ(rule.userAgentRegex, "y");
	EXPECT_EQ(rule.accept, std::vector<std::string> {"z"});
	EXPECT_EQ(rule.query, (std::vector<QueryParam> {{"q", "v"}}));
	EXPECT_EQ(rule.preferredFormat, PreferredFormat::Ts);
	EXPECT_EQ(rule.videoCodecs, (std::vector<std::string> {"h264", "mpeg2video"}));
	EXPECT_EQ(rule.dashMpd, DashMpd::FromPeriodStart);
	EXPECT_EQ(rule.liveStartSegments, 3u);
	EXPECT_EQ(result.rules->rules()[1].dashMpd, DashMpd::Window);
	EXPECT_EQ(result.rules->rules()[1].liveStartSegments, 1u);
	EXPECT_EQ(rule.audioCodecs, std::vector<std::string> {"mp2"});
	EXPECT_TRUE(rule.legacyTsOnly);
	EXPECT_FALSE(rule.matchesEverything());

	const ClientRule &fallback = result.rules->rules()[1];
	EXPECT_EQ(fallback.preferredFormat, PreferredFormat::Auto);
	EXPECT_FALSE(fallback.legacyTsOnly);
	EXPECT_TRUE(fallback.matchesEverything());
}

TEST(Semantics, PreferredFormatNames)
{
	EXPECT_EQ(toString(PreferredFormat::Auto), "auto");
	EXPECT_EQ(toString(PreferredFormat::Hls), "hls");
	EXPECT_EQ(toString(PreferredFormat::Dash), "dash");
	EXPECT_EQ(toString(PreferredFormat::Ts), "ts");
}

/* ---- Loader errors ---- */

struct LoadErrorCase {
	const char *label;
	const char *json;
	const char *message; /* expected substring of the error */
};

void PrintTo(const LoadErrorCase &c, std::ostream *os)
{
	*os << c.label;
}

class LoadError : public testing::TestWithParam<LoadErrorCase>
{
};

TEST_P(LoadError, Explains)
{
	const LoadErrorCase &c = GetParam();
	ClientRulesResult result = ClientRules::load(c.json);
	ASSERT_FALSE(result.ok()) << c.label;
	EXPECT_FALSE(result.rules);
	EXPECT_EQ(result.error.rfind("client rules: ", 0), 0u) << result.error;
	EXPECT_NE(result.error.find(c.message), std::string::npos) << result.error;
}

#define DEFAULT_RULE R"({"name": "default"})"

INSTANTIATE_TEST_SUITE_P(
	Table, LoadError,
	testing::Values(
		LoadErrorCase {"bad_json", R"({"version": 1, "rules": [)", "not valid JSON"},
		LoadErrorCase {"trailing_garbage", R"({"version": 1} x)", "not valid JSON"},
		LoadErrorCase {"empty_input", "", "must hold a JSON object"},
		LoadErrorCase {"array_root", "[]", "must hold a JSON object"},
		LoadErrorCase {"unknown_top_key", R"({"version": 1, "rulez": []})",
			       "unknown top-level key \"rulez\""},
		LoadErrorCase {"missing_version", R"({"rules": [)" DEFAULT_RULE "]}",
			       "\"version\" must be 1"},
		LoadErrorCase {"wrong_version", R"({"version": 2, "rules": [)" DEFAULT_RULE "]}",
			       "\"version\" must be 1"},
		LoadErrorCase {"string_version", R"({"version": "1", "rules": [)" DEFAULT_RULE "]}",
			       "\"version\" must be 1"},
		LoadErrorCase {"description_not_string",
			       R"({"version": 1, "description": 5, "rules": [)" DEFAULT_RULE "]}",
			       "\"description\" must be a string"},
		LoadErrorCase {"rules_missing", R"({"version": 1})", "\"rules\" must be an array"},
		LoadErrorCase {"rules_not_array", R"({"version": 1, "rules": {}})",
			       "\"rules\" must be an array"},
		LoadErrorCase {"rules_empty", R"({"version": 1, "rules": []})",
			       "\"rules\" is empty"},
		LoadErrorCase {"rule_not_object", R"({"version": 1, "rules": ["vlc"]})",
			       "rule 0: must be an object"},
		LoadErrorCase {
			"unknown_rule_key",
			R"({"version": 1, "rules": [{"name": "a", "user_agnet": ["x"]}, )" DEFAULT_RULE
			"]}",
			"rule 0 (\"a\"): unknown key \"user_agnet\""},
		LoadErrorCase {"missing_name",
			       R"({"version": 1, "rules": [{"user_agent": ["x"]}]})",
			       "rule 0: \"name\" is required"},
		LoadErrorCase {"name_not_string", R"({"version": 1, "rules": [{"name": 3}]})",
			       "rule 0: \"name\" must be a string"},
		LoadErrorCase {
			"duplicate_name",
			R"({"version": 1, "rules": [{"name": "default", "user_agent": ["x"]}, )" DEFAULT_RULE
			"]}",
			"rule 1 (\"default\"): duplicate name"},
		LoadErrorCase {
			"user_agent_not_array",
			R"({"version": 1, "rules": [{"name": "a", "user_agent": "VLC"}, )" DEFAULT_RULE
			"]}",
			"\"user_agent\" must be an array of strings"},
		LoadErrorCase {
			"user_agent_empty_entry",
			R"({"version": 1, "rules": [{"name": "a", "user_agent": [""]}, )" DEFAULT_RULE
			"]}",
			"must be an array of non-empty strings"},
		LoadErrorCase {
			"accept_number",
			R"({"version": 1, "rules": [{"name": "a", "accept": [1]}, )" DEFAULT_RULE
			"]}",
			"\"accept\" must be an array of non-empty strings"},
		LoadErrorCase {
			"regex_not_string",
			R"({"version": 1, "rules": [{"name": "a", "user_agent_regex": ["x"]}, )" DEFAULT_RULE
			"]}",
			"\"user_agent_regex\" must be a string"},
		LoadErrorCase {
			"bad_regex",
			R"({"version": 1, "rules": [{"name": "a", "user_agent_regex": "(VLC"}, )" DEFAULT_RULE
			"]}",
			"rule 0 (\"a\"): \"user_agent_regex\" does not compile"},
		LoadErrorCase {
			"query_not_object",
			R"({"version": 1, "rules": [{"name": "a", "query": ["x=1"]}, )" DEFAULT_RULE
			"]}",
			"\"query\" must be an object"},
		LoadErrorCase {
			"query_value_not_string",
			R"({"version": 1, "rules": [{"name": "a", "query": {"x": 1}}, )" DEFAULT_RULE
			"]}",
			"\"query\" must map parameter names to string values"},
		LoadErrorCase {
			"bad_preferred_format",
			R"({"version": 1, "rules": [{"name": "default", "preferred_format": "rtsp"}]})",
			"\"preferred_format\" must be one of auto, hls, dash, ts; got \"rtsp\""},
		LoadErrorCase {
			"unknown_video_codec",
			R"({"version": 1, "rules": [{"name": "default", "video_codecs": ["h266"]}]})",
			"unknown codec \"h266\" in \"video_codecs\""},
		LoadErrorCase {
			"audio_codec_in_video_list",
			R"({"version": 1, "rules": [{"name": "default", "video_codecs": ["aac"]}]})",
			"unknown codec \"aac\" in \"video_codecs\""},
		LoadErrorCase {
			"codecs_not_array",
			R"({"version": 1, "rules": [{"name": "default", "video_codecs": "h264"}]})",
			"\"video_codecs\" must be an array of strings"},
		LoadErrorCase {
			"unknown_audio_codec",
			R"({"version": 1, "rules": [{"name": "default", "audio_codecs": ["dts"]}]})",
			"unknown codec \"dts\" in \"audio_codecs\""},
		LoadErrorCase {
			"legacy_not_boolean",
			R"({"version": 1, "rules": [{"name": "default", "legacy_ts_only": "yes"}]})",
			"\"legacy_ts_only\" must be true or false"},
		LoadErrorCase {
			"dash_mpd_unknown",
			R"({"version": 1, "rules": [{"name": "default", "dash_mpd": "x"}]})",
			"\"dash_mpd\" must be one of window, from_period_start, by_time; got "
			"\"x\""},
		LoadErrorCase {"live_start_segments_zero",
			       R"({"version": 1, "rules": [{"name": "default", )"
			       R"("live_start_segments": 0}]})",
			       "\"live_start_segments\" must be a whole number from 1 to 5"},
		LoadErrorCase {"live_start_segments_not_integer",
			       R"({"version": 1, "rules": [{"name": "default", )"
			       R"("live_start_segments": "2"}]})",
			       "\"live_start_segments\" must be a whole number from 1 to 5"},
		LoadErrorCase {
			"catch_all_not_last",
			R"({"version": 1, "rules": [{"name": "all"}, {"name": "vlc", "user_agent": ["vlc"]}]})",
			"rule 0 (\"all\"): has no conditions"},
		LoadErrorCase {
			"last_has_conditions",
			R"({"version": 1, "rules": [{"name": "vlc", "user_agent": ["vlc"]}]})",
			"rule 0 (\"vlc\"): the last rule must have no conditions"}));

TEST(LoadError, MessagesInFull)
{
	EXPECT_EQ(ClientRules::load(R"({"version": 1, "rules": [{"name": "a", "user_agnet": []}, )"
				    R"({"name": "default"}]})")
			  .error,
		  "client rules: rule 0 (\"a\"): unknown key \"user_agnet\" (known: name, "
		  "description, user_agent, user_agent_regex, accept, query, preferred_format, "
		  "video_codecs, audio_codecs, legacy_ts_only, dash_mpd, "
		  "live_start_segments)");
	EXPECT_EQ(ClientRules::load(R"({"version": 1, "rules": [{"name": "x"}, )"
				    R"({"name": "y", "user_agent": ["y"]}]})")
			  .error,
		  "client rules: rule 0 (\"x\"): has no conditions, so it matches every request "
		  "and the rules after it could never match; move it last");
}

/* ---- Files ---- */

TEST(LoadFile, MissingFileNamesThePath)
{
	ClientRulesResult result = ClientRules::loadFile("/nonexistent/client-rules.json");
	ASSERT_FALSE(result.ok());
	EXPECT_NE(result.error.find("cannot read /nonexistent/client-rules.json"),
		  std::string::npos)
		<< result.error;
}

TEST(LoadFile, ErrorsArePrefixedWithThePath)
{
	std::string path = testing::TempDir() + "sluice-bad-client-rules.json";
	{
		std::ofstream out(path);
		out << R"({"version": 1, "rules": [{"name": "only", "user_agent": ["x"]}]})";
	}
	ClientRulesResult result = ClientRules::loadFile(path);
	std::remove(path.c_str());
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error.rfind(path + ": client rules: rule 0", 0), 0u) << result.error;
}

TEST(LoadFile, InstalledPath)
{
	std::string path = ClientRules::installedPath();
	const std::string suffix = "/sluice/client-rules.json";
	ASSERT_GE(path.size(), suffix.size());
	EXPECT_EQ(path.substr(path.size() - suffix.size()), suffix);
}

TEST(LoadFile, Fallback)
{
	ClientRules rules = ClientRules::fallback();
	ASSERT_EQ(rules.rules().size(), 1u);
	const ClientRule &rule = rules.match(ClientHints {"VLC/3.0.18 LibVLC/3.0.18", {}, {}});
	EXPECT_EQ(rule.name, "default");
	EXPECT_TRUE(rule.matchesEverything());
	EXPECT_EQ(rule.preferredFormat, PreferredFormat::Auto);
	EXPECT_FALSE(rule.legacyTsOnly);
}

TEST(LoadFile, RulesAreCopyable)
{
	ClientRules copy = seed();
	EXPECT_EQ(copy.rules().size(), seed().rules().size());
	EXPECT_EQ(copy.match(ClientHints {"mpv 0.35.1", {}, {}}).name, "mpv");
}

} /* namespace */
