-- SPDX-License-Identifier: LGPL-2.1-or-later
-- Copyright (C) 2026 Sluice authors
--
-- Stream keys: a proxy may ask players for a key of its own in every stream URL
-- (/live/{proxy}/k/{key}/...) and in its channel list (/proxy/{proxy}.m3u?key=...).
--
--  * proxies.stream_key: the key; NULL = the proxy's URLs are open. URL-safe (it is a path
--    segment), 8 to 128 characters.

ALTER TABLE proxies ADD COLUMN stream_key TEXT DEFAULT NULL
	CONSTRAINT stream_key CHECK (stream_key IS NULL OR (length(stream_key) BETWEEN 8 AND 128
		AND stream_key NOT GLOB '*[^A-Za-z0-9._~-]*'));
