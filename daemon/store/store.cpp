/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Opening the store: refusing files it must not touch, migrating, seeding system profiles.
 */

#include "store.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "migrationrunner.h"
#include "storeinternal.h"

namespace sluice {

namespace {

/* How long a statement waits for a lock another process (sqlite3 shell, backup) holds. */
constexpr int kBusyTimeoutMs = 5000;

using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;

StoreError ioError(const std::string &path, const std::string &detail)
{
	return {StoreErrorCode::Io, "cannot use database " + path + ": " + detail, {}};
}

StoreResult<SqliteDb> openConnection(const std::string &path, int flags)
{
	sqlite3 *raw = nullptr;
	const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
	/* SQLite hands out a handle even when opening fails; it carries the message. */
	SqliteDb db(raw);
	if (rc != SQLITE_OK)
		return ioError(path, db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc));
	sqlite3_extended_result_codes(db.get(), 1);
	sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
	return db;
}

StoreError notADatabase(const std::string &path, const std::string &detail)
{
	return ioError(path,
		       "not a SQLite database (" + detail
			       + "); it was left as it is. Move it away to start afresh, or "
				 "restore a backup");
}

StoreError unreadable(sqlite3 *db, const std::string &path)
{
	const int primary = sqlite3_extended_errcode(db) & 0xff;
	if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
		return notADatabase(path, sqlite3_errmsg(db));
	return ioError(path, sqlite3_errmsg(db));
}

/*
 * Reads the schema version. Reading the schema is what makes SQLite look at the file's header,
 * so this is also where a file that is not a database is found out.
 */
StoreResult<uint32_t> readSchemaVersion(sqlite3 *db, const std::string &path)
{
	auto schema = Statement::prepare(db, "SELECT count(*) FROM sqlite_master");
	if (!schema || schema->step() != SQLITE_ROW)
		return unreadable(db, path);
	auto version = Statement::prepare(db, "PRAGMA user_version");
	if (!version || version->step() != SQLITE_ROW)
		return unreadable(db, path);
	/* The header holds 32 bits; read them the way inspect() does. */
	return static_cast<uint32_t>(version->int64(0));
}

StoreError newerSchema(const std::string &path, uint32_t version, uint32_t latest)
{
	return {StoreErrorCode::Schema,
		"database " + path + " has schema version " + std::to_string(version)
			+ ", newer than this sluiced knows (" + std::to_string(latest)
			+ "): it was written by a newer sluiced. Run that one, or restore a backup "
			  "made by this one; the file was left as it is",
		{}};
}

/*
 * The checks that must come before SQLite touches the file, done on its header
 * (https://www.sqlite.org/fileformat.html) with plain reads: any SQLite connection to a WAL
 * database creates -wal and -shm files beside it, and closing a read-write one checkpoints the
 * WAL into the file. Returns the schema version; 0 for a file that does not exist or is empty
 * (SQLite makes an empty file a database).
 */
StoreResult<uint32_t> inspect(const std::string &path, uint32_t latest)
{
	constexpr char kMagic[] = "SQLite format 3"; /* and its NUL: 16 bytes */
	constexpr size_t kHeaderSize = 100;
	constexpr size_t kUserVersionOffset = 60;

	std::error_code ec;
	if (path == ":memory:" || !std::filesystem::exists(path, ec))
		return 0u;
	std::ifstream file(path, std::ios::binary);
	if (!file)
		return ioError(path, "cannot read it");
	std::array<unsigned char, kHeaderSize> header {};
	file.read(reinterpret_cast<char *>(header.data()), header.size());
	const auto length = static_cast<size_t>(file.gcount());
	if (length == 0)
		return 0u;
	if (length < header.size() || std::memcmp(header.data(), kMagic, sizeof(kMagic)) != 0)
		return notADatabase(path, "no SQLite header");

	const unsigned char *bytes = header.data() + kUserVersionOffset;
	const uint32_t version = static_cast<uint32_t>(bytes[0]) << 24
		| static_cast<uint32_t>(bytes[1]) << 16 | static_cast<uint32_t>(bytes[2]) << 8
		| static_cast<uint32_t>(bytes[3]);
	if (version > latest)
		return newerSchema(path, version, latest);
	return version;
}

StoreResult<void> enableWal(sqlite3 *db, const std::string &path)
{
	auto statement = Statement::prepare(db, "PRAGMA journal_mode = WAL");
	if (!statement)
		return statement.error();
	if (statement->step() != SQLITE_ROW)
		return ioError(path, std::string("cannot switch to WAL: ") + sqlite3_errmsg(db));
	const std::string mode = statement->text(0);
	/* An in-memory database has no journal file to speak of. */
	if (mode != "wal" && !(path == ":memory:" && mode == "memory"))
		return ioError(path,
			       "cannot switch to WAL (journal mode stays '" + mode
				       + "'); is the file on a network file system?");
	return {};
}

StoreResult<void> enableForeignKeys(sqlite3 *db, const std::string &path)
{
	if (auto set = execute(db, "PRAGMA foreign_keys = ON"); !set)
		return set.error();
	auto check = Statement::prepare(db, "PRAGMA foreign_keys");
	if (!check)
		return check.error();
	if (check->step() != SQLITE_ROW || check->int64(0) != 1)
		return ioError(path, "this SQLite was built without foreign key support");
	return {};
}

} /* namespace */

void SqliteCloser::operator()(sqlite3 *db) const
{
	/* _v2: a statement somebody forgot to finalize delays the close instead of failing it. */
	sqlite3_close_v2(db);
}

