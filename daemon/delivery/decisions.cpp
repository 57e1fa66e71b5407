/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The container and delivery decision trees, with their reasons.
 */

#include "decisions.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "profilerules.h"
#include "textutil.h"

namespace sluice {

namespace {

/* ?format= as a request signal. */
enum class FormatParam {
	None,
	Hls,
	Dash,
	Ts,
	Fmp4,
	Unknown,
};

FormatParam parseFormatParam(std::string_view value)
{
	std::string lower = asciiLower(trimmed(value));
	if (lower.empty())
		return FormatParam::None;
	if (lower == "hls" || lower == "m3u8")
		return FormatParam::Hls;
	if (lower == "dash" || lower == "mpd")
		return FormatParam::Dash;
	if (lower == "ts" || lower == "mpegts")
		return FormatParam::Ts;
	if (lower == "fmp4" || lower == "cmaf")
		return FormatParam::Fmp4;
	return FormatParam::Unknown;
}

/* The Accept media type Sluice serves that the client ranks highest. */
enum class AcceptPref {
	None,
	Hls,
	Dash,
	Ts,
};

struct AcceptChoice {
	AcceptPref pref = AcceptPref::None;
	std::string type; /* as the client wrote it, for the reasons */
};

AcceptPref acceptPrefOf(std::string_view mediaType)
{
	std::string lower = asciiLower(mediaType);
	if (lower == "application/vnd.apple.mpegurl" || lower == "application/x-mpegurl"
	    || lower == "audio/mpegurl" || lower == "audio/x-mpegurl")
		return AcceptPref::Hls;
	if (lower == "application/dash+xml")
		return AcceptPref::Dash;
	if (lower == "video/mp2t")
		return AcceptPref::Ts;
	return AcceptPref::None;
}

/* q of one Accept entry's parameters ("; q=0.5"); 1 when absent or unreadable. */
double qualityOf(std::string_view params)
{
	while (!params.empty()) {
		size_t semicolon = params.find(';');
		std::string_view param = trimmed(params.substr(0, semicolon));
		params = semicolon == std::string_view::npos ? std::string_view()
							     : params.substr(semicolon + 1);
		if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=')
			continue;
		std::string_view number = trimmed(param.substr(2));
		double q = 1.0;
		auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), q);
		if (ec == std::errc() && end == number.data() + number.size())
			return q;
		return 1.0;
	}
	return 1.0;
}

AcceptChoice parseAccept(std::string_view accept)
{
	AcceptChoice best;
	double bestQ = 0.0;
	while (!accept.empty()) {
		size_t comma = accept.find(',');
		std::string_view entry = accept.substr(0, comma);
		accept = comma == std::string_view::npos ? std::string_view()
							 : accept.substr(comma + 1);
		size_t semicolon = entry.find(';');
		std::string_view type = trimmed(entry.substr(0, semicolon));
		double q = semicolon == std::string_view::npos
			? 1.0
			: qualityOf(entry.substr(semicolon + 1));
		AcceptPref pref = acceptPrefOf(type);
		if (pref == AcceptPref::None || q <= 0.0 || q <= bestQ)
			continue;
		best = {pref, std::string(type)};
		bestQ = q;
	}
	return best;
}

/* Request text echoed in reasons is cut to these lengths. */
constexpr size_t kMaxQuotedUserAgent = 200;
constexpr size_t kMaxQuotedFormat = 32;

std::string quoted(std::string_view text)
{
	return "\"" + std::string(text) + "\"";
}

std::string clientLabel(std::string_view name)
{
	return name.empty() ? std::string("the client") : "client " + quoted(name);
}

std::string profileLabel(const Profile &profile)
{
	return "profile " + quoted(profile.name);
}

/* "vp9 video" or "opus audio" when the profile encodes a codec MPEG-TS cannot carry. */
std::optional<std::string> fmp4OnlyCodec(const Profile &profile)
{
	if (requiresFmp4(profile.videoCodec))
		return std::string(toString(profile.videoCodec)) + " video";
	if (requiresFmp4(profile.audioCodec))
		return std::string(toString(profile.audioCodec)) + " audio";
	return std::nullopt;
}

