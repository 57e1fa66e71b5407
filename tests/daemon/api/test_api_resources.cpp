/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The REST resources against a real sluiced: profiles, sources (upload, fetch, refresh),
 * channels and proxies, with their validation errors and legacy spellings.
 */

#include <gtest/gtest.h>

#include "sluicedtest.h"

using namespace sluice::test;

namespace {

class ApiResources : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		ASSERT_TRUE(
			sluiced_->start(dir_->file("state"),
					"[server]\nmax_body_bytes = 16K\nmax_upload_bytes = 1M\n"))
			<< sluiced_->output();
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
	}

	std::string api(const std::string &path) const
	{
		return sluiced_->base() + "/api/v1" + path;
	}

	static TempDir *dir_;
	static Sluiced *sluiced_;
	Http http_;
};

TempDir *ApiResources::dir_ = nullptr;
Sluiced *ApiResources::sluiced_ = nullptr;

void expectError(const Reply &reply, unsigned status, const std::string &code,
		 const std::string &field = {})
{
	EXPECT_EQ(reply.status, status) << reply.body;
	Json json(reply.body);
	EXPECT_EQ(json.str("$.error.code"), code) << reply.body;
	EXPECT_FALSE(json.str("$.error.message").empty()) << reply.body;
	if (field.empty())
		EXPECT_FALSE(json.has("$.error.field")) << reply.body;
	else
		EXPECT_EQ(json.str("$.error.field"), field) << reply.body;
	EXPECT_EQ(reply.header("Content-Type"), "application/json");
}

/* Profiles */

TEST_F(ApiResources, SystemProfilesAreSeeded)
{
	Reply reply = http_.get(api("/profiles"));
	ASSERT_EQ(reply.status, 200u) << reply.body;
	Json json(reply.body);
	EXPECT_EQ(json.str("$[0].name"), "Universal");
	EXPECT_TRUE(json.boolean("$[0].system"));
	EXPECT_TRUE(json.boolean("$[0].is_default"));
	EXPECT_EQ(json.str("$[0].video_codec"), "h264");
	EXPECT_EQ(json.str("$[0].container_format"), "auto");
	EXPECT_EQ(json.str("$[1].name"), "Passthrough");
	EXPECT_EQ(json.str("$[2].name"), "Efficiency");
	EXPECT_EQ(json.str("$[2].container_format"), "fmp4");
}

TEST_F(ApiResources, ProfileCrud)
{
	Reply created
		= http_.postJson(api("/profiles"),
				 R"({"name":"Mobile","description":"small","video_codec":"libx264",
					   "audio_codec":"libopus","container_format":"fmp4",
					   "video_bitrate_kbps":1500,"max_height":480,"preset":"veryfast"})");
	ASSERT_EQ(created.status, 201u) << created.body;
	Json json(created.body);
	const int64_t id = json.num("$.id");
	EXPECT_GT(id, 0);
	EXPECT_EQ(created.header("Location"), "/api/v1/profiles/" + std::to_string(id));
	EXPECT_EQ(json.str("$.video_codec"), "h264");
	EXPECT_EQ(json.str("$.audio_codec"), "opus");
	EXPECT_EQ(json.num("$.max_height"), 480);
	EXPECT_FALSE(json.boolean("$.system"));
	EXPECT_FALSE(json.has("$.deprecations"));

	const std::string url = api("/profiles/" + std::to_string(id));
	Reply got = http_.get(url);
	ASSERT_EQ(got.status, 200u);
	EXPECT_EQ(Json(got.body).str("$.preset"), "veryfast");

	Reply updated = http_.putJson(url, R"({"max_height":720,"hw_accel":"vaapi"})");
	ASSERT_EQ(updated.status, 200u) << updated.body;
	Json after(updated.body);
	EXPECT_EQ(after.num("$.max_height"), 720);
	EXPECT_EQ(after.str("$.hw_accel"), "vaapi");
	EXPECT_EQ(after.str("$.name"), "Mobile"); /* kept */

	expectError(http_.postJson(api("/profiles"), R"({"name":"mobile"})"), 409, "conflict",
		    "name");

	Reply deleted = http_.request("DELETE", url);
	EXPECT_EQ(deleted.status, 204u) << deleted.body;
	expectError(http_.get(url), 404, "not_found");
	expectError(http_.request("DELETE", url), 404, "not_found");
	expectError(http_.get(api("/profiles/abc")), 400, "bad_request", "id");
}

