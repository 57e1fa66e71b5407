/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Replays fuzz corpora through a libFuzzer entry point without libFuzzer, so that every build
 * (gcc included) re-runs the seeds and past crashers as a regular test.
 */

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace fs = std::filesystem;

static void runOne(const fs::path &path)
{
	std::ifstream in(path, std::ios::binary);
	std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), {});
	LLVMFuzzerTestOneInput(data.data(), data.size());
}

int main(int argc, char **argv)
{
	size_t count = 0;
	for (int i = 1; i < argc; i++) {
		fs::path arg(argv[i]);
		std::error_code ec;
		if (fs::is_directory(arg, ec)) {
			for (const auto &entry : fs::recursive_directory_iterator(arg)) {
				if (entry.is_regular_file()) {
					runOne(entry.path());
					count++;
				}
			}
		} else if (fs::is_regular_file(arg, ec)) {
			runOne(arg);
			count++;
		} else {
			std::fprintf(stderr, "%s: not a file or directory\n", argv[i]);
			return 1;
		}
	}
	std::printf("replayed %zu inputs\n", count);
	return count > 0 ? 0 : 1;
}
