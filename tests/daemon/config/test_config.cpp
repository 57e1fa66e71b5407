/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Tests of sluiced's configuration layers: defaults, file, environment, flags, and their errors.
 */

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "config.h"

using namespace sluice;

namespace {

/* A writable argv, as main() gets it. */
class Args
{
public:
	Args(std::initializer_list<std::string> args)
	{
		strings_.push_back("sluiced");
		strings_.insert(strings_.end(), args.begin(), args.end());
		for (std::string &s : strings_)
			pointers_.push_back(s.data());
		pointers_.push_back(nullptr);
		argc_ = static_cast<int>(strings_.size());
		argv_ = pointers_.data();
	}

	Args(const Args &) = delete;
	Args &operator=(const Args &) = delete;

	int &argc() { return argc_; }
	char **&argv() { return argv_; }

private:
	std::vector<std::string> strings_;
	std::vector<char *> pointers_;
	int argc_;
	char **argv_;
};

class ConfigTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		g_autoptr(GError) error = nullptr;
		g_autofree char *dir = g_dir_make_tmp("sluice-config-XXXXXX", &error);
		ASSERT_TRUE(dir) << error->message;
		dir_ = dir;
	}

	void TearDown() override
	{
		for (const std::string &file : files_)
			g_unlink(file.c_str());
		g_rmdir(dir_.c_str());
	}

	std::string writeFile(const std::string &name, const std::string &text)
	{
		std::string path = dir_ + "/" + name;
		std::ofstream(path) << text;
		files_.push_back(path);
		return path;
	}

	/* Loads with no system config file, so the machine's /etc/sluice can't leak in. */
	std::optional<LoadedConfig> load(std::initializer_list<std::string> list,
					 const Environment &env = {})
	{
		error_.clear();
		Args args(list);
		std::optional<LoadedConfig> loaded
			= loadConfig(args.argc(), args.argv(), env, error_, nullptr);
		if (loaded)
			EXPECT_TRUE(error_.empty());
		else
			EXPECT_FALSE(error_.empty());
		return loaded;
	}

	Config loadOk(std::initializer_list<std::string> args, const Environment &env = {})
	{
		std::optional<LoadedConfig> loaded = load(args, env);
		EXPECT_TRUE(loaded) << error_;
		return loaded ? loaded->config : Config {};
	}

	/* The error of a failing load. */
	std::string loadError(std::initializer_list<std::string> args, const Environment &env = {})
	{
		std::optional<LoadedConfig> loaded = load(args, env);
		EXPECT_FALSE(loaded);
		return error_;
	}

	std::string dir_;
	std::vector<std::string> files_;
	std::string error_;
};

bool contains(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

} /* namespace */

TEST_F(ConfigTest, Defaults)
{
	Config config = loadOk({});
	EXPECT_EQ(config.listenHost, "0.0.0.0");
	EXPECT_EQ(config.listenPort, 8080);
	EXPECT_EQ(config.publicUrl, "");
	EXPECT_EQ(config.apiToken, "");
	EXPECT_EQ(config.maxBodyBytes, 1024u * 1024);
	EXPECT_EQ(config.maxUploadBytes, 64u * 1024 * 1024);
	EXPECT_EQ(config.stateDir, "./var");
	EXPECT_EQ(config.logLevel, LogLevel::Message);
	EXPECT_EQ(config.channelIdleTimeoutS, 60u);
	EXPECT_EQ(config.clientIdleTimeoutS, 40u);
	EXPECT_EQ(config.segmentDurationS, 2u);
	EXPECT_EQ(config.coordinatorPort, 9090);
}

