/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Narrowing an HLS multivariant playlist or a DASH MPD to the one video variant a relay reads.
 */

#include "variantfilter.h"

#include <algorithm>
#include <charconv>

#include "xmlreader.h"

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

/* Where the next start tag of element name (unprefixed) begins, at or after pos; npos when
 * there is none. */
size_t findStartTag(std::string_view xml, std::string_view name, size_t pos)
{
	for (; (pos = xml.find('<', pos)) != std::string_view::npos; pos++) {
		const size_t after = pos + 1 + name.size();
		if (after < xml.size() && xml.substr(pos + 1, name.size()) == name
		    && (xml[after] == ' ' || xml[after] == '\t' || xml[after] == '\n'
			|| xml[after] == '\r' || xml[after] == '>' || xml[after] == '/'))
			return pos;
	}
	return std::string_view::npos;
}

std::optional<uint64_t> parseUnsigned(std::optional<std::string_view> text)
{
	if (!text || text->empty())
		return std::nullopt;
	uint64_t value = 0;
	auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
	if (error != std::errc() || end != text->data() + text->size())
		return std::nullopt;
	return value;
}

bool isAbsoluteUrl(std::string_view url)
{
	const size_t colon = url.find(':');
	if (colon == std::string_view::npos || colon == 0)
		return false;
	return std::all_of(url.begin(), url.begin() + colon, [](char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			|| c == '+' || c == '-' || c == '.';
	});
}

