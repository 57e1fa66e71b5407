/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HTTP request counters and latency histograms in Prometheus text format 0.0.4.
 */

#include "metrics.h"

#include <cstdio>

namespace sluice {

namespace {

std::string number(double value)
{
	char text[64];
	std::snprintf(text, sizeof(text), "%.9g", value);
	return text;
}

} /* namespace */

std::string prometheusLabel(std::string_view value)
{
	std::string out;
	for (char c : value) {
		if (c == '\\')
			out += "\\\\";
		else if (c == '"')
			out += "\\\"";
		else if (c == '\n')
			out += "\\n";
		else
			out += c;
	}
	return out;
}

void HttpMetrics::record(std::string_view route, std::string_view method, unsigned status,
			 double seconds)
{
	requests_[{std::string(route), std::string(method), status}]++;
	auto it = durations_.find(route);
	if (it == durations_.end())
		it = durations_.emplace(std::string(route), Histogram {}).first;
	Histogram &histogram = it->second;
	for (size_t i = 0; i < kBuckets.size(); i++) {
		if (seconds <= kBuckets[i])
			histogram.buckets[i]++;
	}
	histogram.count++;
	histogram.sum += seconds;
}

std::string HttpMetrics::render() const
{
	std::string out;
	out += "# HELP sluice_http_requests_total HTTP requests answered, by route pattern, "
	       "method and status code.\n";
	out += "# TYPE sluice_http_requests_total counter\n";
	for (const auto &[key, count] : requests_) {
		const auto &[route, method, code] = key;
		out += "sluice_http_requests_total{route=\"" + prometheusLabel(route)
			+ "\",method=\"" + prometheusLabel(method) + "\",code=\""
			+ std::to_string(code) + "\"} " + std::to_string(count) + "\n";
	}
	out += "# HELP sluice_http_request_duration_seconds Time from a request's headers to its "
	       "response, by route pattern.\n";
	out += "# TYPE sluice_http_request_duration_seconds histogram\n";
	for (const auto &[route, histogram] : durations_) {
		const std::string label = "route=\"" + prometheusLabel(route) + "\"";
		for (size_t i = 0; i < kBuckets.size(); i++)
			out += "sluice_http_request_duration_seconds_bucket{" + label + ",le=\""
				+ number(kBuckets[i]) + "\"} "
				+ std::to_string(histogram.buckets[i]) + "\n";
		out += "sluice_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} "
			+ std::to_string(histogram.count) + "\n";
		out += "sluice_http_request_duration_seconds_sum{" + label + "} "
			+ number(histogram.sum) + "\n";
		out += "sluice_http_request_duration_seconds_count{" + label + "} "
			+ std::to_string(histogram.count) + "\n";
	}
	return out;
}

} /* namespace sluice */
