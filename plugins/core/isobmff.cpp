/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * CMAF init segments and fragment headers (ISO/IEC 23000-19 over ISO/IEC 14496-12).
 */

#include "isobmff.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "boxwriter.h"
#include "codecs.h"

namespace sluice {

namespace {

/* 14496-12 8.8.3.1 sample flags: sample_depends_on and sample_is_non_sync_sample. */
constexpr uint32_t kSampleFlagsSync = 2u << 24;
constexpr uint32_t kSampleFlagsNonSync = 1u << 24 | 0x10000;

constexpr uint32_t kTfhdDefaultSampleFlags = 0x000020;
constexpr uint32_t kTfhdDefaultBaseIsMoof = 0x020000;

constexpr uint32_t kTrunDataOffset = 0x000001;
constexpr uint32_t kTrunSampleDuration = 0x000100;
constexpr uint32_t kTrunSampleSize = 0x000200;
constexpr uint32_t kTrunSampleFlags = 0x000400;
constexpr uint32_t kTrunSampleCto = 0x000800;

constexpr uint32_t kUnityMatrix[9] = {0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000};

bool fpsAtMost(const Fraction &fps, uint32_t max)
{
	/* Unknown rate: the level limits still bound what a decoder must handle. */
	if (fps.num == 0 || fps.den == 0)
		return true;
	return uint64_t {fps.num} <= uint64_t {max} * fps.den;
}

VideoSize videoSize(const TrackConfig &track)
{
	if (track.width && track.height)
		return {track.width, track.height};
	return videoSizeFromConfig(track).value_or(VideoSize {});
}

/*
 * The CMAF media profile brand (23000-19 Annex A/B, AV1-ISOBMFF for 'cav1'), or the structural
 * brand 'cmfc' when the track fits no media profile (VP9, Opus, 10-bit AVC, ...). Colour
 * constraints of the profiles are not checked: TrackConfig carries colour only for VP9.
 */
std::string_view cmafBrand(const TrackConfig &track)
{
	const auto &cp = track.codecPrivate;
	VideoSize size = videoSize(track);
	auto fits = [&](uint32_t w, uint32_t h) {
		return size.width <= w && size.height <= h && fpsAtMost(track.frameRate, 60);
	};

	switch (track.codec) {
	case Codec::H264: {
		uint8_t profile = cp[1], level = cp[3];
		bool eightBit420 = profile == 66 || profile == 77 || profile == 100;
		if (!eightBit420)
			break;
		if (fits(864, 576) && level <= 31)
			return "cfsd";
		if (fits(1920, 1080) && level <= 40)
			return "cfhd";
		if (fits(1920, 1080) && level <= 42)
			return "chdf";
		break;
	}
	case Codec::H265: {
		uint8_t profile = cp[1] & 0x1f, level = cp[12];
		bool mainTier = !(cp[1] & 0x20) && (cp[1] >> 6) == 0;
		if (!mainTier || (profile != 1 && profile != 2))
			break;
		if (fits(1920, 1080) && level <= 123)
			return profile == 1 ? "chhd" : "chh1";
		if (profile == 1 && fits(3840, 2160) && level <= 150)
			return "cud8";
		if (profile == 2 && fits(3840, 2160) && level <= 153) {
			if (track.colourPrimaries == 9 && track.transferCharacteristics == 16)
				return "chd1";
			if (track.colourPrimaries == 9 && track.transferCharacteristics == 18)
				return "clg1";
			return "cud1";
		}
		break;
	}
	case Codec::AV1:
		return "cav1";
	case Codec::AAC: {
		auto asc = parseAudioSpecificConfig(cp);
		if (!asc || asc->channels > 2)
			break;
		if (asc->objectType == 2)
			return "caac";
		if (asc->objectType == 5 || asc->objectType == 29)
			return "caaa";
		break;
	}
	case Codec::VP9:
	case Codec::Opus:
		break;
	}
	return "cmfc";
}

/* Enough of the codec configuration to write a sample entry; 14496-15 / AV1 record headers. */
bool hasUsableConfig(const TrackConfig &track)
{
	const auto &cp = track.codecPrivate;
	switch (track.codec) {
	case Codec::H264:
		return cp.size() >= 7 && cp[0] == 1;
	case Codec::H265:
		return cp.size() >= 23 && cp[0] == 1;
	case Codec::AV1:
		return cp.size() >= 4 && cp[0] == 0x81;
	case Codec::VP9:
		return true;
	case Codec::AAC:
		return parseAudioSpecificConfig(cp).has_value();
	case Codec::Opus:
		return parseOpusHead(cp).has_value();
	}
	return false;
}

/* ISO 639-2/T code packed as three 5-bit letters; anything else becomes "und". */
uint16_t packLanguage(const std::string &lang)
{
	std::string_view l = lang;
	if (l.size() != 3 || !std::ranges::all_of(l, [](char c) { return c >= 'a' && c <= 'z'; }))
		l = "und";
	return static_cast<uint16_t>((l[0] - 0x60) << 10 | (l[1] - 0x60) << 5 | (l[2] - 0x60));
}

void writeMatrix(BoxWriter &w)
{
	for (uint32_t v : kUnityMatrix)
		w.u32(v);
}

void writeFtyp(BoxWriter &w, std::string_view major)
{
	size_t box = w.begin("ftyp");
	w.fourcc(major);
	w.u32(0); /* minor_version */
	w.fourcc(major);
	if (major != "cmfc")
		w.fourcc("cmfc");
	w.fourcc("iso6");
	w.end(box);
}

void writeMvhd(BoxWriter &w, const TrackConfig &track)
{
	size_t box = w.beginFull("mvhd", 0, 0);
	w.u32(0); /* creation_time */
	w.u32(0); /* modification_time */
	w.u32(1000); /* timescale; movie duration is 0, fragments carry the timing */
	w.u32(0); /* duration */
	w.u32(0x00010000); /* rate 1.0 */
	w.u16(0x0100); /* volume 1.0 */
	w.zeros(2 + 8);
	writeMatrix(w);
	w.zeros(6 * 4); /* pre_defined */
	w.u32(track.trackId < UINT32_MAX ? track.trackId + 1 : UINT32_MAX); /* next_track_ID */
	w.end(box);
}

/* 16.16 display size: the coded size stretched horizontally by the pixel aspect ratio. */
uint32_t fixed16(uint64_t num, uint64_t den)
{
	if (den == 0)
		return 0;
	uint64_t v = (num << 16) / den;
	return v > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(v);
}

void writeTkhd(BoxWriter &w, const TrackConfig &track)
{
	bool video = track.kind() == TrackKind::Video;
	size_t box = w.beginFull("tkhd", 0, 0x000003); /* track_enabled | track_in_movie */
	w.u32(0); /* creation_time */
	w.u32(0); /* modification_time */
	w.u32(track.trackId);
	w.u32(0); /* reserved */
	w.u32(0); /* duration */
	w.zeros(8);
	w.u16(0); /* layer */
	w.u16(0); /* alternate_group */
	w.u16(video ? 0 : 0x0100); /* volume */
	w.u16(0);
	writeMatrix(w);
	if (video) {
		VideoSize size = videoSize(track);
		Fraction par = track.pixelAspect;
		if (par.num == 0 || par.den == 0)
			par = {1, 1};
		w.u32(fixed16(uint64_t {size.width} * par.num, par.den));
		w.u32(fixed16(size.height, 1));
	} else {
		w.u32(0);
		w.u32(0);
	}
	w.end(box);
}

void writeMdhd(BoxWriter &w, const TrackConfig &track)
{
	size_t box = w.beginFull("mdhd", 0, 0);
	w.u32(0); /* creation_time */
	w.u32(0); /* modification_time */
	w.u32(track.timescale);
	w.u32(0); /* duration */
	w.u16(packLanguage(track.language));
	w.u16(0); /* pre_defined */
	w.end(box);
}

void writeHdlr(BoxWriter &w, const TrackConfig &track)
{
	bool video = track.kind() == TrackKind::Video;
	std::string_view name = video ? "VideoHandler" : "SoundHandler";
	size_t box = w.beginFull("hdlr", 0, 0);
	w.u32(0); /* pre_defined */
	w.fourcc(video ? "vide" : "soun");
	w.zeros(3 * 4);
	w.bytes({reinterpret_cast<const uint8_t *>(name.data()), name.size()});
	w.u8(0);
	w.end(box);
}

void writeDinf(BoxWriter &w)
{
	size_t dinf = w.begin("dinf");
	size_t dref = w.beginFull("dref", 0, 0);
	w.u32(1); /* entry_count */
	size_t url = w.beginFull("url ", 0, 0x000001); /* media data in the same file */
	w.end(url);
	w.end(dref);
	w.end(dinf);
}

void writeVisualSampleEntryHeader(BoxWriter &w, const TrackConfig &track)
{
	VideoSize size = videoSize(track);
	w.zeros(6); /* reserved */
	w.u16(1); /* data_reference_index */
	w.zeros(2 + 2 + 12); /* pre_defined, reserved, pre_defined */
	w.u16(static_cast<uint16_t>(std::min<uint32_t>(size.width, 0xffff)));
	w.u16(static_cast<uint16_t>(std::min<uint32_t>(size.height, 0xffff)));
	w.u32(0x00480000); /* horizresolution 72 dpi */
	w.u32(0x00480000); /* vertresolution */
	w.u32(0); /* reserved */
	w.u16(1); /* frame_count */
	w.zeros(32); /* compressorname */
	w.u16(0x0018); /* depth */
	w.i16(-1); /* pre_defined */
}

void writeAudioSampleEntryHeader(BoxWriter &w, uint32_t channels, uint32_t sampleRate)
{
	w.zeros(6); /* reserved */
	w.u16(1); /* data_reference_index */
	w.zeros(8); /* reserved */
	w.u16(static_cast<uint16_t>(std::min<uint32_t>(channels, 0xffff)));
	w.u16(16); /* samplesize */
	w.u16(0); /* pre_defined */
	w.u16(0); /* reserved */
	/* 16.16; rates above 65535 Hz do not fit and are left to the decoder configuration. */
	w.u32(sampleRate <= 0xffff ? sampleRate << 16 : 0);
}

void writeConfigBox(BoxWriter &w, std::string_view type, std::span<const uint8_t> payload)
{
	size_t box = w.begin(type);
	w.bytes(payload);
	w.end(box);
}

void writeVpcC(BoxWriter &w, const TrackConfig &track)
{
	/* VP9 ISOBMFF binding: VPCodecConfigurationRecord in a version 1 FullBox. */
	size_t box = w.beginFull("vpcC", 1, 0);
	w.u8(track.vp9Profile);
	w.u8(track.vp9Level ? track.vp9Level : vp9LevelFor(track));
	w.u8(static_cast<uint8_t>((track.bitDepth & 0xf) << 4 | (track.chromaSubsampling & 7) << 1
				  | (track.fullRange ? 1 : 0)));
	w.u8(track.colourPrimaries);
	w.u8(track.transferCharacteristics);
	w.u8(track.matrixCoefficients);
	w.u16(0); /* codecInitializationDataSize: must be 0 for VP9 */
	w.end(box);
}

void writePasp(BoxWriter &w, const TrackConfig &track)
{
	const Fraction &par = track.pixelAspect;
	if (par.num == 0 || par.den == 0 || par.num == par.den)
		return;
	size_t box = w.begin("pasp");
	w.u32(par.num); /* hSpacing */
	w.u32(par.den); /* vSpacing */
	w.end(box);
}

void writeVideoSampleEntry(BoxWriter &w, const TrackConfig &track)
{
	std::string_view entryType, configType;
	switch (track.codec) {
	case Codec::H264:
		entryType = "avc1", configType = "avcC";
		break;
	case Codec::H265:
		entryType = "hvc1", configType = "hvcC";
		break;
	case Codec::AV1:
		entryType = "av01", configType = "av1C";
		break;
	default:
		entryType = "vp09", configType = "vpcC";
		break;
	}
	size_t entry = w.begin(entryType);
	writeVisualSampleEntryHeader(w, track);
	if (track.codec == Codec::VP9)
		writeVpcC(w, track);
	else
		writeConfigBox(w, configType, track.codecPrivate);
	writePasp(w, track);
	w.end(entry);
}

/* 14496-1 expandable descriptor length; lengths here always fit in 28 bits. */
void writeDescriptorHeader(BoxWriter &w, uint8_t tag, uint32_t length)
{
	w.u8(tag);
	if (length >= 1 << 21)
		w.u8(static_cast<uint8_t>(0x80 | (length >> 21 & 0x7f)));
	if (length >= 1 << 14)
		w.u8(static_cast<uint8_t>(0x80 | (length >> 14 & 0x7f)));
	if (length >= 1 << 7)
		w.u8(static_cast<uint8_t>(0x80 | (length >> 7 & 0x7f)));
	w.u8(static_cast<uint8_t>(length & 0x7f));
}

uint32_t descriptorSize(uint32_t length)
{
	return 1 + (length >= 1 << 21) + (length >= 1 << 14) + (length >= 1 << 7) + 1 + length;
}

void writeEsds(BoxWriter &w, const TrackConfig &track, const AacConfig &aac)
{
	std::span<const uint8_t> asc = track.codecPrivate;
	uint32_t channels = aac.channels ? aac.channels : std::max<uint32_t>(track.channels, 1);
	/*
	 * 14496-3 4.5.3.2: a decoder needs at most 6144 bits per channel per frame of 1024
	 * samples, which gives both the input buffer size and the peak rate. The average is not
	 * known up front, and 0 means variable.
	 */
	uint32_t bufferSize = 6144 / 8 * channels;
	uint64_t maxBitrate = uint64_t {6144} * channels * aac.sampleRate / 1024;

	uint32_t dsiLen = static_cast<uint32_t>(asc.size());
	uint32_t dcdLen = 13 + descriptorSize(dsiLen);
	uint32_t esLen = 3 + descriptorSize(dcdLen) + descriptorSize(1);

	size_t box = w.beginFull("esds", 0, 0);
	writeDescriptorHeader(w, 0x03, esLen); /* ES_Descriptor */
	w.u16(0); /* ES_ID: ignored in files (14496-14 3.1.2) */
	w.u8(0); /* no stream dependence, URL or OCR stream */
	writeDescriptorHeader(w, 0x04, dcdLen); /* DecoderConfigDescriptor */
	w.u8(0x40); /* objectTypeIndication: Audio ISO/IEC 14496-3 */
	w.u8(0x05 << 2 | 1); /* streamType audio, upStream 0, reserved 1 */
	w.u24(bufferSize);
	w.u32(static_cast<uint32_t>(std::min<uint64_t>(maxBitrate, UINT32_MAX)));
	w.u32(0); /* avgBitrate */
	writeDescriptorHeader(w, 0x05, dsiLen); /* DecoderSpecificInfo */
	w.bytes(asc);
	writeDescriptorHeader(w, 0x06, 1); /* SLConfigDescriptor */
	w.u8(2); /* predefined: reserved for MP4 files */
	w.end(box);
}

void writeDOps(BoxWriter &w, const OpusHead &head)
{
	/* Encapsulation of Opus in ISOBMFF 4.3.2; big-endian, unlike OpusHead. */
	size_t box = w.begin("dOps");
	w.u8(0); /* Version */
	w.u8(head.channels);
	w.u16(head.preSkip);
	w.u32(head.inputSampleRate);
	w.i16(head.outputGain);
	w.u8(head.mappingFamily);
	if (head.mappingFamily != 0)
		w.bytes(head.mapping);
	w.end(box);
}

void writeAudioSampleEntry(BoxWriter &w, const TrackConfig &track)
{
	if (track.codec == Codec::AAC) {
		AacConfig aac = *parseAudioSpecificConfig(track.codecPrivate);
		uint32_t channels = aac.channels ? aac.channels : track.channels;
		size_t entry = w.begin("mp4a");
		writeAudioSampleEntryHeader(w, channels, aac.sampleRate);
		writeEsds(w, track, aac);
		w.end(entry);
	} else {
		OpusHead head = *parseOpusHead(track.codecPrivate);
		size_t entry = w.begin("Opus");
		writeAudioSampleEntryHeader(w, head.channels, 48000);
		writeDOps(w, head);
		w.end(entry);
	}
}

void writeStbl(BoxWriter &w, const TrackConfig &track)
{
	size_t stbl = w.begin("stbl");
	size_t stsd = w.beginFull("stsd", 0, 0);
	w.u32(1); /* entry_count */
	if (track.kind() == TrackKind::Video)
		writeVideoSampleEntry(w, track);
	else
		writeAudioSampleEntry(w, track);
	w.end(stsd);

	/* Samples live in fragments: the sample tables are empty. */
	for (std::string_view type : {"stts", "stsc"}) {
		size_t box = w.beginFull(type, 0, 0);
		w.u32(0); /* entry_count */
		w.end(box);
	}
	size_t stsz = w.beginFull("stsz", 0, 0);
	w.u32(0); /* sample_size */
	w.u32(0); /* sample_count */
	w.end(stsz);
	size_t stco = w.beginFull("stco", 0, 0);
	w.u32(0); /* entry_count */
	w.end(stco);
	w.end(stbl);
}

void writeTrak(BoxWriter &w, const TrackConfig &track)
{
	size_t trak = w.begin("trak");
	writeTkhd(w, track);
	size_t mdia = w.begin("mdia");
	writeMdhd(w, track);
	writeHdlr(w, track);
	size_t minf = w.begin("minf");
	if (track.kind() == TrackKind::Video) {
		size_t vmhd = w.beginFull("vmhd", 0, 0x000001);
		w.zeros(2 + 3 * 2); /* graphicsmode copy, opcolor */
		w.end(vmhd);
	} else {
		size_t smhd = w.beginFull("smhd", 0, 0);
		w.zeros(2 + 2); /* balance, reserved */
		w.end(smhd);
	}
	writeDinf(w);
	writeStbl(w, track);
	w.end(minf);
	w.end(mdia);
	w.end(trak);
}

void writeMvex(BoxWriter &w, const TrackConfig &track)
{
	size_t mvex = w.begin("mvex");
	size_t trex = w.beginFull("trex", 0, 0);
	w.u32(track.trackId);
	w.u32(1); /* default_sample_description_index */
	w.u32(0); /* default_sample_duration */
	w.u32(0); /* default_sample_size */
	w.u32(0); /* default_sample_flags */
	w.end(trex);
	w.end(mvex);
}

/*
 * Fragment header layout. The styp brands: 'msdh' (DASH media segment), 'cmfs' (CMAF segment)
 * and 'cmff' (each segment holds exactly one CMAF fragment). 'msix' is not claimed: it
 * promises a segment index ('sidx'), which live segments here don't carry.
 */
constexpr std::array<std::string_view, 3> kStypBrands = {"msdh", "cmfs", "cmff"};
constexpr size_t kStypSize = 8 + 8 + 4 * kStypBrands.size();
constexpr size_t kMfhdSize = 16;
constexpr size_t kTfdtSize = 20;

struct TrunLayout {
	uint32_t flags;
	size_t sampleBytes;
	bool defaultFlags; /* tfhd default_sample_flags instead of per-sample flags */
};

TrunLayout trunLayout(const TrackConfig &track)
{
	uint32_t flags = kTrunDataOffset | kTrunSampleDuration | kTrunSampleSize;
	if (track.kind() == TrackKind::Video)
		return {flags | kTrunSampleFlags | kTrunSampleCto, 16, false};
	/* Every audio sample is a sync sample: one default in tfhd says so. */
	return {flags, 8, true};
}

} /* namespace */

std::vector<uint8_t> writeInitSegment(const TrackConfig &track)
{
	std::vector<uint8_t> out;
	if (!hasUsableConfig(track))
		return out;

	out.reserve(1024 + track.codecPrivate.size());
	BoxWriter w(out);
	writeFtyp(w, cmafBrand(track));
	size_t moov = w.begin("moov");
	writeMvhd(w, track);
	writeTrak(w, track);
	writeMvex(w, track);
	w.end(moov);
	return out;
}

void writeFragmentHeader(const TrackConfig &track, const FragmentHeader &header,
			 std::span<const SampleInfo> samples, std::vector<uint8_t> &out)
{
	TrunLayout trun = trunLayout(track);
	size_t tfhdSize = 16 + (trun.defaultFlags ? 4 : 0);
	size_t trunSize = 20 + trun.sampleBytes * samples.size();
	size_t trafSize = 8 + tfhdSize + kTfdtSize + trunSize;
	size_t moofSize = 8 + kMfhdSize + trafSize;

	uint64_t payload = 0;
	for (const SampleInfo &s : samples)
		payload += s.size;
	bool largeMdat = payload + 8 > UINT32_MAX;
	size_t mdatHeaderSize = largeMdat ? 16 : 8;

	out.reserve(out.size() + kStypSize + moofSize + mdatHeaderSize);
	BoxWriter w(out);

	size_t styp = w.begin("styp");
	w.fourcc(kStypBrands[0]);
	w.u32(0); /* minor_version */
	for (std::string_view brand : kStypBrands)
		w.fourcc(brand);
	w.end(styp);

	size_t moof = w.begin("moof");
	size_t mfhd = w.beginFull("mfhd", 0, 0);
	w.u32(header.sequenceNumber);
	w.end(mfhd);

	size_t traf = w.begin("traf");
	uint32_t tfhdFlags
		= kTfhdDefaultBaseIsMoof | (trun.defaultFlags ? kTfhdDefaultSampleFlags : 0);
	size_t tfhd = w.beginFull("tfhd", 0, tfhdFlags);
	w.u32(track.trackId);
	if (trun.defaultFlags)
		w.u32(kSampleFlagsSync);
	w.end(tfhd);

	size_t tfdt = w.beginFull("tfdt", 1, 0);
	w.u64(header.baseMediaDecodeTime);
	w.end(tfdt);

	/* Version 1: composition offsets are signed, so B-frames need no edit list. */
	size_t trunBox = w.beginFull("trun", 1, trun.flags);
	w.u32(static_cast<uint32_t>(samples.size()));
	w.u32(static_cast<uint32_t>(moofSize + mdatHeaderSize)); /* data_offset from moof start */
	for (const SampleInfo &s : samples) {
		w.u32(s.duration);
		w.u32(s.size);
		if (trun.flags & kTrunSampleFlags)
			w.u32(s.sync ? kSampleFlagsSync : kSampleFlagsNonSync);
		if (trun.flags & kTrunSampleCto)
			w.i32(s.compositionOffset);
	}
	w.end(trunBox);
	w.end(traf);
	w.end(moof);
	assert(w.position() - moof == moofSize);

	if (largeMdat) {
		w.u32(1);
		w.fourcc("mdat");
		w.u64(payload + 16);
	} else {
		w.u32(static_cast<uint32_t>(payload + 8));
		w.fourcc("mdat");
	}
}

} /* namespace sluice */
