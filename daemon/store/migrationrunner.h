/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Internal to the store: checks a migration list and applies the pending part of it.
 */

#pragma once

#include <cstdint>
#include <vector>

#include <sqlite3.h>

#include "migrations.h"
#include "storeerror.h"

namespace sluice {

/* The list is versions 1, 2, ..., n in that order, each file named after its version. */
StoreResult<void> checkMigrations(const std::vector<Migration> &migrations);

/*
 * Applies the migrations newer than version `from`, each in its own transaction together with
 * its PRAGMA user_version. Stops at the first failure, whose transaction is rolled back: the
 * database stays at the last version that applied whole. Returns the version reached.
 */
StoreResult<uint32_t> applyMigrations(sqlite3 *db, const std::vector<Migration> &migrations,
				      uint32_t from);

} /* namespace sluice */
