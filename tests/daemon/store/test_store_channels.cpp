/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Sources and channels in the store: CRUD, list columns, references and cascades.
 */

#include <gtest/gtest.h>

#include "storetest.h"

using namespace sluice;
using namespace sluice::test;

namespace {

using ChannelStore = StoreTest;

Channel fullChannel(Id sourceId)
{
	Channel channel;
	channel.sourceId = sourceId;
	channel.name = "Das Erste \"HD\"";
	channel.number = 1;
	channel.group = "Öffentlich-rechtlich";
	channel.logo = "http://example.com/logo.png";
	channel.tvgId = "daserste.de";
	channel.tvgName = "Das Erste";
	channel.streamUrl = "http://example.com/daserste/index.m3u8";
	channel.backupUrls = {"http://backup1.example.com/de.m3u8",
			      "http://backup2.example.com/de.m3u8?a=1&b=\"2\""};
	/* Order and a repeated name are kept as written. */
	channel.extraAttributes = {{"catchup", "default"},
				   {"catchup-days", "7"},
				   {"catchup-source", "?utc={utc}&lutc={lutc}"},
				   {"catchup", "shift"}};
	channel.importKey = "tvg:daserste.de";
	return channel;
}

void expectSameChannel(const Channel &actual, const Channel &expected)
{
	EXPECT_EQ(actual.sourceId, expected.sourceId);
	EXPECT_EQ(actual.name, expected.name);
	EXPECT_EQ(actual.number, expected.number);
	EXPECT_EQ(actual.group, expected.group);
	EXPECT_EQ(actual.logo, expected.logo);
	EXPECT_EQ(actual.tvgId, expected.tvgId);
	EXPECT_EQ(actual.tvgName, expected.tvgName);
	EXPECT_EQ(actual.streamUrl, expected.streamUrl);
	EXPECT_EQ(actual.backupUrls, expected.backupUrls);
	EXPECT_EQ(actual.extraAttributes, expected.extraAttributes);
	EXPECT_EQ(actual.importKey, expected.importKey);
}

} /* namespace */

TEST_F(ChannelStore, SourceCrud)
{
	Source source;
	source.name = "Provider";
	source.url = "http://example.com/list.m3u";
	source.userAgent = "VLC/3.0";
	source.maxStreams = 2;
	source.refreshIntervalS = 3600;
	source.lastRefresh = 123; /* read-only: ignored */
	auto created = store_->createSource(source);
	ASSERT_STORE_OK(created);
	EXPECT_GT(created->id, 0);
	EXPECT_EQ(created->name, "Provider");
	EXPECT_EQ(created->userAgent, "VLC/3.0");
	EXPECT_EQ(created->maxStreams, 2u);
	EXPECT_EQ(created->refreshIntervalS, 3600u);
	EXPECT_EQ(created->lastRefresh, 0);

	Source uploaded;
	uploaded.name = "Uploaded";
	uploaded.m3uBody = "#EXTM3U\n#EXTINF:-1,A\nhttp://e/a.ts\n";
	auto second = store_->createSource(uploaded);
	ASSERT_STORE_OK(second);
	EXPECT_EQ(second->m3uBody, uploaded.m3uBody);

	auto list = store_->listSources();
	ASSERT_STORE_OK(list);
	ASSERT_EQ(list->size(), 2u);
	EXPECT_EQ((*list)[0].id, created->id);
	EXPECT_EQ((*list)[1].id, second->id);

	Source changed = *created;
	changed.url = "http://example.com/other.m3u";
	changed.maxStreams = 0;
	auto updated = store_->updateSource(changed);
	ASSERT_STORE_OK(updated);
	EXPECT_EQ(updated->url, "http://example.com/other.m3u");
	EXPECT_EQ(updated->maxStreams, 0u);

	ASSERT_STORE_OK(store_->deleteSource(created->id));
	EXPECT_STORE_ERROR(store_->getSource(created->id), StoreErrorCode::NotFound, "");
	EXPECT_EQ(store_->listSources()->size(), 1u);
}

TEST_F(ChannelStore, SourceErrors)
{
	makeSource("Provider");
	Source clash;
	clash.name = "PROVIDER";
	EXPECT_STORE_ERROR(store_->createSource(clash), StoreErrorCode::Conflict, "name");
	Source unnamed;
	EXPECT_STORE_ERROR(store_->createSource(unnamed), StoreErrorCode::Invalid, "name");

	Source other = makeSource("Other");
	other.name = "provider";
	EXPECT_STORE_ERROR(store_->updateSource(other), StoreErrorCode::Conflict, "name");

	Source ghost;
	ghost.id = 999;
	ghost.name = "ghost";
	EXPECT_STORE_ERROR(store_->getSource(999), StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->updateSource(ghost), StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->deleteSource(999), StoreErrorCode::NotFound, "");
}

TEST_F(ChannelStore, UpdateSourceKeepsLastRefresh)
{
	Source source = makeSource("Provider");
	Channel channel;
	channel.streamUrl = "http://e/a.ts";
	channel.importKey = "a";
	ASSERT_STORE_OK(store_->replaceSourceChannels(source.id, {channel}));
	const int64_t refreshed = store_->getSource(source.id)->lastRefresh;
	EXPECT_GT(refreshed, 0);

	source.name = "Renamed";
	source.lastRefresh = 0;
	auto updated = store_->updateSource(source);
	ASSERT_STORE_OK(updated);
	EXPECT_EQ(updated->lastRefresh, refreshed);
}

