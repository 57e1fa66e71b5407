/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Security by default: the admin token, trusted addresses, the delay after a wrong credential,
 * stream keys, and which URLs sources and channels may name.
 *
 * The stranger: sluiced trusts 127.0.0.1 alone, and the test talks to it from 127.0.0.2 (and
 * 127.0.0.3), a socket bound to that local address. Linux routes all of 127.0.0.0/8 to lo,
 * so nothing leaves the machine.
 */

#include <chrono>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr char kStranger[] = "127.0.0.2";
/* Another stranger, whose failures no other test adds to. */
constexpr char kGuesser[] = "127.0.0.3";

void expectError(const Reply &reply, unsigned status, const std::string &code,
		 const std::string &field = {})
{
	EXPECT_EQ(reply.status, status) << reply.body;
	Json json(reply.body);
	EXPECT_EQ(json.str("$.error.code"), code) << reply.body;
	EXPECT_FALSE(json.str("$.error.message").empty()) << reply.body;
	if (!field.empty()) {
		EXPECT_EQ(json.str("$.error.field"), field) << reply.body;
	}
	EXPECT_EQ(reply.header("Content-Type"), "application/json") << reply.body;
}

/* The admin token sluiced made, as its state directory keeps it. */
std::string tokenIn(const std::string &stateDir)
{
	std::string text = readFile(stateDir + "/admin-token");
	return text.substr(0, text.find('\n'));
}

size_t count(const std::string &text, const std::string &what)
{
	size_t n = 0;
	for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
		n++;
	return n;
}

/* The route table, as sluiced --print-routes lists it: "METHOD /pattern". */
std::vector<std::pair<std::string, std::string>> routeTable()
{
	CommandRun run = runCommand({Sluiced::binary(), "--print-routes"});
	EXPECT_EQ(run.status, 0) << run.out;
	std::vector<std::pair<std::string, std::string>> routes;
	std::istringstream lines(run.out);
	for (std::string line; std::getline(lines, line);) {
		const size_t space = line.find(' ');
		if (space != std::string::npos)
			routes.emplace_back(line.substr(0, space), line.substr(space + 1));
	}
	return routes;
}

/* README, Security: the REST API and the metrics are admin routes, nothing else. */
bool isAdminRoute(const std::string &pattern)
{
	return pattern.starts_with("/api/") || pattern == "/metrics";
}

/* A concrete path for a pattern, naming things that do not exist where it matters. */
std::string pathFor(std::string pattern, const std::string &proxy, const std::string &channel)
{
	const std::pair<const char *, std::string> values[] = {
		{"{id}", "999999"},	  {"{proxy}", proxy},  {"{channel}", channel},
		{"{key}", "not-the-key"}, {"{variant}", "v1"}, {"{resource}", "nothing.m4s"},
	};
	for (const auto &[name, value] : values) {
		for (size_t at = pattern.find(name); at != std::string::npos;
		     at = pattern.find(name))
			pattern.replace(at, std::string(name).size(), value);
	}
	return pattern;
}

class ApiSecurity : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		media_ = dir_->file("media");
		g_mkdir(media_.c_str(), 0700);
		g_mkdir(dir_->file("elsewhere").c_str(), 0700);
		writeFile(media_ + "/clip.ts", "not really TS");
		writeFile(dir_->file("elsewhere/secret.ts"), "outside");
		ASSERT_EQ(symlink(dir_->file("elsewhere/secret.ts").c_str(),
				  (media_ + "/link.ts").c_str()),
			  0);
		sluiced_ = new Sluiced;
		ASSERT_TRUE(sluiced_->start(dir_->file("state"),
					    "[server]\ntrusted_addresses = 127.0.0.1\n"
					    "[storage]\nmedia_dirs = "
						    + media_ + "\n",
					    {"--demo"}))
			<< sluiced_->output();
		token_ = tokenIn(dir_->file("state"));
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
	}

	std::string url(const std::string &path) const { return sluiced_->base() + path; }
	Reply stranger(const std::string &method, const std::string &path,
		       const std::vector<std::pair<std::string, std::string>> &headers = {},
		       const std::string &body = {}, const std::string &contentType = {}) const
	{
		return requestFrom(kStranger, method, url(path), headers, body, contentType);
	}
	static std::vector<std::pair<std::string, std::string>> bearer(const std::string &token)
	{
		return {{"Authorization", "Bearer " + token}};
	}
	std::string firstChannel() { return channelIds(http_, sluiced_->base()).at(0); }

	static TempDir *dir_;
	static Sluiced *sluiced_;
	static std::string media_;
	static std::string token_;
	Http http_; /* from 127.0.0.1: trusted */
};

