/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * MPD reading: manifests as packagers write them, every refusal, xs:duration and xs:dateTime.
 */

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "mpdparse.h"

using namespace sluice;

namespace {

/* Parses and fails the test with the parser's message when that does not work. */
Mpd parsed(std::string_view xml)
{
	Mpd mpd;
	std::string error;
	EXPECT_TRUE(parseMpd(xml, mpd, error)) << error;
	EXPECT_EQ(error, "");
	return mpd;
}

std::string refusal(std::string_view xml)
{
	Mpd mpd;
	std::string error;
	EXPECT_FALSE(parseMpd(xml, mpd, error));
	return error;
}

constexpr std::string_view kStaticVod = R"(<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT1H2M3.5S"
     minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
  <Period id="1">
    <AdaptationSet mimeType="video/mp4" codecs="avc1.64001f" frameRate="25" lang="und">
      <Representation id="v1" bandwidth="800000" width="640" height="360">
        <BaseURL>v1.mp4</BaseURL>
        <SegmentBase indexRange="800-1000"><Initialization range="0-799"/></SegmentBase>
      </Representation>
      <Representation id="v2" bandwidth="2500000" width="1280" height="720"
                      codecs="avc1.640020" frameRate="50"/>
    </AdaptationSet>
    <AdaptationSet mimeType="audio/mp4" lang="fr">
      <Representation id="a1" codecs="mp4a.40.2" bandwidth="128000" audioSamplingRate="48000"/>
    </AdaptationSet>
    <AdaptationSet mimeType="application/mp4" codecs="stpp">
      <Representation id="t1" bandwidth="1000"/>
    </AdaptationSet>
  </Period>
</MPD>
)";

constexpr std::string_view kDynamicLive = R"(<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic"
     availabilityStartTime="1970-01-01T00:00:00Z" publishTime="2026-01-01T00:00:00Z"
     minimumUpdatePeriod="PT2S" timeShiftBufferDepth="PT1M" maxSegmentDuration="PT2S">
  <Period id="0" start="PT0S">
    <AdaptationSet contentType="video" mimeType="video/mp4" segmentAlignment="true"
                   width="1920" height="1080" frameRate="30000/1001" codecs="avc1.640028">
      <SegmentTemplate timescale="90000" media="v-$RepresentationID$-$Time$.m4s"
                       initialization="v-$RepresentationID$-init.mp4">
        <SegmentTimeline>
          <S t="0" d="180180" r="-1"/>
        </SegmentTimeline>
      </SegmentTemplate>
      <Representation id="1080p" bandwidth="6000000"/>
      <Representation id="540p" bandwidth="1500000" width="960" height="540"/>
    </AdaptationSet>
    <AdaptationSet contentType="audio" mimeType="audio/mp4" lang="en">
      <Representation id="aac" codecs="mp4a.40.2" bandwidth="96000"
                      audioSamplingRate="44100 48000"/>
    </AdaptationSet>
  </Period>
  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-iso:2014" value="https://time.example/"/>
</MPD>
)";

} /* namespace */

TEST(MpdParse, StaticVod)
{
	Mpd mpd = parsed(kStaticVod);
	EXPECT_FALSE(mpd.dynamic);
	EXPECT_DOUBLE_EQ(mpd.mediaPresentationDuration, 3723.5);
	EXPECT_EQ(mpd.availabilityStartTimeMs, 0);
	ASSERT_EQ(mpd.periods.size(), 1u);
	const MpdPeriod &p = mpd.periods[0];
	EXPECT_EQ(p.id, "1");
	EXPECT_EQ(p.start, 0); /* first period of a static MPD */
	EXPECT_EQ(p.duration, -1);
	ASSERT_EQ(p.adaptationSets.size(), 3u);

	const MpdAdaptationSet &video = p.adaptationSets[0];
	EXPECT_EQ(video.contentType, "video"); /* from mimeType */
	ASSERT_EQ(video.representations.size(), 2u);
	const MpdRepresentation &v1 = video.representations[0];
	EXPECT_EQ(v1.id, "v1");
	EXPECT_EQ(v1.mimeType, "video/mp4");
	EXPECT_EQ(v1.codecs, "avc1.64001f");
	EXPECT_EQ(v1.bandwidth, 800000u);
	EXPECT_EQ(v1.width, 640u);
	EXPECT_EQ(v1.height, 360u);
	EXPECT_DOUBLE_EQ(v1.frameRate, 25);
	EXPECT_EQ(v1.lang, "und");
	const MpdRepresentation &v2 = video.representations[1];
	EXPECT_EQ(v2.codecs, "avc1.640020");
	EXPECT_DOUBLE_EQ(v2.frameRate, 50);

	const MpdAdaptationSet &audio = p.adaptationSets[1];
	EXPECT_EQ(audio.contentType, "audio");
	EXPECT_EQ(audio.lang, "fr");
	EXPECT_EQ(audio.representations[0].audioSamplingRate, 48000u);
	EXPECT_EQ(audio.representations[0].lang, "fr");
	EXPECT_EQ(p.adaptationSets[2].contentType, "text");

	EXPECT_EQ(representationsOf(mpd, "video").size(), 2u);
	ASSERT_EQ(representationsOf(mpd, "audio").size(), 1u);
	EXPECT_EQ(representationsOf(mpd, "audio")[0]->id, "a1");
	EXPECT_EQ(representationsOf(mpd, "text").size(), 1u);
	EXPECT_EQ(representationsOf(mpd, "").size(), 4u);
	EXPECT_TRUE(representationsOf(mpd, "image").empty());
}

