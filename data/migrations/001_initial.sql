-- SPDX-License-Identifier: LGPL-2.1-or-later
-- Copyright (C) 2026 Sluice authors
--
-- The first schema: sources and their channels, encoding profiles, proxies and their channels.
--
-- Column and enum names are those of daemon/model/model.h and of the JSON API (snake_case), so a
-- constraint's name doubles as the field an error reports. The migration runner wraps this file
-- in one transaction with PRAGMA user_version = 1: no BEGIN, COMMIT or user_version here.
--
-- Ids are AUTOINCREMENT so that a deleted object's id is never handed to a new one: players and
-- API clients keep channel and proxy ids in URLs and bookmarks.

CREATE TABLE profiles (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE CONSTRAINT name CHECK (name <> ''),
	description TEXT NOT NULL DEFAULT '',
	video_codec TEXT NOT NULL
		CONSTRAINT video_codec CHECK (video_codec IN ('copy', 'h264', 'h265', 'vp9', 'av1')),
	audio_codec TEXT NOT NULL
		CONSTRAINT audio_codec CHECK (audio_codec IN ('copy', 'aac', 'opus')),
	container_format TEXT NOT NULL
		CONSTRAINT container_format CHECK (container_format IN ('auto', 'fmp4', 'mpegts')),
	hw_accel TEXT NOT NULL
		CONSTRAINT hw_accel CHECK (hw_accel IN ('auto', 'none', 'nvenc', 'vaapi', 'qsv')),
	video_bitrate_kbps INTEGER NOT NULL DEFAULT 0
		CONSTRAINT video_bitrate_kbps CHECK (video_bitrate_kbps >= 0),
	max_height INTEGER NOT NULL DEFAULT 0 CONSTRAINT max_height CHECK (max_height >= 0),
	preset TEXT NOT NULL DEFAULT '',
	-- 'universal', 'passthrough' or 'efficiency' for the profiles sluiced seeds, NULL for the
	-- user's. Seeding looks system profiles up by this key, not by name, so a renamed system
	-- profile is not seeded again; Profile::system is "system_key IS NOT NULL".
	system_key TEXT UNIQUE,
	is_default INTEGER NOT NULL DEFAULT 0 CONSTRAINT is_default CHECK (is_default IN (0, 1)),
	-- VP9, AV1 and Opus need fMP4: a safety net under the API's own check.
	CONSTRAINT container_format CHECK (container_format <> 'mpegts' OR
		(video_codec NOT IN ('vp9', 'av1') AND audio_codec <> 'opus'))
);

-- At most one default profile; the store keeps it at exactly one.
CREATE UNIQUE INDEX profiles_default ON profiles (is_default) WHERE is_default = 1;

CREATE TABLE sources (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE CONSTRAINT name CHECK (name <> ''),
	url TEXT NOT NULL DEFAULT '',
	m3u_body TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	max_streams INTEGER NOT NULL DEFAULT 0 CONSTRAINT max_streams CHECK (max_streams >= 0),
	refresh_interval_s INTEGER NOT NULL DEFAULT 0
		CONSTRAINT refresh_interval_s CHECK (refresh_interval_s >= 0)
);

-- A source's channels go with it. NULL source_id: a channel added by hand.
CREATE TABLE channels (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	source_id INTEGER REFERENCES sources (id) ON DELETE CASCADE,
	name TEXT NOT NULL DEFAULT '',
	number INTEGER NOT NULL DEFAULT 0 CONSTRAINT number CHECK (number >= 0),
	group_title TEXT NOT NULL DEFAULT '',
	logo TEXT NOT NULL DEFAULT '',
	tvg_id TEXT NOT NULL DEFAULT '',
	tvg_name TEXT NOT NULL DEFAULT '',
	stream_url TEXT NOT NULL CONSTRAINT stream_url CHECK (stream_url <> ''),
	-- JSON array of URL strings, tried in order when stream_url fails.
	backup_urls TEXT NOT NULL DEFAULT '[]'
		CONSTRAINT backup_urls CHECK (json_valid(backup_urls) AND json_type(backup_urls) = 'array')
);

CREATE INDEX channels_source ON channels (source_id);

-- profile_id NULL: the default profile, whichever it is at the time.
-- ON DELETE RESTRICT: deleting a profile a proxy uses is refused (409) rather than silently
-- moving the proxy's viewers to another encoding, which SET NULL would do.
CREATE TABLE proxies (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE CONSTRAINT name CHECK (name <> ''),
	mode TEXT NOT NULL CONSTRAINT mode CHECK (mode IN ('direct', 'smart')),
	profile_id INTEGER REFERENCES profiles (id) ON DELETE RESTRICT
);

CREATE INDEX proxies_profile ON proxies (profile_id);

-- The channels a proxy lists, in order. Deleting either side deletes the membership: a channel
-- that vanished from its source's list vanishes from every proxy.
CREATE TABLE proxy_channels (
	proxy_id INTEGER NOT NULL REFERENCES proxies (id) ON DELETE CASCADE,
	channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	PRIMARY KEY (proxy_id, position),
	UNIQUE (proxy_id, channel_id)
) WITHOUT ROWID;

-- Lets the cascade from channels find memberships without a scan.
CREATE INDEX proxy_channels_channel ON proxy_channels (channel_id);
