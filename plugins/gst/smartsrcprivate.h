/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc's insides, shared by its four files: the element (gstsmartsrc.cpp), reading and
 * classifying a source (smartsrcsource.cpp), its stream pads (smartsrcpads.cpp), and surviving
 * a source's failures (smartsrcretry.cpp).
 */

#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gst/gst.h>

#include "gstsmartsrc.h"
#include "retrypolicy.h"
#include "tspackets.h"

GST_DEBUG_CATEGORY_EXTERN(smartsrc_debug);

namespace sluice::smartsrc {

constexpr GstSmartSrcVariantPolicy kDefaultVariantPolicy = GST_SMART_SRC_VARIANT_HIGHEST;

/* Property snapshot, taken under the object lock. */
struct Settings {
	std::string uri;
	std::string userAgent;
	std::shared_ptr<GstStructure> extraHeaders; /* never modified once set: replaced */
	GstSmartSrcVariantPolicy variantPolicy = kDefaultVariantPolicy;
	guint64 maxBitrate = 0;
	guint maxHeight = 0;
	GstSmartSrcMode mode = GST_SMART_SRC_MODE_PARSED;
	std::vector<std::string> backupUris;
	guint retryDelayMs = 1000;
	guint maxRetryDelayMs = 30000;
	guint retriesBeforeSwitch = 3;
	guint stallTimeoutMs = 10000;
	guint primaryCheckMs
		= 10000; /* on a backup: how often to ask whether the primary is back */
	/* Adaptive sources are read by sluice-ingest, in a process of their own. */
	bool isolate = false;
	std::string ingestHelper; /* empty: defaultIngestHelper() */
};

/* What the plugged elements tell about the source. Guarded by State::lock. */
struct Findings {
	std::string type = "unknown"; /* test, hls, dash, mpegts, file, unknown */
	std::string container; /* mpegts, mp4, matroska, ... */
	bool adaptive = false;
	bool raw = false; /* the original bytes go out on the raw pad */
	bool endless = false; /* a file played in a loop: live, whatever its pads say */
	/* Adaptive sources: variants in the manifest, and the one chosen (0 = the demuxer's). */
	guint variants = 0;
	guint64 variantBandwidth = 0;
	guint variantHeight = 0;
	/* An isolated source's liveness, as its child classified it; -1 = not told. */
	int knownLive = -1;
	bool isolated = false; /* read by sluice-ingest */
};

/* Name of the pad with an MPEG-TS source's original bytes (mode=raw). */
inline constexpr const char *kRawPadName = "raw";

/*
 * Streaming state. State::lock guards findings, counters and the classification; it is taken
 * from the threads that add pads and elements (streaming threads of the children) and from
 * property reads.
 */
struct State {
	std::mutex lock;
	Settings active;
	Findings findings;
	guint videoPads = 0;
	guint audioPads = 0;
	std::map<std::string, GstCaps *> caps; /* owned; first caps of each exposed pad */
	bool allPadsExposed = false;
	bool classified = false;
	GstStructure *classification = nullptr; /* owned */
	bool live = false; /* of the current source, once classified */
	GstElement *source = nullptr; /* owned ref: the element reading the bytes (souphttpsrc) */

