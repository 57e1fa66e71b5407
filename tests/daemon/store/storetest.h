/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What the store's tests share: a temporary directory, raw SQLite access, file bytes.
 */

#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include <glib.h>
#include <sqlite3.h>

#include "store.h"

namespace sluice::test {

/* A fresh directory, removed with everything in it at the end of the test. */
class TempDir
{
public:
	TempDir()
	{
		g_autofree gchar *path = g_dir_make_tmp("sluice-store-XXXXXX", nullptr);
		path_ = path ? path : "";
	}
	~TempDir()
	{
		std::error_code ec;
		if (!path_.empty())
			std::filesystem::remove_all(path_, ec);
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;

	const std::string &path() const { return path_; }
	std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
	std::string path_;
};

inline std::string readBytes(const std::string &path)
{
	g_autofree gchar *contents = nullptr;
	gsize length = 0;
	if (!g_file_get_contents(path.c_str(), &contents, &length, nullptr))
		return {};
	return std::string(contents, length);
}

inline void writeBytes(const std::string &path, const std::string &bytes)
{
	ASSERT_TRUE(g_file_set_contents(path.c_str(), bytes.data(),
					static_cast<gssize>(bytes.size()), nullptr));
}

inline bool exists(const std::string &path)
{
	std::error_code ec;
	return std::filesystem::exists(path, ec);
}

struct RawCloser {
	void operator()(sqlite3 *db) const { sqlite3_close(db); }
};
using RawDb = std::unique_ptr<sqlite3, RawCloser>;

/* A plain SQLite connection, to build fixtures and look behind the store's back. */
inline RawDb openRaw(const std::string &path)
{
	sqlite3 *db = nullptr;
	EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK) << path;
	return RawDb(db);
}

inline void exec(sqlite3 *db, const std::string &sql)
{
	char *error = nullptr;
	const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
	EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error ? error : "");
	sqlite3_free(error);
}

/* The first column of the first row of sql, as text; "" when there is no row. */
inline std::string queryText(sqlite3 *db, const std::string &sql)
{
	sqlite3_stmt *stmt = nullptr;
	EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
		<< sql << ": " << sqlite3_errmsg(db);
	std::string value;
	if (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
		const auto *text = sqlite3_column_text(stmt, 0);
		value = text ? reinterpret_cast<const char *>(text) : "";
	}
	sqlite3_finalize(stmt);
	return value;
}

inline int64_t queryInt(sqlite3 *db, const std::string &sql)
{
	const std::string text = queryText(db, sql);
	return text.empty() ? -1 : std::stoll(text);
}

inline std::unique_ptr<Store> openStore(const std::string &path)
{
	auto store = Store::open(path);
	EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
	return store.ok() ? std::move(store).value() : nullptr;
}

/* A StoreResult that must have failed with code, naming field. */
#define EXPECT_STORE_ERROR(result, expectedCode, expectedField)                                    \
	do {                                                                                       \
		const auto &r_ = (result);                                                         \
		ASSERT_FALSE(r_.ok()) << "expected " << toString(expectedCode);                    \
		EXPECT_EQ(r_.error().code, expectedCode) << r_.error().message;                    \
		EXPECT_EQ(r_.error().field, expectedField) << r_.error().message;                  \
	} while (0)

#define ASSERT_STORE_OK(result)                                                                    \
	do {                                                                                       \
		const auto &r_ = (result);                                                         \
		ASSERT_TRUE(r_.ok()) << r_.error().message;                                        \
	} while (0)

#define EXPECT_STORE_OK(result)                                                                    \
	do {                                                                                       \
		const auto &r_ = (result);                                                         \
		EXPECT_TRUE(r_.ok()) << (r_.ok() ? std::string() : r_.error().message);            \
	} while (0)

/* A store in a fresh directory. */
class StoreTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		ASSERT_FALSE(dir_.path().empty());
		store_ = openStore(dir_.file("sluice.db"));
		ASSERT_TRUE(store_);
	}

	Source makeSource(const std::string &name)
	{
		Source source;
		source.name = name;
		source.url = "http://example.com/" + name + ".m3u";
		auto created = store_->createSource(source);
		EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
		return created.ok() ? *created : Source {};
	}

	Channel makeChannel(Id sourceId, const std::string &name, const std::string &key = {})
	{
		Channel channel;
		channel.sourceId = sourceId;
		channel.name = name;
		channel.streamUrl = "http://example.com/live/" + name + ".ts";
		channel.importKey = key;
		auto created = store_->createChannel(channel);
		EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
		return created.ok() ? *created : Channel {};
	}

	TempDir dir_;
	std::unique_ptr<Store> store_;
};

} /* namespace sluice::test */
