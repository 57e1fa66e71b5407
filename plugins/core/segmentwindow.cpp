/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The segment window: numbering, periods and eviction of the segments both manifests list.
 */

#include "segmentwindow.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace sluice {

namespace {

double seconds(uint64_t ticks, uint32_t timescale)
{
	return static_cast<double>(ticks) / std::max<uint32_t>(timescale, 1);
}

} /* namespace */

std::string initSegmentName(const std::string &trackId, uint32_t period)
{
	return trackId + "-init-" + std::to_string(period) + ".mp4";
}

std::string mediaSegmentName(const std::string &trackId, uint64_t number)
{
	return trackId + "-" + std::to_string(number) + ".m4s";
}

std::string mediaSegmentTimeName(const std::string &trackId, uint64_t startTime)
{
	return trackId + "-t" + std::to_string(startTime) + ".m4s";
}

std::string mediaPlaylistName(const std::string &trackId)
{
	return trackId + ".m3u8";
}

std::string formatUtcTime(int64_t ms)
{
	using namespace std::chrono;

	const sys_time<milliseconds> time {milliseconds {ms}};
	const sys_days day = floor<days>(time);
	const year_month_day date {day};
	const hh_mm_ss<milliseconds> clock {time - day};

	/* snprintf with integer conversions only: no locale can change the output. */
	char buf[40];
	std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
		      static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
		      static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
		      static_cast<int>(clock.minutes().count()),
		      static_cast<int>(clock.seconds().count()),
		      static_cast<int>(clock.subseconds().count()));
	return buf;
}

std::string languageTag(const std::string &iso639)
{
	/* ISO 639-2 (terminology and bibliographic) codes of the languages a broadcaster meets. */
	static constexpr std::pair<std::string_view, std::string_view> kTable[] = {
		{"ara", "ar"}, {"ben", "bn"}, {"bul", "bg"}, {"cat", "ca"}, {"ces", "cs"},
		{"chi", "zh"}, {"cym", "cy"}, {"cze", "cs"}, {"dan", "da"}, {"deu", "de"},
		{"dut", "nl"}, {"ell", "el"}, {"eng", "en"}, {"est", "et"}, {"eus", "eu"},
		{"fas", "fa"}, {"fin", "fi"}, {"fra", "fr"}, {"fre", "fr"}, {"gle", "ga"},
		{"ger", "de"}, {"gre", "el"}, {"heb", "he"}, {"hin", "hi"}, {"hrv", "hr"},
		{"hun", "hu"}, {"ind", "id"}, {"isl", "is"}, {"ita", "it"}, {"jpn", "ja"},
		{"kor", "ko"}, {"lav", "lv"}, {"lit", "lt"}, {"msa", "ms"}, {"nld", "nl"},
		{"nor", "no"}, {"per", "fa"}, {"pol", "pl"}, {"por", "pt"}, {"ron", "ro"},
		{"rum", "ro"}, {"rus", "ru"}, {"slk", "sk"}, {"slo", "sk"}, {"slv", "sl"},
		{"spa", "es"}, {"srp", "sr"}, {"swe", "sv"}, {"tam", "ta"}, {"tha", "th"},
		{"tur", "tr"}, {"ukr", "uk"}, {"urd", "ur"}, {"vie", "vi"}, {"zho", "zh"},
	};

	for (const auto &[code, tag] : kTable) {
		if (code == iso639)
			return std::string(tag);
	}
	return iso639.empty() ? std::string("und") : iso639;
}

SegmentWindow::SegmentWindow(const WindowConfig &config) : config_(config)
{
}

size_t SegmentWindow::addTrack(const TrackDescription &track)
{
	Track t;
	t.description = track;
	t.period = discontinuityPending_ ? currentPeriod_ + 1 : currentPeriod_;
	tracks_.push_back(std::move(t));
	return tracks_.size() - 1;
}