TEST_F(ConfigTest, StateDirectoryFromSystemd)
{
	EXPECT_EQ(loadOk({}, {{"STATE_DIRECTORY", "/var/lib/sluice"}}).stateDir, "/var/lib/sluice");
	/* Several StateDirectory= entries: the first. */
	EXPECT_EQ(loadOk({}, {{"STATE_DIRECTORY", "/var/lib/sluice:/var/lib/other"}}).stateDir,
		  "/var/lib/sluice");
	/* Any layer that sets it wins over systemd's. */
	EXPECT_EQ(loadOk({"--state-dir", "/srv/sluice"}, {{"STATE_DIRECTORY", "/x"}}).stateDir,
		  "/srv/sluice");
	std::string file = writeFile("empty.conf", "[storage]\nstate_dir =\n");
	EXPECT_EQ(loadOk({"--config", file}, {{"STATE_DIRECTORY", "/x"}}).stateDir, "/x");
}

TEST_F(ConfigTest, FileThenEnvironmentThenFlags)
{
	std::string file = writeFile("layers.conf",
				     "[server]\n"
				     "listen = 10.0.0.1:1001\n"
				     "public_url = http://file/\n"
				     "[log]\n"
				     "level = info\n"
				     "[live]\n"
				     "segment_duration = 3\n"
				     "channel_idle_timeout = 5\n"
				     "[coordinator]\n"
				     "port = 9191\n");
	Environment env = {
		{"SLUICE_LISTEN", "10.0.0.2:1002"},
		{"SLUICE_SEGMENT_DURATION", "4"},
		{"SLUICE_COORDINATOR_PORT", "9292"},
		{"SLUICE_UNRELATED", "ignored"},
	};

	Config fileOnly = loadOk({"--config", file});
	EXPECT_EQ(fileOnly.listenHost, "10.0.0.1");
	EXPECT_EQ(fileOnly.listenPort, 1001);
	EXPECT_EQ(fileOnly.segmentDurationS, 3u);

	Config fileAndEnv = loadOk({"--config", file}, env);
	EXPECT_EQ(fileAndEnv.listenHost, "10.0.0.2");
	EXPECT_EQ(fileAndEnv.listenPort, 1002);
	EXPECT_EQ(fileAndEnv.segmentDurationS, 4u);
	EXPECT_EQ(fileAndEnv.coordinatorPort, 9292);

	Config all
		= loadOk({"--config", file, "--listen", "[::1]:1003", "--coordinator-port=0"}, env);
	EXPECT_EQ(all.listenHost, "::1"); /* flag */
	EXPECT_EQ(all.listenPort, 1003);
	EXPECT_EQ(all.coordinatorPort, 0); /* flag */
	EXPECT_EQ(all.segmentDurationS, 4u); /* environment */
	EXPECT_EQ(all.logLevel, LogLevel::Info); /* file */
	EXPECT_EQ(all.channelIdleTimeoutS, 5u); /* file */
	EXPECT_EQ(all.publicUrl, "http://file"); /* file, normalised */
	EXPECT_EQ(all.clientIdleTimeoutS, 40u); /* default */
}

