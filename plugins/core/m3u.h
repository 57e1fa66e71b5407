/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * IPTV M3U channel lists (#EXTM3U, #EXTINF with tvg-* attributes): a lenient parser for
 * untrusted lists and the writer of the lists Sluice serves.
 */

#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sluice {

/* A name=value pair of an #EXTM3U or #EXTINF line. */
struct M3uAttribute {
	std::string name; /* lower-cased (ASCII) by the parser */
	std::string value; /* as written, without its quotes */

	bool operator==(const M3uAttribute &) const = default;
};

/* A player option line (#EXTVLCOPT:name=value, #KODIPROP:name=value), kept as written. */
struct M3uOption {
	enum class Kind {
		VlcOpt, /* #EXTVLCOPT:http-user-agent=..., http-referrer=..., network-caching=... */
		KodiProp, /* #KODIPROP:inputstream.adaptive.manifest_type=mpd, ... */
	};

	Kind kind = Kind::VlcOpt;
	std::string name; /* trimmed; the whole text when there is no '=' */
	std::string value; /* after the first '=', trimmed; empty when there is none */

	bool operator==(const M3uOption &) const = default;
};

/* One channel: an #EXTINF line, the tags between it and its URL, and the URL. */
struct M3uEntry {
	/* After the first comma outside quotes, trimmed; when that is empty, tvg-name, else url. */
	std::string title;
	std::string url; /* as written (trimmed); may be relative */
	double duration = -1; /* seconds; -1 (a live channel) when absent or not a finite number */
	std::vector<M3uAttribute> attributes; /* in the order written, each name once */
	std::string extGroup; /* #EXTGRP; groupTitle() falls back to it */
	std::vector<M3uOption> options; /* in the order written */

	/* The value of an attribute (name in any case), or empty when absent. */
	std::string_view attribute(std::string_view name) const;
	bool hasAttribute(std::string_view name) const;

	std::string_view tvgId() const { return attribute("tvg-id"); }
	std::string_view tvgName() const { return attribute("tvg-name"); }
	std::string_view tvgLogo() const { return attribute("tvg-logo"); }
	std::string_view tvgChno() const { return attribute("tvg-chno"); }
	/* group-title, or #EXTGRP when group-title is absent or empty. */
	std::string_view groupTitle() const;
	/*
	 * The last #EXTVLCOPT:http-user-agent (one pair of surrounding double quotes removed), else
	 * an http-user-agent or user-agent attribute; empty when none.
	 */
	std::string_view userAgent() const;
	/* Likewise from http-referrer (or the http-referer spelling), then referrer attributes. */
	std::string_view referrer() const;

	bool operator==(const M3uEntry &) const = default;
};

struct M3uPlaylist {
	/* #EXTM3U's: url-tvg, x-tvg-url, tvg-shift, catchup, ... in order, each name once */
	std::vector<M3uAttribute> attributes;
	std::vector<M3uEntry> entries; /* in list order; never deduplicated */

	std::string_view attribute(std::string_view name) const;
	/* url-tvg, else x-tvg-url: XMLTV guide URLs, often several separated by commas. */
	std::string_view epgUrl() const;

	bool operator==(const M3uPlaylist &) const = default;
};

/* An error or a warning. */
struct M3uDiagnostic {
	std::string message;
	size_t line = 0; /* 1-based; 0 when it is about the whole input */

	/* "line 12: message", or the message alone for line 0. */
	std::string text() const;

	bool operator==(const M3uDiagnostic &) const = default;
};

/* Limits that keep a hostile list from costing unbounded memory or time. 0 = no limit. */
struct M3uLimits {
	size_t maxInputBytes = 64 * 1024 * 1024;
	size_t maxEntries = 100000;
	size_t maxLineLength = 64 * 1024; /* bytes, without the line end */
	/*
	 * Real lists carry about ten attributes per entry; a line of thousands ("a=1 b=1 ...")
	 * would cost some 16 times its size in memory. Names past the limit are dropped (warning).
	 */
	size_t maxAttributes = 64; /* per #EXTINF line, and for the header */
	size_t maxOptions = 64; /* option lines per entry; further ones are dropped (warning) */
	size_t maxWarnings = 100; /* further warnings are only counted */
};

struct M3uParseResult {
	std::variant<M3uPlaylist, M3uDiagnostic> value;
	std::vector<M3uDiagnostic> warnings; /* at most M3uLimits::maxWarnings, as found */
	size_t droppedWarnings = 0; /* warnings past the cap */

	bool ok() const { return std::holds_alternative<M3uPlaylist>(value); }
	/* Only when ok(). */
	const M3uPlaylist &playlist() const { return std::get<M3uPlaylist>(value); }
	M3uPlaylist &playlist() { return std::get<M3uPlaylist>(value); }
	/* Only when !ok(). */
	const M3uDiagnostic &error() const { return std::get<M3uDiagnostic>(value); }
};

/*
 * Parses an IPTV channel list as real providers write them.
 *
 * Accepts a UTF-8 BOM, LF, CRLF and lone CR line ends, blank lines, whitespace around lines,
 * tags in any case. #EXTINF attributes may be double-quoted, single-quoted or bare, with commas
 * inside quotes; "name=" is an empty value, words without '=' are skipped. A repeated
 * attribute keeps its first position and its last value (warning). #EXTGRP, #EXTVLCOPT and
 * #KODIPROP lines anywhere between two URLs belong to the entry of the second; other # lines
 * are ignored. The first non-# line after an #EXTINF is its URL; a non-# line without an
 * #EXTINF becomes an entry titled by itself when it could be a URL (no whitespace, '<', '>' or
 * '"'), else it is skipped (warning). Repeated #EXTM3U lines (concatenated lists) merge their
 * attributes into the header. Text is kept as bytes: invalid UTF-8 is not repaired.
 *
 * Warnings: no #EXTM3U header, an #EXTINF dropped because no URL followed it before the next
 * #EXTINF or the end, an unterminated quote, repeated attributes, a tvg-id already used by an
 * earlier entry (both entries are kept), skipped text, attributes or options over their limit.
 *
 * Errors: input over maxInputBytes, a text with neither an #EXTM3U nor an #EXTINF line ("not
 * an M3U playlist": an HTML error page, binary data, an empty body), a line over maxLineLength,
 * more than maxEntries entries.
 */
M3uParseResult parseM3u(std::string_view text, const M3uLimits &limits = {});

/*
 * Renders an #EXTM3U header with the playlist's attributes, then per entry an #EXTINF line
 * (attributes double-quoted, then ",title"), #EXTGRP when extGroup is set, the options and the
 * URL, with LF line ends. Whatever the values hold, the output re-parses to the same entries:
 * CR and LF become spaces everywhere, '"' becomes '\'' in attribute values; in attribute names
 * whitespace, '=' and ',' become '_', in option names '=' does. Attributes with an empty name
 * are left out, and so are entries whose URL is empty or starts with '#'. A non-finite duration
 * is written as -1. The parser lower-cases attribute names and fills empty titles, so a
 * hand-made playlist may come back with those changed.
 */
std::string writeM3u(const M3uPlaylist &playlist);

} /* namespace sluice */
