/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The synthetic source behind test:// URIs.
 */

#pragma once

#include <string>

#include <gst/gst.h>

#include "testuri.h"

namespace sluice {

/*
 * A bin with a live test pattern (clock overlay) and a tone, encoded and parsed as the spec
 * asks, with one src pad per stream ("vout", "aout"). nullptr with error set on failure.
 */
GstElement *buildTestSource(const TestSourceSpec &spec, std::string &error);

} /* namespace sluice */
