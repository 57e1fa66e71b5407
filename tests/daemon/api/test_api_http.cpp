/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What every request goes through: unknown paths and methods, body limits and types, the API
 * token, health, metrics, and the route table against data/openapi.yaml.
 */

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr char kConfig[] = "[server]\nmax_body_bytes = 16K\nmax_upload_bytes = 64K\n";

class ApiHttp : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		ASSERT_TRUE(sluiced_->start(dir_->file("state"), kConfig)) << sluiced_->output();
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
	}

	std::string url(const std::string &path) const { return sluiced_->base() + path; }

	static TempDir *dir_;
	static Sluiced *sluiced_;
	Http http_;
};

TempDir *ApiHttp::dir_ = nullptr;
Sluiced *ApiHttp::sluiced_ = nullptr;

std::string errorCode(const Reply &reply)
{
	return Json(reply.body).str("$.error.code");
}

TEST_F(ApiHttp, UnknownPathsAreJson404)
{
	for (const char *path : {"/api/v1/nothing", "/api/v2/profiles", "/api/v1/profiles/1/x",
				 "/nothing", "/proxy/", "/live/demo"}) {
		Reply reply = http_.get(url(path));
		EXPECT_EQ(reply.status, 404u) << path;
		EXPECT_EQ(errorCode(reply), "not_found") << path << ": " << reply.body;
	}
	Reply noProxy = http_.get(url("/proxy/nobody.m3u"));
	EXPECT_EQ(noProxy.status, 404u);
	EXPECT_EQ(errorCode(noProxy), "not_found");
}

TEST_F(ApiHttp, WrongMethodIs405WithAllow)
{
	Reply reply = http_.request("PATCH", url("/api/v1/profiles"));
	EXPECT_EQ(reply.status, 405u);
	EXPECT_EQ(errorCode(reply), "method_not_allowed");
	EXPECT_EQ(reply.header("Allow"), "GET, HEAD, POST");

	Reply item = http_.request("POST", url("/api/v1/profiles/1"), "{}", "application/json");
	EXPECT_EQ(item.status, 405u);
	EXPECT_EQ(item.header("Allow"), "GET, HEAD, PUT, DELETE");

	Reply health = http_.request("DELETE", url("/healthz"));
	EXPECT_EQ(health.status, 405u);
	EXPECT_EQ(health.header("Allow"), "GET, HEAD");
}

TEST_F(ApiHttp, DeclaredOversizedBodyIsRefusedUnread)
{
	/* Headers only: the 100 MB never come. A server that waited for them would time out. */
	std::string answer = rawRequest(sluiced_->port(),
					"POST /api/v1/profiles HTTP/1.1\r\nHost: x\r\n"
					"Content-Type: application/json\r\n"
					"Content-Length: 100000000\r\n\r\n{\"name\":");
	EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
	EXPECT_NE(answer.find("payload_too_large"), std::string::npos) << answer;

	/* Uploads have their own, larger limit. */
	answer = rawRequest(sluiced_->port(),
			    "POST /api/v1/sources?name=big HTTP/1.1\r\nHost: x\r\n"
			    "Content-Type: audio/x-mpegurl\r\n"
			    "Content-Length: 70000\r\n\r\n#EXTM3U\n");
	EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
	EXPECT_NE(answer.find("max_upload_bytes"), std::string::npos) << answer;
}

TEST_F(ApiHttp, OversizedBodies)
{
	/* Over max_body_bytes with a Content-Length. */
	std::string big = R"({"name":"big","description":")" + std::string(20000, 'x') + "\"}";
	/* With Expect: 100-continue the client waits for the verdict before sending. */
	Reply reply = http_.request("POST", url("/api/v1/profiles"), big, "application/json",
				    {{"Expect", "100-continue"}});
	EXPECT_EQ(reply.status, 413u) << reply.body << reply.error;

	/* Chunked, so only the body's actual length tells. */
	std::string chunk(20000, ' ');
	char size[16];
	g_snprintf(size, sizeof(size), "%zx", chunk.size());
	std::string answer
		= rawRequest(sluiced_->port(),
			     "POST /api/v1/profiles HTTP/1.1\r\nHost: x\r\n"
			     "Content-Type: application/json\r\n"
			     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
				     + std::string(size) + "\r\n" + chunk + "\r\n0\r\n\r\n");
	EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;

	/* Under the upload limit an M3U body is fine, over the JSON limit or not. */
	std::string list = "#EXTM3U\n";
	for (int i = 0; list.size() < 40000; i++)
		list += "#EXTINF:-1 tvg-id=\"c" + std::to_string(i) + "\",Channel "
			+ std::to_string(i) + "\nhttp://up.example/" + std::to_string(i) + ".ts\n";
	Reply upload = http_.request("POST", url("/api/v1/sources?name=Forty%20K"), list,
				     "audio/x-mpegurl");
	EXPECT_EQ(upload.status, 201u) << upload.body;
	EXPECT_GT(Json(upload.body).num("$.import.added"), 500);
}

