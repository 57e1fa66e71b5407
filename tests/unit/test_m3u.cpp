/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * IPTV M3U parsing against lists shaped like real providers' (messy quoting, odd line ends,
 * missing pieces), its limits, and the writer's round trip.
 */

#include <chrono>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "m3u.h"

using namespace sluice;

namespace {

M3uPlaylist parseOk(std::string_view text, const M3uLimits &limits = {})
{
	M3uParseResult r = parseM3u(text, limits);
	EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().text());
	return r.ok() ? r.playlist() : M3uPlaylist();
}

M3uDiagnostic parseError(std::string_view text, const M3uLimits &limits = {})
{
	M3uParseResult r = parseM3u(text, limits);
	EXPECT_FALSE(r.ok());
	return r.ok() ? M3uDiagnostic() : r.error();
}

std::vector<std::string> warningTexts(const M3uParseResult &r)
{
	std::vector<std::string> out;
	for (const M3uDiagnostic &w : r.warnings)
		out.push_back(w.text());
	return out;
}

using Attrs = std::vector<M3uAttribute>;

} /* namespace */

TEST(M3u, TypicalList)
{
	M3uParseResult r
		= parseM3u(R"(#EXTM3U url-tvg="http://epg.example.com/guide.xml.gz" tvg-shift="1"
#EXTINF:-1 tvg-id="bbc1.uk" tvg-name="BBC One" tvg-logo="http://logo/bbc1.png" tvg-chno="101" group-title="UK",BBC One HD
http://provider.example.com/live/user/pass/1001.ts
#EXTINF:-1 tvg-id="zdf.de" tvg-name="ZDF" group-title="DE",ZDF
http://provider.example.com/live/user/pass/1002.m3u8
)");
	ASSERT_TRUE(r.ok()) << r.error().text();
	EXPECT_TRUE(r.warnings.empty());
	const M3uPlaylist &p = r.playlist();
	EXPECT_EQ(p.attributes,
		  (Attrs {{"url-tvg", "http://epg.example.com/guide.xml.gz"}, {"tvg-shift", "1"}}));
	EXPECT_EQ(p.epgUrl(), "http://epg.example.com/guide.xml.gz");

	ASSERT_EQ(p.entries.size(), 2u);
	const M3uEntry &bbc = p.entries[0];
	EXPECT_EQ(bbc.title, "BBC One HD");
	EXPECT_EQ(bbc.url, "http://provider.example.com/live/user/pass/1001.ts");
	EXPECT_EQ(bbc.duration, -1);
	EXPECT_EQ(bbc.tvgId(), "bbc1.uk");
	EXPECT_EQ(bbc.tvgName(), "BBC One");
	EXPECT_EQ(bbc.tvgLogo(), "http://logo/bbc1.png");
	EXPECT_EQ(bbc.tvgChno(), "101");
	EXPECT_EQ(bbc.groupTitle(), "UK");
	EXPECT_EQ(bbc.attributes,
		  (Attrs {{"tvg-id", "bbc1.uk"},
			  {"tvg-name", "BBC One"},
			  {"tvg-logo", "http://logo/bbc1.png"},
			  {"tvg-chno", "101"},
			  {"group-title", "UK"}}));
	EXPECT_TRUE(bbc.options.empty());
	EXPECT_EQ(p.entries[1].title, "ZDF");
	EXPECT_EQ(p.entries[1].tvgLogo(), "");
	EXPECT_EQ(p.entries[1].tvgChno(), "");
}

TEST(M3u, BomCrlfBlankLinesAndWhitespace)
{
	M3uParseResult r = parseM3u("\xEF\xBB\xBF#EXTM3U x-tvg-url=\"http://e/x.xml\"\r\n"
				    "\r\n"
				    "   #EXTINF:-1 tvg-id=\"a\",Alpha  \r\n"
				    "\t http://h/a.ts \t\r\n"
				    "\r\n"
				    "#EXTINF:-1 tvg-id=\"b\",Beta\r\n"
				    "http://h/b.ts");
	ASSERT_TRUE(r.ok()) << r.error().text();
	EXPECT_TRUE(r.warnings.empty()) << testing::PrintToString(warningTexts(r));
	const M3uPlaylist &p = r.playlist();
	EXPECT_EQ(p.epgUrl(), "http://e/x.xml");
	ASSERT_EQ(p.entries.size(), 2u);
	EXPECT_EQ(p.entries[0].title, "Alpha");
	EXPECT_EQ(p.entries[0].url, "http://h/a.ts");
	EXPECT_EQ(p.entries[1].title, "Beta");
	EXPECT_EQ(p.entries[1].url, "http://h/b.ts");
}

TEST(M3u, EveryLineEndGivesTheSameList)
{
	const std::vector<std::string> lines = {
		"#EXTM3U",    "#EXTINF:-1 tvg-id=\"a\",A", "http://h/a", "", "#EXTINF:0,B",
		"http://h/b",
	};
	M3uPlaylist reference;
	for (std::string_view eol : {"\n", "\r\n", "\r", "\n\r\n"}) {
		std::string text;
		for (const std::string &l : lines)
			text += l + std::string(eol);
		M3uParseResult r = parseM3u(text);
		ASSERT_TRUE(r.ok());
		EXPECT_TRUE(r.warnings.empty());
		ASSERT_EQ(r.playlist().entries.size(), 2u);
		if (reference.entries.empty())
			reference = r.playlist();
		EXPECT_EQ(r.playlist(), reference);
	}

	/* Mixed in one file, and the line numbers still count each ending once. */
	M3uParseResult r = parseM3u("#EXTM3U\r\n#EXTINF:-1,A\rhttp://h/a\n#EXTINF:-1,lost\r\n\r");
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(r.playlist().entries.size(), 1u);
	EXPECT_EQ(warningTexts(r),
		  (std::vector<std::string> {"line 4: #EXTINF without a URL dropped"}));
}