TEST(MpdParse, DynamicLiveWithSegmentTimeline)
{
	Mpd mpd = parsed(kDynamicLive);
	EXPECT_TRUE(mpd.dynamic);
	EXPECT_EQ(mpd.mediaPresentationDuration, 0);
	EXPECT_DOUBLE_EQ(mpd.minimumUpdatePeriod, 2);
	EXPECT_DOUBLE_EQ(mpd.timeShiftBufferDepth, 60);
	EXPECT_EQ(mpd.availabilityStartTimeMs, 0);
	ASSERT_EQ(mpd.periods.size(), 1u);
	EXPECT_EQ(mpd.periods[0].start, 0);

	auto video = representationsOf(mpd, "video");
	ASSERT_EQ(video.size(), 2u);
	/* Inherited from the AdaptationSet... */
	EXPECT_EQ(video[0]->width, 1920u);
	EXPECT_EQ(video[0]->height, 1080u);
	EXPECT_EQ(video[0]->codecs, "avc1.640028");
	EXPECT_EQ(video[0]->mimeType, "video/mp4");
	EXPECT_NEAR(video[0]->frameRate, 29.97003, 1e-5);
	/* ...unless the Representation says otherwise. */
	EXPECT_EQ(video[1]->width, 960u);
	EXPECT_EQ(video[1]->height, 540u);
	EXPECT_NEAR(video[1]->frameRate, 29.97003, 1e-5);

	auto audio = representationsOf(mpd, "audio");
	ASSERT_EQ(audio.size(), 1u);
	EXPECT_EQ(audio[0]->audioSamplingRate, 44100u); /* the first of a range */
	EXPECT_EQ(audio[0]->lang, "en");
	EXPECT_EQ(audio[0]->width, 0u);
}

TEST(MpdParse, MultiPeriod)
{
	Mpd mpd = parsed(R"(<MPD type="static" mediaPresentationDuration="PT90S">
  <Period id="ad" duration="PT30S">
    <AdaptationSet contentType="video"><Representation id="ad-v" bandwidth="1"/></AdaptationSet>
  </Period>
  <Period id="main" duration="PT1M">
    <AdaptationSet contentType="video"><Representation id="main-v" bandwidth="2"/></AdaptationSet>
  </Period>
  <Period id="post" start="PT100S"/>
  <Period id="tail"/>
</MPD>)");
	ASSERT_EQ(mpd.periods.size(), 4u);
	EXPECT_EQ(mpd.periods[0].start, 0);
	EXPECT_EQ(mpd.periods[0].duration, 30);
	EXPECT_EQ(mpd.periods[1].id, "main");
	EXPECT_EQ(mpd.periods[1].start, 30); /* previous start + duration */
	EXPECT_EQ(mpd.periods[2].start, 100);
	EXPECT_EQ(mpd.periods[3].start, -1); /* "post" has no duration */
	ASSERT_EQ(representationsOf(mpd, "video").size(), 1u);
	EXPECT_EQ(representationsOf(mpd, "video")[0]->id, "ad-v");

	/* A dynamic MPD's first period without start stays unknown. */
	Mpd live = parsed(R"(<MPD type="dynamic"><Period/></MPD>)");
	EXPECT_EQ(live.periods[0].start, -1);
}

