/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * MPEG-TS packet scanning: headers, PAT/PMT sections and random access points, from untrusted
 * bytes.
 */

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sluice {

constexpr size_t kTsPacketSize = 188;
constexpr uint8_t kTsSyncByte = 0x47;
constexpr uint16_t kTsPatPid = 0x0000;
constexpr uint16_t kTsNullPid = 0x1fff;

/* The fixed header and the adaptation field flags of one 188-byte packet. */
struct TsPacketHeader {
	uint16_t pid = 0;
	bool transportError = false;
	bool payloadUnitStart = false;
	uint8_t scrambling = 0; /* transport_scrambling_control, 0 = clear */
	uint8_t continuityCounter = 0;
	bool hasAdaptationField = false;
	bool hasPayload = false;
	/* From the adaptation field; false when it has none or it is empty. */
	bool discontinuity = false;
	bool randomAccess = false;
	std::optional<uint64_t> pcr; /* 27 MHz units: base * 300 + extension */
	/* Where the payload starts in the packet: 4, or past the adaptation field. Equal to
	 * kTsPacketSize when there is no payload. */
	uint8_t payloadOffset = 4;
};

/*
 * Parses the header of the first kTsPacketSize bytes of packet. nullopt when packet is shorter,
 * the sync byte is not 0x47, or the adaptation field claims more bytes than the packet has
 * (183 at most; 182 at most when a payload follows).
 */
std::optional<TsPacketHeader> parseTsPacket(std::span<const uint8_t> packet);

/* The payload bytes of a packet parseTsPacket() accepted. */
std::span<const uint8_t> tsPayload(std::span<const uint8_t> packet, const TsPacketHeader &header);

/* CRC-32/MPEG-2 (polynomial 0x04C11DB7, initial 0xFFFFFFFF, not reflected, no final XOR). A
 * whole PSI section, CRC included, gives 0. */
uint32_t tsCrc32(std::span<const uint8_t> data);

struct TsProgram {
	uint16_t number = 0;
	uint16_t pmtPid = 0;
};

struct TsPat {
	uint16_t transportStreamId = 0;
	uint8_t version = 0;
	bool current = true; /* current_next_indicator; false: a table not yet in force */
	uint8_t sectionNumber = 0;
	uint8_t lastSectionNumber = 0;
	std::optional<uint16_t> networkPid; /* program 0 */
	std::vector<TsProgram> programs; /* in section order, program 0 left out */
};

struct TsElementaryStream {
	uint8_t streamType = 0;
	uint16_t pid = 0;
	std::vector<uint8_t> descriptors; /* ES_info bytes, raw */
};

struct TsPmt {
	uint16_t programNumber = 0;
	uint8_t version = 0;
	bool current = true;
	uint16_t pcrPid = kTsNullPid;
	std::vector<TsElementaryStream> streams;
};

/*
 * Parse one whole section (table_id to CRC, as TsSectionAssembler hands it out). nullopt unless
 * the table_id is right (0x00 PAT, 0x02 PMT), section_syntax_indicator is set, section_length
 * is at most 1021 and matches the span, every inner length stays inside the section and the
 * CRC checks out. A PAT whose program loop is not a whole number of entries is rejected.
 */
std::optional<TsPat> parsePat(std::span<const uint8_t> section);
std::optional<TsPmt> parsePmt(std::span<const uint8_t> section);

enum class TsStreamKind {
	Other,
	Video,
	Audio,
};

/* ISO/IEC 13818-1 and ATSC stream_type values: 0x01/0x02 MPEG-1/2 video, 0x10 MPEG-4 part 2,
 * 0x1B H.264, 0x24 H.265, 0x33 H.266, 0x42 AVS, 0xEA VC-1 are Video; 0x03/0x04 MPEG audio, 0x0F
 * ADTS AAC, 0x11 LATM AAC, 0x1C MPEG-4 audio, 0x81 AC-3, 0x87 E-AC-3 are Audio. 0x06 (private
 * PES, which DVB uses for AC-3, subtitles, ...) is Other: the descriptors would have to say. */
TsStreamKind tsStreamKind(uint8_t streamType);

/*
 * Whether the start of a PES packet (the payload of a packet with payload_unit_start set, only
 * the bytes of that one packet) begins a picture a decoder can start from, judged from the
 * elementary stream's first NAL units / start codes:
 *
 *  - H.264 (0x1B): an IDR slice (NAL 5) or an SPS (NAL 7) before the first other slice;
 *  - H.265 (0x24): an IRAP picture (NAL 16..23) or a VPS/SPS (NAL 32/33) before the first other
 *    slice;
 *  - MPEG-1/2 video (0x01, 0x02): a sequence header (0xB3) or GOP header (0xB8) before the
 *    first picture start code.
 *
 * Any other stream type, a PES header that does not fit, or no decision within the bytes
 * given: false. An SPS in front of a non-IDR I picture counts too: encoders that leave RAI
 * unset repeat the parameter sets at their keyframes, which is what a joining decoder needs.
 */
bool pesStartsRandomAccess(uint8_t streamType, std::span<const uint8_t> pesStart);

/*
 * Reassembles the PSI sections of one PID from its packets: pointer_field, sections that span
 * packets, several sections in one packet. A continuity gap drops the section being
 * assembled; a repeated packet (same counter) is ignored. Sections over maxSectionBytes
 * (1024 for PAT/PMT) are dropped. Nothing is checked inside a section: see parsePat().
 */
class TsSectionAssembler
{
public:
	explicit TsSectionAssembler(size_t maxSectionBytes = 1024)
		: maxSectionBytes_(maxSectionBytes)
	{
	}

	/* Feeds one packet of the PID (header from parseTsPacket()). Returns the sections it
	 * completed, table_id to CRC, in order; valid until the next call. */
	const std::vector<std::vector<uint8_t>> &push(std::span<const uint8_t> packet,
						      const TsPacketHeader &header);
	void reset();

private:
	/* Appends to the section in progress what it still needs of bytes; moves it to
	 * completed_ when whole. The bytes used, or nullopt when the section is too long. */
	std::optional<size_t> feed(std::span<const uint8_t> bytes);

	size_t maxSectionBytes_;
	std::vector<uint8_t> buffer_;
	std::vector<std::vector<uint8_t>> completed_;
	bool assembling_ = false;
	int lastCounter_ = -1;
};

/* What TsScanner made of one packet. */
struct TsScanResult {
	enum class Table {
		None,
		Pat,
		Pmt, /* of the selected program */
	};

	bool valid = false; /* parseTsPacket() accepted it; nothing below is set otherwise */
	TsPacketHeader header;
	Table table = Table::None; /* the packet is on the PAT PID or the selected PMT PID */
	/* A section of that table completed in this packet, passed every check and is in force
	 * (current_next_indicator set); TsScanner::pat()/pmt() now return it. */
	bool tableUpdated = false;
	/* It differs from the previous one of the same table (the first one always does). */
	bool tableChanged = false;
	/* The packet starts a random access point of the selected program; see TsScanner. */
	bool randomAccess = false;
};

/*
 * Follows one program through a transport stream, packet by packet: the PAT, the PMT of the
 * first program with a non-zero number, and the random access points of its "key" stream.
 *
 * The key stream is the PMT's first video stream (tsStreamKind()); without video, its first
 * audio stream; without either, none (no random access point is ever reported). A packet of
 * the key stream starts a random access point when payload_unit_start is set and:
 *
 *  - its adaptation field sets random_access_indicator, or
 *  - no packet of the key stream has set random_access_indicator since the PMT chose it, and
 *    pesStartsRandomAccess() says the PES begins with a keyframe (some muxers never set RAI);
 *  - audio key streams: every PES start (every audio frame is a sync point).
 *
 * Only sections with a valid CRC are believed; a PAT that moves the program's PMT to another PID
 * forgets the PMT. Scrambled packets are never random access points.
 */
class TsScanner
{
public:
	TsScanner();

	TsScanResult scan(std::span<const uint8_t> packet);
	/* Forgets everything: a new source. */
	void reset();

	const std::optional<TsPat> &pat() const { return pat_; }
	const std::optional<TsPmt> &pmt() const { return pmt_; }
	/* The PID of the selected program's PMT, once a PAT named one. */
	std::optional<uint16_t> pmtPid() const { return pmtPid_; }
	/* The key stream, once a PMT chose one. */
	std::optional<TsElementaryStream> keyStream() const { return keyStream_; }

	/* The raw PAT and PMT sections in force (table_id to CRC), and the continuity counter of
	 * the packet each completed in: tsPacketizeSection() rebuilds packets a new client can be
	 * sent ahead of the stream, continuous with the stream's own next PAT/PMT packet. */
	std::span<const uint8_t> patSection() const { return patSection_; }
	std::span<const uint8_t> pmtSection() const { return pmtSection_; }
	uint8_t patContinuityCounter() const { return patCounter_; }
	uint8_t pmtContinuityCounter() const { return pmtCounter_; }

private:
	void takePat(std::span<const uint8_t> section, uint8_t counter, TsScanResult &result);
	void takePmt(std::span<const uint8_t> section, uint8_t counter, TsScanResult &result);
	bool isRandomAccess(std::span<const uint8_t> packet, const TsPacketHeader &header);

	TsSectionAssembler patAssembler_;
	TsSectionAssembler pmtAssembler_;
	std::optional<TsPat> pat_;
	std::optional<TsPmt> pmt_;
	std::optional<uint16_t> pmtPid_;
	std::optional<TsElementaryStream> keyStream_;
	bool keyStreamSetsRai_ = false;
	std::vector<uint8_t> patSection_;
	std::vector<uint8_t> pmtSection_;
	uint8_t patCounter_ = 0;
	uint8_t pmtCounter_ = 0;
};

/*
 * Packets carrying one PSI section on pid: pointer_field 0, the section, 0xFF stuffing, no
 * adaptation field. The counters count up so that the last packet has lastContinuityCounter.
 * Empty when the section is empty or longer than 4096 bytes.
 */
std::vector<uint8_t> tsPacketizeSection(uint16_t pid, std::span<const uint8_t> section,
					uint8_t lastContinuityCounter);

} /* namespace sluice */
