/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Tests of sd_notify messages read from a socket the test binds, and of the systemd unit.
 */

#include <cstddef>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <gtest/gtest.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "notify.h"

using namespace sluice;

namespace {

/* The service manager's end: an AF_UNIX datagram socket, abstract or in a temporary folder. */
class NotifySocket
{
public:
	explicit NotifySocket(bool abstract)
	{
		fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		sockaddr_un address {};
		address.sun_family = AF_UNIX;
		socklen_t length;
		if (abstract) {
			name_ = "@sluice-notify-test-" + std::to_string(getpid()) + "-"
				+ std::to_string(g_random_int());
			memcpy(address.sun_path + 1, name_.data() + 1, name_.size() - 1);
			length = offsetof(sockaddr_un, sun_path) + name_.size();
		} else {
			g_autofree char *dir = g_dir_make_tmp("sluice-notify-XXXXXX", nullptr);
			dir_ = dir;
			name_ = dir_ + "/notify";
			memcpy(address.sun_path, name_.c_str(), name_.size() + 1);
			length = sizeof(address);
		}
		bound_ = bind(fd_, reinterpret_cast<sockaddr *>(&address), length) == 0;
	}
	~NotifySocket()
	{
		close(fd_);
		if (!dir_.empty()) {
			g_unlink(name_.c_str());
			g_rmdir(dir_.c_str());
		}
	}

	bool bound() const { return bound_; }
	/* The NOTIFY_SOCKET value. */
	const std::string &name() const { return name_; }

	std::optional<std::string> receive(int timeoutMs = 2000)
	{
		pollfd p = {fd_, POLLIN, 0};
		if (poll(&p, 1, timeoutMs) != 1)
			return std::nullopt;
		char buffer[4096];
		ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
		if (n < 0)
			return std::nullopt;
		return std::string(buffer, static_cast<size_t>(n));
	}

private:
	int fd_;
	bool bound_ = false;
	std::string name_;
	std::string dir_;
};

class NotifyTest : public ::testing::Test
{
protected:
	void TearDown() override
	{
		g_unsetenv("NOTIFY_SOCKET");
		g_unsetenv("WATCHDOG_USEC");
		g_unsetenv("WATCHDOG_PID");
	}
};

} /* namespace */

TEST_F(NotifyTest, NothingToDoOutsideSystemd)
{
	g_unsetenv("NOTIFY_SOCKET");
	EXPECT_FALSE(notifyReady("ready"));
	EXPECT_FALSE(notifyStopping());
	EXPECT_EQ(watchdogIntervalUs(), 0u);
	EXPECT_EQ(startWatchdogPings(), 0u);
}

TEST_F(NotifyTest, ReadyReachesAnAbstractSocket)
{
	NotifySocket manager(true);
	ASSERT_TRUE(manager.bound());
	g_setenv("NOTIFY_SOCKET", manager.name().c_str(), TRUE);

	EXPECT_TRUE(notifyReady("Listening on 127.0.0.1:8080"));
	EXPECT_EQ(manager.receive(), "READY=1\nSTATUS=Listening on 127.0.0.1:8080");
	/* NOTIFY_SOCKET stays for later messages. */
	EXPECT_STREQ(g_getenv("NOTIFY_SOCKET"), manager.name().c_str());
}

TEST_F(NotifyTest, StatusAndStoppingReachAPathSocket)
{
	NotifySocket manager(false);
	ASSERT_TRUE(manager.bound());
	g_setenv("NOTIFY_SOCKET", manager.name().c_str(), TRUE);

	EXPECT_TRUE(notifyReady(""));
	EXPECT_EQ(manager.receive(), "READY=1");
	EXPECT_TRUE(notifyStatus("2 channels live, 3 clients"));
	EXPECT_EQ(manager.receive(), "STATUS=2 channels live, 3 clients");
	EXPECT_TRUE(notifyStopping());
	EXPECT_EQ(manager.receive(), "STOPPING=1");
}

/* The writer used without libsystemd, tested here whichever backend notify*() use. */
TEST_F(NotifyTest, DatagramWriter)
{
	std::string error;
	for (bool abstract : {true, false}) {
		NotifySocket manager(abstract);
		ASSERT_TRUE(manager.bound());
		EXPECT_TRUE(sendNotifyDatagram(manager.name(), "READY=1\nSTATUS=x", error))
			<< error;
		EXPECT_EQ(manager.receive(), "READY=1\nSTATUS=x");
	}

	EXPECT_FALSE(sendNotifyDatagram("relative/path", "READY=1", error));
	EXPECT_NE(error.find("neither a path nor"), std::string::npos) << error;
	EXPECT_FALSE(sendNotifyDatagram("/nonexistent/notify", "READY=1", error));
	EXPECT_NE(error.find("/nonexistent/notify"), std::string::npos) << error;
	EXPECT_FALSE(sendNotifyDatagram("@" + std::string(200, 'x'), "READY=1", error));
}

TEST_F(NotifyTest, WatchdogInterval)
{
	g_setenv("WATCHDOG_USEC", "30000000", TRUE);
	EXPECT_EQ(watchdogIntervalUs(), 30000000u);
	g_setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), TRUE);
	EXPECT_EQ(watchdogIntervalUs(), 30000000u);
	/* Meant for another process. */
	g_setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), TRUE);
	EXPECT_EQ(watchdogIntervalUs(), 0u);
}