constexpr std::array<std::string_view, 3> kTsVideo {"h264", "h265", "mpeg2video"};
constexpr std::array<std::string_view, 5> kTsAudio {"aac", "mp3", "mp2", "ac3", "eac3"};
constexpr std::array<std::string_view, 4> kFmp4Video {"h264", "h265", "vp9", "av1"};
constexpr std::array<std::string_view, 2> kFmp4Audio {"aac", "opus"};

constexpr std::array<VideoCodec, 4> kVideoEncoders {VideoCodec::H264, VideoCodec::H265,
						    VideoCodec::VP9, VideoCodec::AV1};
constexpr std::array<AudioCodec, 2> kAudioEncoders {AudioCodec::AAC, AudioCodec::Opus};

template <size_t N>
bool contains(const std::array<std::string_view, N> &list, std::string_view codec)
{
	return std::find(list.begin(), list.end(), codec) != list.end();
}

bool listAccepts(const std::vector<std::string> &list, std::string_view codec)
{
	return list.empty() || std::find(list.begin(), list.end(), codec) != list.end();
}

/* smartsrc's names, lower-cased, with the usual synonyms folded in. */
std::string normalizeCodec(std::string_view codec)
{
	std::string lower = asciiLower(trimmed(codec));
	if (lower == "hevc")
		return "h265";
	if (lower == "avc" || lower == "avc1")
		return "h264";
	return lower;
}

std::string_view containerName(ContainerFormat container)
{
	return container == ContainerFormat::MpegTs ? "MPEG-TS" : "fMP4";
}

bool carriesVideo(ContainerFormat container, std::string_view codec)
{
	return container == ContainerFormat::MpegTs ? contains(kTsVideo, codec)
						    : contains(kFmp4Video, codec);
}

bool carriesAudio(ContainerFormat container, std::string_view codec)
{
	return container == ContainerFormat::MpegTs ? contains(kTsAudio, codec)
						    : contains(kFmp4Audio, codec);
}

/*
 * The source stream that keeps a profile which never transcodes from MPEG-TS ("vp9 video"),
 * or nullopt: a stream fMP4 carries and MPEG-TS does not.
 */
std::optional<std::string> sourceNeedsFmp4(const Profile &profile, const SourceInfo &source)
{
	if (!forbidsTranscode(profile))
		return std::nullopt;
	const std::string video = normalizeCodec(source.videoCodec);
	if (!video.empty() && !carriesVideo(ContainerFormat::MpegTs, video)
	    && carriesVideo(ContainerFormat::Fmp4, video))
		return video + " video";
	const std::string audio = normalizeCodec(source.audioCodec);
	if (!audio.empty() && !carriesAudio(ContainerFormat::MpegTs, audio)
	    && carriesAudio(ContainerFormat::Fmp4, audio))
		return audio + " audio";
	return std::nullopt;
}

enum class Want {
	Hls,
	Dash,
	Ts,
};

/* The delivery format a negotiated URL asks for. */
Want negotiate(FormatParam format, const ClientRequest &request, const AcceptChoice &accept,
	       std::vector<std::string> &reasons)
{
	switch (format) {
	case FormatParam::Hls:
		reasons.push_back("?format=" + request.format + " asks for HLS");
		return Want::Hls;
	case FormatParam::Dash:
		reasons.push_back("?format=" + request.format + " asks for DASH");
		return Want::Dash;
	case FormatParam::Ts:
		reasons.push_back("?format=" + request.format + " asks for continuous MPEG-TS");
		return Want::Ts;
	case FormatParam::Fmp4:
		reasons.push_back("?format=" + request.format
				  + " asks for fMP4, which is served as HLS");
		return Want::Hls;
	case FormatParam::None:
	case FormatParam::Unknown:
		break;
	}

	switch (accept.pref) {
	case AcceptPref::Hls:
		reasons.push_back("Accept: " + accept.type + " asks for HLS");
		return Want::Hls;
	case AcceptPref::Dash:
		reasons.push_back("Accept: " + accept.type + " asks for DASH");
		return Want::Dash;
	case AcceptPref::Ts:
		reasons.push_back("Accept: " + accept.type + " asks for continuous MPEG-TS");
		return Want::Ts;
	case AcceptPref::None:
		break;
	}

	const ClientRule &client = request.client;
	if (client.legacyTsOnly) {
		reasons.push_back(clientLabel(client.name)
				  + " plays only MPEG-TS: continuous MPEG-TS");
		return Want::Ts;
	}
	switch (client.preferredFormat) {
	case PreferredFormat::Hls:
		reasons.push_back(clientLabel(client.name) + " prefers HLS");
		return Want::Hls;
	case PreferredFormat::Dash:
		reasons.push_back(clientLabel(client.name) + " prefers DASH");
		return Want::Dash;
	case PreferredFormat::Ts:
		reasons.push_back(clientLabel(client.name) + " prefers continuous MPEG-TS");
		return Want::Ts;
	case PreferredFormat::Auto:
		break;
	}

	reasons.push_back("nothing in the request picks a format: HLS");
	return Want::Hls;
}

