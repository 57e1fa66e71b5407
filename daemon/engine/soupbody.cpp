/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * cmafsink's memory into a libsoup response body without a copy.
 */

#include "soupbody.h"

namespace sluice {

namespace {

/* A mapped buffer kept alive for as long as libsoup holds the GBytes that points into it. */
struct MappedBuffer {
	GstBuffer *buffer;
	GstMapInfo map;

	static void release(gpointer data)
	{
		auto *self = static_cast<MappedBuffer *>(data);
		gst_buffer_unmap(self->buffer, &self->map);
		gst_buffer_unref(self->buffer);
		delete self;
	}
};

} /* namespace */

GBytes *bufferBytes(GstBuffer *buffer)
{
	auto *mapped = new MappedBuffer {gst_buffer_ref(buffer), {}};
	if (!gst_buffer_map(mapped->buffer, &mapped->map, GST_MAP_READ)) {
		gst_buffer_unref(mapped->buffer);
		delete mapped;
		return nullptr;
	}
	return g_bytes_new_with_free_func(mapped->map.data, mapped->map.size, MappedBuffer::release,
					  mapped);
}

uint64_t appendBufferList(SoupMessageBody *body, GstBufferList *list)
{
	uint64_t total = 0;
	for (guint i = 0; i < gst_buffer_list_length(list); i++) {
		GBytes *bytes = bufferBytes(gst_buffer_list_get(list, i));
		if (!bytes)
			continue;
		total += g_bytes_get_size(bytes);
		soup_message_body_append_bytes(body, bytes);
		g_bytes_unref(bytes);
	}
	return total;
}

std::string bufferListText(GstBufferList *list)
{
	std::string text;
	for (guint i = 0; i < gst_buffer_list_length(list); i++) {
		GstBuffer *buffer = gst_buffer_list_get(list, i);
		GstMapInfo map;
		if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
			continue;
		text.append(reinterpret_cast<const char *>(map.data), map.size);
		gst_buffer_unmap(buffer, &map);
	}
	return text;
}

} /* namespace sluice */
