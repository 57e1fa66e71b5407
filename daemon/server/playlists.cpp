/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What players fetch, without the admin token: /proxy/{proxy}.m3u (the channel list with
 * absolute stream URLs) and /live/{proxy}/{channel}[.m3u8|.mpd|.ts|/{resource}]. Direct mode
 * answers 302 here; smart mode is served by livestreams.cpp.
 *
 * A proxy with a stream key wants it in every one of its URLs: ?key=KEY on the channel list,
 * and a path element in stream URLs, /live/{proxy}/k/{key}/{channel}... In the path, because
 * every manifest sluiced serves names its variants, media playlists and segments relative to
 * where it is served: a key in the path reaches all of them without rewriting any, where a
 * query would have to be added to every URI of every HLS playlist and DASH template. The
 * absolute URLs written here (the channel list, the negotiated redirect) carry it. A missing
 * key is refused at once (403); a wrong one after the delay of the router's failure throttle.
 *
 * Stream URLs are absolute because IPTV players resolve nothing: their base is public_url when
 * configured, else the first X-Forwarded-Proto / X-Forwarded-Host of a reverse proxy, else
 * the request's Host, else the address sluiced listens on.
 */

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "channelmanager.h"
#include "context.h"
#include "dash.h"
#include "decisions.h"
#include "m3u.h"
#include "manifests.h"
#include "soupbody.h"
#include "tssegmenter.h"

