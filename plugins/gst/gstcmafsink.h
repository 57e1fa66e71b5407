/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * cmafsink: cuts elementary streams into one CMAF segment set served as HLS v7 and DASH.
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_CMAF_SINK (gst_cmaf_sink_get_type())
G_DECLARE_FINAL_TYPE(GstCmafSink, gst_cmaf_sink, GST, CMAF_SINK, GstElement)

typedef enum {
	GST_CMAF_SINK_PLAYLIST_LIVE,
	GST_CMAF_SINK_PLAYLIST_VOD,
} GstCmafSinkPlaylistType;

#define GST_TYPE_CMAF_SINK_PLAYLIST_TYPE (gst_cmaf_sink_playlist_type_get_type())
GType gst_cmaf_sink_playlist_type_get_type(void);

GST_ELEMENT_REGISTER_DECLARE(cmafsink);

G_END_DECLS
