/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A branch added to a running channel pipeline from its tees, and taken away again.
 */

#include "teebranch.h"

#include <atomic>

namespace sluice {

/* Shared by the probes and the main context; branch is cleared if it dies first. */
struct TeeBranch::Detach {
	TeeBranch *branch = nullptr; /* main thread only */
	GMainContext *context = nullptr; /* owned */
	std::atomic<int> remaining {0};
	std::function<void()> done;
	~Detach() { g_main_context_unref(context); }
};

TeeBranch::TeeBranch(GstElement *pipeline, std::string name, Kind kind)
	: pipeline_(pipeline), name_(std::move(name)), kind_(kind)
{
	bin_ = gst_bin_new(("branch-" + name_).c_str());
	gst_object_ref_sink(bin_);
	lastRequestUs_ = g_get_monotonic_time();
}

TeeBranch::~TeeBranch()
{
	if (startTimer_)
		g_source_remove(startTimer_);
	if (detach_)
		detach_->branch = nullptr;
	for (auto &[tee, pad] : teePads_) {
		gst_object_unref(pad);
		gst_object_unref(tee);
	}
	for (auto &[tee, ghost] : pendingLinks_)
		gst_object_unref(tee);
	std::vector<ReadyCallback> waiters;
	waiters.swap(waiters_);
	if (state_ == State::Starting || segmentWaiters_.size()) {
		state_ = State::Failed;
		error_ = "the channel stopped";
		for (ReadyCallback &callback : waiters)
			callback(*this);
		segmentWaiters_.flush();
	}
	gst_object_unref(bin_);
}

bool TeeBranch::linkTee(GstElement *tee, GstPad *target, const std::string &padName)
{
	GstPad *ghost = gst_ghost_pad_new(padName.c_str(), target);
	if (!ghost)
		return false;
	gst_element_add_pad(bin_, ghost);
	pendingLinks_.emplace_back(GST_ELEMENT(gst_object_ref(tee)), ghost);
	return true;
}

bool TeeBranch::startBin(guint startTimeoutMs)
{
	/*
	 * The bin plays before the tees feed it: a tee pad linked to a bin that is still
	 * inactive loses the sticky events (caps) its first buffers would carry there.
	 */
	gst_bin_add(GST_BIN(pipeline_), bin_); /* the pipeline takes a reference of its own */
	const bool started = gst_element_sync_state_with_parent(bin_);
	bool linked = started;
	for (auto &[tee, ghost] : pendingLinks_) {
		GstPad *teePad = linked ? gst_element_request_pad_simple(tee, "src_%u") : nullptr;
		if (teePad) {
			teePads_.emplace_back(GST_ELEMENT(gst_object_ref(tee)), teePad);
			linked = gst_pad_link(teePad, ghost) == GST_PAD_LINK_OK;
		} else {
			linked = false;
		}
		gst_object_unref(tee);
	}
	pendingLinks_.clear();
	startTimeoutMs_ = startTimeoutMs;
	startTimer_ = g_timeout_add(startTimeoutMs, onStartTimeout, this);
	return linked;
}

gboolean TeeBranch::onStartTimeout(gpointer data)
{
	auto *self = static_cast<TeeBranch *>(data);
	self->startTimer_ = 0;
	if (self->state_ != State::Starting)
		return G_SOURCE_REMOVE;
	/*
	 * An encoder slower than real time makes its first segment late, not never: the
	 * requests waiting now get their answer ("not yet"), and it has one more start timeout
	 * before it counts as failed. Failing it would only start the same slow encode again.
	 */
	/* With GST_DEBUG_DUMP_DOT_DIR set, the pipeline as it stands, for whoever investigates. */
	const std::string dump = "sluice-slow-branch-" + self->name_;
	GST_DEBUG_BIN_TO_DOT_FILE_WITH_TS(GST_BIN(self->pipeline_), GST_DEBUG_GRAPH_SHOW_ALL,
					  dump.c_str());
	if (!self->extended_ && self->progressing()) {
		self->extended_ = true;
		g_warning(
			"branch %s: no segment after %.1f s, but it is encoding: given %.1f s more",
			self->name_.c_str(), self->startTimeoutMs_ / 1000.0,
			self->startTimeoutMs_ / 1000.0);
		self->startTimer_ = g_timeout_add(self->startTimeoutMs_, onStartTimeout, self);
		std::vector<ReadyCallback> waiters;
		waiters.swap(self->waiters_);
		for (ReadyCallback &callback : waiters)
			callback(*self);
		return G_SOURCE_REMOVE;
	}
	self->fail("no segment from branch " + self->name_ + " within "
		   + std::to_string((self->extended_ ? 2 : 1) * self->startTimeoutMs_ / 1000)
		   + " s");
	return G_SOURCE_REMOVE;
}

bool TeeBranch::owns(GstObject *object) const
{
	return object
		&& (object == GST_OBJECT(bin_)
		    || gst_object_has_as_ancestor(object, GST_OBJECT(bin_)));
}

void TeeBranch::setReady()
{
	if (state_ != State::Starting)
		return;
	state_ = State::Ready;
	if (startTimer_) {
		g_source_remove(startTimer_);
		startTimer_ = 0;
	}
	std::vector<ReadyCallback> waiters;
	waiters.swap(waiters_);
	for (ReadyCallback &callback : waiters)
		callback(*this);
}

void TeeBranch::fail(std::string error)
{
	if (state_ == State::Failed)
		return;
	g_warning("branch %s: %s", name_.c_str(), error.c_str());
	state_ = State::Failed;
	error_ = std::move(error);
	std::vector<ReadyCallback> waiters;
	waiters.swap(waiters_);
	for (ReadyCallback &callback : waiters)
		callback(*this);
	segmentWaiters_.flush();
}

void TeeBranch::whenReady(ReadyCallback callback)
{
	if (state_ == State::Starting)
		waiters_.push_back(std::move(callback));
	else
		callback(*this);
}

void TeeBranch::whenSegments(uint32_t count, ReadyCallback callback)
{
	whenReady([this, count, callback = std::move(callback)](TeeBranch &) mutable {
		if (state_ != State::Ready || fewestSegments_ >= count)
			return callback(*this);
		segmentWaiters_.add(count, startTimeoutMs_,
				    [this, callback = std::move(callback)] { callback(*this); });
	});
}

void TeeBranch::segmentsMade(uint64_t fewest)
{
	fewestSegments_ = fewest;
	if (fewest > 0)
		setReady();
	segmentWaiters_.update(fewest);
}

namespace {

void deleteJob(gpointer data);

} /* namespace */

/* The last step, on the main context: the bin leaves the pipeline. */
gboolean TeeBranch::finishDetach(gpointer data)
{
	auto &job = *static_cast<std::shared_ptr<Detach> *>(data);
	TeeBranch *self = job->branch;
	if (!self)
		return G_SOURCE_REMOVE;
	for (auto &[tee, pad] : self->teePads_)
		gst_element_release_request_pad(tee, pad);
	gst_element_set_state(self->bin_, GST_STATE_NULL);
	if (GST_OBJECT_PARENT(self->bin_))
		gst_bin_remove(GST_BIN(self->pipeline_), self->bin_);
	auto done = std::move(job->done);
	done(); /* may delete self */
	return G_SOURCE_REMOVE;
}

/* Any thread: one more pad is unlinked (or the caller is done); the last one hands over. */
void TeeBranch::arrive(const std::shared_ptr<Detach> &job)
{
	if (--job->remaining == 0)
		g_main_context_invoke_full(job->context, G_PRIORITY_DEFAULT, finishDetach,
					   new std::shared_ptr<Detach>(job), deleteJob);
}

/* Streaming thread, or the caller's when the pad is idle already. */
GstPadProbeReturn TeeBranch::onIdle(GstPad *teePad, GstPadProbeInfo *, gpointer data)
{
	auto &job = *static_cast<std::shared_ptr<Detach> *>(data);
	if (GstPad *peer = gst_pad_get_peer(teePad)) {
		gst_pad_unlink(teePad, peer);
		gst_object_unref(peer);
	}
	arrive(job);
	return GST_PAD_PROBE_REMOVE;
}

namespace {

void deleteJob(gpointer data)
{
	delete static_cast<std::shared_ptr<TeeBranch::Detach> *>(data);
}

} /* namespace */

void TeeBranch::detach(std::function<void()> done)
{
	if (startTimer_) {
		g_source_remove(startTimer_);
		startTimer_ = 0;
	}
	detach_ = std::make_shared<Detach>();
	detach_->branch = this;
	detach_->context = g_main_context_ref_thread_default();
	detach_->done = std::move(done);
	detach_->remaining = static_cast<int>(teePads_.size()) + 1;
	for (auto &[tee, pad] : teePads_)
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_IDLE, onIdle,
				  new std::shared_ptr<Detach>(detach_), deleteJob);
	arrive(detach_);
}

} /* namespace sluice */
