/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Canonical names of the model's enumerations.
 */

#include "model.h"

#include <array>
#include <utility>

namespace sluice {

namespace {

template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<VideoCodec, 5> kVideoCodecs {{
	{VideoCodec::Copy, "copy"},
	{VideoCodec::H264, "h264"},
	{VideoCodec::H265, "h265"},
	{VideoCodec::VP9, "vp9"},
	{VideoCodec::AV1, "av1"},
}};

constexpr NameTable<AudioCodec, 3> kAudioCodecs {{
	{AudioCodec::Copy, "copy"},
	{AudioCodec::AAC, "aac"},
	{AudioCodec::Opus, "opus"},
}};

constexpr NameTable<ContainerFormat, 3> kContainerFormats {{
	{ContainerFormat::Auto, "auto"},
	{ContainerFormat::Fmp4, "fmp4"},
	{ContainerFormat::MpegTs, "mpegts"},
}};

constexpr NameTable<HwAccel, 5> kHwAccels {{
	{HwAccel::Auto, "auto"},
	{HwAccel::None, "none"},
	{HwAccel::Nvenc, "nvenc"},
	{HwAccel::Vaapi, "vaapi"},
	{HwAccel::Qsv, "qsv"},
}};

constexpr NameTable<ProxyMode, 2> kProxyModes {{
	{ProxyMode::Direct, "direct"},
	{ProxyMode::Smart, "smart"},
}};

template <typename E, size_t N>
std::string_view nameOf(const NameTable<E, N> &table, E value)
{
	for (const auto &[v, name] : table)
		if (v == value)
			return name;
	return {};
}

template <typename E, size_t N>
std::optional<E> valueOf(const NameTable<E, N> &table, std::string_view name)
{
	for (const auto &[v, n] : table)
		if (n == name)
			return v;
	return std::nullopt;
}

} /* namespace */

std::string_view toString(VideoCodec codec)
{
	return nameOf(kVideoCodecs, codec);
}
std::string_view toString(AudioCodec codec)
{
	return nameOf(kAudioCodecs, codec);
}
std::string_view toString(ContainerFormat format)
{
	return nameOf(kContainerFormats, format);
}
std::string_view toString(HwAccel accel)
{
	return nameOf(kHwAccels, accel);
}
std::string_view toString(ProxyMode mode)
{
	return nameOf(kProxyModes, mode);
}

std::optional<VideoCodec> parseVideoCodec(std::string_view name)
{
	return valueOf(kVideoCodecs, name);
}

std::optional<AudioCodec> parseAudioCodec(std::string_view name)
{
	return valueOf(kAudioCodecs, name);
}

std::optional<ContainerFormat> parseContainerFormat(std::string_view name)
{
	return valueOf(kContainerFormats, name);
}

std::optional<HwAccel> parseHwAccel(std::string_view name)
{
	return valueOf(kHwAccels, name);
}

std::optional<ProxyMode> parseProxyMode(std::string_view name)
{
	return valueOf(kProxyModes, name);
}

std::vector<Profile> systemProfiles()
{
	Profile universal;
	universal.name = "Universal";
	universal.description = "H.264 and AAC: plays on every client";
	universal.videoCodec = VideoCodec::H264;
	universal.audioCodec = AudioCodec::AAC;
	universal.containerFormat = ContainerFormat::Auto;
	universal.system = true;
	universal.isDefault = true;

	Profile passthrough;
	passthrough.name = "Passthrough";
	passthrough.description = "The source's own video and audio, repackaged only";
	passthrough.videoCodec = VideoCodec::Copy;
	passthrough.audioCodec = AudioCodec::Copy;
	passthrough.containerFormat = ContainerFormat::Auto;
	passthrough.system = true;

	Profile efficiency;
	efficiency.name = "Efficiency";
	efficiency.description
		= "H.265 and AAC in fMP4: smaller streams for clients that decode H.265";
	efficiency.videoCodec = VideoCodec::H265;
	efficiency.audioCodec = AudioCodec::AAC;
	efficiency.containerFormat = ContainerFormat::Fmp4;
	efficiency.system = true;

	return {universal, passthrough, efficiency};
}

} /* namespace sluice */
