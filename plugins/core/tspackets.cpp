/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * MPEG-TS packet scanning: headers, PAT/PMT sections and random access points, from untrusted
 * bytes.
 */

#include "tspackets.h"

#include <algorithm>
#include <array>

namespace sluice {

namespace {

/* Section header fields up to and including section_length. */
constexpr size_t kSectionHeader = 3;
/* table_id_extension, version/current_next, section_number, last_section_number. */
constexpr size_t kSyntaxHeader = 5;
constexpr size_t kCrcSize = 4;
/* section_length of PAT and PMT (13818-1 2.4.4.3 and 2.4.4.8). */
constexpr size_t kMaxPsiSectionLength = 1021;
constexpr size_t kMaxPacketizedSection = 4096;

constexpr std::array<uint32_t, 256> makeCrcTable()
{
	std::array<uint32_t, 256> table {};
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t crc = i << 24;
		for (int bit = 0; bit < 8; bit++)
			crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u : crc << 1;
		table[i] = crc;
	}
	return table;
}

constexpr std::array<uint32_t, 256> kCrcTable = makeCrcTable();

uint16_t be16(const uint8_t *p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

/* The parts every long-form section shares, checked. */
struct SectionFrame {
	uint16_t extension = 0; /* transport_stream_id or program_number */
	uint8_t version = 0;
	bool current = true;
	uint8_t sectionNumber = 0;
	uint8_t lastSectionNumber = 0;
	std::span<const uint8_t> body; /* after last_section_number, before the CRC */
};

std::optional<SectionFrame> parseSectionFrame(std::span<const uint8_t> section, uint8_t tableId)
{
	if (section.size() < kSectionHeader + kSyntaxHeader + kCrcSize)
		return std::nullopt;
	if (section[0] != tableId || !(section[1] & 0x80))
		return std::nullopt;
	size_t length = static_cast<size_t>(section[1] & 0x0f) << 8 | section[2];
	if (length > kMaxPsiSectionLength || kSectionHeader + length != section.size())
		return std::nullopt;
	if (length < kSyntaxHeader + kCrcSize)
		return std::nullopt;
	if (tsCrc32(section) != 0)
		return std::nullopt;

	SectionFrame frame;
	frame.extension = be16(&section[3]);
	frame.version = (section[5] >> 1) & 0x1f;
	frame.current = section[5] & 0x01;
	frame.sectionNumber = section[6];
	frame.lastSectionNumber = section[7];
	frame.body = section.subspan(kSectionHeader + kSyntaxHeader,
				     length - kSyntaxHeader - kCrcSize);
	return frame;
}

/* Where the elementary stream starts in a PES packet's first bytes; nullopt if it does not fit. */
std::optional<size_t> pesPayloadOffset(std::span<const uint8_t> pes)
{
	if (pes.size() < 6 || pes[0] != 0 || pes[1] != 0 || pes[2] != 1)
		return std::nullopt;
	uint8_t streamId = pes[3];
	/* Streams without the optional PES header (13818-1 table 2-21). */
	switch (streamId) {
	case 0xbc: /* program_stream_map */
	case 0xbe: /* padding */
	case 0xbf: /* private_stream_2 */
	case 0xf0: /* ECM */
	case 0xf1: /* EMM */
	case 0xf2: /* DSMCC */
	case 0xf8: /* H.222.1 type E */
	case 0xff: /* program_stream_directory */
		return 6;
	default:
		break;
	}
	if (pes.size() < 9 || (pes[6] & 0xc0) != 0x80)
		return std::nullopt;
	size_t offset = 9 + static_cast<size_t>(pes[8]);
	if (offset > pes.size())
		return std::nullopt;
	return offset;
}

enum class Verdict {
	Undecided,
	Yes,
	No,
};

Verdict h264Nal(uint8_t header)
{
	uint8_t type = header & 0x1f;
	if (type == 5 || type == 7)
		return Verdict::Yes;
	if (type >= 1 && type <= 4)
		return Verdict::No;
	return Verdict::Undecided;
}

Verdict h265Nal(uint8_t header)
{
	uint8_t type = (header >> 1) & 0x3f;
	if ((type >= 16 && type <= 23) || type == 32 || type == 33)
		return Verdict::Yes;
	if (type <= 31)
		return Verdict::No;
	return Verdict::Undecided;
}

Verdict mpeg2StartCode(uint8_t code)
{
	if (code == 0xb3 || code == 0xb8)
		return Verdict::Yes;
	if (code == 0x00)
		return Verdict::No;
	return Verdict::Undecided;
}

} /* namespace */

std::optional<TsPacketHeader> parseTsPacket(std::span<const uint8_t> packet)
{
	if (packet.size() < kTsPacketSize || packet[0] != kTsSyncByte)
		return std::nullopt;

	TsPacketHeader h;
	h.transportError = packet[1] & 0x80;
	h.payloadUnitStart = packet[1] & 0x40;
	h.pid = static_cast<uint16_t>((packet[1] & 0x1f) << 8 | packet[2]);
	h.scrambling = packet[3] >> 6;
	uint8_t control = (packet[3] >> 4) & 0x03;
	h.continuityCounter = packet[3] & 0x0f;
	h.hasAdaptationField = control & 0x02;
	h.hasPayload = control & 0x01;

	size_t offset = 4;
	if (h.hasAdaptationField) {
		size_t length = packet[4];
		/* With a payload the field leaves at least one byte for it; without, it fills the
		 * packet (183), though a short one only wastes bytes and is accepted. */
		size_t max = h.hasPayload ? kTsPacketSize - 6 : kTsPacketSize - 5;
		if (length > max)
			return std::nullopt;
		if (length > 0) {
			uint8_t flags = packet[5];
			h.discontinuity = flags & 0x80;
			h.randomAccess = flags & 0x40;
			if ((flags & 0x10) && length >= 7) {
				const uint8_t *p = &packet[6];
				uint64_t base = uint64_t {p[0]} << 25 | uint64_t {p[1]} << 17
					| uint64_t {p[2]} << 9 | uint64_t {p[3]} << 1 | p[4] >> 7;
				uint64_t extension = (uint64_t {p[4]} & 0x01) << 8 | p[5];
				h.pcr = base * 300 + extension;
			}
		}
		offset = 5 + length;
	}
	h.payloadOffset = static_cast<uint8_t>(h.hasPayload ? offset : kTsPacketSize);
	return h;
}

std::span<const uint8_t> tsPayload(std::span<const uint8_t> packet, const TsPacketHeader &header)
{
	if (packet.size() < kTsPacketSize || header.payloadOffset >= kTsPacketSize)
		return {};
	return packet.subspan(header.payloadOffset, kTsPacketSize - header.payloadOffset);
}

uint32_t tsCrc32(std::span<const uint8_t> data)
{
	uint32_t crc = 0xffffffffu;
	for (uint8_t byte : data)
		crc = (crc << 8) ^ kCrcTable[(crc >> 24) ^ byte];
	return crc;
}

std::optional<TsPat> parsePat(std::span<const uint8_t> section)
{
	std::optional<SectionFrame> frame = parseSectionFrame(section, 0x00);
	if (!frame || frame->body.size() % 4 != 0)
		return std::nullopt;

	TsPat pat;
	pat.transportStreamId = frame->extension;
	pat.version = frame->version;
	pat.current = frame->current;
	pat.sectionNumber = frame->sectionNumber;
	pat.lastSectionNumber = frame->lastSectionNumber;
	for (size_t i = 0; i < frame->body.size(); i += 4) {
		const uint8_t *entry = &frame->body[i];
		uint16_t number = be16(entry);
		uint16_t pid = be16(entry + 2) & 0x1fff;
		if (number == 0)
			pat.networkPid = pid;
		else
			pat.programs.push_back({number, pid});
	}
	return pat;
}

std::optional<TsPmt> parsePmt(std::span<const uint8_t> section)
{
	std::optional<SectionFrame> frame = parseSectionFrame(section, 0x02);
	if (!frame || frame->body.size() < 4)
		return std::nullopt;

	std::span<const uint8_t> body = frame->body;
	TsPmt pmt;
	pmt.programNumber = frame->extension;
	pmt.version = frame->version;
	pmt.current = frame->current;
	pmt.pcrPid = be16(&body[0]) & 0x1fff;
	size_t infoLength = be16(&body[2]) & 0x0fff;
	size_t pos = 4 + infoLength;
	if (pos > body.size())
		return std::nullopt;
	while (pos < body.size()) {
		if (body.size() - pos < 5)
			return std::nullopt;
		TsElementaryStream stream;
		stream.streamType = body[pos];
		stream.pid = be16(&body[pos + 1]) & 0x1fff;
		size_t esInfoLength = be16(&body[pos + 3]) & 0x0fff;
		pos += 5;
		if (esInfoLength > body.size() - pos)
			return std::nullopt;
		stream.descriptors.assign(body.begin() + pos, body.begin() + pos + esInfoLength);
		pos += esInfoLength;
		pmt.streams.push_back(std::move(stream));
	}
	return pmt;
}

TsStreamKind tsStreamKind(uint8_t streamType)
{
	switch (streamType) {
	case 0x01:
	case 0x02:
	case 0x10:
	case 0x1b:
	case 0x24:
	case 0x33:
	case 0x42:
	case 0xea:
		return TsStreamKind::Video;
	case 0x03:
	case 0x04:
	case 0x0f:
	case 0x11:
	case 0x1c:
	case 0x81:
	case 0x87:
		return TsStreamKind::Audio;
	default:
		return TsStreamKind::Other;
	}
}

bool pesStartsRandomAccess(uint8_t streamType, std::span<const uint8_t> pesStart)
{
	Verdict (*judge)(uint8_t);
	switch (streamType) {
	case 0x1b:
		judge = h264Nal;
		break;
	case 0x24:
		judge = h265Nal;
		break;
	case 0x01:
	case 0x02:
		judge = mpeg2StartCode;
		break;
	default:
		return false;
	}

	std::optional<size_t> offset = pesPayloadOffset(pesStart);
	if (!offset)
		return false;
	std::span<const uint8_t> es = pesStart.subspan(*offset);
	/* Each start code 00 00 01 is followed by the NAL header (or the MPEG-2 start code
	 * value). The four-byte form 00 00 00 01 is found through its last three bytes. */
	for (size_t i = 0; i + 3 < es.size(); i++) {
		if (es[i] != 0 || es[i + 1] != 0 || es[i + 2] != 1)
			continue;
		Verdict verdict = judge(es[i + 3]);
		if (verdict != Verdict::Undecided)
			return verdict == Verdict::Yes;
		i += 2;
	}
	return false;
}

/* TsSectionAssembler */

void TsSectionAssembler::reset()
{
	buffer_.clear();
	assembling_ = false;
	lastCounter_ = -1;
}

std::optional<size_t> TsSectionAssembler::feed(std::span<const uint8_t> bytes)
{
	size_t used = 0;
	for (;;) {
		size_t want = kSectionHeader;
		if (buffer_.size() >= kSectionHeader)
			want += static_cast<size_t>(buffer_[1] & 0x0f) << 8 | buffer_[2];
		if (want > maxSectionBytes_) {
			assembling_ = false;
			buffer_.clear();
			return std::nullopt;
		}
		if (buffer_.size() >= kSectionHeader && buffer_.size() == want) {
			completed_.push_back(std::move(buffer_));
			buffer_.clear();
			assembling_ = false;
			return used;
		}
		if (used == bytes.size())
			return used;
		size_t take = std::min(want - buffer_.size(), bytes.size() - used);
		buffer_.insert(buffer_.end(), bytes.begin() + used, bytes.begin() + used + take);
		used += take;
	}
}

const std::vector<std::vector<uint8_t>> &TsSectionAssembler::push(std::span<const uint8_t> packet,
								  const TsPacketHeader &header)
{
	completed_.clear();
	if (!header.hasPayload || header.transportError || header.scrambling)
		return completed_;

	/* A repeated packet carries nothing new; a gap loses the section in progress. */
	int counter = header.continuityCounter;
	if (lastCounter_ >= 0 && !header.discontinuity) {
		if (counter == lastCounter_)
			return completed_;
		if (counter != ((lastCounter_ + 1) & 0x0f)) {
			assembling_ = false;
			buffer_.clear();
		}
	}
	lastCounter_ = counter;

	std::span<const uint8_t> payload = tsPayload(packet, header);
	if (payload.empty())
		return completed_;

	if (!header.payloadUnitStart) {
		if (assembling_)
			feed(payload);
		return completed_;
	}

	size_t pointer = payload[0];
	if (1 + pointer > payload.size()) {
		assembling_ = false;
		buffer_.clear();
		return completed_;
	}
	/* The bytes before the pointer end the previous section; a section they do not complete
	 * is lost, as a new one starts. */
	if (assembling_)
		feed(payload.subspan(1, pointer));
	assembling_ = false;
	buffer_.clear();

	/* Sections follow each other until one runs into the next packet or 0xFF stuffing. */
	std::span<const uint8_t> rest = payload.subspan(1 + pointer);
	while (!rest.empty() && rest[0] != 0xff) {
		assembling_ = true;
		std::optional<size_t> used = feed(rest);
		if (!used || assembling_)
			break;
		rest = rest.subspan(*used);
	}
	return completed_;
}

/* TsScanner */

TsScanner::TsScanner()
	: patAssembler_(kSectionHeader + kMaxPsiSectionLength),
	  pmtAssembler_(kSectionHeader + kMaxPsiSectionLength)
{
}

void TsScanner::reset()
{
	patAssembler_.reset();
	pmtAssembler_.reset();
	pat_.reset();
	pmt_.reset();
	pmtPid_.reset();
	keyStream_.reset();
	keyStreamSetsRai_ = false;
	patSection_.clear();
	pmtSection_.clear();
	patCounter_ = 0;
	pmtCounter_ = 0;
}

void TsScanner::takePat(std::span<const uint8_t> section, uint8_t counter, TsScanResult &result)
{
	std::optional<TsPat> pat = parsePat(section);
	if (!pat || !pat->current || pat->sectionNumber != 0)
		return;

	result.tableUpdated = true;
	result.tableChanged = !std::ranges::equal(section, patSection_);
	patSection_.assign(section.begin(), section.end());
	patCounter_ = counter;

	std::optional<uint16_t> pmtPid;
	if (!pat->programs.empty())
		pmtPid = pat->programs.front().pmtPid;
	if (pmtPid != pmtPid_) {
		pmtPid_ = pmtPid;
		pmt_.reset();
		pmtSection_.clear();
		pmtAssembler_.reset();
		keyStream_.reset();
		keyStreamSetsRai_ = false;
	}
	pat_ = std::move(pat);
}

void TsScanner::takePmt(std::span<const uint8_t> section, uint8_t counter, TsScanResult &result)
{
	std::optional<TsPmt> pmt = parsePmt(section);
	if (!pmt || !pmt->current || !pat_ || pat_->programs.empty()
	    || pmt->programNumber != pat_->programs.front().number)
		return;

	result.tableUpdated = true;
	result.tableChanged = !std::ranges::equal(section, pmtSection_);
	pmtSection_.assign(section.begin(), section.end());
	pmtCounter_ = counter;

	const TsElementaryStream *key = nullptr;
	for (TsStreamKind kind : {TsStreamKind::Video, TsStreamKind::Audio}) {
		for (const TsElementaryStream &stream : pmt->streams) {
			if (tsStreamKind(stream.streamType) == kind) {
				key = &stream;
				break;
			}
		}
		if (key)
			break;
	}
	bool sameKey = key && keyStream_ && key->pid == keyStream_->pid
		&& key->streamType == keyStream_->streamType;
	if (!sameKey)
		keyStreamSetsRai_ = false;
	if (key)
		keyStream_ = *key;
	else
		keyStream_.reset();
	pmt_ = std::move(pmt);
}

bool TsScanner::isRandomAccess(std::span<const uint8_t> packet, const TsPacketHeader &header)
{
	if (!keyStream_ || header.pid != keyStream_->pid || header.scrambling)
		return false;
	if (header.randomAccess)
		keyStreamSetsRai_ = true;
	if (!header.payloadUnitStart)
		return false;
	if (header.randomAccess)
		return true;
	if (tsStreamKind(keyStream_->streamType) == TsStreamKind::Audio)
		return true;
	if (keyStreamSetsRai_)
		return false;
	return pesStartsRandomAccess(keyStream_->streamType, tsPayload(packet, header));
}

TsScanResult TsScanner::scan(std::span<const uint8_t> packet)
{
	TsScanResult result;
	std::optional<TsPacketHeader> header = parseTsPacket(packet);
	if (!header)
		return result;
	result.valid = true;
	result.header = *header;

	if (header->pid == kTsPatPid) {
		result.table = TsScanResult::Table::Pat;
		for (const std::vector<uint8_t> &section : patAssembler_.push(packet, *header))
			takePat(section, header->continuityCounter, result);
	} else if (pmtPid_ && header->pid == *pmtPid_) {
		result.table = TsScanResult::Table::Pmt;
		for (const std::vector<uint8_t> &section : pmtAssembler_.push(packet, *header))
			takePmt(section, header->continuityCounter, result);
	}
	result.randomAccess = isRandomAccess(packet, *header);
	return result;
}

std::vector<uint8_t> tsPacketizeSection(uint16_t pid, std::span<const uint8_t> section,
					uint8_t lastContinuityCounter)
{
	std::vector<uint8_t> out;
	if (section.empty() || section.size() > kMaxPacketizedSection)
		return out;

	/* The first packet loses one byte to pointer_field. */
	constexpr size_t kPayload = kTsPacketSize - 4;
	size_t count = (section.size() + 1 + kPayload - 1) / kPayload;
	out.resize(count * kTsPacketSize, 0xff);
	size_t taken = 0;
	for (size_t i = 0; i < count; i++) {
		uint8_t *p = &out[i * kTsPacketSize];
		uint8_t counter
			= static_cast<uint8_t>((lastContinuityCounter - (count - 1 - i)) & 0x0f);
		p[0] = kTsSyncByte;
		p[1] = static_cast<uint8_t>((i == 0 ? 0x40 : 0x00) | ((pid >> 8) & 0x1f));
		p[2] = static_cast<uint8_t>(pid & 0xff);
		p[3] = static_cast<uint8_t>(0x10 | counter);
		size_t pos = 4;
		if (i == 0)
			p[pos++] = 0; /* pointer_field */
		size_t take = std::min(kTsPacketSize - pos, section.size() - taken);
		std::copy_n(section.begin() + taken, take, p + pos);
		taken += take;
	}
	return out;
}

} /* namespace sluice */
