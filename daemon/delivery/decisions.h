/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Smart delivery, per channel and client: which container and format, then passthrough,
 * repackage or transcode. Every decision carries the reasons an explain endpoint shows.
 */

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clientrules.h"
#include "model.h"

namespace sluice {

/* What the URL asked for, from its extension. */
enum class RequestKind {
	Negotiated, /* /live/{proxy}/{channel}: ?format=, Accept and User-Agent choose */
	Hls, /* .m3u8 */
	Dash, /* .mpd */
	Ts, /* .ts: continuous MPEG-TS */
};

/* .m3u8 -> Hls, .mpd -> Dash, .ts -> Ts (case-insensitive; query ignored), else Negotiated. */
RequestKind requestKindFromPath(std::string_view path);

/* One client request, as determineContainer() reads it. */
struct ClientRequest {
	RequestKind kind = RequestKind::Negotiated;
	std::string
		format; /* ?format= (hls, m3u8, dash, mpd, ts, mpegts, fmp4, cmaf); "" = absent */
	std::string accept; /* Accept header */
	std::string userAgent; /* User-Agent, only quoted in the reasons (client is the match) */
	ClientRule client; /* the matched client rule; default-constructed = unknown client */
};

/* How the client is served. */
enum class DeliveryFormat {
	TsContinuous, /* one endless MPEG-TS response */
	HlsFmp4, /* HLS v7, CMAF segments with EXT-X-MAP */
	HlsTs, /* HLS v3, MPEG-TS segments */
	Dash, /* dynamic MPD over the same CMAF segments as HlsFmp4 */
};

std::string_view toString(DeliveryFormat format); /* "ts", "hls-fmp4", "hls-ts", "dash" */
ContainerFormat containerOf(DeliveryFormat format); /* Fmp4 or MpegTs */

/* The delivery format plus what the client can decode (empty list = anything). */
struct ClientFormat {
	DeliveryFormat format = DeliveryFormat::HlsFmp4;
	std::vector<std::string> videoCodecs;
	std::vector<std::string> audioCodecs;
	std::string clientName; /* the client rule's name, for the reasons */
};

/* A request that cannot be served; the stream endpoint answers httpStatus with message. */
struct DecisionError {
	std::string code;
	std::string message;
	int httpStatus = 406;
};

struct ContainerDecision {
	ContainerFormat container = ContainerFormat::Fmp4; /* never Auto */
	ClientFormat client; /* format agrees with container */
	std::vector<std::string> reasons;
	std::optional<DecisionError> error; /* set: container and client mean nothing */

