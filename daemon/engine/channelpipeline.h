/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * One channel's GStreamer pipeline: smartsrc into cmafsink in memory, its state and counters.
 */

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <gst/gst.h>
#include <libsoup/soup.h>

#include "decisions.h"
#include "manifests.h"
#include "model.h"
#include "segmentwaiters.h"
#include "teebranch.h"
#include "transcodebranch.h"
#include "tsoutput.h"

namespace sluice {

/* Where a channel's media comes from. */
struct ChannelSource {
	Id channelId = 0;
	std::string uri; /* the stream URL without a Kodi "|..." suffix */
	std::vector<std::string> backupUris;
	std::string userAgent; /* empty: smartsrc's own */
	Id sourceId = 0; /* 0: added by hand */
	/* The source's concurrent channels allowed; 0 = unlimited. Not part of the identity: a
	 * changed limit does not restart a running channel. */
	uint32_t maxStreams = 0;

	bool operator==(const ChannelSource &other) const
	{
		return channelId == other.channelId && uri == other.uri
			&& backupUris == other.backupUris && userAgent == other.userAgent
			&& sourceId == other.sourceId;
	}
};

/* The channel's URL and User-Agent: a Kodi-style "|User-Agent=..." suffix is taken apart. */
ChannelSource channelSource(const Channel &channel, const std::string &sourceUserAgent);

struct PipelineOptions {
	uint32_t segmentDurationS = 2; /* cmafsink target-duration */
	uint32_t windowSize = 6; /* segments a live playlist lists */
	uint32_t startTimeoutMs = 15000; /* cold start: first segment of every track, or failed */
};

enum class ChannelState {
	Starting, /* until every track has a segment */
	Running,
	Failed, /* stopped; lastError() says why */
};

std::string_view toString(ChannelState state); /* "starting", "running", "failed" */

/*
 * The pipeline (one per channel, shared by every proxy and client):
 *
 *   smartsrc uri=... ─┬─ video_0 ─► tee ─► queue ─► cmafsink.video_0   (memory mode, live)
 *                     └─ audio_0 ─► tee ─► queue ─► cmafsink.audio_0
 *                  │     (a stream cmafsink cannot carry ─► fakesink)
 *                  │
 *                  └─ raw (an MPEG-TS source) ─► queue ─► fakesink ─┐ handoff: bytes to the
 *   each tee, from the first TS client of a non-TS source:        ├─► main context, into
 *     ─► queue ─► [h264parse|h265parse] ─► mpegtsmux ─► fakesink ─┘   the TsFanout and,
 *                                                                     from the first legacy
 *                                                                     HLS client, TsSegmenter
 *   each tee, per transcoded variant, from its first client (TeeBranch):
 *     ─► [bin: TranscodeBranch (decode, scale, encode, cmafsink)]
 *
 * The tees are where later branches (TS, transcoded variants) attach. The bus is watched on
 * the thread-default main context of the constructor's thread; every method is for that
 * thread only, except what pad-added does on smartsrc's threads (see lock_).
 */
class ChannelPipeline
{
public:
	using SettledCallback = std::function<void(ChannelPipeline &)>;

	ChannelPipeline(ChannelSource source, PipelineOptions options);
	/* Stops the pipeline (state NULL) and answers waiters as failed. */
	~ChannelPipeline();
	ChannelPipeline(const ChannelPipeline &) = delete;
	ChannelPipeline &operator=(const ChannelPipeline &) = delete;

	/* Builds the pipeline and sets it playing; a failure leaves it Failed. */
	void start();

	const ChannelSource &source() const { return source_; }
	ChannelState state() const { return state_; }
	/* Why it failed, or smartsrc's last warning (a reconnect) while it runs. */
	const std::string &lastError() const { return lastError_; }
	/* The URL smartsrc reads now (the channel's, or a backup), and how often it changed. */
	const std::string &currentUri() const
	{
		return currentUri_.empty() ? source_.uri : currentUri_;
	}
	uint64_t sourceSwitches() const { return sourceSwitches_; }
	/* What smartsrc classified; type Unknown before. */
	const SourceInfo &sourceInfo() const { return sourceInfo_; }
	bool classified() const { return classified_; }
	/* "test, h264 320x240 + aac" */
	std::string summary() const;

