/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * M3U import for sources: playlist entries become channels with stable import keys.
 */

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "m3u.h"
#include "model.h"
#include "store.h"
#include "urlpolicy.h"

namespace sluice {

/* What an import did, and what in the list a person may want to fix. */
struct ImportReport {
	RefreshCounts counts;
	/* Entries of the list not imported (no URL, a scheme sluiced does not open, a local file
	 * outside the media directories, ...); warnings says which and why. */
	uint32_t skipped = 0;
	/* The parser's, then the mapping's; at most 100, the last one "... and N more". */
	std::vector<std::string> warnings;
};

/*
 * Maps a parsed playlist to channels, in list order, without touching anything else.
 *
 * Fields: name = title (trimmed); number = tvg-chno when it is all digits (surrounding
 * whitespace allowed) and fits, else 0; group = groupTitle() (group-title, else #EXTGRP);
 * logo = tvg-logo; tvgId, tvgName; streamUrl = the URL as written; backupUrls empty.
 * extraAttributes = every other #EXTINF attribute, in order and as written (catchup,
 * catchup-days, catchup-source, timeshift, tvg-shift, tvg-rec, radio, ...), then the entry's
 * #EXTVLCOPT http-user-agent and http-referrer (as "http-user-agent" / "http-referrer") when
 * no attribute already carries them: upstream requests for the stream need them. Other
 * player options (#KODIPROP, network-caching, ...) are not kept.
 *
 * A Kodi-style header suffix ("http://host/live.ts|User-Agent=VLC&Referer=...") stays in
 * streamUrl: players that receive the list need it, and whoever opens the stream upstream must
 * split it off at the last '|' (it is not part of the URL).
 *
 * Skipped, with a warning naming the entry's position and title: an empty URL, a URL without
 * a scheme (relative), schemes other than http, https, rtmp, rtmps, rtsp, rtsps, udp, rtp,
 * test and file (isStreamScheme()), and, when a policy is given, a file:// URL it refuses (a
 * file outside the media directories). Without a policy file URLs are mapped as they are.
 *
 * importKey, the channel's identity across refreshes (Store::replaceSourceChannels() keeps
 * a channel's id, and so its place in every proxy, when its key comes back):
 *   1. tvg-id, when no other kept entry has it. Providers keep tvg-ids stable, because EPG
 *      guides are matched by them, while they reorder lists, rename channels ("BBC One HD"
 *      -> "BBC One FHD") and rotate stream URLs (tokens, load balancers).
 *   2. tvg-id "|" name, for entries sharing a tvg-id (SD/HD/backup variants of one channel
 *      usually keep the guide's id but differ in name).
 *   3. "url:" URL, for an entry without tvg-id whose URL no other such entry has: the URL
 *      is the one thing a bare "#EXTINF:-1,Name" list keeps across renames.
 *   4. "name:" name, for entries without tvg-id sharing a URL.
 *   Keys still identical after 2. or 4. get "#1", "#2", ... in list order: nothing else tells
 *   them apart, so their identity is their order (warning). The prefixes keep the kinds of key
 *   apart; a key that still meets an earlier one (a tvg-id spelled "url:...") gets a "#n" too.
 *   The trade-off: a second entry appearing with an existing tvg-id moves the first from
 *   rule 1 to rule 2, so it gets a new id once. Favouring the first occurrence instead would
 *   swap ids whenever the provider swaps the two.
 *
 * warnings gets one line per skipped entry and per entry keyed by its position.
 * Duplicate tvg-ids as such are the parser's warnings (parseM3u()), not repeated here.
 */
std::vector<Channel> channelsFromM3u(const M3uPlaylist &playlist,
				     std::vector<std::string> &warnings,
				     const UrlPolicy *policy = nullptr);

/*
 * Imports an M3U text as the channels of source sourceId (Store::replaceSourceChannels()):
 * kept channels keep their ids, new ones are added, missing ones removed, in one transaction.
 * Local files are imported only where policy allows them (by default: nowhere).
 *
 * A text that does not parse (parseM3u() with default limits), or has no channel left after
 * mapping, changes nothing: StoreError Invalid, field "m3u", the message naming the line
 * where there is one. A provider's transient glitch (an empty 200 response, a bare
 * "#EXTM3U") must not empty every proxy. Store errors are passed on as they are.
 */
StoreResult<ImportReport> importM3uText(Store &store, Id sourceId, std::string_view text,
					const UrlPolicy &policy = UrlPolicy());

} /* namespace sluice */
