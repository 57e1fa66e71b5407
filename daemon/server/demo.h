/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The demo setup `sluiced --demo` (`make run`) starts with.
 */

#pragma once

#include <string_view>

#include "store.h"

namespace sluice {

/*
 * When the store has no source yet: a source "Demo" with the channels of m3u (data/demo.m3u,
 * test:// patterns), a proxy "demo" (smart, default profile) and a proxy "direct" (direct
 * mode), both with every demo channel. Returns whether it seeded anything; a store that
 * already has sources is left alone.
 */
StoreResult<bool> seedDemo(Store &store, std::string_view m3u);

} /* namespace sluice */
