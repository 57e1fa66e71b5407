/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sd_notify(3) for sluiced's Type=notify unit: readiness, status, stopping, watchdog.
 */

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <glib.h>

namespace sluice {

/*
 * Each returns true when the message was sent, false when sluiced does not run under a
 * systemd Type=notify unit (no NOTIFY_SOCKET) or the socket could not be written; the daemon
 * carries on either way. NOTIFY_SOCKET is read from the process environment at each call and
 * left in place.
 *
 * With libsystemd, sd_notify() sends; without it, sendNotifyDatagram() does the same (the
 * protocol is one AF_UNIX datagram of KEY=VALUE lines, a stable interface systemd documents for
 * reimplementation).
 */

/* "READY=1" plus "STATUS=status" when status is not empty: call once, after listening. */
bool notifyReady(std::string_view status);
/* "STATUS=status": free text `systemctl status` shows, e.g. "3 channels live, 5 clients". */
bool notifyStatus(std::string_view status);
/* "STOPPING=1": shutdown has begun. */
bool notifyStopping();
/* "WATCHDOG=1": the main loop is alive. */
bool notifyWatchdog();

/*
 * The watchdog interval systemd expects pings within (WatchdogSec=), in microseconds; 0 when
 * there is none or it is meant for another process (WATCHDOG_PID).
 */
uint64_t watchdogIntervalUs();

/*
 * When systemd asks for a watchdog, pings it at half the interval from `context`'s main loop
 * (nullptr = the default context), so a stalled main loop gets the service restarted.
 * Returns the GSource id, or 0 when there is no watchdog.
 */
guint startWatchdogPings(GMainContext *context = nullptr);

/* Whether notify*() go through libsystemd's sd_notify() (else sendNotifyDatagram()). */
bool notifyUsesLibsystemd();

/*
 * Sends `message` as one datagram to a NOTIFY_SOCKET address: a path ("/run/...") or an
 * abstract name ("@name"). On failure returns false and sets error.
 */
bool sendNotifyDatagram(std::string_view socket, std::string_view message, std::string &error);

} /* namespace sluice */