TEST(MpdParse, NamespacePrefixes)
{
	Mpd mpd = parsed(R"(<?xml version="1.0"?>
<dash:MPD xmlns:dash="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013"
          xmlns:xlink="http://www.w3.org/1999/xlink" dash:type="dynamic">
  <dash:Period xlink:actuate="onLoad" id="p">
    <dash:AdaptationSet mimeType="audio/mp4">
      <dash:ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" cenc:default_KID="x"/>
      <dash:Representation id="a" bandwidth="64000"/>
    </dash:AdaptationSet>
  </dash:Period>
</dash:MPD>)");
	EXPECT_TRUE(mpd.dynamic);
	ASSERT_EQ(mpd.periods.size(), 1u);
	EXPECT_EQ(mpd.periods[0].id, "p");
	ASSERT_EQ(representationsOf(mpd, "audio").size(), 1u);
	EXPECT_EQ(representationsOf(mpd, "audio")[0]->bandwidth, 64000u);
}

TEST(MpdParse, EntitiesCommentsAndMarkup)
{
	Mpd mpd = parsed(
		"\xef\xbb\xbf<?xml version='1.0'?>\n"
		"<!-- <MPD type=\"dynamic\"> in a comment is not markup -->\n"
		"<?processing instruction?>\n"
		"<MPD type='static'>\n"
		"  <ProgramInformation><Title><![CDATA[ <Period> & co ]]></Title>"
		"<Copyright>&#169; &amp; &#xe9;</Copyright></ProgramInformation>\n"
		"  <Period id='a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;'>\n"
		"    <AdaptationSet lang=\"en\" mimeType='video/mp4' codecs=\"hvc1.1.6.L93.B0\">\n"
		"      <!-- a comment between elements -->\n"
		"      <Representation id = \"it's\" bandwidth=' 100 ' />\n"
		"    </AdaptationSet >\n"
		"  </Period>\n"
		"</MPD>\n<!-- trailing -->\n");
	ASSERT_EQ(mpd.periods.size(), 1u);
	EXPECT_EQ(mpd.periods[0].id, "a&b<>\"'AB\xf0\x9f\x98\x80");
	auto reps = representationsOf(mpd, "video");
	ASSERT_EQ(reps.size(), 1u);
	EXPECT_EQ(reps[0]->id, "it's");
	EXPECT_EQ(reps[0]->bandwidth, 100u);
	EXPECT_EQ(reps[0]->codecs, "hvc1.1.6.L93.B0");
}

TEST(MpdParse, ContentTypeDerivation)
{
	Mpd mpd = parsed(R"(<MPD><Period>
  <AdaptationSet><ContentComponent contentType="video"/><Representation mimeType="audio/mp4"/></AdaptationSet>
  <AdaptationSet><Representation mimeType="audio/mp4" codecs="opus"/></AdaptationSet>
  <AdaptationSet mimeType="application/ttml+xml"/>
  <AdaptationSet mimeType="image/jpeg"/>
  <AdaptationSet mimeType="application/octet-stream"/>
</Period></MPD>)");
	const auto &sets = mpd.periods[0].adaptationSets;
	ASSERT_EQ(sets.size(), 5u);
	EXPECT_EQ(sets[0].contentType, "video");
	EXPECT_EQ(sets[1].contentType, "audio");
	EXPECT_EQ(sets[2].contentType, "text");
	EXPECT_EQ(sets[3].contentType, "image");
	EXPECT_EQ(sets[4].contentType, "");
}

TEST(MpdParse, NotXml)
{
	EXPECT_EQ(refusal(""), "not XML: no root element (line 1)");
	EXPECT_EQ(refusal("#EXTM3U\n#EXT-X-VERSION:3\n"),
		  "not XML: text before the root element (line 1)");
	EXPECT_EQ(refusal("<?xml version=\"1.0\"?>\n<!DOCTYPE MPD [<!ENTITY a \"b\">]><MPD/>"),
		  "not XML: DOCTYPE declarations are not accepted (line 2)");
	EXPECT_EQ(refusal("<!-- open"), "not XML: unterminated comment (line 1)");
	EXPECT_EQ(refusal("<?xml "), "not XML: unterminated processing instruction (line 1)");
	EXPECT_EQ(refusal("< MPD>"), "not XML: malformed start tag (line 1)");
	EXPECT_EQ(refusal("\x01\x02\x03"), "not XML: text before the root element (line 1)");
}

