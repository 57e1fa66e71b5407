/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * replaceSourceChannels(): an M3U refresh keeps ids, adds, updates, removes, all or nothing.
 */

#include <gtest/gtest.h>

#include <chrono>

#include "storetest.h"

using namespace sluice;
using namespace sluice::test;

namespace {

Channel imported(const std::string &key, const std::string &name)
{
	Channel channel;
	channel.name = name;
	channel.importKey = key;
	channel.streamUrl = "http://example.com/" + key + ".ts";
	channel.tvgId = key + ".tv";
	return channel;
}

std::vector<std::string> names(const std::vector<Channel> &channels)
{
	std::vector<std::string> result;
	for (const Channel &channel : channels)
		result.push_back(channel.name);
	return result;
}

int64_t unixNow()
{
	return std::chrono::duration_cast<std::chrono::seconds>(
		       std::chrono::system_clock::now().time_since_epoch())
		.count();
}

class Refresh : public StoreTest
{
protected:
	void SetUp() override
	{
		StoreTest::SetUp();
		source_ = makeSource("Provider").id;
	}

	Id idOf(const std::string &name)
	{
		for (const Channel &channel : *store_->listChannels(source_)) {
			if (channel.name == name)
				return channel.id;
		}
		ADD_FAILURE() << "no channel " << name;
		return 0;
	}

	Id source_ = 0;
};

} /* namespace */

TEST_F(Refresh, FirstImportAddsInListOrder)
{
	const int64_t before = unixNow();
	auto counts = store_->replaceSourceChannels(
		source_, {imported("c", "C"), imported("a", "A"), imported("b", "B")});
	ASSERT_STORE_OK(counts);
	EXPECT_EQ(counts->added, 3u);
	EXPECT_EQ(counts->updated, 0u);
	EXPECT_EQ(counts->unchanged, 0u);
	EXPECT_EQ(counts->removed, 0u);

	auto channels = store_->listChannels(source_);
	ASSERT_STORE_OK(channels);
	EXPECT_EQ(names(*channels), (std::vector<std::string> {"C", "A", "B"}));
	for (const Channel &channel : *channels)
		EXPECT_EQ(channel.sourceId, source_);
	const int64_t lastRefresh = store_->getSource(source_)->lastRefresh;
	EXPECT_GE(lastRefresh, before);
	EXPECT_LE(lastRefresh, unixNow());
}

TEST_F(Refresh, KeepsIdsUpdatesAddsAndRemoves)
{
	ASSERT_STORE_OK(store_->replaceSourceChannels(
		source_,
		{imported("a", "A"), imported("b", "B"), imported("c", "C"), imported("d", "D")}));
	const Id a = idOf("A"), b = idOf("B"), c = idOf("C"), d = idOf("D");

	Proxy proxy;
	proxy.name = "tv";
	proxy.channelIds = {d, b, a};
	const Id proxyId = store_->createProxy(proxy)->id;

	/* B is gone, C renamed and catch-up enabled, E new, the order changed. */
	Channel c2 = imported("c", "C2");
	c2.extraAttributes = {{"catchup", "default"}, {"catchup-days", "3"}};
	c2.backupUrls = {"http://backup.example.com/c.ts"};
	auto counts = store_->replaceSourceChannels(
		source_, {imported("d", "D"), imported("e", "E"), c2, imported("a", "A")});
	ASSERT_STORE_OK(counts);
	EXPECT_EQ(counts->added, 1u);
	EXPECT_EQ(counts->updated, 1u);
	EXPECT_EQ(counts->unchanged, 2u);
	EXPECT_EQ(counts->removed, 1u);

	auto channels = store_->listChannels(source_);
	ASSERT_STORE_OK(channels);
	EXPECT_EQ(names(*channels), (std::vector<std::string> {"D", "E", "C2", "A"}));
	EXPECT_EQ((*channels)[0].id, d);
	EXPECT_EQ((*channels)[2].id, c);
	EXPECT_EQ((*channels)[3].id, a);
	EXPECT_GT((*channels)[1].id, d);
	EXPECT_EQ((*channels)[2].extraAttributes, c2.extraAttributes);
	EXPECT_EQ((*channels)[2].backupUrls, c2.backupUrls);
	EXPECT_STORE_ERROR(store_->getChannel(b), StoreErrorCode::NotFound, "");

	/* B left the proxy; the others kept their places. */
	EXPECT_EQ(store_->getProxy(proxyId)->channelIds, (std::vector<Id> {d, a}));
}