TEST_F(ApiResources, ProfileValidation)
{
	expectError(
		http_.postJson(api("/profiles"),
			       R"({"name":"a","video_codec":"vp9","container_format":"mpegts"})"),
		422, "codec_requires_fmp4", "video_codec");
	expectError(
		http_.postJson(
			api("/profiles"),
			R"({"name":"a","video_codec":"libaom-av1","container_format":"mpegts"})"),
		422, "codec_requires_fmp4", "video_codec");
	expectError(
		http_.postJson(api("/profiles"),
			       R"({"name":"a","audio_codec":"opus","container_format":"mpegts"})"),
		422, "codec_requires_fmp4", "audio_codec");
	expectError(http_.postJson(api("/profiles"), R"({"name":"a","video_codec":"h266"})"), 400,
		    "invalid_value", "video_codec");
	expectError(http_.postJson(api("/profiles"), R"({"name":"a","hw_accel":"cuda"})"), 400,
		    "invalid_value", "hw_accel");
	expectError(http_.postJson(api("/profiles"), R"({"video_codec":"h264"})"), 400, "required",
		    "name");
	expectError(http_.postJson(api("/profiles"), R"({"name":"a","video_bitrate_kbps":50})"),
		    400, "out_of_range", "video_bitrate_kbps");
	expectError(http_.postJson(api("/profiles"), R"({"name":"a","video_bitrate_kbps":"fast"})"),
		    400, "invalid_type", "video_bitrate_kbps");
	expectError(http_.postJson(api("/profiles"), R"({"name":5})"), 400, "invalid_type", "name");
	expectError(http_.postJson(api("/profiles"), R"({"name":"a","is_default":"yes"})"), 400,
		    "invalid_type", "is_default");
	expectError(http_.postJson(api("/profiles"), R"({"name":"a","colour":"red"})"), 400,
		    "unknown_field", "colour");
	expectError(http_.postJson(api("/profiles"), R"({"name":"a",)"), 400, "invalid_json");
	expectError(http_.postJson(api("/profiles"), R"(["name"])"), 400, "bad_request");
	expectError(
		http_.postJson(api("/profiles"),
			       R"({"name":"a","output_format":"hls","container_format":"mpegts"})"),
		422, "conflict", "output_format");
	expectError(http_.request("POST", api("/profiles"), R"({"name":"a"})", "text/plain"), 415,
		    "unsupported_media_type");
	/* Nothing of the above was stored. */
	Json list(http_.get(api("/profiles")).body);
	for (size_t i = 0; i < list.size("$"); i++) {
		std::string path = "$[" + std::to_string(i) + "].name";
		EXPECT_NE(list.str(path.c_str()), "a");
	}
}

TEST_F(ApiResources, LegacyOutputFormatIsMappedAndFlagged)
{
	Reply hls = http_.postJson(api("/profiles"),
				   R"({"name":"Legacy HLS","output_format":"hls"})");
	ASSERT_EQ(hls.status, 201u) << hls.body;
	Json json(hls.body);
	EXPECT_EQ(json.str("$.container_format"), "fmp4");
	EXPECT_EQ(json.str("$.deprecations[0].field"), "output_format");
	EXPECT_FALSE(json.str("$.deprecations[0].message").empty());

	Reply ts = http_.postJson(api("/profiles"),
				  R"({"name":"Legacy TS","output_format":"mpegts"})");
	ASSERT_EQ(ts.status, 201u) << ts.body;
	EXPECT_EQ(Json(ts.body).str("$.container_format"), "mpegts");

	Reply dash = http_.putJson(api("/profiles/" + std::to_string(Json(ts.body).num("$.id"))),
				   R"({"output_format":"dash"})");
	ASSERT_EQ(dash.status, 200u) << dash.body;
	EXPECT_EQ(Json(dash.body).str("$.container_format"), "fmp4");
	EXPECT_EQ(Json(dash.body).str("$.deprecations[0].field"), "output_format");
	EXPECT_NE(sluiced_->output().find("deprecated"), std::string::npos);
}

