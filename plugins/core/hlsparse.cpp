/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS (RFC 8216) playlist parsing for untrusted upstream sources, URI resolution, variant choice.
 */

#include "hlsparse.h"

#include <charconv>
#include <cmath>
#include <string>
#include <utility>

namespace sluice {

namespace {

/*
 * Every segment copies the EXT-X-MAP URI in force, so a long map URI followed by many short
 * segments would multiply the input; cap the total instead of the single URI.
 */
constexpr size_t kMaxMapUriBytes = 64 * 1024 * 1024;

/* Wall clock extrapolation stops making sense (and int64 ms overflow starts) far before this. */
constexpr double kMaxExtrapolatedDuration = 1e7;

bool isSpace(char c)
{
	return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s)
{
	while (!s.empty() && isSpace(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && isSpace(s.back()))
		s.remove_suffix(1);
	return s;
}

char upper(char c)
{
	return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
	if (a.size() != b.size())
		return false;
	for (size_t i = 0; i < a.size(); i++) {
		if (upper(a[i]) != upper(b[i]))
			return false;
	}
	return true;
}

template <typename T>
std::optional<T> parseUnsigned(std::string_view s)
{
	s = trim(s);
	T value {};
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
	if (s.empty() || ec != std::errc() || end != s.data() + s.size())
		return std::nullopt;
	return value;
}

/* A finite, non-negative decimal number. */
std::optional<double> parseNonNegative(std::string_view s)
{
	s = trim(s);
	double value = 0;
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
	if (s.empty() || ec != std::errc() || end != s.data() + s.size())
		return std::nullopt;
	if (!std::isfinite(value) || value < 0)
		return std::nullopt;
	return value;
}

struct Attribute {
	std::string_view name;
	std::string_view value; /* without quotes */
};

/*
 * RFC 8216 section 4.2 attribute list: NAME=VALUE pairs separated by commas, where a quoted
 * string may contain commas. Lenient: spaces around names and values, an unterminated quote
 * (runs to the end), stray text after a closing quote and entries without '=' are tolerated.
 */
std::vector<Attribute> parseAttributes(std::string_view s)
{
	std::vector<Attribute> attrs;
	size_t i = 0;
	while (i < s.size()) {
		while (i < s.size() && (isSpace(s[i]) || s[i] == ','))
			i++;
		if (i >= s.size())
			break;

		size_t eq = s.find_first_of("=,", i);
		if (eq == std::string_view::npos || s[eq] == ',') {
			i = eq == std::string_view::npos ? s.size() : eq + 1;
			continue;
		}
		std::string_view name = trim(s.substr(i, eq - i));
		i = eq + 1;
		while (i < s.size() && isSpace(s[i]))
			i++;

		std::string_view value;
		if (i < s.size() && s[i] == '"') {
			size_t close = s.find('"', i + 1);
			if (close == std::string_view::npos) {
				value = s.substr(i + 1);
				i = s.size();
			} else {
				value = s.substr(i + 1, close - i - 1);
				size_t comma = s.find(',', close + 1);
				i = comma == std::string_view::npos ? s.size() : comma + 1;
			}
		} else {
			size_t comma = s.find(',', i);
			size_t stop = comma == std::string_view::npos ? s.size() : comma;
			value = trim(s.substr(i, stop - i));
			i = stop;
		}
		attrs.push_back({name, value});
	}
	return attrs;
}

std::optional<std::string_view> attribute(const std::vector<Attribute> &attrs,
					  std::string_view name)
{
	for (const Attribute &a : attrs) {
		if (equalsNoCase(a.name, name))
			return a.value;
	}
	return std::nullopt;
}

std::string attributeString(const std::vector<Attribute> &attrs, std::string_view name)
{
	return std::string(attribute(attrs, name).value_or(std::string_view()));
}

bool attributeYes(const std::vector<Attribute> &attrs, std::string_view name)
{
	auto v = attribute(attrs, name);
	return v && equalsNoCase(*v, "YES");
}

int64_t daysFromCivil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Fixed-width decimal field at s[pos, pos + width). */
std::optional<int64_t> digits(std::string_view s, size_t pos, size_t width)
{
	if (pos + width > s.size())
		return std::nullopt;
	int64_t v = 0;
	for (size_t i = pos; i < pos + width; i++) {
		if (s[i] < '0' || s[i] > '9')
			return std::nullopt;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * ISO 8601 date-time as EXT-X-PROGRAM-DATE-TIME writes it: YYYY-MM-DDThh:mm:ss[.fff] followed
 * by Z, +hh:mm, +hhmm, +hh or nothing (UTC). Milliseconds since the epoch.
 */
std::optional<int64_t> parseDateTimeMs(std::string_view s)
{
	s = trim(s);
	auto year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
	auto hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
	if (!year || !month || !day || !hour || !minute || !second)
		return std::nullopt;
	if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
	    || s[13] != ':' || s[16] != ':')
		return std::nullopt;
	if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59
	    || *second > 60)
		return std::nullopt;

	size_t pos = 19;
	int64_t ms = 0;
	if (pos < s.size() && s[pos] == '.') {
		pos++;
		int64_t scale = 100;
		size_t start = pos;
		while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
			ms += (s[pos] - '0') * scale;
			scale /= 10;
			pos++;
		}
		if (pos == start)
			return std::nullopt;
	}

	int64_t offsetMinutes = 0;
	std::string_view zone = s.substr(pos);
	if (zone == "Z" || zone == "z" || zone.empty()) {
		offsetMinutes = 0;
	} else if (zone[0] == '+' || zone[0] == '-') {
		auto oh = digits(zone, 1, 2);
		std::optional<int64_t> om = 0;
		if (zone.size() == 6 && zone[3] == ':')
			om = digits(zone, 4, 2);
		else if (zone.size() == 5)
			om = digits(zone, 3, 2);
		else if (zone.size() != 3)
			return std::nullopt;
		if (!oh || !om || *oh > 23 || *om > 59)
			return std::nullopt;
		offsetMinutes = (*oh * 60 + *om) * (zone[0] == '-' ? -1 : 1);
	} else {
		return std::nullopt;
	}

	int64_t seconds = daysFromCivil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60
		+ *second - offsetMinutes * 60;
	return seconds * 1000 + ms;
}

std::string lineError(size_t line, std::string_view message)
{
	return "line " + std::to_string(line) + ": " + std::string(message);
}

/* Everything a tag sets for the next URI line. */
struct Pending {
	bool extinf = false;
	double duration = 0;
	std::string title;
	bool discontinuity = false;
	int64_t programDateTimeMs = 0;
	bool byteRange = false;
	uint64_t byteRangeLength = 0;
	std::optional<uint64_t> byteRangeOffset;