TEST_F(ApiHttp, BodiesMustBeJson)
{
	Reply text
		= http_.request("POST", url("/api/v1/channels"), R"({"name":"x"})", "text/plain");
	EXPECT_EQ(text.status, 415u);
	EXPECT_EQ(errorCode(text), "unsupported_media_type");
	Reply none = http_.request("PUT", url("/api/v1/profiles/1"), R"({"name":"x"})",
				   "application/x-www-form-urlencoded");
	EXPECT_EQ(none.status, 415u);
	Reply charset = http_.request("POST", url("/api/v1/channels"),
				      R"({"name":"x","stream_url":"http://x/"})",
				      "application/json; charset=utf-8");
	EXPECT_EQ(charset.status, 201u) << charset.body;
	Reply empty = http_.request("POST", url("/api/v1/proxies"));
	EXPECT_EQ(empty.status, 400u);
	EXPECT_EQ(errorCode(empty), "invalid_json");
}

TEST_F(ApiHttp, Healthz)
{
	Reply reply = http_.get(url("/healthz"));
	ASSERT_EQ(reply.status, 200u);
	Json json(reply.body);
	EXPECT_EQ(json.str("$.status"), "ok");
	EXPECT_EQ(json.str("$.database"), "ok");
	EXPECT_EQ(http_.request("HEAD", url("/healthz")).status, 200u);
}

int64_t requestsTotal(const std::string &metrics, const std::string &labels)
{
	std::regex line("sluice_http_requests_total\\{" + labels + "\\} (\\d+)");
	std::smatch match;
	return std::regex_search(metrics, match, line) ? std::stoll(match[1].str()) : 0;
}

