/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The running children of a process with a given name, from /proc: the tests' way to find
 * smartsrc's sluice-ingest readers (of this process, or of a sluiced).
 */

#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <glib.h>

namespace sluice::test {

/* Process ids of parent's children named comm (as /proc/PID/stat has it), zombies left out. */
inline std::vector<int> childProcesses(int parent, const char *comm)
{
	std::vector<int> pids;
	g_autoptr(GDir) proc = parent > 0 ? g_dir_open("/proc", 0, nullptr) : nullptr;
	const std::string name = std::string("(") + comm + ")";
	while (const char *entry = proc ? g_dir_read_name(proc) : nullptr) {
		const int child = atoi(entry);
		g_autofree char *path = g_strdup_printf("/proc/%d/stat", child);
		g_autofree char *stat = nullptr;
		if (child <= 0 || !g_file_get_contents(path, &stat, nullptr, nullptr))
			continue;
		/* pid (comm) state ppid ... */
		const char *close = strrchr(stat, ')');
		char state = 0;
		int ppid = 0;
		if (close && sscanf(close + 1, " %c %d", &state, &ppid) == 2 && ppid == parent
		    && state != 'Z' && strstr(stat, name.c_str()))
			pids.push_back(child);
	}
	return pids;
}

} /* namespace sluice::test */