	/*
	 * Resilience. The worker thread rebuilds the children when a source fails; the external
	 * pads stay and are retargeted, with a pad offset so running time keeps growing.
	 */
	std::vector<std::string> uris; /* primary, then backup-uris */
	std::string currentUri;
	/* The loopback URL dashdemux2 reads currentUri's live MPD from; empty when none. */
	std::string proxyUrl;
	std::unique_ptr<RetryPolicy> retry;
	std::thread worker;
	std::condition_variable wake; /* with lock: a reconnect request or stop */
	bool running = false;
	bool ending = false; /* the application sent EOS: let it through, reconnect no more */
	/*
	 * smartsrc posted an error of its own about a pad (unlinked, caps refused): nothing is
	 * reopened, and the children's errors that follow are its echo. Read on every push.
	 */
	std::atomic<bool> failed = false;
	bool reconnectRequested = false;
	std::string reconnectReason;
	/* The reconnect only moves the current source into a child process: no failure. */
	bool rebuildOnly = false;
	/* Of the current source: its first data, and the longest wait between two buffers once
	 * it is past its first second (HLS and DASH deliver a segment at a time). */
	gint64 sourceStartUs = 0;
	gint64 maxGapUs = 0;
	/*
	 * Back to the primary. A probe (its own thread) found it up: the next video keyframe of
	 * the backup is where the backup's output ends (cutting: nothing more goes out) and the
	 * primary is reopened, so neither source is cut mid-GOP.
	 */
	std::thread probe;
	std::atomic<bool> probeCancel {false};
	bool probing = false;
	bool primaryUp = false; /* the last probe found it up; the cut is pending */
	gint64 primaryUpUs = 0;
	gint64 nextProbeUs = 0;
	bool cutting = false; /* the parsed streams' cut is made */
	bool rawCut = false; /* the raw bytes' cut is made (mode=raw) */
	TsScanner rawScanner; /* the raw bytes' random access points, while the cut is pending */
	bool returnToPrimary = false; /* the reconnect requested is the return */
	/* Sources found adaptive in this process, to be read isolated from now on. */
	std::set<std::string> adaptiveUris;
	bool helperMissingLogged = false;
	/* Sources opened so far, and per pad the source and id of its last stream-start. */
	unsigned sourceEpoch = 0;
	std::map<std::string, std::pair<unsigned, std::string>> streamStarts;
	bool firstBufferPending = false; /* of the current source, on any pad */
	GstClockTime lastEnd = 0; /* running time (offset included) of the latest data out */
	gint64 offset = 0; /* pad offset of the current source */
	gint64 lastDataUs = 0; /* monotonic time of the latest buffer out; 0 = none yet */
	std::set<std::string> discont; /* pads whose next buffer opens a new source */
	/*
	 * Streams are exposed once the source and each of its parsers said no-more-pads:
	 * urisourcebin gives one pad per track of an adaptive source, each with its parsebin.
	 */
	guint parsers = 0;
	/*
	 * Per parsebin: audio/video streams in the collection it posts before exposing them (-1
	 * until posted), and pads exposed so far. parsebin 1.22 never says no-more-pads.
	 */
	struct Progress {
		int expected = -1;
		guint exposed = 0;
	};
	std::map<GstElement *, Progress> progress;
	guint selectedStreams = 0; /* adaptive sources: from the demuxer's STREAMS_SELECTED */
	/*
	 * mode=raw: the raw bytes wait (a blocking probe on this pad, owned) until the source is
	 * classified, or a short source's raw pad could reach EOS, and the pipeline with it,
	 * before its other pads even exist, and before it is known whether that EOS is the end
	 * or a live source dropping.
	 */
	GstPad *rawHeld = nullptr;
	gulong rawHoldId = 0;
	bool sourceDone = false;
};

} /* namespace sluice::smartsrc */

struct _GstSmartSrc {
	GstBin parent;

	sluice::smartsrc::Settings settings; /* guarded by GST_OBJECT_LOCK */
	sluice::smartsrc::State *state;
};

namespace sluice::smartsrc {

/* Why build_children failed: a message naming the URI, and the error to post with it. */
struct BuildError {
	std::string message;
	GQuark domain = GST_RESOURCE_ERROR;
	gint code = GST_RESOURCE_ERROR_NOT_FOUND;
};

/* smartsrcsource.cpp */
bool build_children(GstSmartSrc *self, const std::string &uri, BuildError &error);
/* The same, for callers that only need the message. */
bool build_children(GstSmartSrc *self, const std::string &uri, std::string &error);
/* Lets go of the loopback URL the current source's MPD was read through, if any. */
void forget_mpd_proxy(GstSmartSrc *self);
void remove_children(GstSmartSrc *self);
void reset_source_state(State *state);
void update_source_done(State *state);
void check_exposed(GstSmartSrc *self);
/* Classification and the end of a live source, seen on every pad. */
GstPadProbeReturn on_ghost_event(GstPad *pad, GstPadProbeInfo *info, gpointer data);
void on_deep_element_added(GstBin *, GstBin *, GstElement *element, GstSmartSrc *self);
/* The sluice-ingest to run for isolate=true; empty when none can be. With State::lock. */
std::string ingest_helper(GstSmartSrc *self);

/* smartsrcprobe.cpp: whether uri serves media again; blocks up to timeoutMs or cancel. */
struct ProbeSpec {
	std::string uri;
	std::string userAgent;
	std::shared_ptr<GstStructure> extraHeaders;
	guint timeoutMs = 5000;
};
bool probe_source(const ProbeSpec &spec, const std::atomic<bool> &cancel);

/* smartsrcpads.cpp */
/* Exposes a stream of element (parsebin, or a test or loop source) as video_%u / audio_%u. */
void on_pad_added(GstElement *element, GstPad *pad, GstSmartSrc *self);

/* smartsrcretry.cpp */
GstPadProbeReturn on_ghost_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data);
void request_reconnect(GstSmartSrc *self, const std::string &reason);
/* Reopens the current source at once, not as a failure (it is to be read isolated). */
void request_rebuild(GstSmartSrc *self, const std::string &reason);
void start_worker(GstSmartSrc *self);
void stop_worker(GstSmartSrc *self);

} /* namespace sluice::smartsrc */