void SegmentWindow::updateTrack(size_t index, const TrackDescription &track)
{
	if (index < tracks_.size())
		tracks_[index].description = track;
}

std::vector<SegmentRecord> SegmentWindow::append(size_t index, SegmentRecord segment)
{
	std::vector<SegmentRecord> evicted;
	if (index >= tracks_.size())
		return evicted;

	Track &t = tracks_[index];
	const uint32_t timescale = std::max<uint32_t>(t.description.timescale, 1);

	/* A track that was not told of the newest period joins it once its media get there. */
	if (started_ && t.period < currentPeriod_ && !periods_.empty()
	    && periods_.back().index == currentPeriod_
	    && seconds(segment.startTime, timescale) >= periods_.back().start)
		t.period = currentPeriod_;
	segment.number = t.nextNumber++;
	segment.period = t.period;

	const double startS = seconds(segment.startTime, timescale);
	if (!started_)
		timelineOrigin_ = startS;
	if (!started_ || segment.period > currentPeriod_) {
		periods_.push_back({segment.period, startS});
		currentPeriod_ = segment.period;
		discontinuityPending_ = false;
		started_ = true;
	} else if (startS < periods_.back().start && segment.period == periods_.back().index
		   && (t.periodFirsts.empty() || t.periodFirsts.back().period != segment.period)) {
		/*
		 * A track's first segment in the period begins before the track that opened it
		 * (audio often starts a few ms before video): the period begins with the earliest,
		 * so no segment starts before its Period (DASH presentationTimeOffset; GStreamer's
		 * dashdemux2 wraps a negative start around). Manifests are served once every track
		 * has a segment, so no client sees the earlier start.
		 */
		if (periods_.size() == 1 && timelineOrigin_ == periods_.back().start
		    && segment.period == 0)
			timelineOrigin_ = startS;
		periods_.back().start = startS;
	}

	/*
	 * Media time 0 in UTC. Taken from the first segment that carries a wall clock, which is
	 * the first segment of period 0 whenever the element knows the time from the start.
	 */
	if (!availabilityKnown_ && segment.wallClockMs != 0) {
		const auto mediaMs = static_cast<int64_t>(
			std::llround(seconds(segment.startTime, timescale) * 1000.0));
		availabilityStartMs_ = segment.wallClockMs - mediaMs;
		availabilityKnown_ = true;
	}

	if (segment.duration > 0) {
		const uint64_t bits = segment.size * 8;
		const uint64_t bps = (bits * timescale + segment.duration - 1) / segment.duration;
		t.peakBandwidth = std::max(t.peakBandwidth, bps);
		t.maxDuration = std::max(t.maxDuration, seconds(segment.duration, timescale));
	}
	t.totalBytes += segment.size;
	t.totalSeconds += seconds(segment.duration, timescale);

	/* The last description seen within a period is the one its manifests describe. */
	if (t.periodDescriptions.empty() || t.periodDescriptions.back().first != segment.period) {
		t.periodDescriptions.emplace_back(segment.period, t.description);
		t.periodFirsts.push_back(segment);
	} else
		t.periodDescriptions.back().second = t.description;

	t.segments.push_back(segment);

	if (config_.mode == WindowMode::Live && config_.windowSize > 0) {
		while (t.segments.size() > config_.windowSize) {
			evicted.push_back(t.segments.front());
			t.segments.pop_front();
		}
		while (t.periodDescriptions.size() > 1
		       && t.periodDescriptions.front().first < t.segments.front().period)
			t.periodDescriptions.pop_front();
		while (t.periodFirsts.size() > 1
		       && t.periodFirsts.front().period < t.segments.front().period)
			t.periodFirsts.pop_front();
		if (!evicted.empty())
			dropEmptyPeriods();
	}

	return evicted;
}

const SegmentRecord *SegmentWindow::firstSegment(size_t track, uint32_t period) const
{
	if (track >= tracks_.size())
		return nullptr;
	for (const SegmentRecord &first : tracks_[track].periodFirsts) {
		if (first.period == period)
			return &first;
	}
	return nullptr;
}

