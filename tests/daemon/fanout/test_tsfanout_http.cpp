/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The TS fan-out end to end: a libsoup server in the test process, an x264 TS pushed in chunks,
 * libsoup clients, ffprobe on the URL, and a raw socket that never reads.
 */

#include <gtest/gtest.h>

#include <sys/socket.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "souptssink.h"
#include "tsfanout.h"

using namespace sluice;

namespace {

/* Runs the default main context until done() or the timeout; false on timeout. */
bool iterateUntil(const std::function<bool()> &done, int timeoutMs)
{
	int64_t deadline = g_get_monotonic_time() + int64_t {timeoutMs} * 1000;
	guint tick = g_timeout_add(
		5, [](gpointer) -> gboolean { return G_SOURCE_CONTINUE; }, nullptr);
	bool ok = true;
	while (!done()) {
		if (g_get_monotonic_time() > deadline) {
			ok = false;
			break;
		}
		g_main_context_iteration(nullptr, TRUE);
	}
	g_source_remove(tick);
	return ok;
}

void iterateFor(int ms)
{
	int64_t until = g_get_monotonic_time() + int64_t {ms} * 1000;
	iterateUntil([&] { return g_get_monotonic_time() >= until; }, ms + 1000);
}

std::string readFile(const std::string &path)
{
	g_autofree char *contents = nullptr;
	gsize length = 0;
	if (!g_file_get_contents(path.c_str(), &contents, &length, nullptr))
		return {};
	return std::string(contents, length);
}

/* Runs argv to completion; its stdout, stderr and whether it exited 0. */
struct ProcessRun {
	bool ok = false;
	std::string out, err;
};

ProcessRun runSync(const std::vector<std::string> &args)
{
	std::vector<char *> argv;
	for (const std::string &a : args)
		argv.push_back(const_cast<char *>(a.c_str()));
	argv.push_back(nullptr);
	g_autofree char *out = nullptr;
	g_autofree char *err = nullptr;
	int status = 0;
	ProcessRun run;
	if (!g_spawn_sync(nullptr, argv.data(), nullptr, G_SPAWN_SEARCH_PATH, nullptr, nullptr,
			  &out, &err, &status, nullptr))
		return run;
	run.ok = g_spawn_check_wait_status(status, nullptr);
	run.out = out ? out : "";
	run.err = err ? err : "";
	return run;
}

/* The first video frame ffprobe decodes from a TS: "1,I" is a keyframe. */
struct Probe {
	std::vector<std::string> frames; /* "key_frame,pict_type" per frame */
	std::string errors;
};

Probe parseProbe(const ProcessRun &run)
{
	Probe probe;
	probe.errors = run.err;
	g_auto(GStrv) lines = g_strsplit(run.out.c_str(), "\n", -1);
	for (char **line = lines; *line; line++) {
		std::string l = *line;
		while (!l.empty() && (l.back() == ',' || l.back() == '\r'))
			l.pop_back();
		if (!l.empty())
			probe.frames.push_back(l);
	}
	return probe;
}

std::vector<std::string> probeArgs(const std::string &input)
{
	return {"ffprobe",
		"-v",
		"error",
		"-select_streams",
		"v:0",
		"-show_entries",
		"frame=key_frame,pict_type",
		"-of",
		"csv=p=0",
		input};
}

/* A libsoup client reading the whole response into memory. */
class HttpReader
{
public:
	explicit HttpReader(const std::string &url)
		: session_(soup_session_new()), msg_(soup_message_new("GET", url.c_str())),
		  cancellable_(g_cancellable_new())
	{
		pending_ = true;
		soup_session_send_async(session_, msg_, G_PRIORITY_DEFAULT, cancellable_, sent,
					this);
	}
	/* Hangs up: the pending call is cancelled and waited for, the connection closed. */
	~HttpReader()
	{
		g_cancellable_cancel(cancellable_);
		iterateUntil([this] { return !pending_; }, 2000);
		if (stream_)
			g_input_stream_close(stream_, nullptr, nullptr);
		g_clear_object(&stream_);
		g_object_unref(cancellable_);
		g_object_unref(msg_);
		g_object_unref(session_);
	}
	HttpReader(const HttpReader &) = delete;
	HttpReader &operator=(const HttpReader &) = delete;

