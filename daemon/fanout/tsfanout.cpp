/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Continuous MPEG-TS from one upstream to many clients: PAT/PMT first, a keyframe at once.
 */

#include "tsfanout.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <utility>

namespace sluice {

/* Counts the fan-out's public calls in progress; the outermost one destroys the sinks removed
 * meanwhile, when no call into any of them is on the stack. */
class TsFanout::Reentry
{
public:
	explicit Reentry(TsFanout &fanout) : fanout_(fanout) { fanout_.depth_++; }
	~Reentry()
	{
		if (--fanout_.depth_ > 0)
			return;
		/* A sink's destructor may call back in: take the list first. */
		std::vector<std::unique_ptr<TsClientSink>> doomed = std::move(fanout_.removed_);
		fanout_.removed_.clear();
	}
	Reentry(const Reentry &) = delete;
	Reentry &operator=(const Reentry &) = delete;

private:
	TsFanout &fanout_;
};

TsFanout::BytesRef &TsFanout::BytesRef::operator=(BytesRef &&other) noexcept
{
	if (this != &other) {
		if (bytes)
			g_bytes_unref(bytes);
		bytes = other.bytes;
		other.bytes = nullptr;
	}
	return *this;
}

TsFanout::BytesRef::~BytesRef()
{
	if (bytes)
		g_bytes_unref(bytes);
}

TsFanout::TsFanout() : TsFanout(Limits {})
{
}

TsFanout::TsFanout(Limits limits) : limits_(limits)
{
}

TsFanout::~TsFanout()
{
	depth_++;
	/* close() may call removeClient(): it finds nothing left. */
	std::map<ClientId, Client> clients = std::move(clients_);
	clients_.clear();
	for (auto &[id, client] : clients)
		client.sink->close();
	clients.clear();
	removed_.clear();
}

void TsFanout::push(GBytes *chunk)
{
	Reentry reentry(*this);
	size_t size = 0;
	const auto *data = static_cast<const uint8_t *>(g_bytes_get_data(chunk, &size));
	if (!data || !size)
		return;
	stats_.bytesIn += size;

	size_t pos = 0;
	if (!partial_.empty()) {
		size_t take = std::min(kTsPacketSize - partial_.size(), size);
		partial_.insert(partial_.end(), data, data + take);
		pos = take;
		if (partial_.size() < kTsPacketSize)
			return;
		BytesRef packet(g_bytes_new(partial_.data(), partial_.size()));
		partial_.clear();
		pushAligned(packet.get());
	}

	auto flush = [&](size_t from, size_t to) {
		if (to <= from)
			return;
		if (from == 0 && to == size) {
			pushAligned(chunk);
			return;
		}
		BytesRef run(g_bytes_new_from_bytes(chunk, from, to - from));
		pushAligned(run.get());
	};
	/* The next sync byte from `from` that is followed by another one a packet later (or by
	 * the end of the chunk): a lone 0x47 in the payload is no place to resume. */
	auto nextSync = [&](size_t from) {
		while (from < size) {
			const void *found = std::memchr(data + from, kTsSyncByte, size - from);
			if (!found)
				return size;
			size_t at = static_cast<size_t>(static_cast<const uint8_t *>(found) - data);
			if (at + kTsPacketSize >= size || data[at + kTsPacketSize] == kTsSyncByte)
				return at;
			from = at + 1;
		}
		return size;
	};

	size_t runStart = pos;
	while (pos + kTsPacketSize <= size) {
		if (data[pos] == kTsSyncByte) {
			pos += kTsPacketSize;
			continue;
		}
		/* Lost sync: what lies before the next sync byte never reaches a client. */
		flush(runStart, pos);
		pos = nextSync(pos + 1);
		runStart = pos;
	}
	flush(runStart, pos);

	if (pos < size && data[pos] != kTsSyncByte)
		pos = nextSync(pos + 1);
	if (pos < size)
		partial_.assign(data + pos, data + size);
}

void TsFanout::pushAligned(GBytes *run)
{
	size_t size = 0;
	const auto *data = static_cast<const uint8_t *>(g_bytes_get_data(run, &size));

	std::optional<size_t> firstRap, lastRap;
	BytesRef psiFirst, psiLast;
	for (size_t off = 0; off + kTsPacketSize <= size; off += kTsPacketSize) {
		TsScanResult r = scanner_.scan(std::span<const uint8_t>(data + off, kTsPacketSize));
		if (r.tableUpdated)
			psi_ = BytesRef();
		if (!r.randomAccess)
			continue;
		BytesRef psi = psiPackets();
		if (!psi.get())
			continue;
		if (!firstRap) {
			firstRap = off;
			psiFirst = BytesRef::ref(psi.get());
		}
		lastRap = off;
		psiLast = std::move(psi);
	}

	auto sliceFrom = [&](size_t off) {
		return off == 0 ? BytesRef::ref(run)
				: BytesRef(g_bytes_new_from_bytes(run, off, size - off));
	};

	/* The cache restarts at the last random access point, or grows. */
	if (lastRap) {
		clearCache();
		cachedBytes_ = psiLast.size();
		cache_.push_back(std::move(psiLast));
		cache_.push_back(sliceFrom(*lastRap));
		cachedBytes_ += cache_.back().size();
	} else if (!cache_.empty()) {
		cache_.push_back(BytesRef::ref(run));
		cachedBytes_ += size;
	}
	if (cachedBytes_ > limits_.maxCacheBytes)
		clearCache();

	BytesRef joinRun;
	if (firstRap)
		joinRun = lastRap == firstRap && cache_.size() == 2 ? BytesRef::ref(cache_[1].get())
								    : sliceFrom(*firstRap);

	std::vector<ClientId> ids;
	ids.reserve(clients_.size());
	for (const auto &[id, client] : clients_)
		ids.push_back(id);
	for (ClientId id : ids) {
		auto it = clients_.find(id);
		if (it == clients_.end())
			continue;
		if (it->second.live) {
			if (!send(id, run))
				continue;
		} else if (firstRap) {
			if (!send(id, psiFirst.get()) || !send(id, joinRun.get()))
				continue;
			it = clients_.find(id);
			it->second.live = true;
			it->second.allowance = psiFirst.size() + joinRun.size();
		} else {
			continue;
		}
		checkQueue(id);
	}
}

TsFanout::BytesRef TsFanout::psiPackets()
{
	if (!psi_.get()) {
		std::optional<uint16_t> pmtPid = scanner_.pmtPid();
		if (scanner_.patSection().empty() || scanner_.pmtSection().empty() || !pmtPid)
			return BytesRef();
		std::vector<uint8_t> packets = tsPacketizeSection(kTsPatPid, scanner_.patSection(),
								  scanner_.patContinuityCounter());
		std::vector<uint8_t> pmt = tsPacketizeSection(*pmtPid, scanner_.pmtSection(),
							      scanner_.pmtContinuityCounter());
		packets.insert(packets.end(), pmt.begin(), pmt.end());
		psi_ = BytesRef(g_bytes_new(packets.data(), packets.size()));
	}
	return BytesRef::ref(psi_.get());
}

bool TsFanout::send(ClientId id, GBytes *bytes)
{
	auto it = clients_.find(id);
	if (it == clients_.end())
		return false;
	/* The sink outlives this call even if removeClient() runs inside it (removed_). */
	TsClientSink *sink = it->second.sink.get();
	if (!sink->write(bytes)) {
		drop(id, false);
		return false;
	}
	stats_.bytesOut += g_bytes_get_size(bytes);
	return clients_.count(id) > 0;
}

void TsFanout::checkQueue(ClientId id)
{
	auto it = clients_.find(id);
	if (it == clients_.end())
		return;
	Client &client = it->second;
	size_t queued = client.sink->queuedBytes();
	client.allowance = std::min(client.allowance, queued);
	if (queued > limits_.clientQueueBytes + client.allowance)
		drop(id, true);
}

void TsFanout::drop(ClientId id, bool slow)
{
	auto it = clients_.find(id);
	if (it == clients_.end())
		return;
	std::unique_ptr<TsClientSink> sink = std::move(it->second.sink);
	clients_.erase(it);
	if (slow) {
		stats_.clientsDropped++;
		sink->abort();
	} else {
		sink->close();
	}
	removed_.push_back(std::move(sink));
}

void TsFanout::clearCache()
{
	cache_.clear();
	cachedBytes_ = 0;
}

TsFanout::ClientId TsFanout::addClient(std::unique_ptr<TsClientSink> sink)
{
	Reentry reentry(*this);
	ClientId id = nextId_++;
	clients_.emplace(id, Client {std::move(sink)});
	if (cache_.empty())
		return id;

	/* Own references: the loop does not depend on what a sink calling back in does. */
	std::vector<BytesRef> burst;
	size_t burstBytes = 0;
	for (const BytesRef &bytes : cache_) {
		burst.push_back(BytesRef::ref(bytes.get()));
		burstBytes += bytes.size();
	}
	for (const BytesRef &bytes : burst) {
		if (!send(id, bytes.get()))
			return id;
	}
	Client &client = clients_.at(id);
	client.live = true;
	client.allowance = burstBytes;
	return id;
}

void TsFanout::removeClient(ClientId id)
{
	Reentry reentry(*this);
	drop(id, false);
}

void TsFanout::reset()
{
	scanner_.reset();
	clearCache();
	psi_ = BytesRef();
	partial_.clear();
	for (auto &[id, client] : clients_) {
		client.live = false;
		client.allowance = 0;
	}
}

TsFanout::Stats TsFanout::stats() const
{
	Stats stats = stats_;
	stats.cachedBytes = cachedBytes_;
	stats.haveKeyframe = !cache_.empty();
	return stats;
}

} /* namespace sluice */
