/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The TS fan-out against fake sinks: where clients start, slow clients, reset, the cache bound.
 */

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "tsfanout.h"
#include "tsstream.h"

using namespace sluice;
using namespace sluice::test;

namespace {

/* What a fake client saw; outlives the sink, which the fan-out owns. */
struct SinkLog {
	Bytes data;
	std::vector<GBytes *> chunks; /* identity only, never dereferenced */
	size_t queued = 0; /* what queuedBytes() answers */
	bool drains = true; /* false: queued grows with every write */
	bool accept = true; /* what write() answers */
	int closed = 0;
	int aborted = 0;
	bool destroyed = false;
	std::function<void()> onWrite; /* runs inside write() */
};

class FakeSink : public TsClientSink
{
public:
	explicit FakeSink(std::shared_ptr<SinkLog> log) : log_(std::move(log)) { }
	~FakeSink() override { log_->destroyed = true; }

	bool write(GBytes *bytes) override
	{
		if (!log_->accept)
			return false;
		size_t size = 0;
		const auto *p = static_cast<const uint8_t *>(g_bytes_get_data(bytes, &size));
		log_->data.insert(log_->data.end(), p, p + size);
		log_->chunks.push_back(bytes);
		if (!log_->drains)
			log_->queued += size;
		if (log_->onWrite)
			log_->onWrite();
		return true;
	}
	size_t queuedBytes() const override { return log_->queued; }
	void close() override { log_->closed++; }
	void abort() override { log_->aborted++; }

private:
	std::shared_ptr<SinkLog> log_;
};

struct Client {
	std::shared_ptr<SinkLog> log = std::make_shared<SinkLog>();
	TsFanout::ClientId id = 0;
};

Client addClient(TsFanout &fanout)
{
	Client c;
	c.id = fanout.addClient(std::make_unique<FakeSink>(c.log));
	return c;
}

void push(TsFanout &fanout, const Bytes &data)
{
	GBytes *bytes = g_bytes_new(data.data(), data.size());
	fanout.push(bytes);
	g_bytes_unref(bytes);
}

Bytes concat(std::initializer_list<Bytes> parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

Bytes tail(const Bytes &data, size_t from)
{
	return Bytes(data.begin() + static_cast<std::ptrdiff_t>(from), data.end());
}

/* PAT and PMT as the fan-out rebuilds them: the sections in force, counters of the last PSI
 * packets. */
Bytes rebuiltPsi(const TsStream &stream)
{
	return concat({tsPacketizeSection(kTsPatPid, stream.pat(), stream.lastPatCc()),
		       tsPacketizeSection(stream.pmtPid(), stream.pmt(), stream.lastPmtCc())});
}

uint16_t pidOf(const Bytes &data, size_t packet)
{
	const uint8_t *p = &data[packet * kTsPacketSize];
	return static_cast<uint16_t>((p[1] & 0x1f) << 8 | p[2]);
}

} /* namespace */

TEST(TsFanout, WaitsForTheFirstRandomAccessPointThenStartsWithPsi)
{
	TsFanout fanout;
	Client early = addClient(fanout);
	TsStream stream;

	/* Joined mid-GOP upstream: pictures without a keyframe first. */
	Bytes psi = stream.psi();
	Bytes orphans = concat({stream.frame(false), stream.frame(false)});
	push(fanout, concat({psi, orphans}));
	EXPECT_TRUE(early.log->data.empty());
	EXPECT_FALSE(fanout.stats().haveKeyframe);

	Bytes gop = stream.gop(2);
	size_t keyAt = psi.size(); /* gop() starts with PAT + PMT */
	push(fanout, gop);
	/* The rebuilt PAT and PMT (counters of the PSI just pushed), then the keyframe on. */
	Bytes expected = concat({rebuiltPsi(stream), tail(gop, keyAt)});
	EXPECT_EQ(early.log->data, expected);
	EXPECT_EQ(pidOf(early.log->data, 0), kTsPatPid);
	EXPECT_EQ(pidOf(early.log->data, 1), kPmtPid);
	EXPECT_EQ(pidOf(early.log->data, 2), kVideoPid);
	auto h = parseTsPacket(std::span(early.log->data).subspan(2 * kTsPacketSize));
	ASSERT_TRUE(h);
	EXPECT_TRUE(h->randomAccess);

	/* Then live data as pushed. */
	Bytes more = stream.frame(false);
	push(fanout, more);
	EXPECT_EQ(tail(early.log->data, expected.size()), more);

	TsFanout::Stats stats = fanout.stats();
	EXPECT_TRUE(stats.haveKeyframe);
	EXPECT_EQ(stats.bytesIn, psi.size() + orphans.size() + gop.size() + more.size());
	EXPECT_EQ(stats.bytesOut, early.log->data.size());
	EXPECT_EQ(stats.clientsDropped, 0u);
}

TEST(TsFanout, LateJoinersStartOnTheLastKeyframeAtOnce)
{
	TsFanout fanout;
	TsStream stream;
	push(fanout, stream.gop(3));
	Bytes gop2 = stream.gop(1);
	Bytes psiAtKey = rebuiltPsi(stream);
	Bytes rest = concat({stream.frame(false), stream.frame(false)});
	push(fanout, gop2);
	push(fanout, rest);

	/* Everything from the last keyframe, before addClient() returns. */
	Client late = addClient(fanout);
	Bytes fromKey = concat({tail(gop2, psiAtKey.size()), rest});
	EXPECT_EQ(late.log->data, concat({psiAtKey, fromKey}));
	EXPECT_EQ(fanout.stats().cachedBytes, psiAtKey.size() + fromKey.size());

	/* The rebuilt PAT continues into the stream's next PAT packet. */
	Bytes gop3 = stream.gop(0);
	push(fanout, gop3);
	auto rebuiltPat = parseTsPacket(late.log->data);
	auto nextPat = parseTsPacket(gop3);
	ASSERT_TRUE(rebuiltPat && nextPat);
	EXPECT_EQ(nextPat->continuityCounter, (rebuiltPat->continuityCounter + 1) & 0x0f);

	/* A second joiner now starts at gop3's keyframe. */
	Client later = addClient(fanout);
	EXPECT_EQ(later.log->data, concat({rebuiltPsi(stream), tail(gop3, psiAtKey.size())}));
	EXPECT_EQ(fanout.clientCount(), 2u);
}

TEST(TsFanout, LiveClientsShareThePushedBytes)
{
	TsFanout fanout;
	TsStream stream;
	push(fanout, stream.gop(1));
	Client a = addClient(fanout);
	Client b = addClient(fanout);
	Bytes f = stream.frame(false);
	GBytes *chunk = g_bytes_new(f.data(), f.size());
	fanout.push(chunk);
	ASSERT_FALSE(a.log->chunks.empty());
	EXPECT_EQ(a.log->chunks.back(), chunk);
	EXPECT_EQ(b.log->chunks.back(), chunk);
	g_bytes_unref(chunk);
}

TEST(TsFanout, DropsASlowClientAndKeepsFeedingTheOthers)
{
	TsFanout fanout({.clientQueueBytes = 20 * kTsPacketSize, .maxCacheBytes = 1 << 20});
	TsStream stream;
	Client fast = addClient(fanout);
	Client slow = addClient(fanout);
	slow.log->drains = false;

	Bytes all;
	for (int i = 0; i < 5; i++) {
		Bytes gop = stream.gop(4);
		push(fanout, gop);
		all.insert(all.end(), gop.begin(), gop.end());
	}
	EXPECT_EQ(fanout.clientCount(), 1u);
	EXPECT_EQ(slow.log->aborted, 1);
	EXPECT_EQ(slow.log->closed, 0);
	EXPECT_TRUE(slow.log->destroyed);
	/* It got at most what it could queue: the limit, its join burst (the first GOP) and the
	 * push that tipped it (another GOP). */
	EXPECT_LE(slow.log->data.size(), 20 * kTsPacketSize + 2 * all.size() / 5);
	EXPECT_EQ(fanout.stats().clientsDropped, 1u);

	/* The fast client got everything from the first keyframe on. */
	size_t psiSize = 2 * kTsPacketSize;
	EXPECT_EQ(fast.log->data.size(), psiSize + all.size() - psiSize);
	EXPECT_EQ(tail(fast.log->data, psiSize), tail(all, psiSize));
	EXPECT_FALSE(fast.log->destroyed);
}

TEST(TsFanout, TheJoinBurstIsNotHeldAgainstAClient)
{
	/* A GOP of 40 packets against a queue limit of 10. */
	TsFanout fanout({.clientQueueBytes = 10 * kTsPacketSize, .maxCacheBytes = 1 << 20});
	TsStream stream;
	push(fanout, stream.gop(12));
	Client c = addClient(fanout);
	c.log->drains = false;
	c.log->queued = c.log->data.size(); /* nothing sent yet */
	ASSERT_GT(c.log->queued, 10 * kTsPacketSize);

	/* Still within burst + limit: kept. */
	push(fanout, stream.frame(false));
	EXPECT_EQ(fanout.clientCount(), 1u);

	/* The burst drains; the allowance shrinks with it and cannot come back. */
	c.log->queued = 0;
	push(fanout, stream.frame(false));
	EXPECT_EQ(fanout.clientCount(), 1u);
	for (int i = 0; i < 4; i++)
		push(fanout, stream.frame(false));
	EXPECT_EQ(fanout.clientCount(), 0u);
	EXPECT_EQ(c.log->aborted, 1);
}

TEST(TsFanout, ResetRestartsWithTheNewSourcesPsi)
{
	TsFanout fanout;
	TsStream first;
	push(fanout, first.gop(2));
	Client c = addClient(fanout);
	size_t before = c.log->data.size();

	fanout.reset();
	EXPECT_FALSE(fanout.stats().haveKeyframe);
	EXPECT_EQ(fanout.stats().cachedBytes, 0u);
	EXPECT_EQ(fanout.clientCount(), 1u);

	/* The new source: another PMT PID and version; its first data has no keyframe. */
	TsStream second(0x30, 5);
	Bytes psi = second.psi();
	push(fanout, concat({psi, second.frame(false)}));
	EXPECT_EQ(c.log->data.size(), before);

	Bytes gop = second.gop(1);
	push(fanout, gop);
	Bytes got = tail(c.log->data, before);
	EXPECT_EQ(got, concat({rebuiltPsi(second), tail(gop, psi.size())}));
	EXPECT_EQ(pidOf(got, 0), kTsPatPid);
	EXPECT_EQ(pidOf(got, 1), 0x30);
	auto pat = parsePat(second.pat());
	ASSERT_TRUE(pat);
	EXPECT_EQ(pat->version, 5);

	/* A client that joins now gets the new source only. */
	Client next = addClient(fanout);
	EXPECT_EQ(next.log->data, got);
}

TEST(TsFanout, ACacheOverItsBoundIsDroppedUntilTheNextKeyframe)
{
	TsFanout fanout({.clientQueueBytes = 1 << 20, .maxCacheBytes = 30 * kTsPacketSize});
	TsStream stream;
	push(fanout, stream.gop(4)); /* 2 + 15 packets */
	EXPECT_TRUE(fanout.stats().haveKeyframe);
	EXPECT_EQ(fanout.stats().cachedBytes, 17 * kTsPacketSize);

	for (int i = 0; i < 5; i++)
		push(fanout, stream.frame(false));
	EXPECT_FALSE(fanout.stats().haveKeyframe);
	EXPECT_EQ(fanout.stats().cachedBytes, 0u);

	/* A client joining now waits, then starts at the next keyframe. */
	Client c = addClient(fanout);
	push(fanout, stream.frame(false));
	EXPECT_TRUE(c.log->data.empty());
	Bytes gop = stream.gop(0);
	push(fanout, gop);
	EXPECT_EQ(c.log->data, gop);
	EXPECT_TRUE(fanout.stats().haveKeyframe);
}

TEST(TsFanout, ChunksNeedNotEndOnPacketsAndGarbageIsSkipped)
{
	TsStream stream;
	Bytes data = concat({stream.gop(3), stream.gop(2)});

	TsFanout whole;
	Client reference = addClient(whole);
	push(whole, data);

	TsFanout pieces;
	Client c = addClient(pieces);
	for (size_t off = 0; off < data.size(); off += 100)
		push(pieces,
		     Bytes(data.begin() + off, data.begin() + std::min(data.size(), off + 100)));
	EXPECT_EQ(c.log->data, reference.log->data);

	/* Stray bytes between packets never reach a client. */
	TsFanout noisy;
	Client n = addClient(noisy);
	Bytes withGarbage = data;
	/* A sync byte among them is not taken for a packet start. */
	withGarbage.insert(withGarbage.begin() + 5 * kTsPacketSize, {0x00, 0x47, 0x34});
	push(noisy, withGarbage);
	EXPECT_EQ(n.log->data, reference.log->data);
	EXPECT_EQ(noisy.stats().bytesIn, withGarbage.size());
}

TEST(TsFanout, SinksMayLeaveFromInsideTheirCalls)
{
	TsFanout fanout;
	TsStream stream;
	push(fanout, stream.gop(2));

	/* A sink that removes itself while being written to, and one that is gone. */
	Client self = addClient(fanout);
	self.log->onWrite = [&] {
		fanout.removeClient(self.id);
	};
	Client other = addClient(fanout);
	Client gone = addClient(fanout);
	gone.log->accept = false;
	Client removesOther = addClient(fanout);
	removesOther.log->onWrite = [&] {
		fanout.removeClient(other.id);
	};

	push(fanout, stream.frame(false));
	EXPECT_EQ(fanout.clientCount(), 1u);
	EXPECT_TRUE(self.log->destroyed);
	EXPECT_EQ(self.log->closed, 1);
	EXPECT_TRUE(gone.log->destroyed);
	EXPECT_TRUE(other.log->destroyed);
	/* Clients that left are not "dropped". */
	EXPECT_EQ(fanout.stats().clientsDropped, 0u);

	fanout.removeClient(12345);
	fanout.removeClient(removesOther.id);
	EXPECT_EQ(removesOther.log->closed, 1);
	EXPECT_TRUE(removesOther.log->destroyed);
	EXPECT_EQ(fanout.clientCount(), 0u);
}

TEST(TsFanout, DestructionClosesEveryClient)
{
	Client a, b;
	{
		TsFanout fanout;
		a = addClient(fanout);
		b = addClient(fanout);
		b.log->onWrite = [] {
		};
		EXPECT_NE(a.id, b.id);
	}
	EXPECT_EQ(a.log->closed, 1);
	EXPECT_EQ(b.log->closed, 1);
	EXPECT_TRUE(a.log->destroyed && b.log->destroyed);
}
