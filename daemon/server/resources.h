/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Files of data/ compiled into sluiced: the OpenAPI document, the client rules, the demo list.
 */

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clientrules.h"
#include "config.h"

namespace sluice {

/* "openapi.yaml", "client-rules.json" or "demo.m3u"; nullopt for any other name. */
std::optional<std::string> embeddedFile(std::string_view name);

/*
 * The client rules sluiced runs on: the file $SLUICE_CLIENT_RULES names (which must load),
 * else the installed ClientRules::installedPath(), else the copy compiled in (an uninstalled
 * build, or an installed file that does not load: a warning says so). from says which.
 */
ClientRulesResult loadClientRules(const Environment &env, std::string &from,
				  std::vector<std::string> &warnings);

} /* namespace sluice */
