/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The running channels: one ChannelPipeline per channel id, started on demand, stopped idle.
 */

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <glib.h>

#include "channelpipeline.h"

namespace sluice {

struct EngineOptions {
	PipelineOptions pipeline;
	/* Seconds without a request after which a channel stops (0: at the next check). */
	uint32_t channelIdleTimeoutS = 60;
	/* Seconds a client counts as active after its last request (sessions' clients). */
	uint32_t clientIdleTimeoutS = 40;
	/* Seconds a failed channel answers 503 at once before a request may start it again. */
	uint32_t retryAfterS = 5;
	/* How often idle channels are looked for, in ms. */
	uint32_t checkIntervalMs = 500;
};

/*
 * Owns every running channel. Main thread only: the HTTP handlers and the pipelines' bus
 * watches run there.
 */
class ChannelManager
{
public:
	explicit ChannelManager(EngineOptions options);
	~ChannelManager();
	ChannelManager(const ChannelManager &) = delete;
	ChannelManager &operator=(const ChannelManager &) = delete;

	/*
	 * The channel's pipeline: the running one, or a new one started now when there is none,
	 * when its source changed, or when it failed more than retryAfterS ago. Counts as
	 * activity.
	 */
	ChannelPipeline &acquire(const ChannelSource &source);
	/*
	 * The channels that keep acquire(source) from starting a pipeline: empty when the channel
	 * runs (starting or running) already, when its source has no limit (maxStreams 0, or a
	 * channel added by hand), or when fewer than maxStreams other channels of its source
	 * run; otherwise those channels. Checked right before acquire, on the main thread.
	 */
	std::vector<ChannelPipeline *> busyWith(const ChannelSource &source);
	/* The channel's pipeline if there is one (running, starting or failed); no activity. */
	ChannelPipeline *find(Id channelId);
	/* Every channel, by id. */
	std::vector<ChannelPipeline *> channels();
	/*
	 * Stops the channel's pipeline now, if there is one (the channel was deleted): its clients
	 * are closed, its waiting requests answered 503.
	 */
	void stop(Id channelId);

	const EngineOptions &options() const { return options_; }

	/*
	 * Stops every channel; requests waiting for one get 503. Before the HTTP server goes:
	 * those answers need it.
	 */
	void stopAll();

	/* Stops channels idle for channelIdleTimeoutS; the timer calls it. */
	void stopIdle();

private:
	static gboolean onCheck(gpointer data);

	EngineOptions options_;
	std::map<Id, std::unique_ptr<ChannelPipeline>> channels_;
	guint timer_ = 0;
};

/*
 * Initialises GStreamer and registers the sluice plugin linked into this binary (so no
 * GST_PLUGIN_PATH is needed). false with error when GStreamer cannot start.
 */
bool initEngine(std::string &error);

} /* namespace sluice */
