/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What players see: /proxy/{proxy}.m3u, /live/{proxy}/{channel}, and the delivery explain
 * endpoint, on the demo setup (sluiced --demo).
 */

#include <regex>

#include <gtest/gtest.h>

#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr char kVlc[] = "VLC/3.0.20 LibVLC/3.0.20";
constexpr char kSafari[] = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
			   "(KHTML, like Gecko) Version/17.2 Safari/605.1.15";
constexpr char kChrome[] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
			   "Gecko) Chrome/120.0.0.0 Safari/537.36";

class ApiStreams : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		ASSERT_TRUE(sluiced_->start(dir_->file("state"), "", {"--demo"}))
			<< sluiced_->output();
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
	}

	std::string url(const std::string &path) const { return sluiced_->base() + path; }
	Json explain(const std::string &query,
		     const std::vector<std::pair<std::string, std::string>> &headers = {})
	{
		Reply reply = http_.get(url("/api/v1/delivery/explain?" + query), headers);
		EXPECT_EQ(reply.status, 200u) << reply.body;
		return Json(reply.body);
	}

	static TempDir *dir_;
	static Sluiced *sluiced_;
	Http http_;
};

TempDir *ApiStreams::dir_ = nullptr;
Sluiced *ApiStreams::sluiced_ = nullptr;

std::vector<std::string> streamUrls(const std::string &list)
{
	std::vector<std::string> urls;
	std::regex line(R"((?:^|\n)(https?://[^\n]+))");
	for (auto it = std::sregex_iterator(list.begin(), list.end(), line);
	     it != std::sregex_iterator(); ++it)
		urls.push_back((*it)[1].str());
	return urls;
}

TEST_F(ApiStreams, DemoIsSeeded)
{
	EXPECT_NE(sluiced_->output().find("/proxy/demo.m3u"), std::string::npos);
	Json sources(http_.get(url("/api/v1/sources")).body);
	ASSERT_EQ(sources.size("$"), 1u);
	EXPECT_EQ(sources.str("$[0].name"), "Demo");
	EXPECT_GE(sources.num("$[0].channel_count"), 4);
	Json proxies(http_.get(url("/api/v1/proxies")).body);
	ASSERT_EQ(proxies.size("$"), 2u);
	EXPECT_EQ(proxies.str("$[0].name"), "demo");
	EXPECT_EQ(proxies.str("$[0].proxy_mode"), "smart");
	EXPECT_EQ(proxies.str("$[1].name"), "direct");
	EXPECT_EQ(proxies.str("$[1].proxy_mode"), "direct");
	/* The test patterns recorded once into clips played in a loop (SLUICE_DEMO_MEDIA). */
	Json channels(http_.get(url("/api/v1/channels")).body);
	for (size_t i = 0; i < channels.size("$"); i++) {
		std::string path = "$[" + std::to_string(i) + "].stream_url";
		const std::string stream = channels.str(path.c_str());
		EXPECT_TRUE(stream.starts_with("file:///") && stream.ends_with(".mkv?loop=1"))
			<< stream;
	}
}

TEST_F(ApiStreams, PlaylistUsesHostHeader)
{
	Reply reply = http_.get(url("/proxy/demo.m3u"), {{"Host", "tv.example:8080"}});
	ASSERT_EQ(reply.status, 200u) << reply.body;
	EXPECT_EQ(reply.header("Content-Type"), "audio/x-mpegurl");
	EXPECT_TRUE(reply.body.starts_with("#EXTM3U\n")) << reply.body;
	EXPECT_NE(reply.body.find("tvg-id=\"demo.smpte\""), std::string::npos) << reply.body;
	EXPECT_NE(reply.body.find("tvg-name=\"SMPTE H.264\""), std::string::npos);
	EXPECT_NE(reply.body.find("group-title=\"Demo\""), std::string::npos);
	EXPECT_NE(reply.body.find("tvg-chno=\"1\""), std::string::npos);
	Json channels(http_.get(url("/api/v1/channels")).body);
	std::vector<std::string> urls = streamUrls(reply.body);
	ASSERT_EQ(urls.size(), channels.size("$"));
	EXPECT_EQ(urls[0],
		  "http://tv.example:8080/live/demo/" + std::to_string(channels.num("$[0].id")));
	/* Case-insensitive proxy names. */
	EXPECT_EQ(http_.get(url("/proxy/DEMO.m3u")).status, 200u);
}