	bool done() const { return done_; }
	bool failed() const { return failed_; }
	const std::string &data() const { return data_; }
	SoupMessage *message() const { return msg_; }

private:
	static void sent(GObject *source, GAsyncResult *result, gpointer data)
	{
		auto *self = static_cast<HttpReader *>(data);
		self->pending_ = false;
		self->stream_ = soup_session_send_finish(SOUP_SESSION(source), result, nullptr);
		if (!self->stream_) {
			self->failed_ = self->done_ = true;
			return;
		}
		self->readMore();
	}
	void readMore()
	{
		pending_ = true;
		g_input_stream_read_bytes_async(stream_, 64 * 1024, G_PRIORITY_DEFAULT,
						cancellable_, got, this);
	}
	static void got(GObject *source, GAsyncResult *result, gpointer data)
	{
		auto *self = static_cast<HttpReader *>(data);
		self->pending_ = false;
		g_autoptr(GBytes) bytes
			= g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, nullptr);
		if (!bytes) {
			self->failed_ = self->done_ = true;
			return;
		}
		size_t size = 0;
		const auto *p = static_cast<const char *>(g_bytes_get_data(bytes, &size));
		if (!size) {
			self->done_ = true;
			return;
		}
		self->data_.append(p, size);
		self->readMore();
	}

	SoupSession *session_;
	SoupMessage *msg_;
	GCancellable *cancellable_;
	GInputStream *stream_ = nullptr;
	bool pending_ = false; /* an async call holds this */
	std::string data_;
	bool done_ = false;
	bool failed_ = false;
};

/* ffprobe reading the URL itself, while the main loop runs. */
class ProbeProcess
{
public:
	explicit ProbeProcess(const std::string &url)
	{
		std::vector<std::string> args = probeArgs(url);
		/* Ten frames are enough; then it hangs up, as a player that stops does. A
		 * short probe: the stream is live, there is no end to wait for. */
		args.insert(args.end() - 1,
			    {"-read_intervals", "%+#10", "-probesize", "300000", "-analyzeduration",
			     "500000"});
		std::vector<const char *> argv;
		for (const std::string &a : args)
			argv.push_back(a.c_str());
		argv.push_back(nullptr);
		process_ = g_subprocess_newv(
			argv.data(),
			static_cast<GSubprocessFlags>(G_SUBPROCESS_FLAGS_STDOUT_PIPE
						      | G_SUBPROCESS_FLAGS_STDERR_PIPE),
			nullptr);
		if (process_)
			g_subprocess_communicate_utf8_async(process_, nullptr, nullptr, finished,
							    this);
		else
			done_ = true;
	}
	~ProbeProcess()
	{
		if (process_ && !done_)
			g_subprocess_force_exit(process_);
		iterateUntil([this] { return done_; }, 2000);
		g_clear_object(&process_);
	}
	ProbeProcess(const ProbeProcess &) = delete;
	ProbeProcess &operator=(const ProbeProcess &) = delete;

	bool done() const { return done_; }
	const ProcessRun &result() const { return run_; }

private:
	static void finished(GObject *source, GAsyncResult *result, gpointer data)
	{
		auto *self = static_cast<ProbeProcess *>(data);
		g_autofree char *out = nullptr;
		g_autofree char *err = nullptr;
		if (g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), result, &out, &err,
							 nullptr))
			self->run_.ok = g_subprocess_get_successful(G_SUBPROCESS(source));
		self->run_.out = out ? out : "";
		self->run_.err = err ? err : "";
		self->done_ = true;
	}

	GSubprocess *process_ = nullptr;
	ProcessRun run_;
	bool done_ = false;
};

/* A client that sends its request and never reads: its receive buffer is kept tiny. */
class StalledClient
{
public:
	explicit StalledClient(guint16 port)
	{
		socket_ = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
				       G_SOCKET_PROTOCOL_TCP, nullptr);
		g_socket_set_option(socket_, SOL_SOCKET, SO_RCVBUF, 2048, nullptr);
		g_autoptr(GInetAddress) loopback
			= g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
		g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, port);
		connected_ = g_socket_connect(socket_, address, nullptr, nullptr);
		const std::string request
			= "GET /live.ts HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: stalled\r\n\r\n";
		if (connected_)
			g_socket_send(socket_, request.data(), request.size(), nullptr, nullptr);
	}
	~StalledClient() { g_object_unref(socket_); }
	StalledClient(const StalledClient &) = delete;
	StalledClient &operator=(const StalledClient &) = delete;

	bool connected() const { return connected_; }

	/* Reads what the server left in the pipe; true when the connection ends (EOF or reset)
	 * within timeoutSeconds, false when it is still open. */
	bool drainsToEnd(guint timeoutSeconds)
	{
		g_socket_set_timeout(socket_, timeoutSeconds);
		char buffer[65536];
		for (;;) {
			g_autoptr(GError) error = nullptr;
			gssize n = g_socket_receive(socket_, buffer, sizeof(buffer), nullptr,
						    &error);
			if (n == 0)
				return true;
			if (n < 0)
				return !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
		}
	}

