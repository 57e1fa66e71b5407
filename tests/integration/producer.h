/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Running a producing pipeline (sources, encoders, cmafsink) in the test process to EOS.
 */

#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sluice::test {

/* The fields of one cmafsink-segment-added element message. */
struct SegmentAdded {
	std::string track; /* "video_0" */
	std::string name; /* "video_0-3.m4s" */
	std::string location; /* full path, empty in memory-only mode */
	uint64_t number = 0;
	uint64_t period = 0;
	uint64_t start = 0; /* ns */
	uint64_t duration = 0; /* ns */
	uint64_t size = 0; /* bytes */
};

struct ProducerResult {
	bool reachedEos = false;
	std::string error; /* ERROR message with debug info, parse error, or timeout */
	std::vector<std::string> warnings;
	std::vector<SegmentAdded> segments;
	double wallSeconds = 0;

	std::vector<SegmentAdded> segmentsOf(const std::string &track) const;
};

/*
 * gst_parse_launch()es description, plays it until EOS, an ERROR or timeoutSeconds, and
 * returns every cmafsink-segment-added message seen. onSegment, when given, is called for
 * each one on the calling thread as it arrives (the pipeline keeps running meanwhile).
 */
ProducerResult runProducer(const std::string &description, unsigned timeoutSeconds,
			   const std::function<void(const SegmentAdded &)> &onSegment = {});

/* Calls gst_init() once; false when the element factory is not available. */
bool haveElement(const char *factory);

} /* namespace sluice::test */