TEST_F(ConfigTest, EveryKeyHasAnEnvironmentVariable)
{
	Environment env = {
		{"SLUICE_LISTEN", "127.0.0.1:0"},
		{"SLUICE_PUBLIC_URL", "https://tv.example.net/"},
		{"SLUICE_API_TOKEN", "s3cret-token"},
		{"SLUICE_TRUSTED_ADDRESSES", "127.0.0.1, ::1/128"},
		{"SLUICE_MAX_BODY_BYTES", "2M"},
		{"SLUICE_MAX_UPLOAD_BYTES", "1G"},
		{"SLUICE_STATE_DIR", "/srv/sluice"},
		{"SLUICE_MEDIA_DIRS", "/srv/media, /mnt/tv/"},
		{"SLUICE_LOG_LEVEL", "debug"},
		{"SLUICE_CHANNEL_IDLE_TIMEOUT", "0"},
		{"SLUICE_CLIENT_IDLE_TIMEOUT", "120"},
		{"SLUICE_SEGMENT_DURATION", "6"},
		{"SLUICE_START_TIMEOUT", "30"},
		{"SLUICE_COORDINATOR_PORT", "9999"},
	};
	ASSERT_EQ(env.size(), configKeys().size());
	for (const ConfigKey &key : configKeys())
		EXPECT_TRUE(env.count(std::string(key.envVar))) << key.envVar;

	std::optional<LoadedConfig> loaded = load({}, env);
	ASSERT_TRUE(loaded) << error_;
	const Config &config = loaded->config;
	EXPECT_EQ(config.listenHost, "127.0.0.1");
	EXPECT_EQ(config.listenPort, 0);
	EXPECT_EQ(config.publicUrl, "https://tv.example.net");
	EXPECT_EQ(config.apiToken, "s3cret-token");
	ASSERT_EQ(config.trustedAddresses.size(), 2u);
	EXPECT_EQ(config.trustedAddresses[1].text(), "::1");
	EXPECT_EQ(config.mediaDirs, (std::vector<std::string> {"/srv/media", "/mnt/tv"}));
	EXPECT_EQ(config.maxBodyBytes, 2u * 1024 * 1024);
	EXPECT_EQ(config.maxUploadBytes, uint64_t(1) << 30);
	EXPECT_EQ(config.stateDir, "/srv/sluice");
	EXPECT_EQ(config.logLevel, LogLevel::Debug);
	EXPECT_EQ(config.channelIdleTimeoutS, 0u);
	EXPECT_EQ(config.clientIdleTimeoutS, 120u);
	EXPECT_EQ(config.segmentDurationS, 6u);
	EXPECT_EQ(config.startTimeoutS, 30u);
	EXPECT_EQ(config.coordinatorPort, 9999);
	/* Loopback only: no warning about trusted networks. */
	EXPECT_TRUE(loaded->warnings.empty());
}

TEST_F(ConfigTest, FileChoice)
{
	std::string system = writeFile("system.conf", "[live]\nsegment_duration = 7\n");
	std::string named = writeFile("named.conf", "[live]\nsegment_duration = 8\n");
	writeFile("sluiced.conf", "[live]\nsegment_duration = 9\n");
	auto segment = [this](std::initializer_list<std::string> list, const Environment &env,
			      const char *systemFile) {
		Args args(list);
		std::optional<LoadedConfig> loaded
			= loadConfig(args.argc(), args.argv(), env, error_, systemFile);
		EXPECT_TRUE(loaded) << error_;
		return loaded ? loaded->config.segmentDurationS : 0;
	};

	EXPECT_EQ(segment({}, {}, system.c_str()), 7u);
	EXPECT_EQ(segment({}, {}, "/nonexistent/sluiced.conf"), 2u);
	EXPECT_EQ(segment({}, {{"CONFIGURATION_DIRECTORY", dir_}}, system.c_str()), 9u);
	EXPECT_EQ(segment({}, {{"SLUICE_CONFIG", named}}, system.c_str()), 8u);
	EXPECT_EQ(segment({"--config", system}, {{"SLUICE_CONFIG", named}}, nullptr), 7u);
	/* Empty: no file at all, not even the system one. */
	EXPECT_EQ(segment({"--config="}, {}, system.c_str()), 2u);
	EXPECT_EQ(segment({}, {{"SLUICE_CONFIG", ""}}, system.c_str()), 2u);

	Args args {};
	std::optional<LoadedConfig> loaded
		= loadConfig(args.argc(), args.argv(), {}, error_, system.c_str());
	ASSERT_TRUE(loaded);
	EXPECT_EQ(loaded->configFile, system);
}

TEST_F(ConfigTest, MissingNamedFileIsAnError)
{
	std::string error = loadError({"--config", dir_ + "/missing.conf"});
	EXPECT_TRUE(contains(error, "--config")) << error;
	EXPECT_TRUE(contains(error, dir_ + "/missing.conf")) << error;

	error = loadError({}, {{"SLUICE_CONFIG", "/nonexistent.conf"}});
	EXPECT_TRUE(contains(error, "SLUICE_CONFIG")) << error;
	EXPECT_TRUE(contains(error, "/nonexistent.conf")) << error;
}

