/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc's isolated reader: a bin that runs sluice-ingest for one URI and exposes the
 * streams it writes back, with their caps, segments and timestamps, as its own pads.
 */

#pragma once

#include <functional>
#include <string>

#include <gst/gst.h>

namespace sluice::smartsrc {

/* What the child reads and how. */
struct IngestSpec {
	std::string helper; /* path of sluice-ingest */
	std::string uri;
	std::string userAgent;
	std::string extraHeaders; /* a GstStructure as text; empty for none */
	std::string variantPolicy; /* nick of smartsrc's variant-policy */
	guint64 maxBitrate = 0;
	guint maxHeight = 0;
};

/*
 * Called on the bin's reader thread with the child's smartsrc-classified structure, before
 * the bin says no-more-pads.
 */
using IngestFindings = std::function<void(const GstStructure *classification)>;

/*
 * A bin (no factory: smartsrc creates it) that starts the child on READY→PAUSED and kills it
 * on PAUSED→READY. Its pads come with "pad-added" and end with "no-more-pads", like
 * urisourcebin's; a child that dies, crashed or not, posts an ERROR naming how it ended.
 */
GstElement *ingestBinNew(IngestSpec spec, IngestFindings findings);

/* The default helper: $SLUICE_INGEST_HELPER, else the installed one. */
std::string defaultIngestHelper();

/* The child's process id while it runs, else 0 (for tests and logs). */
GPid ingestBinPid(GstElement *bin);

} /* namespace sluice::smartsrc */
