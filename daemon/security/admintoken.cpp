/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The admin token: the credential the REST API (and the web UI) asks of peers it does not trust.
 */

#include "admintoken.h"

#include <array>
#include <cerrno>

#include <sys/random.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

namespace sluice {

namespace {

constexpr size_t kTokenBytes = 32;

bool fillRandom(uint8_t *data, size_t size, std::string &error)
{
	size_t done = 0;
	while (done < size) {
		const ssize_t n = getrandom(data + done, size - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = std::string("cannot read random bytes: ") + g_strerror(errno);
			return false;
		}
		done += static_cast<size_t>(n);
	}
	return true;
}

} /* namespace */

bool isUsableToken(const std::string &token)
{
	if (token.empty())
		return false;
	for (char c : token) {
		if (c < 0x21 || c > 0x7e)
			return false;
	}
	return true;
}

std::optional<std::string> newRandomToken(std::string &error)
{
	std::array<uint8_t, kTokenBytes> bytes {};
	if (!fillRandom(bytes.data(), bytes.size(), error))
		return std::nullopt;
	g_autofree char *encoded = g_base64_encode(bytes.data(), bytes.size());
	std::string token;
	for (const char *c = encoded; *c; c++) {
		if (*c == '+')
			token += '-';
		else if (*c == '/')
			token += '_';
		else if (*c != '=')
			token += *c;
	}
	return token;
}

std::optional<AdminToken> loadAdminToken(const std::string &stateDir, const std::string &configured,
					 std::string &error)
{
	AdminToken admin;
	if (!configured.empty()) {
		admin.token = configured;
		return admin;
	}
	admin.path = stateDir + "/" + kAdminTokenFile;

	g_autofree char *contents = nullptr;
	gsize length = 0;
	g_autoptr(GError) readError = nullptr;
	if (g_file_get_contents(admin.path.c_str(), &contents, &length, &readError)) {
		std::string text(contents, length);
		admin.token = text.substr(0, text.find('\n'));
		if (!admin.token.empty() && admin.token.back() == '\r')
			admin.token.pop_back();
		if (!isUsableToken(admin.token)) {
			error = admin.path
				+ ": holds no token (one line of printable ASCII without spaces); "
				  "fix it, or delete it and sluiced makes a new one";
			return std::nullopt;
		}
		GStatBuf info;
		if (g_stat(admin.path.c_str(), &info) == 0 && (info.st_mode & 077)) {
			if (g_chmod(admin.path.c_str(), 0600) != 0) {
				error = admin.path
					+ ": others may read it and it cannot be made "
					  "private: "
					+ g_strerror(errno);
				return std::nullopt;
			}
			admin.warnings.push_back(
				admin.path
				+ ": others could read the admin token; made it "
				  "private (mode 0600). Consider replacing it: delete "
				  "the file and restart sluiced");
		}
		return admin;
	}
	if (!g_error_matches(readError, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		error = admin.path + ": " + readError->message;
		return std::nullopt;
	}

	std::optional<std::string> token = newRandomToken(error);
	if (!token)
		return std::nullopt;
	const std::string line = *token + "\n";
	g_autoptr(GError) writeError = nullptr;
	/* Written to a temporary file of mode 0600 and renamed: never readable by others, never
	 * half written. */
	if (!g_file_set_contents_full(admin.path.c_str(), line.data(),
				      static_cast<gssize>(line.size()),
				      G_FILE_SET_CONTENTS_CONSISTENT, 0600, &writeError)) {
		error = admin.path + ": cannot write the admin token: " + writeError->message;
		return std::nullopt;
	}
	admin.token = *token;
	admin.created = true;
	return admin;
}

} /* namespace sluice */
