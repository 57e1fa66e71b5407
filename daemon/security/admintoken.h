/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The admin token: the credential the REST API (and the web UI) asks of peers it does not trust.
 */

#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sluice {

/* The admin token's file in the state directory. */
inline constexpr char kAdminTokenFile[] = "admin-token";

struct AdminToken {
	std::string token;
	/* Where it is kept; empty when it comes from the configuration (api_token). */
	std::string path;
	/* Made by this call: tell the operator once, with where to use it. */
	bool created = false;
	/* Worth logging, not fatal (a file others could read, now made private). */
	std::vector<std::string> warnings;
};

/*
 * The token sluiced's admin routes accept:
 *
 *  - configured (api_token, SLUICE_API_TOKEN) when it is not empty: the file is neither read
 *    nor written;
 *  - else the first line of STATE_DIR/admin-token;
 *  - else a new one (32 bytes from the kernel's random generator, base64url: 43 characters)
 *    written there with mode 0600, created = true.
 *
 * A file that others may read is made 0600 (a warning). nullopt with error saying what and
 * where when the file cannot be read or written, or holds no usable token (printable ASCII
 * without spaces): sluiced does not start with an admin API it cannot protect.
 */
std::optional<AdminToken> loadAdminToken(const std::string &stateDir, const std::string &configured,
					 std::string &error);

/* A new random token: 32 bytes from getrandom(2), base64url without padding. */
std::optional<std::string> newRandomToken(std::string &error);

/* Printable ASCII (0x21..0x7e), not empty: what api_token accepts too. */
bool isUsableToken(const std::string &token);

} /* namespace sluice */
