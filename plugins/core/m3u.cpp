/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * IPTV M3U channel lists (#EXTM3U, #EXTINF with tvg-* attributes): a lenient parser for
 * untrusted lists and the writer of the lists Sluice serves.
 */

#include "m3u.h"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace sluice {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/*
 * A line of thousands of attributes would make the repeated-name check quadratic: past this
 * many, names are looked up in a hash map instead of by a scan.
 */
constexpr size_t kLinearLookupMax = 16;

bool isSpace(char c)
{
	return c == ' ' || c == '\t';
}

char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
	if (a.size() != b.size())
		return false;
	for (size_t i = 0; i < a.size(); i++) {
		if (lower(a[i]) != lower(b[i]))
			return false;
	}
	return true;
}

std::string_view trim(std::string_view s)
{
	while (!s.empty() && isSpace(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && isSpace(s.back()))
		s.remove_suffix(1);
	return s;
}

std::string lowerCopy(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		c = lower(c);
	return out;
}

std::string_view findAttribute(const std::vector<M3uAttribute> &attrs, std::string_view name)
{
	for (const M3uAttribute &a : attrs) {
		if (equalsNoCase(a.name, name))
			return a.value;
	}
	return {};
}

bool isTagChar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
		|| c == '-' || c == '_';
}

/*
 * The text after a tag ("#EXTINF") and its optional colon when the line starts with that tag,
 * in any case, not followed by more of a tag name ("#EXTINFO" is not #EXTINF).
 */
std::optional<std::string_view> matchTag(std::string_view line, std::string_view tag)
{
	if (line.size() < tag.size() || !equalsNoCase(line.substr(0, tag.size()), tag))
		return std::nullopt;
	std::string_view rest = line.substr(tag.size());
	if (!rest.empty() && isTagChar(rest.front()))
		return std::nullopt;
	if (!rest.empty() && rest.front() == ':')
		rest.remove_prefix(1);
	return rest;
}

/* Splits text into lines at LF, CRLF or a lone CR. */
class LineReader
{
public:
	explicit LineReader(std::string_view text) : text_(text) { }

	bool next(std::string_view &line)
	{
		if (pos_ >= text_.size())
			return false;
		size_t end = pos_;
		while (end < text_.size() && text_[end] != '\n' && text_[end] != '\r')
			end++;
		line = text_.substr(pos_, end - pos_);
		pos_ = end;
		if (pos_ < text_.size() && text_[pos_] == '\r')
			pos_++;
		if (pos_ < text_.size() && text_[pos_] == '\n')
			pos_++;
		number_++;
		return true;
	}

	size_t number() const { return number_; }

private:
	std::string_view text_;
	size_t pos_ = 0;
	size_t number_ = 0;
};

/* Cheap enough to run first: real lists answer on their first line. */
bool looksLikeM3u(std::string_view text)
{
	LineReader lines(text);
	std::string_view line;
	while (lines.next(line)) {
		line = trim(line);
		if (matchTag(line, "#EXTM3U") || matchTag(line, "#EXTINF"))
			return true;
	}
	return false;
}

struct RawAttribute {
	std::string_view name; /* as written */
	std::string_view value; /* without quotes */
};

struct ScannedAttributes {
	std::optional<std::string_view> title; /* after the first comma outside quotes */
	bool unterminatedQuote = false;
};

/* Up to the next whitespace or comma. */
size_t bareEnd(std::string_view s, size_t i)
{
	while (i < s.size() && !isSpace(s[i]) && s[i] != ',')
		i++;
	return i;
}

/*
 * A single quote is also an apostrophe ("Rock'n'Roll"), so a single-quoted value only closes
 * at a quote followed by whitespace, a comma or the end of the line. Double quotes close at the
 * first one: lists that omit the space in name="a"name2="b" are common.
 */
bool closesSingleQuote(std::string_view s, size_t i)
{
	return s[i] == '\'' && (i + 1 == s.size() || isSpace(s[i + 1]) || s[i + 1] == ',');
}

/*
 * lastSingleClose caches the last position where a single quote could close (npos: none), so
 * that a line of many unclosed single quotes does not rescan its rest for each of them.
 */