TEST_F(ApiResources, SystemProfilesAreProtected)
{
	Json list(http_.get(api("/profiles")).body);
	const std::string url = api("/profiles/" + std::to_string(list.num("$[1].id")));
	expectError(http_.request("DELETE", url), 409, "protected");

	Reply edited = http_.putJson(url, R"({"description":"edited","preset":"fast"})");
	ASSERT_EQ(edited.status, 200u) << edited.body;
	Json json(edited.body);
	EXPECT_TRUE(json.boolean("$.system"));
	EXPECT_EQ(json.str("$.description"), "edited");
	EXPECT_EQ(json.str("$.name"), "Passthrough");

	expectError(http_.putJson(url, R"({"system":false})"), 409, "protected", "system");
	EXPECT_TRUE(Json(http_.get(url).body).boolean("$.system"));
	/* Sending the object back as GET gave it is fine. */
	EXPECT_EQ(http_.putJson(url, http_.get(url).body).status, 200u);

	/* The default profile cannot stop being the default by itself. */
	const std::string universal = api("/profiles/" + std::to_string(list.num("$[0].id")));
	expectError(http_.putJson(universal, R"({"is_default":false})"), 422, "invalid_value",
		    "is_default");
}

/* Sources */

constexpr char kList[]
	= "#EXTM3U url-tvg=\"http://epg.example/guide.xml\"\n"
	  "#EXTINF:-1 tvg-id=\"one.uk\" tvg-name=\"One\" tvg-logo=\"http://l/1.png\" "
	  "tvg-chno=\"1\" group-title=\"UK\" catchup=\"default\" catchup-days=\"7\","
	  "Channel One\n"
	  "http://upstream.example/one.ts\n"
	  "#EXTINF:-1 tvg-id=\"two.uk\" group-title=\"UK\",Channel Two\n"
	  "http://upstream.example/two.m3u8\n";

TEST_F(ApiResources, UploadedListInJsonIsImported)
{
	g_autofree char *escaped = g_strescape(kList, nullptr);
	Reply created = http_.postJson(
		api("/sources"), std::string(R"({"name":"Uploaded","m3u":")") + escaped + "\"}");
	ASSERT_EQ(created.status, 201u) << created.body;
	Json json(created.body);
	EXPECT_EQ(json.num("$.import.added"), 2);
	EXPECT_EQ(json.num("$.channel_count"), 2);
	EXPECT_EQ(json.str("$.url"), "");
	EXPECT_GT(json.num("$.last_refresh"), 0);
	const int64_t id = json.num("$.id");
	EXPECT_EQ(created.header("Location"), "/api/v1/sources/" + std::to_string(id));

	Json channels(http_.get(api("/channels?source_id=" + std::to_string(id))).body);
	ASSERT_EQ(channels.size("$"), 2u);
	EXPECT_EQ(channels.str("$[0].name"), "Channel One");
	EXPECT_EQ(channels.num("$[0].number"), 1);
	EXPECT_EQ(channels.str("$[0].tvg_id"), "one.uk");
	EXPECT_EQ(channels.str("$[0].logo"), "http://l/1.png");
	EXPECT_EQ(channels.str("$[0].group"), "UK");
	EXPECT_EQ(channels.str("$[0].extra_attributes.catchup"), "default");
	EXPECT_EQ(channels.str("$[0].extra_attributes['catchup-days']"), "7");
	EXPECT_EQ(channels.num("$[0].source_id"), id);

	/* Re-importing the stored list changes nothing. */
	Reply refreshed = http_.request("POST", api("/sources/" + std::to_string(id) + "/refresh"));
	ASSERT_EQ(refreshed.status, 200u) << refreshed.body;
	EXPECT_EQ(Json(refreshed.body).num("$.unchanged"), 2);
	EXPECT_EQ(Json(refreshed.body).num("$.added"), 0);
}