/* The container of an HLS response. */
ContainerFormat hlsContainer(const Profile &profile, const ClientRequest &request,
			     FormatParam format, const AcceptChoice &accept,
			     std::vector<std::string> &reasons)
{
	switch (profile.containerFormat) {
	case ContainerFormat::Fmp4:
		reasons.push_back(profileLabel(profile) + " sets fMP4: HLS v7 with EXT-X-MAP");
		return ContainerFormat::Fmp4;
	case ContainerFormat::MpegTs:
		reasons.push_back(profileLabel(profile) + " sets MPEG-TS: HLS v3");
		return ContainerFormat::MpegTs;
	case ContainerFormat::Auto:
		break;
	}

	if (auto codec = fmp4OnlyCodec(profile)) {
		reasons.push_back(profileLabel(profile) + " encodes " + *codec
				  + ", which needs fMP4: HLS v7 with EXT-X-MAP");
		return ContainerFormat::Fmp4;
	}
	if (format == FormatParam::Ts) {
		reasons.push_back("?format=" + request.format
				  + " asks for MPEG-TS segments: HLS v3");
		return ContainerFormat::MpegTs;
	}
	if (format == FormatParam::Fmp4) {
		reasons.push_back("?format=" + request.format
				  + " asks for fMP4 segments: HLS v7 with EXT-X-MAP");
		return ContainerFormat::Fmp4;
	}
	if (accept.pref == AcceptPref::Ts) {
		reasons.push_back("Accept: " + accept.type + " asks for MPEG-TS segments: HLS v3");
		return ContainerFormat::MpegTs;
	}
	if (request.client.legacyTsOnly) {
		reasons.push_back(clientLabel(request.client.name)
				  + " plays only MPEG-TS: MPEG-TS segments, HLS v3");
		return ContainerFormat::MpegTs;
	}
	reasons.push_back("HLS is served as fMP4: HLS v7 with EXT-X-MAP");
	return ContainerFormat::Fmp4;
}

void setClient(ContainerDecision &decision, DeliveryFormat format, const ClientRule &client)
{
	decision.container = containerOf(format);
	decision.client.format = format;
	decision.client.videoCodecs = client.videoCodecs;
	decision.client.audioCodecs = client.audioCodecs;
	decision.client.clientName = client.name;
}

} /* namespace */

RequestKind requestKindFromPath(std::string_view path)
{
	path = path.substr(0, path.find_first_of("?#"));
	size_t slash = path.rfind('/');
	std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
	size_t dot = last.rfind('.');
	if (dot == std::string_view::npos)
		return RequestKind::Negotiated;
	std::string extension = asciiLower(last.substr(dot + 1));
	if (extension == "m3u8")
		return RequestKind::Hls;
	if (extension == "mpd")
		return RequestKind::Dash;
	if (extension == "ts")
		return RequestKind::Ts;
	return RequestKind::Negotiated;
}

std::string_view toString(DeliveryFormat format)
{
	switch (format) {
	case DeliveryFormat::TsContinuous:
		return "ts";
	case DeliveryFormat::HlsFmp4:
		return "hls-fmp4";
	case DeliveryFormat::HlsTs:
		return "hls-ts";
	case DeliveryFormat::Dash:
		return "dash";
	}
	return "hls-fmp4";
}

ContainerFormat containerOf(DeliveryFormat format)
{
	return format == DeliveryFormat::TsContinuous || format == DeliveryFormat::HlsTs
		? ContainerFormat::MpegTs
		: ContainerFormat::Fmp4;
}

