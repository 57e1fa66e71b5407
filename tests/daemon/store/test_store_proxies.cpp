/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Proxies in the store: CRUD, ordered channel lists, references, URL-safe unique names.
 */

#include <gtest/gtest.h>

#include "storetest.h"

using namespace sluice;
using namespace sluice::test;

namespace {

class ProxyStore : public StoreTest
{
protected:
	void SetUp() override
	{
		StoreTest::SetUp();
		const Source source = makeSource("Provider");
		a_ = makeChannel(source.id, "a").id;
		b_ = makeChannel(source.id, "b").id;
		c_ = makeChannel(0, "c").id;
	}

	Id a_ = 0, b_ = 0, c_ = 0;
};

} /* namespace */

TEST_F(ProxyStore, CreateGetListUpdateDelete)
{
	Profile profile;
	profile.name = "Small";
	const Id profileId = store_->createProfile(profile)->id;

	Proxy proxy;
	proxy.name = "Living-Room";
	proxy.mode = ProxyMode::Direct;
	proxy.profileId = profileId;
	proxy.channelIds = {c_, a_, b_};
	proxy.firstNumber = 100;
	auto created = store_->createProxy(proxy);
	ASSERT_STORE_OK(created);
	EXPECT_GT(created->id, 0);
	EXPECT_EQ(created->name, "Living-Room");
	EXPECT_EQ(created->mode, ProxyMode::Direct);
	EXPECT_EQ(created->profileId, profileId);
	EXPECT_EQ(created->channelIds, (std::vector<Id> {c_, a_, b_}));
	EXPECT_EQ(created->firstNumber, 100u);

	auto byName = store_->getProxyByName("living-room");
	ASSERT_STORE_OK(byName);
	EXPECT_EQ(byName->id, created->id);
	EXPECT_EQ(byName->channelIds, created->channelIds);
	EXPECT_STORE_ERROR(store_->getProxyByName("nowhere"), StoreErrorCode::NotFound, "");

	Proxy other;
	other.name = "kitchen";
	auto second = store_->createProxy(other);
	ASSERT_STORE_OK(second);
	EXPECT_EQ(second->mode, ProxyMode::Smart);
	EXPECT_EQ(second->profileId, 0);
	EXPECT_TRUE(second->channelIds.empty());

	auto list = store_->listProxies();
	ASSERT_STORE_OK(list);
	ASSERT_EQ(list->size(), 2u);
	EXPECT_EQ((*list)[0].channelIds, (std::vector<Id> {c_, a_, b_}));
	EXPECT_TRUE((*list)[1].channelIds.empty());

	Proxy changed = *created;
	changed.mode = ProxyMode::Smart;
	changed.profileId = 0;
	changed.channelIds = {b_, c_};
	changed.firstNumber = 0;
	auto updated = store_->updateProxy(changed);
	ASSERT_STORE_OK(updated);
	EXPECT_EQ(updated->mode, ProxyMode::Smart);
	EXPECT_EQ(updated->profileId, 0);
	EXPECT_EQ(updated->channelIds, (std::vector<Id> {b_, c_}));
	EXPECT_EQ(updated->firstNumber, 0u);

	ASSERT_STORE_OK(store_->deleteProxy(created->id));
	EXPECT_STORE_ERROR(store_->getProxy(created->id), StoreErrorCode::NotFound, "");
	EXPECT_EQ(store_->listProxies()->size(), 1u);
	/* The channels themselves stay. */
	EXPECT_EQ(store_->listChannels()->size(), 3u);
}

