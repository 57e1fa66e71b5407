/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Proxies in the store: a mode, a profile and an ordered list of channels.
 */

#include <algorithm>
#include <unordered_set>

#include "store.h"
#include "storeinternal.h"

namespace sluice {

namespace {

constexpr std::string_view kProxySelect = "SELECT id, name, mode, profile_id, first_number, "
					  "stream_key FROM proxies";

Proxy readProxy(const Statement &row)
{
	Proxy proxy;
	proxy.id = row.int64(0);
	proxy.name = row.text(1);
	proxy.mode = parseProxyMode(row.text(2)).value_or(ProxyMode::Smart);
	proxy.profileId = row.isNull(3) ? 0 : row.int64(3);
	proxy.firstNumber = row.uint32(4);
	proxy.streamKey = row.isNull(5) ? "" : row.text(5);
	return proxy;
}

/* Binds name, mode, profile_id, first_number, stream_key to parameters 1-5. */
void bindProxy(Statement &statement, const Proxy &proxy)
{
	statement.bind(1, proxy.name)
		.bind(2, toString(proxy.mode))
		.bindId(3, proxy.profileId)
		.bind(4, static_cast<int64_t>(proxy.firstNumber));
	if (proxy.streamKey.empty())
		statement.bindNull(5);
	else
		statement.bind(5, proxy.streamKey);
}

constexpr size_t kMinStreamKey = 8;
constexpr size_t kMaxStreamKey = 128;

/* RFC 3986 unreserved characters: the name goes into URL paths as it is. */
bool urlSafe(std::string_view name)
{
	return std::all_of(name.begin(), name.end(), [](char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			|| c == '-' || c == '_' || c == '.' || c == '~';
	});
}

} /* namespace */

StoreResult<void> Store::checkProxyReferences(const Proxy &proxy) const
{
	if (proxy.name.empty())
		return invalid("name", "a proxy needs a name");
	if (!urlSafe(proxy.name) || proxy.name == "." || proxy.name == "..")
		return invalid("name",
			       "proxy name '" + proxy.name
				       + "' appears in URLs: use letters, digits, '-', '_', "
					 "'.' and '~' only");
	if (!proxy.streamKey.empty()
	    && (!urlSafe(proxy.streamKey) || proxy.streamKey.size() < kMinStreamKey
		|| proxy.streamKey.size() > kMaxStreamKey))
		return invalid("stream_key",
			       "a stream key appears in URLs: use " + std::to_string(kMinStreamKey)
				       + " to " + std::to_string(kMaxStreamKey)
				       + " letters, digits, '-', '_', '.' and '~'");

	sqlite3 *db = db_.get();
	if (proxy.profileId != 0) {
		auto exists = rowExists(db, "SELECT 1 FROM profiles WHERE id = ?", proxy.profileId);
		if (!exists)
			return exists.error();
		if (!*exists)
			return invalid("profile_id",
				       "no profile with id " + std::to_string(proxy.profileId));
	}

	std::unordered_set<Id> seen;
	for (const Id channelId : proxy.channelIds) {
		if (!seen.insert(channelId).second)
			return invalid("channel_ids",
				       "channel " + std::to_string(channelId) + " is listed twice");
		auto exists = rowExists(db, "SELECT 1 FROM channels WHERE id = ?", channelId);
		if (!exists)
			return exists.error();
		if (!*exists)
			return invalid("channel_ids",
				       "no channel with id " + std::to_string(channelId));
	}
	return {};
}

StoreResult<void> Store::writeProxyChannels(const Proxy &proxy)
{
	sqlite3 *db = db_.get();
	auto clear = Statement::prepare(db, "DELETE FROM proxy_channels WHERE proxy_id = ?");
	if (!clear)
		return clear.error();
	clear->bind(1, static_cast<int64_t>(proxy.id));
	if (auto cleared = clear->run(); !cleared)
		return cleared.error();

	auto insert = Statement::prepare(db,
					 "INSERT INTO proxy_channels (proxy_id, channel_id, "
					 "position) VALUES (?, ?, ?)");
	if (!insert)
		return insert.error();
	for (size_t i = 0; i < proxy.channelIds.size(); i++) {
		insert->reset();
		insert->bind(1, static_cast<int64_t>(proxy.id))
			.bind(2, static_cast<int64_t>(proxy.channelIds[i]))
			.bind(3, static_cast<int64_t>(i) + 1);
		if (auto inserted = insert->run(); !inserted)
			return inserted.error();
	}
	return {};
}

StoreResult<std::vector<Id>> Store::proxyChannelIds(Id proxyId) const
{
	auto statement = Statement::prepare(db_.get(),
					    "SELECT channel_id FROM proxy_channels "
					    "WHERE proxy_id = ? ORDER BY position");
	if (!statement)
		return statement.error();
	statement->bind(1, static_cast<int64_t>(proxyId));
	std::vector<Id> ids;
	int rc;
	while ((rc = statement->step()) == SQLITE_ROW)
		ids.push_back(statement->int64(0));
	if (rc != SQLITE_DONE)
		return sqliteError(db_.get(), rc, {});
	return ids;
}

StoreResult<Proxy> Store::createProxy(const Proxy &proxy)
{
	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();
	if (auto checked = checkProxyReferences(proxy); !checked)
		return checked.error();

	auto insert = Statement::prepare(db,
					 "INSERT INTO proxies (name, mode, profile_id, "
					 "first_number, stream_key) VALUES (?, ?, ?, ?, ?)");
	if (!insert)
		return insert.error();
	bindProxy(*insert, proxy);
	if (auto inserted = insert->run(); !inserted)
		return describeConflict(inserted.error(), "proxy", proxy.name);

	Proxy stored = proxy;
	stored.id = sqlite3_last_insert_rowid(db);
	if (auto written = writeProxyChannels(stored); !written)
		return written.error();
	if (auto committed = transaction.commit(); !committed)
		return committed.error();
	return getProxy(stored.id);
}

StoreResult<Proxy> Store::getProxy(Id id) const
{
	auto statement = Statement::prepare(db_.get(), std::string(kProxySelect) + " WHERE id = ?");
	if (!statement)
		return statement.error();
	statement->bind(1, static_cast<int64_t>(id));
	const int rc = statement->step();
	if (rc == SQLITE_DONE)
		return notFound("proxy", id);
	if (rc != SQLITE_ROW)
		return sqliteError(db_.get(), rc, {});
	Proxy proxy = readProxy(*statement);
	auto channelIds = proxyChannelIds(proxy.id);
	if (!channelIds)
		return channelIds.error();
	proxy.channelIds = std::move(*channelIds);
	return proxy;
}

StoreResult<Proxy> Store::getProxyByName(std::string_view name) const
{
	/* name is COLLATE NOCASE in the schema, so = compares without case. */
	auto statement
		= Statement::prepare(db_.get(), std::string(kProxySelect) + " WHERE name = ?");
	if (!statement)
		return statement.error();
	statement->bind(1, name);
	const int rc = statement->step();
	if (rc == SQLITE_DONE)
		return StoreError {
			StoreErrorCode::NotFound, "no proxy named '" + std::string(name) + "'", {}};
	if (rc != SQLITE_ROW)
		return sqliteError(db_.get(), rc, {});
	return getProxy(statement->int64(0));
}

StoreResult<std::vector<Proxy>> Store::listProxies() const
{
	sqlite3 *db = db_.get();
	auto statement = Statement::prepare(db, std::string(kProxySelect) + " ORDER BY id");
	if (!statement)
		return statement.error();
	std::vector<Proxy> proxies;
	int rc;
	while ((rc = statement->step()) == SQLITE_ROW)
		proxies.push_back(readProxy(*statement));
	if (rc != SQLITE_DONE)
		return sqliteError(db, rc, {});

	/* Every membership in one pass rather than one query per proxy. */
	auto members = Statement::prepare(db,
					  "SELECT proxy_id, channel_id FROM proxy_channels "
					  "ORDER BY proxy_id, position");
	if (!members)
		return members.error();
	auto proxy = proxies.begin();
	while ((rc = members->step()) == SQLITE_ROW) {
		const Id proxyId = members->int64(0);
		while (proxy != proxies.end() && proxy->id < proxyId)
			++proxy;
		if (proxy != proxies.end() && proxy->id == proxyId)
			proxy->channelIds.push_back(members->int64(1));
	}
	if (rc != SQLITE_DONE)
		return sqliteError(db, rc, {});
	return proxies;
}

StoreResult<Proxy> Store::updateProxy(const Proxy &proxy)
{
	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();
	auto exists = rowExists(db, "SELECT 1 FROM proxies WHERE id = ?", proxy.id);
	if (!exists)
		return exists.error();
	if (!*exists)
		return notFound("proxy", proxy.id);
	if (auto checked = checkProxyReferences(proxy); !checked)
		return checked.error();

	auto update = Statement::prepare(db,
					 "UPDATE proxies SET name = ?, mode = ?, "
					 "profile_id = ?, first_number = ?, stream_key = ? "
					 "WHERE id = ?");
	if (!update)
		return update.error();
	bindProxy(*update, proxy);
	update->bind(6, static_cast<int64_t>(proxy.id));
	if (auto updated = update->run(); !updated)
		return describeConflict(updated.error(), "proxy", proxy.name);
	if (auto written = writeProxyChannels(proxy); !written)
		return written.error();
	if (auto committed = transaction.commit(); !committed)
		return committed.error();
	return getProxy(proxy.id);
}

StoreResult<void> Store::deleteProxy(Id id)
{
	sqlite3 *db = db_.get();
	auto remove = Statement::prepare(db, "DELETE FROM proxies WHERE id = ?");
	if (!remove)
		return remove.error();
	remove->bind(1, static_cast<int64_t>(id));
	if (auto removed = remove->run(); !removed)
		return removed.error();
	if (sqlite3_changes(db) == 0)
		return notFound("proxy", id);
	return {};
}

} /* namespace sluice */