TEST(MpdParse, MalformedXml)
{
	EXPECT_EQ(refusal("<MPD><Period></MPD>"),
		  "malformed XML: end tag </MPD> does not match <Period> (line 1)");
	EXPECT_EQ(refusal("<MPD>\n<Period>"),
		  "malformed XML: document ends inside <Period> (line 2)");
	EXPECT_EQ(refusal("<MPD><Period/></MPD><MPD/>"),
		  "malformed XML: second root element <MPD> (line 1)");
	EXPECT_EQ(refusal("<MPD><Period/></MPD>trailing"),
		  "malformed XML: text after the root element (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id=\"&nbsp;\"/></MPD>"),
		  "malformed XML: unknown entity &nbsp; in attribute id (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id=\"&#0;\"/></MPD>"),
		  "malformed XML: invalid character reference &#0; in attribute id (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id=\"&#xD800;\"/></MPD>"),
		  "malformed XML: invalid character reference &#xD800; in attribute id (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id=\"a&b\"/></MPD>"),
		  "malformed XML: unterminated entity reference in attribute id (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id=p/></MPD>"),
		  "malformed XML: attribute id value is not quoted (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id/></MPD>"),
		  "malformed XML: attribute id has no value (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id=\"a\"start=\"PT0S\"/></MPD>"),
		  "malformed XML: malformed attribute in <Period> (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id=\"a</MPD>"),
		  "malformed XML: unterminated value of attribute id (line 1)");
	EXPECT_EQ(refusal("<MPD><Period id=\"<\"/></MPD>"),
		  "malformed XML: '<' in an attribute value in attribute id (line 1)");
	EXPECT_EQ(refusal("<MPD><Period"),
		  "malformed XML: unterminated start tag <Period> (line 1)");
	EXPECT_EQ(refusal("<MPD></>"), "malformed XML: malformed end tag (line 1)");
	EXPECT_EQ(refusal("<MPD><![CDATA[x</MPD>"),
		  "malformed XML: unterminated CDATA section (line 1)");
}

TEST(MpdParse, NotDash)
{
	EXPECT_EQ(refusal("<?xml version=\"1.0\"?><html><body/></html>"),
		  "not a DASH manifest: root element is <html>");
	EXPECT_EQ(refusal("<SmoothStreamingMedia MajorVersion=\"2\"/>"),
		  "not a DASH manifest: root element is <SmoothStreamingMedia>");
	EXPECT_EQ(refusal("<x:MPDX/>"), "not a DASH manifest: root element is <x:MPDX>");
}

TEST(MpdParse, NoPeriod)
{
	EXPECT_EQ(refusal("<MPD type=\"static\"/>"), "no Period in MPD");
	/* A Period anywhere but under the root does not count. */
	EXPECT_EQ(refusal("<MPD><Extension><Period/></Extension></MPD>"), "no Period in MPD");
}

TEST(MpdParse, MisplacedElementsAreSkipped)
{
	/* Fuzzer find: a Representation under an AdaptationSet under a non-Period. */
	Mpd mpd = parsed("<MPD><Period/><Periodo><AdaptationSet><Representation/>"
			 "<ContentComponent/></AdaptationSet></Periodo>"
			 "<AdaptationSet><Representation/></AdaptationSet></MPD>");
	ASSERT_EQ(mpd.periods.size(), 1u);
	EXPECT_TRUE(mpd.periods[0].adaptationSets.empty());
}

