/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The sluice GStreamer plugin.
 */

#include <gst/gst.h>

#include "gstcmafsink.h"
#include "gstsmartsrc.h"

static gboolean plugin_init(GstPlugin *plugin)
{
	gboolean ok = GST_ELEMENT_REGISTER(cmafsink, plugin);
	ok |= GST_ELEMENT_REGISTER(smartsrc, plugin);
	return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, sluice,
		  "Sluice live-TV relay: source classification and CMAF packaging for HLS and DASH",
		  plugin_init, VERSION, "LGPL", "Sluice", "https://sluice.invalid/")
