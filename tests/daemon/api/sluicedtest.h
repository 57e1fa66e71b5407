/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The API tests' harness: a real sluiced subprocess on a loopback port, an HTTP client, JSON.
 */

#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

namespace sluice::test {

/* A temporary directory, removed with everything in it. */
class TempDir
{
public:
	TempDir();
	~TempDir();
	const std::string &path() const { return path_; }
	std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
	std::string path_;
};

void writeFile(const std::string &path, const std::string &text);
std::string readFile(const std::string &path);

/* One sluiced process. Its stdout and stderr are collected (see output()). */
class Sluiced
{
public:
	Sluiced() = default;
	~Sluiced();

	/*
	 * Runs sluiced --config CONFIG --listen 127.0.0.1:0 --state-dir stateDir plus args, with
	 * configText as CONFIG and env added to a clean environment. Returns once it logged
	 * "listening on http://...:PORT/" (true), or exited or took 20 s (false).
	 */
	bool start(const std::string &stateDir, const std::string &configText = "",
		   const std::vector<std::string> &args = {},
		   const std::vector<std::pair<std::string, std::string>> &env = {});
	/* SIGTERM and wait; returns the exit status. */
	int stop();
	/* SIGKILL (a crash, a power cut of the process) and wait for it to be gone. */
	void kill();
	/* Waits for exit without signalling; returns the exit status (-1 after 20 s). */
	int wait();

	uint16_t port() const { return port_; }
	/* "http://127.0.0.1:PORT" */
	std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
	std::string output();
	/* Its process id while it runs, else 0. */
	int pid() const;
	/* Process ids of its sluice-ingest children (adaptive sources read isolated). */
	std::vector<int> ingestChildren() const;

	static const char *binary();

private:
	void readOutput(GInputStream *stream);

	GSubprocess *process_ = nullptr;
	std::thread reader_;
	std::mutex lock_; /* guards output_, ended_ */
	std::condition_variable changed_;
	std::string output_;
	bool ended_ = false;
	uint16_t port_ = 0;
	std::string configFile_;
};

struct Reply {
	unsigned status = 0;
	std::string body;
	std::map<std::string, std::string> headers; /* names lower-cased */
	std::string error; /* transport error; status 0 */

	std::string header(const std::string &name) const;
};

/* Synchronous HTTP with libsoup; redirects are not followed. */
class Http
{
public:
	Http();
	~Http();

	Reply request(const std::string &method, const std::string &url,
		      const std::string &body = {}, const std::string &contentType = {},
		      const std::vector<std::pair<std::string, std::string>> &headers = {});
	Reply get(const std::string &url,
		  const std::vector<std::pair<std::string, std::string>> &headers = {})
	{
		return request("GET", url, {}, {}, headers);
	}
	Reply postJson(const std::string &url, const std::string &json)
	{
		return request("POST", url, json, "application/json");
	}
	Reply putJson(const std::string &url, const std::string &json)
	{
		return request("PUT", url, json, "application/json");
	}

private:
	SoupSession *session_;
};

/* Writes raw bytes to 127.0.0.1:port and reads the answer until the server closes. */
std::string rawRequest(uint16_t port, const std::string &bytes);

/*
 * One HTTP/1.1 request from a given local address, e.g. 127.0.0.2: a peer sluiced does not
 * trust when told to trust 127.0.0.1 only (Linux routes all of 127.0.0.0/8 to lo). Redirects
 * are not followed; a chunked body is decoded.
 */
Reply requestFrom(const std::string &localAddress, const std::string &method,
		  const std::string &url,
		  const std::vector<std::pair<std::string, std::string>> &headers = {},
		  const std::string &body = {}, const std::string &contentType = {});

/* url resolved against base, as a player resolves a playlist's URIs. */
std::string resolveUrl(const std::string &base, const std::string &reference);

/* A parsed JSON document, read with JSONPath expressions ("$.error.code", "$[0].id"). */
class Json
{
public:
	explicit Json(const std::string &text);
	~Json();
	Json(const Json &) = delete;
	Json &operator=(const Json &) = delete;

	bool ok() const { return root_ != nullptr; }
	bool has(const char *path) const;
	bool isNull(const char *path) const;
	std::string str(const char *path) const; /* "" when absent or not a string */
	int64_t num(const char *path) const; /* -1 when absent or not a number */
	bool boolean(const char *path) const;
	size_t size(const char *path) const; /* array length or object member count */
	std::vector<int64_t> nums(const char *path) const;
	std::vector<std::string> strs(const char *path) const;

private:
	JsonNode *at(const char *path) const; /* a new node, or null */

	JsonParser *parser_;
	JsonNode *root_ = nullptr;
};

/* A little HTTP server of the test's own, on its own thread, serving texts by path. */
class FileServer
{
public:
	FileServer();
	~FileServer();
	void set(const std::string &path, const std::string &body, unsigned status = 200);
	std::string url(const std::string &path) const;
	/* The User-Agent of the last request. */
	std::string lastUserAgent();

private:
	static void handle(SoupServer *, SoupServerMessage *, const char *, GHashTable *, gpointer);

	GMainContext *context_;
	GMainLoop *loop_;
	SoupServer *server_ = nullptr;
	std::thread thread_;
	uint16_t port_ = 0;
	std::mutex lock_; /* guards files_, userAgent_ */
	std::map<std::string, std::pair<unsigned, std::string>> files_;
	std::string userAgent_;
};

/* The URI of a multivariant playlist's first variant (after #EXT-X-STREAM-INF); "" if none. */
std::string firstVariantUri(const std::string &master);

/* The ids of every channel, as GET /api/v1/channels lists them (by id). */
std::vector<std::string> channelIds(Http &http, const std::string &base);

/* A subprocess run to completion: exit status and its stdout and stderr, merged. */
struct CommandRun {
	int status = -1; /* -1 when it could not start (out then says why) */
	std::string out;
};
CommandRun runCommand(const std::vector<std::string> &argv);

} /* namespace sluice::test */