size_t closingQuote(std::string_view s, size_t open, std::optional<size_t> &lastSingleClose)
{
	if (s[open] == '"')
		return s.find('"', open + 1);

	if (!lastSingleClose) {
		lastSingleClose = std::string_view::npos;
		for (size_t i = s.size(); i-- > 0;) {
			if (closesSingleQuote(s, i)) {
				lastSingleClose = i;
				break;
			}
		}
	}
	if (*lastSingleClose == std::string_view::npos || *lastSingleClose <= open)
		return std::string_view::npos;
	size_t close = open + 1;
	while (!closesSingleQuote(s, close))
		close++;
	return close;
}

/*
 * Reads name=value pairs. With titled (an #EXTINF), the first comma outside a quoted value ends
 * them and the rest is the title; otherwise (#EXTM3U) commas separate pairs like whitespace.
 * Whitespace is allowed around '=' (but a bare value must follow it directly). Words without
 * '=' and pairs without a name are skipped.
 * An unterminated quote is dropped and the value read as if unquoted.
 */
ScannedAttributes scanAttributes(std::string_view s, bool titled, std::vector<RawAttribute> &out)
{
	ScannedAttributes result;
	std::optional<size_t> lastSingleClose;
	size_t i = 0;
	const size_t n = s.size();
	while (i < n) {
		while (i < n && isSpace(s[i]))
			i++;
		if (i >= n)
			break;
		if (s[i] == ',') {
			if (titled) {
				result.title = s.substr(i + 1);
				break;
			}
			i++;
			continue;
		}

		size_t start = i;
		while (i < n && !isSpace(s[i]) && s[i] != '=' && s[i] != ',')
			i++;
		std::string_view name = s.substr(start, i - start);
		while (i < n && isSpace(s[i]))
			i++;
		if (i >= n || s[i] != '=')
			continue;
		i++;
		/* "tvg-logo= group-title=..." is an empty value, "tvg-id= "x"" is not. */
		size_t afterEquals = i;
		while (i < n && isSpace(s[i]))
			i++;

		std::string_view value;
		if (i < n && (s[i] == '"' || s[i] == '\'')) {
			size_t close = closingQuote(s, i, lastSingleClose);
			if (close != std::string_view::npos) {
				value = s.substr(i + 1, close - i - 1);
				i = close + 1;
			} else {
				result.unterminatedQuote = true;
				size_t end = bareEnd(s, i + 1);
				value = s.substr(i + 1, end - i - 1);
				i = end;
			}
		} else if (i == afterEquals) {
			size_t end = bareEnd(s, i);
			value = s.substr(i, end - i);
			i = end;
		}
		if (!name.empty())
			out.push_back({name, value});
	}
	return result;
}

/* What could be a URL on its own line, as opposed to stray text. */
bool couldBeUrl(std::string_view s)
{
	for (char c : s) {
		if (isSpace(c) || c == '<' || c == '>' || c == '"')
			return false;
	}
	return true;
}

class Parser
{
public:
	Parser(const M3uLimits &limits, M3uParseResult &result) : limits_(limits), result_(result)
	{
	}

	/* False, with the error set, to stop. */
	bool line(size_t number, std::string_view text);
	void finish();

	M3uPlaylist takePlaylist() { return std::move(playlist_); }
	void fail(size_t number, std::string message)
	{
		result_.value = M3uDiagnostic {std::move(message), number};
	}
	void warn(size_t number, std::initializer_list<std::string_view> parts);

private:
	void header(size_t number, std::string_view rest);
	void extinf(size_t number, std::string_view rest);
	void option(size_t number, M3uOption::Kind kind, std::string_view rest);
	bool url(size_t number, std::string_view text, bool fromExtinf);

	/*
	 * Adds raw_ to attrs, a repeated name keeping its first position and its last value.
	 * index mirrors attrs once it is too long for a linear scan.
	 */
	void mergeAttributes(size_t number, std::vector<M3uAttribute> &attrs,
			     std::unordered_map<std::string, size_t> &index);

	const M3uLimits &limits_;
	M3uParseResult &result_;
	M3uPlaylist playlist_;
	bool sawHeader_ = false;

	/* The entry being assembled: its #EXTINF (if any) and the tags since the last URL. */
	M3uEntry pending_;
	bool pendingExtinf_ = false;
	size_t pendingLine_ = 0;
	std::string_view pendingTvgId_; /* into the input */

