/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * DASH MPD reader for manifests from outside sources: what is offered, not how to fetch it.
 */

#include "mpdparse.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "xmlreader.h"

namespace sluice {

namespace {

std::string_view trim(std::string_view s)
{
	auto space = [](char c) {
		return c == ' ' || c == '\t' || c == '\r' || c == '\n';
	};
	while (!s.empty() && space(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && space(s.back()))
		s.remove_suffix(1);
	return s;
}

bool isDigit(char c)
{
	return c >= '0' && c <= '9';
}

template <typename T>
bool parseUnsigned(std::string_view s, T &out)
{
	s = trim(s);
	if (s.empty() || !isDigit(s.front()))
		return false;
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
	return ec == std::errc() && end == s.data() + s.size();
}

/* A non-negative decimal without exponent, sign, inf or nan. */
bool parseDecimal(std::string_view s, double &out)
{
	s = trim(s);
	if (s.empty() || !isDigit(s.front()))
		return false;
	for (char c : s) {
		if (!isDigit(c) && c != '.')
			return false;
	}
	auto [end, ec]
		= std::from_chars(s.data(), s.data() + s.size(), out, std::chars_format::fixed);
	return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

/* "30000/1001", "25" or, off the schema but seen in the wild, "29.97". */
bool parseFrameRate(std::string_view s, double &out)
{
	s = trim(s);
	size_t slash = s.find('/');
	if (slash == std::string_view::npos)
		return parseDecimal(s, out);
	double num = 0, den = 0;
	if (!parseDecimal(s.substr(0, slash), num) || !parseDecimal(s.substr(slash + 1), den)
	    || den <= 0)
		return false;
	out = num / den;
	return std::isfinite(out);
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
	/* H. Hinnant's days_from_civil. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = static_cast<unsigned>(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned daysInMonth(int64_t y, unsigned m)
{
	static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly n digits at pos. */
bool fixedDigits(std::string_view s, size_t &pos, size_t n, unsigned &out)
{
	if (s.size() - pos < n)
		return false;
	out = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isDigit(s[pos + i]))
			return false;
		out = out * 10 + static_cast<unsigned>(s[pos + i] - '0');
	}
	pos += n;
	return true;
}

bool expect(std::string_view s, size_t &pos, char c)
{
	if (pos >= s.size() || s[pos] != c)
		return false;
	pos++;
	return true;
}

/* Derives an AdaptationSet's contentType from a mimeType (and codecs for application/mp4). */
std::string contentTypeOf(std::string_view mimeType, std::string_view codecs)
{
	std::string_view major = mimeType.substr(0, mimeType.find('/'));
	if (major == "video" || major == "audio" || major == "text" || major == "image")
		return std::string(major);
	if (mimeType == "application/ttml+xml")
		return "text";
	if (mimeType == "application/mp4"
	    && (codecs.starts_with("stpp") || codecs.starts_with("wvtt")))
		return "text";
	return {};
}

/* Reads one element's attributes into the model; remembers the first error. */
class MpdBuilder
{
public:
	MpdBuilder(const XmlReader &reader, std::string &error) : reader_(reader), error_(error) { }

	bool ok() const { return ok_; }

	const std::string *attr(std::string_view name) const { return reader_.attribute(name); }

	template <typename T>
	void number(std::string_view element, std::string_view name, T &out)
	{
		const std::string *v = attr(name);
		if (v && !parseUnsigned(*v, out))
			fail("bad number", element, name, *v);
	}

	void duration(std::string_view element, std::string_view name, double &out)
	{
		const std::string *v = attr(name);
		bool ok = false;
		if (v && (out = parseXsDuration(*v, ok), !ok))
			fail("bad xs:duration", element, name, *v);
	}

	void frameRate(std::string_view element, double &out)
	{
		const std::string *v = attr("frameRate");
		if (v && !parseFrameRate(*v, out))
			fail("bad frame rate", element, "frameRate", *v);
	}

	/* A range is written "min max"; keeps the first. */
	void samplingRate(std::string_view element, uint32_t &out)
	{
		const std::string *v = attr("audioSamplingRate");
		if (!v)
			return;
		std::string_view first = trim(*v);
		first = first.substr(0, first.find_first_of(" \t\r\n"));
		if (!parseUnsigned(first, out))
			fail("bad number", element, "audioSamplingRate", *v);
	}

	void string(std::string_view name, std::string &out)
	{
		if (const std::string *v = attr(name))
			out = *v;
	}

	void fail(std::string_view what, std::string_view element, std::string_view name,
		  std::string_view value)
	{
		if (!ok_)
			return;
		ok_ = false;
		error_ = std::string(what) + " in " + std::string(element) + "@" + std::string(name)
			+ ": '" + std::string(value.substr(0, 64)) + "' (line "
			+ std::to_string(reader_.line()) + ")";
	}

private:
	const XmlReader &reader_;
	std::string &error_;
	bool ok_ = true;
};

void readRoot(MpdBuilder &b, Mpd &mpd)
{
	if (const std::string *type = b.attr("type")) {
		if (trim(*type) == "dynamic")
			mpd.dynamic = true;
		else if (trim(*type) != "static")
			b.fail("bad presentation type", "MPD", "type", *type);
	}
	b.duration("MPD", "mediaPresentationDuration", mpd.mediaPresentationDuration);
	b.duration("MPD", "minimumUpdatePeriod", mpd.minimumUpdatePeriod);
	b.duration("MPD", "timeShiftBufferDepth", mpd.timeShiftBufferDepth);
	if (const std::string *ast = b.attr("availabilityStartTime")) {
		bool ok = false;
		mpd.availabilityStartTimeMs = parseXsDateTime(*ast, ok);
		if (!ok)
			b.fail("bad xs:dateTime", "MPD", "availabilityStartTime", *ast);
	}
}

/* Whether the element path is MPD/Period/AdaptationSet/x: only there has a set been created. */
bool inAdaptationSet(const std::vector<std::string_view> &path)
{
	return path.size() == 4 && path[1] == "Period" && path[2] == "AdaptationSet";
}

/* Fills what DASH says follows from the others: Period starts (5.3.2.1). */
void completePeriods(Mpd &mpd)
{
	for (size_t i = 0; i < mpd.periods.size(); i++) {
		MpdPeriod &p = mpd.periods[i];
		if (p.start >= 0)
			continue;
		if (i == 0 && !mpd.dynamic)
			p.start = 0;
		else if (i > 0 && mpd.periods[i - 1].start >= 0 && mpd.periods[i - 1].duration >= 0)
			p.start = mpd.periods[i - 1].start + mpd.periods[i - 1].duration;
	}
}

} /* namespace */

double parseXsDuration(std::string_view text, bool &ok)
{
	ok = false;
	std::string_view s = trim(text);
	if (!s.starts_with('P'))
		return 0;

	/* Designators in the order they may appear, with their length in seconds. */
	struct Unit {
		char designator;
		bool time;
		double seconds;
	};
	static constexpr Unit units[] = {
		{'Y', false, 365 * 86400.0}, {'M', false, 30 * 86400.0}, {'D', false, 86400.0},
		{'H', true, 3600.0},	     {'M', true, 60.0},		 {'S', true, 1.0},
	};

	double total = 0;
	size_t next = 0; /* index of the first unit still allowed */
	bool inTime = false, any = false, anyTime = false;
	size_t pos = 1;
	while (pos < s.size()) {
		if (s[pos] == 'T') {
			if (inTime)
				return 0;
			inTime = true;
			next = 3;
			pos++;
			continue;
		}
		size_t start = pos;
		while (pos < s.size() && isDigit(s[pos]))
			pos++;
		if (pos == start)
			return 0;
		bool fraction = pos < s.size() && s[pos] == '.';
		if (fraction) {
			pos++;
			while (pos < s.size() && isDigit(s[pos]))
				pos++;
		}
		if (pos >= s.size())
			return 0;
		char designator = s[pos];
		std::string_view digits = s.substr(start, pos - start);
		pos++;

		size_t u = next;
		while (u < 6 && (units[u].designator != designator || units[u].time != inTime))
			u++;
		if (u == 6 || (fraction && designator != 'S'))
			return 0;
		next = u + 1;

		double value = 0;
		auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
						 value, std::chars_format::fixed);
		if (ec != std::errc() || end != digits.data() + digits.size())
			return 0;
		total += value * units[u].seconds;
		any = true;
		anyTime |= inTime;
	}
	if (!any || (inTime && !anyTime) || !std::isfinite(total))
		return 0;
	ok = true;
	return total;
}

int64_t parseXsDateTime(std::string_view text, bool &ok)
{
	ok = false;
	std::string_view s = trim(text);
	size_t pos = 0;
	unsigned year, month, day, hour, minute, second = 0;
	if (!fixedDigits(s, pos, 4, year) || !expect(s, pos, '-') || !fixedDigits(s, pos, 2, month)
	    || !expect(s, pos, '-') || !fixedDigits(s, pos, 2, day) || !expect(s, pos, 'T')
	    || !fixedDigits(s, pos, 2, hour) || !expect(s, pos, ':')
	    || !fixedDigits(s, pos, 2, minute))
		return 0;
	int64_t ms = 0;
	if (pos < s.size() && s[pos] == ':') {
		pos++;
		if (!fixedDigits(s, pos, 2, second))
			return 0;
		if (pos < s.size() && s[pos] == '.') {
			pos++;
			size_t start = pos;
			int64_t scale = 100;
			for (; pos < s.size() && isDigit(s[pos]); pos++, scale /= 10)
				ms += (s[pos] - '0') * scale;
			if (pos == start)
				return 0;
		}
	}
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23
	    || minute > 59 || second > 60)
		return 0;

