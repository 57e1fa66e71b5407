/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The demo setup `sluiced --demo` (`make run`) starts with.
 */

#include "demo.h"

#include "m3uimport.h"

namespace sluice {

StoreResult<bool> seedDemo(Store &store, std::string_view m3u, const UrlPolicy &policy)
{
	auto sources = store.listSources();
	if (!sources)
		return sources.error();
	for (Source &seeded : *sources) {
		const bool liveTestPatterns = seeded.name == "Demo" && seeded.url.empty()
			&& seeded.m3uBody.find("\ntest://") != std::string::npos;
		if (!liveTestPatterns || m3u.find("\ntest://") != std::string_view::npos)
			continue;
		seeded.m3uBody = std::string(m3u);
		if (auto updated = store.updateSource(seeded); !updated)
			return updated.error();
		if (auto imported = importM3uText(store, seeded.id, m3u, policy); !imported)
			return imported.error();
		return true;
	}
	if (!sources->empty())
		return false;

	Source source;
	source.name = "Demo";
	source.m3uBody = std::string(m3u);
	auto created = store.createSource(source);
	if (!created)
		return created.error();
	auto imported = importM3uText(store, created->id, m3u, policy);
	if (!imported)
		return imported.error();
	auto channels = store.listChannels(created->id);
	if (!channels)
		return channels.error();

	Proxy proxy;
	for (const Channel &channel : *channels)
		proxy.channelIds.push_back(channel.id);
	proxy.name = "demo";
	proxy.mode = ProxyMode::Smart;
	if (auto made = store.createProxy(proxy); !made)
		return made.error();
	proxy.name = "direct";
	proxy.mode = ProxyMode::Direct;
	if (auto made = store.createProxy(proxy); !made)
		return made.error();
	return true;
}

} /* namespace sluice */
