/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * DASH MPD (ISO/IEC 23009-1, DASH-IF IOP v4.3 live profile) rendered from a SegmentWindow.
 */

#include "dash.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "xmlreader.h"

namespace sluice {

namespace {

void attr(std::string &out, const char *name, const std::string &value)
{
	out += ' ';
	out += name;
	out += "=\"" + xmlEscape(value) + '"';
}

void attr(std::string &out, const char *name, uint64_t value)
{
	attr(out, name, std::to_string(value));
}

/* xs:duration with millisecond precision: PT2S, PT1.2S, PT0.021S. */
std::string duration(double seconds)
{
	const auto ms = static_cast<uint64_t>(std::llround(std::max(seconds, 0.0) * 1000.0));
	std::string out = "PT" + std::to_string(ms / 1000);
	if (ms % 1000) {
		std::string fraction = std::to_string(1000 + ms % 1000).substr(1);
		while (fraction.back() == '0')
			fraction.pop_back();
		out += "." + fraction;
	}
	return out + "S";
}

std::string frameRate(const Fraction &rate)
{
	if (rate.den == 1)
		return std::to_string(rate.num);
	return std::to_string(rate.num) + "/" + std::to_string(rate.den);
}

/*
 * Representations of one AdaptationSet are switchable alternatives, so audio in different
 * languages can't share one: audio is grouped per language, video in one set. Groups are
 * made from every track, not per period, so a set keeps its @id across periods.
 */
struct Group {
	TrackKind kind;
	std::string language;
	std::vector<size_t> tracks;
};

std::vector<Group> groupTracks(const SegmentWindow &window)
{
	std::vector<Group> groups;
	for (size_t i = 0; i < window.trackCount(); i++) {
		const TrackDescription &t = window.track(i);
		const std::string language
			= t.kind == TrackKind::Audio ? languageTag(t.language) : "";
		auto it = std::find_if(groups.begin(), groups.end(), [&](const Group &g) {
			return g.kind == t.kind && g.language == language;
		});
		if (it == groups.end())
			groups.push_back({t.kind, language, {i}});
		else
			it->tracks.push_back(i);
	}
	std::stable_partition(groups.begin(), groups.end(),
			      [](const Group &g) { return g.kind == TrackKind::Video; });
	return groups;
}

/* The segments of a track in one period: contiguous in the window, since periods only grow. */
std::vector<SegmentRecord> periodSegments(const SegmentWindow &window, size_t track,
					  uint32_t period)
{
	std::vector<SegmentRecord> out;
	for (const SegmentRecord &s : window.segments(track)) {
		if (s.period == period)
			out.push_back(s);
	}
	return out;
}

/* Segments before the first listed one, in the same Period: where they began, how many. */
struct EvictedRun {
	uint64_t startTime = 0;
	uint64_t count = 0;
};

void appendTimeline(std::string &out, const std::vector<SegmentRecord> &segments,
		    const EvictedRun &evicted)
{
	struct Run {
		uint64_t t;
		bool explicitT;
		uint64_t d;
		uint64_t r;
	};
	std::vector<Run> runs;
	uint64_t next = 0;
	/*
	 * Evicted segments, summarised: count segments of the mean duration, the last one taking
	 * the rest, so the count and the total duration (hence every later S@t and number) hold.
	 */
	const uint64_t total = segments.front().startTime - evicted.startTime;
	if (evicted.count > 0 && total >= evicted.count) {
		const uint64_t mean = total / evicted.count;
		const uint64_t last = total - mean * (evicted.count - 1);
		if (evicted.count > 1)
			runs.push_back({evicted.startTime, true, mean, evicted.count - 2});
		if (runs.empty())
			runs.push_back({evicted.startTime, true, last, 0});
		else if (last == mean)
			runs.back().r++;
		else
			runs.push_back({0, false, last, 0});
		next = segments.front().startTime;
	}
	for (const SegmentRecord &s : segments) {
		const bool contiguous = !runs.empty() && s.startTime == next;
		if (contiguous && runs.back().d == s.duration)
			runs.back().r++;
		else
			runs.push_back({s.startTime, !contiguous, s.duration, 0});
		next = s.startTime + s.duration;
	}

	out += "          <SegmentTimeline>\n";
	for (const Run &run : runs) {
		out += "            <S";
		if (run.explicitT)
			attr(out, "t", run.t);
		attr(out, "d", run.d);
		if (run.r)
			attr(out, "r", run.r);
		out += "/>\n";
	}
	out += "          </SegmentTimeline>\n";
}

void appendRepresentation(std::string &out, const SegmentWindow &window, size_t track,
			  const PeriodRecord &period, const std::vector<SegmentRecord> &segments,
			  bool fromPeriodStart, MpdAddressing addressing)
{
	EvictedRun evicted;
	const SegmentRecord *first = window.firstSegment(track, period.index);
	if (fromPeriodStart && first && first->number < segments.front().number
	    && first->startTime < segments.front().startTime)
		evicted = {first->startTime, segments.front().number - first->number};

	const TrackDescription &t = window.track(track, period.index);
	const uint32_t timescale = std::max<uint32_t>(t.timescale, 1);

	out += "      <Representation";
	attr(out, "id", t.id);
	attr(out, "codecs", t.codecs);
	attr(out, "bandwidth", std::max<uint64_t>(window.bandwidth(track), 1));
	if (t.kind == TrackKind::Video) {
		if (t.width && t.height) {
			attr(out, "width", t.width);
			attr(out, "height", t.height);
		}
		if (t.frameRate.num && t.frameRate.den)
			attr(out, "frameRate", frameRate(t.frameRate));
		if (t.pixelAspect.num && t.pixelAspect.den)
			attr(out, "sar",
			     std::to_string(t.pixelAspect.num) + ":"
				     + std::to_string(t.pixelAspect.den));
	} else if (t.sampleRate) {
		attr(out, "audioSamplingRate", t.sampleRate);
	}
	out += ">\n";

	if (t.kind == TrackKind::Audio && t.channels) {
		out += "        <AudioChannelConfiguration";
		attr(out, "schemeIdUri", "urn:mpeg:dash:23003:3:audio_channel_configuration:2011");
		attr(out, "value", t.channels);
		out += "/>\n";
	}

	out += "        <SegmentTemplate";
	attr(out, "timescale", timescale);
	attr(out, "presentationTimeOffset",
	     static_cast<uint64_t>(std::llround(period.start * timescale)));
	if (addressing == MpdAddressing::Number)
		attr(out, "startNumber", segments.front().number - evicted.count);
	attr(out, "initialization",
	     "$RepresentationID$-init-" + std::to_string(period.index) + ".mp4");
	attr(out, "media",
	     addressing == MpdAddressing::Number ? "$RepresentationID$-$Number$.m4s"
						 : "$RepresentationID$-t$Time$.m4s");
	out += ">\n";
	appendTimeline(out, segments, evicted);
	out += "        </SegmentTemplate>\n";
	out += "      </Representation>\n";
}

void appendAdaptationSet(std::string &out, const SegmentWindow &window, const Group &group,
			 size_t groupId, const PeriodRecord &period, bool fromPeriodStart,
			 MpdAddressing addressing)
{
	/* A track without segments in this period isn't in it (a track can join late). */
	std::vector<std::pair<size_t, std::vector<SegmentRecord>>> members;
	for (size_t i : group.tracks) {
		std::vector<SegmentRecord> segments = periodSegments(window, i, period.index);
		if (!segments.empty())
			members.emplace_back(i, std::move(segments));
	}
	if (members.empty())
		return;

	const bool video = group.kind == TrackKind::Video;
	out += "    <AdaptationSet";
	attr(out, "id", groupId);
	attr(out, "contentType", video ? "video" : "audio");
	attr(out, "mimeType", video ? "video/mp4" : "audio/mp4");
	if (!video)
		attr(out, "lang", group.language);
	attr(out, "segmentAlignment", "true");
	attr(out, "startWithSAP", "1");
	if (video) {
		uint32_t maxWidth = 0;
		uint32_t maxHeight = 0;
		Fraction maxRate {0, 1};
		for (const auto &member : members) {
			const TrackDescription &t = window.track(member.first, period.index);
			maxWidth = std::max(maxWidth, t.width);
			maxHeight = std::max(maxHeight, t.height);
			if (t.frameRate.den
			    && static_cast<uint64_t>(t.frameRate.num) * maxRate.den
				    > static_cast<uint64_t>(maxRate.num) * t.frameRate.den)
				maxRate = t.frameRate;
		}
		if (maxWidth && maxHeight) {
			attr(out, "maxWidth", maxWidth);
			attr(out, "maxHeight", maxHeight);
		}
		if (maxRate.num)
			attr(out, "maxFrameRate", frameRate(maxRate));
	}
	out += ">\n";

	for (const auto &[track, segments] : members)
		appendRepresentation(out, window, track, period, segments, fromPeriodStart,
				     addressing);

	out += "    </AdaptationSet>\n";
}

} /* namespace */

std::string renderMpd(const SegmentWindow &window, int64_t nowMs, MpdTimeline timeline,
		      MpdAddressing addressing, double presentationDelay)
{
	/*
	 * A live stream that ended becomes static (DASH-IF IOP 4.6: dynamic to static at the end
	 * of a live presentation). Left dynamic with a duration, ffmpeg 5.1 polls it forever and
	 * dashdemux2 1.22 refuses it once the wall clock is past its end.
	 */
	const bool dynamic = window.config().mode == WindowMode::Live && !window.ended();
	const double target = window.targetDurationSeconds();
	const std::deque<PeriodRecord> &periods = window.periods();

	/*
	 * Period@start counts from where the timeline begins: the first period ever, so the
	 * first Period starts at PT0S (dashdemux2 1.22 adds a non-zero Period@start twice when it
	 * re-reads a live MPD, and skips a segment per update). availabilityStartTime is the wall
	 * clock there. A live MPD that ends keeps this timing (DASH-IF IOP 4.6), so a client that
	 * followed it sees no jump; a VOD timeline starts at its first segment anyway, so a
	 * stream whose timestamps begin at 10 s doesn't open with 10 s of nothing.
	 */
	const double origin = window.timelineOrigin();

	/*
	 * The start tag holds nothing but the namespace, profile, type and timing, so that it
	 * ends well within the 512 bytes GStreamer's typefinder looks at.
	 */
	std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
	out += "<MPD";
	attr(out, "xmlns", "urn:mpeg:dash:schema:mpd:2011");
	attr(out, "profiles", "urn:mpeg:dash:profile:isoff-live:2011");
	if (dynamic) {
		double earliest = window.presentationEnd();
		for (size_t i = 0; i < window.trackCount(); i++) {
			const std::deque<SegmentRecord> &segments = window.segments(i);
			if (segments.empty())
				continue;
			const SegmentRecord &first = segments.front();
			const uint32_t timescale
				= std::max<uint32_t>(window.track(i, first.period).timescale, 1);
			earliest = std::min(earliest,
					    static_cast<double>(first.startTime) / timescale);
		}

		attr(out, "type", "dynamic");
		attr(out, "availabilityStartTime",
		     formatUtcTime(window.availabilityStartTimeMs()
				   + static_cast<int64_t>(std::llround(origin * 1000.0))));
		attr(out, "publishTime", formatUtcTime(nowMs));
		attr(out, "minimumUpdatePeriod", duration(target));
		/*
		 * What the window holds, but never less than the presentation delay: a client
		 * starting suggestedPresentationDelay behind the live edge must land inside it.
		 */
		const double delay = presentationDelay > 0 ? presentationDelay : 3 * target;
		attr(out, "timeShiftBufferDepth",
		     duration(std::max(window.presentationEnd() - earliest, delay)));
		attr(out, "suggestedPresentationDelay", duration(delay));
	} else {
		attr(out, "type", "static");
		attr(out, "mediaPresentationDuration", duration(window.presentationEnd() - origin));
	}
	/* @bandwidth is the peak segment bitrate, so one segment's worth of buffer suffices. */
	attr(out, "minBufferTime", duration(target));
	out += ">\n";

	const std::vector<Group> groups = groupTracks(window);
	for (const PeriodRecord &period : periods) {
		out += "  <Period";
		attr(out, "id", "p" + std::to_string(period.index));
		attr(out, "start", duration(period.start - origin));
		out += ">\n";
		for (size_t g = 0; g < groups.size(); g++)
			appendAdaptationSet(out, window, groups[g], g, period,
					    dynamic && timeline == MpdTimeline::FromPeriodStart,
					    addressing);
		out += "  </Period>\n";
	}
	/* The schema wants at least one Period, even before the first segment. */
	if (periods.empty())
		out += "  <Period id=\"p0\" start=\"PT0S\"/>\n";

	if (dynamic) {
		out += "  <UTCTiming";
		attr(out, "schemeIdUri", "urn:mpeg:dash:utc:direct:2014");
		attr(out, "value", formatUtcTime(nowMs));
		out += "/>\n";
	}
	out += "</MPD>\n";
	return out;
}

std::string restampUtcTiming(std::string_view mpd, int64_t nowMs)
{
	std::string text(mpd);
	const size_t scheme = text.find("\"urn:mpeg:dash:utc:direct:2014\"");
	if (scheme == std::string::npos)
		return text;
	const size_t tagStart = text.rfind("<UTCTiming", scheme);
	const size_t tagEnd = text.find('>', scheme);
	if (tagStart == std::string::npos || tagEnd == std::string::npos)
		return text;
	const size_t value = text.find("value=\"", tagStart);
	if (value == std::string::npos || value > tagEnd)
		return text;
	const size_t begin = value + sizeof("value=\"") - 1;
	const size_t end = text.find('"', begin);
	if (end == std::string::npos || end > tagEnd)
		return text;
	text.replace(begin, end - begin, formatUtcTime(nowMs));
	return text;
}

std::string addMpdBaseUrl(std::string_view mpd, std::string_view baseUrl)
{
	std::string text(mpd);
	size_t open = text.find("<MPD");
	if (open == std::string::npos)
		return text;
	size_t at = text.find('>', open);
	if (at == std::string::npos)
		return text;
	at++;
	const size_t info = text.find("<ProgramInformation", at);
	const size_t period = text.find("<Period", at);
	if (info != std::string::npos && (period == std::string::npos || info < period)) {
		const size_t close = text.find("</ProgramInformation>", info);
		const size_t selfClose = text.find("/>", info);
		const size_t tagEnd = text.find('>', info);
		if (tagEnd != std::string::npos && selfClose != std::string::npos
		    && selfClose + 1 == tagEnd)
			at = tagEnd + 1;
		else if (close != std::string::npos)
			at = close + sizeof("</ProgramInformation>") - 1;
	}
	/* Indent like the next element. */
	std::string indent = "\n  ";
	const size_t next = text.find('<', at);
	if (next != std::string::npos) {
		const size_t lineStart = text.rfind('\n', next);
		if (lineStart != std::string::npos && lineStart >= at)
			indent = text.substr(lineStart, next - lineStart);
	}
	std::string element = indent + "<BaseURL>" + std::string(baseUrl) + "</BaseURL>";
	text.insert(at, element);
	return text;
}

} /* namespace sluice */