TempDir *ApiSecurity::dir_ = nullptr;
Sluiced *ApiSecurity::sluiced_ = nullptr;
std::string ApiSecurity::media_;
std::string ApiSecurity::token_;

TEST_F(ApiSecurity, EveryAdminRouteRefusesAStranger)
{
	const std::string channel = firstChannel();
	size_t admin = 0, writes = 0, open = 0;
	for (const auto &[method, pattern] : routeTable()) {
		if (!isAdminRoute(pattern)) {
			/* Players: the direct proxy answers without starting a pipeline. */
			Reply reply = stranger(method, pathFor(pattern, "direct", channel));
			EXPECT_NE(reply.status, 0u)
				<< method << " " << pattern << ": " << reply.error;
			EXPECT_NE(reply.status, 401u) << method << " " << pattern;
			EXPECT_NE(reply.status, 403u) << method << " " << pattern;
			open++;
			continue;
		}
		const std::string path = pathFor(pattern, "direct", channel);
		const bool write = method != "GET" && method != "HEAD";
		Reply reply = write ? stranger(method, path, {}, "{}", "application/json")
				    : stranger(method, path);
		expectError(reply, 401, "unauthorized");
		EXPECT_TRUE(reply.header("WWW-Authenticate").starts_with("Bearer realm=\"sluice\""))
			<< method << " " << pattern << ": " << reply.header("WWW-Authenticate");
		admin++;
		writes += write;
	}
	EXPECT_GE(admin, 20u);
	EXPECT_GE(writes, 10u);
	EXPECT_GE(open, 10u);
	/* Paths no route serves are refused the same way under /api/. */
	expectError(stranger("GET", "/api/v1/nothing"), 401, "unauthorized");
}

TEST_F(ApiSecurity, EveryAdminRouteTakesTheToken)
{
	ASSERT_EQ(token_.size(), 43u);
	const std::string channel = firstChannel();
	for (const auto &[method, pattern] : routeTable()) {
		if (!isAdminRoute(pattern))
			continue;
		/* Ids that do not exist: writes are refused for what they say, not who says it. */
		const std::string path = pathFor(pattern, "direct", channel);
		const bool write = method != "GET" && method != "HEAD";
		Reply reply = write
			? stranger(method, path, bearer(token_), "{}", "application/json")
			: stranger(method, path, bearer(token_));
		EXPECT_NE(reply.status, 0u) << method << " " << pattern << ": " << reply.error;
		EXPECT_NE(reply.status, 401u) << method << " " << pattern << ": " << reply.body;
		EXPECT_NE(reply.status, 403u) << method << " " << pattern << ": " << reply.body;
		EXPECT_LT(reply.status, 500u) << method << " " << pattern << ": " << reply.body;
	}
	/* And the answers are the real ones. */
	Reply channels = stranger("GET", "/api/v1/channels", bearer(token_));
	EXPECT_EQ(channels.status, 200u);
	EXPECT_EQ(channels.body, http_.get(url("/api/v1/channels")).body);
	Reply metrics = stranger("GET", "/metrics", {{"Authorization", "bearer " + token_}});
	EXPECT_EQ(metrics.status, 200u);
	EXPECT_NE(metrics.body.find("sluice_channels "), std::string::npos);
}

