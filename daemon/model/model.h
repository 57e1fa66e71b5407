/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The daemon's entities as plain values: what the store keeps, the API shows and the delivery
 * decisions read. No SQLite, JSON or GLib types here.
 */

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class VideoCodec {
	Copy,
	H264,
	H265,
	VP9,
	AV1
};
enum class AudioCodec {
	Copy,
	AAC,
	Opus
};
enum class ContainerFormat {
	Auto,
	Fmp4,
	MpegTs
};
enum class HwAccel {
	Auto,
	None,
	Nvenc,
	Vaapi,
	Qsv
};
enum class ProxyMode {
	Direct,
	Smart
};

/*
 * Canonical names, as stored in the database and shown by the API ("copy", "h264", "h265",
 * "vp9", "av1"; "copy", "aac", "opus"; "auto", "fmp4", "mpegts"; "auto", "none", "nvenc",
 * "vaapi", "qsv"; "direct", "smart"). parse*() accepts canonical names only; aliases and legacy
 * values (libx264, output_format, relay, ...) are the API's business (delivery/profilerules.h).
 */
std::string_view toString(VideoCodec codec);
std::string_view toString(AudioCodec codec);
std::string_view toString(ContainerFormat format);
std::string_view toString(HwAccel accel);
std::string_view toString(ProxyMode mode);
std::optional<VideoCodec> parseVideoCodec(std::string_view name);
std::optional<AudioCodec> parseAudioCodec(std::string_view name);
std::optional<ContainerFormat> parseContainerFormat(std::string_view name);
std::optional<HwAccel> parseHwAccel(std::string_view name);
std::optional<ProxyMode> parseProxyMode(std::string_view name);

/* Ids are SQLite rowids: positive once stored, 0 for "not stored yet". */
using Id = int64_t;

struct Profile {
	Id id = 0;
	std::string name;
	std::string description;
	VideoCodec videoCodec = VideoCodec::H264;
	AudioCodec audioCodec = AudioCodec::AAC;
	ContainerFormat containerFormat = ContainerFormat::Auto;
	HwAccel hwAccel = HwAccel::Auto;
	uint32_t videoBitrateKbps = 0; /* 0 = match the source */
	uint32_t maxHeight = 0; /* 0 = keep the source's height */
	std::string
		preset; /* encoder speed preset, e.g. "veryfast"; empty = the encoder's default */
	bool system = false; /* seeded by sluiced; cannot be deleted */
	bool isDefault = false; /* the profile a proxy without one uses; exactly one */
};

struct Source {
	Id id = 0;
	std::string name;
	std::string url; /* M3U URL; empty when the list was uploaded */
	std::string m3uBody; /* uploaded M3U text; empty when fetched from url */
	std::string userAgent; /* sent to the M3U URL and to every stream of it; empty = ours */
	uint32_t maxStreams = 0; /* concurrent upstream connections allowed; 0 = unlimited */
	uint32_t refreshIntervalS = 0; /* re-import period in seconds; 0 = only on request */
	int64_t lastRefresh = 0; /* Unix seconds of the last successful import; 0 = never */
};

struct Channel {
	Id id = 0;
	Id sourceId = 0; /* 0 = added by hand, not from a source */
	std::string name;
	uint32_t number = 0; /* channel number; 0 = none */
	std::string group; /* group-title */
	std::string logo; /* tvg-logo URL */
	std::string tvgId;
	std::string tvgName;
	std::string streamUrl;
	std::vector<std::string> backupUrls;
	/* catch-up attributes of the M3U entry, kept as written: catchup, catchup-days, ... */
	std::vector<std::pair<std::string, std::string>> extraAttributes;
	std::string importKey; /* identity within its source across refreshes (see m3u import) */
};

struct Proxy {
	Id id = 0;
	std::string name; /* URL-safe: appears in /proxy/{name}.m3u and /live/{name}/... */
	ProxyMode mode = ProxyMode::Smart;
	Id profileId = 0; /* 0 = the default profile */
	std::vector<Id> channelIds; /* in the order the proxy lists them */
	uint32_t firstNumber = 0; /* renumber channels from here; 0 = keep their own numbers */
	/* What players must put in this proxy's URLs (/live/{name}/k/{key}/..., ?key= on the
	 * channel list); empty = its URLs are open. URL-safe, 8..128 characters. */
	std::string streamKey;
};

/*
 * The profiles sluiced seeds and protects (ARCHITECTURE.md, system = true, id 0): Universal
 * (h264 + aac, auto, the default), Passthrough (copy + copy, auto), Efficiency (h265 + aac,
 * fmp4). The store knows each by its lower-cased name, so a user may rename it.
 */
std::vector<Profile> systemProfiles();

} /* namespace sluice */
