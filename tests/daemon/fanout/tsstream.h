/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Crafted MPEG-TS for the fan-out tests: one H.264 program, GOPs of numbered packets.
 */

#pragma once

#include <cstdint>
#include <vector>

#include "tspackets.h"

namespace sluice::test {

using Bytes = std::vector<uint8_t>;

constexpr uint16_t kPmtPid = 0x20;
constexpr uint16_t kVideoPid = 0x100;

/* A long-form PSI section with its CRC. */
inline Bytes psiSection(uint8_t tableId, uint16_t extension, uint8_t version, const Bytes &body)
{
	size_t length = 5 + body.size() + 4;
	Bytes s = {tableId,
		   static_cast<uint8_t>(0xb0 | length >> 8),
		   static_cast<uint8_t>(length & 0xff),
		   static_cast<uint8_t>(extension >> 8),
		   static_cast<uint8_t>(extension & 0xff),
		   static_cast<uint8_t>(0xc1 | version << 1),
		   0,
		   0};
	s.insert(s.end(), body.begin(), body.end());
	uint32_t crc = tsCrc32(s);
	for (int shift = 24; shift >= 0; shift -= 8)
		s.push_back(static_cast<uint8_t>(crc >> shift));
	return s;
}

/*
 * A program whose packets say what they are: every video packet carries (gop, frame, index) as
 * its first payload bytes after the PES header or at the start of the payload. PAT and PMT
 * come before every GOP, as muxers repeat them.
 */
class TsStream
{
public:
	explicit TsStream(uint16_t pmtPid = kPmtPid, uint8_t version = 0)
		: pmtPid_(pmtPid), version_(version)
	{
	}

	Bytes psi()
	{
		Bytes out = tsPacketizeSection(kTsPatPid, pat(), patCc_++ & 0x0f);
		Bytes pmtPackets = tsPacketizeSection(pmtPid_, pmt(), pmtCc_++ & 0x0f);
		out.insert(out.end(), pmtPackets.begin(), pmtPackets.end());
		return out;
	}

	Bytes pat() const
	{
		return psiSection(0x00, 1, version_,
				  {0, 1, static_cast<uint8_t>(0xe0 | pmtPid_ >> 8),
				   static_cast<uint8_t>(pmtPid_)});
	}

	Bytes pmt() const
	{
		return psiSection(0x02, 1, version_,
				  {0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00, 0xf0, 0x00});
	}

	/* One picture: a PES start (with RAI on keyframes) and `packets - 1` continuations. */
	Bytes frame(bool key, int packets = 3)
	{
		Bytes out;
		for (int i = 0; i < packets; i++) {
			Bytes p(kTsPacketSize, 0xff);
			p[0] = kTsSyncByte;
			p[1] = static_cast<uint8_t>((i == 0 ? 0x40 : 0) | kVideoPid >> 8);
			p[2] = kVideoPid & 0xff;
			size_t pos = 4;
			if (i == 0 && key) {
				p[3] = static_cast<uint8_t>(0x30 | (videoCc_++ & 0x0f));
				p[4] = 1;
				p[5] = 0x40; /* random_access_indicator */
				pos = 6;
			} else {
				p[3] = static_cast<uint8_t>(0x10 | (videoCc_++ & 0x0f));
			}
			if (i == 0) {
				const uint8_t pes[] = {0, 0, 1, 0xe0, 0, 0, 0x80, 0, 0};
				std::copy(std::begin(pes), std::end(pes), p.begin() + pos);
				pos += sizeof(pes);
				const uint8_t nal[]
					= {0, 0, 0, 1, static_cast<uint8_t>(key ? 0x65 : 0x41)};
				std::copy(std::begin(nal), std::end(nal), p.begin() + pos);
				pos += sizeof(nal);
			}
			p[pos] = static_cast<uint8_t>(gop_);
			p[pos + 1] = static_cast<uint8_t>(frame_);
			p[pos + 2] = static_cast<uint8_t>(i);
			out.insert(out.end(), p.begin(), p.end());
		}
		frame_++;
		return out;
	}

	/* PAT, PMT, a keyframe and `inter` other pictures. */
	Bytes gop(int inter, int packetsPerFrame = 3)
	{
		gop_++;
		frame_ = 0;
		Bytes out = psi();
		Bytes key = frame(true, packetsPerFrame);
		out.insert(out.end(), key.begin(), key.end());
		for (int i = 0; i < inter; i++) {
			Bytes f = frame(false, packetsPerFrame);
			out.insert(out.end(), f.begin(), f.end());
		}
		return out;
	}

	/* The continuity counters the last PSI packets had. */
	uint8_t lastPatCc() const { return static_cast<uint8_t>((patCc_ - 1) & 0x0f); }
	uint8_t lastPmtCc() const { return static_cast<uint8_t>((pmtCc_ - 1) & 0x0f); }
	uint16_t pmtPid() const { return pmtPid_; }

private:
	uint16_t pmtPid_;
	uint8_t version_;
	unsigned patCc_ = 0;
	unsigned pmtCc_ = 0;
	unsigned videoCc_ = 0;
	int gop_ = 0;
	int frame_ = 0;
};

/* The packets of data, one per entry. */
inline std::vector<Bytes> splitPackets(const Bytes &data)
{
	std::vector<Bytes> out;
	for (size_t off = 0; off + kTsPacketSize <= data.size(); off += kTsPacketSize)
		out.emplace_back(data.begin() + off, data.begin() + off + kTsPacketSize);
	return out;
}

} /* namespace sluice::test */