	/*
	 * Runs callback once the channel is Running or Failed: now when it already is (also from
	 * the destructor, as Failed).
	 */
	void whenSettled(SettledCallback callback);
	/*
	 * As whenSettled, but a running channel answers once every track has count segments
	 * (or startTimeoutMs later with what it has): for players that cannot start from a
	 * single-segment live playlist (a client rule's live_start_segments).
	 */
	void whenSegments(uint32_t count, SettledCallback callback);

	/*
	 * A continuous MPEG-TS client on msg (GET; the response is taken over): the source's own
	 * bytes when it has them (passthrough), else the parsed streams muxed again. Keeps the
	 * channel alive while connected. false with error when no TS can be made.
	 */
	bool addTsClient(SoupServerMessage *msg, bool passthrough, std::string &error);
	size_t tsClients() const { return ts_->clients(); }
	/*
	 * HLS v3 with MPEG-TS segments (legacy clients): starts the TS path as a .ts client does
	 * (the source's own bytes, or the mpegtsmux branch) and a TsSegmenter on it, then runs
	 * callback once it has finished count segments (error empty), or with the reason it will
	 * not: no TS can be made, the channel failed or stopped, or startTimeoutMs passed without
	 * a segment (with one or more, it answers then with those). At once when they are there.
	 * Call on a Running channel.
	 */
	using HlsTsCallback = std::function<void(ChannelPipeline &, const std::string &error)>;
	void whenHlsTsReady(uint32_t count, HlsTsCallback callback);
	/* The HLS-TS segments, from the first legacy client on; null before. */
	const TsSegmenter *segmenter() const { return ts_->segmenter(); }
	/* Whether the source's own TS bytes are available (smartsrc classified it raw). */
	bool hasRawTs() const { return rawTs_; }

	/*
	 * Runs callback once the media segment (by number or start time) exists: at once when it
	 * does, or when it is not the next one its track makes; else when it is made, or waitMs
	 * later. For a client at the live edge asking a moment early (FFmpeg's DASH reader asks
	 * for the next segment as soon as it has read the last, and skips ahead on a 404).
	 */
	void whenSegmentMade(const SegmentName &segment, guint waitMs, SettledCallback callback);
	/* A client read a media segment: remembers whether it was its track's newest. */
	void noteSegmentRead(const std::string &clientKey, const SegmentName &segment);
	/*
	 * For a client that re-reads the live manifest as soon as it has read a segment and
	 * expects the next one listed there (FFmpeg's DASH reader): when its last segment was
	 * the newest, runs callback once every track has a newer one, or waitMs later; else at
	 * once. A blocking manifest reload, keyed by clientKey.
	 */
	void whenManifestChanged(const std::string &clientKey, guint waitMs,
				 SettledCallback callback);

	/* cmafsink's resource by name (transfer full), or null. */
	GstBufferList *resource(const std::string &name) const;

	/* The tracks cmafsink packages ("video_0", "audio_0"). */
	std::vector<std::string> tracks() const;

	uint64_t segments() const { return segments_; }
	int64_t startedUs() const { return startedUs_; }
	int64_t settledUs() const { return settledUs_; }

	/* -- bookkeeping the HTTP side does -- */
	/* A request for the channel from a client (address + User-Agent). */
	void noteRequest(const std::string &clientKey);
	void addBytesOut(uint64_t bytes) { bytesOut_ += bytes; }
	/* Something kept the channel in use (a continuous client came or went). */
	void noteActivity() { lastActivityUs_ = g_get_monotonic_time(); }
	/* Playlists and segments served, plus what the TS fan-out sent. */
	uint64_t bytesOut() const;
	int64_t lastActivityUs() const { return lastActivityUs_; }
	/* Clients seen within windowUs. Forgets older ones. */
	size_t activeClients(int64_t windowUs);
	/*
	 * Whether it is in use beyond its last request: a connected continuous-TS client (of its
	 * own or of a variant), or a request still waiting for it (a cold start, a segment, a
	 * variant's first segment). A held channel is never idle.
	 */
	bool held() const;
	void setDecision(std::string decision) { decision_ = std::move(decision); }

