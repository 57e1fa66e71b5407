/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluiced's SQLite store: profiles, sources, channels and proxies, with versioned migrations.
 */

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrations.h"
#include "model.h"
#include "storeerror.h"

struct sqlite3;

namespace sluice {

struct SqliteCloser {
	void operator()(sqlite3 *db) const;
};

/* What replaceSourceChannels() did. */
struct RefreshCounts {
	uint32_t added = 0; /* new channels */
	uint32_t updated = 0; /* kept channels (same id) whose data changed */
	uint32_t unchanged = 0; /* kept channels whose data is the same */
	uint32_t removed = 0; /* channels gone from the list, and from every proxy */
};

/*
 * One SQLite database file (WAL journal, foreign keys on), opened at the latest schema.
 *
 * Threads: a Store belongs to the daemon's main thread and is used from it only. Work from other
 * threads (HTTP is on the main context already; gRPC, streaming) reaches it through
 * g_main_context_invoke. It has no lock of its own.
 *
 * Every call that writes is one transaction: it happens whole or not at all. Objects are returned
 * as stored (with their id); update*() replaces every field the caller may set.
 * Source::lastRefresh is read-only and ignored on input (replaceSourceChannels() sets it).
 * Profile::system must be what is stored (Protected otherwise): an API handler whose client
 * omitted it copies it from the stored profile. Names of profiles, sources and proxies are
 * unique regardless of case.
 *
 * Errors: NotFound for an id that names nothing; Conflict (field "name", "import_key") for a
 * name or key already taken, or an object still in use; Invalid (field named) for a value the
 * schema refuses or a reference to a missing object; Protected for system profiles; Io for the
 * file itself; Schema for migrations.
 */
class Store
{
public:
	/*
	 * Opens or creates the database at path (":memory:" for a private in-memory one) and brings
	 * it to the newest of migrations, then seeds the system profiles. A file that is not a
	 * SQLite database (Io), or whose schema is newer than the newest migration (Schema), is
	 * refused before anything is written to it. A failing migration is rolled back, leaving
	 * the database at the previous version, and named in the Schema error.
	 *
	 * The store's queries are written for the built-in schema: other lists are for testing
	 * the migration runner.
	 */
	static StoreResult<std::unique_ptr<Store>> open(const std::string &path,
							const std::vector<Migration> &migrations);
	/* open() with builtinMigrations(). */
	static StoreResult<std::unique_ptr<Store>> open(const std::string &path);

	~Store();
	Store(const Store &) = delete;
	Store &operator=(const Store &) = delete;

	const std::string &path() const { return path_; }
	/* PRAGMA user_version: the version of the newest migration applied. */
	uint32_t schemaVersion() const { return schemaVersion_; }

	/*
	 * Profiles. Universal (the default), Passthrough and Efficiency are seeded at first start
	 * and are system profiles: they can be edited but not deleted (Protected), and no profile
	 * can become or stop being a system profile (Protected, field "system"). Exactly one
	 * profile is the default: creating or updating one with isDefault clears it on the previous
	 * default in the same transaction; clearing it on the default itself is Invalid
	 * (field "is_default"). A profile used by a proxy, or the default, can't be deleted
	 * (Conflict).
	 */
	StoreResult<Profile> createProfile(const Profile &profile);
	StoreResult<Profile> getProfile(Id id) const;
	StoreResult<Profile> defaultProfile() const;
	StoreResult<std::vector<Profile>> listProfiles() const; /* system ones first, then by id */
	StoreResult<Profile> updateProfile(const Profile &profile);
	StoreResult<void> deleteProfile(Id id);

	/* Sources. Deleting one deletes its channels, and with them their proxy memberships. */
	StoreResult<Source> createSource(const Source &source);
	StoreResult<Source> getSource(Id id) const;
	StoreResult<std::vector<Source>> listSources() const; /* by id */
	StoreResult<Source> updateSource(const Source &source);
	StoreResult<void> deleteSource(Id id);

	/*
	 * Channels. sourceId must name a source or be 0 (a channel added by hand); streamUrl is
	 * required. importKey is unique within a source (Conflict) when not empty.
	 */
	StoreResult<Channel> createChannel(const Channel &channel);
	StoreResult<Channel> getChannel(Id id) const;
	/*
	 * All channels, or those of one source (0: those added by hand), in their list order.
	 * NotFound when sourceId names no source.
	 */
	StoreResult<std::vector<Channel>> listChannels(std::optional<Id> sourceId = {}) const;
	StoreResult<Channel> updateChannel(const Channel &channel);
	StoreResult<void> deleteChannel(Id id);

	/*
	 * An M3U refresh, in one transaction: the source's channels become `imported`, in that
	 * order. Existing channels are matched by importKey and updated in place, keeping their
	 * ids and so their places in proxies; channels stored before import keys existed (empty
	 * key) are matched by streamUrl once. Unmatched imported channels are added, unmatched
	 * existing ones deleted (leaving every proxy). Sets the source's lastRefresh to now.
	 * Every imported channel needs a streamUrl and a non-empty importKey unique in the list
	 * (Invalid); their id and sourceId are ignored.
	 */
	StoreResult<RefreshCounts> replaceSourceChannels(Id sourceId,
							 std::vector<Channel> imported);

	/*
	 * Proxies. name is URL-safe: letters, digits, '-', '_', '.', '~' (Invalid otherwise).
	 * profileId is 0 (the default profile) or names a profile; channelIds name channels, each
	 * once (Invalid, field "profile_id" / "channel_ids", otherwise).
	 */
	StoreResult<Proxy> createProxy(const Proxy &proxy);
	StoreResult<Proxy> getProxy(Id id) const;
	StoreResult<Proxy> getProxyByName(std::string_view name) const; /* case-insensitive */
	StoreResult<std::vector<Proxy>> listProxies() const; /* by id */
	StoreResult<Proxy> updateProxy(const Proxy &proxy);
	StoreResult<void> deleteProxy(Id id);

private:
	Store(std::unique_ptr<sqlite3, SqliteCloser> db, std::string path, uint32_t schemaVersion);

	StoreResult<void> seedSystemProfiles();
	StoreResult<std::vector<Id>> proxyChannelIds(Id proxyId) const;
	StoreResult<void> writeProxyChannels(const Proxy &proxy);
	StoreResult<void> checkProxyReferences(const Proxy &proxy) const;

	std::unique_ptr<sqlite3, SqliteCloser> db_;
	std::string path_;
	uint32_t schemaVersion_;
};

} /* namespace sluice */