TEST_F(ProxyStore, ReferencesToNothingAreInvalid)
{
	Proxy proxy;
	proxy.name = "tv";
	proxy.channelIds = {a_, 999};
	auto missingChannel = store_->createProxy(proxy);
	EXPECT_STORE_ERROR(missingChannel, StoreErrorCode::Invalid, "channel_ids");
	EXPECT_NE(missingChannel.error().message.find("999"), std::string::npos);

	proxy.channelIds = {a_, b_, a_};
	EXPECT_STORE_ERROR(store_->createProxy(proxy), StoreErrorCode::Invalid, "channel_ids");

	proxy.channelIds = {a_};
	proxy.profileId = 999;
	EXPECT_STORE_ERROR(store_->createProxy(proxy), StoreErrorCode::Invalid, "profile_id");

	/* Nothing of the refused proxies was kept. */
	EXPECT_TRUE(store_->listProxies()->empty());
}

TEST_F(ProxyStore, NamesAreUniqueAndUrlSafe)
{
	Proxy proxy;
	proxy.name = "tv";
	ASSERT_STORE_OK(store_->createProxy(proxy));
	proxy.name = "TV";
	EXPECT_STORE_ERROR(store_->createProxy(proxy), StoreErrorCode::Conflict, "name");

	for (const char *bad : {"", "living room", "a/b", "..", "tv?x=1", "caf\xc3\xa9"}) {
		proxy.name = bad;
		EXPECT_STORE_ERROR(store_->createProxy(proxy), StoreErrorCode::Invalid, "name");
	}
	proxy.name = "Kids_2.0~";
	EXPECT_STORE_OK(store_->createProxy(proxy));
}

TEST_F(ProxyStore, FailedUpdateChangesNothing)
{
	Proxy proxy;
	proxy.name = "tv";
	proxy.channelIds = {a_, b_};
	auto created = store_->createProxy(proxy);
	ASSERT_STORE_OK(created);
	Proxy kitchen;
	kitchen.name = "kitchen";
	ASSERT_STORE_OK(store_->createProxy(kitchen));

	Proxy changed = *created;
	changed.channelIds = {c_, 999};
	EXPECT_STORE_ERROR(store_->updateProxy(changed), StoreErrorCode::Invalid, "channel_ids");
	changed.channelIds = {c_};
	changed.name = "Kitchen";
	EXPECT_STORE_ERROR(store_->updateProxy(changed), StoreErrorCode::Conflict, "name");

	auto stored = store_->getProxy(created->id);
	ASSERT_STORE_OK(stored);
	EXPECT_EQ(stored->name, "tv");
	EXPECT_EQ(stored->channelIds, (std::vector<Id> {a_, b_}));

	Proxy ghost = proxy;
	ghost.id = 999;
	EXPECT_STORE_ERROR(store_->updateProxy(ghost), StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->deleteProxy(999), StoreErrorCode::NotFound, "");
}

TEST_F(ProxyStore, StreamKeys)
{
	Proxy proxy;
	proxy.name = "keyed";
	auto open = store_->createProxy(proxy);
	ASSERT_STORE_OK(open);
	EXPECT_TRUE(open->streamKey.empty());

	Proxy keyed = *open;
	keyed.streamKey = "Abc-123_x.~";
	auto updated = store_->updateProxy(keyed);
	ASSERT_STORE_OK(updated);
	EXPECT_EQ(updated->streamKey, "Abc-123_x.~");
	EXPECT_EQ(store_->getProxyByName("keyed")->streamKey, "Abc-123_x.~");
	EXPECT_EQ(store_->listProxies()->at(0).streamKey, "Abc-123_x.~");

	/* A path segment: URL-safe, and long enough not to be guessed in a few tries. */
	for (const std::string &bad : {std::string("short"), std::string("has space key"),
				       std::string("slash/inside"), std::string(129, 'k')}) {
		keyed.streamKey = bad;
		EXPECT_STORE_ERROR(store_->updateProxy(keyed), StoreErrorCode::Invalid,
				   "stream_key");
	}
	EXPECT_EQ(store_->getProxy(open->id)->streamKey, "Abc-123_x.~");

	keyed.streamKey.clear();
	EXPECT_TRUE(store_->updateProxy(keyed)->streamKey.empty());
}
