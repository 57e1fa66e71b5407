/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Profiles in the store: CRUD, unique names, system profiles, the one default.
 */

#include <gtest/gtest.h>

#include <algorithm>

#include "storetest.h"

using namespace sluice;
using namespace sluice::test;

namespace {

class ProfileStore : public StoreTest
{
protected:
	Profile profileNamed(const std::string &name)
	{
		auto profiles = store_->listProfiles();
		EXPECT_TRUE(profiles.ok());
		for (const Profile &profile : *profiles) {
			if (profile.name == name)
				return profile;
		}
		ADD_FAILURE() << "no profile " << name;
		return {};
	}

	long defaults()
	{
		auto profiles = store_->listProfiles();
		return std::count_if(profiles->begin(), profiles->end(),
				     [](const Profile &p) { return p.isDefault; });
	}

	static Profile hevc720()
	{
		Profile profile;
		profile.name = "HEVC 720p";
		profile.description = "for phones";
		profile.videoCodec = VideoCodec::H265;
		profile.audioCodec = AudioCodec::Opus;
		profile.containerFormat = ContainerFormat::Fmp4;
		profile.hwAccel = HwAccel::Nvenc;
		profile.videoBitrateKbps = 2500;
		profile.maxHeight = 720;
		profile.preset = "p4";
		return profile;
	}
};

} /* namespace */

TEST_F(ProfileStore, CreateGetListUpdateDelete)
{
	auto created = store_->createProfile(hevc720());
	ASSERT_STORE_OK(created);
	EXPECT_GT(created->id, 0);
	EXPECT_FALSE(created->system);
	EXPECT_FALSE(created->isDefault);

	auto got = store_->getProfile(created->id);
	ASSERT_STORE_OK(got);
	EXPECT_EQ(got->name, "HEVC 720p");
	EXPECT_EQ(got->description, "for phones");
	EXPECT_EQ(got->videoCodec, VideoCodec::H265);
	EXPECT_EQ(got->audioCodec, AudioCodec::Opus);
	EXPECT_EQ(got->containerFormat, ContainerFormat::Fmp4);
	EXPECT_EQ(got->hwAccel, HwAccel::Nvenc);
	EXPECT_EQ(got->videoBitrateKbps, 2500u);
	EXPECT_EQ(got->maxHeight, 720u);
	EXPECT_EQ(got->preset, "p4");

	auto list = store_->listProfiles();
	ASSERT_STORE_OK(list);
	ASSERT_EQ(list->size(), 4u);
	EXPECT_EQ(list->back().id, created->id);

	Profile changed = *got;
	changed.name = "AV1 1080p";
	changed.videoCodec = VideoCodec::AV1;
	changed.hwAccel = HwAccel::None;
	changed.maxHeight = 1080;
	changed.preset.clear();
	auto updated = store_->updateProfile(changed);
	ASSERT_STORE_OK(updated);
	EXPECT_EQ(updated->id, created->id);
	EXPECT_EQ(updated->name, "AV1 1080p");
	EXPECT_EQ(updated->videoCodec, VideoCodec::AV1);
	EXPECT_EQ(updated->hwAccel, HwAccel::None);
	EXPECT_EQ(updated->maxHeight, 1080u);
	EXPECT_EQ(updated->preset, "");

	ASSERT_STORE_OK(store_->deleteProfile(created->id));
	EXPECT_STORE_ERROR(store_->getProfile(created->id), StoreErrorCode::NotFound, "");
	EXPECT_EQ(store_->listProfiles()->size(), 3u);
}

TEST_F(ProfileStore, MissingIdsAreNotFound)
{
	EXPECT_STORE_ERROR(store_->getProfile(999), StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->getProfile(0), StoreErrorCode::NotFound, "");
	Profile ghost = hevc720();
	ghost.id = 999;
	EXPECT_STORE_ERROR(store_->updateProfile(ghost), StoreErrorCode::NotFound, "");
	EXPECT_STORE_ERROR(store_->deleteProfile(999), StoreErrorCode::NotFound, "");
}

TEST_F(ProfileStore, NamesAreUniqueWhateverTheirCase)
{
	Profile clash = hevc720();
	clash.name = "universal";
	auto created = store_->createProfile(clash);
	EXPECT_STORE_ERROR(created, StoreErrorCode::Conflict, "name");
	EXPECT_NE(created.error().message.find("'universal' already exists"), std::string::npos)
		<< created.error().message;

	auto mine = store_->createProfile(hevc720());
	ASSERT_STORE_OK(mine);
	Profile renamed = *mine;
	renamed.name = "Efficiency";
	EXPECT_STORE_ERROR(store_->updateProfile(renamed), StoreErrorCode::Conflict, "name");
	EXPECT_EQ(store_->getProfile(mine->id)->name, "HEVC 720p");
}