TEST(M3u, HeaderAttributesKeepTheirOrder)
{
	M3uPlaylist p = parseOk("#EXTM3U x-tvg-url=\"http://a/1.xml,http://b/2.xml\" Tvg-Shift=-2 "
				"catchup='append' catchup-days=7 refresh=\"3600\"\n"
				"#EXTINF:-1,A\nhttp://h/a\n");
	EXPECT_EQ(p.attributes,
		  (Attrs {{"x-tvg-url", "http://a/1.xml,http://b/2.xml"},
			  {"tvg-shift", "-2"},
			  {"catchup", "append"},
			  {"catchup-days", "7"},
			  {"refresh", "3600"}}));
	EXPECT_EQ(p.epgUrl(), "http://a/1.xml,http://b/2.xml");
	EXPECT_EQ(p.attribute("TVG-SHIFT"), "-2");
	EXPECT_EQ(p.attribute("missing"), "");
}

TEST(M3u, RepeatedHeadersOfConcatenatedListsMerge)
{
	M3uParseResult r = parseM3u(
		"#EXTM3U url-tvg=\"http://a.xml\"\n#EXTINF:-1,A\nhttp://h/a\n"
		"#EXTM3U url-tvg=\"http://b.xml\" tvg-shift=1\n#EXTINF:-1,B\nhttp://h/b\n");
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(r.playlist().attributes,
		  (Attrs {{"url-tvg", "http://b.xml"}, {"tvg-shift", "1"}}));
	EXPECT_EQ(r.playlist().entries.size(), 2u);
	EXPECT_EQ(warningTexts(r),
		  (std::vector<std::string> {
			  "line 4: attribute url-tvg repeated; the last value is kept"}));
}

struct ExtinfCase {
	const char *name;
	const char *line; /* the #EXTINF line */
	double duration;
	Attrs attributes;
	const char *title;
	size_t warnings;
};

class M3uExtinf : public testing::TestWithParam<ExtinfCase>
{
};

TEST_P(M3uExtinf, Parses)
{
	const ExtinfCase &c = GetParam();
	M3uParseResult r = parseM3u(std::string("#EXTM3U\n") + c.line + "\nhttp://h/stream\n");
	ASSERT_TRUE(r.ok()) << r.error().text();
	ASSERT_EQ(r.playlist().entries.size(), 1u);
	const M3uEntry &e = r.playlist().entries[0];
	EXPECT_EQ(e.duration, c.duration);
	EXPECT_EQ(e.attributes, c.attributes);
	EXPECT_EQ(e.title, c.title);
	EXPECT_EQ(r.warnings.size(), c.warnings) << testing::PrintToString(warningTexts(r));
	EXPECT_EQ(e.url, "http://h/stream");
}

