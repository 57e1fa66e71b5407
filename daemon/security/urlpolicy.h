/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Which URLs sluiced opens: the schemes it can play, and local files only in media directories.
 */

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/* What a URL is for. */
enum class UrlUse {
	/*
	 * A channel's stream_url or backup_urls: http, https, the streaming schemes IPTV lists
	 * carry (rtmp, rtmps, rtsp, rtsps, udp, rtp: the M3U import keeps them for players that
	 * open them themselves), sluice's own test://, and file:// in a media directory. A Kodi
	 * "|User-Agent=..." suffix is not part of the URL.
	 */
	Stream,
	/* A source's M3U list: http, https, and file:// in a media directory. */
	List,
};

/*
 * The rule every URL sluiced stores or opens passes: a file:// URL names a file (existing or
 * not) whose path, with symlinks resolved (realpath(3)), lies inside one of the media
 * directories (themselves resolved the same way when checked, so a directory mounted later
 * counts). Its path may hold no "." or ".." segment, escaped or not, and no escaped '/': what
 * is judged is then exactly what opening it reaches, whoever normalises paths how.
 * "file://localhost/..." is the same as "file:///...". A file URL may carry no query but
 * smartsrc's loop=..., and no fragment.
 */
class UrlPolicy
{
public:
	/* No media directory: no local file at all. */
	UrlPolicy() = default;
	/* Absolute directories; a relative or empty one is ignored. */
	explicit UrlPolicy(std::vector<std::string> mediaDirs);

	/* nullopt when sluiced may open url for use; else why not, in a sentence for a user. */
	std::optional<std::string> check(std::string_view url, UrlUse use) const;
	/* Whether an absolute path resolves inside a media directory; else why not. */
	std::optional<std::string> checkPath(const std::string &path) const;

	const std::vector<std::string> &mediaDirs() const { return mediaDirs_; }

private:
	std::string describeDirs() const;

	std::vector<std::string> mediaDirs_;
};

/* The URL's scheme, lower-cased; "" when it has none (RFC 3986 scheme characters). */
std::string urlScheme(std::string_view url);
/* A scheme a stream URL may have (lower-case): UrlUse::Stream's, and file. */
bool isStreamScheme(std::string_view scheme);

} /* namespace sluice */
