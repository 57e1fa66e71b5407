/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Running real players as subprocesses and judging the media timelines they report.
 */

#include "playercheck.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <sys/wait.h>

#include <glib.h>

namespace sluice::test {

namespace {

std::string tail(const std::string &text, size_t lines)
{
	size_t pos = text.size();
	for (size_t n = 0; n <= lines && pos > 0; ++n) {
		size_t nl = text.rfind('\n', pos - 1);
		if (nl == std::string::npos)
			return text;
		if (n < lines)
			pos = nl;
		else
			return text.substr(nl + 1);
	}
	return text.substr(pos);
}

std::string format(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
std::string format(const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	g_autofree char *s = g_strdup_vprintf(fmt, args);
	va_end(args);
	return s;
}

std::map<std::string, std::string> splitCompact(const std::string &line)
{
	std::map<std::string, std::string> fields;
	std::istringstream in(line);
	std::string item;
	while (std::getline(in, item, '|')) {
		size_t eq = item.find('=');
		if (eq != std::string::npos)
			fields[item.substr(0, eq)] = item.substr(eq + 1);
	}
	return fields;
}

bool parseDouble(const std::string &s, double &value)
{
	if (s.empty() || s == "N/A")
		return false;
	char *end = nullptr;
	value = g_ascii_strtod(s.c_str(), &end);
	return end && *end == '\0';
}

} /* namespace */

std::string ProcessResult::describe(size_t tailLines) const
{
	std::string s = "$ " + commandLine + "\n";
	if (!spawned)
		s += "(could not be started)\n";
	else if (timedOut)
		s += "(killed after its timeout)\n";
	else
		s += format("(exit status %d after %.1f s)\n", exitCode, wallSeconds);
	s += "--- stderr (tail) ---\n" + tail(err, tailLines);
	if (!out.empty())
		s += "\n--- stdout (tail) ---\n" + tail(out, std::min<size_t>(tailLines, 8));
	return s;
}

ProcessResult runProcess(const std::vector<std::string> &argv, unsigned timeoutSeconds)
{
	ProcessResult result;
	std::vector<std::string> full = {"timeout", "-k", "5", std::to_string(timeoutSeconds)};
	full.insert(full.end(), argv.begin(), argv.end());

	std::vector<char *> cargv;
	for (const auto &a : full)
		cargv.push_back(const_cast<char *>(a.c_str()));
	cargv.push_back(nullptr);

	for (const auto &a : argv) {
		g_autofree char *quoted = g_shell_quote(a.c_str());
		result.commandLine += (result.commandLine.empty() ? "" : " ") + std::string(quoted);
	}

	g_autofree char *out = nullptr;
	g_autofree char *err = nullptr;
	gint status = 0;
	g_autoptr(GError) error = nullptr;
	gint64 begin = g_get_monotonic_time();
	result.spawned = g_spawn_sync(
		nullptr, cargv.data(), nullptr,
		static_cast<GSpawnFlags>(G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL),
		nullptr, nullptr, &out, &err, &status, &error);
	result.wallSeconds = (g_get_monotonic_time() - begin) / 1e6;
	if (!result.spawned) {
		result.err = error->message;
		return result;
	}
	result.out = out ? out : "";
	result.err = err ? err : "";
	if (WIFEXITED(status)) {
		result.exitCode = WEXITSTATUS(status);
		/* timeout(1) exits 124 when it had to stop the command, 137 when it killed it. */
		result.timedOut = result.exitCode == 124 || result.exitCode == 137;
	}
	return result;
}

std::vector<std::string> ffprobeCommand(const std::string &url,
					const std::vector<std::string> &extra)
{
	std::vector<std::string> argv = {"ffprobe", "-hide_banner", "-v", "error"};
	argv.insert(argv.end(), extra.begin(), extra.end());
	argv.insert(argv.end(),
		    {"-i", url, "-show_entries",
		     "stream=index,codec_type,codec_name,sample_rate:"
		     "packet=stream_index,pts_time,duration_time:"
		     "frame=stream_index,media_type,pkt_duration_time,nb_samples",
		     "-of", "compact"});
	return argv;
}

Timelines parseFfprobe(const std::string &out, std::vector<std::string> &problems)
{
	Timelines timelines;
	std::map<std::string, std::string> typeOfIndex;
	std::map<std::string, double> sampleRate;
	std::vector<std::string> lines;
	std::istringstream in(out);
	std::string line;
	while (std::getline(in, line))
		lines.push_back(line);

	/* Streams come after the packets and frames, and again inside each HLS program. */
	for (const auto &l : lines) {
		if (!l.starts_with("stream|") && !l.starts_with("program|stream|"))
			continue;
		auto f = splitCompact(l);
		const std::string &type = f["codec_type"];
		if ((type != "video" && type != "audio") || typeOfIndex.count(f["index"]))
			continue;
		if (timelines.count(type)) {
			problems.push_back("more than one " + type + " stream");
			continue;
		}
		typeOfIndex[f["index"]] = type;
		timelines[type].mediaType = type;
		timelines[type].codec = f["codec_name"];
		parseDouble(f["sample_rate"], sampleRate[type]);
	}

	for (const auto &l : lines) {
		bool packet = l.starts_with("packet|");
		if (!packet && !l.starts_with("frame|"))
			continue;
		auto f = splitCompact(l);
		auto it = typeOfIndex.find(f["stream_index"]);
		if (it == typeOfIndex.end())
			continue;
		StreamTimeline &t = timelines[it->second];
		if (packet) {
			TimedUnit unit;
			if (!parseDouble(f["pts_time"], unit.pts)) {
				problems.push_back(it->second + " packet without pts: " + l);
				continue;
			}
			parseDouble(f["duration_time"], unit.duration);
			t.units.push_back(unit);
		} else {
			t.decodedFrames++;
			double samples = 0, duration = 0;
			double rate = sampleRate[it->second];
			if (t.mediaType == "audio" && parseDouble(f["nb_samples"], samples)
			    && rate > 0)
				t.decodedSeconds += samples / rate;
			else if (parseDouble(f["pkt_duration_time"], duration))
				t.decodedSeconds += duration;
		}
	}
	return timelines;
}

std::vector<std::string> playCommand(const std::string &uri)
{
	/* sluice-play is built beside the test executables. */
	g_autofree char *self = g_file_read_link("/proc/self/exe", nullptr);
	g_autofree char *dir = g_path_get_dirname(self ? self : ".");
	g_autofree char *player = g_build_filename(dir, "sluice-play", nullptr);
	return {player, uri};
}

std::vector<std::string> checkTimelines(const Timelines &timelines,
					const TimelineExpectation &expect)
{
	std::vector<std::string> problems;
	struct Span {
		double start = 0;
		double end = 0;
	};
	std::map<std::string, Span> spans;

	for (const char *type : {"video", "audio"}) {
		auto it = timelines.find(type);
		if (it == timelines.end() || it->second.units.empty()) {
			problems.push_back(std::string("no ") + type + " stream/units at all");
			continue;
		}
		const StreamTimeline &t = it->second;
		if (t.decodedFrames == 0)
			problems.push_back(std::string(type) + ": nothing was decoded");

		std::vector<TimedUnit> units = t.units;
		std::stable_sort(
			units.begin(), units.end(),
			[](const TimedUnit &a, const TimedUnit &b) { return a.pts < b.pts; });

		/* The typical unit duration: what a unit without one is assumed to last. */
		std::vector<double> steps;
		for (size_t i = 1; i < units.size(); ++i)
			steps.push_back(units[i].pts - units[i - 1].pts);
		std::vector<double> sorted = steps;
		std::sort(sorted.begin(), sorted.end());
		double nominal = sorted.empty() ? 0 : sorted[sorted.size() / 2];
		for (auto &u : units) {
			if (u.duration <= 0)
				u.duration = nominal;
		}

		size_t reported = 0;
		unsigned toleratedGaps = 0;
		for (size_t i = 1; i < units.size() && reported < 5; ++i) {
			const TimedUnit &prev = units[i - 1];
			double step = units[i].pts - prev.pts;
			/* Decoders' buffer sizes vary for audio; judge against the unit's own
			 * length. */
			double expected
				= expect.packets ? std::max(prev.duration, nominal) : prev.duration;
			double slack = std::max(0.002, 0.1 * expected);
			if (step > 1.5 * expected + 0.001 && step - expected <= expect.allowedGap
			    && toleratedGaps < expect.allowedGaps) {
				toleratedGaps++;
			} else if (step > 1.5 * expected + 0.001) {
				problems.push_back(
					format("%s: gap of %.3f s between units at %.3f and "
					       "%.3f s (unit duration %.3f s)",
					       type, step - prev.duration, prev.pts, units[i].pts,
					       prev.duration));
				reported++;
			} else if (step < prev.duration - slack
					   - (i == 1 && !std::strcmp(type, "audio")
						      ? expect.primingTolerance
						      : 0.0)) {
				problems.push_back(
					format("%s: overlap/duplicate: unit at %.3f s lasts "
					       "%.3f s but the next starts at %.3f s",
					       type, prev.pts, prev.duration, units[i].pts));
				reported++;
			}
		}

		Span span {units.front().pts, units.back().pts + units.back().duration};
		spans[type] = span;
		double length = span.end - span.start;
		if (expect.joinsLate) {
			if (length < expect.minSpan
			    || length > expect.duration + expect.durationTolerance)
				problems.push_back(
					format("%s: spans %.3f s (%.3f..%.3f), expected "
					       "%.3f..%.3f s",
					       type, length, span.start, span.end, expect.minSpan,
					       expect.duration + expect.durationTolerance));
		} else if (std::fabs(length - expect.duration) > expect.durationTolerance)
			problems.push_back(
				format("%s: spans %.3f s (%.3f..%.3f), expected %.3f s ± %.3f",
				       type, length, span.start, span.end, expect.duration,
				       expect.durationTolerance));
	}

	if (spans.size() == 2) {
		const Span &v = spans["video"];
		const Span &a = spans["audio"];
		if (std::fabs(v.start - a.start) > expect.syncTolerance)
			problems.push_back(
				format("audio starts at %.3f s, video at %.3f s (> %.0f ms "
				       "apart)",
				       a.start, v.start, expect.syncTolerance * 1000));
		if (std::fabs(v.end - a.end) > expect.endSyncTolerance)
			problems.push_back(
				format("audio ends at %.3f s, video at %.3f s (> %.0f ms "
				       "apart)",
				       a.end, v.end, expect.endSyncTolerance * 1000));
	}
	return problems;
}

std::vector<std::string> checkLiveClient(const ProcessResult &run, bool gstreamer,
					 double minSeconds, Timelines *timelines)
{
	std::vector<std::string> problems;
	Timelines parsed = parseFfprobe(run.out, problems);
	TimelineExpectation expect;
	expect.packets = !gstreamer;
	/* Live: joined at the edge (or a window back), stopped mid-stream. */
	expect.joinsLate = true;
	expect.duration = 120;
	expect.minSpan = minSeconds;
	expect.syncTolerance = 0.5;
	expect.endSyncTolerance = 0.5;
	const std::vector<std::string> more = checkTimelines(parsed, expect);
	problems.insert(problems.end(), more.begin(), more.end());
	for (const char *kind : {"video", "audio"}) {
		auto it = parsed.find(kind);
		if (it != parsed.end() && it->second.decodedSeconds < minSeconds)
			problems.push_back(std::string(kind) + ": decoded only "
					   + std::to_string(it->second.decodedSeconds) + " s");
	}
	if (timelines)
		*timelines = std::move(parsed);
	return problems;
}

std::string summarize(const Timelines &timelines)
{
	std::string s;
	for (const auto &[type, t] : timelines) {
		double first = t.units.empty() ? 0 : t.units.front().pts;
		double last = first;
		for (const auto &u : t.units) {
			first = std::min(first, u.pts);
			last = std::max(last, u.pts);
		}
		s += format("  %s %s: %zu units, pts %.3f..%.3f, %zu decoded (%.3f s)\n",
			    type.c_str(), t.codec.c_str(), t.units.size(), first, last,
			    t.decodedFrames, t.decodedSeconds);
	}
	return s;
}

std::string joinLines(const std::vector<std::string> &lines, const char *indent)
{
	std::string s;
	for (const auto &l : lines)
		s += indent + l + "\n";
	return s;
}

} /* namespace sluice::test */
