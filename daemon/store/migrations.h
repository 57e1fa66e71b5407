/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Versioned schema migrations: data/migrations/NNN_name.sql, compiled into the binary.
 */

#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

/*
 * One migration file. Applying it takes the database from version - 1 to version, in one
 * transaction that also sets PRAGMA user_version. The SQL must not contain BEGIN, COMMIT,
 * ROLLBACK or PRAGMA user_version/foreign_keys/journal_mode: the runner owns those, and refuses
 * a file that tries. Foreign keys are off while a migration runs (so a table can be rebuilt
 * without cascading) and checked with PRAGMA foreign_key_check before it commits.
 */
struct Migration {
	uint32_t version = 0; /* NNN of the name; 0 when the name is not NNN_name.sql */
	std::string name; /* the file name, e.g. "001_initial.sql"; errors name it */
	std::string sql;
};

/* A Migration from its file name and text; version 0 when the name is not NNN_name.sql. */
Migration makeMigration(std::string name, std::string sql);

/* The migrations compiled into this binary from data/migrations, oldest first. */
std::vector<Migration> builtinMigrations();

} /* namespace sluice */