TEST_F(ProfileStore, InvalidValuesNameTheirField)
{
	Profile unnamed = hevc720();
	unnamed.name.clear();
	EXPECT_STORE_ERROR(store_->createProfile(unnamed), StoreErrorCode::Invalid, "name");

	/* VP9, AV1 and Opus need fMP4: the schema's CHECK backs the API's rule. */
	Profile vp9ts = hevc720();
	vp9ts.videoCodec = VideoCodec::VP9;
	vp9ts.audioCodec = AudioCodec::AAC;
	vp9ts.containerFormat = ContainerFormat::MpegTs;
	EXPECT_STORE_ERROR(store_->createProfile(vp9ts), StoreErrorCode::Invalid,
			   "container_format");
	EXPECT_EQ(store_->listProfiles()->size(), 3u);
}

TEST_F(ProfileStore, SystemProfilesCannotBeDeletedOrDemoted)
{
	Profile passthrough = profileNamed("Passthrough");
	EXPECT_STORE_ERROR(store_->deleteProfile(passthrough.id), StoreErrorCode::Protected, "");

	Profile demoted = passthrough;
	demoted.system = false;
	EXPECT_STORE_ERROR(store_->updateProfile(demoted), StoreErrorCode::Protected, "system");

	Profile promoted = hevc720();
	promoted.system = true;
	EXPECT_STORE_ERROR(store_->createProfile(promoted), StoreErrorCode::Protected, "system");

	auto mine = store_->createProfile(hevc720());
	ASSERT_STORE_OK(mine);
	Profile promotedLater = *mine;
	promotedLater.system = true;
	EXPECT_STORE_ERROR(store_->updateProfile(promotedLater), StoreErrorCode::Protected,
			   "system");
	EXPECT_FALSE(store_->getProfile(mine->id)->system);

	/* Editable otherwise. */
	Profile capped = passthrough;
	capped.maxHeight = 1080;
	auto updated = store_->updateProfile(capped);
	ASSERT_STORE_OK(updated);
	EXPECT_TRUE(updated->system);
	EXPECT_EQ(updated->maxHeight, 1080u);
}

TEST_F(ProfileStore, ExactlyOneDefault)
{
	const Profile universal = profileNamed("Universal");
	EXPECT_TRUE(universal.isDefault);

	Profile mine = hevc720();
	mine.isDefault = true;
	auto created = store_->createProfile(mine);
	ASSERT_STORE_OK(created);
	EXPECT_TRUE(created->isDefault);
	EXPECT_FALSE(store_->getProfile(universal.id)->isDefault);
	EXPECT_EQ(store_->defaultProfile()->id, created->id);
	EXPECT_EQ(defaults(), 1);

	Profile efficiency = profileNamed("Efficiency");
	efficiency.isDefault = true;
	ASSERT_STORE_OK(store_->updateProfile(efficiency));
	EXPECT_FALSE(store_->getProfile(created->id)->isDefault);
	EXPECT_EQ(store_->defaultProfile()->name, "Efficiency");
	EXPECT_EQ(defaults(), 1);

	/* There must always be one: the default can only be moved, not cleared. */
	Profile cleared = *store_->getProfile(efficiency.id);
	cleared.isDefault = false;
	EXPECT_STORE_ERROR(store_->updateProfile(cleared), StoreErrorCode::Invalid, "is_default");
	EXPECT_EQ(store_->defaultProfile()->name, "Efficiency");
}

TEST_F(ProfileStore, FailedDefaultChangeKeepsThePreviousDefault)
{
	Profile clash = hevc720();
	clash.name = "Passthrough";
	clash.isDefault = true;
	EXPECT_STORE_ERROR(store_->createProfile(clash), StoreErrorCode::Conflict, "name");
	EXPECT_EQ(store_->defaultProfile()->name, "Universal");
}

TEST_F(ProfileStore, DefaultProfileCannotBeDeleted)
{
	Profile mine = hevc720();
	mine.isDefault = true;
	auto created = store_->createProfile(mine);
	ASSERT_STORE_OK(created);
	EXPECT_STORE_ERROR(store_->deleteProfile(created->id), StoreErrorCode::Conflict,
			   "is_default");

	Profile universal = profileNamed("Universal");
	universal.isDefault = true;
	ASSERT_STORE_OK(store_->updateProfile(universal));
	ASSERT_STORE_OK(store_->deleteProfile(created->id));
}

TEST_F(ProfileStore, ProfileInUseCannotBeDeleted)
{
	auto profile = store_->createProfile(hevc720());
	ASSERT_STORE_OK(profile);
	Proxy proxy;
	proxy.name = "kitchen";
	proxy.profileId = profile->id;
	auto created = store_->createProxy(proxy);
	ASSERT_STORE_OK(created);

	auto refused = store_->deleteProfile(profile->id);
	EXPECT_STORE_ERROR(refused, StoreErrorCode::Conflict, "");
	EXPECT_NE(refused.error().message.find("kitchen"), std::string::npos)
		<< refused.error().message;
	EXPECT_EQ(store_->getProxy(created->id)->profileId, profile->id);

	ASSERT_STORE_OK(store_->deleteProxy(created->id));
	ASSERT_STORE_OK(store_->deleteProfile(profile->id));
}
