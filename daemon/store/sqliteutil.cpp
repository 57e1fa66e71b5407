/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Prepared statements, transactions and the mapping of SQLite failures to StoreError.
 */

#include "sqliteutil.h"

#include <algorithm>
#include <limits>

namespace sluice {

namespace {

/*
 * The column or constraint a constraint failure is about, from SQLite's message:
 * "UNIQUE constraint failed: profiles.name" -> "name";
 * "UNIQUE constraint failed: channels.source_id, channels.import_key" -> "import_key";
 * "CHECK constraint failed: container_format" -> "container_format" (our constraints are named
 * after the field they guard).
 */
std::string constraintField(std::string_view message)
{
	const size_t colon = message.rfind(": ");
	if (colon == std::string_view::npos)
		return {};
	std::string_view subject = message.substr(colon + 2);
	const size_t comma = subject.rfind(", ");
	if (comma != std::string_view::npos)
		subject = subject.substr(comma + 2);
	const size_t dot = subject.rfind('.');
	if (dot != std::string_view::npos)
		subject = subject.substr(dot + 1);
	const bool identifier
		= !subject.empty() && std::all_of(subject.begin(), subject.end(), [](char c) {
			  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
		  });
	return identifier ? std::string(subject) : std::string();
}

} /* namespace */

StoreResult<Statement> Statement::prepare(sqlite3 *db, std::string_view sql)
{
	sqlite3_stmt *stmt = nullptr;
	const int rc
		= sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return sqliteError(db, rc, "preparing a statement");
	}
	return Statement(db, stmt);
}

Statement &Statement::checkBind(int rc)
{
	if (rc != SQLITE_OK && bindError_ == SQLITE_OK)
		bindError_ = rc;
	return *this;
}

Statement &Statement::bind(int index, int64_t value)
{
	return checkBind(sqlite3_bind_int64(stmt_.get(), index, value));
}

Statement &Statement::bind(int index, std::string_view value)
{
	/* A non-null pointer even for "", so an empty string binds as '' and not as NULL. */
	return checkBind(sqlite3_bind_text64(stmt_.get(), index, value.empty() ? "" : value.data(),
					     value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Statement &Statement::bindNull(int index)
{
	return checkBind(sqlite3_bind_null(stmt_.get(), index));
}

Statement &Statement::bindId(int index, Id id)
{
	return id == 0 ? bindNull(index) : bind(index, static_cast<int64_t>(id));
}

int Statement::step()
{
	if (bindError_ != SQLITE_OK)
		return bindError_;
	return sqlite3_step(stmt_.get());
}

StoreResult<void> Statement::run()
{
	int rc;
	while ((rc = step()) == SQLITE_ROW) { }
	if (rc != SQLITE_DONE)
		return sqliteError(db_, rc, {});
	return {};
}

void Statement::reset()
{
	sqlite3_reset(stmt_.get());
	sqlite3_clear_bindings(stmt_.get());
	bindError_ = SQLITE_OK;
}

int64_t Statement::int64(int column) const
{
	return sqlite3_column_int64(stmt_.get(), column);
}

uint32_t Statement::uint32(int column) const
{
	const int64_t value = int64(column);
	return static_cast<uint32_t>(
		std::clamp<int64_t>(value, 0, std::numeric_limits<uint32_t>::max()));
}

std::string Statement::text(int column) const
{
	const auto *data = sqlite3_column_text(stmt_.get(), column);
	if (!data)
		return {};
	const int size = sqlite3_column_bytes(stmt_.get(), column);
	return std::string(reinterpret_cast<const char *>(data), static_cast<size_t>(size));
}

bool Statement::isNull(int column) const
{
	return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

Transaction::~Transaction()
{
	if (open_)
		sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

StoreResult<void> Transaction::begin()
{
	auto result = execute(db_, "BEGIN IMMEDIATE");
	open_ = result.ok();
	return result;
}

StoreResult<void> Transaction::commit()
{
	auto result = execute(db_, "COMMIT");
	if (result.ok())
		open_ = false;
	return result;
}

StoreResult<void> execute(sqlite3 *db, const char *sql)
{
	const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
	if (rc != SQLITE_OK)
		return sqliteError(db, rc, sql);
	return {};
}

StoreError sqliteError(sqlite3 *db, int rc, std::string_view context)
{
	/*
	 * The connection has extended result codes on, so rc is extended. A bind error reported by
	 * step() may not be the connection's last error: then SQLite's generic text is all we have.
	 */
	const bool fromConnection = sqlite3_extended_errcode(db) == rc;
	const std::string detail = fromConnection ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	StoreError error;
	error.message = context.empty() ? detail : std::string(context) + ": " + detail;

	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		error.code = StoreErrorCode::Conflict;
		error.field = constraintField(detail);
		break;
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		error.code = StoreErrorCode::Invalid;
		error.field = constraintField(detail);
		break;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		error.code = StoreErrorCode::Invalid;
		break;
	default:
		error.code = (rc & 0xff) == SQLITE_CONSTRAINT ? StoreErrorCode::Invalid
							      : StoreErrorCode::Io;
		break;
	}
	return error;
}

} /* namespace sluice */
