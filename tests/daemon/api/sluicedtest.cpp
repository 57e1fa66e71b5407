/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The API tests' harness: a real sluiced subprocess, an HTTP client, JSON, a file server.
 */

#include "sluicedtest.h"

#include "childprocesses.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <regex>

#include <glib/gstdio.h>

namespace sluice::test {

/* TempDir */

TempDir::TempDir()
{
	g_autofree char *dir = g_dir_make_tmp("sluice-api-XXXXXX", nullptr);
	path_ = dir ? dir : "";
}

TempDir::~TempDir()
{
	if (path_.empty())
		return;
	g_autoptr(GFile) root = g_file_new_for_path(path_.c_str());
	std::vector<GFile *> stack {G_FILE(g_object_ref(root))};
	std::vector<GFile *> order;
	while (!stack.empty()) {
		GFile *file = stack.back();
		stack.pop_back();
		order.push_back(file);
		g_autoptr(GFileEnumerator) children = g_file_enumerate_children(
			file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
			nullptr, nullptr);
		if (!children)
			continue;
		while (GFileInfo *info = g_file_enumerator_next_file(children, nullptr, nullptr)) {
			stack.push_back(g_file_get_child(file, g_file_info_get_name(info)));
			g_object_unref(info);
		}
	}
	for (auto it = order.rbegin(); it != order.rend(); ++it) {
		g_file_delete(*it, nullptr, nullptr);
		g_object_unref(*it);
	}
}

void writeFile(const std::string &path, const std::string &text)
{
	g_file_set_contents(path.c_str(), text.data(), static_cast<gssize>(text.size()), nullptr);
}

std::string readFile(const std::string &path)
{
	g_autofree char *data = nullptr;
	gsize length = 0;
	if (!g_file_get_contents(path.c_str(), &data, &length, nullptr))
		return {};
	return std::string(data, length);
}

/* Sluiced */

const char *Sluiced::binary()
{
	return SLUICED_PATH;
}

Sluiced::~Sluiced()
{
	if (process_)
		stop();
}

void Sluiced::readOutput(GInputStream *stream)
{
	char buffer[4096];
	while (true) {
		gssize n = g_input_stream_read(stream, buffer, sizeof(buffer), nullptr, nullptr);
		std::lock_guard<std::mutex> guard(lock_);
		if (n <= 0) {
			ended_ = true;
			changed_.notify_all();
			return;
		}
		output_.append(buffer, static_cast<size_t>(n));
		changed_.notify_all();
	}
}

bool Sluiced::start(const std::string &stateDir, const std::string &configText,
		    const std::vector<std::string> &args,
		    const std::vector<std::pair<std::string, std::string>> &env)
{
	configFile_ = stateDir + ".conf";
	g_autofree char *parent = g_path_get_dirname(configFile_.c_str());
	g_mkdir_with_parents(parent, 0700);
	writeFile(configFile_, configText);

	g_autoptr(GSubprocessLauncher) launcher
		= g_subprocess_launcher_new(static_cast<GSubprocessFlags>(
			G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE));
	for (const char *name :
	     {"NOTIFY_SOCKET", "STATE_DIRECTORY", "CONFIGURATION_DIRECTORY", "SLUICE_CONFIG",
	      "SLUICE_SOURCE_ROOT", "SLUICE_GOLDEN_DIR", "SLUICE_API_TOKEN",
	      "SLUICE_TRUSTED_ADDRESSES", "SLUICE_MEDIA_DIRS", "SLUICE_CLIENT_RULES", "SLUICE_DEMO",
	      "SLUICE_LISTEN", "SLUICE_STATE_DIR", "SLUICE_LOG_LEVEL", "WATCHDOG_USEC",
	      "JOURNAL_STREAM"})
		g_subprocess_launcher_unsetenv(launcher, name);
	for (const auto &[name, value] : env)
		g_subprocess_launcher_setenv(launcher, name.c_str(), value.c_str(), TRUE);

	std::vector<std::string> argv = {binary(),	"--config",    configFile_, "--listen",
					 "127.0.0.1:0", "--state-dir", stateDir};
	argv.insert(argv.end(), args.begin(), args.end());
	std::vector<const char *> cargv;
	for (const std::string &arg : argv)
		cargv.push_back(arg.c_str());
	cargv.push_back(nullptr);

	{
		std::lock_guard<std::mutex> guard(lock_);
		output_.clear();
		ended_ = false;
	}
	g_autoptr(GError) error = nullptr;
	process_ = g_subprocess_launcher_spawnv(launcher, cargv.data(), &error);
	if (!process_) {
		output_ = error->message;
		return false;
	}
	GInputStream *stream = g_subprocess_get_stdout_pipe(process_);
	reader_ = std::thread([this, stream] { readOutput(stream); });

	static const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+)/)");
	std::unique_lock<std::mutex> guard(lock_);
	const bool found = changed_.wait_for(guard, std::chrono::seconds(20), [this] {
		return ended_ || std::regex_search(output_, listening);
	});
	std::smatch match;
	if (!found || !std::regex_search(output_, match, listening))
		return false;
	port_ = static_cast<uint16_t>(std::stoi(match[1].str()));
	return true;
}