TEST(MpdParse, BadAttributes)
{
	EXPECT_EQ(refusal("<MPD mediaPresentationDuration=\"1h\"><Period/></MPD>"),
		  "bad xs:duration in MPD@mediaPresentationDuration: '1h' (line 1)");
	EXPECT_EQ(refusal("<MPD minimumUpdatePeriod=\"P\"><Period/></MPD>"),
		  "bad xs:duration in MPD@minimumUpdatePeriod: 'P' (line 1)");
	EXPECT_EQ(refusal("<MPD>\n<Period start=\"-PT1S\"/></MPD>"),
		  "bad xs:duration in Period@start: '-PT1S' (line 2)");
	EXPECT_EQ(refusal("<MPD><Period duration=\"PT1.5M\"/></MPD>"),
		  "bad xs:duration in Period@duration: 'PT1.5M' (line 1)");
	EXPECT_EQ(refusal("<MPD availabilityStartTime=\"yesterday\"><Period/></MPD>"),
		  "bad xs:dateTime in MPD@availabilityStartTime: 'yesterday' (line 1)");
	EXPECT_EQ(refusal("<MPD type=\"live\"><Period/></MPD>"),
		  "bad presentation type in MPD@type: 'live' (line 1)");
	EXPECT_EQ(refusal("<MPD><Period><AdaptationSet><Representation bandwidth=\"fast\"/>"
			  "</AdaptationSet></Period></MPD>"),
		  "bad number in Representation@bandwidth: 'fast' (line 1)");
	EXPECT_EQ(refusal("<MPD><Period><AdaptationSet><Representation width=\"99999999999\"/>"
			  "</AdaptationSet></Period></MPD>"),
		  "bad number in Representation@width: '99999999999' (line 1)");
	EXPECT_EQ(refusal("<MPD><Period><AdaptationSet height=\"-1\"/></Period></MPD>"),
		  "bad number in AdaptationSet@height: '-1' (line 1)");
	EXPECT_EQ(refusal("<MPD><Period><AdaptationSet frameRate=\"30/0\"/></Period></MPD>"),
		  "bad frame rate in AdaptationSet@frameRate: '30/0' (line 1)");
	EXPECT_EQ(refusal("<MPD><Period><AdaptationSet><Representation frameRate=\"inf\"/>"
			  "</AdaptationSet></Period></MPD>"),
		  "bad frame rate in Representation@frameRate: 'inf' (line 1)");
	EXPECT_EQ(refusal("<MPD><Period><AdaptationSet><Representation audioSamplingRate=\"\"/>"
			  "</AdaptationSet></Period></MPD>"),
		  "bad number in Representation@audioSamplingRate: '' (line 1)");
}

TEST(MpdParse, Limits)
{
	std::string big = "<MPD><Period/>";
	big.append(kMpdMaxBytes, ' ');
	big += "</MPD>";
	EXPECT_EQ(refusal(big), "manifest too large: 8388628 bytes, limit 8388608");

	std::string deep = "<MPD><Period>";
	for (int i = 0; i < 62; i++)
		deep += "<a>";
	EXPECT_EQ(refusal(deep + "<b/>"),
		  "malformed XML: elements nested deeper than 64 levels (line 1)");
	/* 64 levels are fine: the error is about the document ending, not its depth. */
	EXPECT_EQ(refusal(deep), "malformed XML: document ends inside <a> (line 1)");

	std::string many = "<MPD><Period/>";
	for (size_t i = 0; i < kMpdMaxElements - 2; i++)
		many += "<x/>";
	EXPECT_TRUE(parsed(many + "</MPD>").periods.size() == 1);
	EXPECT_EQ(refusal(many + "<x/></MPD>"),
		  "malformed XML: more than 200000 elements (line 1)");
}

TEST(MpdParse, XsDuration)
{
	struct Case {
		std::string_view text;
		bool ok;
		double seconds;
	};
	const Case cases[] = {
		{"PT0S", true, 0},
		{"PT2S", true, 2},
		{"PT9.819S", true, 9.819},
		{"PT0.5S", true, 0.5},
		{"PT1M", true, 60},
		{"PT1H", true, 3600},
		{"PT1H2M3.25S", true, 3723.25},
		{"P1D", true, 86400},
		{"P1DT1S", true, 86401},
		{"P0Y0M0DT0H3M30.000S", true, 210},
		{"P1Y", true, 365 * 86400.0}, /* approximated, as dash.js does */
		{"P2M", true, 60 * 86400.0},
		{"PT36H", true, 129600},
		{"PT100M", true, 6000},
		{" PT1S\n", true, 1},
		{"PT1.S", true, 1},
		{"", false, 0},
		{"P", false, 0},
		{"PT", false, 0},
		{"P1DT", false, 0},
		{"T1S", false, 0},
		{"1S", false, 0},
		{"-PT1S", false, 0},
		{"+PT1S", false, 0},
		{"PT1.5M", false, 0},
		{"P1.5D", false, 0},
		{"PT.5S", false, 0},
		{"PT1S2M", false, 0},
		{"PT1M1M", false, 0},
		{"P1H", false, 0},
		{"PT1D", false, 0},
		{"PT1TS", false, 0},
		{"PTS", false, 0},
		{"PT1", false, 0},
		{"PT1e3S", false, 0},
		{"PT1 S", false, 0},
		{"pt1s", false, 0},
		{"P1W", false, 0},
	};
	for (const Case &c : cases) {
		bool ok = !c.ok;
		double seconds = parseXsDuration(c.text, ok);
		EXPECT_EQ(ok, c.ok) << c.text;
		EXPECT_DOUBLE_EQ(seconds, c.seconds) << c.text;
	}
	bool ok = false;
	EXPECT_EQ(parseXsDuration("PT" + std::string(400, '9') + "S", ok), 0);
	EXPECT_FALSE(ok);
}

