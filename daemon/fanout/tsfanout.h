/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Continuous MPEG-TS from one upstream to many clients: PAT/PMT first, a keyframe at once.
 */

#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <glib.h>

#include "tspackets.h"

namespace sluice {

/* Where a TS client's bytes go; the libsoup adapter implements it. Main thread only. */
class TsClientSink
{
public:
	virtual ~TsClientSink() = default;
	/* Queues bytes for the client (a reference is taken); false when the client is gone. */
	virtual bool write(GBytes *bytes) = 0;
	/* Bytes queued and not yet sent: the fan-out drops a client that lets this grow. */
	virtual size_t queuedBytes() const = 0;
	/* Ends the response (the client is dropped or the channel stops). */
	virtual void close() = 0;
	/* Drops a client that stopped reading: what is still queued is not worth sending. The
	 * default ends the response like close(). */
	virtual void abort() { close(); }
};

/*
 * One channel's MPEG-TS, fanned out. push() takes the upstream's packets and hands the same
 * GBytes to every client (slices, never copies, where a client starts mid-chunk); the fan-out
 * never blocks: a client that falls behind is dropped.
 *
 * What a client receives:
 *
 *   [PAT][PMT] [the current GOP, from its random access point] [live packets ...]
 *    rebuilt    cached                                          as pushed
 *
 * PAT and PMT are rebuilt from the sections in force when the GOP began (TsScanner), their
 * continuity counters one short of the stream's next PAT/PMT packet. Before the first random
 * access point, and while the cache is over its bound, a new client waits and starts at the next
 * one. "Random access point" is TsScanner's: RAI or a PES starting with an IDR/IRAP/SPS on the
 * program's video stream.
 *
 * Limits:
 *  - clientQueueBytes: a client whose sink has more than this queued is aborted and removed
 *    (clientsDropped). The GOP burst a client gets when it joins is not held against it: its
 *    allowance starts at the burst's size and shrinks to whatever its queue drains down to.
 *  - maxCacheBytes: the cached GOP (PAT/PMT included) may not grow past this. A longer GOP
 *    empties the cache; clients that join before the next random access point wait for it.
 *    (Keeping a tail without a keyframe would only hand out undecodable data.)
 *
 * Input: whole packets are expected; a chunk that ends mid-packet is completed by the next
 * (the split packet is copied, 188 bytes); bytes that do not start with the sync byte are
 * skipped up to the next 0x47 that a packet later is followed by another, so clients only ever
 * see whole packets. Chunks are passed on as they come (one HTTP chunk each): tiny chunks make a
 * long cache of tiny GBytes, which is correct, only less efficient.
 *
 * Main thread only. Sinks may call removeClient() from write() or close() (directly or through a
 * signal): sinks removed while the fan-out is calling into sinks are destroyed once it returns.
 */
class TsFanout
{
public:
	struct Limits {
		size_t clientQueueBytes = 8 << 20;
		size_t maxCacheBytes = 32 << 20;
	};
	using ClientId = uint64_t;

	/* Two constructors rather than `Limits limits = {}`: GCC cannot take the default
	 * member initializers of a nested struct before the enclosing class is complete. */
	TsFanout();
	explicit TsFanout(Limits limits);
	/* Closes every client. */
	~TsFanout();
	TsFanout(const TsFanout &) = delete;
	TsFanout &operator=(const TsFanout &) = delete;

	/* Whole TS packets, in order (a chunk may hold many). The fan-out finds PAT/PMT and random
	 * access points itself. */
	void push(GBytes *packets);
	/* A new client gets PAT and PMT, then the cached stream from the last random access point
	 * (so it starts on a keyframe at once), then live data. Before the first random access
	 * point: it waits (gets data from the first one). Ids start at 1 and are never reused. */
	ClientId addClient(std::unique_ptr<TsClientSink> sink);
	/* Closes the client's sink and forgets it; unknown ids are ignored. */
	void removeClient(ClientId id);
	size_t clientCount() const { return clients_.size(); }

	/* The source switched: forget PAT/PMT and the cache; the next data starts over. Clients
	 * stay and wait for the new source's first random access point, where they get its PAT and
	 * PMT before its data: demuxers re-read tables whose CRC changed. */
	void reset();

	struct Stats {
		/* bytesIn: pushed; bytesOut: handed to sinks (queued, not necessarily sent);
		 * clientsDropped: aborted for a full queue (clients that left are not counted). */
		uint64_t bytesIn = 0, bytesOut = 0, clientsDropped = 0;
		size_t cachedBytes = 0;
		bool haveKeyframe = false; /* a new client starts at once */
	};
	Stats stats() const;

private:
	struct Client {
		std::unique_ptr<TsClientSink> sink;
		bool live = false; /* false: waiting for a random access point */
		size_t allowance = 0; /* queued bytes not held against clientQueueBytes */
	};
	/* Holds a GBytes reference. */
	struct BytesRef {
		explicit BytesRef(GBytes *bytes = nullptr) : bytes(bytes) { }
		BytesRef(BytesRef &&other) noexcept : bytes(other.bytes) { other.bytes = nullptr; }
		BytesRef &operator=(BytesRef &&other) noexcept;
		BytesRef(const BytesRef &) = delete;
		BytesRef &operator=(const BytesRef &) = delete;
		~BytesRef();
		static BytesRef ref(GBytes *bytes) { return BytesRef(g_bytes_ref(bytes)); }
		GBytes *get() const { return bytes; }
		size_t size() const { return bytes ? g_bytes_get_size(bytes) : 0; }

		GBytes *bytes;
	};
	/* Keeps sinks removed from inside a call into a sink alive until the outermost public
	 * call returns. */
	class Reentry;

	/* Packets known to start on a packet boundary, every one whole. */
	void pushAligned(GBytes *run);
	/* PAT and PMT as a client should get them now; empty before both are known. */
	BytesRef psiPackets();
	/* false: the client is gone or was dropped (and removed). */
	bool send(ClientId id, GBytes *bytes);
	/* Drops the client when its queue is over the limit. */
	void checkQueue(ClientId id);
	void drop(ClientId id, bool slow);
	void clearCache();

	Limits limits_;
	TsScanner scanner_;
	std::map<ClientId, Client> clients_;
	ClientId nextId_ = 1;

	/* The GOP a joining client gets: the PSI packets first, then the stream from the random
	 * access point. Empty when there is none (or it grew past maxCacheBytes). */
	std::vector<BytesRef> cache_;
	size_t cachedBytes_ = 0;
	BytesRef psi_; /* psiPackets(), until a PAT or PMT section comes in */
	std::vector<uint8_t> partial_; /* the start of a packet the last chunk cut */

	Stats stats_;
	int depth_ = 0; /* nested calls into sinks (Reentry) */
	std::vector<std::unique_ptr<TsClientSink>> removed_;
};

} /* namespace sluice */