namespace sluice {

namespace {

std::string firstValue(const std::string &header)
{
	std::string value = header.substr(0, header.find(','));
	const auto blank = [](unsigned char c) {
		return c == ' ' || c == '\t';
	};
	while (!value.empty() && blank(value.back()))
		value.pop_back();
	size_t start = 0;
	while (start < value.size() && blank(value[start]))
		start++;
	return value.substr(start);
}

/* host[:port], an IPv6 literal in brackets: nothing that could break out of a URL. */
bool isHostPort(std::string_view host)
{
	if (host.empty() || host.size() > 255)
		return false;
	return std::all_of(host.begin(), host.end(), [](unsigned char c) {
		return g_ascii_isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':'
			|| c == '[' || c == ']';
	});
}

std::string baseUrl(const ServerContext &context, const Exchange &ex)
{
	if (!context.config.publicUrl.empty())
		return context.config.publicUrl;
	std::string proto = firstValue(ex.header("X-Forwarded-Proto"));
	std::transform(proto.begin(), proto.end(), proto.begin(),
		       [](unsigned char c) { return static_cast<char>(g_ascii_tolower(c)); });
	if (proto != "http" && proto != "https")
		proto = "http";
	std::string host = firstValue(ex.header("X-Forwarded-Host"));
	if (!isHostPort(host))
		host = ex.header("Host");
	if (!isHostPort(host))
		return context.listenUrl;
	return proto + "://" + host;
}

std::string escapeSegment(std::string_view text)
{
	std::string copy(text);
	g_autofree char *escaped = g_uri_escape_string(copy.c_str(), nullptr, FALSE);
	return escaped;
}

/* "/live/{proxy}/", or "/live/{proxy}/k/{key}/" for a proxy with a stream key. */
std::string liveDir(const Proxy &proxy)
{
	std::string dir = "/live/" + escapeSegment(proxy.name) + "/";
	if (!proxy.streamKey.empty())
		dir += "k/" + escapeSegment(proxy.streamKey) + "/";
	return dir;
}

/* A request without its proxy's stream key. */
struct KeyRefusal {
	Response response; /* 403 */
	bool wrong = false; /* a key, not the one: answered after the failure delay */
};

/* The refusal when the proxy has a stream key and given is not it; nullopt: go on. */
std::optional<KeyRefusal> checkKey(const Proxy &proxy, const std::optional<std::string> &given,
				   std::string_view form)
{
	if (proxy.streamKey.empty())
		return std::nullopt;
	if (given && !given->empty() && constantTimeEqual(*given, proxy.streamKey))
		return std::nullopt;
	const bool wrong = given && !given->empty();
	Response response = errorResponse(
		{403,
		 wrong ? "wrong_stream_key" : "stream_key_required",
		 std::string(wrong ? "the stream key is wrong" : "this proxy needs its stream key")
			 + ": " + std::string(form)
			 + " (the proxy's stream_key; its channel list writes it into every stream "
			   "URL)",
		 {}});
	return KeyRefusal {std::move(response), wrong};
}

/* A wrong key slowly, a missing one at once. */
void refuse(const ExchangePtr &ex, KeyRefusal refusal)
{
	if (refusal.wrong)
		return ex->refuseFailedCredential(std::move(refusal.response), "stream key");
	ex->respond(std::move(refusal.response));
}

void playlist(ServerContext &context, const ExchangePtr &ex)
{
	Store &store = *context.store;
	auto proxy = findProxy(store, ex->param("proxy"));
	if (!proxy)
		return ex->respond(errorResponse(apiError(proxy.error())));
	auto refused = checkKey(*proxy, ex->query("key"), "/proxy/" + proxy->name + ".m3u?key=KEY");
	if (refused)
		return refuse(ex, std::move(*refused));
	if (!proxy->streamKey.empty())
		ex->acceptedCredential();
	const std::string base = baseUrl(context, *ex) + liveDir(*proxy);

	M3uPlaylist list;
	uint32_t position = 0;
	for (Id id : proxy->channelIds) {
		auto channel = store.getChannel(id);
		if (!channel)
			continue;
		M3uEntry entry;
		entry.title = channel->name;
		auto add = [&entry](std::string name, const std::string &value) {
			if (!value.empty())
				entry.attributes.push_back({std::move(name), value});
		};
		add("tvg-id", channel->tvgId);
		add("tvg-name", channel->tvgName);
		add("tvg-logo", channel->logo);
		add("group-title", channel->group);
		uint32_t number
			= proxy->firstNumber ? proxy->firstNumber + position : channel->number;
		if (number)
			add("tvg-chno", std::to_string(number));
		for (const auto &[name, value] : channel->extraAttributes) {
			if (!entry.hasAttribute(name))
				entry.attributes.push_back({name, value});
		}
		entry.url = base + std::to_string(channel->id);
		list.entries.push_back(std::move(entry));
		position++;
	}
	Response response;
	response.contentType = "audio/x-mpegurl";
	response.body = writeM3u(list);
	response.header("Cache-Control", "no-cache");
	response.header("Content-Disposition",
			"inline; filename=\"" + escapeSegment(proxy->name) + ".m3u\"");
	ex->respond(std::move(response));
}

/* -- smart mode: the channel's pipeline behind the stream URLs ----------------------------- */

constexpr char kRetryAfterS[] = "5";

/* Headers every smart-mode answer carries: players in browsers read them cross-origin. */
void streamHeaders(Response &response, std::string_view decision, std::string_view container)
{
	response.header("Access-Control-Allow-Origin", "*");
	response.header("Access-Control-Expose-Headers",
			"X-Sluice-Decision, X-Sluice-Container, Content-Length, Content-Range");
	if (!decision.empty())
		response.header("X-Sluice-Decision", std::string(decision));
	if (!container.empty())
		response.header("X-Sluice-Container", std::string(container));
}

Response unavailable(const ChannelPipeline &channel)
{
	std::string reason = channel.lastError();
	if (reason.empty())
		reason = "the source \"" + channel.source().uri + "\" is not available";
	Response response = errorResponse({503, "source_unavailable", reason, {}});
	response.header("Retry-After", kRetryAfterS);
	streamHeaders(response, "", "");
	return response;
}

std::string clientKey(const Exchange &ex)
{
	return ex.clientAddress() + "|" + ex.header("User-Agent");
}

ChannelSource sourceOf(ServerContext &context, const Channel &channel)
{
	std::string userAgent;
	uint32_t maxStreams = 0;
	if (channel.sourceId) {
		if (auto source = context.store->getSource(channel.sourceId)) {
			userAgent = source->userAgent;
			maxStreams = source->maxStreams;
		}
	}
	ChannelSource source = channelSource(channel, userAgent);
	source.maxStreams = maxStreams;
	/* Stored before media_dirs said otherwise: a backup sluiced may not open is no backup. */
	std::erase_if(source.backupUris, [&context](const std::string &uri) {
		return context.urlPolicy.check(uri, UrlUse::Stream).has_value();
	});
	return source;
}

/* 403 for a channel whose stream URL sluiced may not open (stored before the rule). */
std::optional<Response> forbiddenSource(const ServerContext &context, const Channel &channel)
{
	auto problem = context.urlPolicy.check(channel.streamUrl, UrlUse::Stream);
	if (!problem)
		return std::nullopt;
	Response response = errorResponse(
		{403,
		 "url_not_allowed",
		 "channel " + std::to_string(channel.id) + " cannot be played: " + *problem,
		 {}});
	streamHeaders(response, "", "");
	return response;
}

/* Seconds a client waits before asking again for a channel whose source is at its limit. */
constexpr char kBusyRetryAfterS[] = "10";

/*
 * 503 source_busy when starting the channel would exceed its source's max_streams; nothing
 * when it may be acquired. Main thread: nothing starts between this check and acquire.
 */
std::optional<Response> sourceBusy(ServerContext &context, const ChannelSource &source)
{
	std::vector<ChannelPipeline *> playing = context.engine->busyWith(source);
	if (playing.empty())
		return std::nullopt;
	std::string sourceName = std::to_string(source.sourceId);
	if (auto stored = context.store->getSource(source.sourceId))
		sourceName = stored->name;
	std::string names;
	for (const ChannelPipeline *channel : playing) {
		const Id id = channel->source().channelId;
		auto stored = context.store->getChannel(id);
		names += (names.empty() ? "" : ", ")
			+ (stored ? stored->name : "channel " + std::to_string(id));
	}
	Response response = errorResponse(
		{503,
		 "source_busy",
		 "source \"" + sourceName + "\" allows " + std::to_string(source.maxStreams)
			 + " concurrent streams and " + std::to_string(playing.size())
			 + " are playing: " + names,
		 {}});
	response.header("Retry-After", kBusyRetryAfterS);
	streamHeaders(response, "", "");
	return response;
}

/* The segment window's age: how long a segment name keeps its bytes (numbers restart with a
 * new pipeline, so segments are not cached for longer). */
std::string segmentMaxAge(const ServerContext &context)
{
	const uint32_t window = context.engine->options().pipeline.windowSize;
	return "public, max-age=" + std::to_string(window * context.config.segmentDurationS);
}

/*
 * A manifest or segment held by a cmafsink (list, consumed) into the response: manifests are
 * rewritten (prefix: the channel's directory relative to where the manifest is served),
 * segments are appended without a copy.
 */
Response cmafResponse(ServerContext &context, const ExchangePtr &ex, ChannelPipeline &channel,
		      GstBufferList *list, const std::string &servedAs, const std::string &prefix,
		      const std::string &decision)
{
	Response response;
	uint64_t bytes = 0;
	SoupMessageBody *body = soup_server_message_get_response_body(ex->message());
	if (isManifestName(servedAs)) {
		std::string text = bufferListText(list);
		if (servedAs.ends_with(".mpd"))
			text = restampUtcTiming(prefix.empty() ? text : addMpdBaseUrl(text, prefix),
						g_get_real_time() / 1000);
		else if (servedAs == "master.m3u8" || !prefix.empty())
			text = rewriteMultivariant(text, prefix);
		bytes = text.size();
		soup_message_body_append(body, SOUP_MEMORY_COPY, text.data(), text.size());
		response.header("Cache-Control", "no-cache");
	} else {
		bytes = appendBufferList(body, list);
		response.header("Cache-Control", segmentMaxAge(context));
		response.header("Accept-Ranges", "bytes");
	}
	gst_buffer_list_unref(list);
	/* Content-Type as a header: the body is set above, not by the router. */
	response.header("Content-Type", std::string(resourceContentType(servedAs)));
	streamHeaders(response, decision, "fmp4");
	if (ex->method() == "GET")
		channel.addBytesOut(bytes);
	return response;
}

/* The channel's own resource; nullopt when its cmafsink has no such resource. */
std::optional<Response> resourceResponse(ServerContext &context, const ExchangePtr &ex,
					 ChannelPipeline &channel, const std::string &name,
					 const std::string &servedAs, const std::string &prefix)
{
	GstBufferList *list = channel.resource(name);
	if (!list)
		return std::nullopt;
	return cmafResponse(context, ex, channel, list, servedAs, prefix, channel.decision());
}

/* A transcoded variant's resource, from the variant's cmafsink. */
std::optional<Response> variantResponse(ServerContext &context, const ExchangePtr &ex,
					ChannelPipeline &channel, TeeBranch &branch,
					const std::string &name, const std::string &servedAs,
					const std::string &prefix)
{
	branch.touch();
	GstBufferList *list = static_cast<TranscodeBranch &>(branch).resource(name);
	if (!list)
		return std::nullopt;
	return cmafResponse(context, ex, channel, list, servedAs, prefix, "transcode");
}

/* The cmafsink resource behind a channel's .m3u8 or .mpd URL, for this client. */
std::string manifestResource(bool dash, const ClientRule &client)
{
	if (!dash)
		return kMultivariantPlaylistName;
	switch (client.dashMpd) {
	case DashMpd::FromPeriodStart:
		return kMpdFromPeriodStartName;
	case DashMpd::ByTime:
		return kMpdByTimeName;
	case DashMpd::Window:
		break;
	}
	return kMpdName;
}

/* The cmafsink resource behind a requested name: the MPD this client can follow. */
std::string resourceFor(ServerContext &context, const ExchangePtr &ex, const std::string &name)
{
	if (name != kMpdName)
		return name;
	const ClientRule client = context.clientRules.match(
		ClientHints {ex->header("User-Agent"), ex->header("Accept"), ex->queryParams()});
	return manifestResource(true, client);
}

/* A request the decision refuses (a profile that never transcodes and a stream that needs it). */
Response decisionError(const DecisionError &error, std::string_view container)
{
	Response response = errorResponse(
		{static_cast<unsigned>(error.httpStatus), error.code, error.message, {}});
	streamHeaders(response, "", container);
	return response;
}

/* 503 with Retry-After for a transcoded variant that cannot serve (yet). */
Response variantUnavailable(const std::string &message, std::string_view container)
{
	Response response = errorResponse({503, "transcode_not_available", message, {}});
	response.header("Retry-After", kRetryAfterS);
	streamHeaders(response, "transcode", container);
	return response;
}

/* Why a variant that is neither ready nor failed has no segment yet. */
std::string variantStarting(const TranscodeBranch &variant)
{
	std::string message = "the transcoded variant " + variant.name() + " (" + variant.encoders()
		+ ") has no segment yet";
	if (auto speed = variant.speed()) {
		char text[32];
		g_snprintf(text, sizeof(text), "%.2f", *speed);
		message += ": it encodes at " + std::string(text) + "x real time";
	}
	return message;
}

/*
 * The transcoded variant for a client, added when it has none; nullopt with the answer to
 * give when it cannot be built.
 */
TranscodeBranch *variantFor(ChannelPipeline &running, const Profile &profile,
			    const DeliveryDecision &delivery, std::string_view container,
			    std::optional<Response> &failure)
{
	std::string error;
	TranscodeBranch *variant = running.transcodeVariant(profile, delivery, error);
	if (!variant)
		failure = variantUnavailable("profile " + profile.name
						     + " needs a transcode, which cannot start: "
						     + error,
					     container);
	return variant;
}

/*
 * The transcoded variant's MPEG-TS for a client: the variant (added when there is none) and its
 * mux start now, so that by the time the variant has its first segment the fan-out holds a GOP
 * to start a client with; then serve runs, or the client gets 503 with the reason.
 */
void whenTsVariantReady(const ExchangePtr &ex, ChannelPipeline &running, const Profile &profile,
			const DeliveryDecision &delivery,
			std::function<void(TranscodeBranch &)> serve)
{
	std::optional<Response> failure;
	TranscodeBranch *variant = variantFor(running, profile, delivery, "mpegts", failure);
	if (!variant)
		return ex->respond(*failure);
	running.setDecision("transcode");
	std::string error;
	if (!variant->ensureTs(error))
		return ex->respond(variantUnavailable(error, "mpegts"));
	variant->whenReady([ex, serve = std::move(serve)](TeeBranch &branch) {
		auto &ready = static_cast<TranscodeBranch &>(branch);
		if (ready.failed())
			return ex->respond(variantUnavailable(ready.error(), "mpegts"));
		if (!ready.ready())
			return ex->respond(variantUnavailable(variantStarting(ready), "mpegts"));
		serve(ready);
	});
}

/* A transcoded variant as continuous MPEG-TS: one encode shared by all its TS clients. */
void serveVariantTs(const ExchangePtr &ex, ChannelPipeline &running, const Profile &profile,
		    const DeliveryDecision &delivery)
{
	whenTsVariantReady(ex, running, profile, delivery, [ex, &running](TranscodeBranch &ready) {
		ready.touch();
		running.noteActivity();
		ready.ts().addClient(ex->message(), [&running] { running.noteActivity(); });
		/* The fan-out's sink owns the body; this sets the status and our headers. */
		Response response;
		streamHeaders(response, "transcode", "mpegts");
		ex->respond(response);
	});
}

/*
 * Continuous MPEG-TS: HEAD answers at once (players probe with it; the channel starts warming
 * up); GET waits for the channel, then hands the response to its TS fan-out, or to the fan-out
 * of the transcoded variant the decision names (its encoded samples muxed a second time).
 */
void serveTs(const ExchangePtr &ex, ChannelPipeline &pipeline, const Profile &profile,
	     const ClientFormat &client)
{
	if (ex->method() == "HEAD") {
		Response response;
		response.header("Content-Type", "video/MP2T");
		response.header("Cache-Control", "no-cache");
		streamHeaders(response, pipeline.decision(), "mpegts");
		/* Not "Content-Length: 0": the GET is endless. */
		soup_message_headers_set_encoding(
			soup_server_message_get_response_headers(ex->message()),
			SOUP_ENCODING_CHUNKED);
		return ex->respond(response);
	}
	pipeline.whenSettled([ex, profile, client](ChannelPipeline &running) {
		if (running.state() == ChannelState::Failed)
			return ex->respond(unavailable(running));
		DeliveryDecision delivery = selectDelivery(running.sourceInfo(), client, profile);
		if (delivery.error)
			return ex->respond(decisionError(*delivery.error, "mpegts"));
		if (delivery.mode == DeliveryMode::Transcode)
			return serveVariantTs(ex, running, profile, delivery);
		const bool passthrough = running.hasRawTs();
		std::string error;
		if (!running.addTsClient(ex->message(), passthrough, error)) {
			Response response = errorResponse({503, "source_unavailable", error, {}});
			response.header("Retry-After", kRetryAfterS);
			return ex->respond(response);
		}
		/* The fan-out's sink owns the body; this sets the status and our headers. */
		Response response;
		const char *mode = passthrough ? "passthrough" : "repackage";
		running.setDecision(mode);
		streamHeaders(response, mode, "mpegts");
		ex->respond(response);
	});
}

/* The HLS v3 playlist of a TsSegmenter, its segments under prefix. */
Response hlsTsPlaylist(const TsSegmenter &segmenter, const std::string &prefix,
		       std::string_view decision)
{
	Response response;
	response.contentType = "application/vnd.apple.mpegurl";
	response.body = segmenter.playlist(prefix);
	response.header("Cache-Control", "no-cache");
	streamHeaders(response, decision, "mpegts");
	return response;
}

/* A transcoded variant as HLS v3: its samples muxed and cut, under {channel}/{variant}/. */
void serveVariantHlsTs(const ExchangePtr &ex, ChannelPipeline &running, const Profile &profile,
		       const DeliveryDecision &delivery, uint32_t startSegments,
		       const std::string &channelDir)
{
	whenTsVariantReady(
		ex, running, profile, delivery,
		[ex, &running, startSegments, channelDir](TranscodeBranch &ready) {
			const std::string prefix = channelDir + "/" + ready.name() + "/";
			ready.ts().whenHlsReady(
				startSegments,
				[ex, &running, &ready, prefix](const std::string &why) {
					if (!why.empty())
						return ex->respond(
							variantUnavailable(why, "mpegts"));
					Response response = hlsTsPlaylist(*ready.ts().segmenter(),
									  prefix, "transcode");
					if (ex->method() == "GET")
						running.addBytesOut(response.body.size());
					ex->respond(response);
				});
		});
}

/*
 * HLS v3 with MPEG-TS segments (legacy clients, mpegts profiles): the channel's TS (the
 * source's own bytes, or muxed) cut by its TsSegmenter. The first request waits for the first
 * segment; the segments are {channel}/ts-<n>.ts.
 */
void serveHlsTs(const ExchangePtr &ex, ChannelPipeline &pipeline, const Profile &profile,
		uint32_t startSegments, const ClientFormat &client, const std::string &channelDir)
{
	pipeline.whenSettled([ex, profile, client, channelDir,
			      startSegments](ChannelPipeline &running) {
		if (running.state() == ChannelState::Failed)
			return ex->respond(unavailable(running));
		DeliveryDecision delivery = selectDelivery(running.sourceInfo(), client, profile);
		if (delivery.error)
			return ex->respond(decisionError(*delivery.error, "mpegts"));
		if (delivery.mode == DeliveryMode::Transcode)
			return serveVariantHlsTs(ex, running, profile, delivery, startSegments,
						 channelDir);
		running.whenHlsTsReady(
			startSegments,
			[ex, channelDir](ChannelPipeline &ready, const std::string &error) {
				if (!error.empty()) {
					Response response = errorResponse(
						{503, "source_unavailable", error, {}});
					response.header("Retry-After", kRetryAfterS);
					streamHeaders(response, "", "mpegts");
					return ex->respond(response);
				}
				const char *mode = ready.hasRawTs() ? "passthrough" : "repackage";
				ready.setDecision(mode);
				Response response
					= hlsTsPlaylist(*ready.segmenter(), channelDir + "/", mode);
				if (ex->method() == "GET")
					ready.addBytesOut(response.body.size());
				ex->respond(response);
			});
	});
}

/*
 * /live/{proxy}/{channel}[/{variant}]/ts-<n>.ts: a segment of the channel's (or variant's)
 * HLS v3, appended uncopied. segmenter may be null (no such output).
 */
void serveTsSegment(ServerContext &context, const ExchangePtr &ex, ChannelPipeline *pipeline,
		    const TsSegmenter *segmenter, uint64_t sequence, std::string_view decision)
{
	const TsSegmenter::Segment *segment = segmenter ? segmenter->segment(sequence) : nullptr;
	if (!segment) {
		Response missing = errorResponse(
			{404,
			 "not_found",
			 "no such segment: ts-" + std::to_string(sequence)
				 + ".ts (it left the window, or the channel is not running)",
			 {}});
		streamHeaders(missing, "", "");
		return ex->respond(missing);
	}
	pipeline->noteRequest(clientKey(*ex));
	SoupMessageBody *body = soup_server_message_get_response_body(ex->message());
	for (GBytes *part : segment->parts)
		soup_message_body_append_bytes(body, part);
	Response response;
	response.header("Content-Type", "video/MP2T");
	response.header("Cache-Control", segmentMaxAge(context));
	response.header("Accept-Ranges", "bytes");
	streamHeaders(response, decision, "mpegts");
	if (ex->method() == "GET")
		pipeline->addBytesOut(segment->bytes);
	ex->respond(response);
}

/*
 * A transcoded variant's manifest: the variant is added with its first client and answers
 * once it has a segment of every track. Its resources live under {channel}/{variant}/.
 */
void serveVariant(ServerContext &context, const ExchangePtr &ex, ChannelPipeline &running,
		  const Profile &profile, const DeliveryDecision &delivery,
		  const std::string &manifest, uint32_t startSegments,
		  const std::string &channelDir)
{
	std::optional<Response> failure;
	TranscodeBranch *variant = variantFor(running, profile, delivery, "fmp4", failure);
	if (!variant)
		return ex->respond(*failure);
	running.setDecision("transcode");
	const std::string prefix = channelDir + "/" + variant->name() + "/";
	variant->whenSegments(
		startSegments, [&context, ex, &running, manifest, prefix](TeeBranch &branch) {
			if (branch.failed())
				return ex->respond(variantUnavailable(branch.error(), "fmp4"));
			if (!branch.ready())
				return ex->respond(variantUnavailable(
					variantStarting(static_cast<TranscodeBranch &>(branch)),
					"fmp4"));
			const std::string servedAs
				= manifest.ends_with(".mpd") ? kMpdName : manifest;
			auto response = variantResponse(context, ex, running, branch, manifest,
							servedAs, prefix);
			if (!response)
				return ex->respond(unavailable(running));
			ex->respond(*response);
		});
}

/* A negotiated URL's answer: 302 to the URL of the format the decision picked. */
Response negotiatedRedirect(ServerContext &context, const Exchange &ex, const Proxy &proxy,
			    const ContainerDecision &container)
{
	const DeliveryFormat format = container.client.format;
	const char *extension = format == DeliveryFormat::Dash ? ".mpd"
		: format == DeliveryFormat::TsContinuous       ? ".ts"
							       : ".m3u8";
	std::string location = baseUrl(context, ex) + liveDir(proxy)
		+ escapeSegment(ex.param("channel")) + extension;
	if (const char *query = g_uri_get_query(soup_server_message_get_uri(ex.message())))
		location += std::string("?") + query;
	Response response;
	response.status = 302;
	response.header("Location", location);
	response.header("Cache-Control", "no-store");
	streamHeaders(response, "", toString(container.container));
	return response;
}

void serveSmart(ServerContext &context, const ExchangePtr &ex, const Proxy &proxy,
		const Channel &channel, RequestKind kind)
{
	Store &store = *context.store;
	auto profile = proxy.profileId ? store.getProfile(proxy.profileId) : store.defaultProfile();
	if (!profile)
		return ex->respond(errorResponse(apiError(profile.error())));
	const std::string userAgent = ex->header("User-Agent");
	const std::string accept = ex->header("Accept");
	ClientRequest request;
	request.kind = kind;
	request.format = ex->query("format").value_or("");
	request.accept = accept;
	request.userAgent = userAgent;
	request.client
		= context.clientRules.match(ClientHints {userAgent, accept, ex->queryParams()});
	ContainerDecision container = determineContainer(*profile, request);
	if (!container.ok())
		return ex->respond(
			errorResponse({static_cast<unsigned>(container.error->httpStatus),
				       container.error->code,
				       container.error->message,
				       {}}));

	const DeliveryFormat format = container.client.format;
	const std::string channelDir = escapeSegment(ex->param("channel"));
	/* A profile that never transcodes picks its container by the source's codecs too. */
	const bool bySource = kind == RequestKind::Negotiated && forbidsTranscode(*profile)
		&& format == DeliveryFormat::TsContinuous && context.engine;
	if (kind == RequestKind::Negotiated && !bySource)
		return ex->respond(negotiatedRedirect(context, *ex, proxy, container));
	if (!context.engine)
		return ex->respond(errorResponse(
			{503, "not_implemented", "sluiced runs without its streaming engine", {}}));

	const ChannelSource source = sourceOf(context, channel);
	if (auto busy = sourceBusy(context, source))
		return ex->respond(*busy);
	ChannelPipeline &pipeline = context.engine->acquire(source);
	pipeline.noteRequest(clientKey(*ex));
	if (bySource)
		return pipeline.whenSettled([&context, ex, request, proxy,
					     chosen = *profile](ChannelPipeline &running) {
			if (running.state() == ChannelState::Failed)
				return ex->respond(unavailable(running));
			ContainerDecision decided
				= determineContainer(chosen, request, &running.sourceInfo());
			ex->respond(negotiatedRedirect(context, *ex, proxy, decided));
		});
	if (format == DeliveryFormat::TsContinuous)
		return serveTs(ex, pipeline, *profile, container.client);
	if (format == DeliveryFormat::HlsTs)
		return serveHlsTs(ex, pipeline, *profile, request.client.liveStartSegments,
				  container.client, channelDir);
	const bool dash = format == DeliveryFormat::Dash;
	const std::string manifest = manifestResource(dash, request.client);
	Profile chosen = *profile;
	/*
	 * Answered once the channel runs (the first segment of every track; more for a client
	 * whose rule asks) or failed.
	 */
	const uint32_t startSegments = request.client.liveStartSegments;
	pipeline.whenSegments(
		startSegments,
		[&context, ex, chosen, client = container.client, manifest, startSegments,
		 channelDir](ChannelPipeline &running) {
			if (running.state() == ChannelState::Failed)
				return ex->respond(unavailable(running));
			DeliveryDecision delivery
				= selectDelivery(running.sourceInfo(), client, chosen);
			if (delivery.error)
				return ex->respond(decisionError(*delivery.error, "fmp4"));
			if (delivery.mode == DeliveryMode::Transcode)
				return serveVariant(context, ex, running, chosen, delivery,
						    manifest, startSegments, channelDir);
			running.setDecision(std::string(toString(delivery.mode)));
			auto serve = [&context, ex, manifest, channelDir](ChannelPipeline &ready) {
				if (ready.state() == ChannelState::Failed)
					return ex->respond(unavailable(ready));
				const std::string servedAs
					= manifest.ends_with(".mpd") ? kMpdName : manifest;
				auto response = resourceResponse(context, ex, ready, manifest,
								 servedAs, channelDir + "/");
				if (!response)
					return ex->respond(unavailable(ready));
				ex->respond(*response);
			};
			/* FFmpeg re-reads the MPD as soon as it has read a segment, and wants the
			 * next. */
			if (manifest == kMpdByTimeName)
				return running.whenManifestChanged(
					clientKey(*ex), 2000 * context.config.segmentDurationS,
					serve);
			serve(running);
		});
}

void serveResource(ServerContext &context, const ExchangePtr &ex, const Channel &channel,
		   const std::string &name)
{
	if (std::optional<uint64_t> sequence = TsSegmenter::parseSegmentName(name)) {
		ChannelPipeline *pipeline
			= context.engine ? context.engine->find(channel.id) : nullptr;
		return serveTsSegment(context, ex, pipeline,
				      pipeline ? pipeline->segmenter() : nullptr, *sequence,
				      pipeline ? pipeline->decision() : "");
	}
	if (!isResourceName(name) || resourceContentType(name).empty())
		return ex->respond(
			errorResponse({404, "not_found", "no such resource: " + name, {}}));
	if (!context.engine)
		return ex->respond(errorResponse(
			{503, "not_implemented", "sluiced runs without its streaming engine", {}}));
	ChannelPipeline *pipeline = context.engine->find(channel.id);
	/* A player resuming after the channel stopped asks for a media playlist: start it. */
	if (isManifestName(name)) {
		const ChannelSource source = sourceOf(context, channel);
		if (auto busy = sourceBusy(context, source))
			return ex->respond(*busy);
		pipeline = &context.engine->acquire(source);
	}
	if (!pipeline)
		return ex->respond(
			errorResponse({404,
				       "not_found",
				       "channel " + std::to_string(channel.id) + " is not running",
				       {}}));
	pipeline->noteRequest(clientKey(*ex));
	auto respond = [&context, ex, name](ChannelPipeline &running) {
		if (running.state() == ChannelState::Failed)
			return ex->respond(unavailable(running));
		auto response = resourceResponse(context, ex, running,
						 resourceFor(context, ex, name), name, "");
		if (!response) {
			Response missing = errorResponse(
				{404, "not_found", "no such playlist or segment: " + name, {}});
			streamHeaders(missing, "", "");
			return ex->respond(missing);
		}
		ex->respond(*response);
	};
	/* The segment being made: answered when it is, within two segment durations. */
	if (std::optional<SegmentName> segment = parseMediaSegmentName(name))
		return pipeline->whenSettled([segment, respond, &context,
					      key = clientKey(*ex)](ChannelPipeline &running) {
			running.whenSegmentMade(*segment, 2000 * context.config.segmentDurationS,
						[segment, respond, key](ChannelPipeline &made) {
							made.noteSegmentRead(key, *segment);
							respond(made);
						});
		});
	pipeline->whenSettled(respond);
}

/* /live/{proxy}/{channel}/{variant}/{resource}: a transcoded variant's. */
void serveBranchResource(ServerContext &context, const ExchangePtr &ex, const Channel &channel,
			 const std::string &variant, const std::string &name)
{
	ChannelPipeline *pipeline = context.engine ? context.engine->find(channel.id) : nullptr;
	TeeBranch *branch = pipeline ? pipeline->branch(variant) : nullptr;
	if (branch && TsSegmenter::parseSegmentName(name)) {
		auto *transcoded = static_cast<TranscodeBranch *>(branch);
		transcoded->touch();
		return serveTsSegment(context, ex, pipeline, transcoded->ts().segmenter(),
				      *TsSegmenter::parseSegmentName(name), "transcode");
	}
	if (!branch || !isResourceName(name) || resourceContentType(name).empty()) {
		/* A variant is made by its channel URL; one that idled out is gone with its names.
		 */
		Response missing = errorResponse(
			{404,
			 "not_found",
			 "no such resource: " + variant + "/" + name
				 + " (variants start from the channel's .m3u8 or .mpd URL)",
			 {}});
		streamHeaders(missing, "", "");
		return ex->respond(missing);
	}
	pipeline->noteRequest(clientKey(*ex));
	branch->touch();
	branch->whenReady([&context, ex, pipeline, name](TeeBranch &ready) {
		if (ready.failed())
			return ex->respond(
				errorResponse({503, "source_unavailable", ready.error(), {}}));
		if (!ready.ready())
			return ex->respond(variantUnavailable(
				variantStarting(static_cast<TranscodeBranch &>(ready)), "fmp4"));
		auto response = variantResponse(context, ex, *pipeline, ready,
						resourceFor(context, ex, name), name, "");
		if (!response) {
			Response missing = errorResponse(
				{404, "not_found", "no such playlist or segment: " + name, {}});
			streamHeaders(missing, "", "");
			return ex->respond(missing);
		}
		ex->respond(*response);
	});
}

/* A transcoded variant as the sessions list shows it. */
void writeVariant(JsonOut &out, const TranscodeBranch &variant)
{
	out.beginObject();
	out.member("name", variant.name());
	out.member("encoders", variant.encoders());
	out.member("state", variant.failed() ? "failed" : variant.ready() ? "running" : "starting");
	out.key("speed");
	if (auto speed = variant.speed())
		out.value(std::round(*speed * 100) / 100);
	else
		out.null();
	out.member("realtime", !variant.slow());
	out.member("ts_clients", static_cast<int64_t>(variant.tsClients()));
	out.endObject();
}

/* GET /api/v1/sessions: the running channels. */
Response sessions(ServerContext &context)
{
	JsonOut out;
	out.beginArray();
	const int64_t now = g_get_monotonic_time();
	const int64_t clientWindowUs = int64_t(context.config.clientIdleTimeoutS) * G_USEC_PER_SEC;
	for (ChannelPipeline *channel :
	     context.engine ? context.engine->channels() : std::vector<ChannelPipeline *> {}) {
		const SourceInfo &info = channel->sourceInfo();
		out.beginObject();
		out.member("channel_id", static_cast<int64_t>(channel->source().channelId));
		out.member("stream_url", channel->source().uri);
		out.member("state", toString(channel->state()));
		out.key("source").beginObject();
		out.member("classified", channel->classified());
		out.member("type", toString(info.type));
		out.member("container", info.container);
		out.member("video_codec", info.videoCodec);
		out.member("audio_codec", info.audioCodec);
		out.member("height", info.height);
		out.member("summary", channel->summary());
		out.endObject();
		out.key("tracks").beginArray();
		for (const std::string &track : channel->tracks())
			out.value(track);
		out.endArray();
		out.key("branches").beginArray();
		for (const std::string &branch : channel->branchNames())
			out.value(branch);
		out.endArray();
		out.key("variants").beginArray();
		for (const TranscodeBranch *variant : channel->variants())
			writeVariant(out, *variant);
		out.endArray();
		out.key("decision");
		if (channel->decision().empty())
			out.null();
		else
			out.value(channel->decision());
		out.member("clients", static_cast<int64_t>(channel->activeClients(clientWindowUs)));
		out.member("bytes_out", static_cast<int64_t>(channel->bytesOut()));
		out.member("segments", static_cast<int64_t>(channel->segments()));
		out.member("uptime_s", (now - channel->startedUs()) / G_USEC_PER_SEC);
		out.key("last_error");
		if (channel->lastError().empty())
			out.null();
		else
			out.value(channel->lastError());
		out.member("source_url", channel->currentUri());
		out.member("source_switches", static_cast<int64_t>(channel->sourceSwitches()));
		out.endObject();
	}
	out.endArray();
	return jsonResponse(200, out.text());
}

/* The proxy and channel a /live/ URL names, or the error to answer with. */
struct LiveTarget {
	Proxy proxy;
	Channel channel;
	std::optional<Response> error;
	bool wrongKey = false; /* error refuses a wrong stream key: answer it slowly */
};

/* Answers a LiveTarget's error. */
void refuse(const ExchangePtr &ex, LiveTarget &target)
{
	refuse(ex, KeyRefusal {std::move(*target.error), target.wrongKey});
}

LiveTarget resolveLive(ServerContext &context, const ExchangePtr &ex)
{
	Store &store = *context.store;
	LiveTarget target;
	/* The extension routes match first; what reaches the bare route with a '.' is a format
	 * sluiced does not serve. */
	const std::string &idText = ex->param("channel");
	if (idText.find('.') != std::string::npos) {
		target.error = errorResponse(
			{404,
			 "not_found",
			 "no such stream: " + idText + " (the formats are .m3u8, .mpd and .ts)",
			 {}});
		return target;
	}
	auto proxy = findProxy(store, ex->param("proxy"));
	if (!proxy) {
		target.error = errorResponse(apiError(proxy.error()));
		return target;
	}
	/* The key before anything about the proxy's channels. */
	const std::string &key = ex->param("key");
	if (auto refused = checkKey(*proxy, key.empty() ? std::nullopt : std::optional(key),
				    "/live/" + proxy->name + "/k/KEY/...")) {
		target.error = std::move(refused->response);
		target.wrongKey = refused->wrong;
		return target;
	}
	if (!proxy->streamKey.empty())
		ex->acceptedCredential();
	const Id id = parseId(idText);
	if (!id
	    || std::find(proxy->channelIds.begin(), proxy->channelIds.end(), id)
		    == proxy->channelIds.end()) {
		target.error = errorResponse({404,
					      "not_found",
					      "proxy " + proxy->name + " has no channel " + idText,
					      {}});
		return target;
	}
	auto channel = store.getChannel(id);
	if (!channel) {
		target.error = errorResponse(apiError(channel.error()));
		return target;
	}
	target.proxy = std::move(*proxy);
	target.channel = std::move(*channel);
	return target;
}

Response redirectToSource(const Channel &channel)
{
	/* A Kodi-style "|User-Agent=..." suffix is for whoever opens the URL, not part of it; a
	 * redirect cannot carry it. */
	std::string target = channel.streamUrl.substr(0, channel.streamUrl.rfind('|'));
	Response response;
	response.status = 302;
	response.header("Location", target);
	response.header("Cache-Control", "no-store");
	return response;
}

void live(ServerContext &context, const ExchangePtr &ex, RequestKind kind)
{
	LiveTarget target = resolveLive(context, ex);
	if (target.error)
		return refuse(ex, target);
	if (target.proxy.mode == ProxyMode::Direct)
		return ex->respond(redirectToSource(target.channel));
	if (auto forbidden = forbiddenSource(context, target.channel))
		return ex->respond(*forbidden);
	serveSmart(context, ex, target.proxy, target.channel, kind);
}

void liveResource(ServerContext &context, const ExchangePtr &ex)
{
	LiveTarget target = resolveLive(context, ex);
	if (target.error)
		return refuse(ex, target);
	if (target.proxy.mode == ProxyMode::Direct)
		return ex->respond(errorResponse(
			{404,
			 "not_found",
			 "proxy " + target.proxy.name + " is in direct mode: it serves no segments",
			 {}}));
	if (auto forbidden = forbiddenSource(context, target.channel))
		return ex->respond(*forbidden);
	serveResource(context, ex, target.channel, ex->param("resource"));
}

} /* namespace */

void addPlaylistRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/proxy/{proxy}.m3u",
		   [&context](const ExchangePtr &ex) { playlist(context, ex); });
	/*
	 * Every stream URL twice: with a stream key (/live/{proxy}/k/{key}/...) and without. The
	 * keyed ones first: /live/{proxy}/k/{key}/{channel} has as many segments as
	 * /live/{proxy}/{channel}/{variant}/{resource}, and a channel is never called "k".
	 */
	for (const char *dir : {"/live/{proxy}/k/{key}/", "/live/{proxy}/"}) {
		const std::string base = dir;
		for (const char *extension : {".m3u8", ".mpd", ".ts", ""}) {
			const std::string pattern = base + "{channel}" + extension;
			const RequestKind kind = requestKindFromPath(extension);
			auto handler = [&context, kind](const ExchangePtr &ex) {
				live(context, ex, kind);
			};
			router.add("GET", pattern, handler);
			router.add("HEAD", pattern, handler);
		}
		auto resourceHandler = [&context](const ExchangePtr &ex) {
			liveResource(context, ex);
		};
		router.add("GET", base + "{channel}/{resource}", resourceHandler);
		router.add("HEAD", base + "{channel}/{resource}", resourceHandler);
		auto branchHandler = [&context](const ExchangePtr &ex) {
			LiveTarget target = resolveLive(context, ex);
			if (target.error)
				return refuse(ex, target);
			serveBranchResource(context, ex, target.channel, ex->param("variant"),
					    ex->param("resource"));
		};
		router.add("GET", base + "{channel}/{variant}/{resource}", branchHandler);
		router.add("HEAD", base + "{channel}/{variant}/{resource}", branchHandler);
	}
}

void addSessionRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/api/v1/sessions",
		   [&context](const ExchangePtr &ex) { ex->respond(sessions(context)); });
}

} /* namespace sluice */