INSTANTIATE_TEST_SUITE_P(
	Quoting, M3uExtinf,
	testing::Values(
		ExtinfCase {"DoubleQuotes", R"(#EXTINF:-1 tvg-id="a.b" group-title="News",Title)",
			    -1, Attrs {{"tvg-id", "a.b"}, {"group-title", "News"}}, "Title", 0},
		ExtinfCase {"SingleQuotes",
			    R"(#EXTINF:-1 tvg-id='a.b' tvg-name='Rock'n'Roll TV',T)", -1,
			    Attrs {{"tvg-id", "a.b"}, {"tvg-name", "Rock'n'Roll TV"}}, "T", 0},
		ExtinfCase {"Unquoted", "#EXTINF:-1 tvg-id=a.b tvg-chno=7 group-title=News,T", -1,
			    Attrs {{"tvg-id", "a.b"}, {"tvg-chno", "7"}, {"group-title", "News"}},
			    "T", 0},
		ExtinfCase {"UnquotedValueEndsAtTheComma", "#EXTINF:-1 group-title=News,Sports,T",
			    -1, Attrs {{"group-title", "News"}}, "Sports,T", 0},
		ExtinfCase {
			"CommasInsideQuotes",
			R"(#EXTINF:-1 tvg-name="News, Weather" group-title='A, B',Title, with commas)",
			-1, Attrs {{"tvg-name", "News, Weather"}, {"group-title", "A, B"}},
			"Title, with commas", 0},
		ExtinfCase {"QuotesInsideOtherQuotes",
			    R"(#EXTINF:-1 tvg-name='The "Best" TV' x="it's",Title "quoted")", -1,
			    Attrs {{"tvg-name", "The \"Best\" TV"}, {"x", "it's"}},
			    "Title \"quoted\"", 0},
		ExtinfCase {"NoSpaceBetweenAttributes", R"(#EXTINF:-1 tvg-id="a"tvg-name="b",T)",
			    -1, Attrs {{"tvg-id", "a"}, {"tvg-name", "b"}}, "T", 0},
		ExtinfCase {"SpacesAroundEquals", R"(#EXTINF:-1 tvg-id = "a"  tvg-name= 'b' ,T)",
			    -1, Attrs {{"tvg-id", "a"}, {"tvg-name", "b"}}, "T", 0},
		ExtinfCase {"BareValueMustFollowEquals", R"(#EXTINF:-1 tvg-logo= tvg-id=a,T)", -1,
			    Attrs {{"tvg-logo", ""}, {"tvg-id", "a"}}, "T", 0},
		ExtinfCase {"DurationGluedToAttribute", R"(#EXTINF:-1tvg-id="a",T)", -1,
			    Attrs {{"tvg-id", "a"}}, "T", 0},
		ExtinfCase {"EmptyValues", R"(#EXTINF:-1 tvg-id="" tvg-logo= group-title="",T)", -1,
			    Attrs {{"tvg-id", ""}, {"tvg-logo", ""}, {"group-title", ""}}, "T", 0},
		ExtinfCase {"StrayWordsSkipped", R"(#EXTINF:-1 radio tvg-id="a" =x,T)", -1,
			    Attrs {{"tvg-id", "a"}}, "T", 0},
		ExtinfCase {"NamesLowerCasedOrderKept",
			    R"(#EXTINF:-1 Group-Title="G" TVG-ID="i" tvg-Logo="l",T)", -1,
			    Attrs {{"group-title", "G"}, {"tvg-id", "i"}, {"tvg-logo", "l"}}, "T",
			    0},
		ExtinfCase {"RepeatedAttributeLastWins",
			    R"(#EXTINF:-1 tvg-id="a" group-title="x" TVG-ID="b",T)", -1,
			    Attrs {{"tvg-id", "b"}, {"group-title", "x"}}, "T", 1},
		ExtinfCase {"UnterminatedQuote", R"(#EXTINF:-1 tvg-name=x tvg-id="a,T)", -1,
			    Attrs {{"tvg-name", "x"}, {"tvg-id", "a"}}, "T", 1},
		ExtinfCase {"InnerDoubleQuoteClosesTheValue",
			    R"(#EXTINF:-1 tvg-id="a tvg-name="b",T)", -1,
			    Attrs {{"tvg-id", "a tvg-name="}}, "T", 0},
		ExtinfCase {"NoAttributes", "#EXTINF:-1,Just a title", -1, Attrs {}, "Just a title",
			    0},
		ExtinfCase {"SpaceBeforeComma", "#EXTINF:-1 ,Title", -1, Attrs {}, "Title", 0},
		ExtinfCase {"ZeroDuration", "#EXTINF:0 tvg-id=\"a\",T", 0, Attrs {{"tvg-id", "a"}},
			    "T", 0},
		ExtinfCase {"FractionalDuration", "#EXTINF:10.5,T", 10.5, Attrs {}, "T", 0},
		ExtinfCase {"NoDuration", "#EXTINF:,T", -1, Attrs {}, "T", 0},
		ExtinfCase {"GarbageDuration", "#EXTINF:abc,T", -1, Attrs {}, "T", 0},
		ExtinfCase {"InfinityIsNoDuration", "#EXTINF:inf,T", -1, Attrs {}, "T", 0},
		ExtinfCase {"LowerCaseTagNoColon", "#extinf -1 tvg-id=\"a\",T", -1,
			    Attrs {{"tvg-id", "a"}}, "T", 0},
		ExtinfCase {"NoTitleFallsBackToTvgName", R"(#EXTINF:-1 tvg-name="Name")", -1,
			    Attrs {{"tvg-name", "Name"}}, "Name", 0},
		ExtinfCase {"TitleFromTvgNameIsTrimmed", R"(#EXTINF:-1 tvg-name=" Name ",)", -1,
			    Attrs {{"tvg-name", " Name "}}, "Name", 0},
		ExtinfCase {"EmptyTitleFallsBackToUrl", "#EXTINF:-1 tvg-id=\"a\",  ", -1,
			    Attrs {{"tvg-id", "a"}}, "http://h/stream", 0},
		ExtinfCase {
			"CatchupAttributesAsWritten",
			R"(#EXTINF:-1 catchup="append" catchup-days="7" catchup-source="?utc={utc}&lutc={lutc}" catchup-correction="+0.5" timeshift="3",T)",
			-1,
			Attrs {{"catchup", "append"},
			       {"catchup-days", "7"},
			       {"catchup-source", "?utc={utc}&lutc={lutc}"},
			       {"catchup-correction", "+0.5"},
			       {"timeshift", "3"}},
			"T", 0}),
	[](const testing::TestParamInfo<ExtinfCase> &param) { return param.param.name; });

TEST(M3u, AttributeLookupIgnoresCase)
{
	M3uPlaylist p = parseOk("#EXTM3U\n#EXTINF:-1 TVG-ID=\"x\",T\nhttp://h/a\n");
	ASSERT_EQ(p.entries.size(), 1u);
	EXPECT_EQ(p.entries[0].attribute("Tvg-Id"), "x");
	EXPECT_TRUE(p.entries[0].hasAttribute("tvg-id"));
	EXPECT_FALSE(p.entries[0].hasAttribute("tvg-logo"));
}