private:
	GSocket *socket_ = nullptr;
	bool connected_ = false;
};

/* Offsets of the random access points in a TS file, as the fan-out sees them. */
std::vector<size_t> randomAccessOffsets(const std::string &ts)
{
	std::vector<size_t> out;
	TsScanner scanner;
	const auto *data = reinterpret_cast<const uint8_t *>(ts.data());
	for (size_t off = 0; off + kTsPacketSize <= ts.size(); off += kTsPacketSize) {
		if (scanner.scan(std::span<const uint8_t>(data + off, kTsPacketSize)).randomAccess)
			out.push_back(off);
	}
	return out;
}

class TsFanoutHttp : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		tmpDir_ = g_dir_make_tmp("sluice-fanout-XXXXXX", nullptr);
		g_autofree char *gstLaunch = g_find_program_in_path("gst-launch-1.0");
		g_autofree char *ffprobe = g_find_program_in_path("ffprobe");
		if (!gstLaunch || !ffprobe) {
			skipReason_ = "needs gst-launch-1.0 and ffprobe";
			return;
		}
		/* 5 s of noise at 4 Mb/s, a keyframe every second: ~2.7 MB, half a second of work.
		 */
		std::string ts = std::string(tmpDir_) + "/source.ts";
		ProcessRun made = runSync(
			{"gst-launch-1.0", "-q", "videotestsrc", "num-buffers=150", "pattern=snow",
			 "!", "video/x-raw,width=320,height=240,framerate=30/1", "!", "x264enc",
			 "key-int-max=30", "bitrate=4000", "speed-preset=ultrafast", "!",
			 "h264parse", "!", "mpegtsmux", "!", "filesink", "location=" + ts});
		source_ = readFile(ts);
		if (!made.ok || source_.size() < 1000000)
			skipReason_ = "could not make a test TS with x264enc and mpegtsmux: "
				+ made.err;
	}

	static void TearDownTestSuite()
	{
		if (tmpDir_) {
			g_autoptr(GFile) dir = g_file_new_for_path(tmpDir_);
			g_autoptr(GFileEnumerator) children = g_file_enumerate_children(
				dir, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NONE,
				nullptr, nullptr);
			GFile *child = nullptr;
			while (children
			       && g_file_enumerator_iterate(children, nullptr, &child, nullptr,
							    nullptr)
			       && child)
				g_file_delete(child, nullptr, nullptr);
			g_file_delete(dir, nullptr, nullptr);
			g_free(tmpDir_);
			tmpDir_ = nullptr;
		}
	}

	void SetUp() override
	{
		if (!skipReason_.empty())
			GTEST_SKIP() << skipReason_;
		server_ = soup_server_new(nullptr, nullptr);
		ASSERT_TRUE(soup_server_listen_local(server_, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
						     nullptr));
		GSList *uris = soup_server_get_uris(server_);
		ASSERT_TRUE(uris);
		port_ = static_cast<guint16>(g_uri_get_port(static_cast<GUri *>(uris->data)));
		g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
		url_ = "http://127.0.0.1:" + std::to_string(port_) + "/live.ts";
		soup_server_add_handler(server_, "/live.ts", handle, this, nullptr);
	}

	void TearDown() override
	{
		fanout_.reset();
		if (server_) {
			soup_server_disconnect(server_);
			g_object_unref(server_);
		}
	}

	static void handle(SoupServer *, SoupServerMessage *msg, const char *, GHashTable *,
			   gpointer data)
	{
		auto *self = static_cast<TsFanoutHttp *>(data);
		if (!self->fanout_) {
			soup_server_message_set_status(msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
						       nullptr);
			return;
		}
		auto id = std::make_shared<TsFanout::ClientId>(0);
		TsFanout *fanout = self->fanout_.get();
		*id = fanout->addClient(makeSoupTsSink(msg, [self, fanout, id] {
			self->gone_++;
			fanout->removeClient(*id);
		}));
	}

	/* Pushes the source in chunks of chunkBytes, one every intervalMs, calling atChunk(i)
	 * before chunk i. */
	void feed(size_t chunkBytes, int intervalMs, const std::function<void(size_t)> &atChunk)
	{
		size_t chunks = (source_.size() + chunkBytes - 1) / chunkBytes;
		for (size_t i = 0; i < chunks; i++) {
			atChunk(i);
			size_t off = i * chunkBytes;
			size_t size = std::min(chunkBytes, source_.size() - off);
			g_autoptr(GBytes) chunk = g_bytes_new(source_.data() + off, size);
			fanout_->push(chunk);
			iterateFor(intervalMs);
		}
	}

	static char *tmpDir_;
	static std::string source_;
	static std::string skipReason_;

	SoupServer *server_ = nullptr;
	guint16 port_ = 0;
	std::string url_;
	std::unique_ptr<TsFanout> fanout_;
	int gone_ = 0;
};

