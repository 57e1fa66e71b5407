/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc's isolated reader (see ingestbin.h):
 *
 *   sluice-ingest --uri URI  ==pipe==>  reader thread --> appsrc --> ghost pad "stream_0"
 *   (child process)                                   \-> appsrc --> ghost pad "stream_1"
 *
 * The reader thread parses frames (plugins/core/ingestwire.h) and pushes each sample with
 * the caps and segment the child's pad had, so timestamps come out as if the demuxer ran here.
 */

#include "ingestbin.h"

#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <thread>
#include <vector>

#include <gst/app/gstappsrc.h>

#include "ingestwire.h"

GST_DEBUG_CATEGORY_EXTERN(smartsrc_debug);
#define GST_CAT_DEFAULT smartsrc_debug

#ifndef SLUICE_INGEST_HELPER
#define SLUICE_INGEST_HELPER "sluice-ingest"
#endif

namespace sluice::smartsrc {

namespace {

/* The queue between the reader and each stream's pad: a full one holds the child back. */
constexpr guint64 kStreamQueueBytes = 16 * 1024 * 1024;

struct StreamOut {
	GstElement *appsrc = nullptr; /* in the bin; the bin owns it */
	GstPad *pad = nullptr; /* the bin's ghost of the appsrc's; the bin owns it */
	GstCaps *caps = nullptr; /* owned */
	GstSegment segment;
	bool ended = false;
};

/*
 * Lock order: the bin's state lock (change_state), then State::lock. The reader thread takes
 * State::lock only briefly and never while it pushes or changes an element's state.
 */
struct State {
	IngestSpec spec;
	IngestFindings findings;
	std::mutex lock; /* guards pid, stopping */
	GPid pid = 0;
	bool stopping = false;
	int fd = -1; /* the child's stdout; the reader thread's alone once started */
	std::thread reader;
	/* The reader thread's alone. */
	std::vector<StreamOut> streams;
	guint expected = 0; /* streams the child classified; 0 until it did */
	bool classified = false;
	bool announcedAll = false;
	bool errorPosted = false;
};

} /* namespace */

} /* namespace sluice::smartsrc */

using sluice::smartsrc::State;

struct SluiceIngestBin {
	GstBin parent;
	State *state;
};

struct SluiceIngestBinClass {
	GstBinClass parent_class;
};

G_DEFINE_TYPE(SluiceIngestBin, sluice_ingest_bin, GST_TYPE_BIN)