bool forbidsTranscode(const Profile &profile)
{
	return profile.videoCodec == VideoCodec::Copy && profile.audioCodec == AudioCodec::Copy
		&& !profile.maxHeight && !profile.videoBitrateKbps;
}

ContainerDecision determineContainer(const Profile &profile, const ClientRequest &request,
				     const SourceInfo *source)
{
	ContainerDecision decision;
	std::vector<std::string> &reasons = decision.reasons;
	const ClientRule &client = request.client;

	if (!client.name.empty() && !request.userAgent.empty())
		reasons.push_back("the client is " + quoted(client.name) + " (User-Agent "
				  + quoted(request.userAgent.substr(0, kMaxQuotedUserAgent)) + ")");

	FormatParam format = parseFormatParam(request.format);
	if (format == FormatParam::Unknown)
		reasons.push_back("ignoring ?format=" + request.format.substr(0, kMaxQuotedFormat)
				  + " (hls, dash, ts, mpegts, fmp4 are understood)");
	AcceptChoice accept = parseAccept(request.accept);

	Want want = Want::Hls;
	switch (request.kind) {
	case RequestKind::Dash:
		reasons.push_back("the .mpd URL is DASH");
		if (format == FormatParam::Hls || format == FormatParam::Ts)
			reasons.push_back("ignoring ?format=" + request.format
					  + ": the .mpd URL is always DASH over fMP4");
		want = Want::Dash;
		break;
	case RequestKind::Ts:
		reasons.push_back("the .ts URL is continuous MPEG-TS");
		if (format == FormatParam::Hls || format == FormatParam::Dash
		    || format == FormatParam::Fmp4)
			reasons.push_back("ignoring ?format=" + request.format
					  + ": the .ts URL is always continuous MPEG-TS");
		want = Want::Ts;
		break;
	case RequestKind::Hls:
		reasons.push_back("the .m3u8 URL is HLS");
		if (format == FormatParam::Dash)
			reasons.push_back("ignoring ?format=" + request.format
					  + ": the .m3u8 URL is always HLS");
		want = Want::Hls;
		break;
	case RequestKind::Negotiated:
		want = negotiate(format, request, accept, reasons);
		break;
	}

	if (want == Want::Dash) {
		if (profile.containerFormat == ContainerFormat::MpegTs)
			reasons.push_back("DASH is served only as fMP4; " + profileLabel(profile)
					  + "'s mpegts applies to HLS and continuous TS");
		else
			reasons.push_back("DASH is served as fMP4");
		setClient(decision, DeliveryFormat::Dash, client);
		return decision;
	}

	if (want == Want::Ts) {
		auto codec = fmp4OnlyCodec(profile);
		if (codec && request.kind == RequestKind::Ts) {
			std::string message = profileLabel(profile) + " encodes " + *codec
				+ ", which MPEG-TS cannot carry; use the channel's "
				  ".m3u8 or .mpd URL";
			reasons.push_back(message);
			decision.error = DecisionError {"codec_requires_fmp4", message, 406};
			return decision;
		}
		if (codec) {
			reasons.push_back(profileLabel(profile) + " encodes " + *codec
					  + ", which MPEG-TS cannot carry: HLS fMP4 instead of "
					    "continuous TS");
			setClient(decision, DeliveryFormat::HlsFmp4, client);
			return decision;
		}
		/* Only a preference picked TS: a stream that cannot go there picks fMP4. */
		const bool preferred = request.kind == RequestKind::Negotiated
			&& (format == FormatParam::None || format == FormatParam::Unknown)
			&& accept.pref != AcceptPref::Ts && !client.legacyTsOnly;
		if (auto needs
		    = preferred && source ? sourceNeedsFmp4(profile, *source) : std::nullopt) {
			reasons.push_back(
				profileLabel(profile)
				+ " never transcodes and MPEG-TS cannot carry the source's "
				+ *needs + ": HLS fMP4 instead of continuous TS");
			setClient(decision, DeliveryFormat::HlsFmp4, client);
			return decision;
		}
		if (profile.containerFormat == ContainerFormat::Fmp4
		    && request.kind == RequestKind::Negotiated) {
			reasons.push_back(profileLabel(profile)
					  + " sets fMP4: HLS fMP4 instead of continuous TS");
			setClient(decision, DeliveryFormat::HlsFmp4, client);
			return decision;
		}
		if (profile.containerFormat == ContainerFormat::Fmp4)
			reasons.push_back("the .ts URL is always MPEG-TS; " + profileLabel(profile)
					  + "'s fmp4 applies to HLS and negotiated requests");
		setClient(decision, DeliveryFormat::TsContinuous, client);
		return decision;
	}

	ContainerFormat container = hlsContainer(profile, request, format, accept, reasons);
	setClient(decision,
		  container == ContainerFormat::MpegTs ? DeliveryFormat::HlsTs
						       : DeliveryFormat::HlsFmp4,
		  client);
	return decision;
}