TEST_F(ApiResources, RawUpload)
{
	Reply created
		= http_.request("POST", api("/sources?name=Raw%20List"), kList, "audio/x-mpegurl");
	ASSERT_EQ(created.status, 201u) << created.body;
	EXPECT_EQ(Json(created.body).str("$.name"), "Raw List");
	EXPECT_EQ(Json(created.body).num("$.import.added"), 2);

	Reply apple = http_.request("POST", api("/sources?name=Apple"), kList,
				    "application/vnd.apple.mpegurl; charset=utf-8");
	EXPECT_EQ(apple.status, 201u) << apple.body;

	expectError(http_.request("POST", api("/sources"), kList, "application/x-mpegurl"), 400,
		    "required", "name");
	expectError(http_.request("POST", api("/sources?name=Html"),
				  "<html><body>404</body></html>", "text/plain"),
		    422, "invalid_value", "m3u");
	expectError(http_.request("POST", api("/sources?name=X"), kList, "application/xml"), 415,
		    "unsupported_media_type");
	/* A refused list leaves no source behind. */
	Json list(http_.get(api("/sources")).body);
	for (size_t i = 0; i < list.size("$"); i++) {
		std::string path = "$[" + std::to_string(i) + "].name";
		EXPECT_NE(list.str(path.c_str()), "Html");
	}
}

