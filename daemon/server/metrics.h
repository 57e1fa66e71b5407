/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HTTP request counters and latency histograms, rendered in Prometheus text format 0.0.4.
 */

#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

namespace sluice {

/*
 * Per route pattern (not raw path, so ids do not explode the label set), method and status.
 * Main thread only, like the server that feeds it.
 */
class HttpMetrics
{
public:
	/* Upper bounds of the latency buckets, in seconds (+Inf is implied). */
	static constexpr std::array<double, 10> kBuckets
		= {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

	void record(std::string_view route, std::string_view method, unsigned status,
		    double seconds);

	/*
	 * sluice_http_requests_total{route,method,code} and
	 * sluice_http_request_duration_seconds{route} with # HELP and # TYPE lines.
	 */
	std::string render() const;

private:
	struct Histogram {
		std::array<uint64_t, kBuckets.size()> buckets {};
		uint64_t count = 0;
		double sum = 0;
	};

	std::map<std::tuple<std::string, std::string, unsigned>, uint64_t> requests_;
	std::map<std::string, Histogram, std::less<>> durations_;
};

/* A label value escaped for the text format: backslash, double quote and newline. */
std::string prometheusLabel(std::string_view value);

} /* namespace sluice */
