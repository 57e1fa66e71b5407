/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * kill -9 of sluiced while the REST API is being written to and a channel plays: after each
 * kill the SQLite file passes PRAGMA integrity_check, and after a restart on the same state
 * directory every change the API acknowledged with a 2xx is there. The change in flight when
 * the process died may have landed or not; nothing else may differ.
 *
 * The kill points are drawn from a seed, printed; SLUICE_TEST_SEED=N replays a run.
 */

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr int kRounds = 5;
/* When, after the writes begin, the process is killed: a uniform draw in this range. */
constexpr int kKillAfterMinMs = 150;
constexpr int kKillAfterMaxMs = 1500;
/* Names this test gives, so that what the demo made is told apart. */
constexpr char kPrefix[] = "dur";

/* What the API acknowledged: id -> name of each entity of one kind, and the ids deleted. */
struct Acknowledged {
	std::map<int64_t, std::string> present;
	std::vector<int64_t> deleted;
};

/* The write whose answer never came: it may have been committed or not. */
struct InFlight {
	enum class Op {
		None,
		Create,
		Rename,
		Delete
	} op = Op::None;
	bool proxy = false;
	int64_t id = 0; /* Rename, Delete */
	std::string name; /* Create, Rename: the name asked for */

	std::string describe() const
	{
		static const char *ops[] = {"nothing", "create", "rename", "delete"};
		return std::string(ops[static_cast<int>(op)]) + (proxy ? " proxy " : " channel ")
			+ (id ? std::to_string(id) + " " : "") + name;
	}
};

struct Model {
	Acknowledged channels;
	Acknowledged proxies;
	InFlight inFlight;
	size_t acknowledgedWrites = 0;
};

bool ok(const Reply &reply)
{
	return reply.status >= 200 && reply.status < 300;
}

/*
 * Writes through the API until a request gets no answer (the process is gone): creates,
 * renames and deletes channels and proxies, recording what each 2xx answer acknowledged.
 */
void writeUntilKilled(const std::string &base, int round, uint32_t seed,
		      const std::string &proxyChannels, Model &model)
{
	Http http;
	std::mt19937 random(seed);
	int serial = 0;
	const auto pick = [&random](const Acknowledged &kind) {
		auto it = kind.present.begin();
		std::advance(
			it,
			std::uniform_int_distribution<size_t>(0, kind.present.size() - 1)(random));
		return *it;
	};
	for (;;) {
		serial++;
		const bool proxy = std::uniform_int_distribution<int>(0, 2)(random) == 0;
		Acknowledged &kind = proxy ? model.proxies : model.channels;
		const std::string collection
			= base + (proxy ? "/api/v1/proxies" : "/api/v1/channels");
		int choice = std::uniform_int_distribution<int>(0, 5)(random);
		if (kind.present.empty())
			choice = 0;

		InFlight write;
		write.proxy = proxy;
		Reply reply;
		if (choice <= 2) {
			write.op = InFlight::Op::Create;
			write.name = std::string(kPrefix) + std::to_string(round)
				+ (proxy ? "p" : "c") + std::to_string(serial);
			model.inFlight = write;
			reply = proxy
				? http.postJson(collection,
						R"({"name":")" + write.name + R"(","channel_ids":)"
							+ proxyChannels + "}")
				: http.postJson(collection,
						R"({"name":")" + write.name
							+ R"(","stream_url":"http://127.0.0.1:9/)"
							+ std::to_string(serial) + R"(.ts"})");
			if (ok(reply))
				kind.present[Json(reply.body).num("$.id")] = write.name;
		} else if (choice <= 4) {
			const auto [id, name] = pick(kind);
			write.op = InFlight::Op::Rename;
			write.id = id;
			write.name = name.substr(0, name.find('-')) + "-" + std::to_string(serial);
			model.inFlight = write;
			reply = http.putJson(collection + "/" + std::to_string(id),
					     R"({"name":")" + write.name + R"("})");
			if (ok(reply))
				kind.present[id] = write.name;
		} else {
			write.op = InFlight::Op::Delete;
			write.id = pick(kind).first;
			model.inFlight = write;
			reply = http.request("DELETE", collection + "/" + std::to_string(write.id));
			if (ok(reply)) {
				kind.present.erase(write.id);
				kind.deleted.push_back(write.id);
			}
		}
		if (reply.status == 0)
			return; /* killed: model.inFlight stays */
		model.inFlight = {};
		EXPECT_TRUE(ok(reply))
			<< write.describe() << ": " << reply.status << " " << reply.body;
		if (ok(reply))
			model.acknowledgedWrites++;
	}
}

