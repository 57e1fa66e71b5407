/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The running channels: one ChannelPipeline per channel id, started on demand, stopped idle.
 */

#include "channelmanager.h"

#include <gst/gst.h>

/* Defined by GST_PLUGIN_DEFINE in plugins/gst/plugin.cpp, built with GST_PLUGIN_BUILD_STATIC. */
G_BEGIN_DECLS
GST_PLUGIN_STATIC_DECLARE(sluice);
G_END_DECLS

namespace sluice {

bool initEngine(std::string &error)
{
	g_autoptr(GError) gerror = nullptr;
	if (!gst_init_check(nullptr, nullptr, &gerror)) {
		error = std::string("cannot initialise GStreamer: ") + gerror->message;
		return false;
	}
	GST_PLUGIN_STATIC_REGISTER(sluice);
	return true;
}

ChannelManager::ChannelManager(EngineOptions options) : options_(options)
{
	timer_ = g_timeout_add(options_.checkIntervalMs, onCheck, this);
}

ChannelManager::~ChannelManager()
{
	if (timer_)
		g_source_remove(timer_);
	channels_.clear();
}

ChannelPipeline &ChannelManager::acquire(const ChannelSource &source)
{
	auto &slot = channels_[source.channelId];
	const int64_t now = g_get_monotonic_time();
	bool restart = !slot || slot->source() != source;
	if (slot && slot->state() == ChannelState::Failed
	    && now - slot->settledUs() > int64_t(options_.retryAfterS) * G_USEC_PER_SEC)
		restart = true;
	if (restart) {
		if (slot)
			g_info("channel %" G_GUINT64_FORMAT ": restarting",
			       static_cast<guint64>(source.channelId));
		slot.reset();
		slot = std::make_unique<ChannelPipeline>(source, options_.pipeline);
		slot->start();
	}
	return *slot;
}

std::vector<ChannelPipeline *> ChannelManager::busyWith(const ChannelSource &source)
{
	std::vector<ChannelPipeline *> playing;
	if (!source.sourceId || !source.maxStreams)
		return playing;
	ChannelPipeline *own = find(source.channelId);
	if (own && own->state() != ChannelState::Failed && own->source() == source)
		return playing;
	for (auto &[id, channel] : channels_) {
		if (id != source.channelId && channel->source().sourceId == source.sourceId
		    && channel->state() != ChannelState::Failed)
			playing.push_back(channel.get());
	}
	if (playing.size() < source.maxStreams)
		playing.clear();
	return playing;
}

ChannelPipeline *ChannelManager::find(Id channelId)
{
	auto found = channels_.find(channelId);
	return found == channels_.end() ? nullptr : found->second.get();
}

std::vector<ChannelPipeline *> ChannelManager::channels()
{
	std::vector<ChannelPipeline *> out;
	for (auto &[id, channel] : channels_)
		out.push_back(channel.get());
	return out;
}

void ChannelManager::stop(Id channelId)
{
	if (channels_.erase(channelId))
		g_info("channel %" G_GUINT64_FORMAT ": stopped, it was deleted",
		       static_cast<guint64>(channelId));
}

void ChannelManager::stopAll()
{
	channels_.clear();
}

void ChannelManager::stopIdle()
{
	const int64_t now = g_get_monotonic_time();
	const int64_t idleUs = int64_t(options_.channelIdleTimeoutS) * G_USEC_PER_SEC;
	for (auto &[id, channel] : channels_)
		channel->removeIdleBranches(idleUs);
	std::erase_if(channels_, [&](const auto &entry) {
		ChannelPipeline &channel = *entry.second;
		if (channel.state() == ChannelState::Starting)
			return false;
		/* Idle from when it was last held (the last .ts client left, the last waiting
		 * request was answered), not from a request long answered. */
		if (channel.held()) {
			channel.noteActivity();
			return false;
		}
		if (now - channel.lastActivityUs() < idleUs)
			return false;
		g_info("channel %" G_GUINT64_FORMAT ": stopping, no request for %u s",
		       static_cast<guint64>(entry.first), options_.channelIdleTimeoutS);
		return true;
	});
}

gboolean ChannelManager::onCheck(gpointer data)
{
	static_cast<ChannelManager *>(data)->stopIdle();
	return G_SOURCE_CONTINUE;
}

} /* namespace sluice */