TEST_F(ApiStreams, PlaylistHonoursForwardedHeaders)
{
	Reply reply = http_.get(url("/proxy/direct.m3u"),
				{{"X-Forwarded-Proto", "https, http"},
				 {"X-Forwarded-Host", "tv.example.net, 10.0.0.2:8080"},
				 {"Host", "10.0.0.2:8080"}});
	ASSERT_EQ(reply.status, 200u);
	std::vector<std::string> urls = streamUrls(reply.body);
	ASSERT_FALSE(urls.empty()) << reply.body;
	for (const std::string &u : urls)
		EXPECT_TRUE(u.starts_with("https://tv.example.net/live/direct/")) << u;

	/* Without Host (HTTP/1.0), the listen address. */
	std::string raw = rawRequest(sluiced_->port(), "GET /proxy/demo.m3u HTTP/1.0\r\n\r\n");
	EXPECT_NE(raw.find("\n" + sluiced_->base() + "/live/demo/"), std::string::npos) << raw;
	/* A forwarded host that could break out of the URL is not used. */
	Reply bad = http_.get(url("/proxy/demo.m3u"), {{"X-Forwarded-Host", "evil/\"x"}});
	EXPECT_EQ(bad.body.find("evil"), std::string::npos);
}

TEST_F(ApiStreams, PlaylistRenumbersAndKeepsCatchup)
{
	Json channel(http_.postJson(url("/api/v1/channels"),
				    R"({"name":"Archive","number":9,"tvg_id":"arch.tv",
					"logo":"http://logo/a.png","group":"Replay",
					"stream_url":"http://up.example/archive.ts",
					"extra_attributes":{"catchup":"default","catchup-days":"7"}})")
			     .body);
	Json channels(http_.get(url("/api/v1/channels?source_id=1")).body);
	const std::string ids = "[" + std::to_string(channel.num("$.id")) + ","
		+ std::to_string(channels.num("$[0].id")) + "]";
	Reply proxy = http_.postJson(url("/api/v1/proxies"),
				     R"({"name":"numbered","proxy_mode":"direct","first_number":101,
					 "channel_ids":)"
					     + ids + "}");
	ASSERT_EQ(proxy.status, 201u) << proxy.body;
	Reply reply = http_.get(url("/proxy/numbered.m3u"));
	ASSERT_EQ(reply.status, 200u);
	const std::string &list = reply.body;
	const size_t archive = list.find(",Archive\n");
	ASSERT_NE(archive, std::string::npos) << list;
	const std::string first = list.substr(0, archive);
	EXPECT_NE(first.find("tvg-chno=\"101\""), std::string::npos) << list;
	EXPECT_NE(first.find("tvg-logo=\"http://logo/a.png\""), std::string::npos);
	EXPECT_NE(first.find("group-title=\"Replay\""), std::string::npos);
	EXPECT_NE(first.find("catchup=\"default\""), std::string::npos);
	EXPECT_NE(first.find("catchup-days=\"7\""), std::string::npos);
	EXPECT_NE(list.find("tvg-chno=\"102\""), std::string::npos);
	EXPECT_EQ(list.find("tvg-chno=\"9\""), std::string::npos);
	EXPECT_EQ(streamUrls(list).size(), 2u);
}