/* The URL of the newest segment a live media playlist lists; "" when it lists none. */
std::string newestSegment(Http &http, const std::string &mediaPlaylistUrl)
{
	Reply playlist = http.get(mediaPlaylistUrl);
	const size_t end = playlist.body.rfind(".m4s");
	if (playlist.status != 200 || end == std::string::npos)
		return {};
	const size_t start = playlist.body.rfind('\n', end) + 1;
	return mediaPlaylistUrl.substr(0, mediaPlaylistUrl.rfind('/') + 1)
		+ playlist.body.substr(start, end + 4 - start);
}

/* Reads a live channel as a player does until the server goes away or stop is set. */
void playUntilGone(const std::string &mediaPlaylistUrl, const std::atomic<bool> &stop,
		   std::atomic<int> &segmentsRead)
{
	Http http;
	while (!stop) {
		const std::string segment = newestSegment(http, mediaPlaylistUrl);
		if (segment.empty() || http.get(segment).status != 200)
			return;
		segmentsRead++;
		g_usleep(200 * 1000);
	}
}

/* PRAGMA integrity_check and foreign_key_check on the file itself, opened read-only. */
std::string checkDatabase(const std::string &path)
{
	sqlite3 *db = nullptr;
	if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
		std::string error = db ? sqlite3_errmsg(db) : "cannot open";
		sqlite3_close(db);
		return error;
	}
	std::string result;
	const auto collect = [](void *out, int columns, char **values, char **) {
		auto *text = static_cast<std::string *>(out);
		for (int i = 0; i < columns; i++)
			*text += std::string(values[i] ? values[i] : "NULL") + " ";
		*text += "\n";
		return 0;
	};
	char *error = nullptr;
	if (sqlite3_exec(db, "PRAGMA integrity_check", collect, &result, &error) != SQLITE_OK)
		result = std::string("integrity_check failed: ") + error;
	if (result == "ok \n") {
		result.clear();
		if (sqlite3_exec(db, "PRAGMA foreign_key_check", collect, &result, &error)
		    != SQLITE_OK)
			result = std::string("foreign_key_check failed: ") + error;
	}
	sqlite3_free(error);
	sqlite3_close(db);
	return result.empty() || result == "ok \n" ? "ok" : result;
}

/*
 * What the API lists of one kind against what it acknowledged; the write in flight (inFlight,
 * when of this kind) may have landed or not. The model then takes what is there for that one.
 * Returns whether that write landed.
 */
bool expectAcknowledged(Http &http, const std::string &url, Acknowledged &kind,
			const InFlight &inFlight, const std::string &proxyChannels)
{
	Json listed(http.get(url).body);
	EXPECT_TRUE(listed.ok()) << url;
	std::map<int64_t, std::string> ours;
	for (size_t i = 0; i < listed.size("$"); i++) {
		const std::string at = "$[" + std::to_string(i) + "]";
		const std::string name = listed.str((at + ".name").c_str());
		if (!name.starts_with(kPrefix))
			continue;
		const int64_t id = listed.num((at + ".id").c_str());
		ours[id] = name;
		if (url.ends_with("proxies")) {
			std::string ids = "[";
			for (int64_t channel : listed.nums((at + ".channel_ids").c_str()))
				ids += (ids.size() > 1 ? "," : "") + std::to_string(channel);
			EXPECT_EQ(ids + "]", proxyChannels) << name;
		}
	}

	const InFlight::Op op = inFlight.op;
	for (const auto &[id, name] : kind.present) {
		const auto found = ours.find(id);
		const bool target = id == inFlight.id;
		if (target && op == InFlight::Op::Delete && found == ours.end())
			continue;
		if (found == ours.end()) {
			ADD_FAILURE()
				<< url << ": acknowledged " << id << " " << name << " is gone";
			continue;
		}
		if (target && op == InFlight::Op::Rename && found->second == inFlight.name)
			continue;
		EXPECT_EQ(found->second, name) << url << " " << id;
	}
	for (int64_t id : kind.deleted)
		EXPECT_EQ(ours.count(id), 0u) << url << ": deleted " << id << " is back";
	for (const auto &[id, name] : ours) {
		if (kind.present.count(id))
			continue;
		EXPECT_TRUE(op == InFlight::Op::Create && name == inFlight.name)
			<< url << ": " << id << " " << name << " was never acknowledged";
	}

	bool landed = false;
	if (op == InFlight::Op::Create)
		landed = std::any_of(ours.begin(), ours.end(), [&](const auto &entry) {
			return entry.second == inFlight.name;
		});
	else if (op == InFlight::Op::Rename)
		landed = ours.count(inFlight.id) && ours[inFlight.id] == inFlight.name;
	else if (op == InFlight::Op::Delete)
		landed = !ours.count(inFlight.id);

	/* From here on the model is what is there. */
	if (op == InFlight::Op::Delete && landed) {
		kind.present.erase(inFlight.id);
		kind.deleted.push_back(inFlight.id);
	}
	for (const auto &[id, name] : ours)
		kind.present[id] = name;
	return landed;
}