	std::vector<RawAttribute> raw_; /* scratch, reused by every line */
	std::unordered_map<std::string, size_t> headerIndex_;
	std::unordered_map<std::string, size_t> entryIndex_;
	std::unordered_map<std::string_view, size_t> tvgIdLines_;
};

void Parser::warn(size_t number, std::initializer_list<std::string_view> parts)
{
	if (limits_.maxWarnings && result_.warnings.size() >= limits_.maxWarnings) {
		result_.droppedWarnings++;
		return;
	}
	std::string message;
	for (std::string_view p : parts)
		message += p;
	result_.warnings.push_back({std::move(message), number});
}

bool Parser::line(size_t number, std::string_view text)
{
	if (limits_.maxLineLength && text.size() > limits_.maxLineLength) {
		fail(number,
		     "line longer than the limit of " + std::to_string(limits_.maxLineLength)
			     + " bytes");
		return false;
	}
	text = trim(text);
	if (text.empty())
		return true;
	if (text[0] != '#')
		return url(number, text, pendingExtinf_);

	if (auto rest = matchTag(text, "#EXTINF")) {
		extinf(number, *rest);
	} else if (auto header = matchTag(text, "#EXTM3U")) {
		this->header(number, *header);
	} else if (auto group = matchTag(text, "#EXTGRP")) {
		pending_.extGroup = trim(*group);
	} else if (auto vlc = matchTag(text, "#EXTVLCOPT")) {
		option(number, M3uOption::Kind::VlcOpt, *vlc);
	} else if (auto kodi = matchTag(text, "#KODIPROP")) {
		option(number, M3uOption::Kind::KodiProp, *kodi);
	}
	return true;
}

void Parser::header(size_t number, std::string_view rest)
{
	sawHeader_ = true;
	raw_.clear();
	if (scanAttributes(rest, false, raw_).unterminatedQuote)
		warn(number, {"unterminated quote in #EXTM3U"});
	mergeAttributes(number, playlist_.attributes, headerIndex_);
}

void Parser::extinf(size_t number, std::string_view rest)
{
	if (pendingExtinf_)
		warn(pendingLine_, {"#EXTINF without a URL dropped"});
	pendingExtinf_ = true;
	pendingLine_ = number;
	pending_.title.clear();
	pending_.duration = -1;
	pending_.attributes.clear();
	entryIndex_.clear();
	pendingTvgId_ = {};

	rest = trim(rest);
	double duration = 0;
	auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), duration);
	if (ec == std::errc() && std::isfinite(duration)) {
		pending_.duration = duration;
		rest.remove_prefix(end - rest.data());
	} else if (ec == std::errc::result_out_of_range) {
		rest.remove_prefix(end - rest.data());
	}

	raw_.clear();
	ScannedAttributes scanned = scanAttributes(rest, true, raw_);
	if (scanned.unterminatedQuote)
		warn(number, {"unterminated quote in #EXTINF"});
	if (scanned.title)
		pending_.title = trim(*scanned.title);
	for (const RawAttribute &a : raw_) {
		if (equalsNoCase(a.name, "tvg-id"))
			pendingTvgId_ = a.value;
	}
	mergeAttributes(number, pending_.attributes, entryIndex_);
	if (!pending_.hasAttribute("tvg-id"))
		pendingTvgId_ = {};
}

void Parser::option(size_t number, M3uOption::Kind kind, std::string_view rest)
{
	if (limits_.maxOptions && pending_.options.size() >= limits_.maxOptions) {
		warn(number, {"more option lines than the limit for one entry; dropped"});
		return;
	}
	rest = trim(rest);
	size_t eq = rest.find('=');
	M3uOption option;
	option.kind = kind;
	if (eq == std::string_view::npos) {
		option.name = rest;
	} else {
		option.name = trim(rest.substr(0, eq));
		option.value = trim(rest.substr(eq + 1));
	}
	pending_.options.push_back(std::move(option));
}