TEST(M3u, GroupsAndPlayerOptions)
{
	M3uPlaylist p = parseOk(R"(#EXTM3U
#EXTINF:-1 tvg-id="a",A
#EXTGRP:Sports
#EXTVLCOPT:http-user-agent=Mozilla/5.0 (SMART-TV; Linux)
#EXTVLCOPT:http-referrer=http://portal.example.com/
http://h/a
#EXTGRP:Movies
#EXTINF:-1 group-title="News",B
#KODIPROP:inputstream.adaptive.manifest_type=mpd
#KODIPROP:inputstream.adaptive.license_key=https://lic.example.com/?a=1&b=2
#EXTVLCOPT:network-caching=1000
http://h/b.mpd
#EXTINF:-1,C
#EXTVLCOPT:http-user-agent="Quoted Agent"
http://h/c
#EXTINF:-1 user-agent="Attr Agent" http-referer="http://r/",D
http://h/d
)");
	ASSERT_EQ(p.entries.size(), 4u);
	const M3uEntry &a = p.entries[0];
	EXPECT_EQ(a.extGroup, "Sports");
	EXPECT_EQ(a.groupTitle(), "Sports");
	EXPECT_EQ(a.userAgent(), "Mozilla/5.0 (SMART-TV; Linux)");
	EXPECT_EQ(a.referrer(), "http://portal.example.com/");
	ASSERT_EQ(a.options.size(), 2u);
	EXPECT_EQ(a.options[0],
		  (M3uOption {M3uOption::Kind::VlcOpt, "http-user-agent",
			      "Mozilla/5.0 (SMART-TV; Linux)"}));

	/* #EXTGRP before the #EXTINF still belongs to it; group-title wins over it. */
	const M3uEntry &b = p.entries[1];
	EXPECT_EQ(b.extGroup, "Movies");
	EXPECT_EQ(b.groupTitle(), "News");
	ASSERT_EQ(b.options.size(), 3u);
	EXPECT_EQ(b.options[0],
		  (M3uOption {M3uOption::Kind::KodiProp, "inputstream.adaptive.manifest_type",
			      "mpd"}));
	EXPECT_EQ(b.options[1].value, "https://lic.example.com/?a=1&b=2");
	EXPECT_EQ(b.options[2], (M3uOption {M3uOption::Kind::VlcOpt, "network-caching", "1000"}));
	EXPECT_EQ(b.userAgent(), "");

	EXPECT_EQ(p.entries[2].extGroup, "");
	EXPECT_EQ(p.entries[2].groupTitle(), "");
	EXPECT_EQ(p.entries[2].userAgent(), "Quoted Agent");
	EXPECT_EQ(p.entries[3].userAgent(), "Attr Agent");
	EXPECT_EQ(p.entries[3].referrer(), "http://r/");
}

TEST(M3u, OtherCommentsAndTagsAreIgnored)
{
	M3uParseResult r = parseM3u(R"(#EXTM3U
# generated by panel v2
#PLAYLIST:My channels
#EXTINF:-1,A
#EXT-X-SOMETHING:1
#EXTINFO:not an extinf
## comment
http://h/a
)");
	ASSERT_TRUE(r.ok());
	EXPECT_TRUE(r.warnings.empty());
	ASSERT_EQ(r.playlist().entries.size(), 1u);
	EXPECT_EQ(r.playlist().entries[0].title, "A");
	EXPECT_EQ(r.playlist().entries[0].url, "http://h/a");
}

TEST(M3u, ExtinfWithoutUrlIsDropped)
{
	M3uParseResult r = parseM3u("#EXTM3U\n"
				    "#EXTINF:-1,Lost one\n"
				    "#EXTINF:-1,Kept\n"
				    "http://h/kept\n"
				    "\n"
				    "#EXTINF:-1,Lost at the end\n"
				    "#EXTVLCOPT:http-user-agent=x\n");
	ASSERT_TRUE(r.ok());
	ASSERT_EQ(r.playlist().entries.size(), 1u);
	EXPECT_EQ(r.playlist().entries[0].title, "Kept");
	EXPECT_EQ(warningTexts(r),
		  (std::vector<std::string> {
			  "line 2: #EXTINF without a URL dropped",
			  "line 6: #EXTINF without a URL dropped",
		  }));
}

TEST(M3u, BareUrlsBecomeEntries)
{
	M3uParseResult r = parseM3u("#EXTM3U\n"
				    "http://h/first.ts\n"
				    "#EXTINF:-1,Named\n"
				    "relative/path with space.ts\n"
				    "rtp://@239.0.0.1:5000\n"
				    "Updated every day, enjoy!\n"
				    "<br>\n");
	ASSERT_TRUE(r.ok());
	const M3uPlaylist &p = r.playlist();
	ASSERT_EQ(p.entries.size(), 3u);
	EXPECT_EQ(p.entries[0].title, "http://h/first.ts");
	EXPECT_EQ(p.entries[0].url, "http://h/first.ts");
	EXPECT_TRUE(p.entries[0].attributes.empty());
	/* After an #EXTINF, the next line is the URL whatever it looks like. */
	EXPECT_EQ(p.entries[1].url, "relative/path with space.ts");
	EXPECT_EQ(p.entries[2].title, "rtp://@239.0.0.1:5000");
	EXPECT_EQ(warningTexts(r),
		  (std::vector<std::string> {
			  "line 6: text that is neither a tag nor a URL skipped",
			  "line 7: text that is neither a tag nor a URL skipped",
		  }));
}

TEST(M3u, MissingHeaderIsAcceptedWithAWarning)
{
	M3uParseResult r = parseM3u("#EXTINF:-1 tvg-id=\"a\",A\nhttp://h/a\n");
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(r.playlist().entries.size(), 1u);
	EXPECT_TRUE(r.playlist().attributes.empty());
	EXPECT_EQ(warningTexts(r), (std::vector<std::string> {"no #EXTM3U header"}));
}

TEST(M3u, HeaderOnlyIsAnEmptyList)
{
	M3uParseResult r = parseM3u("#EXTM3U\n");
	ASSERT_TRUE(r.ok());
	EXPECT_TRUE(r.playlist().entries.empty());
	EXPECT_TRUE(r.warnings.empty());
}

