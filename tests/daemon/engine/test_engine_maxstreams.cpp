/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A source's max_streams against a real sluiced: a source allowing one stream and two test://
 * channels; the second channel answers 503 source_busy while the first plays, and plays once
 * the first idles out. And a channel no one watches whose source fails gives its slot back at
 * once, not at its idle timeout.
 */

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "pacedtsserver.h"
#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr int kIdleS = 2;

constexpr char kList[] = "#EXTM3U\n"
			 "#EXTINF:-1,Bars One\n"
			 "test://smpte?codec=h264&audio=aac&width=320&height=240&fps=25\n"
			 "#EXTINF:-1,Bars Two\n"
			 "test://ball?codec=h264&audio=aac&width=320&height=240&fps=25\n";

TEST(EngineMaxStreams, SourceLimitIsRespected)
{
	TempDir dir;
	Sluiced sluiced;
	const std::string config = "[live]\nchannel_idle_timeout=" + std::to_string(kIdleS)
		+ "\nsegment_duration=1\n";
	ASSERT_TRUE(sluiced.start(dir.file("state"), config, {}, {})) << sluiced.output();
	const std::string api = sluiced.base() + "/api/v1";
	Http http;

	g_autofree char *escaped = g_strescape(kList, nullptr);
	Reply created = http.postJson(api + "/sources",
				      std::string(R"({"name":"Limited","m3u":")") + escaped
					      + R"(","max_streams":1})");
	ASSERT_EQ(created.status, 201u) << created.body;
	Json source(created.body);
	EXPECT_EQ(source.num("$.max_streams"), 1);
	Json channels(
		http.get(api + "/channels?source_id=" + std::to_string(source.num("$.id"))).body);
	ASSERT_EQ(channels.size("$"), 2u);
	const std::string one = std::to_string(channels.num("$[0].id"));
	const std::string two = std::to_string(channels.num("$[1].id"));
	ASSERT_EQ(channels.str("$[0].name"), "Bars One");
	Reply proxy = http.postJson(api + "/proxies",
				    R"({"name":"smart","channel_ids":[)" + one + "," + two + "]}");
	ASSERT_EQ(proxy.status, 201u) << proxy.body;
	const std::string live = sluiced.base() + "/live/smart/";

	Reply first = http.get(live + one + ".m3u8");
	ASSERT_EQ(first.status, 200u) << first.body << sluiced.output();

	/* The second channel would be a second upstream connection: refused, with a reason. */
	Reply busy = http.get(live + two + ".m3u8");
	ASSERT_EQ(busy.status, 503u) << busy.body;
	Json error(busy.body);
	EXPECT_EQ(error.str("$.error.code"), "source_busy");
	const std::string message = error.str("$.error.message");
	EXPECT_NE(message.find("source \"Limited\" allows 1 concurrent streams"), std::string::npos)
		<< message;
	EXPECT_NE(message.find("Bars One"), std::string::npos) << message;
	EXPECT_EQ(busy.header("Retry-After"), "10");
	EXPECT_EQ(busy.header("Access-Control-Allow-Origin"), "*");
	/* Its media playlists, which would start it too, as well as the DASH URL. */
	EXPECT_EQ(http.get(live + two + "/video_0.m3u8").status, 503u);
	EXPECT_EQ(http.get(live + two + ".mpd").status, 503u);
	/* The playing channel is unaffected. */
	EXPECT_EQ(http.get(live + one + ".mpd").status, 200u);
	Json sessions(http.get(api + "/sessions").body);
	ASSERT_EQ(sessions.size("$"), 1u) << sessions.size("$");
	EXPECT_EQ(std::to_string(sessions.num("$[0].channel_id")), one);

	/* Once the first channel idles out, its slot is free. */
	bool played = false;
	for (int i = 0; i < (kIdleS + 10) * 2 && !played; i++) {
		g_usleep(500 * 1000);
		Reply again = http.get(live + two + ".m3u8");
		if (again.status == 200u)
			played = true;
		else
			EXPECT_EQ(Json(again.body).str("$.error.code"), "source_busy")
				<< again.body;
	}
	EXPECT_TRUE(played) << sluiced.output();
	/* And now the first one waits. */
	EXPECT_EQ(Json(http.get(live + one + ".m3u8").body).str("$.error.code"), "source_busy");
	EXPECT_EQ(sluiced.stop(), 0) << sluiced.output();
}

/*
 * A viewer leaves a channel, then its upstream dies. Reconnecting for no one would hold the
 * provider's only slot until the idle timeout (a minute): the channel stops at its next failure
 * instead, and another channel of the source plays.
 */
TEST(EngineMaxStreams, AnUnwatchedChannelWhoseSourceFailsFreesItsSlot)
{
	TempDir media;
	const std::string file = media.file("source.ts");
	CommandRun made = makeTsFile(file, 320, 240, 60);
	ASSERT_EQ(made.status, 0) << made.out;
	auto upstream = std::make_unique<PacedTsServer>(file, 60.0);

	TempDir dir;
	Sluiced sluiced;
	ASSERT_TRUE(sluiced.start(dir.file("state"),
				  "[live]\nchannel_idle_timeout=60\nsegment_duration=1\n", {}, {}))
		<< sluiced.output();
	const std::string api = sluiced.base() + "/api/v1";
	Http http;
	const std::string list = "#EXTM3U\n#EXTINF:-1,Upstream\n" + upstream->url()
		+ "\n#EXTINF:-1,Bars\ntest://smpte?codec=h264&audio=aac&width=320&height=240\n";
	g_autofree char *escaped = g_strescape(list.c_str(), nullptr);
	Reply created = http.postJson(api + "/sources",
				      std::string(R"({"name":"One slot","m3u":")") + escaped
					      + R"(","max_streams":1})");
	ASSERT_EQ(created.status, 201u) << created.body;
	const std::vector<std::string> ids = channelIds(http, sluiced.base());
	ASSERT_EQ(ids.size(), 2u);
	Reply proxy = http.postJson(api + "/proxies",
				    R"({"name":"smart","channel_ids":[)" + ids[0] + "," + ids[1]
					    + "]}");
	ASSERT_EQ(proxy.status, 201u) << proxy.body;
	const std::string live = sluiced.base() + "/live/smart/";

	ASSERT_EQ(http.get(live + ids[0] + ".m3u8").status, 200u) << sluiced.output();
	EXPECT_EQ(Json(http.get(live + ids[1] + ".m3u8").body).str("$.error.code"), "source_busy");
	/* The viewer has gone; now the upstream does. */
	upstream.reset();

	bool played = false;
	for (int i = 0; i < 60 && !played; i++) {
		g_usleep(500 * 1000);
		played = http.get(live + ids[1] + ".m3u8").status == 200u;
	}
	EXPECT_TRUE(played) << "the second channel still waits for the dead one's slot\n"
			    << http.get(api + "/sessions").body << sluiced.output();
	Json sessions(http.get(api + "/sessions").body);
	for (size_t i = 0; i < sessions.size("$"); i++) {
		const std::string at = "$[" + std::to_string(i) + "]";
		if (std::to_string(sessions.num((at + ".channel_id").c_str())) != ids[0])
			continue;
		EXPECT_EQ(sessions.str((at + ".state").c_str()), "failed");
		EXPECT_NE(sessions.str((at + ".last_error").c_str()).find("no one was watching"),
			  std::string::npos);
	}
	EXPECT_EQ(sluiced.stop(), 0) << sluiced.output();
}

} /* namespace */