bool Parser::url(size_t number, std::string_view text, bool fromExtinf)
{
	if (!fromExtinf && !couldBeUrl(text)) {
		warn(number, {"text that is neither a tag nor a URL skipped"});
		return true;
	}
	if (limits_.maxEntries && playlist_.entries.size() >= limits_.maxEntries) {
		fail(number,
		     "more entries than the limit of " + std::to_string(limits_.maxEntries));
		return false;
	}

	pending_.url = text;
	if (pending_.title.empty())
		pending_.title = trim(findAttribute(pending_.attributes, "tvg-name"));
	if (pending_.title.empty())
		pending_.title = text;

	if (!pendingTvgId_.empty()) {
		const size_t entryLine = fromExtinf ? pendingLine_ : number;
		auto [it, inserted] = tvgIdLines_.try_emplace(pendingTvgId_, entryLine);
		if (!inserted) {
			std::string earlier = std::to_string(it->second);
			warn(entryLine,
			     {"tvg-id \"", pendingTvgId_, "\" also used by the entry at line ",
			      earlier});
		}
	}

	playlist_.entries.push_back(std::move(pending_));
	pending_ = M3uEntry();
	pendingExtinf_ = false;
	pendingTvgId_ = {};
	return true;
}

void Parser::mergeAttributes(size_t number, std::vector<M3uAttribute> &attrs,
			     std::unordered_map<std::string, size_t> &index)
{
	bool overLimit = false;
	for (const RawAttribute &a : raw_) {
		std::string name = lowerCopy(a.name);
		size_t found = attrs.size();
		if (attrs.size() <= kLinearLookupMax) {
			for (size_t i = 0; i < attrs.size(); i++) {
				if (attrs[i].name == name) {
					found = i;
					break;
				}
			}
		} else {
			if (index.empty()) {
				for (size_t i = 0; i < attrs.size(); i++)
					index.emplace(attrs[i].name, i);
			}
			auto it = index.find(name);
			if (it != index.end())
				found = it->second;
		}

		if (found < attrs.size()) {
			warn(number, {"attribute ", name, " repeated; the last value is kept"});
			attrs[found].value = a.value;
			continue;
		}
		if (limits_.maxAttributes && attrs.size() >= limits_.maxAttributes) {
			overLimit = true;
			continue;
		}
		if (!index.empty())
			index.emplace(name, attrs.size());
		attrs.push_back({std::move(name), std::string(a.value)});
	}
	if (overLimit)
		warn(number,
		     {"more attributes than the limit of ", std::to_string(limits_.maxAttributes),
		      "; the rest are dropped"});
}

void Parser::finish()
{
	if (pendingExtinf_)
		warn(pendingLine_, {"#EXTINF without a URL dropped"});
	if (!sawHeader_)
		warn(0, {"no #EXTM3U header"});
}

/* Replaces what would end a value or a line when written back. */
void appendSanitised(std::string &out, std::string_view s, bool quoted)
{
	for (char c : s) {
		if (c == '\r' || c == '\n')
			c = ' ';
		else if (quoted && c == '"')
			c = '\'';
		out += c;
	}
}

/* Attribute names end at whitespace, '=' or ','; option names at '='. */
void appendName(std::string &out, std::string_view name, bool attribute)
{
	for (char c : name) {
		if (c == '\r' || c == '\n')
			c = attribute ? '_' : ' ';
		else if (c == '=' || (attribute && (isSpace(c) || c == ',')))
			c = '_';
		out += c;
	}
}

void appendAttributes(std::string &out, const std::vector<M3uAttribute> &attrs)
{
	for (const M3uAttribute &a : attrs) {
		if (a.name.empty())
			continue;
		out += ' ';
		appendName(out, a.name, true);
		out += "=\"";
		appendSanitised(out, a.value, true);
		out += '"';
	}
}

void appendDuration(std::string &out, double duration)
{
	if (!std::isfinite(duration)) {
		out += "-1";
		return;
	}
	char buf[64];
	auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), duration);
	if (ec != std::errc()) {
		out += "-1";
		return;
	}
	out.append(buf, end);
}

std::string_view optionValue(const M3uEntry &entry, std::string_view name)
{
	std::string_view value;
	for (const M3uOption &o : entry.options) {
		if (o.kind == M3uOption::Kind::VlcOpt && equalsNoCase(o.name, name))
			value = o.value;
	}
	if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
		value = value.substr(1, value.size() - 2);
	return value;
}