TEST(M3u, WhatIsNotAPlaylistIsRejected)
{
	const std::vector<std::pair<const char *, std::string>> cases = {
		{"empty", ""},
		{"blank", " \r\n\n\t\n"},
		{"bom only", "\xEF\xBB\xBF"},
		{"html error page",
		 "<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head>\n"
		 "<body><h1>Forbidden</h1><p>#EXTM3U #EXTINF</p></body></html>\n"},
		{"json error", R"({"user_info":{"auth":0}})"},
		{"bare urls only", "http://h/a.ts\nhttp://h/b.ts\n"},
		{"binary", std::string("\x47\x40\x00\x10\x00\x00\xb0\x0d\x00\x01\xc1\x00\x00", 13)},
		{"utf-16", std::string("\xFF\xFE#\0E\0X\0T\0M\0\x33\0U\0", 16)},
	};
	for (const auto &[name, text] : cases) {
		M3uDiagnostic e = parseError(text);
		EXPECT_TRUE(e.message.starts_with("not an M3U playlist"))
			<< name << ": " << e.message;
		EXPECT_EQ(e.line, 0u) << name;
	}
}

TEST(M3u, DuplicateTvgIdsAreKeptWithAWarning)
{
	M3uParseResult r = parseM3u(R"(#EXTM3U
#EXTINF:-1 tvg-id="bbc1.uk",BBC One SD
http://h/sd
#EXTINF:-1 tvg-id="bbc1.uk",BBC One HD
http://h/hd
#EXTINF:-1 tvg-id="",No id
http://h/x
#EXTINF:-1 tvg-id="",No id either
http://h/y
#EXTINF:-1 tvg-id="bbc1.uk",BBC One FHD
http://h/fhd
)");
	ASSERT_TRUE(r.ok());
	ASSERT_EQ(r.playlist().entries.size(), 5u);
	EXPECT_EQ(r.playlist().entries[1].tvgId(), "bbc1.uk");
	EXPECT_EQ(warningTexts(r),
		  (std::vector<std::string> {
			  "line 4: tvg-id \"bbc1.uk\" also used by the entry at line 2",
			  "line 10: tvg-id \"bbc1.uk\" also used by the entry at line 2",
		  }));
}

TEST(M3u, MessyRealWorldList)
{
	/* Pieces seen in provider panels, set-top-box exports and hand-edited lists. */
	const std::string text
		= "\xEF\xBB\xBF#EXTM3U url-tvg=\"http://epg.ex/a.xml,http://epg.ex/b.xml\" "
		  "tvg-shift=0 catchup=\"shift\"\r\n"
		  "#EXTINF:-1 tvg-id=\"CNN.us\" tvg-name=\"CNN\" tvg-logo=\"http://l/cnn.png\" "
		  "group-title=\"News\",CNN International\r\n"
		  "http://srv.ex:8080/u/p/1\r\n"
		  "#EXTINF:-1 tvg-id='Sky.de' tvg-name='Sky Sport 1' group-title='Sport, DE' "
		  "catchup=\"default\" catchup-days=\"3\",Sky Sport 1, HD\r\n"
		  "#EXTVLCOPT:http-user-agent=VLC/3.0.18\r\n"
		  "http://srv.ex:8080/u/p/2\r\n"
		  "#EXTINF:-1 tvg-chno=12 tvg-name=RTL tvg-logo=,RTL\r\n"
		  "#EXTGRP:Germany\r\n"
		  "http://srv.ex:8080/u/p/3\r\n"
		  "#EXTINF:-1,\r\n"
		  "http://srv.ex:8080/u/p/4\r\n"
		  "#EXTINF:-1 tvg-id=\"CNN.us\" tvg-name=\"CNN (backup)\" "
		  "GROUP-TITLE=\"News\",CNN, backup feed\r\n"
		  "  http://backup.ex/cnn.m3u8?token=a,b  \r\n"
		  "#EXTINF:-1 tvg-name=\"Radio \"Eins\"\" radio=\"true\",Radio Eins\r\n"
		  "http://radio.ex/eins.mp3\r\n"
		  "#EXTINF:-1 tvg-id=\"broken\",No URL follows\r\n"
		  "#EXTINF:-1 tvg-logo=\"http://l/x.png\" group-title=\"VOD | Movies\",Movie: Part "
		  "1, \"The Beginning\" (2020)\r\n"
		  "http://srv.ex:8080/movie/u/p/99.mkv\r\n";
	M3uParseResult r = parseM3u(text);
	ASSERT_TRUE(r.ok()) << r.error().text();
	const M3uPlaylist &p = r.playlist();
	EXPECT_EQ(p.epgUrl(), "http://epg.ex/a.xml,http://epg.ex/b.xml");
	EXPECT_EQ(p.attribute("catchup"), "shift");
	ASSERT_EQ(p.entries.size(), 7u);

	EXPECT_EQ(p.entries[0].title, "CNN International");
	EXPECT_EQ(p.entries[0].groupTitle(), "News");

	const M3uEntry &sky = p.entries[1];
	EXPECT_EQ(sky.title, "Sky Sport 1, HD");
	EXPECT_EQ(sky.groupTitle(), "Sport, DE");
	EXPECT_EQ(sky.attribute("catchup"), "default");
	EXPECT_EQ(sky.attribute("catchup-days"), "3");
	EXPECT_EQ(sky.userAgent(), "VLC/3.0.18");

	const M3uEntry &rtl = p.entries[2];
	EXPECT_EQ(rtl.title, "RTL");
	EXPECT_EQ(rtl.tvgChno(), "12");
	EXPECT_EQ(rtl.tvgName(), "RTL");
	EXPECT_EQ(rtl.tvgLogo(), "");
	EXPECT_EQ(rtl.groupTitle(), "Germany");
	EXPECT_EQ(rtl.tvgId(), "");

	EXPECT_EQ(p.entries[3].title, "http://srv.ex:8080/u/p/4");
	EXPECT_TRUE(p.entries[3].attributes.empty());

	EXPECT_EQ(p.entries[4].title, "CNN, backup feed");
	EXPECT_EQ(p.entries[4].url, "http://backup.ex/cnn.m3u8?token=a,b");
	EXPECT_EQ(p.entries[4].groupTitle(), "News");

	/* Inner double quotes close the value early: the rest is a stray word. */
	EXPECT_EQ(p.entries[5].tvgName(), "Radio ");
	EXPECT_EQ(p.entries[5].attribute("radio"), "true");
	EXPECT_EQ(p.entries[5].title, "Radio Eins");

	EXPECT_EQ(p.entries[6].title, "Movie: Part 1, \"The Beginning\" (2020)");
	EXPECT_EQ(p.entries[6].groupTitle(), "VOD | Movies");

	EXPECT_EQ(warningTexts(r),
		  (std::vector<std::string> {
			  "line 12: tvg-id \"CNN.us\" also used by the entry at line 2",
			  "line 16: #EXTINF without a URL dropped",
		  }));
}