TEST_F(ConfigTest, FileErrorsNameFileGroupKeyAndValue)
{
	std::string file = writeFile("bad.conf",
				     "[server]\n"
				     "listen = 127.0.0.1:99999\n"
				     "[live]\n"
				     "segment_duration = 12\n"
				     "client_idle_timeout = 10\n"
				     "channel_idle_timeout = 60 # one minute\n");
	std::string error = loadError({"--config", file});
	EXPECT_TRUE(contains(error,
			     file
				     + ":server.listen: invalid value \"127.0.0.1:99999\": "
				       "port 99999 is out of range (0..65535)"))
		<< error;
	EXPECT_TRUE(contains(error,
			     file
				     + ":live.segment_duration: invalid value \"12\": "
				       "out of range (1..10)"))
		<< error;
	EXPECT_TRUE(contains(error,
			     file
				     + ":live.client_idle_timeout: invalid value \"10\": "
				       "out of range (40..3600); players pause polling"))
		<< error;
	EXPECT_TRUE(contains(error,
			     file
				     + ":live.channel_idle_timeout: invalid value "
				       "\"60 # one minute\": not a whole number"))
		<< error;
	/* One line per problem: all are reported at once. */
	EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 3) << error;
}

TEST_F(ConfigTest, SyntaxErrorNamesTheFile)
{
	std::string file = writeFile("syntax.conf", "[server\nlisten = :80\n");
	std::string error = loadError({"--config", file});
	EXPECT_TRUE(contains(error, file + ": ")) << error;
}

TEST_F(ConfigTest, EnvironmentErrorsNameTheVariable)
{
	std::string error = loadError({},
				      {
					      {"SLUICE_LISTEN", "::1:80"},
					      {"SLUICE_LOG_LEVEL", "loud"},
					      {"SLUICE_MAX_UPLOAD_BYTES", "64X"},
				      });
	EXPECT_TRUE(contains(error,
			     "SLUICE_LISTEN: invalid value \"::1:80\": an IPv6 address "
			     "needs brackets"))
		<< error;
	EXPECT_TRUE(contains(error,
			     "SLUICE_LOG_LEVEL: invalid value \"loud\": expected error, "
			     "warning, message, info or debug"))
		<< error;
	EXPECT_TRUE(contains(error, "SLUICE_MAX_UPLOAD_BYTES: invalid value \"64X\""));
}

TEST_F(ConfigTest, FlagErrorsNameTheFlag)
{
	std::string error = loadError({"--listen", "nas:port", "--coordinator-port", "70000"});
	EXPECT_TRUE(
		contains(error, "--listen: invalid value \"nas:port\": the port is not a number"))
		<< error;
	EXPECT_TRUE(contains(error,
			     "--coordinator-port: invalid value \"70000\": port 70000 is "
			     "out of range"))
		<< error;

	error = loadError({"--log-level=chatty"});
	EXPECT_TRUE(contains(error, "--log-level: invalid value \"chatty\"")) << error;
}

TEST_F(ConfigTest, TheTokenIsNeverRepeated)
{
	std::string error = loadError({}, {{"SLUICE_API_TOKEN", "my secret"}});
	EXPECT_TRUE(contains(error, "SLUICE_API_TOKEN: invalid value: ")) << error;
	EXPECT_FALSE(contains(error, "my secret")) << error;
}

TEST_F(ConfigTest, UnknownKeysAndGroupsAreWarnings)
{
	std::string file = writeFile("typo.conf",
				     "[server]\n"
				     "lisen = 127.0.0.1:1\n"
				     "api_token = abc\n"
				     "[serverr]\n"
				     "listen = 127.0.0.1:2\n");
	std::optional<LoadedConfig> loaded = load({"--config", file});
	ASSERT_TRUE(loaded) << error_;
	EXPECT_EQ(loaded->config.listenPort, 8080);
	ASSERT_EQ(loaded->warnings.size(), 2u);
	EXPECT_EQ(loaded->warnings[0], file + ":server.lisen: unknown key, ignored");
	EXPECT_EQ(loaded->warnings[1], file + ": unknown group [serverr], ignored");
}

