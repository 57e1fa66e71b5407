/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Where cmafsink's output lives: an in-memory map of named resources that an application
 * serves with no disk I/O, and atomic file writes for the on-disk copy.
 */

#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <gst/gst.h>

#include "gref.h"

namespace sluice {

/*
 * Named resources (manifests, init and media segments). A resource is a GstBufferList whose
 * buffers, concatenated, are the file's bytes: a segment is its header plus references to the
 * very sample buffers that came in, so nothing is copied.
 */
class ResourceStore
{
public:
	void put(const std::string &name, GRef<GstBufferList> data);
	void putText(const std::string &name, std::string_view text);
	void remove(const std::string &name);
	/* A new reference to the resource, or an empty GRef when there is none. */
	GRef<GstBufferList> get(const std::string &name) const;
	void clear();

private:
	mutable std::mutex lock_; /* guards resources_; taken last, after the element's lock */
	std::map<std::string, GRef<GstBufferList>> resources_;
};

GRef<GstBufferList> bufferListFromBytes(std::string_view bytes);

/*
 * Writes a resource to dir/name through a temporary file and a rename, so a reader never sees
 * a partial file. Sample data is written straight from the buffers' memory (writev).
 */
bool writeFileAtomic(const std::string &dir, const std::string &name, GstBufferList *data,
		     std::string &error);
bool removeFile(const std::string &dir, const std::string &name);

} /* namespace sluice */