std::string_view toString(StoreErrorCode code)
{
	switch (code) {
	case StoreErrorCode::NotFound:
		return "not-found";
	case StoreErrorCode::Conflict:
		return "conflict";
	case StoreErrorCode::Invalid:
		return "invalid";
	case StoreErrorCode::Protected:
		return "protected";
	case StoreErrorCode::Io:
		return "io";
	case StoreErrorCode::Schema:
		return "schema";
	}
	return "io";
}

StoreError notFound(std::string_view what, Id id)
{
	return {StoreErrorCode::NotFound,
		"no " + std::string(what) + " with id " + std::to_string(id),
		{}};
}

StoreError invalid(std::string field, std::string message)
{
	return {StoreErrorCode::Invalid, std::move(message), std::move(field)};
}

StoreError describeConflict(StoreError error, std::string_view what, std::string_view name)
{
	if (error.code == StoreErrorCode::Conflict && error.field == "name")
		error.message = "a " + std::string(what) + " named '" + std::string(name)
			+ "' already exists";
	return error;
}

StoreResult<bool> rowExists(sqlite3 *db, std::string_view sql, Id id)
{
	auto statement = Statement::prepare(db, sql);
	if (!statement)
		return statement.error();
	statement->bind(1, static_cast<int64_t>(id));
	const int rc = statement->step();
	if (rc == SQLITE_ROW)
		return true;
	if (rc == SQLITE_DONE)
		return false;
	return sqliteError(db, rc, {});
}

Store::Store(std::unique_ptr<sqlite3, SqliteCloser> db, std::string path, uint32_t schemaVersion)
	: db_(std::move(db)), path_(std::move(path)), schemaVersion_(schemaVersion)
{
}

Store::~Store() = default;

StoreResult<std::unique_ptr<Store>> Store::open(const std::string &path)
{
	return open(path, builtinMigrations());
}

StoreResult<std::unique_ptr<Store>> Store::open(const std::string &path,
						const std::vector<Migration> &migrations)
{
	if (auto checked = checkMigrations(migrations); !checked)
		return checked.error();
	const uint32_t latest = migrations.back().version;

	if (auto inspected = inspect(path, latest); !inspected)
		return inspected.error();

	auto db = openConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (!db)
		return db.error();
	sqlite3 *handle = db->get();

	/*
	 * Again, on the connection that writes: the header may be stale when a -wal file holds
	 * newer pages, or the file may have been replaced meanwhile. Until the version is accepted,
	 * closing must not checkpoint that WAL into the file.
	 */
	sqlite3_db_config(handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
	auto version = readSchemaVersion(handle, path);
	if (!version)
		return version.error();
	if (*version > latest)
		return newerSchema(path, *version, latest);
	sqlite3_db_config(handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);

	if (auto wal = enableWal(handle, path); !wal)
		return wal.error();
	auto migrated = applyMigrations(handle, migrations, *version);
	if (!migrated)
		return migrated.error();
	if (auto fk = enableForeignKeys(handle, path); !fk)
		return fk.error();

	std::unique_ptr<Store> store(new Store(std::move(*db), path, *migrated));
	if (auto seeded = store->seedSystemProfiles(); !seeded)
		return seeded.error();
	return store;
}

/*
 * Inserts the system profiles that are missing, by key: idempotent, and a system profile the
 * user renamed or edited stays as they left it. A user profile that already has a system
 * profile's name (only possible for one added by a later release) wins; that system profile
 * is then not seeded.
 */
StoreResult<void> Store::seedSystemProfiles()
{
	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();

	auto insert = Statement::prepare(
		db,
		"INSERT INTO profiles (name, description, video_codec, audio_codec, "
		"container_format, hw_accel, video_bitrate_kbps, max_height, preset, "
		"system_key, is_default) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) "
		"ON CONFLICT DO NOTHING");
	if (!insert)
		return insert.error();
	for (const Profile &p : systemProfiles()) {
		std::string key = p.name;
		std::transform(key.begin(), key.end(), key.begin(),
			       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
		insert->reset();
		insert->bind(1, p.name)
			.bind(2, p.description)
			.bind(3, toString(p.videoCodec))
			.bind(4, toString(p.audioCodec))
			.bind(5, toString(p.containerFormat))
			.bind(6, toString(p.hwAccel))
			.bind(7, static_cast<int64_t>(p.videoBitrateKbps))
			.bind(8, static_cast<int64_t>(p.maxHeight))
			.bind(9, p.preset)
			.bind(10, key);
		if (auto inserted = insert->run(); !inserted)
			return inserted.error();
	}

	/* Universal is the default unless there is one; failing Universal, the oldest profile. */
	auto universal = Statement::prepare(
		db,
		"UPDATE profiles SET is_default = 1 WHERE system_key = ? AND NOT EXISTS "
		"(SELECT 1 FROM profiles WHERE is_default = 1)");
	if (!universal)
		return universal.error();
	universal->bind(1, std::string_view("universal"));
	if (auto set = universal->run(); !set)
		return set.error();
	if (auto set = execute(db,
			       "UPDATE profiles SET is_default = 1 WHERE id = (SELECT min(id) "
			       "FROM profiles) AND NOT EXISTS (SELECT 1 FROM profiles WHERE "
			       "is_default = 1)");
	    !set)
		return set.error();

	return transaction.commit();
}

} /* namespace sluice */
