-- SPDX-License-Identifier: LGPL-2.1-or-later
-- Copyright (C) 2026 Sluice authors
--
-- wrk script of the live engine benchmark (tests/bench/engine.sh). Three modes:
--
--   wrk ... URL                                      every request GETs URL, back to back
--   wrk ... URL -- follow PLAYLIST SEGMENT EVERY     as many segment GETs as the server
--       answers: every request GETs the newest segment, and every EVERY-th request of a
--       thread GETs the media playlist PLAYLIST (a path) to learn which segment is newest
--       (SEGMENT: the one to start with)
--   wrk ... URL -- player PLAYLIST SEGMENT PERIOD_MS players at their own pace: requests
--       alternate between the media playlist and the newest segment, each connection waiting
--       PERIOD_MS / 2 on average (jittered) before each request, so a connection polls the
--       playlist and fetches one segment per PERIOD_MS, as an HLS player does
--
-- Against a static copy the playlist never changes, so both servers see the same requests.
--
-- done() prints one "wrk key=value ..." line: the figures engine.sh reads (latencies in ms).

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	mode = args[1]
	count = 0
	playlists = 0
	moves = 0
	if mode ~= "follow" and mode ~= "player" then
		-- Plain wrk: a static request, no Lua on the hot path, bodies not collected.
		request = nil
		response = nil
		delay = nil
		return
	end
	playlist = args[2]
	segment = args[3]
	directory = playlist:match("^(.*/)")
	if mode == "follow" then
		every = tonumber(args[4])
		delay = nil
	else
		every = 2
		period = tonumber(args[4])
		math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
	end
end

function delay()
	return math.random(0, period)
end

function request()
	count = count + 1
	if count % every == 0 then
		return wrk.format("GET", playlist)
	end
	return wrk.format("GET", segment)
end

function response(status, headers, body)
	if status ~= 200 or body:sub(1, 7) ~= "#EXTM3U" then
		return
	end
	playlists = playlists + 1
	local newest
	for line in body:gmatch("[^\r\n]+") do
		if line:sub(1, 1) ~= "#" then
			newest = line
		end
	end
	if newest and directory .. newest ~= segment then
		segment = directory .. newest
		moves = moves + 1
	end
end

function done(summary, latency, requests)
	local playlistsTotal, movesTotal = 0, 0
	for _, thread in ipairs(threads) do
		playlistsTotal = playlistsTotal + (thread:get("playlists") or 0)
		movesTotal = movesTotal + (thread:get("moves") or 0)
	end
	local e = summary.errors
	io.write(string.format(
		"wrk requests=%d duration_s=%.3f bytes=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
		"connect_errors=%d read_errors=%d write_errors=%d timeouts=%d status_errors=%d " ..
		"playlists=%d segment_moves=%d\n",
		summary.requests, summary.duration / 1e6, summary.bytes,
		latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
		e.connect, e.read, e.write, e.timeout, e.status, playlistsTotal, movesTotal))
end