TEST_F(ApiSecurity, WrongTokenIsLoggedAndSlowed)
{
	using Clock = std::chrono::steady_clock;
	auto timed = [](auto request) {
		const auto start = Clock::now();
		Reply reply = request();
		return std::make_pair(reply,
				      std::chrono::duration<double>(Clock::now() - start).count());
	};
	const std::string wrong = "Wr0ng-Token-" + std::string(40, 'x');
	auto [first, firstS] = timed([&] {
		return requestFrom(kGuesser, "GET", url("/api/v1/profiles"), bearer(wrong));
	});
	expectError(first, 401, "unauthorized");
	EXPECT_NE(first.header("WWW-Authenticate").find("invalid_token"), std::string::npos);
	/* A body is refused unread, after the delay too. */
	auto [second, secondS] = timed([&] {
		return requestFrom(kGuesser, "POST", url("/api/v1/profiles"), bearer(wrong),
				   R"({"name":"x"})", "application/json");
	});
	expectError(second, 401, "unauthorized");
	/* 250 ms, then 500 ms: lower bounds only, a loaded machine is only ever slower. */
	EXPECT_GE(firstS, 0.24);
	EXPECT_GE(secondS, 0.49);

	/* Both logged with the address and route, never the token. */
	const std::string output = sluiced_->output();
	EXPECT_NE(
		output.find("refused a wrong admin token from 127.0.0.3 for GET /api/v1/profiles: "
			    "failure 1 from this address, answered after 250 ms"),
		std::string::npos)
		<< output;
	EXPECT_NE(
		output.find("refused a wrong admin token from 127.0.0.3 for POST "
			    "/api/v1/profiles: failure 2 from this address, answered after 500 ms"),
		std::string::npos)
		<< output;
	EXPECT_EQ(output.find(wrong), std::string::npos);

	/* Another scheme is as wrong; the right token works and wipes the slate. */
	expectError(requestFrom(kGuesser, "GET", url("/api/v1/profiles"),
				{{"Authorization", "Basic " + token_}}),
		    401, "unauthorized");
	EXPECT_EQ(requestFrom(kGuesser, "GET", url("/api/v1/profiles"), bearer(token_)).status,
		  200u);
	requestFrom(kGuesser, "GET", url("/api/v1/profiles"), bearer(wrong));
	EXPECT_NE(sluiced_->output().find("from 127.0.0.3 for GET /api/v1/profiles: failure 1 "
					  "from this address, answered after 250 ms"),
		  std::string::npos);
	/* A missing token is no guess: answered at once, not counted. */
	auto [none, noneS]
		= timed([&] { return requestFrom(kGuesser, "GET", url("/api/v1/profiles")); });
	expectError(none, 401, "unauthorized");
	EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer realm=\"sluice\"");
}

TEST_F(ApiSecurity, TrustedAndProxiedPeers)
{
	/* 127.0.0.1 is trusted: local tools need no token. */
	EXPECT_EQ(http_.get(url("/api/v1/channels")).status, 200u);
	EXPECT_EQ(requestFrom("127.0.0.1", "GET", url("/metrics")).status, 200u);
	/* Not what came through a reverse proxy on this machine. */
	for (const char *header :
	     {"X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host"}) {
		Reply proxied = http_.get(url("/api/v1/channels"), {{header, "for=192.0.2.7"}});
		expectError(proxied, 401, "unauthorized");
	}
	EXPECT_EQ(
		http_.get(url("/api/v1/channels"),
			  {{"X-Forwarded-For", "192.0.2.7"}, {"Authorization", "Bearer " + token_}})
			.status,
		200u);
}

TEST_F(ApiSecurity, StreamsStayOpenToPlayers)
{
	const std::string channel = firstChannel();
	EXPECT_EQ(stranger("GET", "/healthz").status, 200u);
	Reply list = stranger("GET", "/proxy/demo.m3u");
	ASSERT_EQ(list.status, 200u) << list.body;
	EXPECT_NE(list.body.find("/live/demo/" + channel), std::string::npos) << list.body;
	EXPECT_EQ(stranger("GET", "/live/direct/" + channel).status, 302u);

	/* A live channel's playlists and a segment, as a player walks them. */
	const std::string master = url("/live/demo/" + channel + ".m3u8");
	Reply hls = requestFrom(kStranger, "GET", master);
	ASSERT_EQ(hls.status, 200u) << hls.body;
	const std::string media = resolveUrl(master, firstVariantUri(hls.body));
	Reply playlist = requestFrom(kStranger, "GET", media);
	ASSERT_EQ(playlist.status, 200u) << media << ": " << playlist.body;
}