	bool ok() const { return !error.has_value(); }
};

enum class SourceType {
	Unknown,
	Hls,
	Dash,
	MpegTs, /* a non-adaptive HTTP stream (smartsrc's "mpegts", whatever its container) */
	File,
	Test,
};

/* smartsrc's "type" ("hls", "dash", "mpegts", "file", "test"; anything else is Unknown). */
SourceType parseSourceType(std::string_view type);
std::string_view toString(SourceType type);

/* A channel source as smartsrc classified it. */
struct SourceInfo {
	SourceType type = SourceType::Unknown;
	std::string container; /* "mpegts", "mp4", "matroska", ...; "" = not known */
	std::string videoCodec; /* smartsrc's codec name; "" = no video stream */
	std::string audioCodec; /* "" = no audio stream */
	uint32_t height = 0; /* 0 = not known */
	uint32_t videoBitrateKbps = 0; /* 0 = not known */
};

/*
 * The container and delivery format for a request.
 *
 * A URL whose extension admits one container fixes it: .mpd is always DASH over fMP4 (an
 * mpegts profile, ?format=ts or a legacy client do not change that: MPEG-TS cannot be served
 * as DASH here, and fMP4 carries every codec an mpegts profile allows), and .ts is always
 * continuous MPEG-TS (an fmp4 profile does not change that either), unless the profile
 * encodes VP9, AV1 or Opus, which MPEG-TS cannot carry: then the request is an error
 * (codec_requires_fmp4, 406).
 *
 * A negotiated URL first picks a delivery format: ?format= (hls|m3u8, dash|mpd, ts|mpegts,
 * fmp4|cmaf -> HLS), else the Accept type with the highest q (HLS playlist types, DASH MPD,
 * video/MP2T), else the client rule (legacy_ts_only -> ts, then preferred_format), else HLS.
 *
 * Then, for HLS (and for a negotiated TS that cannot be TS), the container:
 *  - profile fmp4 or mpegts: the profile's (a negotiated TS with an fmp4 profile becomes HLS
 *    fMP4);
 *  - auto: a profile codec that needs fMP4 -> fMP4 (a negotiated TS becomes HLS fMP4);
 *    ?format=ts|mpegts, Accept video/MP2T, or a legacy_ts_only client -> MPEG-TS (HLS v3);
 *    ?format=fmp4|cmaf -> fMP4; otherwise fMP4 (HLS v7 with EXT-X-MAP).
 * A ?format= that contradicts the URL's extension (.ts?format=hls) is ignored, with a reason.
 *
 * source, when known (the channel runs): a profile that never transcodes (forbidsTranscode)
 * and a source stream MPEG-TS cannot carry (VP9, AV1, Opus) turn a negotiated TS that only the
 * client rule's preferred_format picked into HLS fMP4. A TS the request itself asks for stays,
 * and selectDelivery() refuses it.
 */
ContainerDecision determineContainer(const Profile &profile, const ClientRequest &request,
				     const SourceInfo *source = nullptr);

/*
 * Whether a profile re-encodes nothing, ever: copy video and copy audio, no height or bitrate
 * cap (Passthrough). A stream its client's format or decoder cannot take is refused, not
 * transcoded. A profile with a cap or a codec transcodes to fit as well.
 */
bool forbidsTranscode(const Profile &profile);

enum class DeliveryMode {
	Passthrough, /* the source's bytes, as they came */
	Repackage, /* demuxed and muxed again; no stream is re-encoded */
	Transcode, /* at least one stream is decoded and encoded */
};

std::string_view toString(DeliveryMode mode); /* "passthrough", "repackage", "transcode" */

struct DeliveryDecision {
	DeliveryMode mode = DeliveryMode::Repackage;
	bool transcodeVideo = false;
	bool transcodeAudio = false;
	VideoCodec videoCodec
		= VideoCodec::Copy; /* the encoder's codec; Copy unless transcodeVideo */
	AudioCodec audioCodec = AudioCodec::Copy; /* Copy unless transcodeAudio */
	std::vector<std::string> reasons;
	/*
	 * Set: the client cannot be served (a profile that never transcodes, a stream that needs
	 * it); the stream URL answers httpStatus with the message, the rest means nothing.
	 */
	std::optional<DecisionError> error;
};

/*
 * The cheapest path that works, per the spec's tree:
 *  1. the profile needs a transcode -> transcode. Video: its codec is not copy and differs
 *     from the source's; max_height is below the source's height; video_bitrate_kbps is below
 *     the source's bitrate. A cap against an unknown height or bitrate counts as exceeded (the
 *     user asked for the cap). Audio: its codec is not copy and differs from the source's.
 *  2. the source's format is the client's -> passthrough. Only a continuous MPEG-TS source
 *     (type mpegts, container mpegts) to a continuous TS client: that is the one format whose
 *     bytes the pipeline forwards; HLS and DASH sources are always demuxed.
 *  3. no re-encode is needed -> repackage.
 *  4. otherwise -> transcode; but a profile that forbids it (forbidsTranscode) gets an error
 *     instead (406 transcode_forbidden) naming each stream that does not fit and why.
 * "No re-encode needed" (steps 2 and 3) means each source stream fits the target container
 * and the client decodes it. MPEG-TS carries h264, h265, mpeg2video; aac, mp3, mp2, ac3,
 * eac3. fMP4 (cmafsink) carries h264, h265, vp9, av1; aac, opus: AC-3 and MPEG audio in CMAF
 * are not widely playable, so they are transcoded.
 *
 * Only the streams that need it are transcoded, each for its own reasons. The encoder codec is
 * the first of: the profile's codec (unless copy), the source's codec (when Sluice encodes
 * it), h264, h265, vp9, av1 (aac, opus for audio) that the container carries and the client
 * decodes; h264 / aac when none does. So a profile codec the client cannot decode gives way
 * (Efficiency's h265 to Firefox becomes h264), and when the codec it gives way to is the
 * source's, step 1 sees no codec change: an H.264 source is not re-encoded to H.264.
 */
DeliveryDecision selectDelivery(const SourceInfo &source, const ClientFormat &client,
				const Profile &profile);

} /* namespace sluice */