int Sluiced::wait()
{
	if (!process_)
		return -1;
	/* A sluiced that does not stop hangs the test until meson's timeout: that is a failure
	 * worth seeing as such. */
	g_subprocess_wait(process_, nullptr, nullptr);
	int status = g_subprocess_get_if_exited(process_) ? g_subprocess_get_exit_status(process_)
							  : -1;
	if (reader_.joinable())
		reader_.join();
	g_clear_object(&process_);
	return status;
}

int Sluiced::stop()
{
	if (!process_)
		return -1;
	g_subprocess_send_signal(process_, SIGTERM);
	return wait();
}

int Sluiced::pid() const
{
	const char *id = process_ ? g_subprocess_get_identifier(process_) : nullptr;
	return id ? atoi(id) : 0;
}

std::vector<int> Sluiced::ingestChildren() const
{
	return childProcesses(pid(), "sluice-ingest");
}

void Sluiced::kill()
{
	if (!process_)
		return;
	g_subprocess_force_exit(process_);
	wait();
}

std::string Sluiced::output()
{
	std::lock_guard<std::mutex> guard(lock_);
	return output_;
}

/* Reply, Http */

std::string Reply::header(const std::string &name) const
{
	std::string key = name;
	std::transform(key.begin(), key.end(), key.begin(),
		       [](unsigned char c) { return static_cast<char>(g_ascii_tolower(c)); });
	auto it = headers.find(key);
	return it == headers.end() ? std::string() : it->second;
}

Http::Http() : session_(soup_session_new_with_options("timeout", 30, nullptr))
{
}

Http::~Http()
{
	g_object_unref(session_);
}

Reply Http::request(const std::string &method, const std::string &url, const std::string &body,
		    const std::string &contentType,
		    const std::vector<std::pair<std::string, std::string>> &headers)
{
	Reply reply;
	g_autoptr(SoupMessage) message = soup_message_new(method.c_str(), url.c_str());
	if (!message) {
		reply.error = "bad URL " + url;
		return reply;
	}
	soup_message_add_flags(message, SOUP_MESSAGE_NO_REDIRECT);
	SoupMessageHeaders *requestHeaders = soup_message_get_request_headers(message);
	for (const auto &[name, value] : headers)
		soup_message_headers_replace(requestHeaders, name.c_str(), value.c_str());
	if (!body.empty() || !contentType.empty()) {
		g_autoptr(GBytes) bytes = g_bytes_new(body.data(), body.size());
		soup_message_set_request_body_from_bytes(
			message, contentType.empty() ? nullptr : contentType.c_str(), bytes);
	}
	g_autoptr(GError) error = nullptr;
	g_autoptr(GBytes) response = soup_session_send_and_read(session_, message, nullptr, &error);
	if (!response) {
		reply.error = error ? error->message : "no response";
		return reply;
	}
	reply.status = soup_message_get_status(message);
	gsize size = 0;
	const auto *data = static_cast<const char *>(g_bytes_get_data(response, &size));
	reply.body.assign(data ? data : "", size);
	SoupMessageHeadersIter iter;
	soup_message_headers_iter_init(&iter, soup_message_get_response_headers(message));
	const char *name = nullptr;
	const char *value = nullptr;
	while (soup_message_headers_iter_next(&iter, &name, &value)) {
		std::string key = name;
		std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) {
			return static_cast<char>(g_ascii_tolower(c));
		});
		reply.headers[key] = value;
	}
	return reply;
}