TEST_F(NotifyTest, WatchdogPingsFromTheMainLoop)
{
	NotifySocket manager(true);
	ASSERT_TRUE(manager.bound());
	g_setenv("NOTIFY_SOCKET", manager.name().c_str(), TRUE);
	g_setenv("WATCHDOG_USEC", "100000", TRUE); /* pings every 50 ms */

	g_autoptr(GMainContext) context = g_main_context_new();
	guint id = startWatchdogPings(context);
	ASSERT_NE(id, 0u);
	EXPECT_EQ(manager.receive(), "WATCHDOG=1"); /* one at once */
	gint64 end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
	int pings = 0;
	while (pings < 2 && g_get_monotonic_time() < end) {
		g_main_context_iteration(context, TRUE);
		while (std::optional<std::string> message = manager.receive(0)) {
			EXPECT_EQ(*message, "WATCHDOG=1");
			pings++;
		}
	}
	EXPECT_GE(pings, 2);
	g_source_destroy(g_main_context_find_source_by_id(context, id));
}

namespace {

std::string readFile(const std::string &path)
{
	std::ifstream in(path);
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

bool hasLine(const std::string &text, const std::string &line)
{
	std::istringstream in(text);
	for (std::string l; std::getline(in, l);) {
		if (l == line)
			return true;
	}
	return false;
}

struct ProcessResult {
	bool ok;
	std::string output;
};

ProcessResult run(const std::vector<std::string> &args)
{
	std::vector<char *> argv;
	for (const std::string &arg : args)
		argv.push_back(const_cast<char *>(arg.c_str()));
	argv.push_back(nullptr);
	g_autofree char *out = nullptr;
	g_autofree char *err = nullptr;
	int status = 0;
	g_autoptr(GError) error = nullptr;
	if (!g_spawn_sync(nullptr, argv.data(), nullptr, G_SPAWN_DEFAULT, nullptr, nullptr, &out,
			  &err, &status, &error))
		return {false, error->message};
	return {g_spawn_check_wait_status(status, nullptr) != FALSE,
		std::string(out ? out : "") + (err ? err : "")};
}

} /* namespace */

TEST(SystemdUnit, SaysWhatSluicedNeeds)
{
	std::string unit = readFile(SLUICE_UNIT_FILE);
	ASSERT_FALSE(unit.empty()) << SLUICE_UNIT_FILE;
	EXPECT_EQ(unit.find("@bindir@"), std::string::npos) << "unsubstituted @bindir@";
	for (const char *line : {"Type=notify", "NotifyAccess=main", "StateDirectory=sluice",
				 "ConfigurationDirectory=sluice", "Restart=on-failure",
				 "NoNewPrivileges=yes", "ProtectSystem=strict"})
		EXPECT_TRUE(hasLine(unit, line)) << line;
	EXPECT_TRUE(hasLine(unit, "RestartPreventExitStatus=" + std::to_string(kExitConfigError)));
	/* orc and GPU drivers need W+X memory; PrivateDevices would hide /dev/dri. */
	EXPECT_EQ(unit.find("\nMemoryDenyWriteExecute="), std::string::npos);
	EXPECT_EQ(unit.find("\nPrivateDevices=yes"), std::string::npos);
}

TEST(SystemdUnit, Verifies)
{
	g_autofree char *analyze = g_find_program_in_path("systemd-analyze");
	if (!analyze)
		GTEST_SKIP() << "systemd-analyze is not installed";
	g_autofree char *truePath = g_find_program_in_path("true");
	ASSERT_TRUE(truePath);

	g_autofree char *dirName = g_dir_make_tmp("sluice-unit-XXXXXX", nullptr);
	ASSERT_TRUE(dirName);
	std::string dir = dirName;
	auto write = [&dir](const std::string &name, const std::string &text) {
		std::string path = dir + "/" + name;
		std::ofstream(path) << text;
		return path;
	};

	/* Whether verify works at all here (it needs no running systemd, but some sandboxes
	 * break it). */
	std::string probe
		= write("sluice-probe.service",
			"[Service]\nType=oneshot\nExecStart=" + std::string(truePath) + "\n");
	ProcessResult probeRun = run({analyze, "verify", probe});
	if (!probeRun.ok) {
		g_unlink(probe.c_str());
		g_rmdir(dir.c_str());
		GTEST_SKIP() << "systemd-analyze verify does not work here: " << probeRun.output;
	}

	/* verify insists the ExecStart binary exists; sluiced is not installed in a test run. */
	std::string unit = readFile(SLUICE_UNIT_FILE);
	size_t exec = unit.find("\nExecStart=");
	ASSERT_NE(exec, std::string::npos);
	size_t end = unit.find('\n', exec + 1);
	unit.replace(exec, end - exec, "\nExecStart=" + std::string(truePath));
	std::string path = write("sluiced.service", unit);

	ProcessResult verify = run({analyze, "verify", path});
	g_unlink(path.c_str());
	g_unlink(probe.c_str());
	g_rmdir(dir.c_str());
	EXPECT_TRUE(verify.ok) << verify.output;
	/* Unknown keys and bad values are only warnings to systemd: fail on any about the unit. */
	EXPECT_EQ(verify.output.find("sluiced.service"), std::string::npos) << verify.output;
}