void SegmentWindow::dropEmptyPeriods()
{
	std::erase_if(periods_, [this](const PeriodRecord &p) {
		return std::none_of(tracks_.begin(), tracks_.end(), [&p](const Track &t) {
			return std::any_of(
				t.segments.begin(), t.segments.end(),
				[&p](const SegmentRecord &s) { return s.period == p.index; });
		});
	});
}

void SegmentWindow::startDiscontinuity()
{
	/*
	 * Before the first segment there is nothing to break from: period 0 simply starts with
	 * the new source. Two calls without a segment in between make one discontinuity.
	 */
	if (!started_ || discontinuityPending_)
		return;

	discontinuityPending_ = true;
	for (Track &t : tracks_)
		t.period = currentPeriod_ + 1;
}

void SegmentWindow::startDiscontinuity(size_t index)
{
	if (!started_ || index >= tracks_.size())
		return;
	Track &t = tracks_[index];
	const uint32_t newest = discontinuityPending_ ? currentPeriod_ + 1 : currentPeriod_;
	if (t.period < newest) {
		t.period = newest; /* joins the period another track opened */
		return;
	}
	/* Already at the start of the newest period: nothing of it to break from. */
	if (discontinuityPending_ || t.segments.empty() || t.segments.back().period != newest)
		return;
	discontinuityPending_ = true;
	t.period = currentPeriod_ + 1;
}

void SegmentWindow::end()
{
	ended_ = true;
}

const TrackDescription &SegmentWindow::track(size_t index, uint32_t period) const
{
	const Track &t = tracks_[index];
	for (const auto &[p, description] : t.periodDescriptions) {
		if (p == period)
			return description;
	}
	return t.description;
}

const PeriodRecord *SegmentWindow::period(uint32_t index) const
{
	for (const PeriodRecord &p : periods_) {
		if (p.index == index)
			return &p;
	}
	return nullptr;
}

/*
 * Live: the configured target, so that EXT-X-TARGETDURATION never changes while clients poll
 * (RFC 8216 6.2.1 forbids changing it); the element must cut segments no longer than that.
 * VOD: the playlists are rendered once, at the end, so the target can also cover the longest
 * segment actually produced (rounded half up, like EXTINF is compared against it).
 */
uint32_t SegmentWindow::targetDurationSeconds() const
{
	uint32_t target = std::max<uint32_t>(1, (config_.targetDurationMs + 999) / 1000);
	if (config_.mode == WindowMode::Vod) {
		const auto longest = static_cast<uint32_t>(std::floor(maxSegmentDuration() + 0.5));
		target = std::max(target, longest);
	}
	return target;
}

double SegmentWindow::maxSegmentDuration() const
{
	double longest = 0.0;
	for (const Track &t : tracks_)
		longest = std::max(longest, t.maxDuration);
	return longest;
}

uint64_t SegmentWindow::bandwidth(size_t index) const
{
	const Track &t = tracks_[index];
	return t.description.bandwidth ? t.description.bandwidth : t.peakBandwidth;
}

uint64_t SegmentWindow::averageBandwidth(size_t index) const
{
	const Track &t = tracks_[index];
	if (t.description.bandwidth)
		return t.description.bandwidth;
	if (t.totalSeconds <= 0.0)
		return 0;
	return static_cast<uint64_t>(
		std::ceil(static_cast<double>(t.totalBytes) * 8.0 / t.totalSeconds));
}

double SegmentWindow::presentationEnd() const
{
	double end = 0.0;
	for (size_t i = 0; i < tracks_.size(); i++) {
		const Track &t = tracks_[i];
		if (t.segments.empty())
			continue;
		const SegmentRecord &last = t.segments.back();
		const uint32_t timescale = track(i, last.period).timescale;
		end = std::max(end, seconds(last.startTime + last.duration, timescale));
	}
	return end;
}

} /* namespace sluice */