std::string rawRequest(uint16_t port, const std::string &bytes)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_socket_client_set_timeout(client, 10);
	g_autoptr(GSocketConnection) connection
		= g_socket_client_connect_to_host(client, "127.0.0.1", port, nullptr, nullptr);
	if (!connection)
		return {};
	GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(connection));
	gsize written = 0;
	/* The server may answer and close before everything is written: that is the point. */
	g_output_stream_write_all(out, bytes.data(), bytes.size(), &written, nullptr, nullptr);
	GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(connection));
	std::string answer;
	char buffer[4096];
	while (true) {
		gssize n = g_input_stream_read(in, buffer, sizeof(buffer), nullptr, nullptr);
		if (n <= 0)
			break;
		answer.append(buffer, static_cast<size_t>(n));
		/* Headers and a Content-Length body: done once the body is in. */
		size_t end = answer.find("\r\n\r\n");
		if (end != std::string::npos) {
			std::smatch match;
			static const std::regex length("Content-Length: (\\d+)", std::regex::icase);
			std::string head = answer.substr(0, end);
			if (std::regex_search(head, match, length)
			    && answer.size() >= end + 4 + std::stoul(match[1].str()))
				break;
		}
	}
	return answer;
}

Reply requestFrom(const std::string &localAddress, const std::string &method,
		  const std::string &url,
		  const std::vector<std::pair<std::string, std::string>> &headers,
		  const std::string &body, const std::string &contentType)
{
	Reply reply;
	g_autoptr(GUri) uri = g_uri_parse(url.c_str(), G_URI_FLAGS_ENCODED, nullptr);
	if (!uri || !g_uri_get_host(uri)) {
		reply.error = "bad URL " + url;
		return reply;
	}
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_socket_client_set_timeout(client, 30);
	g_autoptr(GInetAddress) local = g_inet_address_new_from_string(localAddress.c_str());
	g_autoptr(GSocketAddress) bind = g_inet_socket_address_new(local, 0);
	g_socket_client_set_local_address(client, bind);
	g_autoptr(GError) error = nullptr;
	g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host(
		client, g_uri_get_host(uri), static_cast<guint16>(g_uri_get_port(uri)), nullptr,
		&error);
	if (!connection) {
		reply.error = error->message;
		return reply;
	}

	std::string target = g_uri_get_path(uri);
	if (const char *query = g_uri_get_query(uri))
		target += std::string("?") + query;
	std::string request = method + " " + target + " HTTP/1.1\r\nHost: " + g_uri_get_host(uri)
		+ ":" + std::to_string(g_uri_get_port(uri)) + "\r\nConnection: close\r\n";
	for (const auto &[name, value] : headers)
		request += name + ": " + value + "\r\n";
	if (!contentType.empty())
		request += "Content-Type: " + contentType + "\r\n";
	if (!body.empty() || !contentType.empty())
		request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
	request += "\r\n" + body;
	GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(connection));
	if (!g_output_stream_write_all(out, request.data(), request.size(), nullptr, nullptr,
				       &error)) {
		reply.error = error->message;
		return reply;
	}

	/* Connection: close: the answer ends where the stream does. */
	GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(connection));
	std::string answer;
	char buffer[16384];
	while (true) {
		gssize n = g_input_stream_read(in, buffer, sizeof(buffer), nullptr, nullptr);
		if (n <= 0)
			break;
		answer.append(buffer, static_cast<size_t>(n));
	}
	const size_t end = answer.find("\r\n\r\n");
	if (end == std::string::npos || !answer.starts_with("HTTP/1.")) {
		reply.error = "no HTTP answer";
		return reply;
	}
	std::string head = answer.substr(0, end);
	reply.body = answer.substr(end + 4);
	size_t line = head.find("\r\n");
	reply.status = static_cast<unsigned>(std::atoi(head.c_str() + head.find(' ') + 1));
	while (line != std::string::npos) {
		const size_t next = head.find("\r\n", line + 2);
		const std::string field = head.substr(line + 2, next - line - 2);
		line = next;
		const size_t colon = field.find(':');
		if (colon == std::string::npos)
			continue;
		std::string name = field.substr(0, colon);
		std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
			return static_cast<char>(g_ascii_tolower(c));
		});
		reply.headers[name] = field.substr(field.find_first_not_of(' ', colon + 1));
	}
	if (reply.header("Transfer-Encoding") == "chunked") {
		std::string decoded;
		size_t at = 0;
		while (at < reply.body.size()) {
			const size_t size = std::strtoul(reply.body.c_str() + at, nullptr, 16);
			const size_t data = reply.body.find("\r\n", at);
			if (size == 0 || data == std::string::npos)
				break;
			decoded += reply.body.substr(data + 2, size);
			at = data + 2 + size + 2;
		}
		reply.body = decoded;
	}
	return reply;
}

