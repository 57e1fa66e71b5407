/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * M3U import for sources: entries to channels, import keys, and the import into the store.
 */

#include "m3uimport.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <limits>
#include <unordered_map>
#include <utility>

namespace sluice {

namespace {

/* Warnings an import reports at most; the rest are counted in a last line. */
constexpr size_t kMaxReportedWarnings = 100;

bool isSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view text)
{
	while (!text.empty() && isSpace(text.front()))
		text.remove_prefix(1);
	while (!text.empty() && isSpace(text.back()))
		text.remove_suffix(1);
	return text;
}

char asciiLower(char c)
{
	return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
	if (a.size() != b.size())
		return false;
	for (size_t i = 0; i < a.size(); i++) {
		if (asciiLower(a[i]) != asciiLower(b[i]))
			return false;
	}
	return true;
}

/* tvg-chno as a channel number: digits only, and it must fit; anything else is 0 (none). */
uint32_t channelNumber(std::string_view chno)
{
	chno = trim(chno);
	if (chno.empty() || chno.size() > 10)
		return 0;
	uint64_t number = 0;
	for (char c : chno) {
		if (c < '0' || c > '9')
			return 0;
		number = number * 10 + static_cast<uint64_t>(c - '0');
	}
	return number <= std::numeric_limits<uint32_t>::max() ? static_cast<uint32_t>(number) : 0;
}

/* Attributes that have a Channel field of their own. */
bool isMappedAttribute(std::string_view name)
{
	return name == "tvg-id" || name == "tvg-name" || name == "tvg-logo" || name == "group-title"
		|| name == "tvg-chno";
}

bool hasExtra(const Channel &channel, std::initializer_list<std::string_view> names)
{
	for (const auto &[name, value] : channel.extraAttributes) {
		for (std::string_view wanted : names) {
			if (equalsNoCase(name, wanted))
				return true;
		}
	}
	return false;
}

std::string describeEntry(size_t index, std::string_view title)
{
	return "entry " + std::to_string(index + 1) + " (\"" + std::string(title) + "\")";
}

/* Which rule of channelsFromM3u()'s doc gave a channel its key. */
enum class KeyRule {
	TvgId,
	TvgIdAndName,
	Url,
	Name,
};

/*
 * Gives keys shared by several channels of rule 2 or 4 "#1", "#2", ... in list order, warning
 * once per group. Rules 1 and 3 give unique keys by construction.
 */
void numberDuplicates(std::vector<Channel> &channels, const std::vector<KeyRule> &rules,
		      const std::vector<size_t> &positions, std::vector<std::string> &warnings)
{
	std::unordered_map<std::string, std::vector<size_t>> groups;
	std::vector<const std::string *> order;
	for (size_t i = 0; i < channels.size(); i++) {
		if (rules[i] != KeyRule::TvgIdAndName && rules[i] != KeyRule::Name)
			continue;
		/* The rule goes into the group: "name:a" of rule 2 is not "name:a" of rule 4. */
		std::string group = (rules[i] == KeyRule::Name ? "4" : "2") + channels[i].importKey;
		auto [it, inserted] = groups.try_emplace(std::move(group));
		if (inserted)
			order.push_back(&it->first);
		it->second.push_back(i);
	}
	for (const std::string *group : order) {
		const std::vector<size_t> &members = groups[*group];
		if (members.size() < 2)
			continue;
		std::string where;
		for (size_t n = 0; n < members.size(); n++) {
			Channel &channel = channels[members[n]];
			channel.importKey += "#" + std::to_string(n + 1);
			where += (n ? ", " : "") + std::to_string(positions[members[n]] + 1);
		}
		const bool withTvgId = rules[members[0]] == KeyRule::TvgIdAndName;
		warnings.push_back("entries " + where + " (\"" + channels[members[0]].name + "\") "
				   + (withTvgId ? "share tvg-id and name"
						: "have no tvg-id and share URL and name")
				   + "; only their order tells them apart, so a reordered list "
				     "swaps their channels");
	}
}

/*
 * The last resort: a key equal to an earlier one (a tvg-id literally "url:...", or "a|b"
 * against tvg-id "a" with name "b") gets the first free "#n". The keys of different rules
 * almost never meet; this only keeps the store's "unique in the list" promise.
 */
void makeUnique(std::vector<Channel> &channels, const std::vector<size_t> &positions,
		std::vector<std::string> &warnings)
{
	std::unordered_map<std::string, size_t> seen;
	seen.reserve(channels.size());
	for (size_t i = 0; i < channels.size(); i++) {
		Channel &channel = channels[i];
		if (seen.emplace(channel.importKey, i).second)
			continue;
		const std::string base = channel.importKey;
		for (size_t n = 2;; n++) {
			std::string candidate = base + "#" + std::to_string(n);
			if (seen.emplace(candidate, i).second) {
				channel.importKey = std::move(candidate);
				break;
			}
		}
		warnings.push_back(describeEntry(positions[i], channel.name) + " has identity \""
				   + base + "\" like an earlier entry; keyed \"" + channel.importKey
				   + "\" by its order");
	}
}

void assignImportKeys(std::vector<Channel> &channels, const std::vector<size_t> &positions,
		      std::vector<std::string> &warnings)
{
	std::unordered_map<std::string_view, size_t> tvgIdCount;
	std::unordered_map<std::string_view, size_t> bareUrlCount;
	for (const Channel &channel : channels) {
		const std::string_view tvgId = trim(channel.tvgId);
		if (!tvgId.empty())
			tvgIdCount[tvgId]++;
		else
			bareUrlCount[channel.streamUrl]++;
	}

	std::vector<KeyRule> rules;
	rules.reserve(channels.size());
	for (Channel &channel : channels) {
		const std::string tvgId(trim(channel.tvgId));
		if (!tvgId.empty() && tvgIdCount.at(tvgId) == 1) {
			channel.importKey = tvgId;
			rules.push_back(KeyRule::TvgId);
		} else if (!tvgId.empty()) {
			channel.importKey = tvgId + "|" + channel.name;
			rules.push_back(KeyRule::TvgIdAndName);
		} else if (bareUrlCount.at(channel.streamUrl) == 1) {
			channel.importKey = "url:" + channel.streamUrl;
			rules.push_back(KeyRule::Url);
		} else {
			channel.importKey = "name:" + channel.name;
			rules.push_back(KeyRule::Name);
		}
	}
	numberDuplicates(channels, rules, positions, warnings);
	makeUnique(channels, positions, warnings);
}

/* Parser warnings, then ours, capped with a last "... and N more". */
std::vector<std::string> mergeWarnings(const M3uParseResult &parsed,
				       std::vector<std::string> mapping)
{
	const size_t total = parsed.warnings.size() + parsed.droppedWarnings + mapping.size();
	std::vector<std::string> merged;
	merged.reserve(std::min(total, kMaxReportedWarnings + 1));
	for (const M3uDiagnostic &warning : parsed.warnings) {
		if (merged.size() == kMaxReportedWarnings)
			break;
		merged.push_back(warning.text());
	}
	for (std::string &warning : mapping) {
		if (merged.size() == kMaxReportedWarnings)
			break;
		merged.push_back(std::move(warning));
	}
	if (total > merged.size())
		merged.push_back("... and " + std::to_string(total - merged.size()) + " more");
	return merged;
}

} /* namespace */

