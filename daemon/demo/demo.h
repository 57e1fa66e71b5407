/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The demo setup `sluiced --demo` (`make run`) starts with.
 */

#pragma once

#include <string_view>

#include "store.h"
#include "urlpolicy.h"

namespace sluice {

/*
 * When the store has no source yet: a source "Demo" with the channels of m3u (data/demo.m3u
 * with its test:// patterns turned into looping clips, see loopDemoList()), a proxy "demo"
 * (smart, default profile) and a proxy "direct" (direct mode), both with every demo channel.
 * A store seeded before the clips existed (a "Demo" source of uploaded test:// URLs) gets the
 * new list imported into that source: its channels keep their ids and proxies. Returns
 * whether it changed anything; a store with other sources is left alone. policy is the
 * daemon's: it must allow the clips' folder.
 */
StoreResult<bool> seedDemo(Store &store, std::string_view m3u, const UrlPolicy &policy);

} /* namespace sluice */
