/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS (RFC 8216, version 7) multivariant and media playlists rendered from a SegmentWindow.
 */

#include "hls.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace sluice {

namespace {

/* Locale-independent fixed-point decimal (EXTINF, FRAME-RATE). */
std::string decimal(double value, int precision)
{
	char buf[64];
	const auto [end, ec]
		= std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed, precision);
	if (ec != std::errc())
		return "0";
	return std::string(buf, end);
}

/* RFC 8216 4.2 quoted-string: no double quote, CR or LF inside. */
std::string quoted(const std::string &value)
{
	std::string out = "\"";
	for (char c : value) {
		if (c != '"' && c != '\r' && c != '\n')
			out += c;
	}
	out += '"';
	return out;
}

void appendMap(std::string &out, const std::string &trackId, uint32_t period)
{
	out += "#EXT-X-MAP:URI=" + quoted(initSegmentName(trackId, period)) + "\n";
}

/* The distinct codecs of some tracks, in track order, comma-separated. */
std::string codecList(const SegmentWindow &window, const std::vector<size_t> &tracks)
{
	std::vector<std::string> codecs;
	for (size_t i : tracks) {
		const std::string &c = window.track(i).codecs;
		if (std::find(codecs.begin(), codecs.end(), c) == codecs.end())
			codecs.push_back(c);
	}

	std::string out;
	for (const std::string &c : codecs)
		out += (out.empty() ? "" : ",") + c;
	return out;
}

/*
 * BANDWIDTH is a required upper bound. Before a track has a segment and without an announced
 * bitrate nothing is known; 1 keeps the attribute a positive integer (some clients treat 0 as
 * "missing") while ranking the variant lowest until a later multivariant playlist knows better.
 */
void appendBandwidths(std::string &out, uint64_t peak, uint64_t average)
{
	out += "BANDWIDTH=" + std::to_string(std::max<uint64_t>(peak, 1));
	if (average)
		out += ",AVERAGE-BANDWIDTH=" + std::to_string(average);
}

} /* namespace */

std::string renderMultivariantPlaylist(const SegmentWindow &window)
{
	/* A track whose codecs are unknown can't be announced: a client would have to guess. */
	std::vector<size_t> video;
	std::vector<size_t> audio;
	for (size_t i = 0; i < window.trackCount(); i++) {
		const TrackDescription &t = window.track(i);
		if (t.codecs.empty())
			continue;
		(t.kind == TrackKind::Video ? video : audio).push_back(i);
	}

	std::string out = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n";

	if (video.empty()) {
		for (size_t i : audio) {
			out += "#EXT-X-STREAM-INF:";
			appendBandwidths(out, window.bandwidth(i), window.averageBandwidth(i));
			out += ",CODECS=" + quoted(window.track(i).codecs) + "\n";
			out += mediaPlaylistName(window.track(i).id) + "\n";
		}
		return out;
	}

	uint64_t audioPeak = 0;
	uint64_t audioAverage = 0;
	bool audioAverageKnown = true;
	for (size_t n = 0; n < audio.size(); n++) {
		const TrackDescription &t = window.track(audio[n]);
		audioPeak = std::max(audioPeak, window.bandwidth(audio[n]));
		audioAverage = std::max(audioAverage, window.averageBandwidth(audio[n]));
		audioAverageKnown = audioAverageKnown && window.averageBandwidth(audio[n]) != 0;

		out += "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=" + quoted(t.id);
		out += ",LANGUAGE=" + quoted(languageTag(t.language));
		out += n == 0 ? ",DEFAULT=YES" : ",DEFAULT=NO";
		out += ",AUTOSELECT=YES";
		if (t.channels)
			out += ",CHANNELS=\"" + std::to_string(t.channels) + "\"";
		out += ",URI=" + quoted(mediaPlaylistName(t.id)) + "\n";
	}
	const std::string audioCodecs = codecList(window, audio);

	for (size_t i : video) {
		const TrackDescription &t = window.track(i);
		const uint64_t average = window.averageBandwidth(i);

		out += "#EXT-X-STREAM-INF:";
		appendBandwidths(out, window.bandwidth(i) + audioPeak,
				 average && audioAverageKnown ? average + audioAverage : 0);
		out += ",CODECS=" + quoted(t.codecs + (audio.empty() ? "" : "," + audioCodecs));
		if (t.width && t.height)
			out += ",RESOLUTION=" + std::to_string(t.width) + "x"
				+ std::to_string(t.height);
		if (t.frameRate.num && t.frameRate.den)
			out += ",FRAME-RATE="
				+ decimal(static_cast<double>(t.frameRate.num) / t.frameRate.den,
					  3);
		if (!audio.empty())
			out += ",AUDIO=\"audio\"";
		out += "\n" + mediaPlaylistName(t.id) + "\n";
	}

	return out;
}

std::string renderMediaPlaylist(const SegmentWindow &window, size_t track)
{
	const TrackDescription &description = window.track(track);
	const std::deque<SegmentRecord> &segments = window.segments(track);
	const bool vod = window.config().mode == WindowMode::Vod;

	/*
	 * The discontinuity sequence number of a segment is the index of its period: each period
	 * change is one EXT-X-DISCONTINUITY, so the numbers agree across all renditions (RFC 8216
	 * 6.2.2) however many segments each one has evicted. The tag is always written, 0
	 * included: it costs one line and a client never sees it appear mid-stream.
	 */
	uint64_t mediaSequence = 1;
	uint32_t discontinuitySequence = 0;
	if (!segments.empty()) {
		mediaSequence = segments.front().number;
		discontinuitySequence = segments.front().period;
	} else if (!window.periods().empty()) {
		discontinuitySequence = window.periods().back().index;
	}

	std::string out = "#EXTM3U\n#EXT-X-VERSION:7\n";
	out += "#EXT-X-TARGETDURATION:" + std::to_string(window.targetDurationSeconds()) + "\n";
	out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(mediaSequence) + "\n";
	out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(discontinuitySequence) + "\n";
	out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
	if (vod)
		out += "#EXT-X-PLAYLIST-TYPE:VOD\n";

	for (size_t n = 0; n < segments.size(); n++) {
		const SegmentRecord &s = segments[n];
		if (n == 0) {
			appendMap(out, description.id, s.period);
		} else if (s.period != segments[n - 1].period) {
			out += "#EXT-X-DISCONTINUITY\n";
			appendMap(out, description.id, s.period);
		}

		/*
		 * On every segment rather than only after discontinuities: the wall clock of a
		 * live source may drift from its media clock, and this is where clients sync.
		 */
		if (s.wallClockMs != 0)
			out += "#EXT-X-PROGRAM-DATE-TIME:" + formatUtcTime(s.wallClockMs) + "\n";

		const uint32_t timescale
			= std::max<uint32_t>(window.track(track, s.period).timescale, 1);
		out += "#EXTINF:" + decimal(static_cast<double>(s.duration) / timescale, 3) + ",\n";
		out += mediaSegmentName(description.id, s.number) + "\n";
	}

	if (vod || window.ended())
		out += "#EXT-X-ENDLIST\n";

	return out;
}

} /* namespace sluice */