TEST_F(ConfigTest, TrustedAddresses)
{
	/* This machine only by default; no warning: the admin token guards the rest. */
	std::optional<LoadedConfig> loaded = load({});
	ASSERT_TRUE(loaded);
	EXPECT_TRUE(loaded->warnings.empty());
	ASSERT_EQ(loaded->config.trustedAddresses.size(), 2u);
	EXPECT_EQ(loaded->config.trustedAddresses[0].text(), "127.0.0.1");
	EXPECT_EQ(loaded->config.trustedAddresses[1].text(), "::1");

	/* Empty: nobody is trusted. */
	EXPECT_TRUE(loadOk({}, {{"SLUICE_TRUSTED_ADDRESSES", ""}}).trustedAddresses.empty());

	/* A network beyond this machine is worth a warning. */
	loaded = load({}, {{"SLUICE_TRUSTED_ADDRESSES", "127.0.0.0/8, 192.168.1.7/24"}});
	ASSERT_TRUE(loaded) << error_;
	ASSERT_EQ(loaded->warnings.size(), 1u);
	EXPECT_TRUE(contains(loaded->warnings[0], "192.168.1.0/24")) << loaded->warnings[0];
	EXPECT_TRUE(contains(loaded->warnings[0], "without the admin token"))
		<< loaded->warnings[0];

	std::string error = loadError({}, {{"SLUICE_TRUSTED_ADDRESSES", "127.0.0.1, nas.local"}});
	EXPECT_TRUE(contains(error,
			     "SLUICE_TRUSTED_ADDRESSES: invalid value \"127.0.0.1, "
			     "nas.local\": \"nas.local\" is not an IP address"))
		<< error;
	error = loadError({}, {{"SLUICE_TRUSTED_ADDRESSES", "10.0.0.0/33"}});
	EXPECT_TRUE(contains(error, "the prefix length must be 0..32")) << error;
	error = loadError({}, {{"SLUICE_TRUSTED_ADDRESSES", "127.0.0.1,,::1"}});
	EXPECT_TRUE(contains(error, "an entry of the list is empty")) << error;
}

TEST_F(ConfigTest, MediaDirs)
{
	EXPECT_TRUE(loadOk({}).mediaDirs.empty());
	std::string file
		= writeFile("media.conf", "[storage]\nmedia_dirs = /srv/media/ , /mnt/tv\n");
	EXPECT_EQ(loadOk({"--config", file}).mediaDirs,
		  (std::vector<std::string> {"/srv/media", "/mnt/tv"}));

	std::string error = loadError({}, {{"SLUICE_MEDIA_DIRS", "/srv/media, media"}});
	EXPECT_TRUE(contains(error,
			     "SLUICE_MEDIA_DIRS: invalid value \"/srv/media, media\": "
			     "\"media\" is not an absolute directory"))
		<< error;
	error = loadError({}, {{"SLUICE_MEDIA_DIRS", "//"}});
	EXPECT_TRUE(contains(error, "every file it can read")) << error;
}

TEST_F(ConfigTest, CommandLine)
{
	EXPECT_TRUE(contains(loadError({"--bogus"}), "--bogus"));
	EXPECT_EQ(loadError({"extra"}), "unexpected argument \"extra\"");
	EXPECT_TRUE(contains(loadError({"--listen"}), "--listen"));

	/* Parsed options are removed from argv. */
	Args args {"--log-level", "debug"};
	std::optional<LoadedConfig> loaded
		= loadConfig(args.argc(), args.argv(), {}, error_, nullptr);
	ASSERT_TRUE(loaded) << error_;
	EXPECT_EQ(args.argc(), 1);
	EXPECT_EQ(loaded->config.logLevel, LogLevel::Debug);
}

