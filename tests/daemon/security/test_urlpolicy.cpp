/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * UrlPolicy: the schemes sluiced opens, and local files only inside its media directories
 * (".." and symlinks resolved).
 */

#include <gtest/gtest.h>

#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "urlpolicy.h"

using namespace sluice;

namespace {

class UrlPolicyTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		g_autofree char *dir = g_dir_make_tmp("sluice-policy-XXXXXX", nullptr);
		ASSERT_NE(dir, nullptr);
		root_ = dir;
		media_ = root_ + "/media";
		other_ = root_ + "/other";
		g_mkdir(media_.c_str(), 0700);
		g_mkdir((media_ + "/sub").c_str(), 0700);
		g_mkdir(other_.c_str(), 0700);
		make(media_ + "/clip.mkv");
		make(media_ + "/sub/list.m3u");
		make(other_ + "/secret.ts");
		/* A link inside the media folder to a file outside it, and one to the outside
		 * folder itself. */
		ASSERT_EQ(symlink((other_ + "/secret.ts").c_str(), (media_ + "/link.ts").c_str()),
			  0);
		ASSERT_EQ(symlink(other_.c_str(), (media_ + "/outside").c_str()), 0);
		/* A link to the media folder is a way in, not out. */
		ASSERT_EQ(symlink(media_.c_str(), (root_ + "/alias").c_str()), 0);
		policy_ = UrlPolicy({media_});
	}
	void TearDown() override
	{
		for (const std::string &path :
		     {media_ + "/clip.mkv", media_ + "/sub/list.m3u", other_ + "/secret.ts",
		      media_ + "/link.ts", media_ + "/outside", root_ + "/alias"})
			g_remove(path.c_str());
		for (const std::string &dir : {media_ + "/sub", media_, other_, root_})
			g_rmdir(dir.c_str());
	}

	static void make(const std::string &path)
	{
		ASSERT_TRUE(g_file_set_contents(path.c_str(), "x", 1, nullptr)) << path;
	}

	bool stream(const std::string &url) const
	{
		return !policy_.check(url, UrlUse::Stream).has_value();
	}
	bool list(const std::string &url) const
	{
		return !policy_.check(url, UrlUse::List).has_value();
	}

	std::string root_, media_, other_;
	UrlPolicy policy_;
};

TEST_F(UrlPolicyTest, NetworkSchemes)
{
	for (const char *url : {"http://x/a.m3u8", "HTTPS://x/a.mpd", "rtsp://cam/1", "rtmp://x/a",
				"udp://@239.0.0.1:1234", "rtp://239.0.0.2:5004",
				"test://smpte?codec=h264", "http://x/a.ts|User-Agent=VLC"})
		EXPECT_TRUE(stream(url)) << url;
	for (const char *url :
	     {"ftp://x/a.ts", "gopher://x/", "javascript:alert(1)", "data:text/plain,x", "fd://0",
	      "v4l2:///dev/video0", "appsrc://", "smb://nas/share/a.ts", "relative/path.ts",
	      "/absolute/path.ts", ""})
		EXPECT_FALSE(stream(url)) << url;

	EXPECT_TRUE(list("http://x/list.m3u"));
	EXPECT_TRUE(list("https://x/list.m3u"));
	for (const char *url : {"test://smpte", "rtsp://x/", "ftp://x/list.m3u", "gopher://x/"})
		EXPECT_FALSE(list(url)) << url;

	auto problem = policy_.check("ftp://x/a.ts", UrlUse::Stream);
	ASSERT_TRUE(problem);
	EXPECT_NE(problem->find("ftp:"), std::string::npos) << *problem;
}

TEST_F(UrlPolicyTest, FilesInsideTheMediaDirectories)
{
	EXPECT_TRUE(stream("file://" + media_ + "/clip.mkv"));
	EXPECT_TRUE(stream("file://" + media_ + "/clip.mkv?loop=1"));
	EXPECT_TRUE(stream("file://localhost" + media_ + "/clip.mkv"));
	EXPECT_TRUE(stream("file://" + root_ + "/alias/clip.mkv"));
	EXPECT_TRUE(list("file://" + media_ + "/sub/list.m3u"));
	/* Not there yet (a recording to come): judged by where it would be. */
	EXPECT_TRUE(stream("file://" + media_ + "/sub/later.ts"));
	EXPECT_TRUE(stream("file://" + media_ + "/new/dir/later.ts"));
	/* Percent-encoding is decoded like any file URL. */
	EXPECT_TRUE(stream("file://" + media_ + "/clip%2Emkv"));
}

TEST_F(UrlPolicyTest, FilesOutsideAreRefused)
{
	for (const std::string &url : std::vector<std::string> {
		     "file:///etc/hostname",
		     "file://" + other_ + "/secret.ts",
		     "file://" + media_ + "/../other/secret.ts",
		     "file://" + media_ + "/sub/../../other/secret.ts",
		     "file://" + media_ + "/%2E%2E/other/secret.ts",
		     "file://" + media_ + "%2F..%2Fother/secret.ts",
		     "file://" + media_ + "/link.ts",
		     "file://" + media_ + "/outside/secret.ts",
		     "file://" + media_ + "/missing/../../other/secret.ts",
		     "file://" + media_ + "/missing/../clip.mkv",
		     /* Even where it would stay inside: ".." is judged by no one's rules. */
		     "file://" + media_ + "/sub/../clip.mkv",
		     "file://" + media_ + "/./clip.mkv",
		     "file://" + media_ + "x/clip.mkv",
		     "file://" + root_,
		     "file://nas" + media_ + "/clip.mkv",
		     "file://" + media_ + "/clip.mkv?loop=1&x=2",
		     "file://" + media_ + "/clip.mkv#t=1",
		     "file:relative.ts",
	     })
		EXPECT_FALSE(stream(url)) << url;
	/* A list takes no loop. */
	EXPECT_FALSE(list("file://" + media_ + "/sub/list.m3u?loop=1"));

	auto problem = policy_.check("file:///etc/hostname", UrlUse::Stream);
	ASSERT_TRUE(problem);
	EXPECT_NE(problem->find("outside the media directories"), std::string::npos) << *problem;
	EXPECT_NE(problem->find(media_), std::string::npos) << *problem;
}

TEST_F(UrlPolicyTest, NoMediaDirectoryNoFile)
{
	const UrlPolicy none;
	auto problem = none.check("file://" + media_ + "/clip.mkv", UrlUse::Stream);
	ASSERT_TRUE(problem);
	EXPECT_NE(problem->find("media_dirs is empty"), std::string::npos) << *problem;
	EXPECT_FALSE(none.check("http://x/a", UrlUse::Stream));
	/* Relative directories are ignored; a directory that does not exist holds nothing. */
	const UrlPolicy odd({"media", root_ + "/not-there"});
	EXPECT_TRUE(odd.mediaDirs().size() == 1u);
	EXPECT_TRUE(odd.check("file://" + root_ + "/not-there/a.ts", UrlUse::Stream));
}

TEST(UrlScheme, Parsing)
{
	EXPECT_EQ(urlScheme("HTTP://x"), "http");
	EXPECT_EQ(urlScheme("rtsp+tcp://x"), "rtsp+tcp");
	EXPECT_EQ(urlScheme("javascript:alert(1)"), "javascript");
	EXPECT_EQ(urlScheme("/path"), "");
	EXPECT_EQ(urlScheme("1http://x"), "");
	EXPECT_EQ(urlScheme(":x"), "");
	EXPECT_TRUE(isStreamScheme("file"));
	EXPECT_FALSE(isStreamScheme("ftp"));
}

} /* namespace */