TEST_F(ApiStreams, LiveDirectRedirects)
{
	Json channels(http_.get(url("/api/v1/channels?source_id=1")).body);
	const std::string id = std::to_string(channels.num("$[0].id"));
	for (const char *suffix : {"", ".m3u8", ".mpd", ".ts"}) {
		Reply reply = http_.get(url("/live/direct/" + id + suffix));
		EXPECT_EQ(reply.status, 302u) << suffix;
		EXPECT_EQ(reply.header("Location"), channels.str("$[0].stream_url")) << suffix;
		Reply head = http_.request("HEAD", url("/live/direct/" + id + suffix));
		EXPECT_EQ(head.status, 302u) << suffix;
	}
	EXPECT_EQ(http_.get(url("/live/direct/" + id + ".mp4")).status, 404u);
	EXPECT_EQ(http_.get(url("/live/direct/999999")).status, 404u);
	EXPECT_EQ(http_.get(url("/live/nobody/" + id)).status, 404u);
}

TEST_F(ApiStreams, LiveSmartNegotiatesAndProbes)
{
	/* What answers at once: tests/daemon/engine plays the streams. */
	Json channels(http_.get(url("/api/v1/channels?source_id=1")).body);
	const std::string id = std::to_string(channels.num("$[0].id"));
	Reply negotiated = http_.get(url("/live/demo/" + id));
	EXPECT_EQ(negotiated.status, 302u);
	EXPECT_TRUE(negotiated.header("Location").ends_with("/live/demo/" + id + ".m3u8"))
		<< negotiated.header("Location");
	/* Jellyfin probes continuous TS with HEAD. */
	Reply head = http_.request("HEAD", url("/live/demo/" + id + ".ts"));
	EXPECT_EQ(head.status, 200u);
	EXPECT_EQ(head.header("Content-Type"), "video/MP2T");
	EXPECT_TRUE(head.body.empty());
	/* HLS over MPEG-TS segments: a v3 playlist (tests/daemon/engine/test_engine_hlsts.cpp
	 * plays it), or 503 when the source cannot start here. */
	Reply legacy = http_.get(url("/live/demo/" + id + ".m3u8?format=ts"));
	EXPECT_TRUE(legacy.status == 200u || legacy.status == 503u) << legacy.status;
	if (legacy.status == 200u) {
		EXPECT_NE(legacy.body.find("#EXT-X-VERSION:3\n"), std::string::npos) << legacy.body;
	}
	EXPECT_EQ(legacy.header("X-Sluice-Container"), "mpegts");
	EXPECT_EQ(http_.get(url("/live/demo/" + id + "/x.txt")).status, 404u);
}