std::vector<Channel> channelsFromM3u(const M3uPlaylist &playlist,
				     std::vector<std::string> &warnings, const UrlPolicy *policy)
{
	std::vector<Channel> channels;
	std::vector<size_t> positions; /* index of each channel's entry in the playlist */
	channels.reserve(playlist.entries.size());
	positions.reserve(playlist.entries.size());

	for (size_t i = 0; i < playlist.entries.size(); i++) {
		const M3uEntry &entry = playlist.entries[i];
		const std::string_view title = trim(entry.title);
		const std::string_view url = trim(entry.url);
		if (url.empty()) {
			warnings.push_back(describeEntry(i, title) + " has no URL; skipped");
			continue;
		}
		const std::string scheme = urlScheme(url);
		if (scheme.empty()) {
			warnings.push_back(describeEntry(i, title) + " has a relative URL \""
					   + std::string(url) + "\"; skipped");
			continue;
		}
		if (!isStreamScheme(scheme)) {
			warnings.push_back(describeEntry(i, title)
					   + " uses the unsupported scheme \"" + scheme
					   + ":\"; skipped");
			continue;
		}
		if (policy && scheme == "file") {
			if (std::optional<std::string> problem
			    = policy->check(url, UrlUse::Stream)) {
				warnings.push_back(describeEntry(i, title) + ": " + *problem
						   + "; skipped");
				continue;
			}
		}

		Channel channel;
		channel.name = title;
		channel.number = channelNumber(entry.tvgChno());
		channel.group = entry.groupTitle();
		channel.logo = entry.tvgLogo();
		channel.tvgId = entry.tvgId();
		channel.tvgName = entry.tvgName();
		channel.streamUrl = url;
		for (const M3uAttribute &attribute : entry.attributes) {
			if (!isMappedAttribute(attribute.name))
				channel.extraAttributes.emplace_back(attribute.name,
								     attribute.value);
		}
		if (const std::string_view agent = entry.userAgent();
		    !agent.empty() && !hasExtra(channel, {"http-user-agent", "user-agent"}))
			channel.extraAttributes.emplace_back("http-user-agent", agent);
		if (const std::string_view referrer = entry.referrer(); !referrer.empty()
		    && !hasExtra(channel, {"http-referrer", "http-referer", "referrer", "referer"}))
			channel.extraAttributes.emplace_back("http-referrer", referrer);

		channels.push_back(std::move(channel));
		positions.push_back(i);
	}

	assignImportKeys(channels, positions, warnings);
	return channels;
}

StoreResult<ImportReport> importM3uText(Store &store, Id sourceId, std::string_view text,
					const UrlPolicy &policy)
{
	M3uParseResult parsed = parseM3u(text);
	if (!parsed.ok())
		return StoreError {StoreErrorCode::Invalid,
				   "the M3U list cannot be imported: " + parsed.error().text(),
				   "m3u"};

	std::vector<std::string> mapping;
	std::vector<Channel> channels = channelsFromM3u(parsed.playlist(), mapping, &policy);
	const size_t skipped = parsed.playlist().entries.size() - channels.size();
	if (channels.empty()) {
		const size_t entries = parsed.playlist().entries.size();
		std::string message = "the M3U list has no channel to import";
		if (entries > 0)
			message += " (all " + std::to_string(entries)
				+ " entries skipped: " + mapping.front() + ")";
		message += "; the source's channels are left as they are";
		return StoreError {StoreErrorCode::Invalid, std::move(message), "m3u"};
	}

	auto counts = store.replaceSourceChannels(sourceId, std::move(channels));
	if (!counts)
		return counts.error();
	return ImportReport {*counts, static_cast<uint32_t>(skipped),
			     mergeWarnings(parsed, std::move(mapping))};
}

} /* namespace sluice */