std::string resolveUrl(const std::string &base, const std::string &reference)
{
	g_autoptr(GError) error = nullptr;
	g_autofree char *resolved = g_uri_resolve_relative(base.c_str(), reference.c_str(),
							   G_URI_FLAGS_ENCODED, &error);
	return resolved ? resolved : "";
}

/* Json */

Json::Json(const std::string &text) : parser_(json_parser_new())
{
	if (json_parser_load_from_data(parser_, text.data(), static_cast<gssize>(text.size()),
				       nullptr))
		root_ = json_parser_get_root(parser_);
}

Json::~Json()
{
	g_object_unref(parser_);
}

JsonNode *Json::at(const char *path) const
{
	if (!root_)
		return nullptr;
	g_autoptr(JsonNode) matches = json_path_query(path, root_, nullptr);
	if (!matches || !JSON_NODE_HOLDS_ARRAY(matches))
		return nullptr;
	JsonArray *array = json_node_get_array(matches);
	if (json_array_get_length(array) == 0)
		return nullptr;
	return json_node_copy(json_array_get_element(array, 0));
}

bool Json::has(const char *path) const
{
	g_autoptr(JsonNode) node = at(path);
	return node != nullptr;
}

bool Json::isNull(const char *path) const
{
	g_autoptr(JsonNode) node = at(path);
	return node && JSON_NODE_HOLDS_NULL(node);
}

std::string Json::str(const char *path) const
{
	g_autoptr(JsonNode) node = at(path);
	if (!node || !JSON_NODE_HOLDS_VALUE(node)
	    || json_node_get_value_type(node) != G_TYPE_STRING)
		return {};
	return json_node_get_string(node);
}

int64_t Json::num(const char *path) const
{
	g_autoptr(JsonNode) node = at(path);
	if (!node || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_INT64)
		return -1;
	return json_node_get_int(node);
}

bool Json::boolean(const char *path) const
{
	g_autoptr(JsonNode) node = at(path);
	return node && JSON_NODE_HOLDS_VALUE(node)
		&& json_node_get_value_type(node) == G_TYPE_BOOLEAN && json_node_get_boolean(node);
}

size_t Json::size(const char *path) const
{
	g_autoptr(JsonNode) node = at(path);
	if (node && JSON_NODE_HOLDS_ARRAY(node))
		return json_array_get_length(json_node_get_array(node));
	if (node && JSON_NODE_HOLDS_OBJECT(node))
		return json_object_get_size(json_node_get_object(node));
	return 0;
}

std::vector<int64_t> Json::nums(const char *path) const
{
	std::vector<int64_t> out;
	g_autoptr(JsonNode) node = at(path);
	if (!node || !JSON_NODE_HOLDS_ARRAY(node))
		return out;
	JsonArray *array = json_node_get_array(node);
	for (guint i = 0; i < json_array_get_length(array); i++)
		out.push_back(json_array_get_int_element(array, i));
	return out;
}

std::vector<std::string> Json::strs(const char *path) const
{
	std::vector<std::string> out;
	g_autoptr(JsonNode) node = at(path);
	if (!node || !JSON_NODE_HOLDS_ARRAY(node))
		return out;
	JsonArray *array = json_node_get_array(node);
	for (guint i = 0; i < json_array_get_length(array); i++)
		out.emplace_back(json_array_get_string_element(array, i));
	return out;
}