TEST(M3u, HugeListParsesQuickly)
{
	constexpr size_t kEntries = 50000;
	std::string text = "#EXTM3U url-tvg=\"http://epg.example.com/all.xml.gz\"\n";
	for (size_t i = 0; i < kEntries; i++) {
		std::string n = std::to_string(i);
		text += "#EXTINF:-1 tvg-id=\"channel" + n + ".example\" tvg-name=\"Channel " + n
			+ "\" tvg-logo=\"http://logos.example.com/images/channels/" + n
			+ ".png\" tvg-chno=\"" + n + "\" group-title=\"Group "
			+ std::to_string(i % 40)
			+ "\" catchup=\"default\" catchup-days=\"7\",Channel " + n
			+ " HD, the one and only\n";
		if (i % 10 == 0)
			text += "#EXTVLCOPT:http-user-agent=Mozilla/5.0\n";
		text += "http://provider.example.com:8080/live/username/password/" + n + ".ts\n";
	}
	ASSERT_GT(text.size(), 10u * 1000 * 1000);

	auto start = std::chrono::steady_clock::now();
	M3uParseResult r = parseM3u(text);
	auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
			  std::chrono::steady_clock::now() - start)
			  .count();
	ASSERT_TRUE(r.ok()) << r.error().text();
	EXPECT_TRUE(r.warnings.empty());
	const M3uPlaylist &p = r.playlist();
	ASSERT_EQ(p.entries.size(), kEntries);
	EXPECT_EQ(p.entries[12345].tvgId(), "channel12345.example");
	EXPECT_EQ(p.entries[12345].title, "Channel 12345 HD, the one and only");
	EXPECT_EQ(p.entries[12345].groupTitle(), "Group 25");
	EXPECT_EQ(p.entries[49999].url,
		  "http://provider.example.com:8080/live/username/password/49999.ts");
	EXPECT_EQ(p.entries[49990].userAgent(), "Mozilla/5.0");
	EXPECT_EQ(p.entries[49999].userAgent(), "");
	/* Typically some 50 ms; the bound leaves room for a loaded machine. */
	EXPECT_LT(ms, 1000) << "parsing " << text.size() << " bytes took " << ms << " ms";
	RecordProperty("parse_ms", std::to_string(ms));

	/* And the writer's output of it parses to the same list. */
	M3uParseResult again = parseM3u(writeM3u(p));
	ASSERT_TRUE(again.ok());
	EXPECT_EQ(again.playlist(), p);
}

TEST(M3u, InputSizeLimit)
{
	M3uLimits limits;
	limits.maxInputBytes = 32;
	std::string text = "#EXTM3U\n#EXTINF:-1,A\nhttp://h/a\n";
	EXPECT_EQ(parseOk(text, limits).entries.size(), 1u);
	M3uDiagnostic e = parseError(text + "\n", limits);
	EXPECT_EQ(e.message, "input of 33 bytes is over the limit of 32 bytes");
	EXPECT_EQ(e.line, 0u);
}

TEST(M3u, EntryLimit)
{
	M3uLimits limits;
	limits.maxEntries = 2;
	std::string text = "#EXTM3U\n#EXTINF:-1,A\nhttp://h/a\n#EXTINF:-1,B\nhttp://h/b\n";
	EXPECT_EQ(parseOk(text, limits).entries.size(), 2u);
	M3uDiagnostic e = parseError(text + "#EXTINF:-1,C\nhttp://h/c\n", limits);
	EXPECT_EQ(e.text(), "line 7: more entries than the limit of 2");
}

TEST(M3u, LineLengthLimit)
{
	M3uLimits limits;
	limits.maxLineLength = 40;
	const std::string fits = "#EXTINF:-1 tvg-id=\"" + std::string(18, 'x') + "\",T";
	ASSERT_EQ(fits.size(), 40u);
	EXPECT_EQ(parseOk("#EXTM3U\n" + fits + "\nhttp://h/a\n", limits).entries.size(), 1u);
	M3uDiagnostic e = parseError("#EXTM3U\n" + fits + "x\nhttp://h/a\n", limits);
	EXPECT_EQ(e.text(), "line 2: line longer than the limit of 40 bytes");

	/* The default: 64 KiB. */
	std::string longLine = "#EXTINF:-1 tvg-logo=\"" + std::string(70000, 'a') + "\",T";
	e = parseError("#EXTM3U\r\n\r\n" + longLine + "\r\nhttp://h/a\r\n");
	EXPECT_EQ(e.text(), "line 3: line longer than the limit of 65536 bytes");
}