char *TsFanoutHttp::tmpDir_ = nullptr;
std::string TsFanoutHttp::source_;
std::string TsFanoutHttp::skipReason_;

/* What a TS client must see: PAT, PMT, then a keyframe packet, then the source from there. */
void expectStartsOnKeyframe(const std::string &got, const std::string &source,
			    const std::vector<size_t> &raps, const char *who)
{
	SCOPED_TRACE(who);
	ASSERT_GT(got.size(), 3 * kTsPacketSize);
	const auto *data = reinterpret_cast<const uint8_t *>(got.data());
	auto pat = parseTsPacket(std::span<const uint8_t>(data, kTsPacketSize));
	auto pmt = parseTsPacket(std::span<const uint8_t>(data + kTsPacketSize, kTsPacketSize));
	auto key = parseTsPacket(std::span<const uint8_t>(data + 2 * kTsPacketSize, kTsPacketSize));
	ASSERT_TRUE(pat && pmt && key);
	EXPECT_EQ(pat->pid, kTsPatPid);
	EXPECT_TRUE(pat->payloadUnitStart);
	EXPECT_TRUE(pmt->payloadUnitStart);
	EXPECT_TRUE(key->randomAccess);

	/* After the two PSI packets, a suffix of the source that starts at a keyframe. */
	std::string rest = got.substr(2 * kTsPacketSize);
	ASSERT_LE(rest.size(), source.size());
	size_t from = source.size() - rest.size();
	EXPECT_TRUE(source.compare(from, std::string::npos, rest) == 0);
	EXPECT_NE(std::find(raps.begin(), raps.end(), from), raps.end()) << "starts at " << from;
}

} /* namespace */

