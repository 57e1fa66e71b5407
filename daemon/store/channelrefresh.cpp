/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * An M3U refresh: a source's channels replaced by a new import, keeping the ids of those kept.
 */

#include <chrono>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "store.h"
#include "storeinternal.h"

namespace sluice {

namespace {

bool sameContent(const Channel &a, const Channel &b)
{
	return a.name == b.name && a.number == b.number && a.group == b.group && a.logo == b.logo
		&& a.tvgId == b.tvgId && a.tvgName == b.tvgName && a.streamUrl == b.streamUrl
		&& a.backupUrls == b.backupUrls && a.extraAttributes == b.extraAttributes
		&& a.importKey == b.importKey;
}

std::string describe(const Channel &channel, size_t index)
{
	return "imported channel " + std::to_string(index + 1) + " ('" + channel.name + "')";
}

StoreResult<void> checkImported(const std::vector<Channel> &imported)
{
	std::unordered_set<std::string_view> keys;
	for (size_t i = 0; i < imported.size(); i++) {
		const Channel &channel = imported[i];
		if (channel.streamUrl.empty())
			return invalid("stream_url", describe(channel, i) + " has no stream URL");
		if (channel.importKey.empty())
			return invalid("import_key", describe(channel, i) + " has no import key");
		if (!keys.insert(channel.importKey).second)
			return invalid("import_key",
				       describe(channel, i) + " has import key '"
					       + channel.importKey + "', as an earlier one does");
	}
	return {};
}

/*
 * Which stored channel an imported one is: the one with its import key, else one stored before
 * import keys existed (empty key) with its stream URL. Each stored channel is matched once.
 */
class Matcher
{
public:
	explicit Matcher(const std::vector<Channel> &stored)
	{
		for (size_t i = 0; i < stored.size(); i++) {
			if (!stored[i].importKey.empty())
				byKey_.emplace(stored[i].importKey, i);
			else
				legacyByUrl_[stored[i].streamUrl].push_back(i);
		}
	}

	std::optional<size_t> match(const Channel &channel)
	{
		if (auto it = byKey_.find(channel.importKey); it != byKey_.end())
			return it->second;
		auto legacy = legacyByUrl_.find(channel.streamUrl);
		if (legacy == legacyByUrl_.end() || legacy->second.empty())
			return std::nullopt;
		const size_t index = legacy->second.front();
		legacy->second.pop_front();
		return index;
	}

private:
	std::unordered_map<std::string, size_t> byKey_;
	std::unordered_map<std::string, std::deque<size_t>> legacyByUrl_;
};

int64_t unixNow()
{
	return std::chrono::duration_cast<std::chrono::seconds>(
		       std::chrono::system_clock::now().time_since_epoch())
		.count();
}

} /* namespace */

StoreResult<RefreshCounts> Store::replaceSourceChannels(Id sourceId, std::vector<Channel> imported)
{
	/* 0 would make listChannels() below list the channels added by hand. */
	if (sourceId <= 0)
		return notFound("source", sourceId);
	if (auto checked = checkImported(imported); !checked)
		return checked.error();

	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();
	auto stored = listChannels(sourceId);
	if (!stored)
		return stored.error();

	auto update = Statement::prepare(
		db,
		"UPDATE channels SET source_id = ?, name = ?, number = ?, group_title = ?, "
		"logo = ?, tvg_id = ?, tvg_name = ?, stream_url = ?, backup_urls = ?, "
		"extra_attributes = ?, import_key = ?, position = ? WHERE id = ?");
	if (!update)
		return update.error();
	auto insert = Statement::prepare(
		db,
		"INSERT INTO channels (source_id, name, number, group_title, logo, tvg_id, "
		"tvg_name, stream_url, backup_urls, extra_attributes, import_key, position) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!insert)
		return insert.error();

	RefreshCounts counts;
	Matcher matcher(*stored);
	std::vector<bool> kept(stored->size(), false);
	for (size_t i = 0; i < imported.size(); i++) {
		Channel &channel = imported[i];
		channel.sourceId = sourceId;
		const int64_t position = static_cast<int64_t>(i) + 1;
		const std::optional<size_t> match = matcher.match(channel);

		Statement &statement = match ? *update : *insert;
		statement.reset();
		const int next = bindChannel(statement, 1, channel);
		statement.bind(next, position);
		if (match)
			statement.bind(next + 1, static_cast<int64_t>((*stored)[*match].id));
		if (auto written = statement.run(); !written)
			return written.error();

		if (!match) {
			counts.added++;
			continue;
		}
		kept[*match] = true;
		if (sameContent((*stored)[*match], channel))
			counts.unchanged++;
		else
			counts.updated++;
	}

	/* Their proxy_channels rows go by ON DELETE CASCADE. */
	auto remove = Statement::prepare(db, "DELETE FROM channels WHERE id = ?");
	if (!remove)
		return remove.error();
	for (size_t i = 0; i < stored->size(); i++) {
		if (kept[i])
			continue;
		remove->reset();
		remove->bind(1, static_cast<int64_t>((*stored)[i].id));
		if (auto removed = remove->run(); !removed)
			return removed.error();
		counts.removed++;
	}

	auto refreshed = Statement::prepare(db, "UPDATE sources SET last_refresh = ? WHERE id = ?");
	if (!refreshed)
		return refreshed.error();
	refreshed->bind(1, unixNow()).bind(2, static_cast<int64_t>(sourceId));
	if (auto set = refreshed->run(); !set)
		return set.error();

	if (auto committed = transaction.commit(); !committed)
		return committed.error();
	return counts;
}

} /* namespace sluice */