/* The media playlist's first segment URI. */
std::string firstSegment(const std::string &playlist)
{
	std::istringstream lines(playlist);
	for (std::string line; std::getline(lines, line);) {
		if (!line.empty() && line[0] != '#')
			return line;
	}
	return {};
}

TEST_F(ApiSecurity, StreamKeyIsAskedForAndCarried)
{
	const std::string channel = firstChannel();
	const std::string key = "k3y-Secret_0123";
	Reply created = http_.postJson(url("/api/v1/proxies"),
				       R"({"name":"keyed","proxy_mode":"smart","channel_ids":[)"
					       + channel + R"(],"stream_key":")" + key + R"("})");
	ASSERT_EQ(created.status, 201u) << created.body;
	EXPECT_EQ(Json(created.body).str("$.stream_key"), key);
	expectError(http_.putJson(url("/api/v1/proxies/"
				      + std::to_string(Json(created.body).num("$.id"))),
				  R"({"stream_key":"short"})"),
		    422, "invalid_value", "stream_key");

	/* The channel list wants ?key=. */
	expectError(stranger("GET", "/proxy/keyed.m3u"), 403, "stream_key_required");
	expectError(stranger("GET", "/proxy/keyed.m3u?key=not-the-key"), 403, "wrong_stream_key");
	Reply list = stranger("GET", "/proxy/keyed.m3u?key=" + key);
	ASSERT_EQ(list.status, 200u) << list.body;
	const std::string prefix = url("/live/keyed/k/" + key + "/" + channel);
	EXPECT_NE(list.body.find(prefix + "\n"), std::string::npos) << list.body;

	/* Stream URLs want it in the path, and everything they write carries it on. */
	expectError(stranger("GET", "/live/keyed/" + channel + ".m3u8"), 403,
		    "stream_key_required");
	expectError(stranger("GET", "/live/keyed/k/not-the-key/" + channel + ".m3u8"), 403,
		    "wrong_stream_key");
	Reply negotiated = requestFrom(kStranger, "GET", prefix);
	ASSERT_EQ(negotiated.status, 302u) << negotiated.body;
	const std::string master = negotiated.header("Location");
	EXPECT_EQ(master, prefix + ".m3u8");
	Reply hls = requestFrom(kStranger, "GET", master);
	ASSERT_EQ(hls.status, 200u) << hls.body;
	const std::string media = resolveUrl(master, firstVariantUri(hls.body));
	EXPECT_TRUE(media.starts_with(url("/live/keyed/k/" + key + "/"))) << media;
	Reply playlist = requestFrom(kStranger, "GET", media);
	ASSERT_EQ(playlist.status, 200u) << media << ": " << playlist.body;
	const std::string segment = resolveUrl(media, firstSegment(playlist.body));
	EXPECT_TRUE(segment.starts_with(url("/live/keyed/k/" + key + "/"))) << segment;
	Reply bytes = requestFrom(kStranger, "GET", segment);
	EXPECT_EQ(bytes.status, 200u) << segment;
	EXPECT_GT(bytes.body.size(), 100u);
	/* The same segment without the key is refused. */
	std::string unkeyed = segment;
	unkeyed.erase(unkeyed.find("/k/" + key), 3 + key.size());
	expectError(requestFrom(kStranger, "GET", unkeyed), 403, "stream_key_required");
	/* DASH: a relative BaseURL, so its segments carry the key too. */
	Reply dash = requestFrom(kStranger, "GET", prefix + ".mpd");
	ASSERT_EQ(dash.status, 200u) << dash.body;
	EXPECT_NE(dash.body.find("<BaseURL>" + channel + "/</BaseURL>"), std::string::npos)
		<< dash.body;

	/* Neither key is logged; the wrong one was, as "...". */
	const std::string output = sluiced_->output();
	EXPECT_EQ(output.find(key), std::string::npos) << output;
	EXPECT_NE(output.find("refused a wrong stream key from 127.0.0.2 for GET "
			      "/live/keyed/k/.../"
			      + channel + ".m3u8"),
		  std::string::npos)
		<< output;
}

