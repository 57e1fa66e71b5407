/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * One channel never takes sluiced down. Live HLS and live DASH channels are demuxed by
 * sluice-ingest children (smartsrc isolate=true): here those children are killed with SIGSEGV,
 * and then their upstream vanishes under them, while a test:// channel plays beside them.
 * sluiced keeps answering, the other channel never misses a segment, and the killed channels
 * come back on their own.
 */

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "httpserver.h"
#include "liveproducer.h"
#include "sluicedtest.h"

using namespace sluice::test;

namespace {

/* The newest segment's media sequence number in a media playlist; -1 when none. */
long long lastSequence(const std::string &playlist)
{
	const std::string tag = "#EXT-X-MEDIA-SEQUENCE:";
	size_t at = playlist.find(tag);
	if (at == std::string::npos)
		return -1;
	long long first = atoll(playlist.c_str() + at + tag.size());
	long long count = 0;
	for (size_t i = playlist.find("#EXTINF"); i != std::string::npos;
	     i = playlist.find("#EXTINF", i + 1))
		count++;
	return count ? first + count - 1 : -1;
}

class EngineIsolation : public ::testing::Test
{
protected:
	void SetUp() override
	{
		producer_ = std::make_unique<LiveProducer>(mediaDir_.file("packager"));
		ASSERT_TRUE(producer_->error().empty()) << producer_->error();
		ASSERT_TRUE(producer_->waitForSegment(2, 60)) << "the packager wrote no segments";
		files_ = std::make_unique<StaticFileServer>(mediaDir_.file("packager"));
		std::string error;
		ASSERT_TRUE(files_->start(error)) << error;
		ASSERT_TRUE(sluiced_.start(state_.file("state"), "[live]\nsegment_duration=2\n"))
			<< sluiced_.output();
		Reply proxy = http_.postJson(sluiced_.base() + "/api/v1/proxies",
					     R"({"name":"p","channel_ids":[]})");
		ASSERT_EQ(proxy.status, 201u) << proxy.body;
		proxyId_ = std::to_string(Json(proxy.body).num("$.id"));
	}

	void TearDown() override { EXPECT_EQ(sluiced_.stop(), 0) << sluiced_.output(); }

	/* Adds channels for urls to the proxy; their ids. */
	std::vector<std::string> addChannels(const std::vector<std::string> &urls)
	{
		std::vector<std::string> ids;
		for (const std::string &url : urls) {
			Reply reply = http_.postJson(sluiced_.base() + "/api/v1/channels",
						     R"({"name":"c","stream_url":")" + url + "\"}");
			EXPECT_EQ(reply.status, 201u) << reply.body;
			ids.push_back(std::to_string(Json(reply.body).num("$.id")));
		}
		std::string list;
		for (const std::string &id : ids)
			list += (list.empty() ? "" : ",") + id;
		Reply put = http_.putJson(sluiced_.base() + "/api/v1/proxies/" + proxyId_,
					  R"({"name":"p","channel_ids":[)" + list + "]}");
		EXPECT_EQ(put.status, 200u) << put.body;
		return ids;
	}

	/* The media playlist URL of a channel (its master's first variant); starts it. */
	std::string mediaPlaylist(const std::string &id)
	{
		const std::string base = sluiced_.base() + "/live/p/";
		Reply master = http_.get(base + id + ".m3u8");
		EXPECT_EQ(master.status, 200u) << master.body << "\n" << sluiced_.output();
		return base + firstVariantUri(master.body);
	}

	long long sequenceOf(const std::string &media)
	{
		Reply r = http_.get(media);
		return r.status == 200 ? lastSequence(r.body) : -1;
	}

	/* Polls until the playlist's newest segment is past `after`; false after timeoutS. */
	bool waitPast(const std::string &media, long long after, int timeoutS)
	{
		for (int i = 0; i < timeoutS * 5; i++) {
			if (sequenceOf(media) > after)
				return true;
			g_usleep(200 * 1000);
		}
		return false;
	}

	/* Live HLS, live DASH (both from the packager) and test:// channels, started and playing:
	 * their ids in ids_ and media playlists in media_. */
	void startChannels()
	{
		ids_ = addChannels({files_->baseUrl() + "/master.m3u8",
				    files_->baseUrl() + "/manifest.mpd",
				    "test://smpte?codec=h264&width=320&height=240&fps=25"});
		for (const std::string &id : ids_)
			media_.push_back(mediaPlaylist(id));
		for (const std::string &m : media_)
			ASSERT_GE(sequenceOf(m), 0) << m << "\n" << sluiced_.output();
	}

	TempDir mediaDir_, state_;
	std::vector<std::string> ids_, media_;
	std::unique_ptr<LiveProducer> producer_;
	std::unique_ptr<StaticFileServer> files_;
	Sluiced sluiced_;
	Http http_;
	std::string proxyId_;
};

TEST_F(EngineIsolation, CrashedReadersCostTheirChannelsAReconnectOnly)
{
	startChannels();
	ASSERT_FALSE(HasFatalFailure());
	const std::vector<std::string> &ids = ids_, &media = media_;

	std::vector<int> readers = sluiced_.ingestChildren();
	ASSERT_EQ(readers.size(), 2u) << "the HLS and DASH channels are not read by sluice-ingest";
	std::vector<long long> before;
	for (const std::string &m : media)
		before.push_back(sequenceOf(m));
	for (int pid : readers)
		kill(pid, SIGSEGV);

	/* Every channel, the crashed ones included, makes new segments again. */
	for (size_t i = 0; i < media.size(); i++)
		EXPECT_TRUE(waitPast(media[i], before[i] + 2, 60))
			<< "channel " << ids[i] << " did not come back\n"
			<< sluiced_.output();
	EXPECT_EQ(http_.get(sluiced_.base() + "/healthz").status, 200u);
	std::vector<int> now = sluiced_.ingestChildren();
	EXPECT_EQ(now.size(), 2u);
	for (int pid : now)
		EXPECT_EQ(std::count(readers.begin(), readers.end(), pid), 0)
			<< "a killed reader still counts as running";
}

/*
 * What crashed GStreamer 1.22.0's adaptivedemux2 in sluiced before: the upstream of running live
 * HLS and DASH channels goes away mid-download. sluiced stays up, and the channel beside them
 * keeps making segments all along.
 */
TEST_F(EngineIsolation, VanishingUpstreamLeavesSluicedAndOtherChannelsUp)
{
	startChannels();
	ASSERT_FALSE(HasFatalFailure());
	const long long other = sequenceOf(media_[2]);
	files_.reset(); /* connections cut, later ones refused */
	/* Long enough for the readers to fail, reconnect and fail again. */
	EXPECT_TRUE(waitPast(media_[2], other + 4, 60)) << sluiced_.output();
	EXPECT_EQ(http_.get(sluiced_.base() + "/healthz").status, 200u);
	EXPECT_EQ(kill(sluiced_.pid(), 0), 0) << "sluiced died";
}

} /* namespace */
