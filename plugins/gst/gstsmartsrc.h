/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc: reads any channel source, classifies it and delivers its parsed streams.
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_SMART_SRC (gst_smart_src_get_type())
G_DECLARE_FINAL_TYPE(GstSmartSrc, gst_smart_src, GST, SMART_SRC, GstBin)

typedef enum {
	GST_SMART_SRC_VARIANT_HIGHEST,
	GST_SMART_SRC_VARIANT_LOWEST,
	GST_SMART_SRC_VARIANT_BEST,
} GstSmartSrcVariantPolicy;

#define GST_TYPE_SMART_SRC_VARIANT_POLICY (gst_smart_src_variant_policy_get_type())
GType gst_smart_src_variant_policy_get_type(void);

typedef enum {
	GST_SMART_SRC_MODE_PARSED,
	GST_SMART_SRC_MODE_RAW,
} GstSmartSrcMode;

#define GST_TYPE_SMART_SRC_MODE (gst_smart_src_mode_get_type())
GType gst_smart_src_mode_get_type(void);

GST_ELEMENT_REGISTER_DECLARE(smartsrc);

G_END_DECLS
