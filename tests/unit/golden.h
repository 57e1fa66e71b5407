/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Comparing test output with golden files under $SLUICE_GOLDEN_DIR (tests/golden).
 */

#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ios>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace sluice::test {

/*
 * Compares with $SLUICE_GOLDEN_DIR/<subdir>/<name>; SLUICE_UPDATE_GOLDEN=1 rewrites it instead
 * (review the diff before committing it).
 */
inline void expectGolden(const std::string &subdir, const std::string &name,
			 const std::string &actual)
{
	const char *dir = std::getenv("SLUICE_GOLDEN_DIR");
	if (!dir)
		GTEST_SKIP() << "SLUICE_GOLDEN_DIR is not set; run through meson test";

	const std::filesystem::path path = std::filesystem::path(dir) / subdir / name;
	const char *update = std::getenv("SLUICE_UPDATE_GOLDEN");
	if (update && std::string(update) == "1") {
		std::filesystem::create_directories(path.parent_path());
		std::ofstream(path, std::ios::binary) << actual;
		return;
	}

	std::ifstream in(path, std::ios::binary);
	ASSERT_TRUE(in) << path << " is missing; create it with SLUICE_UPDATE_GOLDEN=1";
	const std::string expected {std::istreambuf_iterator<char>(in), {}};
	EXPECT_EQ(actual, expected)
		<< "differs from " << path << "; SLUICE_UPDATE_GOLDEN=1 rewrites it";
}

} /* namespace sluice::test */