	bool streamInf = false;
	HlsVariant variant;
};

class Parser
{
public:
	Parser(HlsPlaylist &out, std::string &error) : out_(out), error_(error) { }

	bool line(size_t number, std::string_view text);
	bool finish();

private:
	bool fail(size_t number, std::string_view message)
	{
		error_ = lineError(number, message);
		return false;
	}
	bool tag(size_t number, std::string_view name, std::string_view value);
	bool uri(size_t number, std::string_view text);
	bool addEntry(size_t number);

	HlsPlaylist &out_;
	std::string &error_;
	Pending pending_;
	bool sawMultivariantTag_ = false;
	bool sawExtinf_ = false;
	size_t streamInfs_ = 0;
	std::string mapUri_;
	size_t mapBytes_ = 0;
	bool encrypted_ = false;
};

bool Parser::line(size_t number, std::string_view text)
{
	text = trim(text);
	if (text.empty())
		return true;
	if (text[0] != '#')
		return uri(number, text);
	if (text.substr(0, 4) != "#EXT")
		return true; /* comment */

	size_t colon = text.find(':');
	std::string_view name = text.substr(1, colon == std::string_view::npos ? colon : colon - 1);
	std::string_view value
		= colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
	return tag(number, name, value);
}

bool Parser::addEntry(size_t number)
{
	if (out_.variants.size() + out_.renditions.size() >= kHlsMaxEntries)
		return fail(number,
			    "more than " + std::to_string(kHlsMaxEntries)
				    + " variants and renditions");
	return true;
}

bool Parser::tag(size_t number, std::string_view name, std::string_view value)
{
	const bool multivariantTag = name == "EXT-X-STREAM-INF" || name == "EXT-X-MEDIA"
		|| name == "EXT-X-I-FRAME-STREAM-INF";
	if (multivariantTag) {
		if (sawExtinf_)
			return fail(number, std::string(name) + " in a media playlist");
		sawMultivariantTag_ = true;
	}

	if (name == "EXTINF") {
		if (sawMultivariantTag_)
			return fail(number, "EXTINF in a multivariant playlist");
		sawExtinf_ = true;
		size_t comma = value.find(',');
		std::string_view duration = value.substr(0, comma);
		auto d = parseNonNegative(duration);
		if (!d)
			return fail(number,
				    "EXTINF duration must be a finite number >= 0, got \""
					    + std::string(trim(duration)) + "\"");
		pending_.extinf = true;
		pending_.duration = *d;
		pending_.title = comma == std::string_view::npos
			? std::string()
			: std::string(trim(value.substr(comma + 1)));
	} else if (name == "EXT-X-STREAM-INF") {
		auto attrs = parseAttributes(value);
		HlsVariant &v = pending_.variant;
		v = HlsVariant();
		v.bandwidth
			= parseUnsigned<uint64_t>(attributeString(attrs, "BANDWIDTH")).value_or(0);
		v.averageBandwidth
			= parseUnsigned<uint64_t>(attributeString(attrs, "AVERAGE-BANDWIDTH"))
				  .value_or(0);
		std::string resolution = attributeString(attrs, "RESOLUTION");
		size_t x = resolution.find_first_of("xX");
		if (x != std::string::npos) {
			auto w = parseUnsigned<uint32_t>(std::string_view(resolution).substr(0, x));
			auto h = parseUnsigned<uint32_t>(
				std::string_view(resolution).substr(x + 1));
			if (w && h) {
				v.width = *w;
				v.height = *h;
			}
		}
		v.frameRate = parseNonNegative(attributeString(attrs, "FRAME-RATE")).value_or(0);
		v.codecs = attributeString(attrs, "CODECS");
		v.audioGroup = attributeString(attrs, "AUDIO");
		pending_.streamInf = true;
		streamInfs_++;
	} else if (name == "EXT-X-MEDIA") {
		if (!addEntry(number))
			return false;
		auto attrs = parseAttributes(value);
		HlsRendition r;
		r.type = attributeString(attrs, "TYPE");
		r.groupId = attributeString(attrs, "GROUP-ID");
		r.name = attributeString(attrs, "NAME");
		r.language = attributeString(attrs, "LANGUAGE");
		r.uri = attributeString(attrs, "URI");
		r.isDefault = attributeYes(attrs, "DEFAULT");
		r.autoselect = attributeYes(attrs, "AUTOSELECT");
		r.channels = attributeString(attrs, "CHANNELS");
		out_.renditions.push_back(std::move(r));
	} else if (name == "EXT-X-VERSION") {
		if (auto v = parseUnsigned<uint32_t>(value))
			out_.version = *v;
	} else if (name == "EXT-X-TARGETDURATION") {
		if (auto v = parseNonNegative(value))
			out_.targetDuration = *v;
	} else if (name == "EXT-X-MEDIA-SEQUENCE") {
		if (auto v = parseUnsigned<uint64_t>(value))
			out_.mediaSequence = *v;
	} else if (name == "EXT-X-DISCONTINUITY-SEQUENCE") {
		if (auto v = parseUnsigned<uint64_t>(value))
			out_.discontinuitySequence = *v;
	} else if (name == "EXT-X-PLAYLIST-TYPE") {
		std::string_view t = trim(value);
		if (t == "EVENT" || t == "VOD")
			out_.playlistType = std::string(t);
	} else if (name == "EXT-X-ENDLIST") {
		out_.endList = true;
	} else if (name == "EXT-X-INDEPENDENT-SEGMENTS") {
		out_.independentSegments = true;
	} else if (name == "EXT-X-DISCONTINUITY") {
		pending_.discontinuity = true;
	} else if (name == "EXT-X-PROGRAM-DATE-TIME") {
		auto ms = parseDateTimeMs(value);
		pending_.programDateTimeMs = ms && *ms > 0 ? *ms : 0;
	} else if (name == "EXT-X-BYTERANGE") {
		size_t at = value.find('@');
		auto length = parseUnsigned<uint64_t>(value.substr(0, at));
		std::optional<uint64_t> offset;
		if (at != std::string_view::npos)
			offset = parseUnsigned<uint64_t>(value.substr(at + 1));
		if (length && (at == std::string_view::npos || offset)) {
			pending_.byteRange = true;
			pending_.byteRangeLength = *length;
			pending_.byteRangeOffset = offset;
		}
	} else if (name == "EXT-X-MAP") {
		mapUri_ = attributeString(parseAttributes(value), "URI");
	} else if (name == "EXT-X-KEY") {
		if (auto method = attribute(parseAttributes(value), "METHOD"))
			encrypted_ = !equalsNoCase(*method, "NONE");
	}
	/* Anything else (EXT-X-START, EXT-X-DATERANGE, EXT-X-PART, vendor tags): ignored. */
	return true;
}

bool Parser::uri(size_t number, std::string_view text)
{
	if (pending_.streamInf) {
		if (!addEntry(number))
			return false;
		pending_.variant.uri = std::string(text);
		out_.variants.push_back(std::move(pending_.variant));
		pending_.variant = HlsVariant();
		pending_.streamInf = false;
		return true;
	}
	if (!pending_.extinf)
		return fail(number,
			    "URI \"" + std::string(text.substr(0, 200))
				    + "\" has no EXTINF duration before it");

	if (out_.segments.size() >= kHlsMaxSegments)
		return fail(number, "more than " + std::to_string(kHlsMaxSegments) + " segments");
	mapBytes_ += mapUri_.size();
	if (mapBytes_ > kMaxMapUriBytes)
		return fail(number,
			    "EXT-X-MAP URIs of all segments exceed "
				    + std::to_string(kMaxMapUriBytes) + " bytes");

	HlsSegment s;
	s.uri = std::string(text);
	s.duration = pending_.duration;
	s.title = std::move(pending_.title);
	s.discontinuity = pending_.discontinuity;
	s.mapUri = mapUri_;
	s.encrypted = encrypted_;

	const HlsSegment *prev = out_.segments.empty() ? nullptr : &out_.segments.back();
	s.programDateTimeMs = pending_.programDateTimeMs;
	if (!s.programDateTimeMs && prev && prev->programDateTimeMs && !s.discontinuity
	    && prev->duration <= kMaxExtrapolatedDuration)
		s.programDateTimeMs
			= prev->programDateTimeMs + std::llround(prev->duration * 1000.0);

	if (pending_.byteRange) {
		s.byteRangeLength = pending_.byteRangeLength;
		if (pending_.byteRangeOffset) {
			s.byteRangeOffset = *pending_.byteRangeOffset;
		} else if (prev && prev->byteRangeLength && prev->uri == s.uri
			   && prev->byteRangeOffset <= UINT64_MAX - prev->byteRangeLength) {
			/* RFC 8216 4.3.2.2: continues where the previous sub-range ended. */
			s.byteRangeOffset = prev->byteRangeOffset + prev->byteRangeLength;
		}
	}

	out_.segments.push_back(std::move(s));
	pending_ = Pending();
	return true;
}

bool Parser::finish()
{
	out_.multivariant = sawMultivariantTag_;
	if (out_.multivariant && out_.variants.empty()) {
		error_ = streamInfs_
			? "multivariant playlist: no EXT-X-STREAM-INF is followed by a "
			  "variant URI"
			: "multivariant playlist without any EXT-X-STREAM-INF variant";
		return false;
	}
	return true;
}

/* The pieces of a URI reference (RFC 3986 section 3); "has" tells empty from absent. */
struct UriParts {
	std::string_view scheme;
	bool hasAuthority = false;
	std::string_view authority;
	std::string_view path;
	bool hasQuery = false;
	std::string_view query;
	bool hasFragment = false;
	std::string_view fragment;
};

bool isAlpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

UriParts splitUri(std::string_view u)
{
	UriParts p;
	size_t hash = u.find('#');
	if (hash != std::string_view::npos) {
		p.hasFragment = true;
		p.fragment = u.substr(hash + 1);
		u = u.substr(0, hash);
	}
	size_t question = u.find('?');
	if (question != std::string_view::npos) {
		p.hasQuery = true;
		p.query = u.substr(question + 1);
		u = u.substr(0, question);
	}
	size_t colon = u.find(':');
	if (colon != std::string_view::npos && colon > 0 && isAlpha(u[0])) {
		bool scheme = true;
		for (size_t i = 1; i < colon; i++) {
			char c = u[i];
			if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-'
			    && c != '.')
				scheme = false;
		}
		if (scheme) {
			p.scheme = u.substr(0, colon);
			u = u.substr(colon + 1);
		}
	}
	if (u.substr(0, 2) == "//") {
		p.hasAuthority = true;
		size_t slash = u.find('/', 2);
		p.authority = u.substr(2, slash == std::string_view::npos ? slash : slash - 2);
		u = slash == std::string_view::npos ? std::string_view() : u.substr(slash);
	}
	p.path = u;
	return p;
}

/* RFC 3986 section 5.2.4, over a segment stack rather than the quadratic string rewriting. */
std::string removeDotSegments(std::string_view path)
{
	const bool absolute = !path.empty() && path[0] == '/';
	if (absolute)
		path.remove_prefix(1);

	std::vector<std::string_view> stack;
	while (true) {
		size_t slash = path.find('/');
		std::string_view seg = path.substr(0, slash);
		const bool last = slash == std::string_view::npos;
		if (seg == "..") {
			if (!stack.empty())
				stack.pop_back();
			if (last)
				stack.push_back({});
		} else if (seg == ".") {
			if (last)
				stack.push_back({});
		} else {
			stack.push_back(seg);
		}
		if (last)
			break;
		path.remove_prefix(slash + 1);
	}

	std::string out = absolute ? "/" : "";
	for (size_t i = 0; i < stack.size(); i++) {
		if (i)
			out += '/';
		out += stack[i];
	}
	return out;
}

} /* namespace */