/* FileServer */

FileServer::FileServer() : context_(g_main_context_new()), loop_(g_main_loop_new(context_, FALSE))
{
	g_main_context_push_thread_default(context_);
	server_ = soup_server_new(nullptr, nullptr);
	soup_server_add_handler(server_, nullptr, handle, this, nullptr);
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, 0);
	soup_server_listen(server_, address, static_cast<SoupServerListenOptions>(0), nullptr);
	GSList *uris = soup_server_get_uris(server_);
	if (uris)
		port_ = static_cast<uint16_t>(g_uri_get_port(static_cast<GUri *>(uris->data)));
	g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
	g_main_context_pop_thread_default(context_);
	thread_ = std::thread([this] {
		g_main_context_push_thread_default(context_);
		g_main_loop_run(loop_);
		g_main_context_pop_thread_default(context_);
	});
}

FileServer::~FileServer()
{
	g_main_context_invoke(
		context_,
		[](gpointer loop) {
			g_main_loop_quit(static_cast<GMainLoop *>(loop));
			return G_SOURCE_REMOVE;
		},
		loop_);
	thread_.join();
	g_main_context_push_thread_default(context_);
	soup_server_disconnect(server_);
	g_object_unref(server_);
	g_main_context_pop_thread_default(context_);
	g_main_loop_unref(loop_);
	g_main_context_unref(context_);
}

void FileServer::set(const std::string &path, const std::string &body, unsigned status)
{
	std::lock_guard<std::mutex> guard(lock_);
	files_[path] = {status, body};
}

std::string FileServer::url(const std::string &path) const
{
	return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string FileServer::lastUserAgent()
{
	std::lock_guard<std::mutex> guard(lock_);
	return userAgent_;
}

void FileServer::handle(SoupServer *, SoupServerMessage *message, const char *path, GHashTable *,
			gpointer data)
{
	auto *self = static_cast<FileServer *>(data);
	std::lock_guard<std::mutex> guard(self->lock_);
	const char *userAgent = soup_message_headers_get_one(
		soup_server_message_get_request_headers(message), "User-Agent");
	self->userAgent_ = userAgent ? userAgent : "";
	auto it = self->files_.find(path);
	if (it == self->files_.end()) {
		soup_server_message_set_status(message, 404, nullptr);
		return;
	}
	soup_server_message_set_status(message, it->second.first, nullptr);
	soup_server_message_set_response(message, "audio/x-mpegurl", SOUP_MEMORY_COPY,
					 it->second.second.data(), it->second.second.size());
}

CommandRun runCommand(const std::vector<std::string> &argv)
{
	std::vector<const char *> args;
	for (const std::string &arg : argv)
		args.push_back(arg.c_str());
	args.push_back(nullptr);
	g_autoptr(GError) error = nullptr;
	g_autoptr(GSubprocess) process = g_subprocess_newv(
		args.data(),
		static_cast<GSubprocessFlags>(G_SUBPROCESS_FLAGS_STDOUT_PIPE
					      | G_SUBPROCESS_FLAGS_STDERR_MERGE),
		&error);
	CommandRun result;
	if (!process) {
		result.out = error->message;
		return result;
	}
	g_autofree char *out = nullptr;
	g_subprocess_communicate_utf8(process, nullptr, nullptr, &out, nullptr, nullptr);
	result.status = g_subprocess_get_exit_status(process);
	result.out = out ? out : "";
	return result;
}

std::string firstVariantUri(const std::string &master)
{
	const size_t tag = master.find("#EXT-X-STREAM-INF");
	const size_t line = tag == std::string::npos ? tag : master.find('\n', tag);
	if (line == std::string::npos)
		return {};
	return master.substr(line + 1, master.find('\n', line + 1) - line - 1);
}

std::vector<std::string> channelIds(Http &http, const std::string &base)
{
	Json channels(http.get(base + "/api/v1/channels").body);
	std::vector<std::string> ids;
	for (size_t i = 0; i < channels.size("$"); i++)
		ids.push_back(
			std::to_string(channels.num(("$[" + std::to_string(i) + "].id").c_str())));
	return ids;
}

} /* namespace sluice::test */