TEST(M3u, AttributeAndOptionLimits)
{
	M3uLimits limits;
	limits.maxAttributes = 2;
	limits.maxOptions = 1;
	M3uParseResult r = parseM3u("#EXTM3U\n"
				    "#EXTINF:-1 a=1 b=2 a=3 c=4 d=5,T\n"
				    "#EXTVLCOPT:x=1\n"
				    "#EXTVLCOPT:y=2\n"
				    "http://h/a\n",
				    limits);
	ASSERT_TRUE(r.ok());
	const M3uEntry &e = r.playlist().entries.at(0);
	EXPECT_EQ(e.attributes, (Attrs {{"a", "3"}, {"b", "2"}}));
	EXPECT_EQ(e.options.size(), 1u);
	EXPECT_EQ(warningTexts(r),
		  (std::vector<std::string> {
			  "line 2: attribute a repeated; the last value is kept",
			  "line 2: more attributes than the limit of 2; the rest are dropped",
			  "line 4: more option lines than the limit for one entry; dropped",
		  }));
}

TEST(M3u, ManyAttributesOnOneLineStayLinear)
{
	/* Past the linear scan, repeated names are still found. */
	std::string line = "#EXTINF:-1";
	for (int i = 0; i < 40; i++)
		line += " a" + std::to_string(i) + "=" + std::to_string(i);
	line += " A7=again a39=last,T";
	M3uLimits limits;
	limits.maxAttributes = 0;
	M3uParseResult r = parseM3u("#EXTM3U\n" + line + "\nhttp://h/a\n", limits);
	ASSERT_TRUE(r.ok());
	const M3uEntry &e = r.playlist().entries.at(0);
	ASSERT_EQ(e.attributes.size(), 40u);
	EXPECT_EQ(e.attributes[7], (M3uAttribute {"a7", "again"}));
	EXPECT_EQ(e.attributes[39], (M3uAttribute {"a39", "last"}));
	EXPECT_EQ(r.warnings.size(), 2u);
}

TEST(M3u, PathologicalQuotingStaysLinear)
{
	/*
	 * Every single quote here is an apostrophe that never closes, and the double quote never
	 * closes either: each must not rescan the rest of its line.
	 */
	std::string line = "#EXTINF:-1 x=\"";
	while (line.size() < 60000)
		line += " a='b'c";
	line += ",T";
	std::string text = "#EXTM3U\n";
	for (int i = 0; i < 100; i++)
		text += line + "\nhttp://h/" + std::to_string(i) + "\n";

	auto start = std::chrono::steady_clock::now();
	M3uParseResult r = parseM3u(text);
	auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
			  std::chrono::steady_clock::now() - start)
			  .count();
	ASSERT_TRUE(r.ok());
	ASSERT_EQ(r.playlist().entries.size(), 100u);
	EXPECT_EQ(r.playlist().entries[0].attribute("a"), "b'c");
	EXPECT_EQ(r.playlist().entries[0].title, "T");
	EXPECT_LT(ms, 1000) << "parsing " << text.size() << " bytes took " << ms << " ms";
}

TEST(M3u, WarningsAreCapped)
{
	M3uLimits limits;
	limits.maxWarnings = 3;
	std::string text = "#EXTM3U\n";
	for (int i = 0; i < 10; i++)
		text += "#EXTINF:-1,lost\n";
	M3uParseResult r = parseM3u(text, limits);
	ASSERT_TRUE(r.ok());
	EXPECT_TRUE(r.playlist().entries.empty());
	EXPECT_EQ(r.warnings.size(), 3u);
	EXPECT_EQ(r.droppedWarnings, 7u);
	EXPECT_EQ(r.warnings[0].text(), "line 2: #EXTINF without a URL dropped");

	/* Default cap. */
	text = "#EXTM3U\n";
	for (int i = 0; i < 500; i++)
		text += "#EXTINF:-1 tvg-id=\"same\",T\nhttp://h/" + std::to_string(i) + "\n";
	r = parseM3u(text);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(r.playlist().entries.size(), 500u);
	EXPECT_EQ(r.warnings.size(), 100u);
	EXPECT_EQ(r.droppedWarnings, 399u);
}

TEST(M3u, WriterOutput)
{
	M3uPlaylist p;
	p.attributes = {{"url-tvg", "http://epg/guide.xml"}, {"tvg-shift", "1"}};
	M3uEntry a;
	a.title = "BBC One, HD";
	a.url = "http://h/bbc1.ts";
	a.attributes
		= {{"tvg-id", "bbc1.uk"}, {"tvg-name", "BBC One"}, {"group-title", "UK, News"}};
	a.extGroup = "UK";
	a.options = {{M3uOption::Kind::VlcOpt, "http-user-agent", "Sluice/1"},
		     {M3uOption::Kind::KodiProp, "inputstream.adaptive.manifest_type", "hls"}};
	M3uEntry b;
	b.title = "Radio";
	b.url = "http://h/radio.mp3";
	b.duration = 0;
	p.entries = {a, b};

	EXPECT_EQ(writeM3u(p),
		  "#EXTM3U url-tvg=\"http://epg/guide.xml\" tvg-shift=\"1\"\n"
		  "#EXTINF:-1 tvg-id=\"bbc1.uk\" tvg-name=\"BBC One\" group-title=\"UK, News\",BBC "
		  "One, HD\n"
		  "#EXTGRP:UK\n"
		  "#EXTVLCOPT:http-user-agent=Sluice/1\n"
		  "#KODIPROP:inputstream.adaptive.manifest_type=hls\n"
		  "http://h/bbc1.ts\n"
		  "#EXTINF:0,Radio\n"
		  "http://h/radio.mp3\n");
	EXPECT_EQ(parseOk(writeM3u(p)), p);
	EXPECT_EQ(writeM3u(M3uPlaylist()), "#EXTM3U\n");
}