TEST_F(Refresh, EmptyImportRemovesEverything)
{
	ASSERT_STORE_OK(store_->replaceSourceChannels(source_, {imported("a", "A")}));
	auto counts = store_->replaceSourceChannels(source_, {});
	ASSERT_STORE_OK(counts);
	EXPECT_EQ(counts->removed, 1u);
	EXPECT_TRUE(store_->listChannels(source_)->empty());
}

TEST_F(Refresh, LeavesOtherSourcesAndHandAddedChannelsAlone)
{
	const Id other = makeSource("Other").id;
	const Channel theirs = makeChannel(other, "theirs", "a");
	const Channel mine = makeChannel(0, "mine");
	ASSERT_STORE_OK(store_->replaceSourceChannels(source_, {imported("a", "A")}));
	ASSERT_STORE_OK(store_->replaceSourceChannels(source_, {}));
	EXPECT_STORE_OK(store_->getChannel(theirs.id));
	EXPECT_STORE_OK(store_->getChannel(mine.id));
	EXPECT_EQ(store_->getSource(other)->lastRefresh, 0);
}

TEST_F(Refresh, ChannelsWithoutImportKeyAreMatchedByStreamUrlOnce)
{
	/* As stored before import keys existed. */
	Channel legacy = imported("x", "Legacy");
	legacy.sourceId = source_;
	legacy.importKey.clear();
	const Id legacyId = store_->createChannel(legacy)->id;

	auto counts = store_->replaceSourceChannels(source_, {imported("x", "Legacy")});
	ASSERT_STORE_OK(counts);
	EXPECT_EQ(counts->added, 0u);
	EXPECT_EQ(counts->updated, 1u); /* it gained its key */
	auto stored = store_->getChannel(legacyId);
	ASSERT_STORE_OK(stored);
	EXPECT_EQ(stored->importKey, "x");
}

TEST_F(Refresh, InvalidImportChangesNothing)
{
	ASSERT_STORE_OK(store_->replaceSourceChannels(source_, {imported("a", "A")}));
	const Id a = idOf("A");
	const int64_t lastRefresh = store_->getSource(source_)->lastRefresh;

	Channel noKey = imported("b", "B");
	noKey.importKey.clear();
	EXPECT_STORE_ERROR(store_->replaceSourceChannels(source_, {imported("b", "B"), noKey}),
			   StoreErrorCode::Invalid, "import_key");
	EXPECT_STORE_ERROR(store_->replaceSourceChannels(
				   source_, {imported("b", "B"), imported("b", "B again")}),
			   StoreErrorCode::Invalid, "import_key");
	Channel noUrl = imported("c", "C");
	noUrl.streamUrl.clear();
	EXPECT_STORE_ERROR(store_->replaceSourceChannels(source_, {noUrl}), StoreErrorCode::Invalid,
			   "stream_url");

	auto channels = store_->listChannels(source_);
	ASSERT_EQ(channels->size(), 1u);
	EXPECT_EQ((*channels)[0].id, a);
	EXPECT_EQ(store_->getSource(source_)->lastRefresh, lastRefresh);
}

TEST_F(Refresh, UnknownSourceIsNotFound)
{
	EXPECT_STORE_ERROR(store_->replaceSourceChannels(999, {imported("a", "A")}),
			   StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->replaceSourceChannels(0, {}), StoreErrorCode::NotFound, "");
	EXPECT_TRUE(store_->listChannels()->empty());
}