	/* -- branches: transcoded variants, added on demand, removed idle -- */
	/*
	 * The variant for profile and decision, added now when there is none (or the last one
	 * failed); counts as a request for it. null with error when it cannot be built.
	 */
	TranscodeBranch *transcodeVariant(const Profile &profile, const DeliveryDecision &decision,
					  std::string &error);
	/* A branch by name ("t3-vp9-opus"), or null. */
	TeeBranch *branch(const std::string &name);
	/* Takes out branches without a request for idleUs; the channel's own cmafsink stays. */
	void removeIdleBranches(int64_t idleUs);
	std::vector<std::string> branchNames() const;
	/* The transcoded variants, by name. */
	std::vector<const TranscodeBranch *> variants() const;
	const std::string &decision() const { return decision_; }

private:
	static gboolean onBusMessage(GstBus *bus, GstMessage *message, gpointer data);
	static void onPadAdded(GstElement *element, GstPad *pad, gpointer data);
	static gboolean onStartTimeout(gpointer data);

	void linkPad(GstPad *pad);
	void linkRaw(GstPad *pad);
	bool ensureMuxBranch(std::string &error);
	/* The fewest segments any of the channel's tracks has had. */
	uint64_t fewestSegments() const;
	void handleElementMessage(GstMessage *message);
	void onClassified(const GstStructure *s);
	void maybeRunning();
	void settle(ChannelState state, std::string error);
	void stop();
	/* stop() from the bus watch (which returns G_SOURCE_REMOVE after it). */
	void stopSoon();
	/* How long without a request makes a channel with no .ts client unwatched. */
	int64_t unwatchedUs() const;
	std::map<std::string, GstElement *> teesCopy() const;
	void removeBranch(const std::string &name);

	ChannelSource source_;
	PipelineOptions options_;
	GstElement *pipeline_ = nullptr; /* owned */
	GstElement *src_ = nullptr; /* owned by pipeline_ */
	GstElement *sink_ = nullptr; /* owned by pipeline_ */
	guint busWatch_ = 0;
	guint startTimer_ = 0;

	/*
	 * Guards tracks_ and fakeTracks_: written on smartsrc's streaming threads in
	 * pad-added, read on the main thread. Taken alone.
	 */
	mutable std::mutex lock_;
	std::set<std::string> tracks_;
	std::set<std::string> fakeTracks_;
	std::map<std::string, GstElement *> tees_; /* by track; owned by pipeline_ */

	/* Main thread. */
	ChannelState state_ = ChannelState::Starting;
	std::string lastError_;
	std::string currentUri_; /* empty: source_.uri */
	uint64_t sourceSwitches_ = 0;
	SourceInfo sourceInfo_;
	bool classified_ = false;
	std::string streamsSummary_;
	std::map<std::string, uint64_t> trackSegments_; /* segments made, by track */
	SegmentWaiters segmentWaiters_; /* whenSegments() beyond the first */
	/* The newest segment of each track: its number, its media time and where it ends. */
	struct NewestSegment {
		uint64_t number = 0;
		uint64_t time = 0;
		uint64_t end = 0;
	};
	std::map<std::string, NewestSegment> newest_;
	/* Requests for the next segment, by track and ("#n"/"#t") how they name it. */
	std::map<std::string, std::unique_ptr<SegmentWaiters>> nextSegmentWaiters_;
	std::vector<SettledCallback> waiters_;
	uint64_t segments_ = 0;
	int64_t startedUs_ = 0;
	int64_t settledUs_ = 0;
	uint64_t bytesOut_ = 0;
	int64_t lastActivityUs_ = 0;
	std::map<std::string, int64_t> clients_; /* key -> last request */
	/* Clients whose last segment read was the newest: key -> fewestSegments() then. */
	std::map<std::string, uint64_t> atLiveEdge_;
	std::string decision_;

	/* Continuous TS and HLS v3: the source's own bytes, or the parsed streams muxed. */
	std::unique_ptr<TsOutput> ts_;
	bool rawTs_ = false; /* classified raw: the TS clients get the raw pad's bytes */

	/* Main thread: branches by name, and those being taken out (kept until detached). */
	std::map<std::string, std::unique_ptr<TeeBranch>> branches_;
	std::map<TeeBranch *, std::unique_ptr<TeeBranch>> detaching_;
};

} /* namespace sluice */
