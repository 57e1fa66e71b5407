/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The sluice GStreamer plugin.
 */

#include <gst/gst.h>

#include "gstcmafsink.h"

static gboolean plugin_init(GstPlugin *plugin)
{
	return GST_ELEMENT_REGISTER(cmafsink, plugin);
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, sluice,
		  "Sluice live-TV relay: CMAF packaging for HLS and DASH", plugin_init, VERSION,
		  "LGPL", "Sluice", "https://sluice.invalid/")