namespace sluice::smartsrc {

namespace {

std::string describeExit(int status)
{
	if (WIFEXITED(status))
		return "exited with status " + std::to_string(WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return std::string("was killed by signal ") + std::to_string(WTERMSIG(status))
			+ " (" + strsignal(WTERMSIG(status)) + ")";
	return "ended";
}

void postError(SluiceIngestBin *self, GQuark domain, int code, const std::string &message,
	       const std::string &debug)
{
	State *state = self->state;
	if (state->errorPosted)
		return;
	state->errorPosted = true;
	GError *error = g_error_new_literal(domain, code, message.c_str());
	gst_element_post_message(GST_ELEMENT(self),
				 gst_message_new_error(GST_OBJECT(self), error, debug.c_str()));
	g_error_free(error);
}

bool isStopping(State *state)
{
	std::lock_guard<std::mutex> locker(state->lock);
	return state->stopping;
}

void maybeAnnounceAll(SluiceIngestBin *self)
{
	State *state = self->state;
	if (state->announcedAll || !state->classified)
		return;
	guint exposed = 0;
	for (const StreamOut &stream : state->streams)
		exposed += stream.appsrc != nullptr;
	if (exposed < state->expected)
		return;
	state->announcedAll = true;
	gst_element_no_more_pads(GST_ELEMENT(self));
}

/*
 * appsrc 1.22 queues caps with the data and answers a caps query only once its streaming
 * thread has taken them: the pad answers with the stream's latest caps itself, so that whoever
 * sees the pad added can tell what it carries.
 */
const char *const kCapsKey = "sluice-ingest-caps";

gboolean queryPad(GstPad *pad, GstObject *parent, GstQuery *query)
{
	if (GST_QUERY_TYPE(query) == GST_QUERY_CAPS) {
		GST_OBJECT_LOCK(pad);
		auto *caps = static_cast<GstCaps *>(g_object_get_data(G_OBJECT(pad), kCapsKey));
		GstCaps *result = caps ? gst_caps_ref(caps) : nullptr;
		GST_OBJECT_UNLOCK(pad);
		if (result) {
			GstCaps *filter = nullptr;
			gst_query_parse_caps(query, &filter);
			if (filter)
				gst_caps_take(&result, gst_caps_intersect(filter, result));
			gst_query_set_caps_result(query, result);
			gst_caps_unref(result);
			return TRUE;
		}
	}
	return gst_pad_query_default(pad, parent, query);
}

void setPadCaps(GstPad *pad, GstCaps *caps)
{
	GST_OBJECT_LOCK(pad);
	g_object_set_data_full(G_OBJECT(pad), kCapsKey, gst_caps_ref(caps),
			       reinterpret_cast<GDestroyNotify>(gst_caps_unref));
	GST_OBJECT_UNLOCK(pad);
}

/* The first caps of a stream make its appsrc and pad. */
void expose(SluiceIngestBin *self, guint index, StreamOut &stream)
{
	GstElement *appsrc = gst_element_factory_make("appsrc", nullptr);
	g_object_set(appsrc, "format", GST_FORMAT_TIME, "caps", stream.caps, "max-bytes",
		     kStreamQueueBytes, "block", TRUE, "handle-segment-change", TRUE, nullptr);
	gst_bin_add(GST_BIN(self), appsrc);
	stream.appsrc = appsrc;
	/* Running before its pad shows, so that a caps query on the pad is answered. Nothing
	 * flows before this thread pushes. */
	gst_element_sync_state_with_parent(appsrc);
	g_autoptr(GstPad) target = gst_element_get_static_pad(appsrc, "src");
	std::string name = "stream_" + std::to_string(index);
	GstPad *ghost = gst_ghost_pad_new(name.c_str(), target);
	setPadCaps(ghost, stream.caps);
	gst_pad_set_query_function(ghost, queryPad);
	stream.pad = ghost;
	gst_pad_set_active(ghost, TRUE);
	gst_element_add_pad(GST_ELEMENT(self), ghost);
}

/* false when reading should stop. */
bool handleFrame(SluiceIngestBin *self, const IngestFrame &frame)
{
	State *state = self->state;
	if (frame.stream >= state->streams.size())
		state->streams.resize(frame.stream + 1);
	StreamOut &stream = state->streams[frame.stream];
	switch (frame.type) {
	case IngestFrameType::Caps: {
		std::string text(frame.payload.begin(), frame.payload.end());
		GstCaps *caps = gst_caps_from_string(text.c_str());
		if (!caps || !gst_caps_is_fixed(caps)) {
			if (caps)
				gst_caps_unref(caps);
			postError(self, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
				  "The ingest process sent caps that do not parse.", text);
			return false;
		}
		gst_caps_take(&stream.caps, caps);
		if (stream.pad)
			setPadCaps(stream.pad, stream.caps);
		if (!stream.appsrc) {
			if (isStopping(state))
				return false;
			gst_segment_init(&stream.segment, GST_FORMAT_TIME);
			expose(self, frame.stream, stream);
			maybeAnnounceAll(self);
		}
		return true;
	}
	case IngestFrameType::Segment: {
		std::optional<IngestSegment> s = decodeIngestSegment(frame.payload);
		if (!s) {
			postError(self, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
				  "The ingest process sent a malformed segment.", "");
			return false;
		}
		gst_segment_init(&stream.segment, GST_FORMAT_TIME);
		stream.segment.rate = s->rate;
		stream.segment.applied_rate = s->appliedRate;
		stream.segment.flags = static_cast<GstSegmentFlags>(s->flags);
		stream.segment.base = s->base;
		stream.segment.offset = s->offset;
		stream.segment.start = s->start;
		stream.segment.stop = s->stop;
		stream.segment.time = s->time;
		stream.segment.position = s->position;
		stream.segment.duration = s->duration;
		return true;
	}
	case IngestFrameType::Sample: {
		std::optional<IngestSampleHeader> header = decodeIngestSampleHeader(frame.payload);
		if (!header || !stream.appsrc) {
			postError(self, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
				  "The ingest process sent a sample before its caps.", "");
			return false;
		}
		std::span<const uint8_t> bytes = frame.payload.subspan(kIngestSampleHeaderSize);
		GstBuffer *buffer = gst_buffer_new_memdup(bytes.data(), bytes.size());
		GST_BUFFER_PTS(buffer) = header->pts;
		GST_BUFFER_DTS(buffer) = header->dts;
		GST_BUFFER_DURATION(buffer) = header->duration;
		/* Only the flags that describe the data; the rest are this process's business. */
		constexpr guint kCarried = GST_BUFFER_FLAG_DISCONT | GST_BUFFER_FLAG_DELTA_UNIT
			| GST_BUFFER_FLAG_HEADER | GST_BUFFER_FLAG_GAP | GST_BUFFER_FLAG_DROPPABLE
			| GST_BUFFER_FLAG_MARKER | GST_BUFFER_FLAG_CORRUPTED
			| GST_BUFFER_FLAG_NON_DROPPABLE | GST_BUFFER_FLAG_DECODE_ONLY;
		GST_BUFFER_FLAGS(buffer) = header->flags & kCarried;
		GstSample *sample = gst_sample_new(buffer, stream.caps, &stream.segment, nullptr);
		gst_buffer_unref(buffer);
		GstFlowReturn ret = gst_app_src_push_sample(GST_APP_SRC(stream.appsrc), sample);
		gst_sample_unref(sample);
		if (ret != GST_FLOW_OK) {
			GST_DEBUG_OBJECT(self, "stream %u: %s", frame.stream,
					 gst_flow_get_name(ret));
			return false;
		}
		return true;
	}
	case IngestFrameType::EndOfStream:
		if (stream.appsrc && !stream.ended)
			gst_app_src_end_of_stream(GST_APP_SRC(stream.appsrc));
		stream.ended = true;
		return true;
	case IngestFrameType::Findings: {
		std::string text(frame.payload.begin(), frame.payload.end());
		GstStructure *s = gst_structure_from_string(text.c_str(), nullptr);
		if (!s) {
			postError(self, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
				  "The ingest process sent findings that do not parse.", text);
			return false;
		}
		const GValue *streams = gst_structure_get_value(s, "streams");
		state->expected = streams && GST_VALUE_HOLDS_ARRAY(streams)
			? gst_value_array_get_size(streams)
			: 0;
		state->classified = true;
		if (state->findings)
			state->findings(s);
		gst_structure_free(s);
		maybeAnnounceAll(self);
		return true;
	}
	case IngestFrameType::Error: {
		std::optional<IngestError> error = decodeIngestError(frame.payload);
		if (!error) {
			postError(self, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
				  "The ingest process failed and its report does not parse.", "");
			return false;
		}
		GQuark domain = g_quark_try_string(error->domain.c_str());
		postError(self, domain ? domain : GST_RESOURCE_ERROR,
			  domain ? error->code : GST_RESOURCE_ERROR_READ, error->message,
			  "reported by sluice-ingest");
		return false;
	}
	}
	return false;
}

void readerLoop(SluiceIngestBin *self)
{
	State *state = self->state;
	IngestFrameReader frames;
	std::vector<uint8_t> chunk(256 * 1024);
	bool reading = true;
	while (reading) {
		ssize_t got = read(state->fd, chunk.data(), chunk.size());
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		frames.feed(std::span<const uint8_t>(chunk.data(), static_cast<size_t>(got)));
		while (std::optional<IngestFrame> frame = frames.next()) {
			if (!handleFrame(self, *frame)) {
				reading = false;
				break;
			}
		}
		if (frames.failed()) {
			postError(self, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
				  "The ingest process wrote something that is not a frame.",
				  frames.problem());
			break;
		}
	}

	/* The child is done or is to be: make sure, then learn how it ended. */
	GPid pid;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		pid = state->pid;
	}
	if (!reading || isStopping(state))
		kill(pid, SIGKILL);
	/* Wait without reaping, forget the pid, then reap: stop() never signals a pid that
	 * could have been reused. */
	siginfo_t info;
	while (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) { }
	{
		std::lock_guard<std::mutex> locker(state->lock);
		state->pid = 0;
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
	close(state->fd);
	state->fd = -1;
	if (isStopping(state))
		return;

	bool allEnded = state->classified && !state->streams.empty();
	for (const StreamOut &stream : state->streams)
		allEnded &= stream.ended;
	std::string how = describeExit(status);
	GST_INFO_OBJECT(self, "sluice-ingest for %s %s", state->spec.uri.c_str(), how.c_str());
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && allEnded)
		return; /* a source that ended: its EOS went out on every pad */
	postError(self, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
		  "The process reading \"" + state->spec.uri + "\" " + how + ".",
		  frames.pending() ? "it left a truncated frame" : "");
}

bool start(SluiceIngestBin *self)
{
	State *state = self->state;
	const IngestSpec &spec = state->spec;
	std::vector<std::string> args {spec.helper, "--uri", spec.uri};
	if (!spec.userAgent.empty())
		args.insert(args.end(), {"--user-agent", spec.userAgent});
	if (!spec.extraHeaders.empty())
		args.insert(args.end(), {"--extra-headers", spec.extraHeaders});
	if (!spec.variantPolicy.empty())
		args.insert(args.end(), {"--variant-policy", spec.variantPolicy});
	if (spec.maxBitrate)
		args.insert(args.end(), {"--max-bitrate", std::to_string(spec.maxBitrate)});
	if (spec.maxHeight)
		args.insert(args.end(), {"--max-height", std::to_string(spec.maxHeight)});
	std::vector<char *> argv;
	for (std::string &arg : args)
		argv.push_back(arg.data());
	argv.push_back(nullptr);

	GPid pid = 0;
	int out = -1;
	GError *error = nullptr;
	/* The child dies with this process: it reads for nobody else. */
	auto setup = [](gpointer) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	};
	if (!g_spawn_async_with_pipes(nullptr, argv.data(), nullptr,
				      static_cast<GSpawnFlags>(G_SPAWN_DO_NOT_REAP_CHILD
							       | G_SPAWN_STDIN_FROM_DEV_NULL),
				      setup, nullptr, &pid, nullptr, &out, nullptr, &error)) {
		GST_ELEMENT_ERROR(self, CORE, MISSING_PLUGIN,
				  ("Cannot start %s to read \"%s\": %s", spec.helper.c_str(),
				   spec.uri.c_str(), error->message),
				  (nullptr));
		g_error_free(error);
		return false;
	}
	GST_INFO_OBJECT(self, "sluice-ingest (pid %d) reads %s", pid, spec.uri.c_str());
	{
		std::lock_guard<std::mutex> locker(state->lock);
		state->pid = pid;
		state->stopping = false;
	}
	state->fd = out;
	state->errorPosted = false;
	state->reader = std::thread(readerLoop, self);
	return true;
}

void stop(SluiceIngestBin *self)
{
	State *state = self->state;
	std::lock_guard<std::mutex> locker(state->lock);
	state->stopping = true;
	if (state->pid > 0)
		kill(state->pid, SIGKILL);
}

} /* namespace */

} /* namespace sluice::smartsrc */

