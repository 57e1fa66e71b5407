/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Client detection: data-driven rules (data/client-rules.json) matched on the request.
 */

#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

/* What a negotiated URL (/live/{proxy}/{channel}) serves a client when the request says nothing. */
enum class PreferredFormat {
	Auto,
	Hls,
	Dash,
	Ts,
};

std::string_view toString(PreferredFormat format); /* "auto", "hls", "dash", "ts" */

using QueryParam = std::pair<std::string, std::string>;

/*
 * One rule of the rules file. Codec names are smartsrc's ("h264", "h265", "vp9", "av1",
 * "mpeg2video"; "aac", "opus", "mp3", "mp2", "ac3", "eac3", "flac"); an empty list accepts
 * every codec (a media server or a player built on FFmpeg).
 */
/* Which rendering of a live MPD a client can follow (see dash.h). */
enum class DashMpd {
	Window, /* the window's segments, by $Number$: the names HLS uses too */
	/* Timelines begin with their Period, evicted segments summarised: GStreamer's
	 * dashdemux2 (1.22) mis-seeks in any other. */
	FromPeriodStart,
	/* Segments addressed by $Time$: FFmpeg's reader (5.1) takes a timeline index for
	 * $Number$ when it re-reads a live MPD. */
	ByTime,
};

/* The most segments a client rule may wait for: a live window holds more. */
inline constexpr int kMaxLiveStartSegments = 5;

struct ClientRule {
	std::string name;
	std::string description;
	PreferredFormat preferredFormat = PreferredFormat::Auto;
	std::vector<std::string> videoCodecs;
	std::vector<std::string> audioCodecs;
	/* Plays only MPEG-TS: an HLS request gets MPEG-TS segments, a negotiated one a .ts. */
	bool legacyTsOnly = false;
	/* The live MPD a DASH client gets. */
	DashMpd dashMpd = DashMpd::Window;
	/*
	 * Segments (of every track) a live playlist has before the client is answered; a cold
	 * channel otherwise answers with its first. GStreamer's hlsdemux2 1.22 cannot follow a
	 * live playlist it first saw with a single segment.
	 */
	uint32_t liveStartSegments = 1;

	/*
	 * Conditions, as written in the file (substrings lower-cased). Each kind that is given
	 * must hold (AND across kinds); within a kind any entry will do (OR). A rule without
	 * conditions matches every request.
	 *   userAgent       case-insensitive substrings of User-Agent
	 *   userAgentRegex  ECMAScript regex searched in User-Agent, case-insensitive; counts
	 *                   as one more User-Agent alternative
	 *   accept          case-insensitive substrings of Accept
	 *   query           name=value query parameters (name exact, value case-insensitive,
	 *                   "*" = any value)
	 */
	std::vector<std::string> userAgent;
	std::string userAgentRegex;
	std::vector<std::string> accept;
	std::vector<QueryParam> query;

	bool matchesEverything() const;
	/* Whether the client plays a codec (smartsrc name): true when the list is empty. */
	bool acceptsVideo(std::string_view codec) const;
	bool acceptsAudio(std::string_view codec) const;
};

/* What client detection looks at. */
struct ClientHints {
	std::string_view userAgent;
	std::string_view accept;
	std::span<const QueryParam> query;
};

struct ClientRulesResult;

/*
 * The loaded rules, immutable, cheap to copy (regexes are compiled once, at load, and
 * shared). The last rule matches everything, so match() always has an answer.
 */
class ClientRules
{
public:
	/*
	 * Parses a rules file:
	 *   {"version": 1, "rules": [{"name": "vlc", "description": "...",
	 *     "user_agent": ["VLC/", "LibVLC"], "user_agent_regex": "...",
	 *     "accept": ["video/mp2t"], "query": {"client": "vlc"},
	 *     "preferred_format": "ts", "video_codecs": [...], "audio_codecs": [...],
	 *     "legacy_ts_only": false, "dash_mpd": "window",
	 *     "live_start_segments": 1}, ...,
	 *    {"name": "default"}]}
	 * Errors (in the result's error, naming the rule by index and name): invalid JSON,
	 * unknown or mistyped keys, a missing or duplicate name, an unknown format or codec, a
	 * regex that does not compile, a catch-all rule before the last, a last rule with
	 * conditions.
	 */
	static ClientRulesResult load(std::string_view json);
	static ClientRulesResult loadFile(const std::string &path);

	/* Where an installed sluiced finds the file: $datadir/sluice/client-rules.json. */
	static std::string installedPath();

	/*
	 * A single "default" rule with no preferences: what a daemon can run on when the file
	 * cannot be read (after saying so), every client being unknown.
	 */
	static ClientRules fallback();

	/* The first rule, in file order, whose conditions hold. */
	const ClientRule &match(const ClientHints &hints) const;

	const std::vector<ClientRule> &rules() const { return rules_; }

private:
	struct Compiled;

	ClientRules() = default;

	std::vector<ClientRule> rules_;
	std::shared_ptr<const Compiled> compiled_; /* one regex slot per rule */
};

struct ClientRulesResult {
	std::optional<ClientRules> rules;
	std::string error; /* set when !rules */

	bool ok() const { return rules.has_value(); }
};

} /* namespace sluice */
