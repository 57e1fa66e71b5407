/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Channels in the store: those of sources and those added by hand.
 */

#include "store.h"
#include "storeinternal.h"

namespace sluice {

const std::string_view kChannelSelect
	= "SELECT id, source_id, name, number, group_title, logo, tvg_id, tvg_name, stream_url, "
	  "backup_urls, extra_attributes, import_key FROM channels";

Channel readChannel(const Statement &row)
{
	Channel channel;
	channel.id = row.int64(0);
	channel.sourceId = row.isNull(1) ? 0 : row.int64(1);
	channel.name = row.text(2);
	channel.number = row.uint32(3);
	channel.group = row.text(4);
	channel.logo = row.text(5);
	channel.tvgId = row.text(6);
	channel.tvgName = row.text(7);
	channel.streamUrl = row.text(8);
	channel.backupUrls = stringsFromJson(row.text(9));
	channel.extraAttributes = attributesFromJson(row.text(10));
	channel.importKey = row.text(11);
	return channel;
}

int bindChannel(Statement &statement, int first, const Channel &channel)
{
	statement.bindId(first, channel.sourceId)
		.bind(first + 1, channel.name)
		.bind(first + 2, static_cast<int64_t>(channel.number))
		.bind(first + 3, channel.group)
		.bind(first + 4, channel.logo)
		.bind(first + 5, channel.tvgId)
		.bind(first + 6, channel.tvgName)
		.bind(first + 7, channel.streamUrl)
		.bind(first + 8, stringsToJson(channel.backupUrls))
		.bind(first + 9, attributesToJson(channel.extraAttributes))
		.bind(first + 10, channel.importKey);
	return first + 11;
}

StoreResult<void> checkChannel(sqlite3 *db, const Channel &channel)
{
	if (channel.streamUrl.empty())
		return invalid("stream_url", "a channel needs a stream URL");
	if (channel.sourceId == 0)
		return {};
	auto exists = rowExists(db, "SELECT 1 FROM sources WHERE id = ?", channel.sourceId);
	if (!exists)
		return exists.error();
	if (!*exists)
		return invalid("source_id",
			       "no source with id " + std::to_string(channel.sourceId));
	return {};
}

namespace {

StoreError describeChannelConflict(StoreError error, const Channel &channel)
{
	if (error.code == StoreErrorCode::Conflict && error.field == "import_key")
		error.message = "another channel of source " + std::to_string(channel.sourceId)
			+ " has import key '" + channel.importKey + "'";
	return error;
}

} /* namespace */

StoreResult<Channel> Store::createChannel(const Channel &channel)
{
	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();
	if (auto checked = checkChannel(db, channel); !checked)
		return checked.error();

	/* Last in its source's list (or in the list of channels added by hand). */
	auto insert = Statement::prepare(
		db,
		"INSERT INTO channels (source_id, name, number, group_title, logo, tvg_id, "
		"tvg_name, stream_url, backup_urls, extra_attributes, import_key, position) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, (SELECT "
		"coalesce(max(position), 0) + 1 FROM channels WHERE source_id IS ?1))");
	if (!insert)
		return insert.error();
	bindChannel(*insert, 1, channel);
	if (auto inserted = insert->run(); !inserted)
		return describeChannelConflict(inserted.error(), channel);
	const Id id = sqlite3_last_insert_rowid(db);
	if (auto committed = transaction.commit(); !committed)
		return committed.error();
	return getChannel(id);
}

StoreResult<Channel> Store::getChannel(Id id) const
{
	auto statement
		= Statement::prepare(db_.get(), std::string(kChannelSelect) + " WHERE id = ?");
	if (!statement)
		return statement.error();
	statement->bind(1, static_cast<int64_t>(id));
	const int rc = statement->step();
	if (rc == SQLITE_ROW)
		return readChannel(*statement);
	if (rc == SQLITE_DONE)
		return notFound("channel", id);
	return sqliteError(db_.get(), rc, {});
}

StoreResult<std::vector<Channel>> Store::listChannels(std::optional<Id> sourceId) const
{
	sqlite3 *db = db_.get();
	if (sourceId && *sourceId != 0) {
		auto exists = rowExists(db, "SELECT 1 FROM sources WHERE id = ?", *sourceId);
		if (!exists)
			return exists.error();
		if (!*exists)
			return notFound("source", *sourceId);
	}

	/* Channels added by hand (NULL source) first, then each source's in its list order. */
	std::string sql(kChannelSelect);
	if (sourceId)
		sql += " WHERE source_id IS ?";
	sql += " ORDER BY source_id, position, id";
	auto statement = Statement::prepare(db, sql);
	if (!statement)
		return statement.error();
	if (sourceId)
		statement->bindId(1, *sourceId);

	std::vector<Channel> channels;
	int rc;
	while ((rc = statement->step()) == SQLITE_ROW)
		channels.push_back(readChannel(*statement));
	if (rc != SQLITE_DONE)
		return sqliteError(db, rc, {});
	return channels;
}

StoreResult<Channel> Store::updateChannel(const Channel &channel)
{
	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();
	auto exists = rowExists(db, "SELECT 1 FROM channels WHERE id = ?", channel.id);
	if (!exists)
		return exists.error();
	if (!*exists)
		return notFound("channel", channel.id);
	if (auto checked = checkChannel(db, channel); !checked)
		return checked.error();

	auto update = Statement::prepare(
		db,
		"UPDATE channels SET source_id = ?, name = ?, number = ?, group_title = ?, "
		"logo = ?, tvg_id = ?, tvg_name = ?, stream_url = ?, backup_urls = ?, "
		"extra_attributes = ?, import_key = ? WHERE id = ?");
	if (!update)
		return update.error();
	const int next = bindChannel(*update, 1, channel);
	update->bind(next, static_cast<int64_t>(channel.id));
	if (auto updated = update->run(); !updated)
		return describeChannelConflict(updated.error(), channel);
	if (auto committed = transaction.commit(); !committed)
		return committed.error();
	return getChannel(channel.id);
}

StoreResult<void> Store::deleteChannel(Id id)
{
	sqlite3 *db = db_.get();
	auto remove = Statement::prepare(db, "DELETE FROM channels WHERE id = ?");
	if (!remove)
		return remove.error();
	remove->bind(1, static_cast<int64_t>(id));
	if (auto removed = remove->run(); !removed)
		return removed.error();
	if (sqlite3_changes(db) == 0)
		return notFound("channel", id);
	return {};
}

} /* namespace sluice */