TEST_F(ApiResources, SourceValidation)
{
	expectError(http_.postJson(api("/sources"), R"({"url":"http://x/list.m3u"})"), 400,
		    "required", "name");
	expectError(http_.postJson(api("/sources"), R"({"name":"Nothing"})"), 400, "required",
		    "url");
	expectError(http_.postJson(api("/sources"), R"({"name":"Ftp","url":"ftp://x/list"})"), 422,
		    "url_not_allowed", "url");
	expectError(http_.postJson(api("/sources"),
				   R"({"name":"N","url":"http://x","max_streams":-1})"),
		    400, "out_of_range", "max_streams");
	expectError(http_.postJson(api("/sources"), R"({"name":"N","url":"http://x","epg":"y"})"),
		    400, "unknown_field", "epg");
	expectError(http_.postJson(api("/sources"), R"({"name":"N","url":5})"), 400, "invalid_type",
		    "url");
	expectError(http_.request("POST", api("/sources/999999/refresh")), 404, "not_found");
}

TEST_F(ApiResources, UrlSourceRefreshKeepsIds)
{
	FileServer upstream;
	/* Messy: BOM, CRLF, an entry without attributes, a duplicated tvg-id, blank lines. */
	const std::string first = "\xEF\xBB\xBF#EXTM3U\r\n"
				  "#EXTINF:-1 tvg-id=\"a.tv\" group-title=\"News\",A News\r\n"
				  "http://up.example/a.ts\r\n"
				  "\r\n"
				  "#EXTINF:-1,No Attributes\r\n"
				  "http://up.example/bare.ts\r\n"
				  "#EXTINF:-1 tvg-id=\"dup.tv\",Dup SD\r\n"
				  "http://up.example/dup-sd.ts\r\n"
				  "#EXTINF:-1 tvg-id=\"dup.tv\",Dup HD\r\n"
				  "http://up.example/dup-hd.ts\r\n";
	upstream.set("/list.m3u", first);

	Reply created
		= http_.postJson(api("/sources"),
				 R"({"name":"Provider","url":")" + upstream.url("/list.m3u")
					 + R"(","user_agent":"TestAgent/1.0","max_streams":2,)"
					 + R"("refresh_interval_s":0})");
	ASSERT_EQ(created.status, 201u) << created.body;
	Json source(created.body);
	EXPECT_EQ(source.num("$.channel_count"), 0);
	EXPECT_EQ(source.num("$.last_refresh"), 0);
	EXPECT_EQ(source.num("$.max_streams"), 2);
	const std::string id = std::to_string(source.num("$.id"));

	Reply refreshed = http_.request("POST", api("/sources/" + id + "/refresh"));
	ASSERT_EQ(refreshed.status, 200u) << refreshed.body;
	Json report(refreshed.body);
	EXPECT_EQ(report.num("$.added"), 4);
	EXPECT_EQ(report.num("$.removed"), 0);
	EXPECT_GE(report.size("$.warnings"), 1u); /* the duplicate tvg-id */
	EXPECT_EQ(upstream.lastUserAgent(), "TestAgent/1.0");

	Json before(http_.get(api("/channels?source_id=" + id)).body);
	ASSERT_EQ(before.size("$"), 4u);
	EXPECT_EQ(before.str("$[0].name"), "A News");
	EXPECT_EQ(before.str("$[1].name"), "No Attributes");
	EXPECT_EQ(before.str("$[1].tvg_id"), "");
	const int64_t newsId = before.num("$[0].id");
	const int64_t bareId = before.num("$[1].id");

	/* The provider reorders, renames, re-tokenises and drops a channel. */
	upstream.set("/list.m3u",
		     "#EXTM3U\n"
		     "#EXTINF:-1,No Attributes\n"
		     "http://up.example/bare.ts\n"
		     "#EXTINF:-1 tvg-id=\"a.tv\" group-title=\"News\",A News HD\n"
		     "http://up.example/a.ts?token=2\n"
		     "#EXTINF:-1 tvg-id=\"new.tv\",New\n"
		     "http://up.example/new.ts\n");
	refreshed = http_.request("POST", api("/sources/" + id + "/refresh"));
	ASSERT_EQ(refreshed.status, 200u) << refreshed.body;
	Json second(refreshed.body);
	EXPECT_EQ(second.num("$.added"), 1);
	EXPECT_EQ(second.num("$.updated"), 1);
	EXPECT_EQ(second.num("$.unchanged"), 1);
	EXPECT_EQ(second.num("$.removed"), 2);

	Json after(http_.get(api("/channels?source_id=" + id)).body);
	ASSERT_EQ(after.size("$"), 3u);
	EXPECT_EQ(after.num("$[0].id"), bareId);
	EXPECT_EQ(after.num("$[1].id"), newsId);
	EXPECT_EQ(after.str("$[1].name"), "A News HD");
	EXPECT_EQ(after.str("$[1].stream_url"), "http://up.example/a.ts?token=2");

	/* Upstream failures change nothing and say what failed. */
	upstream.set("/list.m3u", "gone", 404);
	Reply failed = http_.request("POST", api("/sources/" + id + "/refresh"));
	expectError(failed, 502, "upstream_failed", "url");
	EXPECT_NE(Json(failed.body).str("$.error.message").find(upstream.url("/list.m3u")),
		  std::string::npos);
	EXPECT_EQ(Json(http_.get(api("/channels?source_id=" + id)).body).size("$"), 3u);

	upstream.set("/list.m3u", "<html>maintenance</html>");
	expectError(http_.request("POST", api("/sources/" + id + "/refresh")), 422, "invalid_value",
		    "m3u");

	/* Source CRUD. */
	Reply renamed = http_.putJson(api("/sources/" + id), R"({"name":"Provider 2"})");
	ASSERT_EQ(renamed.status, 200u) << renamed.body;
	EXPECT_EQ(Json(renamed.body).str("$.name"), "Provider 2");
	EXPECT_EQ(Json(renamed.body).str("$.url"), upstream.url("/list.m3u"));
	EXPECT_EQ(Json(renamed.body).num("$.channel_count"), 3);
	EXPECT_EQ(http_.request("DELETE", api("/sources/" + id)).status, 204u);
	expectError(http_.get(api("/sources/" + id)), 404, "not_found");
	expectError(http_.get(api("/channels/" + std::to_string(newsId))), 404, "not_found");
	expectError(http_.get(api("/channels?source_id=" + id)), 404, "not_found");
}

/* A source with a refresh interval fills in by itself, and follows its list. */
TEST_F(ApiResources, UrlSourceIsImportedInTheBackground)
{
	FileServer upstream;
	upstream.set("/auto.m3u",
		     "#EXTM3U\n#EXTINF:-1 tvg-id=\"one\",One\nhttp://up.example/1.ts\n");
	Reply created = http_.postJson(api("/sources"),
				       R"({"name":"Auto","url":")" + upstream.url("/auto.m3u")
					       + R"(","refresh_interval_s":1})");
	ASSERT_EQ(created.status, 201u) << created.body;
	const std::string id = std::to_string(Json(created.body).num("$.id"));
	auto channelsNamed = [&](const std::string &name) {
		for (int i = 0; i < 100; i++) {
			Json channels(http_.get(api("/channels?source_id=" + id)).body);
			if (channels.size("$") == 1 && channels.str("$[0].name") == name)
				return true;
			g_usleep(50000);
		}
		return false;
	};
	EXPECT_TRUE(channelsNamed("One")) << "not imported within 5 s of creation";
	int64_t first = Json(http_.get(api("/sources/" + id)).body).num("$.last_refresh");
	EXPECT_GT(first, 0);

	upstream.set("/auto.m3u",
		     "#EXTM3U\n#EXTINF:-1 tvg-id=\"one\",One HD\nhttp://up.example/1.ts\n");
	EXPECT_TRUE(channelsNamed("One HD")) << "not refreshed within 5 s at a 1 s interval";

	/* A failing list is retried later and changes nothing. */
	upstream.set("/auto.m3u", "gone", 404);
	g_usleep(2500000);
	Json channels(http_.get(api("/channels?source_id=" + id)).body);
	EXPECT_EQ(channels.size("$"), 1u);
	EXPECT_NE(sluiced_->output().find("refreshing Auto from"), std::string::npos);
	EXPECT_EQ(http_.request("DELETE", api("/sources/" + id)).status, 204u);
}