	int64_t offsetMinutes = 0;
	if (pos < s.size() && s[pos] == 'Z') {
		pos++;
	} else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
		int sign = s[pos++] == '-' ? -1 : 1;
		unsigned oh, om;
		if (!fixedDigits(s, pos, 2, oh))
			return 0;
		expect(s, pos, ':');
		if (!fixedDigits(s, pos, 2, om) || oh > 14 || om > 59)
			return 0;
		offsetMinutes = sign * static_cast<int64_t>(oh * 60 + om);
	}
	if (pos != s.size())
		return 0;

	int64_t days = daysFromCivil(year, month, day);
	int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
	ok = true;
	return seconds * 1000 + ms;
}

bool parseMpd(std::string_view xml, Mpd &out, std::string &error)
{
	if (xml.size() > kMpdMaxBytes) {
		error = "manifest too large: " + std::to_string(xml.size()) + " bytes, limit "
			+ std::to_string(kMpdMaxBytes);
		return false;
	}

	out = {};
	XmlReader reader(xml, {kMpdMaxDepth, kMpdMaxElements});
	MpdBuilder b(reader, error);
	/* Local names from the root down to the current element. */
	std::vector<std::string_view> path;
	MpdRepresentation setDefaults; /* what the current AdaptationSet passes down */
	bool sawRoot = false;

	for (;;) {
		XmlReader::Token token = reader.next();
		if (token == XmlReader::Token::Error) {
			error = std::string(sawRoot ? "malformed XML: " : "not XML: ")
				+ reader.error() + " (line " + std::to_string(reader.line()) + ")";
			return false;
		}
		if (token == XmlReader::Token::EndOfDocument)
			break;

		std::string_view name = reader.localName();
		if (token == XmlReader::Token::EndElement) {
			path.pop_back();
			if (path.size() == 2 && name == "AdaptationSet" && path[1] == "Period") {
				MpdAdaptationSet &set = out.periods.back().adaptationSets.back();
				if (set.contentType.empty())
					set.contentType
						= contentTypeOf(set.mimeType, setDefaults.codecs);
				if (set.contentType.empty() && !set.representations.empty()) {
					const MpdRepresentation &r = set.representations.front();
					set.contentType = contentTypeOf(r.mimeType, r.codecs);
				}
			}
			continue;
		}

		path.push_back(name);
		sawRoot = true;
		if (path.size() == 1) {
			if (name != "MPD") {
				error = "not a DASH manifest: root element is <"
					+ std::string(reader.name().substr(0, 64)) + ">";
				return false;
			}
			readRoot(b, out);
		} else if (path.size() == 2 && name == "Period") {
			MpdPeriod &p = out.periods.emplace_back();
			b.string("id", p.id);
			b.duration("Period", "start", p.start);
			b.duration("Period", "duration", p.duration);
		} else if (path.size() == 3 && name == "AdaptationSet" && path[1] == "Period") {
			MpdAdaptationSet &set = out.periods.back().adaptationSets.emplace_back();
			b.string("contentType", set.contentType);
			b.string("mimeType", set.mimeType);
			b.string("lang", set.lang);
			setDefaults = {};
			setDefaults.mimeType = set.mimeType;
			setDefaults.lang = set.lang;
			b.string("codecs", setDefaults.codecs);
			b.number("AdaptationSet", "width", setDefaults.width);
			b.number("AdaptationSet", "height", setDefaults.height);
			b.frameRate("AdaptationSet", setDefaults.frameRate);
			b.samplingRate("AdaptationSet", setDefaults.audioSamplingRate);
		} else if (path.size() == 4 && name == "ContentComponent"
			   && inAdaptationSet(path)) {
			MpdAdaptationSet &set = out.periods.back().adaptationSets.back();
			if (set.contentType.empty())
				b.string("contentType", set.contentType);
		} else if (path.size() == 4 && name == "Representation" && inAdaptationSet(path)) {
			MpdAdaptationSet &set = out.periods.back().adaptationSets.back();
			MpdRepresentation &r = set.representations.emplace_back(setDefaults);
			b.string("id", r.id);
			b.string("mimeType", r.mimeType);
			b.string("codecs", r.codecs);
			b.string("lang", r.lang);
			b.number("Representation", "bandwidth", r.bandwidth);
			b.number("Representation", "width", r.width);
			b.number("Representation", "height", r.height);
			b.frameRate("Representation", r.frameRate);
			b.samplingRate("Representation", r.audioSamplingRate);
		}
		if (!b.ok())
			return false;
	}

	if (out.periods.empty()) {
		error = "no Period in MPD";
		return false;
	}
	completePeriods(out);
	return true;
}

std::vector<const MpdRepresentation *> representationsOf(const Mpd &mpd,
							 std::string_view contentType)
{
	std::vector<const MpdRepresentation *> reps;
	if (mpd.periods.empty())
		return reps;
	for (const MpdAdaptationSet &set : mpd.periods.front().adaptationSets) {
		if (!contentType.empty() && set.contentType != contentType)
			continue;
		for (const MpdRepresentation &r : set.representations)
			reps.push_back(&r);
	}
	return reps;
}

} /* namespace sluice */
