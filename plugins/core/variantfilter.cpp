/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Narrowing an HLS multivariant playlist or a DASH MPD to the one video variant a relay reads.
 */

#include "variantfilter.h"

#include <algorithm>

namespace sluice {

namespace {

/* The line starting at pos, without its line end; next is where the following line starts. */
std::string_view lineAt(std::string_view text, size_t pos, size_t &next)
{
	size_t end = text.find_first_of("\r\n", pos);
	if (end == std::string_view::npos) {
		next = text.size();
		return text.substr(pos);
	}
	next = end + 1;
	if (text[end] == '\r' && next < text.size() && text[next] == '\n')
		next++;
	return text.substr(pos, end - pos);
}

bool startsWith(std::string_view text, std::string_view prefix)
{
	return text.substr(0, prefix.size()) == prefix;
}

std::string_view trimmed(std::string_view s)
{
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
		s.remove_suffix(1);
	return s;
}

/* The value of attribute name in an XML start tag's text, unescaped quotes only. */
std::optional<std::string_view> xmlAttribute(std::string_view tag, std::string_view name)
{
	size_t pos = 0;
	while ((pos = tag.find(name, pos)) != std::string_view::npos) {
		const bool boundary = pos > 0
			&& (tag[pos - 1] == ' ' || tag[pos - 1] == '\t' || tag[pos - 1] == '\n'
			    || tag[pos - 1] == '\r');
		size_t at = pos + name.size();
		while (at < tag.size() && (tag[at] == ' ' || tag[at] == '\t'))
			at++;
		if (boundary && at < tag.size() && tag[at] == '=') {
			at++;
			while (at < tag.size() && (tag[at] == ' ' || tag[at] == '\t'))
				at++;
			if (at < tag.size() && (tag[at] == '"' || tag[at] == '\'')) {
				size_t close = tag.find(tag[at], at + 1);
				if (close == std::string_view::npos)
					return std::nullopt;
				return tag.substr(at + 1, close - at - 1);
			}
			return std::nullopt;
		}
		pos = at;
	}
	return std::nullopt;
}

} /* namespace */

std::optional<std::string> keepOnlyHlsVariant(std::string_view playlist, size_t index)
{
	std::string out;
	out.reserve(playlist.size());
	size_t pos = 0;
	size_t variant = 0;
	bool found = false;
	/* After a kept or dropped EXT-X-STREAM-INF: its URI line follows the next tags. */
	enum class Pending {
		None,
		Keep,
		Drop
	} pending = Pending::None;
	while (pos < playlist.size()) {
		size_t next;
		std::string_view line = lineAt(playlist, pos, next);
		std::string_view text = trimmed(line);
		bool keep = true;
		if (startsWith(text, "#EXT-X-STREAM-INF:")) {
			pending = variant++ == index ? Pending::Keep : Pending::Drop;
			found |= pending == Pending::Keep;
			keep = pending == Pending::Keep;
		} else if (startsWith(text, "#EXT-X-I-FRAME-STREAM-INF:")) {
			keep = false;
		} else if (pending != Pending::None && !text.empty() && text[0] != '#') {
			keep = pending == Pending::Keep;
			pending = Pending::None;
		} else if (pending == Pending::Drop && startsWith(text, "#")) {
			/* Tags between a dropped variant and its URI belong to it. */
			keep = !startsWith(text, "#EXT");
		}
		if (keep)
			out.append(playlist.substr(pos, next - pos));
		pos = next;
	}
	if (!found)
		return std::nullopt;
	return out;
}

std::optional<std::string> removeMpdRepresentations(std::string_view mpd,
						    const std::vector<std::string> &remove)
{
	std::string out;
	out.reserve(mpd.size());
	size_t copied = 0;
	std::vector<bool> seen(remove.size(), false);
	size_t pos = 0;
	constexpr std::string_view kOpen = "<Representation";
	constexpr std::string_view kClose = "</Representation>";
	while ((pos = mpd.find(kOpen, pos)) != std::string_view::npos) {
		size_t after = pos + kOpen.size();
		if (after >= mpd.size())
			break;
		const char c = mpd[after];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '>' && c != '/') {
			pos = after; /* <RepresentationIndex>, ... */
			continue;
		}
		size_t tagEnd = mpd.find('>', after);
		if (tagEnd == std::string_view::npos)
			return std::nullopt;
		std::string_view tag = mpd.substr(pos, tagEnd + 1 - pos);
		std::optional<std::string_view> id = xmlAttribute(tag, "id");
		auto which = id ? std::find(remove.begin(), remove.end(), *id) : remove.end();
		if (which == remove.end()) {
			pos = tagEnd + 1;
			continue;
		}
		seen[which - remove.begin()] = true;
		size_t end;
		if (tagEnd > 0 && mpd[tagEnd - 1] == '/') {
			end = tagEnd + 1;
		} else {
			size_t close = mpd.find(kClose, tagEnd);
			if (close == std::string_view::npos)
				return std::nullopt;
			end = close + kClose.size();
		}
		/* The element's own line goes with it when it is alone there. */
		size_t lineStart = mpd.rfind('\n', pos);
		lineStart = lineStart == std::string_view::npos ? 0 : lineStart + 1;
		if (trimmed(mpd.substr(lineStart, pos - lineStart)).empty()) {
			size_t lineEnd = mpd.find('\n', end);
			if (lineEnd != std::string_view::npos
			    && trimmed(mpd.substr(end, lineEnd - end)).find_first_not_of("\r")
				    == std::string_view::npos) {
				pos = lineStart;
				end = lineEnd + 1;
			}
		}
		out.append(mpd.substr(copied, pos - copied));
		copied = end;
		pos = end;
	}
	if (std::find(seen.begin(), seen.end(), false) != seen.end())
		return std::nullopt;
	out.append(mpd.substr(copied));
	return out;
}

} /* namespace sluice */
