/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * loadAdminToken(): made once with mode 0600, read back after, replaced by api_token.
 */

#include <gtest/gtest.h>

#include <set>

#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "admintoken.h"

using namespace sluice;

namespace {

class AdminTokenTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		g_autofree char *dir = g_dir_make_tmp("sluice-token-XXXXXX", nullptr);
		ASSERT_NE(dir, nullptr);
		dir_ = dir;
		file_ = dir_ + "/" + kAdminTokenFile;
	}
	void TearDown() override
	{
		g_remove(file_.c_str());
		g_rmdir(dir_.c_str());
	}

	std::string read() const
	{
		g_autofree char *text = nullptr;
		g_file_get_contents(file_.c_str(), &text, nullptr, nullptr);
		return text ? text : "";
	}
	mode_t mode() const
	{
		GStatBuf info;
		return g_stat(file_.c_str(), &info) == 0 ? info.st_mode & 0777 : 0;
	}

	std::string dir_;
	std::string file_;
	std::string error_;
};

TEST_F(AdminTokenTest, MadeOncePrivateAndKept)
{
	auto first = loadAdminToken(dir_, "", error_);
	ASSERT_TRUE(first) << error_;
	EXPECT_TRUE(first->created);
	EXPECT_EQ(first->path, file_);
	EXPECT_EQ(first->token.size(), 43u);
	EXPECT_TRUE(isUsableToken(first->token));
	EXPECT_EQ(read(), first->token + "\n");
	EXPECT_EQ(mode(), 0600u);

	auto second = loadAdminToken(dir_, "", error_);
	ASSERT_TRUE(second) << error_;
	EXPECT_FALSE(second->created);
	EXPECT_EQ(second->token, first->token);
	EXPECT_TRUE(second->warnings.empty());
}

TEST_F(AdminTokenTest, ConfiguredTokenWins)
{
	auto configured = loadAdminToken(dir_, "from-the-config", error_);
	ASSERT_TRUE(configured) << error_;
	EXPECT_EQ(configured->token, "from-the-config");
	EXPECT_TRUE(configured->path.empty());
	EXPECT_FALSE(configured->created);
	EXPECT_FALSE(g_file_test(file_.c_str(), G_FILE_TEST_EXISTS));
}

TEST_F(AdminTokenTest, AnEditedFileIsReadAndMadePrivate)
{
	ASSERT_TRUE(g_file_set_contents(file_.c_str(), "my-own-token\r\n", -1, nullptr));
	g_chmod(file_.c_str(), 0644);
	auto token = loadAdminToken(dir_, "", error_);
	ASSERT_TRUE(token) << error_;
	EXPECT_EQ(token->token, "my-own-token");
	ASSERT_EQ(token->warnings.size(), 1u);
	EXPECT_NE(token->warnings[0].find("made it private"), std::string::npos);
	EXPECT_EQ(mode(), 0600u);
}

TEST_F(AdminTokenTest, AnUnusableFileIsAnError)
{
	for (const char *text : {"", "\n", "two words\n"}) {
		ASSERT_TRUE(g_file_set_contents(file_.c_str(), text, -1, nullptr));
		EXPECT_FALSE(loadAdminToken(dir_, "", error_)) << text;
		EXPECT_NE(error_.find(file_), std::string::npos) << error_;
		EXPECT_NE(error_.find("delete it"), std::string::npos) << error_;
	}
	EXPECT_FALSE(loadAdminToken(dir_ + "/missing-dir", "", error_));
}

TEST(RandomToken, DiffersEveryTimeAndIsUrlSafe)
{
	std::set<std::string> seen;
	std::string error;
	for (int i = 0; i < 50; i++) {
		auto token = newRandomToken(error);
		ASSERT_TRUE(token) << error;
		EXPECT_EQ(token->find_first_not_of(
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789-_"),
			  std::string::npos)
			<< *token;
		seen.insert(*token);
	}
	EXPECT_EQ(seen.size(), 50u);
}

} /* namespace */
