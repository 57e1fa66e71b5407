/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Internal to the store: helpers its per-entity files share.
 */

#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "model.h"
#include "sqliteutil.h"
#include "storeerror.h"

namespace sluice {

/* "no <what> with id <id>". */
StoreError notFound(std::string_view what, Id id);
StoreError invalid(std::string field, std::string message);
/* A Conflict on "name" told the way a person reads it: "a proxy named 'x' already exists". */
StoreError describeConflict(StoreError error, std::string_view what, std::string_view name);

/* Whether `sql`, a SELECT with one id parameter, returns a row. */
StoreResult<bool> rowExists(sqlite3 *db, std::string_view sql, Id id);

/* The JSON text columns: backup_urls (array of strings), extra_attributes (array of pairs). */
std::string stringsToJson(const std::vector<std::string> &strings);
std::vector<std::string> stringsFromJson(std::string_view json);
std::string attributesToJson(const std::vector<std::pair<std::string, std::string>> &attributes);
std::vector<std::pair<std::string, std::string>> attributesFromJson(std::string_view json);

/* "SELECT <every channel column> FROM channels", to which callers add WHERE and ORDER BY. */
extern const std::string_view kChannelSelect;
Channel readChannel(const Statement &row);
/*
 * Binds the columns a caller sets, in this order, from parameter `first` on: source_id, name,
 * number, group_title, logo, tvg_id, tvg_name, stream_url, backup_urls, extra_attributes,
 * import_key. Returns the next free parameter.
 */
int bindChannel(Statement &statement, int first, const Channel &channel);
/* The checks SQL can't word well: a stream URL, an existing source. */
StoreResult<void> checkChannel(sqlite3 *db, const Channel &channel);

} /* namespace sluice */
