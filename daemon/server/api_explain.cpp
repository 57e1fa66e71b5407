/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * GET /api/v1/delivery/explain: what smart mode would do for one channel of a proxy and one
 * client, and why.
 *
 * The client is the caller (its User-Agent and Accept) unless the query overrides them
 * (user_agent=, accept=); format= and path= (.m3u8, .mpd, .ts) stand for the stream URL's
 * query and extension. The source is what the channel's running pipeline classified; when
 * it does not run, it is guessed from the channel's stream URL, and the answer says so. A
 * transcode names its variant and, while it runs, how fast it encodes.
 */

#include <algorithm>
#include <cmath>

#include "channelmanager.h"
#include "context.h"
#include "decisions.h"
#include "testuri.h"

namespace sluice {

namespace {

std::string lower(std::string_view text)
{
	std::string out(text);
	std::transform(out.begin(), out.end(), out.begin(),
		       [](unsigned char c) { return static_cast<char>(g_ascii_tolower(c)); });
	return out;
}

/*
 * A SourceInfo from the URL alone: test:// URIs say everything; otherwise the extension gives
 * the type (.m3u8 HLS, .mpd DASH, .ts or none over HTTP a continuous stream, assumed
 * MPEG-TS) and the codecs stay unknown.
 */
SourceInfo guessSource(const std::string &url, std::vector<std::string> &reasons)
{
	SourceInfo source;
	if (url.starts_with("test://")) {
		TestSourceSpec spec;
		std::string error;
		if (parseTestUri(url, spec, error)) {
			source.type = SourceType::Test;
			if (spec.codec != TestVideoCodec::None)
				source.videoCodec = testVideoCodecName(spec.codec);
			if (spec.audio != TestAudioCodec::None)
				source.audioCodec = testAudioCodecName(spec.audio);
			source.height = spec.height;
			source.videoBitrateKbps = spec.bitrateKbps;
			reasons.push_back("the source is a test pattern (" + url + ")");
			return source;
		}
		reasons.push_back("the test:// URI does not parse (" + error + ")");
		return source;
	}

	/* A Kodi-style "|User-Agent=..." suffix and the query are not part of the path. */
	std::string path = url.substr(0, url.rfind('|'));
	path = lower(path.substr(0, path.find_first_of("?#")));
	const size_t slash = path.rfind('/');
	const std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
	const bool http = path.starts_with("http://") || path.starts_with("https://");
	if (last.ends_with(".m3u8") || last.ends_with(".m3u")) {
		source.type = SourceType::Hls;
	} else if (last.ends_with(".mpd")) {
		source.type = SourceType::Dash;
	} else if (http && (last.ends_with(".ts") || last.find('.') == std::string::npos)) {
		source.type = SourceType::MpegTs;
		source.container = "mpegts";
	} else if (path.starts_with("file://") || path.starts_with("/")) {
		source.type = SourceType::File;
	}
	reasons.push_back("source guessed from its URL as " + std::string(toString(source.type))
			  + " with unknown codecs (the channel is not running): its pipeline "
			    "probes the real source when it opens, which can change this answer");
	return source;
}

/* "error": what the stream URL answers instead of media. */
void writeError(JsonOut &out, const DecisionError &error)
{
	out.key("error").beginObject();
	out.member("code", error.code)
		.member("message", error.message)
		.member("http_status", error.httpStatus);
	out.endObject();
}

/*
 * The transcoded variant the decision names: whether it runs, and how fast it encodes
 * ("transcode": {variant, running, speed, realtime}).
 */
void explainVariant(JsonOut &out, std::vector<std::string> &reasons, ChannelPipeline *channel,
		    const std::string &name)
{
	const TranscodeBranch *variant = nullptr;
	for (const TranscodeBranch *candidate :
	     channel ? channel->variants() : std::vector<const TranscodeBranch *> {}) {
		if (candidate->name() == name)
			variant = candidate;
	}
	out.key("transcode").beginObject();
	out.member("variant", name);
	out.member("running", variant != nullptr && !variant->failed());
	out.key("speed");
	if (variant && variant->speed())
		out.value(std::round(*variant->speed() * 100) / 100);
	else
		out.null();
	out.member("realtime", !variant || !variant->slow());
	out.endObject();
	if (!variant) {
		reasons.push_back("variant " + name + " starts with its first player");
		return;
	}
	char speed[32] = "not measured yet";
	if (variant->speed())
		g_snprintf(speed, sizeof(speed), "%.2fx real time", *variant->speed());
	reasons.push_back(
		"variant " + name + " runs (" + variant->encoders() + "), at " + speed
		+ (variant->slow() ? ": slower than real time, so its players stall" : ""));
}

Response explain(ServerContext &context, const ExchangePtr &ex)
{
	Store &store = *context.store;
	const std::string proxyName = ex->query("proxy").value_or("");
	const std::string channelText = ex->query("channel").value_or("");
	if (proxyName.empty())
		return errorResponse({400, "required", "give ?proxy=NAME_OR_ID", "proxy"});
	if (channelText.empty())
		return errorResponse({400, "required", "give ?channel=ID", "channel"});
	auto proxy = findProxy(store, proxyName);
	if (!proxy)
		return errorResponse(apiError(proxy.error()));
	const Id channelId = parseId(channelText);
	if (!channelId
	    || std::find(proxy->channelIds.begin(), proxy->channelIds.end(), channelId)
		    == proxy->channelIds.end())
		return errorResponse({404, "not_found",
				      "proxy " + proxy->name + " has no channel " + channelText,
				      "channel"});
	auto channel = store.getChannel(channelId);
	if (!channel)
		return errorResponse(apiError(channel.error()));

	JsonOut out;
	out.beginObject();
	out.member("proxy", proxy->name).member("channel", channel->id);
	if (proxy->mode == ProxyMode::Direct) {
		out.member("mode", "direct").member("redirect", channel->streamUrl);
		out.key("reasons").beginArray();
		out.value("proxy " + proxy->name
			  + " is in direct mode: every stream URL answers 302 to the source");
		out.endArray().endObject();
		return jsonResponse(200, out.text());
	}

	auto profile
		= proxy->profileId ? store.getProfile(proxy->profileId) : store.defaultProfile();
	if (!profile)
		return errorResponse(apiError(profile.error()));

	const std::string userAgent = ex->query("user_agent").value_or(ex->header("User-Agent"));
	const std::string accept = ex->query("accept").value_or(ex->header("Accept"));
	const ClientRule &rule
		= context.clientRules.match(ClientHints {userAgent, accept, ex->queryParams()});

	ClientRequest request;
	request.kind = requestKindFromPath(ex->query("path").value_or(""));
	request.format = ex->query("format").value_or("");
	request.accept = accept;
	request.userAgent = userAgent;
	request.client = rule;

	/* The source: as the running channel found it, else guessed from its URL. */
	ChannelPipeline *running = context.engine ? context.engine->find(channel->id) : nullptr;
	if (running && (!running->classified() || running->state() == ChannelState::Failed))
		running = nullptr;
	std::vector<std::string> sourceReasons;
	SourceInfo source;
	if (running) {
		source = running->sourceInfo();
		sourceReasons.push_back("the source as its running pipeline found it: "
					+ running->summary());
	} else {
		source = guessSource(channel->streamUrl, sourceReasons);
	}
	/* A guess says nothing certain of codecs: the container is decided without them. */
	ContainerDecision container
		= determineContainer(*profile, request, running ? &source : nullptr);

	out.member("mode", "smart").member("client", rule.name);
	out.key("profile").beginObject();
	out.member("id", profile->id).member("name", profile->name).endObject();
	std::vector<std::string> reasons = container.reasons;
	if (!container.ok()) {
		writeError(out, *container.error);
	} else {
		reasons.insert(reasons.end(), sourceReasons.begin(), sourceReasons.end());
		DeliveryDecision delivery = selectDelivery(source, container.client, *profile);
		reasons.insert(reasons.end(), delivery.reasons.begin(), delivery.reasons.end());
		if (delivery.error)
			writeError(out, *delivery.error);
		out.member("container", toString(container.container));
		out.member("format", toString(container.client.format));
		out.member("delivery", toString(delivery.mode));
		out.member("transcode_video", delivery.transcodeVideo);
		out.member("transcode_audio", delivery.transcodeAudio);
		out.member("video_codec", toString(delivery.videoCodec));
		out.member("audio_codec", toString(delivery.audioCodec));
		out.key("source").beginObject();
		out.member("type", toString(source.type));
		out.member("container", source.container);
		out.member("video_codec", source.videoCodec);
		out.member("audio_codec", source.audioCodec);
		out.endObject();
		if (delivery.mode == DeliveryMode::Transcode && !delivery.error)
			explainVariant(out, reasons, running,
				       TranscodeBranch::variantName(*profile, delivery));
	}
	out.key("reasons").beginArray();
	for (const std::string &reason : reasons)
		out.value(reason);
	out.endArray().endObject();
	return jsonResponse(200, out.text());
}

} /* namespace */

void addExplainRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/api/v1/delivery/explain",
		   [&context](const ExchangePtr &ex) { ex->respond(explain(context, ex)); });
}

} /* namespace sluice */
