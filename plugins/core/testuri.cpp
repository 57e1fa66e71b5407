/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * test:// URIs naming synthetic sources for demos and tests.
 */

#include "testuri.h"

#include <array>
#include <charconv>
#include <numeric>
#include <optional>
#include <utility>

namespace sluice {

namespace {

constexpr std::string_view kScheme = "test://";

/* URI name, videotestsrc nick. The nicks happen to match today; the table keeps them apart. */
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kPatterns = {{
	{"smpte", "smpte"},
	{"ball", "ball"},
	{"snow", "snow"},
	{"black", "black"},
	{"colors", "colors"},
}};

constexpr std::array<std::pair<std::string_view, TestVideoCodec>, 5> kVideoCodecs = {{
	{"h264", TestVideoCodec::H264},
	{"h265", TestVideoCodec::H265},
	{"vp9", TestVideoCodec::VP9},
	{"av1", TestVideoCodec::AV1},
	{"none", TestVideoCodec::None},
}};

constexpr std::array<std::pair<std::string_view, TestAudioCodec>, 3> kAudioCodecs = {{
	{"aac", TestAudioCodec::AAC},
	{"opus", TestAudioCodec::Opus},
	{"none", TestAudioCodec::None},
}};

constexpr uint32_t kMaxBitrateKbps = 1000000; /* 1 Gbit/s */

template <typename Table>
std::string choices(const Table &table)
{
	std::string out;
	for (const auto &[name, value] : table) {
		if (!out.empty())
			out += ", ";
		out += name;
	}
	return out;
}

std::string quoted(std::string_view s)
{
	return "\"" + std::string(s) + "\"";
}

std::optional<uint32_t> parseU32(std::string_view s)
{
	uint32_t v = 0;
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (s.empty() || ec != std::errc() || end != s.data() + s.size())
		return std::nullopt;
	return v;
}

bool fail(std::string &error, std::string message)
{
	error = "test://: " + std::move(message);
	return false;
}

bool parseDimension(std::string_view name, std::string_view value, uint32_t &out,
		    std::string &error)
{
	auto v = parseU32(value);
	if (!v || *v < 16 || *v > 7680 || *v % 2)
		return fail(error,
			    "bad " + std::string(name) + " " + quoted(value)
				    + " (even number 16..7680)");
	out = *v;
	return true;
}

bool parseFps(std::string_view value, TestSourceSpec &out, std::string &error)
{
	size_t slash = value.find('/');
	auto num = parseU32(value.substr(0, slash));
	std::optional<uint32_t> den = 1;
	if (slash != std::string_view::npos)
		den = parseU32(value.substr(slash + 1));
	/* 1 <= num/den <= 120, compared without dividing. */
	if (!num || !den || *den == 0 || *num < *den || uint64_t {*num} > uint64_t {*den} * 120)
		return fail(error,
			    "bad fps " + quoted(value)
				    + " (1..120, integer or fraction like 30000/1001)");
	uint32_t g = std::gcd(*num, *den);
	out.fpsNum = *num / g;
	out.fpsDen = *den / g;
	return true;
}

bool parseParameter(std::string_view name, std::string_view value, TestSourceSpec &out,
		    std::string &error)
{
	if (name == "codec") {
		for (const auto &[n, codec] : kVideoCodecs) {
			if (n == value) {
				out.codec = codec;
				return true;
			}
		}
		return fail(error,
			    "unknown codec " + quoted(value) + " (" + choices(kVideoCodecs) + ")");
	}
	if (name == "audio") {
		for (const auto &[n, codec] : kAudioCodecs) {
			if (n == value) {
				out.audio = codec;
				return true;
			}
		}
		return fail(error,
			    "unknown audio " + quoted(value) + " (" + choices(kAudioCodecs) + ")");
	}
	if (name == "width")
		return parseDimension(name, value, out.width, error);
	if (name == "height")
		return parseDimension(name, value, out.height, error);
	if (name == "fps")
		return parseFps(value, out, error);
	if (name == "bitrate") {
		auto v = parseU32(value);
		if (!v || *v > kMaxBitrateKbps)
			return fail(error,
				    "bad bitrate " + quoted(value) + " (kbit/s, 0.."
					    + std::to_string(kMaxBitrateKbps)
					    + ", 0 = encoder default)");
		out.bitrateKbps = *v;
		return true;
	}
	return fail(error,
		    "unknown parameter " + quoted(name)
			    + " (codec, width, height, fps, audio, bitrate)");
}

} /* namespace */

const char *testVideoCodecName(TestVideoCodec codec)
{
	for (const auto &[name, c] : kVideoCodecs) {
		if (c == codec)
			return name.data();
	}
	return "none";
}

const char *testAudioCodecName(TestAudioCodec codec)
{
	for (const auto &[name, c] : kAudioCodecs) {
		if (c == codec)
			return name.data();
	}
	return "none";
}

bool parseTestUri(std::string_view uri, TestSourceSpec &out, std::string &error)
{
	out = TestSourceSpec();
	error.clear();

	if (uri.substr(0, kScheme.size()) != kScheme)
		return fail(error, "not a test:// URI");
	uri.remove_prefix(kScheme.size());
	if (uri.find('%') != std::string_view::npos)
		return fail(error, "percent-encoding is not supported");

	size_t question = uri.find('?');
	std::string_view pattern = uri.substr(0, question);
	std::string_view query = question == std::string_view::npos ? std::string_view()
								    : uri.substr(question + 1);

	if (pattern.empty())
		pattern = "smpte";
	bool known = false;
	for (const auto &[name, nick] : kPatterns) {
		if (name == pattern) {
			out.pattern = std::string(name);
			out.videotestsrcPattern = std::string(nick);
			known = true;
		}
	}
	if (!known)
		return fail(error,
			    "unknown pattern " + quoted(pattern) + " (" + choices(kPatterns) + ")");

	/* Each parameter at most once: a bit per name in the order of parseParameter. */
	constexpr std::array<std::string_view, 6> kNames
		= {"codec", "width", "height", "fps", "audio", "bitrate"};
	unsigned seen = 0;
	while (!query.empty()) {
		size_t amp = query.find('&');
		std::string_view param = query.substr(0, amp);
		query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
		if (param.empty())
			continue;

		size_t eq = param.find('=');
		if (eq == std::string_view::npos)
			return fail(error, "parameter " + quoted(param) + " has no value");
		std::string_view name = param.substr(0, eq);
		std::string_view value = param.substr(eq + 1);
		for (size_t i = 0; i < kNames.size(); i++) {
			if (kNames[i] != name)
				continue;
			if (seen & (1u << i))
				return fail(error, "parameter " + quoted(name) + " given twice");
			seen |= 1u << i;
		}
		if (!parseParameter(name, value, out, error))
			return false;
	}
	return true;
}

std::string testUriFor(const TestSourceSpec &spec)
{
	const TestSourceSpec defaults;
	std::string query;
	auto add = [&](std::string_view name, const std::string &value) {
		query += query.empty() ? '?' : '&';
		query += name;
		query += '=';
		query += value;
	};

	if (spec.codec != defaults.codec)
		add("codec", testVideoCodecName(spec.codec));
	if (spec.width != defaults.width)
		add("width", std::to_string(spec.width));
	if (spec.height != defaults.height)
		add("height", std::to_string(spec.height));
	if (spec.fpsNum != defaults.fpsNum || spec.fpsDen != defaults.fpsDen)
		add("fps",
		    spec.fpsDen == 1
			    ? std::to_string(spec.fpsNum)
			    : std::to_string(spec.fpsNum) + "/" + std::to_string(spec.fpsDen));
	if (spec.audio != defaults.audio)
		add("audio", testAudioCodecName(spec.audio));
	if (spec.bitrateKbps != defaults.bitrateKbps)
		add("bitrate", std::to_string(spec.bitrateKbps));

	return std::string(kScheme) + spec.pattern + query;
}

} /* namespace sluice */