TEST_F(ConfigTest, VersionReadsNothingElse)
{
	std::optional<LoadedConfig> loaded
		= load({"--version", "--config", "/nonexistent.conf"}, {{"SLUICE_LISTEN", "x"}});
	ASSERT_TRUE(loaded) << error_;
	EXPECT_TRUE(loaded->showVersion);
	EXPECT_STREQ(versionString(), "0.1.0");
}

TEST_F(ConfigTest, ValuesAreTrimmed)
{
	EXPECT_EQ(loadOk({}, {{"SLUICE_SEGMENT_DURATION", " 5 "}}).segmentDurationS, 5u);
}

/*
 * data/sluiced.conf documents every key, commented out, with its default. With every key
 * uncommented it must load without a warning to exactly the built-in defaults.
 */
TEST_F(ConfigTest, DefaultsFileEqualsBuiltInDefaults)
{
	std::ifstream in(SLUICE_DEFAULT_CONF);
	ASSERT_TRUE(in) << SLUICE_DEFAULT_CONF;
	std::stringstream active;
	const std::regex keyLine("^#([a-z_]+ =.*)$");
	size_t keys = 0;
	for (std::string line; std::getline(in, line);) {
		std::smatch match;
		if (std::regex_match(line, match, keyLine)) {
			active << match[1] << "\n";
			keys++;
		} else {
			active << line << "\n";
		}
	}
	EXPECT_EQ(keys, configKeys().size()) << "a key is missing from data/sluiced.conf";
	std::string file = writeFile("defaults.conf", active.str());

	/* The commented file itself sets nothing. */
	std::optional<LoadedConfig> commented = load({"--config", SLUICE_DEFAULT_CONF});
	ASSERT_TRUE(commented) << error_;

	std::optional<LoadedConfig> uncommented = load({"--config", file});
	ASSERT_TRUE(uncommented) << error_;
	std::optional<LoadedConfig> builtIn = load({});
	ASSERT_TRUE(builtIn) << error_;

	EXPECT_TRUE(uncommented->config == builtIn->config);
	EXPECT_TRUE(commented->config == builtIn->config);
	EXPECT_EQ(uncommented->warnings, builtIn->warnings) << "unknown keys in data/sluiced.conf?";

	/* Field by field, for a readable failure. */
	EXPECT_EQ(uncommented->config.listenHost, builtIn->config.listenHost);
	EXPECT_EQ(uncommented->config.listenPort, builtIn->config.listenPort);
	EXPECT_EQ(uncommented->config.maxBodyBytes, builtIn->config.maxBodyBytes);
	EXPECT_EQ(uncommented->config.maxUploadBytes, builtIn->config.maxUploadBytes);
	EXPECT_EQ(uncommented->config.channelIdleTimeoutS, builtIn->config.channelIdleTimeoutS);
	EXPECT_EQ(uncommented->config.clientIdleTimeoutS, builtIn->config.clientIdleTimeoutS);
	EXPECT_EQ(uncommented->config.segmentDurationS, builtIn->config.segmentDurationS);
	EXPECT_EQ(uncommented->config.coordinatorPort, builtIn->config.coordinatorPort);
	EXPECT_EQ(uncommented->config.trustedAddresses, builtIn->config.trustedAddresses);
	EXPECT_EQ(uncommented->config.mediaDirs, builtIn->config.mediaDirs);
	EXPECT_EQ(uncommented->config.logLevel, builtIn->config.logLevel);
}

TEST_F(ConfigTest, EnvironmentOfThisProcess)
{
	g_setenv("SLUICE_TEST_PROBE", "a=b", TRUE);
	Environment env = processEnvironment();
	EXPECT_EQ(env["SLUICE_TEST_PROBE"], "a=b");
	g_unsetenv("SLUICE_TEST_PROBE");
}
