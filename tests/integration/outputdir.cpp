/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A scratch output directory per test and small readers for what cmafsink left in it.
 */

#include "outputdir.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <glib.h>

namespace sluice::test {

OutputDir::OutputDir(const char *prefix)
{
	g_autofree char *tmpl = g_strdup_printf("%s-XXXXXX", prefix);
	g_autofree char *dir = g_dir_make_tmp(tmpl, nullptr);
	path_ = dir ? dir : "";
}

OutputDir::~OutputDir()
{
	if (!keep_ && !path_.empty()) {
		std::error_code ec;
		std::filesystem::remove_all(path_, ec);
	}
}

std::string readText(const std::string &path)
{
	g_autofree char *contents = nullptr;
	gsize length = 0;
	if (!g_file_get_contents(path.c_str(), &contents, &length, nullptr))
		return {};
	return std::string(contents, length);
}

bool fileExists(const std::string &path)
{
	return g_file_test(path.c_str(), G_FILE_TEST_IS_REGULAR);
}

std::vector<std::string> listDir(const std::string &path)
{
	std::vector<std::string> names;
	std::error_code ec;
	for (const auto &entry : std::filesystem::directory_iterator(path, ec))
		names.push_back(entry.path().filename().string());
	std::sort(names.begin(), names.end());
	return names;
}

std::vector<std::string> linesStartingWith(const std::string &text, const std::string &prefix)
{
	std::vector<std::string> lines;
	std::istringstream in(text);
	std::string line;
	while (std::getline(in, line)) {
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
		if (line.starts_with(prefix))
			lines.push_back(line);
	}
	return lines;
}

} /* namespace sluice::test */
