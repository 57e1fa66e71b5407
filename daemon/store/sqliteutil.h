/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Internal to the store: RAII over sqlite3_stmt and transactions, SQLite codes to StoreError.
 */

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "model.h"
#include "storeerror.h"

namespace sluice {

struct SqliteFinalizer {
	void operator()(sqlite3_stmt *stmt) const { sqlite3_finalize(stmt); }
};

/*
 * A prepared statement. Values are only ever bound, never written into the SQL. A failed bind is
 * remembered and reported by the next step(), so call sites chain binds without checking each.
 */
class Statement
{
public:
	static StoreResult<Statement> prepare(sqlite3 *db, std::string_view sql);

	/* Parameters are 1-based, as in SQLite. */
	Statement &bind(int index, int64_t value);
	Statement &bind(int index, std::string_view value);
	Statement &bindNull(int index);
	/* An Id, with 0 ("none") as NULL. */
	Statement &bindId(int index, Id id);

	/* SQLITE_ROW, SQLITE_DONE or an error code. */
	int step();
	/* Steps to the end, for statements that return no rows. */
	StoreResult<void> run();
	/* Ready to be bound and stepped again. */
	void reset();

	/* Columns are 0-based, as in SQLite. */
	int64_t int64(int column) const;
	uint32_t uint32(int column) const; /* clamped to [0, UINT32_MAX] */
	std::string text(int column) const;
	bool isNull(int column) const;

	sqlite3 *db() const { return db_; }

private:
	Statement(sqlite3 *db, sqlite3_stmt *stmt) : db_(db), stmt_(stmt) { }
	Statement &checkBind(int rc);

	sqlite3 *db_;
	std::unique_ptr<sqlite3_stmt, SqliteFinalizer> stmt_;
	int bindError_ = SQLITE_OK;
};

/*
 * BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted, so every early return of an
 * error undoes the transaction's work. IMMEDIATE takes the write lock up front: a transaction
 * that reads then writes cannot fail half-way with SQLITE_BUSY.
 */
class Transaction
{
public:
	explicit Transaction(sqlite3 *db) : db_(db) { }
	~Transaction();
	Transaction(const Transaction &) = delete;
	Transaction &operator=(const Transaction &) = delete;

	StoreResult<void> begin();
	StoreResult<void> commit();

private:
	sqlite3 *db_;
	bool open_ = false;
};

/* Runs SQL without parameters (pragmas, transaction control). */
StoreResult<void> execute(sqlite3 *db, const char *sql);

/*
 * The StoreError for a failed SQLite call: constraint failures become Conflict (UNIQUE) or
 * Invalid (CHECK, NOT NULL, FOREIGN KEY) with the field named after the column or the
 * constraint; everything else is Io. context says what was being done ("saving profile 'x'").
 */
StoreError sqliteError(sqlite3 *db, int rc, std::string_view context);

} /* namespace sluice */
