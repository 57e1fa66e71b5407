/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * libFuzzer target for the MPEG-TS scanner: packet headers, PSI sections, random access points.
 */

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "tspackets.h"

using namespace sluice;

namespace {

/* A broken invariant is a bug even without a memory error: make it a crash the fuzzer keeps. */
void require(bool condition)
{
	if (!condition)
		std::abort();
}

void checkHeader(std::span<const uint8_t> packet, const TsPacketHeader &h)
{
	require(h.pid <= 0x1fff && h.continuityCounter < 16 && h.scrambling < 4);
	require(h.payloadOffset >= 4 && h.payloadOffset <= kTsPacketSize);
	std::span<const uint8_t> payload = tsPayload(packet, h);
	require(h.hasPayload || payload.empty());
	require(payload.empty()
		|| (payload.data() >= packet.data()
		    && payload.data() + payload.size() == packet.data() + kTsPacketSize));
}

/* A section packetized and reassembled is the same section. */
void checkRoundTrip(uint16_t pid, std::span<const uint8_t> section, uint8_t counter)
{
	std::vector<uint8_t> packets = tsPacketizeSection(pid, section, counter);
	require(!packets.empty() && packets.size() % kTsPacketSize == 0);
	TsSectionAssembler assembler(4096 + 3);
	size_t completed = 0;
	for (size_t off = 0; off < packets.size(); off += kTsPacketSize) {
		std::span<const uint8_t> p(packets.data() + off, kTsPacketSize);
		auto h = parseTsPacket(p);
		require(h && h->pid == pid);
		for (const std::vector<uint8_t> &s : assembler.push(p, *h)) {
			require(std::span<const uint8_t>(s).size() == section.size());
			require(std::equal(s.begin(), s.end(), section.begin()));
			completed++;
		}
	}
	require(completed == 1);
}

void scanStream(std::span<const uint8_t> data, bool forceSync)
{
	TsScanner scanner;
	std::vector<uint8_t> packet(kTsPacketSize);
	for (size_t off = 0; off + kTsPacketSize <= data.size(); off += kTsPacketSize) {
		std::copy_n(data.begin() + off, kTsPacketSize, packet.begin());
		if (forceSync)
			packet[0] = kTsSyncByte;
		TsScanResult r = scanner.scan(packet);
		if (!r.valid) {
			require(!r.randomAccess && !r.tableUpdated);
			continue;
		}
		checkHeader(packet, r.header);
		require(!r.randomAccess || scanner.keyStream());
		require(!r.randomAccess || r.header.pid == scanner.keyStream()->pid);
		if (r.tableUpdated && r.table == TsScanResult::Table::Pat) {
			require(scanner.pat() && parsePat(scanner.patSection()));
			checkRoundTrip(kTsPatPid, scanner.patSection(),
				       scanner.patContinuityCounter());
		}
		if (r.tableUpdated && r.table == TsScanResult::Table::Pmt) {
			require(scanner.pmt() && parsePmt(scanner.pmtSection()));
			require(scanner.pmtPid().has_value());
			checkRoundTrip(*scanner.pmtPid(), scanner.pmtSection(),
				       scanner.pmtContinuityCounter());
		}
		if (r.header.payloadUnitStart)
			(void)pesStartsRandomAccess(0x1b, tsPayload(packet, r.header));
	}
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::span<const uint8_t> input(data, size);

	/* The input as sections, directly. */
	if (auto pat = parsePat(input))
		/* Every 4-byte entry is a program or program 0 (which may repeat). */
		require(pat->programs.size() + (pat->networkPid ? 1 : 0) <= (size - 12) / 4);
	if (auto pmt = parsePmt(input)) {
		size_t described = 0;
		for (const TsElementaryStream &es : pmt->streams)
			described += 5 + es.descriptors.size();
		require(described + 16 <= size);
	}
	for (uint8_t type : {0x1b, 0x24, 0x02, 0x0f})
		(void)pesStartsRandomAccess(type, input);

	/* The input as a stream of packets, as is and with every sync byte forced. */
	scanStream(input, false);
	scanStream(input, true);
	return 0;
}
