/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Migration files: their names, and the copies compiled into the binary as a GResource.
 */

#include "migrations.h"

#include <algorithm>
#include <string_view>

#include <gio/gio.h>

extern "C" {
#include "sluice-migrations.h"
}

namespace sluice {

namespace {

constexpr const char *kResourceFolder = "/org/sluice/migrations";

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

/* NNN of "NNN_name.sql" with name in [a-z0-9_]+; 0 when the name has another shape. */
uint32_t versionOf(std::string_view name)
{
	constexpr std::string_view kSuffix = ".sql";
	if (name.size() < 3 + 1 + 1 + kSuffix.size() || !name.ends_with(kSuffix)
	    || !isDigit(name[0]) || !isDigit(name[1]) || !isDigit(name[2]) || name[3] != '_')
		return 0;
	const std::string_view title = name.substr(4, name.size() - 4 - kSuffix.size());
	const bool titleOk = std::all_of(title.begin(), title.end(), [](char c) {
		return (c >= 'a' && c <= 'z') || isDigit(c) || c == '_';
	});
	if (!titleOk)
		return 0;
	return static_cast<uint32_t>((name[0] - '0') * 100 + (name[1] - '0') * 10
				     + (name[2] - '0'));
}

} /* namespace */

Migration makeMigration(std::string name, std::string sql)
{
	Migration migration;
	migration.version = versionOf(name);
	migration.name = std::move(name);
	migration.sql = std::move(sql);
	return migration;
}

std::vector<Migration> builtinMigrations()
{
	GResource *resource = sluice_migrations_get_resource();
	g_auto(GStrv) names = g_resource_enumerate_children(resource, kResourceFolder,
							    G_RESOURCE_LOOKUP_FLAGS_NONE, nullptr);
	std::vector<Migration> migrations;
	for (gchar **name = names; name && *name; name++) {
		g_autofree gchar *path = g_build_path("/", kResourceFolder, *name, nullptr);
		g_autoptr(GBytes) bytes = g_resource_lookup_data(
			resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, nullptr);
		if (!bytes)
			continue;
		gsize size = 0;
		const auto *data = static_cast<const char *>(g_bytes_get_data(bytes, &size));
		migrations.push_back(makeMigration(*name, std::string(data ? data : "", size)));
	}
	/* GResource lists in no particular order; the file names sort by version. */
	std::sort(migrations.begin(), migrations.end(),
		  [](const Migration &a, const Migration &b) { return a.name < b.name; });
	return migrations;
}

} /* namespace sluice */