/* Channels */

TEST_F(ApiResources, ChannelCrud)
{
	Reply created = http_.postJson(api("/channels"),
				       R"({"name":"Hand Made","number":42,"group":"Mine",
					   "stream_url":"http://cam.local/stream.ts",
					   "backup_urls":["http://cam2.local/stream.ts"],
					   "extra_attributes":{"catchup":"shift","catchup-days":"3"}})");
	ASSERT_EQ(created.status, 201u) << created.body;
	Json json(created.body);
	const std::string url = api("/channels/" + std::to_string(json.num("$.id")));
	EXPECT_EQ(created.header("Location"), url.substr(url.find("/api/")));
	EXPECT_EQ(json.num("$.source_id"), 0);
	EXPECT_EQ(json.num("$.number"), 42);
	EXPECT_EQ(json.strs("$.backup_urls"),
		  std::vector<std::string> {"http://cam2.local/stream.ts"});
	EXPECT_EQ(json.str("$.extra_attributes['catchup-days']"), "3");

	Reply updated = http_.putJson(url, R"({"number":7,"backup_urls":[]})");
	ASSERT_EQ(updated.status, 200u) << updated.body;
	EXPECT_EQ(Json(updated.body).num("$.number"), 7);
	EXPECT_EQ(Json(updated.body).size("$.backup_urls"), 0u);
	EXPECT_EQ(Json(updated.body).str("$.name"), "Hand Made");

	Json byHand(http_.get(api("/channels?source_id=0")).body);
	EXPECT_GE(byHand.size("$"), 1u);
	EXPECT_GE(Json(http_.get(api("/channels")).body).size("$"), 1u);

	expectError(http_.postJson(api("/channels"), R"({"name":"No URL"})"), 400, "required",
		    "stream_url");
	expectError(http_.postJson(api("/channels"),
				   R"({"name":"X","stream_url":"http://x","number":-1})"),
		    400, "out_of_range", "number");
	expectError(
		http_.postJson(api("/channels"),
			       R"({"name":"X","stream_url":"http://x","backup_urls":"http://y"})"),
		400, "invalid_type", "backup_urls");
	expectError(http_.postJson(
			    api("/channels"),
			    R"({"name":"X","stream_url":"http://x","extra_attributes":{"a":1}})"),
		    400, "invalid_type", "extra_attributes");
	expectError(http_.postJson(api("/channels"),
				   R"({"name":"X","stream_url":"http://x","source_id":999999})"),
		    422, "invalid_value", "source_id");
	expectError(http_.get(api("/channels?source_id=abc")), 400, "invalid_value", "source_id");

	EXPECT_EQ(http_.request("DELETE", url).status, 204u);
	expectError(http_.get(url), 404, "not_found");
}

/* Proxies */

TEST_F(ApiResources, ProxyCrudAndLegacyModes)
{
	Json a(http_.postJson(api("/channels"), R"({"name":"P1","stream_url":"http://x/1.ts"})")
		       .body);
	Json b(http_.postJson(api("/channels"), R"({"name":"P2","stream_url":"http://x/2.ts"})")
		       .body);
	const std::string ids
		= "[" + std::to_string(b.num("$.id")) + "," + std::to_string(a.num("$.id")) + "]";

	Reply relay = http_.postJson(api("/proxies"),
				     R"({"name":"living-room","proxy_mode":"relay",
							   "channel_ids":)"
					     + ids + R"(,"first_number":100})");
	ASSERT_EQ(relay.status, 201u) << relay.body;
	Json json(relay.body);
	EXPECT_EQ(json.str("$.proxy_mode"), "smart");
	EXPECT_EQ(json.str("$.deprecations[0].field"), "proxy_mode");
	EXPECT_TRUE(json.isNull("$.profile_id"));
	EXPECT_EQ(json.nums("$.channel_ids"),
		  (std::vector<int64_t> {b.num("$.id"), a.num("$.id")}));
	EXPECT_EQ(json.num("$.first_number"), 100);
	const std::string url = api("/proxies/" + std::to_string(json.num("$.id")));
	EXPECT_EQ(relay.header("Location"), url.substr(url.find("/api/")));

	Reply redirect
		= http_.postJson(api("/proxies"), R"({"name":"old","proxy_mode":"redirect"})");
	ASSERT_EQ(redirect.status, 201u) << redirect.body;
	EXPECT_EQ(Json(redirect.body).str("$.proxy_mode"), "direct");
	EXPECT_EQ(Json(redirect.body).str("$.deprecations[0].field"), "proxy_mode");
	Reply proxyMode
		= http_.putJson(api("/proxies/" + std::to_string(Json(redirect.body).num("$.id"))),
				R"({"proxy_mode":"proxy"})");
	EXPECT_EQ(Json(proxyMode.body).str("$.proxy_mode"), "smart");
	EXPECT_EQ(Json(proxyMode.body).size("$.deprecations"), 1u);

	Json profiles(http_.get(api("/profiles")).body);
	Reply updated = http_.putJson(url,
				      R"({"proxy_mode":"direct","profile_id":)"
					      + std::to_string(profiles.num("$[2].id")) + "}");
	ASSERT_EQ(updated.status, 200u) << updated.body;
	EXPECT_EQ(Json(updated.body).str("$.proxy_mode"), "direct");
	EXPECT_EQ(Json(updated.body).num("$.profile_id"), profiles.num("$[2].id"));
	EXPECT_FALSE(Json(updated.body).has("$.deprecations"));
	EXPECT_EQ(Json(updated.body).size("$.channel_ids"), 2u);
	/* A profile in use cannot go. */
	Reply inUse = http_.postJson(api("/profiles"), R"({"name":"Used"})");
	const std::string usedId = std::to_string(Json(inUse.body).num("$.id"));
	ASSERT_EQ(http_.putJson(url, R"({"profile_id":)" + usedId + "}").status, 200u);
	expectError(http_.request("DELETE", api("/profiles/" + usedId)), 409, "conflict");
	EXPECT_TRUE(Json(http_.putJson(url, R"({"profile_id":null})").body).isNull("$.profile_id"));

	expectError(http_.postJson(api("/proxies"), R"({"name":"x","proxy_mode":"teleport"})"), 400,
		    "invalid_value", "proxy_mode");
	expectError(http_.postJson(api("/proxies"), R"({"name":"x","profile_id":999999})"), 422,
		    "invalid_value", "profile_id");
	expectError(http_.postJson(api("/proxies"), R"({"name":"x","channel_ids":[999999]})"), 422,
		    "invalid_value", "channel_ids");
	expectError(http_.postJson(api("/proxies"), R"({"name":"x","channel_ids":["a"]})"), 400,
		    "invalid_type", "channel_ids");
	expectError(http_.postJson(api("/proxies"), R"({"name":"has space"})"), 422,
		    "invalid_value", "name");
	expectError(http_.postJson(api("/proxies"), R"({"name":"LIVING-ROOM"})"), 409, "conflict",
		    "name");
	expectError(http_.postJson(api("/proxies"), R"({"proxy_mode":"smart"})"), 400, "required",
		    "name");

	EXPECT_GE(Json(http_.get(api("/proxies")).body).size("$"), 2u);
	EXPECT_EQ(http_.request("DELETE", url).status, 204u);
	expectError(http_.get(url), 404, "not_found");
}

} /* namespace */