uint32_t testSeed()
{
	if (const char *fixed = std::getenv("SLUICE_TEST_SEED"))
		return static_cast<uint32_t>(std::strtoul(fixed, nullptr, 10));
	return std::random_device {}();
}

TEST(ApiDurability, KillDashNineLosesNoAcknowledgedWrite)
{
	const uint32_t seed = testSeed();
	std::printf("seed %u (SLUICE_TEST_SEED=%u replays these kill points)\n", seed, seed);
	std::mt19937 random(seed);
	const auto started = std::chrono::steady_clock::now();

	TempDir dir;
	const std::string state = dir.file("state");
	const std::string database = state + "/sluice.db";
	Model model;
	std::string proxyChannels;
	std::string demoChannel;

	for (int round = 0; round <= kRounds; round++) {
		Sluiced sluiced;
		ASSERT_TRUE(sluiced.start(state, "", {"--demo"})) << sluiced.output();
		Http http;
		if (round == 0) {
			const std::vector<std::string> ids = channelIds(http, sluiced.base());
			ASSERT_GE(ids.size(), 2u);
			demoChannel = ids[0];
			proxyChannels = "[" + ids[0] + "," + ids[1] + "]";
		} else {
			SCOPED_TRACE("after kill " + std::to_string(round)
				     + ", in flight: " + model.inFlight.describe());
			const InFlight none;
			const InFlight &channelWrite = model.inFlight.proxy ? none : model.inFlight;
			const InFlight &proxyWrite = model.inFlight.proxy ? model.inFlight : none;
			const bool landed
				= expectAcknowledged(http, sluiced.base() + "/api/v1/channels",
						     model.channels, channelWrite, proxyChannels)
				| expectAcknowledged(http, sluiced.base() + "/api/v1/proxies",
						     model.proxies, proxyWrite, proxyChannels);
			std::printf("after kill %d: the write in flight %s\n", round,
				    landed ? "landed" : "did not land");
			model.inFlight = {};
		}
		if (round == kRounds) {
			EXPECT_EQ(sluiced.stop(), 0) << sluiced.output();
			break;
		}

		/* A channel plays: its playlist and a segment are read, and go on being read. */
		const std::string channel = sluiced.base() + "/live/demo/" + demoChannel;
		Reply master = http.get(channel + ".m3u8");
		ASSERT_EQ(master.status, 200u) << master.body << sluiced.output();
		const std::string media
			= sluiced.base() + "/live/demo/" + firstVariantUri(master.body);
		std::atomic<bool> stopPlaying = false;
		std::atomic<int> segmentsRead = 0;
		for (int i = 0; i < 100 && !segmentsRead; i++) {
			const std::string segment = newestSegment(http, media);
			if (segment.empty()) {
				g_usleep(100 * 1000);
				continue;
			}
			Reply read = http.get(segment);
			ASSERT_EQ(read.status, 200u) << segment << ": " << read.body;
			ASSERT_FALSE(read.body.empty()) << segment;
			segmentsRead++;
		}
		ASSERT_GT(segmentsRead, 0) << "the channel made no segment\n" << sluiced.output();
		std::thread player(playUntilGone, media, std::cref(stopPlaying),
				   std::ref(segmentsRead));

		/* The API is written to, and the process dies mid-stream. */
		const size_t before = model.acknowledgedWrites;
		const int killAfterMs = std::uniform_int_distribution<int>(kKillAfterMinMs,
									   kKillAfterMaxMs)(random);
		std::thread writer(writeUntilKilled, sluiced.base(), round, random(), proxyChannels,
				   std::ref(model));
		std::this_thread::sleep_for(std::chrono::milliseconds(killAfterMs));
		sluiced.kill();
		writer.join();
		stopPlaying = true;
		player.join();
		std::printf("round %d: killed %d ms into the writes, after %zu acknowledged "
			    "writes (%d segments read); in flight: %s\n",
			    round + 1, killAfterMs, model.acknowledgedWrites - before,
			    segmentsRead.load(), model.inFlight.describe().c_str());

		EXPECT_EQ(checkDatabase(database), "ok") << "after kill " << round + 1;
	}
	const double seconds
		= std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
	std::printf("%d kills, %zu acknowledged writes checked; %.1f s\n", kRounds,
		    model.acknowledgedWrites, seconds);
}

} /* namespace */