TEST(M3u, WriterSanitisesWhatWouldBreakALine)
{
	M3uPlaylist p;
	p.attributes = {{"x-tvg-url", "http://a\r\nhttp://b"}};
	M3uEntry e;
	e.title = "Two\nlines, \"quoted\"";
	e.url = "http://h/a\r\n";
	e.duration = 12.25;
	e.attributes = {{"tvg-name", "Say \"hi\""},
			{"tvg-logo", "http://l/a.png\n#EXTINF:-1,injected"},
			{"odd name=x,", "v"},
			{"", "dropped"}};
	e.extGroup = "G\r1";
	e.options = {{M3uOption::Kind::VlcOpt, "http-referrer", "http://r/\nhttp://evil/"}};
	M3uEntry noUrl;
	noUrl.title = "no URL";
	M3uEntry commentUrl;
	commentUrl.url = "#EXTINF:-1,x";
	M3uEntry nan;
	nan.title = "nan";
	nan.url = "http://h/nan";
	nan.duration = std::numeric_limits<double>::quiet_NaN();
	p.entries = {e, noUrl, commentUrl, nan};

	std::string text = writeM3u(p);
	EXPECT_EQ(text,
		  "#EXTM3U x-tvg-url=\"http://a  http://b\"\n"
		  "#EXTINF:12.25 tvg-name=\"Say 'hi'\" tvg-logo=\"http://l/a.png "
		  "#EXTINF:-1,injected\" "
		  "odd_name_x_=\"v\",Two lines, \"quoted\"\n"
		  "#EXTGRP:G 1\n"
		  "#EXTVLCOPT:http-referrer=http://r/ http://evil/\n"
		  "http://h/a\n"
		  "#EXTINF:-1,nan\n"
		  "http://h/nan\n");

	M3uPlaylist q = parseOk(text);
	EXPECT_EQ(q.attributes, (Attrs {{"x-tvg-url", "http://a  http://b"}}));
	ASSERT_EQ(q.entries.size(), 2u);
	EXPECT_EQ(q.entries[0].attributes,
		  (Attrs {{"tvg-name", "Say 'hi'"},
			  {"tvg-logo", "http://l/a.png #EXTINF:-1,injected"},
			  {"odd_name_x_", "v"}}));
	EXPECT_EQ(q.entries[0].title, "Two lines, \"quoted\"");
	EXPECT_EQ(q.entries[0].duration, 12.25);
	EXPECT_EQ(q.entries[0].referrer(), "http://r/ http://evil/");
	EXPECT_EQ(q.entries[1].duration, -1);
}

/* parse(write(parse(x))) == parse(x) for every list above that parses. */
TEST(M3u, RoundTrip)
{
	const std::vector<std::string> lists = {
		"#EXTM3U url-tvg=\"http://e/g.xml\" tvg-shift=-1.5 catchup=shift\n"
		"#EXTINF:-1 tvg-id=\"a\" tvg-name=\"A\" tvg-logo=\"http://l/a.png\" "
		"group-title=\"G, H\" "
		"catchup=\"append\" catchup-source=\"?utc={utc}\" catchup-days=\"3\",A, the first\n"
		"#EXTGRP:Other\n#EXTVLCOPT:http-user-agent=UA/"
		"1.0\n#KODIPROP:k=v=w\n#EXTVLCOPT:flag\n"
		"http://h/a?x=1&y=2\n"
		"#EXTINF:0 tvg-id='b' tvg-name='Rock'n'Roll',B\nhttp://h/b\n"
		"#EXTINF:10.5 tvg-chno=5,C\nrelative/c.ts\n"
		"http://h/bare\n"
		"#EXTINF:-1 TVG-ID=\"a\" radio=true tvg-id=\"d\",D\nhttp://h/d\n",
		"\xEF\xBB\xBF#EXTM3U\r\n#EXTINF:-1,\r\nhttp://h/x\r\n#EXTINF:-1 "
		"tvg-name=\"Y\"\rhttp://h/y\r",
		"#EXTINF:-1 tvg-id=\"nohead\",No header\nhttp://h/n\n",
		"#EXTM3U\n",
	};
	for (const std::string &text : lists) {
		M3uPlaylist p = parseOk(text);
		std::string written = writeM3u(p);
		M3uParseResult again = parseM3u(written);
		ASSERT_TRUE(again.ok()) << written;
		EXPECT_EQ(again.playlist(), p) << written;
		EXPECT_EQ(writeM3u(again.playlist()), written);
	}
}

TEST(M3u, DiagnosticText)
{
	EXPECT_EQ((M3uDiagnostic {"oops", 0}).text(), "oops");
	EXPECT_EQ((M3uDiagnostic {"oops", 12}).text(), "line 12: oops");
}