TEST(MpdParse, XsDateTime)
{
	struct Case {
		std::string_view text;
		bool ok;
		int64_t ms;
	};
	const Case cases[] = {
		{"1970-01-01T00:00:00Z", true, 0},
		{"2026-11-21T06:12:30.123Z", true, 1795241550123},
		{"2026-11-21T06:12:30Z", true, 1795241550000},
		{"2026-11-21T06:12:30", true, 1795241550000}, /* no zone: UTC */
		{"2026-11-21T06:12Z", true, 1795241520000},
		{"2026-11-21T11:42:30.123+05:30", true, 1795241550123},
		{"2026-11-21T01:12:30.123-0500", true, 1795241550123},
		{"2026-11-21T06:12:30.1239999Z", true, 1795241550123}, /* truncated */
		{"2026-11-21T06:12:30.5Z", true, 1795241550500},
		{"2000-02-29T00:00:00Z", true, 951782400000},
		{"1969-12-31T23:59:59Z", true, -1000},
		{"2016-12-31T23:59:60Z", true, 1483228800000}, /* leap second */
		{" 1970-01-01T00:00:01Z ", true, 1000},
		{"", false, 0},
		{"2026-11-21", false, 0},
		{"2026-11-21 06:12:30Z", false, 0},
		{"2026-13-01T00:00:00Z", false, 0},
		{"2026-00-01T00:00:00Z", false, 0},
		{"2026-02-29T00:00:00Z", false, 0},
		{"1900-02-29T00:00:00Z", false, 0},
		{"2026-04-31T00:00:00Z", false, 0},
		{"2026-01-01T24:00:00Z", false, 0},
		{"2026-01-01T00:60:00Z", false, 0},
		{"2026-01-01T00:00:61Z", false, 0},
		{"2026-01-01T00:00:00.Z", false, 0},
		{"2026-01-01T00:00:00+15:00", false, 0},
		{"2026-01-01T00:00:00+05", false, 0},
		{"2026-01-01T00:00:00ZZ", false, 0},
		{"26-01-01T00:00:00Z", false, 0},
		{"2026-1-01T00:00:00Z", false, 0},
	};
	for (const Case &c : cases) {
		bool ok = !c.ok;
		int64_t ms = parseXsDateTime(c.text, ok);
		EXPECT_EQ(ok, c.ok) << c.text;
		EXPECT_EQ(ms, c.ms) << c.text;
	}
	Mpd mpd = parsed("<MPD availabilityStartTime=\"2026-11-21T06:12:30.123Z\"><Period/></MPD>");
	EXPECT_EQ(mpd.availabilityStartTimeMs, 1795241550123);
}

/* Whatever Sluice's own DASH writer emits, Sluice must read back. */
TEST(MpdParse, GoldenManifests)
{
	const char *dir = std::getenv("SLUICE_GOLDEN_DIR");
	if (!dir)
		GTEST_SKIP() << "SLUICE_GOLDEN_DIR is not set; run through meson test";
	size_t count = 0;
	for (const auto &entry :
	     std::filesystem::directory_iterator(std::filesystem::path(dir) / "manifests")) {
		if (entry.path().extension() != ".mpd")
			continue;
		SCOPED_TRACE(entry.path().filename().string());
		std::ifstream in(entry.path(), std::ios::binary);
		std::string xml((std::istreambuf_iterator<char>(in)), {});
		Mpd mpd = parsed(xml);
		ASSERT_FALSE(mpd.periods.empty());
		EXPECT_GE(mpd.periods[0].start, 0);
		auto all = representationsOf(mpd, {});
		ASSERT_FALSE(all.empty());
		for (const MpdRepresentation *r : all) {
			EXPECT_FALSE(r->id.empty());
			EXPECT_FALSE(r->codecs.empty());
			EXPECT_GT(r->bandwidth, 0u);
		}
		for (const MpdRepresentation *r : representationsOf(mpd, "video")) {
			EXPECT_GT(r->width, 0u);
			EXPECT_GT(r->frameRate, 0);
		}
		for (const MpdRepresentation *r : representationsOf(mpd, "audio"))
			EXPECT_GT(r->audioSamplingRate, 0u);
		if (mpd.dynamic)
			EXPECT_GT(mpd.availabilityStartTimeMs, 0);
		else
			EXPECT_GT(mpd.mediaPresentationDuration, 0);
		count++;
	}
	EXPECT_GE(count, 1u);
}
