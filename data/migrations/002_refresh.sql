-- SPDX-License-Identifier: LGPL-2.1-or-later
-- Copyright (C) 2026 Sluice authors
--
-- M3U refresh: re-importing a source updates its channels in place instead of replacing them, so
-- channel ids (and with them proxy memberships) survive a refresh.
--
--  * channels.import_key: identity of a channel within its source across refreshes, computed by
--    the M3U import. Channels imported before this version have '' and are matched once by
--    stream_url on their first refresh, which gives them a key.
--  * channels.position: the channel's place in its source's list, so listings keep the M3U order
--    even though new channels get higher ids.
--  * channels.extra_attributes: the entry's catch-up attributes as written (catchup,
--    catchup-days, catchup-source, ...), a JSON array of [name, value] pairs: order and
--    repeated names survive.
--  * sources.last_refresh: Unix seconds of the last successful import, 0 = never.
--  * proxies.first_number: renumber the proxy's channels from here, 0 = keep their numbers.

ALTER TABLE sources ADD COLUMN last_refresh INTEGER NOT NULL DEFAULT 0;

ALTER TABLE channels ADD COLUMN import_key TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN extra_attributes TEXT NOT NULL DEFAULT '[]'
	CONSTRAINT extra_attributes
	CHECK (json_valid(extra_attributes) AND json_type(extra_attributes) = 'array');

ALTER TABLE proxies ADD COLUMN first_number INTEGER NOT NULL DEFAULT 0
	CONSTRAINT first_number CHECK (first_number >= 0);

-- Until now channels listed in id order, which was their import order.
UPDATE channels SET position = id;

DROP INDEX channels_source;
CREATE INDEX channels_source ON channels (source_id, position);
CREATE UNIQUE INDEX channels_import_key ON channels (source_id, import_key) WHERE import_key <> '';
