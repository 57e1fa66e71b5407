/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A scratch output directory per test and small readers for what cmafsink left in it.
 */

#pragma once

#include <string>
#include <vector>

namespace sluice::test {

/* A fresh directory under $TMPDIR; removed on destruction unless keep() was called. */
class OutputDir
{
public:
	explicit OutputDir(const char *prefix);
	~OutputDir();

	OutputDir(const OutputDir &) = delete;
	OutputDir &operator=(const OutputDir &) = delete;

	const std::string &path() const { return path_; }
	std::string file(const std::string &name) const { return path_ + "/" + name; }
	/* Leaves the directory behind for a post-mortem. */
	void keep() { keep_ = true; }

private:
	std::string path_;
	bool keep_ = false;
};

/* The whole file, or empty when it cannot be read. */
std::string readText(const std::string &path);
bool fileExists(const std::string &path);
/* Names (not paths) of the directory's entries, sorted. */
std::vector<std::string> listDir(const std::string &path);
/* Lines of text that start with prefix. */
std::vector<std::string> linesStartingWith(const std::string &text, const std::string &prefix);

} /* namespace sluice::test */