bool parseHlsPlaylist(std::string_view text, HlsPlaylist &out, std::string &error)
{
	out = HlsPlaylist();
	error.clear();

	if (text.substr(0, 3) == "\xef\xbb\xbf")
		text.remove_prefix(3);

	Parser parser(out, error);
	size_t number = 0;
	while (!text.empty()) {
		number++;
		size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
		if (!line.empty() && line.back() == '\r')
			line.remove_suffix(1);
		if (line.size() > kHlsMaxLineLength) {
			error = lineError(number,
					  "longer than " + std::to_string(kHlsMaxLineLength)
						  + " bytes");
			return false;
		}
		if (number == 1) {
			if (trim(line) != "#EXTM3U") {
				error = "not an HLS playlist: first line is not #EXTM3U";
				return false;
			}
			continue;
		}
		if (!parser.line(number, line))
			return false;
	}
	if (number == 0) {
		error = "not an HLS playlist: first line is not #EXTM3U";
		return false;
	}
	return parser.finish();
}

std::string resolveUri(std::string_view base, std::string_view relative)
{
	const UriParts r = splitUri(relative);
	if (!r.scheme.empty())
		return std::string(relative);

	const UriParts b = splitUri(base);
	UriParts t;
	std::string path;
	t.scheme = b.scheme;
	if (r.hasAuthority) {
		t.hasAuthority = true;
		t.authority = r.authority;
		path = removeDotSegments(r.path);
		t.hasQuery = r.hasQuery;
		t.query = r.query;
	} else {
		t.hasAuthority = b.hasAuthority;
		t.authority = b.authority;
		if (r.path.empty()) {
			path = std::string(b.path);
			t.hasQuery = r.hasQuery || b.hasQuery;
			t.query = r.hasQuery ? r.query : b.query;
		} else {
			if (r.path[0] == '/') {
				path = removeDotSegments(r.path);
			} else if (b.hasAuthority && b.path.empty()) {
				path = removeDotSegments("/" + std::string(r.path));
			} else {
				size_t slash = b.path.rfind('/');
				std::string merged(slash == std::string_view::npos
							   ? std::string_view()
							   : b.path.substr(0, slash + 1));
				merged += r.path;
				path = removeDotSegments(merged);
			}
			t.hasQuery = r.hasQuery;
			t.query = r.query;
		}
	}

	std::string out;
	if (!t.scheme.empty()) {
		out += t.scheme;
		out += ':';
	}
	if (t.hasAuthority) {
		out += "//";
		out += t.authority;
	}
	out += path;
	if (t.hasQuery) {
		out += '?';
		out += t.query;
	}
	if (r.hasFragment) {
		out += '#';
		out += r.fragment;
	}
	return out;
}

