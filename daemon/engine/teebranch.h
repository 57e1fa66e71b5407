/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A branch added to a running channel pipeline from its tees, and taken away again.
 */

#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "segmentwaiters.h"

namespace sluice {

/*
 * One bin fed from some of the channel's tees (a transcoded variant). Added while
 * the pipeline plays; ready once its sink has its first segment. detach() blocks nothing
 * else: each tee src pad is unlinked from an IDLE probe (on whichever thread holds the pad),
 * then the main context releases the tee pads, sets the bin to NULL and removes it.
 * Main thread only, except the probes (which touch only the shared Detach job).
 */
class TeeBranch
{
public:
	enum class Kind {
		Transcode,
	};
	using ReadyCallback = std::function<void(TeeBranch &)>;

	TeeBranch(GstElement *pipeline, std::string name, Kind kind);
	virtual ~TeeBranch();
	TeeBranch(const TeeBranch &) = delete;
	TeeBranch &operator=(const TeeBranch &) = delete;

	const std::string &name() const { return name_; }
	Kind kind() const { return kind_; }
	bool ready() const { return state_ == State::Ready; }
	bool failed() const { return state_ == State::Failed; }
	const std::string &error() const { return error_; }
	/*
	 * Runs callback once ready or failed (now when it already is), or at the start timeout
	 * of a branch still progressing (neither ready nor failed then: the caller answers
	 * "not yet").
	 */
	void whenReady(ReadyCallback callback);
	/*
	 * As whenReady, but a ready branch answers once every track has count segments, or
	 * after the start timeout with what it has (see SegmentWaiters).
	 */
	void whenSegments(uint32_t count, ReadyCallback callback);
	/* A request for the branch: keeps it from idling out. */
	void touch() { lastRequestUs_ = g_get_monotonic_time(); }
	int64_t lastRequestUs() const { return lastRequestUs_; }
	/* Whether a bus message's source is in this branch. */
	bool owns(GstObject *object) const;
	/*
	 * Whether it is in use beyond its last request: a request still waiting for it, or (in
	 * a subclass) a connected .ts client. A held branch is never idle.
	 */
	virtual bool held() const { return !waiters_.empty() || segmentWaiters_.size() > 0; }
	/*
	 * Whether it is working towards its first segment (an encoder put out media): at the
	 * start timeout such a branch is kept for one more, not failed.
	 */
	virtual bool progressing() const { return false; }
	/* An element message from inside the bin. */
	virtual void handleElementMessage(GstMessage *message) = 0;
	/* Fails it (an error inside the bin, a start timeout); waiters are answered. */
	void fail(std::string error);
	/* Takes the branch out of the pipeline; done runs on the main context afterwards. */
	void detach(std::function<void()> done);

protected:
	/* A ghost pad of the bin over target, which startBin() links tee to. */
	bool linkTee(GstElement *tee, GstPad *target, const std::string &padName);
	/*
	 * Adds the bin to the pipeline, brings it to the pipeline's state, then links each tee
	 * linkTee() named to its ghost pad. false when a link fails.
	 */
	bool startBin(guint startTimeoutMs);
	void setReady();
	/* A segment was made: the fewest segments any track of the branch has now. */
	void segmentsMade(uint64_t fewest);

	GstElement *pipeline_; /* not owned */
	GstElement *bin_; /* owned (a reference) */

public:
	struct Detach;

private:
	enum class State {
		Starting,
		Ready,
		Failed
	};

	static gboolean onStartTimeout(gpointer data);
	static gboolean finishDetach(gpointer data);
	static void arrive(const std::shared_ptr<Detach> &job);
	static GstPadProbeReturn onIdle(GstPad *pad, GstPadProbeInfo *info, gpointer data);

	std::string name_;
	Kind kind_;
	State state_ = State::Starting;
	std::string error_;
	std::vector<ReadyCallback> waiters_;
	SegmentWaiters segmentWaiters_;
	uint64_t fewestSegments_ = 0;
	guint startTimeoutMs_ = 0;
	int64_t lastRequestUs_ = 0;
	guint startTimer_ = 0;
	bool extended_ = false; /* the start timeout was extended once for a slow start */
	/* (tee, the bin's ghost pad) that startBin() links: references on the tees. */
	std::vector<std::pair<GstElement *, GstPad *>> pendingLinks_;
	/* (tee, its request src pad): references held. */
	std::vector<std::pair<GstElement *, GstPad *>> teePads_;
	std::shared_ptr<Detach> detach_;
};

} /* namespace sluice */