TEST_F(ApiSecurity, LocalFilesOnlyInMediaDirs)
{
	const std::string inside = "file://" + media_ + "/clip.ts";
	/* Sources: a list URL. */
	expectError(http_.postJson(url("/api/v1/sources"),
				   R"({"name":"Etc","url":"file:///etc/hostname"})"),
		    422, "url_not_allowed", "url");
	expectError(http_.postJson(url("/api/v1/sources"),
				   R"({"name":"Tmp","url":"file:///tmp/x.m3u"})"),
		    422, "url_not_allowed", "url");
	writeFile(media_ + "/list.m3u", "#EXTM3U\n#EXTINF:-1,Clip\n" + inside + "\n");
	Reply source
		= http_.postJson(url("/api/v1/sources"),
				 R"({"name":"Local","url":"file://)" + media_ + R"(/list.m3u"})");
	ASSERT_EQ(source.status, 201u) << source.body;
	Reply refreshed
		= http_.request("POST",
				url("/api/v1/sources/"
				    + std::to_string(Json(source.body).num("$.id")) + "/refresh"));
	EXPECT_EQ(refreshed.status, 200u) << refreshed.body;
	EXPECT_EQ(Json(refreshed.body).num("$.added"), 1);

	/* Channels: stream and backup URLs. */
	auto channel = [this](const std::string &streamUrl, const std::string &backup = {}) {
		std::string body = R"({"name":"C","stream_url":")" + streamUrl + "\"";
		if (!backup.empty())
			body += R"(,"backup_urls":[")" + backup + "\"]";
		return http_.postJson(url("/api/v1/channels"), body + "}");
	};
	expectError(channel("file:///etc/hostname"), 422, "url_not_allowed", "stream_url");
	expectError(channel("http://x/a.ts", "file:///etc/hostname"), 422, "url_not_allowed",
		    "backup_urls");
	/* Out by "..", by a symlink, by a look-alike prefix. */
	expectError(channel("file://" + media_ + "/../elsewhere/secret.ts"), 422, "url_not_allowed",
		    "stream_url");
	expectError(channel("file://" + media_ + "/%2E%2E/elsewhere/secret.ts"), 422,
		    "url_not_allowed", "stream_url");
	expectError(channel("file://" + media_ + "/link.ts"), 422, "url_not_allowed", "stream_url");
	expectError(channel("file://" + dir_->file("media-not/clip.ts")), 422, "url_not_allowed",
		    "stream_url");
	Reply allowed = channel(inside + "?loop=1", inside);
	EXPECT_EQ(allowed.status, 201u) << allowed.body;

	/* An update is checked as well. */
	const std::string id = std::to_string(Json(allowed.body).num("$.id"));
	expectError(http_.putJson(url("/api/v1/channels/" + id),
				  R"({"stream_url":"file:///etc/passwd"})"),
		    422, "url_not_allowed", "stream_url");
	EXPECT_EQ(Json(http_.get(url("/api/v1/channels/" + id)).body).str("$.stream_url"),
		  inside + "?loop=1");
}

TEST_F(ApiSecurity, UnknownSchemesAreRefused)
{
	for (const char *bad :
	     {"ftp://x/a.ts", "javascript:alert(1)", "gopher://x/1", "data:text/plain,x", "fd://0",
	      "v4l2:///dev/video0", "relative.ts"}) {
		expectError(
			http_.postJson(url("/api/v1/channels"),
				       std::string(R"({"name":"C","stream_url":")") + bad + "\"}"),
			422, "url_not_allowed", "stream_url");
		expectError(http_.postJson(url("/api/v1/sources"),
					   std::string(R"({"name":"S","url":")") + bad + "\"}"),
			    422, "url_not_allowed", "url");
	}
	/* What sluiced plays, and what IPTV lists hand to players, is taken. */
	for (const char *good : {"http://x/a.m3u8", "https://x/a.mpd", "rtsp://cam/1",
				 "udp://@239.0.0.1:1234", "test://smpte?codec=h264"}) {
		Reply reply = http_.postJson(url("/api/v1/channels"),
					     std::string(R"({"name":"C","stream_url":")") + good
						     + "\"}");
		EXPECT_EQ(reply.status, 201u) << good << ": " << reply.body;
	}
}

TEST_F(ApiSecurity, M3uImportSkipsForbiddenFiles)
{
	const std::string list = "#EXTM3U\n"
				 "#EXTINF:-1,Passwords\nfile:///etc/passwd\n"
				 "#EXTINF:-1,Sneaky\nfile://"
		+ media_
		+ "/../elsewhere/secret.ts\n"
		  "#EXTINF:-1,Clip\nfile://"
		+ media_
		+ "/clip.ts\n"
		  "#EXTINF:-1,Web\nhttp://example.invalid/a.ts\n";
	Reply reply
		= http_.request("POST", url("/api/v1/sources?name=Mixed"), list, "audio/x-mpegurl");
	ASSERT_EQ(reply.status, 201u) << reply.body;
	Json json(reply.body);
	EXPECT_EQ(json.num("$.import.added"), 2);
	EXPECT_EQ(json.num("$.import.skipped"), 2);
	const std::vector<std::string> warnings = json.strs("$.import.warnings");
	ASSERT_EQ(warnings.size(), 2u) << reply.body;
	EXPECT_NE(warnings[0].find("\"Passwords\""), std::string::npos) << warnings[0];
	EXPECT_NE(warnings[0].find("outside the media directories"), std::string::npos)
		<< warnings[0];
	EXPECT_NE(warnings[1].find("\"Sneaky\""), std::string::npos) << warnings[1];
	Json channels(
		http_.get(url("/api/v1/channels?source_id=" + std::to_string(json.num("$.id"))))
			.body);
	ASSERT_EQ(channels.size("$"), 2u);
	EXPECT_EQ(channels.str("$[0].name"), "Clip");
	EXPECT_EQ(channels.str("$[1].name"), "Web");
}

/* The admin token: made on first start, private, reused, told once. */
TEST(AdminToken, MadeOncePrivateAndKept)
{
	TempDir dir;
	const std::string state = dir.file("state");
	Sluiced first;
	ASSERT_TRUE(first.start(state)) << first.output();
	const std::string token = tokenIn(state);
	ASSERT_EQ(token.size(), 43u);
	struct stat info {
	};
	ASSERT_EQ(stat((state + "/admin-token").c_str(), &info), 0);
	EXPECT_EQ(info.st_mode & 0777, 0600u);
	EXPECT_EQ(first.stop(), 0);
	const std::string firstOutput = first.output();
	EXPECT_EQ(count(firstOutput, "made the admin token " + token), 1u) << firstOutput;
	EXPECT_NE(firstOutput.find("Authorization: Bearer " + token), std::string::npos);
	EXPECT_NE(firstOutput.find("/api/v1/"), std::string::npos);

	Sluiced second;
	ASSERT_TRUE(second.start(state, "[server]\ntrusted_addresses =\n")) << second.output();
	EXPECT_EQ(tokenIn(state), token);
	Http http;
	EXPECT_EQ(http.get(second.base() + "/api/v1/profiles").status, 401u);
	EXPECT_EQ(
		http.get(second.base() + "/api/v1/profiles", {{"Authorization", "Bearer " + token}})
			.status,
		200u);
	EXPECT_EQ(second.stop(), 0);
	EXPECT_EQ(second.output().find(token), std::string::npos) << second.output();

	/* A configured token replaces it. */
	Sluiced third;
	ASSERT_TRUE(third.start(state, "[server]\ntrusted_addresses =\n", {},
				{{"SLUICE_API_TOKEN", "configured-Token_9"}}))
		<< third.output();
	EXPECT_EQ(
		http.get(third.base() + "/api/v1/profiles", {{"Authorization", "Bearer " + token}})
			.status,
		401u);
	EXPECT_EQ(http.get(third.base() + "/api/v1/profiles",
			   {{"Authorization", "Bearer configured-Token_9"}})
			  .status,
		  200u);
	EXPECT_EQ(third.stop(), 0);
	EXPECT_EQ(tokenIn(state), token);
}

} /* namespace */
