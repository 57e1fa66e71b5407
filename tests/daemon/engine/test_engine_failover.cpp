/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Failover against a real sluiced: a channel's paced MPEG-TS upstream is killed mid-stream and
 * smartsrc switches to its backup URL (another encoding). HLS and .ts clients connected across
 * the switch keep playing: the playlist grows with a discontinuity, ffprobe decodes both
 * sources with timestamps that keep increasing.
 */

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pacedtsserver.h"
#include "sluicedtest.h"

using namespace sluice::test;

namespace {

using Clock = std::chrono::steady_clock;

/*
 * A live MPEG-TS upstream that can be killed: plain sockets, one thread per client, the file
 * sent chunked at its own bitrate. kill() closes the listening socket (later connections are
 * refused) and cuts every client off in the middle of a chunk, like an upstream that dies.
 */
class KillableTsServer
{
public:
	KillableTsServer(const std::string &file, double durationS)
	{
		g_autoptr(GError) error = nullptr;
		g_file_get_contents(file.c_str(), &data_, &size_, &error);
		bytesPerTick_
			= static_cast<size_t>(size_ / durationS * kTickMs / 1000.0) / 188 * 188
			+ 188;
		listen_ = socket(AF_INET, SOCK_STREAM, 0);
		sockaddr_in addr {};
		addr.sin_family = AF_INET;
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(listen_, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
		::listen(listen_, 8);
		socklen_t len = sizeof addr;
		getsockname(listen_, reinterpret_cast<sockaddr *>(&addr), &len);
		port_ = ntohs(addr.sin_port);
		acceptor_ = std::thread([this] { acceptLoop(); });
	}
	~KillableTsServer()
	{
		kill();
		acceptor_.join();
		for (std::thread &client : clients_)
			client.join();
		g_free(data_);
	}
	std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/live.ts"; }
	int requests() const { return requests_; }

	void kill()
	{
		if (killed_.exchange(true))
			return;
		shutdown(listen_, SHUT_RDWR);
		close(listen_);
		std::lock_guard<std::mutex> locker(lock_);
		for (int fd : fds_)
			shutdown(fd, SHUT_RDWR);
	}

private:
	static constexpr int kTickMs = 40;

	void acceptLoop()
	{
		for (;;) {
			const int fd = accept(listen_, nullptr, nullptr);
			if (fd < 0 || killed_) {
				if (fd >= 0)
					close(fd);
				return;
			}
			requests_++;
			std::lock_guard<std::mutex> locker(lock_);
			fds_.push_back(fd);
			clients_.emplace_back([this, fd] { serve(fd); });
		}
	}

	static bool sendAll(int fd, const char *data, size_t size)
	{
		while (size) {
			const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
			if (n <= 0)
				return false;
			data += n;
			size -= static_cast<size_t>(n);
		}
		return true;
	}

	void serve(int fd)
	{
		/* The request head; its content does not matter. */
		std::string request;
		char buffer[2048];
		while (request.find("\r\n\r\n") == std::string::npos) {
			const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
			if (n <= 0)
				break;
			request.append(buffer, static_cast<size_t>(n));
		}
		static constexpr char kHead[] = "HTTP/1.1 200 OK\r\nContent-Type: video/MP2T\r\n"
						"Transfer-Encoding: chunked\r\n\r\n";
		bool ok = sendAll(fd, kHead, sizeof kHead - 1);
		auto next = Clock::now();
		for (size_t offset = 0; ok && offset < size_ && !killed_;) {
			const size_t n = std::min(bytesPerTick_, size_ - offset);
			char chunk[32];
			snprintf(chunk, sizeof chunk, "%zx\r\n", n);
			ok = sendAll(fd, chunk, strlen(chunk)) && sendAll(fd, data_ + offset, n)
				&& sendAll(fd, "\r\n", 2);
			offset += n;
			next += std::chrono::milliseconds(kTickMs);
			std::this_thread::sleep_until(next);
		}
		if (ok && !killed_)
			sendAll(fd, "0\r\n\r\n", 5);
		close(fd);
	}

	char *data_ = nullptr;
	gsize size_ = 0;
	size_t bytesPerTick_ = 0;
	int listen_ = -1;
	uint16_t port_ = 0;
	std::atomic<bool> killed_ {false};
	std::atomic<int> requests_ {0};
	std::thread acceptor_;
	std::mutex lock_; /* guards fds_, clients_ */
	std::vector<int> fds_;
	std::vector<std::thread> clients_;
};

struct Frame {
	double pts = 0;
	int width = 0;
	int height = 0;
};

/* ffprobe's decoded video frames of a URL or file: pts_time, width, height. */
std::vector<Frame> ffprobeFrames(const std::vector<std::string> &input, std::string *log)
{
	std::vector<std::string> argv = {"timeout", "60", "ffprobe", "-v", "error"};
	argv.insert(argv.end(), input.begin(), input.end());
	CommandRun probe = runCommand(argv);
	if (log)
		*log = probe.out.size() > 4000 ? probe.out.substr(0, 2000) + "\n...\n"
				+ probe.out.substr(probe.out.size() - 2000)
					       : probe.out;
	std::vector<Frame> frames;
	g_auto(GStrv) lines = g_strsplit(probe.out.c_str(), "\n", -1);
	for (char **line = lines; *line; line++) {
		Frame frame;
		if (sscanf(*line, "%lf,%d,%d", &frame.pts, &frame.width, &frame.height) == 3)
			frames.push_back(frame);
	}
	return frames;
}

std::vector<std::string> probeArgs(const std::string &readInterval)
{
	std::vector<std::string> args;
	if (!readInterval.empty())
		args = {"-read_intervals", readInterval};
	args.insert(args.end(),
		    {"-select_streams", "v:0", "-show_entries", "frame=pts_time,width,height",
		     "-of", "csv=p=0"});
	return args;
}

int64_t fileSize(const std::string &path)
{
	struct stat st {
	};
	return stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

std::string describe(const std::vector<Frame> &frames)
{
	std::string text;
	int width = -1;
	for (size_t i = 0; i < frames.size(); i++) {
		if (frames[i].width != width || i + 1 == frames.size()) {
			text += std::to_string(i) + ": " + std::to_string(frames[i].pts) + " "
				+ std::to_string(frames[i].width) + "x"
				+ std::to_string(frames[i].height) + "\n";
			width = frames[i].width;
		}
	}
	return text;
}

/* "#EXT-X-DISCONTINUITY-SEQUENCE value, EXT-X-MAP URIs, count of EXT-X-DISCONTINUITY" */
int64_t discontinuities(const std::string &playlist)
{
	const size_t at = playlist.find("#EXT-X-DISCONTINUITY-SEQUENCE:");
	int64_t count = at == std::string::npos
		? 0
		: g_ascii_strtoll(playlist.c_str() + at + 30, nullptr, 10);
	for (size_t from = 0;
	     (from = playlist.find("#EXT-X-DISCONTINUITY\n", from)) != std::string::npos; from++)
		count++;
	return count;
}

std::string discontinuityState(const std::string &playlist)
{
	std::string maps;
	for (size_t from = 0; (from = playlist.find("#EXT-X-MAP:URI=", from)) != std::string::npos;
	     from++)
		maps += playlist.substr(from + 15, playlist.find('\n', from) - from - 15) + " ";
	return "discontinuities " + std::to_string(discontinuities(playlist)) + ", maps " + maps;
}

int64_t msSince(Clock::time_point start)
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

class EngineFailover : public ::testing::Test
{
protected:
	void SetUp() override
	{
		ASSERT_TRUE(sluiced_.start(dir_.file("state"),
					   "[live]\nchannel_idle_timeout=5\nsegment_duration=1\n",
					   {}, {{"SLUICE_START_TIMEOUT", "4"}}))
			<< sluiced_.output();
	}
	void TearDown() override { EXPECT_EQ(sluiced_.stop(), 0) << sluiced_.output(); }

	std::string url(const std::string &path) const { return sluiced_.base() + path; }

	TempDir dir_;
	Sluiced sluiced_;
	Http http_;
};

/*
 * Primary A (320x240) dies 7 s into the stream; backup B (352x288) takes over. An HLS client
 * (ffprobe) and a .ts client (curl) stay connected across the switch.
 */
TEST_F(EngineFailover, KilledSourceReachesClientsAsPlayableDiscontinuity)
{
	TempDir media;
	const std::string fileA = media.file("a.ts");
	const std::string fileB = media.file("b.ts");
	CommandRun madeA = makeTsFile(fileA, 320, 240, 30);
	ASSERT_EQ(madeA.status, 0) << madeA.out;
	CommandRun madeB = makeTsFile(fileB, 352, 288, 40);
	ASSERT_EQ(madeB.status, 0) << madeB.out;
	KillableTsServer upstreamA(fileA, 30.0);
	KillableTsServer upstreamB(fileB, 40.0);

	Reply channel
		= http_.postJson(url("/api/v1/channels"),
				 R"({"name":"Failover","stream_url":")" + upstreamA.url()
					 + R"(","backup_urls":[")" + upstreamB.url() + "\"]}");
	ASSERT_EQ(channel.status, 201u) << channel.body;
	const std::string id = std::to_string(Json(channel.body).num("$.id"));
	Reply proxy = http_.postJson(url("/api/v1/proxies"),
				     R"({"name":"p","channel_ids":[)" + id + "]}");
	ASSERT_EQ(proxy.status, 201u) << proxy.body;
	const std::string base = url("/live/p/" + id);

	/* Cold start: the first playlist answers once a segment exists. */
	const auto started = Clock::now();
	Reply master = http_.get(base + ".m3u8");
	ASSERT_EQ(master.status, 200u) << master.body << sluiced_.output();
	std::string mediaPath;
	g_auto(GStrv) lines = g_strsplit(master.body.c_str(), "\n", -1);
	for (char **line = lines; *line; line++) {
		if (**line && **line != '#' && g_str_has_suffix(*line, ".m3u8")
		    && strstr(*line, "video")) {
			mediaPath = *line;
			break;
		}
	}
	ASSERT_FALSE(mediaPath.empty()) << master.body;
	const std::string mediaUrl = url("/live/p/" + mediaPath);

	/* The clients: HLS through ffprobe, continuous TS through curl into a file. */
	std::string hlsLog;
	auto hls = std::async(std::launch::async, [&] {
		std::vector<std::string> input = probeArgs("%+20");
		input.push_back(base + ".m3u8");
		return ffprobeFrames(input, &hlsLog);
	});
	const std::string capture = media.file("capture.ts");
	auto ts = std::async(std::launch::async, [&] {
		return runCommand({"curl", "-s", "--max-time", "24", "-o", capture, base + ".ts"});
	});

	/* Playlist watcher: every change of discontinuity sequence or init segment, timed. */
	std::atomic<bool> watching {true};
	std::string lastPlaylist;
	std::vector<std::string> events;
	int64_t mostDiscontinuities = 0;
	std::mutex playlistLock; /* guards lastPlaylist, events, mostDiscontinuities */
	auto watcher = std::thread([&] {
		Http http;
		std::string state;
		while (watching) {
			Reply reply = http.get(mediaUrl);
			if (reply.status == 200) {
				const std::string now = discontinuityState(reply.body);
				std::lock_guard<std::mutex> locker(playlistLock);
				if (now != state) {
					state = now;
					events.push_back(std::to_string(msSince(started))
							 + " ms: " + now);
				}
				lastPlaylist = reply.body;
				mostDiscontinuities = std::max(mostDiscontinuities,
							       discontinuities(reply.body));
			}
			g_usleep(250 * 1000);
		}
	});

	g_usleep(7 * G_USEC_PER_SEC);
	std::string beforeKill;
	{
		std::lock_guard<std::mutex> locker(playlistLock);
		beforeKill = lastPlaylist;
	}
	const int64_t capturedAtKill = fileSize(capture);
	const auto killedAt = Clock::now();
	const int64_t killMs
		= std::chrono::duration_cast<std::chrono::milliseconds>(killedAt - started).count();
	upstreamA.kill();

	/* The backup comes up; sessions shows the channel running on it. */
	std::string sessions;
	for (int i = 0; i < 200 && upstreamB.requests() == 0; i++)
		g_usleep(100 * 1000);
	const int64_t backupMs
		= std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killedAt)
			  .count();
	ASSERT_GE(upstreamB.requests(), 1) << "no switch to the backup\n" << sluiced_.output();

	CommandRun tsRun = ts.get();
	const int64_t captured = fileSize(capture);
	std::vector<Frame> hlsFrames = hls.get();
	watching = false;
	watcher.join();
	sessions = http_.get(url("/api/v1/sessions")).body;

	std::fprintf(stderr,
		     "timing: kill at %lld ms after the first playlist, backup connected %lld ms "
		     "after the kill; upstream A %d request(s), B "
		     "%d; .ts capture %lld bytes at the kill, %lld at the end\n",
		     static_cast<long long>(killMs), static_cast<long long>(backupMs),
		     upstreamA.requests(), upstreamB.requests(),
		     static_cast<long long>(capturedAtKill), static_cast<long long>(captured));
	std::fprintf(stderr, "sessions: %s\n", sessions.c_str());

	/* The media playlist kept growing past the kill, with the switch marked. */
	std::string afterSwitch;
	{
		std::lock_guard<std::mutex> locker(playlistLock);
		afterSwitch = lastPlaylist;
	}
	auto sequence = [](const std::string &playlist) -> int64_t {
		const size_t at = playlist.find("#EXT-X-MEDIA-SEQUENCE:");
		return at == std::string::npos
			? -1
			: g_ascii_strtoll(playlist.c_str() + at + 22, nullptr, 10);
	};
	auto lastUri = [](const std::string &playlist) {
		std::string last;
		g_auto(GStrv) parts = g_strsplit(playlist.c_str(), "\n", -1);
		for (char **line = parts; *line; line++) {
			if (**line && **line != '#')
				last = *line;
		}
		return last;
	};
	EXPECT_GT(sequence(afterSwitch), sequence(beforeKill)) << "before:\n"
							       << beforeKill << "after:\n"
							       << afterSwitch;
	EXPECT_NE(lastUri(afterSwitch), lastUri(beforeKill));
	std::string timeline;
	for (const std::string &event : events)
		timeline += event + "\n";
	std::fprintf(stderr, "playlist timeline:\n%s", timeline.c_str());
	EXPECT_GT(discontinuities(afterSwitch), discontinuities(beforeKill))
		<< "an EXT-X-DISCONTINUITY after the kill:\n"
		<< timeline << beforeKill << "\n"
		<< afterSwitch;
	/* One switch, one discontinuity: the old source's last segment stays in its period. */
	{
		std::lock_guard<std::mutex> locker(playlistLock);
		EXPECT_EQ(mostDiscontinuities, discontinuities(beforeKill) + 1) << timeline;
	}
	std::string audioPath = mediaPath;
	audioPath.replace(audioPath.find("video"), 5, "audio");
	Reply audio = http_.get(url("/live/p/" + audioPath));
	ASSERT_EQ(audio.status, 200u) << audioPath;
	EXPECT_LE(discontinuities(audio.body), 1) << audio.body;

	/* Sessions: the channel runs on, and names the reason it switched. */
	Json json(sessions);
	bool found = false;
	for (size_t i = 0; i < json.size("$"); i++) {
		const std::string at = "$[" + std::to_string(i) + "]";
		if (std::to_string(json.num((at + ".channel_id").c_str())) != id)
			continue;
		found = true;
		EXPECT_EQ(json.str((at + ".state").c_str()), "running") << sessions;
	}
	EXPECT_TRUE(found) << sessions;

	/* HLS: ffprobe decoded A, then B, over at least 8 s, timestamps increasing. */
	std::fprintf(stderr, "HLS frames:\n%s", describe(hlsFrames).c_str());
	ASSERT_FALSE(hlsFrames.empty()) << hlsLog;
	size_t fromA = 0, fromB = 0;
	for (const Frame &frame : hlsFrames) {
		fromA += frame.width == 320;
		fromB += frame.width == 352;
	}
	EXPECT_GE(fromA, 25u) << describe(hlsFrames) << hlsLog;
	EXPECT_GE(fromB, 25u) << describe(hlsFrames) << hlsLog;
	EXPECT_GE(hlsFrames.back().pts - hlsFrames.front().pts, 8.0) << describe(hlsFrames);
	for (size_t i = 1; i < hlsFrames.size(); i++) {
		ASSERT_GT(hlsFrames[i].pts, hlsFrames[i - 1].pts) << "frame " << i << "\n"
								  << describe(hlsFrames);
	}

	/* .ts: data kept coming after the switch, and the capture decodes, both sources. */
	EXPECT_GT(captured, capturedAtKill + 100 * 1000) << tsRun.out;
	std::string tsLog;
	std::vector<std::string> input = probeArgs("");
	input.push_back(capture);
	std::vector<Frame> tsFrames = ffprobeFrames(input, &tsLog);
	std::fprintf(stderr, ".ts frames:\n%s", describe(tsFrames).c_str());
	size_t tsA = 0, tsB = 0;
	for (const Frame &frame : tsFrames) {
		tsA += frame.width == 320;
		tsB += frame.width == 352;
	}
	EXPECT_GE(tsA, 100u) << describe(tsFrames) << tsLog;
	EXPECT_GE(tsB, 100u) << describe(tsFrames) << tsLog;
}

} /* namespace */
