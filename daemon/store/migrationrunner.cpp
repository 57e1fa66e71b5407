/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Applies schema migrations one transaction each, refusing files that would break that.
 */

#include "migrationrunner.h"

#include <string>
#include <strings.h>

#include "sqliteutil.h"

namespace sluice {

namespace {

/* Why the authorizer refused a statement of the migration being applied; empty: it didn't. */
struct AuthorizerState {
	std::string refusal;
};

bool isPragma(const char *name, const char *wanted)
{
	return name && strcasecmp(name, wanted) == 0;
}

/*
 * Called by SQLite while each statement of a migration is prepared. Transaction control would
 * end the runner's transaction early and leave a half-applied migration behind a committed
 * user_version; the pragmas are the runner's and the store's to set.
 */
int migrationAuthorizer(void *data, int action, const char *arg1, const char *arg2, const char *,
			const char *)
{
	auto *state = static_cast<AuthorizerState *>(data);
	if (action == SQLITE_TRANSACTION) {
		state->refusal = "BEGIN, COMMIT and ROLLBACK are not allowed in a migration: the "
				 "runner applies each file in one transaction of its own";
		return SQLITE_DENY;
	}
	const bool setsPragma = action == SQLITE_PRAGMA && arg2 != nullptr;
	if (setsPragma
	    && (isPragma(arg1, "user_version") || isPragma(arg1, "foreign_keys")
		|| isPragma(arg1, "journal_mode"))) {
		state->refusal = std::string("PRAGMA ") + arg1
			+ " is not allowed in a migration: the runner and the store set it";
		return SQLITE_DENY;
	}
	return SQLITE_OK;
}

StoreError migrationError(const Migration &migration, uint32_t from, const std::string &detail)
{
	return {StoreErrorCode::Schema,
		"migration " + migration.name + " failed and was rolled back, the database stays "
			+ "at schema version " + std::to_string(from) + ": " + detail,
		{}};
}

/* The first row a migration left pointing at nothing, as text; empty when there is none. */
StoreResult<std::string> danglingReference(sqlite3 *db)
{
	auto check = Statement::prepare(db, "PRAGMA foreign_key_check");
	if (!check)
		return check.error();
	const int rc = check->step();
	if (rc == SQLITE_DONE)
		return std::string();
	if (rc != SQLITE_ROW)
		return sqliteError(db, rc, "checking foreign keys");
	return "row " + std::to_string(check->int64(1)) + " of table " + check->text(0)
		+ " refers to a missing row of " + check->text(2);
}

StoreResult<void> applyOne(sqlite3 *db, const Migration &migration, uint32_t from)
{
	/* A no-op inside a transaction, so it is switched off before BEGIN. */
	if (auto off = execute(db, "PRAGMA foreign_keys = OFF"); !off)
		return off.error();

	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return migrationError(migration, from, begun.error().message);

	AuthorizerState state;
	sqlite3_set_authorizer(db, migrationAuthorizer, &state);
	const int rc = sqlite3_exec(db, migration.sql.c_str(), nullptr, nullptr, nullptr);
	sqlite3_set_authorizer(db, nullptr, nullptr);
	if (rc != SQLITE_OK)
		return migrationError(migration, from,
				      state.refusal.empty() ? sqlite3_errmsg(db) : state.refusal);

	auto dangling = danglingReference(db);
	if (!dangling)
		return migrationError(migration, from, dangling.error().message);
	if (!dangling->empty())
		return migrationError(migration, from, *dangling);

	/*
	 * PRAGMA takes no bound parameters. The number comes from checkMigrations(), which
	 * accepted only the three digits of the file name, not from anyone's input.
	 */
	const std::string setVersion = "PRAGMA user_version = " + std::to_string(migration.version);
	if (auto set = execute(db, setVersion.c_str()); !set)
		return migrationError(migration, from, set.error().message);

	if (auto committed = transaction.commit(); !committed)
		return migrationError(migration, from, committed.error().message);
	return {};
}

} /* namespace */

StoreResult<void> checkMigrations(const std::vector<Migration> &migrations)
{
	if (migrations.empty())
		return StoreError {StoreErrorCode::Schema, "no schema migrations to apply", {}};
	for (size_t i = 0; i < migrations.size(); i++) {
		const Migration &migration = migrations[i];
		const uint32_t expected = static_cast<uint32_t>(i + 1);
		if (migration.version == 0)
			return StoreError {StoreErrorCode::Schema,
					   "migration file name '" + migration.name
						   + "' is not NNN_name.sql",
					   {}};
		if (migration.version != expected)
			return StoreError {
				StoreErrorCode::Schema,
				"migration " + migration.name + " is version "
					+ std::to_string(migration.version)
					+ " but migrations must be numbered 1, 2, 3, ... "
					  "without gaps; expected version "
					+ std::to_string(expected) + " here",
				{}};
	}
	return {};
}

StoreResult<uint32_t> applyMigrations(sqlite3 *db, const std::vector<Migration> &migrations,
				      uint32_t from)
{
	uint32_t version = from;
	for (const Migration &migration : migrations) {
		if (migration.version <= version)
			continue;
		if (auto applied = applyOne(db, migration, version); !applied)
			return applied.error();
		version = migration.version;
	}
	return version;
}

} /* namespace sluice */
