/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * One owning smart pointer over GStreamer refcounting (mini objects and GstObjects).
 */

#pragma once

#include <utility>

#include <gst/gst.h>

namespace sluice {

template <typename T>
struct GRefTraits;

template <>
struct GRefTraits<GstBuffer> {
	static GstBuffer *ref(GstBuffer *p) { return gst_buffer_ref(p); }
	static void unref(GstBuffer *p) { gst_buffer_unref(p); }
};

template <>
struct GRefTraits<GstBufferList> {
	static GstBufferList *ref(GstBufferList *p) { return gst_buffer_list_ref(p); }
	static void unref(GstBufferList *p) { gst_buffer_list_unref(p); }
};

/*
 * GRef<T> owns one reference. adopt() takes over a reference the caller owns (transfer full);
 * the constructor from a raw pointer takes a new one (transfer none).
 */
template <typename T>
class GRef
{
public:
	GRef() = default;
	explicit GRef(T *p) : ptr_(p ? GRefTraits<T>::ref(p) : nullptr) { }
	GRef(const GRef &other) : GRef(other.ptr_) { }
	GRef(GRef &&other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) { }
	~GRef() { reset(); }

	GRef &operator=(GRef other) noexcept
	{
		std::swap(ptr_, other.ptr_);
		return *this;
	}

	static GRef adopt(T *p)
	{
		GRef r;
		r.ptr_ = p;
		return r;
	}

	void reset()
	{
		if (ptr_)
			GRefTraits<T>::unref(std::exchange(ptr_, nullptr));
	}
	/* Gives the reference away (transfer full). */
	T *release() { return std::exchange(ptr_, nullptr); }

	T *get() const { return ptr_; }
	explicit operator bool() const { return ptr_ != nullptr; }

private:
	T *ptr_ = nullptr;
};

} /* namespace sluice */