/* ---- Delivery ---- */

namespace {

/* Why a source stream cannot be copied into the client's format; "" when it can. */
std::string misfit(std::string_view kind, std::string_view codec, ContainerFormat container,
		   const std::vector<std::string> &accepted, const std::string &client)
{
	bool video = kind == "video";
	if (!(video ? carriesVideo(container, codec) : carriesAudio(container, codec))) {
		std::string why = std::string(containerName(container)) + " cannot carry "
			+ std::string(codec) + " " + std::string(kind);
		if (!video && container == ContainerFormat::Fmp4 && contains(kTsAudio, codec))
			why += " (AC-3 and MPEG audio in CMAF are not widely playable)";
		return why;
	}
	if (!listAccepts(accepted, codec))
		return client + " does not decode " + std::string(codec) + " " + std::string(kind);
	return {};
}

bool isForwardableTs(const SourceInfo &source)
{
	return source.type == SourceType::MpegTs && asciiLower(source.container) == "mpegts";
}

std::string describeSource(const SourceInfo &source)
{
	std::string container = asciiLower(source.container);
	switch (source.type) {
	case SourceType::Hls:
		if (container == "mpegts")
			return "HLS with MPEG-TS segments";
		if (container == "mp4")
			return "HLS with fMP4 segments";
		return "HLS";
	case SourceType::Dash:
		return "DASH";
	case SourceType::MpegTs:
		if (container == "mpegts")
			return "continuous MPEG-TS";
		return "an HTTP stream" + (container.empty() ? "" : " (" + container + ")");
	case SourceType::File:
		return "a file" + (container.empty() ? "" : " (" + container + ")");
	case SourceType::Test:
		return "a test source";
	case SourceType::Unknown:
		break;
	}
	return "of unknown type";
}

std::string describeFormat(DeliveryFormat format)
{
	switch (format) {
	case DeliveryFormat::TsContinuous:
		return "continuous MPEG-TS";
	case DeliveryFormat::HlsFmp4:
		return "HLS with fMP4 segments";
	case DeliveryFormat::HlsTs:
		return "HLS with MPEG-TS segments";
	case DeliveryFormat::Dash:
		return "DASH";
	}
	return {};
}

/* The codec a stream would be encoded to, and why it is not the first choice. */
template <typename Codec>
struct Choice {
	Codec codec;
	std::string note; /* "" when the first candidate fits */
};

/*
 * Candidates in order: the profile's codec (unless copy), the source's codec when Sluice can
 * encode it, then the encoders in order of reach. The first that the container carries and
 * the client decodes wins; the first encoder when none does.
 */
template <typename Codec, size_t N>
Choice<Codec> choose(std::string_view kind, Codec profileCodec, std::optional<Codec> sourceCodec,
		     const std::array<Codec, N> &encoders, ContainerFormat container,
		     const std::vector<std::string> &accepted, const std::string &client)
{
	std::vector<Codec> candidates;
	if (profileCodec != Codec::Copy)
		candidates.push_back(profileCodec);
	if (sourceCodec && *sourceCodec != Codec::Copy)
		candidates.push_back(*sourceCodec);
	candidates.insert(candidates.end(), encoders.begin(), encoders.end());

	const std::string first(toString(candidates.front()));
	std::string why = misfit(kind, first, container, accepted, client);
	for (Codec codec : candidates) {
		if (!misfit(kind, toString(codec), container, accepted, client).empty())
			continue;
		if (why.empty())
			return {codec, {}};
		return {codec, why + ": " + std::string(toString(codec)) + " instead"};
	}
	return {encoders.front(),
		"no " + std::string(kind) + " codec Sluice encodes suits both "
			+ std::string(containerName(container)) + " and " + client + ": "
			+ std::string(toString(encoders.front()))};
}

} /* namespace */

