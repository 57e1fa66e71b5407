/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * cmafsink's memory into a libsoup response body without a copy.
 */

#pragma once

#include <cstdint>
#include <string>

#include <gst/gst.h>
#include <libsoup/soup.h>

namespace sluice {

/*
 * Appends every buffer of list to body as a GBytes over the buffer's mapped memory; each
 * keeps a reference on its buffer until libsoup is done with it. Returns the bytes appended.
 */
uint64_t appendBufferList(SoupMessageBody *body, GstBufferList *list);

/* A GBytes over buffer's mapped memory, holding a reference on it; null when it cannot map. */
GBytes *bufferBytes(GstBuffer *buffer);

/* The buffers' bytes, copied: for manifests, which are rewritten. */
std::string bufferListText(GstBufferList *list);

} /* namespace sluice */