/* Where a relative URL resolves from: url up to its last '/' before any query. */
std::string_view directoryOf(std::string_view url)
{
	const size_t query = url.find_first_of("?#");
	const size_t slash = url.substr(0, query).rfind('/');
	return slash == std::string_view::npos ? url : url.substr(0, slash + 1);
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

std::string anchorLiveMpd(std::string_view mpd, std::string_view mpdUrl)
{
	struct Edit {
		size_t at;
		size_t length; /* replaced */
		std::string text;
	};
	std::vector<Edit> edits;

	const size_t mpdTag = findStartTag(mpd, "MPD", 0);
	if (mpdTag == std::string_view::npos)
		return std::string(mpd);
	const size_t mpdTagEnd = mpd.find('>', mpdTag);
	if (mpdTagEnd == std::string_view::npos)
		return std::string(mpd);
	const std::string_view mpdStart = mpd.substr(mpdTag, mpdTagEnd + 1 - mpdTag);

	/* The MPD's own BaseURL made absolute, or one added: the MPD is no longer served from
	 * where its relative URLs resolve. */
	const size_t firstPeriod = findStartTag(mpd, "Period", mpdTagEnd);
	const size_t baseTag = findStartTag(mpd, "BaseURL", mpdTagEnd);
	if (baseTag != std::string_view::npos && baseTag < firstPeriod) {
		const size_t textStart = mpd.find('>', baseTag);
		const size_t textEnd = mpd.find("</BaseURL>", baseTag);
		if (textStart == std::string_view::npos || textEnd == std::string_view::npos
		    || textEnd < textStart)
			return std::string(mpd);
		const std::string_view base
			= trimmed(mpd.substr(textStart + 1, textEnd - textStart - 1));
		if (!isAbsoluteUrl(base)) {
			/* The document's text is escaped already; only what is added needs it. */
			std::string_view prefix = directoryOf(mpdUrl);
			if (!base.empty() && base.front() == '/') {
				const size_t scheme = mpdUrl.find("://");
				const size_t hostEnd = scheme == std::string_view::npos
					? std::string_view::npos
					: mpdUrl.find('/', scheme + 3);
				prefix = mpdUrl.substr(0, hostEnd);
			}
			edits.push_back({textStart + 1, textEnd - textStart - 1,
					 xmlEscape(prefix) + std::string(base)});
		}
	} else {
		edits.push_back({mpdTagEnd + 1, 0,
				 "<BaseURL>" + xmlEscape(directoryOf(mpdUrl)) + "</BaseURL>"});
	}

	/* Timelines only matter to a live MPD's seeks. */
	std::optional<std::string_view> type = xmlAttribute(mpdStart, "type");
	const bool dynamic = type && *type == "dynamic";
	const bool anyOffset = mpd.find("presentationTimeOffset") != std::string_view::npos;
	/* The SegmentTemplate a timeline is in: the last one that starts before it. */
	size_t lastTemplate = std::string_view::npos;
	size_t nextTemplate = findStartTag(mpd, "SegmentTemplate", 0);
	size_t anchoredTemplate = std::string_view::npos; /* whose timeline was looked at */
	size_t lastFirstS = std::string_view::npos;
	for (size_t timeline
	     = dynamic ? findStartTag(mpd, "SegmentTimeline", 0) : std::string_view::npos;
	     timeline != std::string_view::npos;
	     timeline = findStartTag(mpd, "SegmentTimeline", timeline + 1)) {
		while (nextTemplate != std::string_view::npos && nextTemplate < timeline) {
			lastTemplate = nextTemplate;
			nextTemplate = findStartTag(mpd, "SegmentTemplate", nextTemplate + 1);
		}
		const size_t templ = lastTemplate;
		if (templ == anchoredTemplate)
			continue; /* one timeline per template: the first decides */
		anchoredTemplate = templ;
		if (templ == std::string_view::npos)
			continue; /* a SegmentList's timeline: no numbers to keep */
		const size_t templEnd = mpd.find('>', templ);
		const size_t firstS = findStartTag(mpd, "S", timeline);
		const size_t timelineEnd = mpd.find("</SegmentTimeline>", timeline);
		if (templEnd == std::string_view::npos || firstS == std::string_view::npos
		    || timelineEnd == std::string_view::npos || firstS > timelineEnd
		    || (lastFirstS != std::string_view::npos && firstS <= lastFirstS))
			continue; /* malformed: no S of its own */
		lastFirstS = firstS;
		const std::string_view templTag = mpd.substr(templ, templEnd + 1 - templ);
		/* Not inside that template: it closed before, or a SegmentList holds the timeline.
		 */
		if (templTag.ends_with("/>")
		    || mpd.substr(templ, timeline - templ).find("</SegmentTemplate>")
			    != std::string_view::npos
		    || findStartTag(mpd, "SegmentList", templ) < timeline)
			continue;
		const size_t sEnd = mpd.find('>', firstS);
		if (sEnd == std::string_view::npos)
			continue;
		const std::string_view sTag = mpd.substr(firstS, sEnd + 1 - firstS);

		/* An offset inherited from another SegmentTemplate is not followed: left alone. */
		std::optional<std::string_view> offsetText
			= xmlAttribute(templTag, "presentationTimeOffset");
		if (!offsetText && anyOffset)
			continue;
		std::optional<uint64_t> offset = offsetText ? parseUnsigned(offsetText) : 0;
		std::optional<uint64_t> t = parseUnsigned(xmlAttribute(sTag, "t"));
		std::optional<std::string_view> numberText = xmlAttribute(templTag, "startNumber");
		std::optional<uint64_t> number = numberText ? parseUnsigned(numberText) : 1;
		if (!offset || !t || !number || *t <= *offset || *number == 0)
			continue;

		/* One segment more, unavailable, from the Period's start: numbers and times stay.
		 */
		const std::string newNumber = std::to_string(*number - 1);
		if (numberText) {
			const size_t at = static_cast<size_t>(numberText->data() - mpd.data());
			edits.push_back({at, numberText->size(), newNumber});
		} else {
			const size_t at = templ + std::string_view("<SegmentTemplate").size();
			edits.push_back({at, 0, " startNumber=\"" + newNumber + "\""});
		}
		edits.push_back({firstS, 0,
				 "<S t=\"" + std::to_string(*offset) + "\" d=\""
					 + std::to_string(*t - *offset) + "\"/>"});
	}

	std::sort(edits.begin(), edits.end(),
		  [](const Edit &a, const Edit &b) { return a.at < b.at; });
	std::string out;
	out.reserve(mpd.size() + 256);
	size_t copied = 0;
	for (const Edit &edit : edits) {
		if (edit.at < copied)
			continue; /* overlapping edits of a malformed document: the first wins */
		out.append(mpd.substr(copied, edit.at - copied));
		out.append(edit.text);
		copied = edit.at + edit.length;
	}
	out.append(mpd.substr(copied));
	return out;
}

} /* namespace sluice */