TEST_F(TsFanoutHttp, ClientsStartOnAKeyframeAndAStalledOneIsDropped)
{
	fanout_ = std::make_unique<TsFanout>(
		TsFanout::Limits {.clientQueueBytes = 256 * 1024, .maxCacheBytes = 8 << 20});
	std::vector<size_t> raps = randomAccessOffsets(source_);
	ASSERT_GE(raps.size(), 4u);

	/* One client before any data, one that never reads. */
	HttpReader first(url_);
	ASSERT_TRUE(iterateUntil([&] { return fanout_->clientCount() == 1; }, 3000));
	StalledClient stalled(port_);
	ASSERT_TRUE(stalled.connected());
	ASSERT_TRUE(iterateUntil([&] { return fanout_->clientCount() == 2; }, 3000));

	/* Then 64 KiB chunks (never whole packets), one every 10 ms, ~0.5 s in all. Two more
	 * clients and ffprobe join mid-GOP, two chunks after a keyframe. */
	constexpr size_t kChunk = 64 * 1024;
	std::unique_ptr<HttpReader> second, third;
	std::unique_ptr<ProbeProcess> probe;
	int64_t started = g_get_monotonic_time();
	feed(kChunk, 10, [&](size_t i) {
		if (i == raps[1] / kChunk + 2)
			second = std::make_unique<HttpReader>(url_);
		if (i == raps[2] / kChunk + 1)
			probe = std::make_unique<ProbeProcess>(url_);
		if (i == raps[3] / kChunk + 2)
			third = std::make_unique<HttpReader>(url_);
	});
	int64_t fedMs = (g_get_monotonic_time() - started) / 1000;
	/* The stalled client cost nobody anything. */
	EXPECT_LT(fedMs, 5000);

	TsFanout::Stats stats = fanout_->stats();
	EXPECT_EQ(stats.clientsDropped, 1u);
	EXPECT_EQ(stats.bytesIn, source_.size());
	EXPECT_TRUE(stats.haveKeyframe);
	/* The server hung up on it: what it finally reads ends. */
	EXPECT_TRUE(stalled.drainsToEnd(3));

	/* ffprobe hangs up after its ten frames: the sink reports it gone. */
	ASSERT_TRUE(iterateUntil([&] { return probe->done(); }, 5000));
	ASSERT_TRUE(iterateUntil([&] { return gone_ >= 1; }, 2000));

	/* The end of the channel ends the responses, once the clients have read everything. */
	fanout_.reset();
	ASSERT_TRUE(iterateUntil([&] { return first.done() && second->done() && third->done(); },
				 5000));
	for (HttpReader *reader : {&first, second.get(), third.get()}) {
		EXPECT_FALSE(reader->failed());
		SoupMessage *msg = reader->message();
		EXPECT_EQ(soup_message_get_status(msg), SOUP_STATUS_OK);
		SoupMessageHeaders *headers = soup_message_get_response_headers(msg);
		EXPECT_STREQ(soup_message_headers_get_content_type(headers, nullptr), "video/MP2T");
		EXPECT_STREQ(soup_message_headers_get_one(headers, "Cache-Control"), "no-cache");
		EXPECT_EQ(soup_message_headers_get_encoding(headers), SOUP_ENCODING_CHUNKED);
		EXPECT_EQ(soup_message_headers_get_one(headers, "Content-Length"), nullptr);
	}

	/* The first client got everything from the first keyframe; the late ones less, from a
	 * later keyframe, at once. */
	expectStartsOnKeyframe(first.data(), source_, raps, "first");
	EXPECT_EQ(first.data().size(), 2 * kTsPacketSize + source_.size() - raps.front());
	expectStartsOnKeyframe(second->data(), source_, raps, "second");
	expectStartsOnKeyframe(third->data(), source_, raps, "third");
	EXPECT_LT(third->data().size(), second->data().size());
	EXPECT_LT(second->data().size(), first.data().size());

	/* Every stream decodes from its first frame, without a single error. */
	int index = 0;
	for (HttpReader *reader : {&first, second.get(), third.get()}) {
		std::string path
			= std::string(tmpDir_) + "/client" + std::to_string(index++) + ".ts";
		ASSERT_TRUE(g_file_set_contents(path.c_str(), reader->data().data(),
						static_cast<gssize>(reader->data().size()),
						nullptr));
		Probe p = parseProbe(runSync(probeArgs(path)));
		SCOPED_TRACE(path);
		ASSERT_FALSE(p.frames.empty());
		EXPECT_EQ(p.frames.front(), "1,I");
		EXPECT_EQ(p.errors, "");
		EXPECT_GE(p.frames.size(), 30u);
	}
	Probe live = parseProbe(probe->result());
	ASSERT_FALSE(live.frames.empty()) << live.errors;
	EXPECT_EQ(live.frames.front(), "1,I");
	EXPECT_EQ(live.errors, "");
}

TEST_F(TsFanoutHttp, AClientThatHangsUpIsRemoved)
{
	fanout_ = std::make_unique<TsFanout>();
	auto reader = std::make_unique<HttpReader>(url_);
	ASSERT_TRUE(iterateUntil([&] { return fanout_->clientCount() == 1; }, 3000));
	/* It hangs up halfway; the server notices at its next write. */
	size_t readBeforeHangUp = 0;
	feed(64 * 1024, 5, [&](size_t i) {
		if (i == 20) {
			readBeforeHangUp = reader->data().size();
			reader.reset();
		}
	});
	EXPECT_GT(readBeforeHangUp, 100000u);
	ASSERT_TRUE(iterateUntil([&] { return fanout_->clientCount() == 0; }, 3000));
	EXPECT_EQ(gone_, 1);
	EXPECT_EQ(fanout_->stats().clientsDropped, 0u);
}
