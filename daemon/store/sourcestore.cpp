/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Sources in the store: the M3U lists channels are imported from.
 */

#include "store.h"
#include "storeinternal.h"

namespace sluice {

namespace {

constexpr std::string_view kSourceSelect
	= "SELECT id, name, url, m3u_body, user_agent, max_streams, refresh_interval_s, "
	  "last_refresh FROM sources";

Source readSource(const Statement &row)
{
	Source source;
	source.id = row.int64(0);
	source.name = row.text(1);
	source.url = row.text(2);
	source.m3uBody = row.text(3);
	source.userAgent = row.text(4);
	source.maxStreams = row.uint32(5);
	source.refreshIntervalS = row.uint32(6);
	source.lastRefresh = row.int64(7);
	return source;
}

/* Binds name ... refresh_interval_s to parameters 1-6. */
void bindSource(Statement &statement, const Source &source)
{
	statement.bind(1, source.name)
		.bind(2, source.url)
		.bind(3, source.m3uBody)
		.bind(4, source.userAgent)
		.bind(5, static_cast<int64_t>(source.maxStreams))
		.bind(6, static_cast<int64_t>(source.refreshIntervalS));
}

StoreResult<void> checkSource(const Source &source)
{
	if (source.name.empty())
		return invalid("name", "a source needs a name");
	return {};
}

} /* namespace */

StoreResult<Source> Store::createSource(const Source &source)
{
	if (auto checked = checkSource(source); !checked)
		return checked.error();
	sqlite3 *db = db_.get();
	auto insert = Statement::prepare(db,
					 "INSERT INTO sources (name, url, m3u_body, "
					 "user_agent, max_streams, refresh_interval_s) "
					 "VALUES (?, ?, ?, ?, ?, ?)");
	if (!insert)
		return insert.error();
	bindSource(*insert, source);
	if (auto inserted = insert->run(); !inserted)
		return describeConflict(inserted.error(), "source", source.name);
	return getSource(sqlite3_last_insert_rowid(db));
}

StoreResult<Source> Store::getSource(Id id) const
{
	auto statement
		= Statement::prepare(db_.get(), std::string(kSourceSelect) + " WHERE id = ?");
	if (!statement)
		return statement.error();
	statement->bind(1, static_cast<int64_t>(id));
	const int rc = statement->step();
	if (rc == SQLITE_ROW)
		return readSource(*statement);
	if (rc == SQLITE_DONE)
		return notFound("source", id);
	return sqliteError(db_.get(), rc, {});
}

StoreResult<std::vector<Source>> Store::listSources() const
{
	auto statement = Statement::prepare(db_.get(), std::string(kSourceSelect) + " ORDER BY id");
	if (!statement)
		return statement.error();
	std::vector<Source> sources;
	int rc;
	while ((rc = statement->step()) == SQLITE_ROW)
		sources.push_back(readSource(*statement));
	if (rc != SQLITE_DONE)
		return sqliteError(db_.get(), rc, {});
	return sources;
}

StoreResult<Source> Store::updateSource(const Source &source)
{
	if (auto checked = checkSource(source); !checked)
		return checked.error();
	sqlite3 *db = db_.get();
	auto update = Statement::prepare(db,
					 "UPDATE sources SET name = ?, url = ?, m3u_body = ?, "
					 "user_agent = ?, max_streams = ?, "
					 "refresh_interval_s = ? WHERE id = ?");
	if (!update)
		return update.error();
	bindSource(*update, source);
	update->bind(7, static_cast<int64_t>(source.id));
	if (auto updated = update->run(); !updated)
		return describeConflict(updated.error(), "source", source.name);
	if (sqlite3_changes(db) == 0)
		return notFound("source", source.id);
	return getSource(source.id);
}

StoreResult<void> Store::deleteSource(Id id)
{
	sqlite3 *db = db_.get();
	auto remove = Statement::prepare(db, "DELETE FROM sources WHERE id = ?");
	if (!remove)
		return remove.error();
	remove->bind(1, static_cast<int64_t>(id));
	if (auto removed = remove->run(); !removed)
		return removed.error();
	if (sqlite3_changes(db) == 0)
		return notFound("source", id);
	return {};
}

} /* namespace sluice */
