/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * In-memory resources and atomic, zero-copy file writes for cmafsink.
 */

#include "cmafstore.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <glib/gstdio.h>

namespace sluice {

void ResourceStore::put(const std::string &name, GRef<GstBufferList> data)
{
	std::lock_guard<std::mutex> locker(lock_);
	resources_[name] = std::move(data);
}

void ResourceStore::putText(const std::string &name, std::string_view text)
{
	put(name, bufferListFromBytes(text));
}

void ResourceStore::remove(const std::string &name)
{
	std::lock_guard<std::mutex> locker(lock_);
	resources_.erase(name);
}

GRef<GstBufferList> ResourceStore::get(const std::string &name) const
{
	std::lock_guard<std::mutex> locker(lock_);
	auto it = resources_.find(name);
	return it == resources_.end() ? GRef<GstBufferList>() : it->second;
}

void ResourceStore::clear()
{
	std::lock_guard<std::mutex> locker(lock_);
	resources_.clear();
}

GRef<GstBufferList> bufferListFromBytes(std::string_view bytes)
{
	GstBufferList *list = gst_buffer_list_new_sized(1);
	gst_buffer_list_add(list, gst_buffer_new_memdup(bytes.data(), bytes.size()));
	return GRef<GstBufferList>::adopt(list);
}

namespace {

/* Maps every memory of every buffer and writes them with as few writev() calls as possible. */
class MemoryWriter
{
public:
	~MemoryWriter()
	{
		for (auto &[memory, info] : mapped_)
			gst_memory_unmap(memory, &info);
	}

	bool write(int fd, GstBufferList *list)
	{
		guint n = gst_buffer_list_length(list);
		for (guint i = 0; i < n; i++) {
			GstBuffer *buffer = gst_buffer_list_get(list, i);
			guint memories = gst_buffer_n_memory(buffer);
			for (guint m = 0; m < memories; m++) {
				GstMemory *memory = gst_buffer_peek_memory(buffer, m);
				GstMapInfo info;
				if (!gst_memory_map(memory, &info, GST_MAP_READ))
					return false;
				mapped_.emplace_back(memory, info);
				if (info.size)
					iov_.push_back({info.data, info.size});
			}
		}
		return writeAll(fd);
	}

private:
	bool writeAll(int fd)
	{
		size_t first = 0;
		while (first < iov_.size()) {
			int count
				= static_cast<int>(std::min<size_t>(iov_.size() - first, IOV_MAX));
			ssize_t written = ::writev(fd, &iov_[first], count);
			if (written < 0) {
				if (errno == EINTR)
					continue;
				return false;
			}
			/* Skip what was written; a short write leaves a partial iovec. */
			size_t left = static_cast<size_t>(written);
			while (first < iov_.size() && left >= iov_[first].iov_len)
				left -= iov_[first++].iov_len;
			if (left) {
				iov_[first].iov_base
					= static_cast<uint8_t *>(iov_[first].iov_base) + left;
				iov_[first].iov_len -= left;
			}
		}
		return true;
	}

	std::vector<std::pair<GstMemory *, GstMapInfo>> mapped_;
	std::vector<iovec> iov_;
};

} /* namespace */

bool writeFileAtomic(const std::string &dir, const std::string &name, GstBufferList *data,
		     std::string &error)
{
	std::string path = dir + "/" + name;
	std::string temp = dir + "/." + name + ".tmp";

	int fd = g_open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error = "could not create \"" + temp + "\": " + g_strerror(errno);
		return false;
	}

	bool ok = MemoryWriter().write(fd, data);
	int saved = errno;
	if (::close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		error = "could not write \"" + temp + "\": " + g_strerror(saved);
		g_unlink(temp.c_str());
		return false;
	}
	if (g_rename(temp.c_str(), path.c_str()) != 0) {
		error = "could not rename \"" + temp + "\" to \"" + path
			+ "\": " + g_strerror(errno);
		g_unlink(temp.c_str());
		return false;
	}
	return true;
}

bool removeFile(const std::string &dir, const std::string &name)
{
	return g_unlink((dir + "/" + name).c_str()) == 0;
}

} /* namespace sluice */