TEST_F(ChannelStore, ChannelCrudKeepsEveryField)
{
	const Source source = makeSource("Provider");
	const Channel channel = fullChannel(source.id);
	auto created = store_->createChannel(channel);
	ASSERT_STORE_OK(created);
	EXPECT_GT(created->id, 0);
	expectSameChannel(*created, channel);

	auto got = store_->getChannel(created->id);
	ASSERT_STORE_OK(got);
	expectSameChannel(*got, channel);

	Channel changed = *got;
	changed.name = "Das Erste";
	changed.backupUrls.clear();
	changed.extraAttributes = {{"catchup", "append"}};
	changed.number = 0;
	auto updated = store_->updateChannel(changed);
	ASSERT_STORE_OK(updated);
	expectSameChannel(*updated, changed);
	EXPECT_EQ(updated->id, created->id);

	ASSERT_STORE_OK(store_->deleteChannel(created->id));
	EXPECT_STORE_ERROR(store_->getChannel(created->id), StoreErrorCode::NotFound, "");
}

TEST_F(ChannelStore, ListsAllBySourceOrByHand)
{
	const Source a = makeSource("A");
	const Source b = makeSource("B");
	const Channel a1 = makeChannel(a.id, "a1");
	const Channel b1 = makeChannel(b.id, "b1");
	const Channel a2 = makeChannel(a.id, "a2");
	const Channel hand = makeChannel(0, "hand");
	EXPECT_EQ(hand.sourceId, 0);

	auto all = store_->listChannels();
	ASSERT_STORE_OK(all);
	ASSERT_EQ(all->size(), 4u);
	EXPECT_EQ((*all)[0].id, hand.id);

	auto ofA = store_->listChannels(a.id);
	ASSERT_STORE_OK(ofA);
	ASSERT_EQ(ofA->size(), 2u);
	EXPECT_EQ((*ofA)[0].id, a1.id);
	EXPECT_EQ((*ofA)[1].id, a2.id);

	auto byHand = store_->listChannels(Id {0});
	ASSERT_STORE_OK(byHand);
	ASSERT_EQ(byHand->size(), 1u);
	EXPECT_EQ((*byHand)[0].id, hand.id);

	EXPECT_STORE_ERROR(store_->listChannels(Id {999}), StoreErrorCode::NotFound, "");
	(void)b1;
}

TEST_F(ChannelStore, ChannelErrors)
{
	const Source source = makeSource("Provider");

	Channel orphan = fullChannel(999);
	EXPECT_STORE_ERROR(store_->createChannel(orphan), StoreErrorCode::Invalid, "source_id");

	Channel noUrl = fullChannel(source.id);
	noUrl.streamUrl.clear();
	EXPECT_STORE_ERROR(store_->createChannel(noUrl), StoreErrorCode::Invalid, "stream_url");

	const Channel first = makeChannel(source.id, "first", "key-1");
	Channel sameKey = fullChannel(source.id);
	sameKey.importKey = "key-1";
	EXPECT_STORE_ERROR(store_->createChannel(sameKey), StoreErrorCode::Conflict, "import_key");

	/* Keys are per source; empty keys never clash. */
	const Source other = makeSource("Other");
	makeChannel(other.id, "elsewhere", "key-1");
	makeChannel(source.id, "nokey-1");
	makeChannel(source.id, "nokey-2");

	Channel second = makeChannel(source.id, "second", "key-2");
	second.importKey = "key-1";
	EXPECT_STORE_ERROR(store_->updateChannel(second), StoreErrorCode::Conflict, "import_key");
	second.importKey = "key-2";
	second.sourceId = 999;
	EXPECT_STORE_ERROR(store_->updateChannel(second), StoreErrorCode::Invalid, "source_id");
	EXPECT_EQ(store_->getChannel(second.id)->sourceId, source.id);

	Channel ghost = first;
	ghost.id = 999;
	EXPECT_STORE_ERROR(store_->getChannel(999), StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->updateChannel(ghost), StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->deleteChannel(999), StoreErrorCode::NotFound, "");
}

TEST_F(ChannelStore, DeletingASourceDeletesItsChannelsAndTheirMemberships)
{
	const Source gone = makeSource("Gone");
	const Source stays = makeSource("Stays");
	const Channel g1 = makeChannel(gone.id, "g1");
	const Channel s1 = makeChannel(stays.id, "s1");
	const Channel g2 = makeChannel(gone.id, "g2");
	Proxy proxy;
	proxy.name = "tv";
	proxy.channelIds = {g1.id, s1.id, g2.id};
	auto created = store_->createProxy(proxy);
	ASSERT_STORE_OK(created);

	ASSERT_STORE_OK(store_->deleteSource(gone.id));
	EXPECT_STORE_ERROR(store_->getChannel(g1.id), StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->getChannel(g2.id), StoreErrorCode::NotFound, "");
	EXPECT_EQ(store_->listChannels()->size(), 1u);
	EXPECT_EQ(store_->getProxy(created->id)->channelIds, std::vector<Id> {s1.id});
}

TEST_F(ChannelStore, DeletingAChannelRemovesItFromProxies)
{
	const Channel a = makeChannel(0, "a");
	const Channel b = makeChannel(0, "b");
	Proxy proxy;
	proxy.name = "tv";
	proxy.channelIds = {b.id, a.id};
	auto created = store_->createProxy(proxy);
	ASSERT_STORE_OK(created);
	ASSERT_STORE_OK(store_->deleteChannel(b.id));
	EXPECT_EQ(store_->getProxy(created->id)->channelIds, std::vector<Id> {a.id});
}

TEST_F(ChannelStore, IdsAreNotReused)
{
	const Channel a = makeChannel(0, "a");
	ASSERT_STORE_OK(store_->deleteChannel(a.id));
	const Channel b = makeChannel(0, "b");
	EXPECT_GT(b.id, a.id);
}