SourceType parseSourceType(std::string_view type)
{
	std::string lower = asciiLower(type);
	if (lower == "hls")
		return SourceType::Hls;
	if (lower == "dash")
		return SourceType::Dash;
	if (lower == "mpegts")
		return SourceType::MpegTs;
	if (lower == "file")
		return SourceType::File;
	if (lower == "test")
		return SourceType::Test;
	return SourceType::Unknown;
}

std::string_view toString(SourceType type)
{
	switch (type) {
	case SourceType::Hls:
		return "hls";
	case SourceType::Dash:
		return "dash";
	case SourceType::MpegTs:
		return "mpegts";
	case SourceType::File:
		return "file";
	case SourceType::Test:
		return "test";
	case SourceType::Unknown:
		break;
	}
	return "unknown";
}

std::string_view toString(DeliveryMode mode)
{
	switch (mode) {
	case DeliveryMode::Passthrough:
		return "passthrough";
	case DeliveryMode::Repackage:
		return "repackage";
	case DeliveryMode::Transcode:
		return "transcode";
	}
	return "repackage";
}

DeliveryDecision selectDelivery(const SourceInfo &source, const ClientFormat &client,
				const Profile &profile)
{
	DeliveryDecision decision;
	std::vector<std::string> &reasons = decision.reasons;
	const ContainerFormat container = containerOf(client.format);
	const std::string who = clientLabel(client.clientName);
	const std::string video = normalizeCodec(source.videoCodec);
	const std::string audio = normalizeCodec(source.audioCodec);
	const std::string label = profileLabel(profile);

	/* What each stream would be encoded to, should it be. */
	Choice<VideoCodec> videoChoice {VideoCodec::H264, {}};
	Choice<AudioCodec> audioChoice {AudioCodec::AAC, {}};
	if (!video.empty())
		videoChoice = choose("video", profile.videoCodec, parseVideoCodec(video),
				     kVideoEncoders, container, client.videoCodecs, who);
	if (!audio.empty())
		audioChoice = choose("audio", profile.audioCodec, parseAudioCodec(audio),
				     kAudioEncoders, container, client.audioCodecs, who);
	const bool videoOverridden = !video.empty() && profile.videoCodec != VideoCodec::Copy
		&& videoChoice.codec != profile.videoCodec;
	const bool audioOverridden = !audio.empty() && profile.audioCodec != AudioCodec::Copy
		&& audioChoice.codec != profile.audioCodec;
	if (videoOverridden)
		reasons.push_back(videoChoice.note);
	if (audioOverridden)
		reasons.push_back(audioChoice.note);

	/* 1. What the profile itself asks of each stream. */
	std::vector<std::string> videoByProfile;
	std::vector<std::string> audioByProfile;
	if (!video.empty()) {
		if (profile.videoCodec != VideoCodec::Copy && toString(videoChoice.codec) != video)
			videoByProfile.push_back(
				label + " wants " + std::string(toString(profile.videoCodec))
				+ (videoOverridden ? " (" + std::string(toString(videoChoice.codec))
						   + " for this client)"
						   : std::string())
				+ " video; the source's is " + video);
		if (profile.maxHeight && !source.height)
			videoByProfile.push_back(label + " caps the height at "
						 + std::to_string(profile.maxHeight)
						 + " lines and the source's height is not known");
		else if (profile.maxHeight && source.height > profile.maxHeight)
			videoByProfile.push_back(
				label + " caps the height at " + std::to_string(profile.maxHeight)
				+ " lines; the source has " + std::to_string(source.height));
		if (profile.videoBitrateKbps && !source.videoBitrateKbps)
			videoByProfile.push_back(label + " caps video at "
						 + std::to_string(profile.videoBitrateKbps)
						 + " kbit/s and the source's bitrate is not known");
		else if (profile.videoBitrateKbps
			 && source.videoBitrateKbps > profile.videoBitrateKbps)
			videoByProfile.push_back(
				label + " caps video at " + std::to_string(profile.videoBitrateKbps)
				+ " kbit/s; the source's is "
				+ std::to_string(source.videoBitrateKbps) + " kbit/s");
	}
	if (!audio.empty() && profile.audioCodec != AudioCodec::Copy
	    && toString(audioChoice.codec) != audio)
		audioByProfile.push_back(
			label + " wants " + std::string(toString(profile.audioCodec))
			+ (audioOverridden ? " (" + std::string(toString(audioChoice.codec))
					   + " for this client)"
					   : std::string())
			+ " audio; the source's is " + audio);

	/* Whether each source stream could be copied into the client's format. */
	const std::string videoMisfit = video.empty()
		? std::string()
		: misfit("video", video, container, client.videoCodecs, who);
	const std::string audioMisfit = audio.empty()
		? std::string()
		: misfit("audio", audio, container, client.audioCodecs, who);

	if (!videoByProfile.empty() || !audioByProfile.empty()) {
		decision.mode = DeliveryMode::Transcode;
		reasons.insert(reasons.end(), videoByProfile.begin(), videoByProfile.end());
		reasons.insert(reasons.end(), audioByProfile.begin(), audioByProfile.end());
		decision.transcodeVideo = !videoByProfile.empty() || !videoMisfit.empty();
		decision.transcodeAudio = !audioByProfile.empty() || !audioMisfit.empty();
		if (videoByProfile.empty() && !videoMisfit.empty())
			reasons.push_back(videoMisfit);
		if (audioByProfile.empty() && !audioMisfit.empty())
			reasons.push_back(audioMisfit);
	} else {
		reasons.push_back(label + " needs no re-encode of this source");
		const bool fits = videoMisfit.empty() && audioMisfit.empty();
		const bool sameFormat
			= isForwardableTs(source) && client.format == DeliveryFormat::TsContinuous;
		if (sameFormat && fits) {
			decision.mode = DeliveryMode::Passthrough;
			reasons.push_back("the source is continuous MPEG-TS, as " + who
					  + " asked: passthrough");
			return decision;
		}
		if (fits) {
			decision.mode = DeliveryMode::Repackage;
			reasons.push_back("the source is " + describeSource(source) + "; " + who
					  + " gets " + describeFormat(client.format)
					  + ": repackage, no re-encode");
			return decision;
		}
		if (forbidsTranscode(profile)) {
			std::string conflict = videoMisfit;
			if (!audioMisfit.empty())
				conflict += (conflict.empty() ? "" : "; ") + audioMisfit;
			const std::string message = label
				+ " copies the source's streams and never transcodes, but "
				+ conflict
				+ (container == ContainerFormat::MpegTs
					   ? ": play the channel's .m3u8 or .mpd URL (fMP4), or "
					     "give the proxy a profile that transcodes (Universal)"
					   : ": give the proxy a profile that transcodes "
					     "(Universal)");
			reasons.push_back(message);
			decision.error = DecisionError {"transcode_forbidden", message, 406};
			return decision;
		}
		decision.mode = DeliveryMode::Transcode;
		decision.transcodeVideo = !videoMisfit.empty();
		decision.transcodeAudio = !audioMisfit.empty();
		if (!videoMisfit.empty())
			reasons.push_back(videoMisfit);
		if (!audioMisfit.empty())
			reasons.push_back(audioMisfit);
	}

	/* The encoders' codecs, and a note when it is not the obvious one. */
	std::string summary = "transcode:";
	std::string separator = " ";
	if (decision.transcodeVideo) {
		decision.videoCodec = videoChoice.codec;
		if (!videoOverridden && !videoChoice.note.empty())
			reasons.push_back(videoChoice.note);
		summary += separator + "video " + video + " -> "
			+ std::string(toString(decision.videoCodec));
		separator = ", ";
	} else if (!video.empty()) {
		summary += separator + "video " + video + " copied";
		separator = ", ";
	}
	if (decision.transcodeAudio) {
		decision.audioCodec = audioChoice.codec;
		if (!audioOverridden && !audioChoice.note.empty())
			reasons.push_back(audioChoice.note);
		summary += separator + "audio " + audio + " -> "
			+ std::string(toString(decision.audioCodec));
	} else if (!audio.empty()) {
		summary += separator + "audio " + audio + " copied";
	}
	reasons.push_back(summary);
	return decision;
}

} /* namespace sluice */
