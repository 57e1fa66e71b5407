/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sd_notify(3) for sluiced's Type=notify unit: readiness, status, stopping, watchdog.
 */

#include "notify.h"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace sluice {

namespace {

bool send(const std::string &message)
{
#ifdef HAVE_LIBSYSTEMD
	return sd_notify(0, message.c_str()) > 0;
#else
	const char *socket = g_getenv("NOTIFY_SOCKET");
	if (!socket || !*socket)
		return false;
	std::string error;
	return sendNotifyDatagram(socket, message, error);
#endif
}

gboolean pingWatchdog(gpointer)
{
	notifyWatchdog();
	return G_SOURCE_CONTINUE;
}

} /* namespace */

bool notifyReady(std::string_view status)
{
	std::string message = "READY=1";
	if (!status.empty()) {
		message += "\nSTATUS=";
		message += status;
	}
	return send(message);
}

bool notifyStatus(std::string_view status)
{
	return send("STATUS=" + std::string(status));
}

bool notifyStopping()
{
	return send("STOPPING=1");
}

bool notifyWatchdog()
{
	return send("WATCHDOG=1");
}

uint64_t watchdogIntervalUs()
{
#ifdef HAVE_LIBSYSTEMD
	uint64_t usec = 0;
	return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
#else
	const char *usecText = g_getenv("WATCHDOG_USEC");
	if (!usecText)
		return 0;
	guint64 usec = 0;
	if (!g_ascii_string_to_unsigned(usecText, 10, 1, G_MAXUINT64, &usec, nullptr))
		return 0;
	const char *pidText = g_getenv("WATCHDOG_PID");
	if (pidText) {
		guint64 pid = 0;
		if (!g_ascii_string_to_unsigned(pidText, 10, 1, G_MAXINT, &pid, nullptr)
		    || pid != static_cast<guint64>(getpid()))
			return 0;
	}
	return usec;
#endif
}

guint startWatchdogPings(GMainContext *context)
{
	uint64_t usec = watchdogIntervalUs();
	if (usec == 0)
		return 0;
	guint intervalMs = static_cast<guint>(MAX(usec / 2000, 1));
	g_autoptr(GSource) source = g_timeout_source_new(intervalMs);
	g_source_set_callback(source, pingWatchdog, nullptr, nullptr);
	g_source_set_static_name(source, "sluice-watchdog");
	notifyWatchdog();
	return g_source_attach(source, context);
}

bool notifyUsesLibsystemd()
{
#ifdef HAVE_LIBSYSTEMD
	return true;
#else
	return false;
#endif
}

bool sendNotifyDatagram(std::string_view socketName, std::string_view message, std::string &error)
{
	sockaddr_un address {};
	address.sun_family = AF_UNIX;
	if (socketName.empty() || (socketName[0] != '/' && socketName[0] != '@')) {
		error = "NOTIFY_SOCKET is neither a path nor an abstract name (@...)";
		return false;
	}
	if (socketName.size() >= sizeof(address.sun_path)) {
		error = "NOTIFY_SOCKET is too long";
		return false;
	}
	memcpy(address.sun_path, socketName.data(), socketName.size());
	socklen_t length = offsetof(sockaddr_un, sun_path) + socketName.size();
	if (socketName[0] == '@')
		address.sun_path[0] = '\0'; /* abstract: no terminating NUL counted */
	else
		length += 1;

	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		error = std::string("socket: ") + g_strerror(errno);
		return false;
	}
	ssize_t sent;
	do {
		sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
			      reinterpret_cast<const sockaddr *>(&address), length);
	} while (sent < 0 && errno == EINTR);
	int sendErrno = errno;
	close(fd);
	if (sent < 0) {
		error = std::string(socketName) + ": " + g_strerror(sendErrno);
		return false;
	}
	return true;
}

} /* namespace sluice */