static GstStateChangeReturn sluice_ingest_bin_change_state(GstElement *element,
							   GstStateChange transition)
{
	auto *self = reinterpret_cast<SluiceIngestBin *>(element);
	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED && !sluice::smartsrc::start(self))
		return GST_STATE_CHANGE_FAILURE;
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
		sluice::smartsrc::stop(self);
	GstStateChangeReturn ret = GST_ELEMENT_CLASS(sluice_ingest_bin_parent_class)
					   ->change_state(element, transition);
	/* The appsrcs are flushing now: a push the reader was blocked in has returned. */
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY && self->state->reader.joinable())
		self->state->reader.join();
	return ret;
}

static void sluice_ingest_bin_finalize(GObject *object)
{
	auto *self = reinterpret_cast<SluiceIngestBin *>(object);
	sluice::smartsrc::stop(self);
	if (self->state->reader.joinable())
		self->state->reader.join();
	for (sluice::smartsrc::StreamOut &stream : self->state->streams) {
		if (stream.caps)
			gst_caps_unref(stream.caps);
	}
	delete self->state;
	G_OBJECT_CLASS(sluice_ingest_bin_parent_class)->finalize(object);
}

static void sluice_ingest_bin_init(SluiceIngestBin *self)
{
	self->state = new State();
	GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SOURCE);
}

static void sluice_ingest_bin_class_init(SluiceIngestBinClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = sluice_ingest_bin_finalize;
	GST_ELEMENT_CLASS(klass)->change_state = sluice_ingest_bin_change_state;
}

namespace sluice::smartsrc {

GstElement *ingestBinNew(IngestSpec spec, IngestFindings findings)
{
	auto *self = static_cast<SluiceIngestBin *>(
		g_object_new(sluice_ingest_bin_get_type(), nullptr));
	self->state->spec = std::move(spec);
	self->state->findings = std::move(findings);
	return GST_ELEMENT(self);
}

std::string defaultIngestHelper()
{
	const char *env = g_getenv("SLUICE_INGEST_HELPER");
	return env && *env ? env : SLUICE_INGEST_HELPER;
}

GPid ingestBinPid(GstElement *bin)
{
	auto *self = reinterpret_cast<SluiceIngestBin *>(bin);
	std::lock_guard<std::mutex> locker(self->state->lock);
	return self->state->pid;
}

} /* namespace sluice::smartsrc */
