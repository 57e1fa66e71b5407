/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What the stream URLs do to cmafsink's manifests and resource names.
 */

#include "manifests.h"

#include <algorithm>

namespace sluice {

namespace {

bool isRelative(std::string_view uri)
{
	if (uri.empty() || uri.front() == '/')
		return false;
	const size_t colon = uri.find(':');
	const size_t slash = uri.find('/');
	return colon == std::string_view::npos
		|| (slash != std::string_view::npos && slash < colon);
}

std::string prefixAttributes(std::string_view line, std::string_view prefix)
{
	std::string out;
	size_t pos = 0;
	for (;;) {
		const size_t found = line.find("URI=\"", pos);
		if (found == std::string_view::npos)
			break;
		const size_t start = found + 5;
		out.append(line.substr(pos, start - pos));
		const size_t end = line.find('"', start);
		if (end == std::string_view::npos) {
			pos = start;
			break;
		}
		if (isRelative(line.substr(start, end - start)))
			out.append(prefix);
		out.append(line.substr(start, end - start));
		pos = end;
	}
	out.append(line.substr(pos));
	return out;
}

} /* namespace */

std::string rewriteMultivariant(std::string_view playlist, std::string_view prefix)
{
	std::string out;
	out.reserve(playlist.size() + 256);
	size_t pos = 0;
	while (pos < playlist.size()) {
		size_t end = playlist.find('\n', pos);
		if (end == std::string_view::npos)
			end = playlist.size();
		std::string_view line = playlist.substr(pos, end - pos);
		std::string_view content = line;
		if (!content.empty() && content.back() == '\r')
			content.remove_suffix(1);
		if (content.starts_with("#"))
			out.append(prefixAttributes(line, prefix));
		else if (isRelative(content))
			out.append(prefix).append(line);
		else
			out.append(line);
		if (end < playlist.size())
			out.push_back('\n');
		pos = end + 1;
	}
	return out;
}

bool isResourceName(std::string_view name)
{
	if (name.empty() || name.size() > 128 || name.find("..") != std::string_view::npos)
		return false;
	return std::all_of(name.begin(), name.end(), [](unsigned char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			|| c == '.' || c == '-' || c == '_';
	});
}

std::string_view resourceContentType(std::string_view name)
{
	if (name.ends_with(".m3u8"))
		return "application/vnd.apple.mpegurl";
	if (name.ends_with(".mpd"))
		return "application/dash+xml";
	if (name.ends_with(".m4s"))
		return "video/iso.segment";
	if (name.ends_with(".mp4"))
		return "video/mp4";
	return "";
}

bool isManifestName(std::string_view name)
{
	return name.ends_with(".m3u8") || name.ends_with(".mpd");
}

std::optional<SegmentName> parseMediaSegmentName(std::string_view name)
{
	if (!name.ends_with(".m4s"))
		return std::nullopt;
	name.remove_suffix(4);
	const size_t dash = name.rfind('-');
	if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()
	    || name.size() - dash - 1 > 19)
		return std::nullopt;
	std::string_view digits = name.substr(dash + 1);
	const bool byTime = digits.front() == 't';
	if (byTime)
		digits.remove_prefix(1);
	if (digits.empty())
		return std::nullopt;
	uint64_t number = 0;
	for (char c : digits) {
		if (c < '0' || c > '9')
			return std::nullopt;
		number = number * 10 + static_cast<uint64_t>(c - '0');
	}
	return SegmentName {std::string(name.substr(0, dash)), number, byTime};
}

} /* namespace sluice */