TEST_F(ApiStreams, ExplainForClients)
{
	/* An HTTP MPEG-TS channel in a smart proxy with the default profile. */
	Json ts(http_.postJson(url("/api/v1/channels"),
			       R"({"name":"TS","stream_url":"http://up.example/live/1.ts"})")
			.body);
	const std::string tsId = std::to_string(ts.num("$.id"));
	/* A test:// URI says its codecs: explain knows them without running the channel. */
	Json h264(http_.postJson(url("/api/v1/channels"),
				 R"({"name":"H264","stream_url":"test://smpte?codec=h264"})")
			  .body);
	const std::string h264Id = std::to_string(h264.num("$.id"));
	Json demo(http_.get(url("/api/v1/channels?source_id=1")).body);
	const std::string demoId = std::to_string(demo.num("$[0].id"));
	Reply proxy = http_.postJson(url("/api/v1/proxies"),
				     R"({"name":"explained","channel_ids":[)" + tsId + "," + h264Id
					     + "]}");
	ASSERT_EQ(proxy.status, 201u) << proxy.body;

	Json vlc = explain("proxy=explained&channel=" + tsId, {{"User-Agent", kVlc}});
	EXPECT_EQ(vlc.str("$.mode"), "smart");
	EXPECT_EQ(vlc.str("$.client"), "vlc");
	EXPECT_EQ(vlc.str("$.format"), "ts");
	EXPECT_EQ(vlc.str("$.container"), "mpegts");
	EXPECT_EQ(vlc.str("$.delivery"), "passthrough");
	EXPECT_FALSE(vlc.boolean("$.transcode_video"));
	EXPECT_EQ(vlc.str("$.video_codec"), "copy");
	EXPECT_GE(vlc.size("$.reasons"), 2u);

	/* The query overrides the caller's User-Agent. */
	g_autofree char *safariAgent = g_uri_escape_string(kSafari, nullptr, FALSE);
	Json safari = explain("proxy=explained&channel=" + tsId + "&user_agent=" + safariAgent,
			      {{"User-Agent", kVlc}});
	EXPECT_EQ(safari.str("$.client"), "apple");
	EXPECT_EQ(safari.str("$.format"), "hls-fmp4");
	EXPECT_EQ(safari.str("$.container"), "fmp4");
	EXPECT_EQ(safari.str("$.delivery"), "repackage");

	Json forced = explain("proxy=explained&channel=" + tsId + "&format=ts",
			      {{"User-Agent", kSafari}});
	EXPECT_EQ(forced.str("$.container"), "mpegts");

	/* A test:// H.264 source and a VP9 profile: transcoded for a client that plays VP9. */
	Reply vp9 = http_.postJson(
		url("/api/v1/profiles"),
		R"({"name":"Web VP9","video_codec":"libvpx-vp9","audio_codec":"opus"})");
	ASSERT_EQ(vp9.status, 201u) << vp9.body;
	ASSERT_EQ(
		http_.putJson(
			     url("/api/v1/proxies/" + std::to_string(Json(proxy.body).num("$.id"))),
			     R"({"profile_id":)" + std::to_string(Json(vp9.body).num("$.id")) + "}")
			.status,
		200u);
	Json chrome = explain("proxy=explained&channel=" + h264Id + "&path=.mpd",
			      {{"User-Agent", kChrome}});
	EXPECT_EQ(chrome.str("$.format"), "dash");
	EXPECT_EQ(chrome.str("$.container"), "fmp4");
	EXPECT_EQ(chrome.str("$.delivery"), "transcode");
	EXPECT_TRUE(chrome.boolean("$.transcode_video"));
	EXPECT_EQ(chrome.str("$.video_codec"), "vp9");
	EXPECT_EQ(chrome.str("$.audio_codec"), "opus");
	EXPECT_EQ(chrome.str("$.source.video_codec"), "h264");

	/* Continuous MPEG-TS cannot carry VP9: the answer says why instead of a decision. */
	Json tsVp9 = explain("proxy=explained&channel=" + h264Id + "&path=/live/explained/1.ts",
			     {{"User-Agent", kVlc}});
	EXPECT_EQ(tsVp9.str("$.error.code"), "codec_requires_fmp4");
	EXPECT_FALSE(tsVp9.has("$.delivery"));

	Json direct = explain("proxy=direct&channel=" + demoId);
	EXPECT_EQ(direct.str("$.mode"), "direct");
	EXPECT_EQ(direct.size("$.reasons"), 1u);

	EXPECT_EQ(http_.get(url("/api/v1/delivery/explain?channel=1")).status, 400u);
	EXPECT_EQ(http_.get(url("/api/v1/delivery/explain?proxy=demo")).status, 400u);
	EXPECT_EQ(http_.get(url("/api/v1/delivery/explain?proxy=nobody&channel=1")).status, 404u);
	EXPECT_EQ(http_.get(url("/api/v1/delivery/explain?proxy=demo&channel=999999")).status,
		  404u);
}

TEST(ApiPublicUrl, PlaylistUsesIt)
{
	TempDir dir;
	Sluiced sluiced;
	ASSERT_TRUE(sluiced.start(dir.file("state"),
				  "[server]\npublic_url = https://tv.example.org/sluice\n",
				  {"--demo"}))
		<< sluiced.output();
	Http http;
	Reply reply = http.get(sluiced.base() + "/proxy/demo.m3u",
			       {{"X-Forwarded-Host", "other.example"}});
	std::vector<std::string> urls = streamUrls(reply.body);
	ASSERT_FALSE(urls.empty()) << reply.body;
	EXPECT_TRUE(urls[0].starts_with("https://tv.example.org/sluice/live/demo/")) << urls[0];
	EXPECT_EQ(sluiced.stop(), 0);
}

} /* namespace */
