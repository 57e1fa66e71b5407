-- SPDX-License-Identifier: LGPL-2.1-or-later
-- Copyright (C) 2026 Sluice authors
--
-- proxy_channels again, with its primary key columns declared first: same constraints, same
-- rows. SQLite 3.40.0 to 3.41.0 (Debian 12 has 3.40.1) report "NULL value in
-- proxy_channels.channel_id" from PRAGMA integrity_check and quick_check for every row of a
-- WITHOUT ROWID table whose PRIMARY KEY columns are not declared in table order; a healthy
-- database then looks corrupt to anyone who checks it (a user, a backup script, the tests).

CREATE TABLE proxy_channels_new (
	proxy_id INTEGER NOT NULL REFERENCES proxies (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	PRIMARY KEY (proxy_id, position),
	UNIQUE (proxy_id, channel_id)
) WITHOUT ROWID;

INSERT INTO proxy_channels_new (proxy_id, position, channel_id)
	SELECT proxy_id, position, channel_id FROM proxy_channels;

DROP TABLE proxy_channels;
ALTER TABLE proxy_channels_new RENAME TO proxy_channels;

-- Lets the cascade from channels find memberships without a scan.
CREATE INDEX proxy_channels_channel ON proxy_channels (channel_id);