/* The first non-empty of the named options, then of the named attributes. */
std::string_view optionOrAttribute(const M3uEntry &entry,
				   std::initializer_list<std::string_view> options,
				   std::initializer_list<std::string_view> attributes)
{
	for (std::string_view name : options) {
		std::string_view v = optionValue(entry, name);
		if (!v.empty())
			return v;
	}
	for (std::string_view name : attributes) {
		std::string_view v = entry.attribute(name);
		if (!v.empty())
			return v;
	}
	return {};
}

} /* namespace */

std::string_view M3uEntry::attribute(std::string_view name) const
{
	return findAttribute(attributes, name);
}

bool M3uEntry::hasAttribute(std::string_view name) const
{
	for (const M3uAttribute &a : attributes) {
		if (equalsNoCase(a.name, name))
			return true;
	}
	return false;
}

std::string_view M3uEntry::groupTitle() const
{
	std::string_view group = attribute("group-title");
	return group.empty() ? std::string_view(extGroup) : group;
}

std::string_view M3uEntry::userAgent() const
{
	return optionOrAttribute(*this, {"http-user-agent"}, {"http-user-agent", "user-agent"});
}

std::string_view M3uEntry::referrer() const
{
	return optionOrAttribute(*this, {"http-referrer", "http-referer"},
				 {"http-referrer", "http-referer", "referrer", "referer"});
}

std::string_view M3uPlaylist::attribute(std::string_view name) const
{
	return findAttribute(attributes, name);
}

std::string_view M3uPlaylist::epgUrl() const
{
	std::string_view url = attribute("url-tvg");
	return url.empty() ? attribute("x-tvg-url") : url;
}

std::string M3uDiagnostic::text() const
{
	if (line == 0)
		return message;
	return "line " + std::to_string(line) + ": " + message;
}

M3uParseResult parseM3u(std::string_view text, const M3uLimits &limits)
{
	M3uParseResult result;
	if (limits.maxInputBytes && text.size() > limits.maxInputBytes) {
		result.value = M3uDiagnostic {
			"input of " + std::to_string(text.size()) + " bytes is over the limit of "
				+ std::to_string(limits.maxInputBytes) + " bytes",
			0};
		return result;
	}

	if (text.starts_with(kUtf8Bom))
		text.remove_prefix(kUtf8Bom.size());
	if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
		result.value
			= M3uDiagnostic {"not an M3U playlist: UTF-16 text (expected UTF-8)", 0};
		return result;
	}
	if (!looksLikeM3u(text)) {
		result.value = M3uDiagnostic {
			"not an M3U playlist: neither an #EXTM3U header nor an #EXTINF entry", 0};
		return result;
	}

	Parser parser(limits, result);
	LineReader lines(text);
	std::string_view line;
	while (lines.next(line)) {
		if (!parser.line(lines.number(), line))
			return result;
	}
	parser.finish();
	result.value = parser.takePlaylist();
	return result;
}

std::string writeM3u(const M3uPlaylist &playlist)
{
	std::string out;
	out += "#EXTM3U";
	appendAttributes(out, playlist.attributes);
	out += '\n';

	for (const M3uEntry &e : playlist.entries) {
		std::string url;
		appendSanitised(url, e.url, false);
		std::string_view trimmedUrl = trim(url);
		if (trimmedUrl.empty() || trimmedUrl.front() == '#')
			continue;

		out += "#EXTINF:";
		appendDuration(out, e.duration);
		appendAttributes(out, e.attributes);
		out += ',';
		appendSanitised(out, e.title, false);
		out += '\n';
		if (!e.extGroup.empty()) {
			out += "#EXTGRP:";
			appendSanitised(out, e.extGroup, false);
			out += '\n';
		}
		for (const M3uOption &o : e.options) {
			out += o.kind == M3uOption::Kind::KodiProp ? "#KODIPROP:" : "#EXTVLCOPT:";
			appendName(out, o.name, false);
			if (!o.value.empty()) {
				out += '=';
				appendSanitised(out, o.value, false);
			}
			out += '\n';
		}
		out += trimmedUrl;
		out += '\n';
	}
	return out;
}

} /* namespace sluice */
