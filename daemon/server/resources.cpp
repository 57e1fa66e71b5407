/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Files of data/ compiled into sluiced as a GResource.
 */

#include "resources.h"

#include <gio/gio.h>

extern "C" {
#include "sluice-server-resources.h"
}

namespace sluice {

std::optional<std::string> embeddedFile(std::string_view name)
{
	/* Through the getter rather than the global registry: the reference is what keeps the
	 * linker from dropping the resource's object file out of the static library. */
	GResource *resource = sluice_server_get_resource();
	std::string path = "/org/sluice/sluiced/" + std::string(name);
	g_autoptr(GBytes) bytes = g_resource_lookup_data(resource, path.c_str(),
							 G_RESOURCE_LOOKUP_FLAGS_NONE, nullptr);
	if (!bytes)
		return std::nullopt;
	gsize size = 0;
	const auto *data = static_cast<const char *>(g_bytes_get_data(bytes, &size));
	return std::string(data, size);
}

ClientRulesResult loadClientRules(const Environment &env, std::string &from,
				  std::vector<std::string> &warnings)
{
	if (auto it = env.find("SLUICE_CLIENT_RULES"); it != env.end()) {
		from = it->second;
		ClientRulesResult result = ClientRules::loadFile(it->second);
		if (!result.ok())
			result.error = "SLUICE_CLIENT_RULES: " + result.error;
		return result;
	}
	const std::string installed = ClientRules::installedPath();
	if (g_file_test(installed.c_str(), G_FILE_TEST_EXISTS)) {
		ClientRulesResult result = ClientRules::loadFile(installed);
		if (result.ok()) {
			from = installed;
			return result;
		}
		warnings.push_back(result.error + "; using the built-in client rules");
	}
	from = "built-in";
	std::optional<std::string> text = embeddedFile("client-rules.json");
	if (!text)
		return ClientRulesResult {std::nullopt, "no built-in client rules"};
	return ClientRules::load(*text);
}

} /* namespace sluice */
