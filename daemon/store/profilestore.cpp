/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Profiles in the store: one default at all times, system profiles protected.
 */

#include "store.h"
#include "storeinternal.h"

namespace sluice {

namespace {

constexpr std::string_view kProfileSelect
	= "SELECT id, name, description, video_codec, audio_codec, container_format, hw_accel, "
	  "video_bitrate_kbps, max_height, preset, system_key IS NOT NULL, is_default FROM "
	  "profiles";

/* The schema's CHECKs admit canonical names only, so the fallbacks are never taken. */
Profile readProfile(const Statement &row)
{
	Profile profile;
	profile.id = row.int64(0);
	profile.name = row.text(1);
	profile.description = row.text(2);
	profile.videoCodec = parseVideoCodec(row.text(3)).value_or(VideoCodec::H264);
	profile.audioCodec = parseAudioCodec(row.text(4)).value_or(AudioCodec::AAC);
	profile.containerFormat = parseContainerFormat(row.text(5)).value_or(ContainerFormat::Auto);
	profile.hwAccel = parseHwAccel(row.text(6)).value_or(HwAccel::Auto);
	profile.videoBitrateKbps = row.uint32(7);
	profile.maxHeight = row.uint32(8);
	profile.preset = row.text(9);
	profile.system = row.int64(10) != 0;
	profile.isDefault = row.int64(11) != 0;
	return profile;
}

/* Binds name ... preset, is_default to parameters 1-10. */
void bindProfile(Statement &statement, const Profile &profile)
{
	statement.bind(1, profile.name)
		.bind(2, profile.description)
		.bind(3, toString(profile.videoCodec))
		.bind(4, toString(profile.audioCodec))
		.bind(5, toString(profile.containerFormat))
		.bind(6, toString(profile.hwAccel))
		.bind(7, static_cast<int64_t>(profile.videoBitrateKbps))
		.bind(8, static_cast<int64_t>(profile.maxHeight))
		.bind(9, profile.preset)
		.bind(10, static_cast<int64_t>(profile.isDefault ? 1 : 0));
}

StoreResult<Profile> queryProfile(sqlite3 *db, std::string_view where, Id id)
{
	auto statement = Statement::prepare(
		db, std::string(kProfileSelect) + " WHERE " + std::string(where));
	if (!statement)
		return statement.error();
	if (id != 0)
		statement->bind(1, static_cast<int64_t>(id));
	const int rc = statement->step();
	if (rc == SQLITE_ROW)
		return readProfile(*statement);
	if (rc == SQLITE_DONE)
		return id != 0 ? notFound("profile", id)
			       : StoreError {StoreErrorCode::NotFound, "no default profile", {}};
	return sqliteError(db, rc, {});
}

StoreResult<void> checkProfile(const Profile &profile)
{
	if (profile.name.empty())
		return invalid("name", "a profile needs a name");
	return {};
}

/* Run inside the transaction that makes another profile the default. */
StoreResult<void> clearDefault(sqlite3 *db)
{
	return execute(db, "UPDATE profiles SET is_default = 0 WHERE is_default = 1");
}

} /* namespace */

StoreResult<Profile> Store::createProfile(const Profile &profile)
{
	if (profile.system)
		return StoreError {StoreErrorCode::Protected,
				   "system profiles are created by sluiced only", "system"};
	if (auto checked = checkProfile(profile); !checked)
		return checked.error();

	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();
	if (profile.isDefault) {
		if (auto cleared = clearDefault(db); !cleared)
			return cleared.error();
	}
	auto insert = Statement::prepare(
		db,
		"INSERT INTO profiles (name, description, video_codec, audio_codec, "
		"container_format, hw_accel, video_bitrate_kbps, max_height, preset, "
		"is_default) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!insert)
		return insert.error();
	bindProfile(*insert, profile);
	if (auto inserted = insert->run(); !inserted)
		return describeConflict(inserted.error(), "profile", profile.name);
	const Id id = sqlite3_last_insert_rowid(db);
	if (auto committed = transaction.commit(); !committed)
		return committed.error();
	return getProfile(id);
}

StoreResult<Profile> Store::getProfile(Id id) const
{
	if (id <= 0)
		return notFound("profile", id);
	return queryProfile(db_.get(), "id = ?", id);
}

StoreResult<Profile> Store::defaultProfile() const
{
	return queryProfile(db_.get(), "is_default = 1", 0);
}

StoreResult<std::vector<Profile>> Store::listProfiles() const
{
	auto statement = Statement::prepare(
		db_.get(), std::string(kProfileSelect) + " ORDER BY system_key IS NULL, id");
	if (!statement)
		return statement.error();
	std::vector<Profile> profiles;
	int rc;
	while ((rc = statement->step()) == SQLITE_ROW)
		profiles.push_back(readProfile(*statement));
	if (rc != SQLITE_DONE)
		return sqliteError(db_.get(), rc, {});
	return profiles;
}

StoreResult<Profile> Store::updateProfile(const Profile &profile)
{
	if (auto checked = checkProfile(profile); !checked)
		return checked.error();

	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();
	auto stored = getProfile(profile.id);
	if (!stored)
		return stored.error();
	if (profile.system != stored->system)
		return StoreError {StoreErrorCode::Protected,
				   stored->system ? "profile '" + stored->name
						   + "' is a system profile and stays one"
						  : "system profiles are created by sluiced only",
				   "system"};
	if (stored->isDefault && !profile.isDefault)
		return invalid("is_default",
			       "profile '" + stored->name
				       + "' is the default; there must be one, "
					 "so make another profile the default instead");
	if (profile.isDefault && !stored->isDefault) {
		if (auto cleared = clearDefault(db); !cleared)
			return cleared.error();
	}

	auto update = Statement::prepare(
		db,
		"UPDATE profiles SET name = ?, description = ?, video_codec = ?, "
		"audio_codec = ?, container_format = ?, hw_accel = ?, video_bitrate_kbps = ?, "
		"max_height = ?, preset = ?, is_default = ? WHERE id = ?");
	if (!update)
		return update.error();
	bindProfile(*update, profile);
	update->bind(11, static_cast<int64_t>(profile.id));
	if (auto updated = update->run(); !updated)
		return describeConflict(updated.error(), "profile", profile.name);
	if (auto committed = transaction.commit(); !committed)
		return committed.error();
	return getProfile(profile.id);
}

StoreResult<void> Store::deleteProfile(Id id)
{
	sqlite3 *db = db_.get();
	Transaction transaction(db);
	if (auto begun = transaction.begin(); !begun)
		return begun.error();
	auto stored = getProfile(id);
	if (!stored)
		return stored.error();
	if (stored->system)
		return StoreError {StoreErrorCode::Protected,
				   "profile '" + stored->name
					   + "' is a system profile and cannot be deleted",
				   {}};
	if (stored->isDefault)
		return StoreError {StoreErrorCode::Conflict,
				   "profile '" + stored->name
					   + "' is the default; make another profile the default "
					     "first",
				   "is_default"};

	/* The schema's ON DELETE RESTRICT would refuse too, but without saying who uses it. */
	auto user = Statement::prepare(db,
				       "SELECT name FROM proxies WHERE profile_id = ? "
				       "ORDER BY id LIMIT 1");
	if (!user)
		return user.error();
	user->bind(1, static_cast<int64_t>(id));
	const int rc = user->step();
	if (rc == SQLITE_ROW)
		return StoreError {StoreErrorCode::Conflict,
				   "profile '" + stored->name + "' is used by proxy '"
					   + user->text(0)
					   + "'; give that proxy another profile first",
				   {}};
	if (rc != SQLITE_DONE)
		return sqliteError(db, rc, {});

	auto remove = Statement::prepare(db, "DELETE FROM profiles WHERE id = ?");
	if (!remove)
		return remove.error();
	remove->bind(1, static_cast<int64_t>(id));
	if (auto removed = remove->run(); !removed)
		return removed.error();
	return transaction.commit();
}

} /* namespace sluice */