TEST_F(ApiHttp, MetricsInPrometheusFormat)
{
	http_.get(url("/api/v1/profiles/1"));
	Reply first = http_.get(url("/metrics"));
	ASSERT_EQ(first.status, 200u);
	EXPECT_EQ(first.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
	const std::string &text = first.body;
	EXPECT_NE(text.find("# TYPE sluice_http_requests_total counter"), std::string::npos);
	EXPECT_NE(text.find("# TYPE sluice_http_request_duration_seconds histogram"),
		  std::string::npos);
	EXPECT_TRUE(
		std::regex_search(text, std::regex(R"(sluice_build_info\{version="[0-9.]+"\} 1)")));
	EXPECT_TRUE(std::regex_search(text, std::regex(R"(\nsluice_uptime_seconds [0-9.]+\n)")));
	for (const char *gauge : {"sluice_sources", "sluice_channels", "sluice_proxies"})
		EXPECT_TRUE(
			std::regex_search(text, std::regex(std::string("\n") + gauge + " \\d+\n")))
			<< gauge;
	EXPECT_TRUE(std::regex_search(text, std::regex("\nsluice_profiles [3-9]\\d*\n")));
	EXPECT_TRUE(std::regex_search(
		text,
		std::regex(
			R"(sluice_http_request_duration_seconds_bucket\{route="/api/v1/profiles/\{id\}",le="\+Inf"\} \d+)")));
	/* Counted per route pattern, never per raw path. */
	EXPECT_EQ(text.find("/api/v1/profiles/1\""), std::string::npos);
	/* Every line is a comment or "name{labels} value". */
	std::regex sample(R"(^[a-z_]+(\{.*\})? [-+0-9.eEInfNa]+$)");
	size_t start = 0;
	while (start < text.size()) {
		size_t end = text.find('\n', start);
		std::string line = text.substr(start, end - start);
		if (!line.empty() && line[0] != '#') {
			EXPECT_TRUE(std::regex_match(line, sample)) << line;
		}
		start = end == std::string::npos ? text.size() : end + 1;
	}

	const std::string labels = R"(route="/api/v1/profiles/\{id\}",method="GET",code="200")";
	const int64_t before = requestsTotal(text, labels);
	EXPECT_GE(before, 1);
	http_.get(url("/api/v1/profiles/1"));
	http_.get(url("/api/v1/profiles/2"));
	Reply second = http_.get(url("/metrics"));
	EXPECT_EQ(requestsTotal(second.body, labels), before + 2);
	EXPECT_GE(requestsTotal(second.body, R"(route="/metrics",method="GET",code="200")"), 1);
}

/* The route table (sluiced --print-routes) and the paths of data/openapi.yaml. */
std::set<std::string> serverRoutes()
{
	g_autofree char *out = nullptr;
	gint status = -1;
	const char *argv[] = {Sluiced::binary(), "--print-routes", nullptr};
	g_spawn_sync(nullptr, const_cast<char **>(argv), nullptr, G_SPAWN_DEFAULT, nullptr, nullptr,
		     &out, nullptr, &status, nullptr);
	std::set<std::string> routes;
	std::string text = out ? out : "";
	size_t start = 0;
	while (start < text.size()) {
		size_t end = text.find('\n', start);
		std::string line = text.substr(start, end - start);
		if (!line.empty())
			routes.insert(line);
		start = end == std::string::npos ? text.size() : end + 1;
	}
	return routes;
}

/* "  /path:" opens a path, "    get:" names a method of it (the file keeps that layout). */
std::set<std::string> openApiRoutes(const std::string &yaml)
{
	std::set<std::string> routes;
	std::regex pathLine(R"(^  (/\S*):\s*$)");
	std::regex methodLine(R"(^    (get|put|post|delete|head|patch|options):\s*$)");
	std::string path;
	bool inPaths = false;
	size_t start = 0;
	while (start < yaml.size()) {
		size_t end = yaml.find('\n', start);
		std::string line = yaml.substr(start, end - start);
		start = end == std::string::npos ? yaml.size() : end + 1;
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
		if (!line.empty() && line[0] != ' ' && line[0] != '#') {
			inPaths = line.starts_with("paths:");
			continue;
		}
		std::smatch match;
		if (!inPaths)
			continue;
		if (std::regex_match(line, match, pathLine)) {
			path = match[1].str();
		} else if (!path.empty() && std::regex_match(line, match, methodLine)) {
			std::string method = match[1].str();
			for (char &c : method)
				c = static_cast<char>(g_ascii_toupper(c));
			routes.insert(method + " " + path);
		}
	}
	return routes;
}

TEST_F(ApiHttp, EveryRouteIsInTheOpenApiDocument)
{
	const char *root = g_getenv("SLUICE_SOURCE_ROOT");
	ASSERT_NE(root, nullptr);
	const std::string yaml = readFile(std::string(root) + "/data/openapi.yaml");
	ASSERT_FALSE(yaml.empty());
	const std::set<std::string> documented = openApiRoutes(yaml);
	const std::set<std::string> served = serverRoutes();
	ASSERT_GE(served.size(), 20u);
	for (const std::string &route : served)
		EXPECT_TRUE(documented.count(route)) << route << " is not in data/openapi.yaml";
	for (const std::string &route : documented)
		EXPECT_TRUE(served.count(route)) << route << " is documented but not served";

	Reply reply = http_.get(url("/api/v1/openapi.yaml"));
	ASSERT_EQ(reply.status, 200u);
	EXPECT_EQ(reply.header("Content-Type"), "application/yaml");
	EXPECT_EQ(reply.body, yaml);
}

/* With nobody trusted, this machine needs the configured token too. */
TEST(ApiToken, ProtectsTheApiOnly)
{
	TempDir dir;
	Sluiced sluiced;
	ASSERT_TRUE(sluiced.start(dir.file("state"),
				  "[server]\napi_token = s3cret-Token_1\ntrusted_addresses =\n",
				  {"--demo"}))
		<< sluiced.output();
	Http http;
	const std::string profiles = sluiced.base() + "/api/v1/profiles";

	Reply none = http.get(profiles);
	EXPECT_EQ(none.status, 401u);
	EXPECT_EQ(errorCode(none), "unauthorized");
	EXPECT_TRUE(none.header("WWW-Authenticate").starts_with("Bearer"))
		<< none.header("WWW-Authenticate");
	Reply wrong = http.get(profiles, {{"Authorization", "Bearer s3cret-Token_2"}});
	EXPECT_EQ(wrong.status, 401u);
	Reply prefix = http.get(profiles, {{"Authorization", "Bearer s3cret-Token"}});
	EXPECT_EQ(prefix.status, 401u);
	Reply basic = http.get(profiles, {{"Authorization", "Basic czNjcmV0LVRva2VuXzE="}});
	EXPECT_EQ(basic.status, 401u);
	Reply right = http.get(profiles, {{"Authorization", "Bearer s3cret-Token_1"}});
	EXPECT_EQ(right.status, 200u) << right.body;
	Reply scheme = http.get(profiles, {{"Authorization", "bearer s3cret-Token_1"}});
	EXPECT_EQ(scheme.status, 200u);
	/* Refused before the body is looked at. */
	Reply post = http.postJson(profiles, R"({"name":"x"})");
	EXPECT_EQ(post.status, 401u);
	EXPECT_EQ(http.get(sluiced.base() + "/api/v1/nothing").status, 401u);

	/* Players and health checks need no token; metrics name channels and clients. */
	EXPECT_EQ(http.get(sluiced.base() + "/healthz").status, 200u);
	EXPECT_EQ(http.get(sluiced.base() + "/metrics").status, 401u);
	EXPECT_EQ(
		http.get(sluiced.base() + "/metrics", {{"Authorization", "Bearer s3cret-Token_1"}})
			.status,
		200u);
	EXPECT_EQ(http.get(sluiced.base() + "/proxy/demo.m3u").status, 200u);
	EXPECT_EQ(http.get(sluiced.base() + "/live/direct/1").status, 302u);
	/* The configured token is used; no admin-token file is made. */
	EXPECT_FALSE(g_file_test(dir.file("state/admin-token").c_str(), G_FILE_TEST_EXISTS));
	EXPECT_EQ(sluiced.stop(), 0);
	EXPECT_EQ(sluiced.output().find("s3cret-Token_1"), std::string::npos) << sluiced.output();
}

} /* namespace */