std::optional<size_t> selectVariant(const std::vector<HlsVariant> &variants, VariantPolicy policy,
				    const VariantLimits &limits)
{
	auto higher = [](const HlsVariant &a, const HlsVariant &b) {
		return a.bandwidth != b.bandwidth ? a.bandwidth > b.bandwidth : a.height > b.height;
	};
	auto lower = [](const HlsVariant &a, const HlsVariant &b) {
		return a.bandwidth != b.bandwidth ? a.bandwidth < b.bandwidth : a.height < b.height;
	};
	auto fits = [&](const HlsVariant &v) {
		return (!limits.maxHeight || !v.height || v.height <= limits.maxHeight)
			&& (!limits.maxBitrate || v.bandwidth <= limits.maxBitrate);
	};

	std::optional<size_t> highest, lowest, best;
	for (size_t i = 0; i < variants.size(); i++) {
		const HlsVariant &v = variants[i];
		if (!highest || higher(v, variants[*highest]))
			highest = i;
		if (!lowest || lower(v, variants[*lowest]))
			lowest = i;
		if (fits(v) && (!best || higher(v, variants[*best])))
			best = i;
	}

	switch (policy) {
	case VariantPolicy::Highest:
		return highest;
	case VariantPolicy::Lowest:
		return lowest;
	case VariantPolicy::Best:
		return best ? best : lowest;
	}
	return std::nullopt;
}

} /* namespace sluice */
