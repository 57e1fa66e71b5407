/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Profile and proxy-mode input: aliases, legacy spellings and validation.
 */

#include "profilerules.h"

#include <algorithm>
#include <array>

#include "textutil.h"

namespace sluice {

namespace {

struct VideoAliasEntry {
	std::string_view name;
	VideoCodec codec;
	std::optional<HwAccel> hw;
};

/* ffmpeg and GStreamer encoder names, plus the usual codec spellings. Lower case. */
constexpr VideoAliasEntry kVideoAliases[] = {
	{"copy", VideoCodec::Copy, {}},
	{"h264", VideoCodec::H264, {}},
	{"h.264", VideoCodec::H264, {}},
	{"avc", VideoCodec::H264, {}},
	{"avc1", VideoCodec::H264, {}},
	{"x264", VideoCodec::H264, {}},
	{"libx264", VideoCodec::H264, {}},
	{"libopenh264", VideoCodec::H264, {}},
	{"x264enc", VideoCodec::H264, {}},
	{"openh264enc", VideoCodec::H264, {}},
	{"h264_nvenc", VideoCodec::H264, HwAccel::Nvenc},
	{"nvenc_h264", VideoCodec::H264, HwAccel::Nvenc},
	{"nvh264enc", VideoCodec::H264, HwAccel::Nvenc},
	{"h264_vaapi", VideoCodec::H264, HwAccel::Vaapi},
	{"vaapih264enc", VideoCodec::H264, HwAccel::Vaapi},
	{"vah264enc", VideoCodec::H264, HwAccel::Vaapi},
	{"vah264lpenc", VideoCodec::H264, HwAccel::Vaapi},
	{"h264_qsv", VideoCodec::H264, HwAccel::Qsv},
	{"qsvh264enc", VideoCodec::H264, HwAccel::Qsv},
	{"h265", VideoCodec::H265, {}},
	{"h.265", VideoCodec::H265, {}},
	{"hevc", VideoCodec::H265, {}},
	{"hvc1", VideoCodec::H265, {}},
	{"hev1", VideoCodec::H265, {}},
	{"x265", VideoCodec::H265, {}},
	{"libx265", VideoCodec::H265, {}},
	{"x265enc", VideoCodec::H265, {}},
	{"hevc_nvenc", VideoCodec::H265, HwAccel::Nvenc},
	{"nvenc_hevc", VideoCodec::H265, HwAccel::Nvenc},
	{"nvh265enc", VideoCodec::H265, HwAccel::Nvenc},
	{"hevc_vaapi", VideoCodec::H265, HwAccel::Vaapi},
	{"vaapih265enc", VideoCodec::H265, HwAccel::Vaapi},
	{"vah265enc", VideoCodec::H265, HwAccel::Vaapi},
	{"hevc_qsv", VideoCodec::H265, HwAccel::Qsv},
	{"qsvh265enc", VideoCodec::H265, HwAccel::Qsv},
	{"vp9", VideoCodec::VP9, {}},
	{"vp09", VideoCodec::VP9, {}},
	{"libvpx-vp9", VideoCodec::VP9, {}},
	{"vp9enc", VideoCodec::VP9, {}},
	{"vp9_vaapi", VideoCodec::VP9, HwAccel::Vaapi},
	{"vavp9enc", VideoCodec::VP9, HwAccel::Vaapi},
	{"vp9_qsv", VideoCodec::VP9, HwAccel::Qsv},
	{"qsvvp9enc", VideoCodec::VP9, HwAccel::Qsv},
	{"av1", VideoCodec::AV1, {}},
	{"av01", VideoCodec::AV1, {}},
	{"libaom-av1", VideoCodec::AV1, {}},
	{"libsvtav1", VideoCodec::AV1, {}},
	{"librav1e", VideoCodec::AV1, {}},
	{"av1enc", VideoCodec::AV1, {}},
	{"svtav1enc", VideoCodec::AV1, {}},
	{"rav1enc", VideoCodec::AV1, {}},
	{"av1_nvenc", VideoCodec::AV1, HwAccel::Nvenc},
	{"nvav1enc", VideoCodec::AV1, HwAccel::Nvenc},
	{"av1_vaapi", VideoCodec::AV1, HwAccel::Vaapi},
	{"vaav1enc", VideoCodec::AV1, HwAccel::Vaapi},
	{"av1_qsv", VideoCodec::AV1, HwAccel::Qsv},
	{"qsvav1enc", VideoCodec::AV1, HwAccel::Qsv},
};

struct AudioAliasEntry {
	std::string_view name;
	AudioCodec codec;
};

constexpr AudioAliasEntry kAudioAliases[] = {
	{"copy", AudioCodec::Copy},	   {"aac", AudioCodec::AAC},
	{"mp4a", AudioCodec::AAC},	   {"libfdk_aac", AudioCodec::AAC},
	{"aac_at", AudioCodec::AAC},	   {"aac_mf", AudioCodec::AAC},
	{"libvo_aacenc", AudioCodec::AAC}, {"fdkaacenc", AudioCodec::AAC},
	{"avenc_aac", AudioCodec::AAC},	   {"voaacenc", AudioCodec::AAC},
	{"faac", AudioCodec::AAC},	   {"opus", AudioCodec::Opus},
	{"libopus", AudioCodec::Opus},	   {"opusenc", AudioCodec::Opus},
};

FieldError makeError(std::string_view code, std::string_view field, std::string message)
{
	return FieldError {std::string(code), std::move(message), std::string(field)};
}

FieldError invalidValue(std::string_view field, std::string_view given, std::string_view accepted)
{
	return makeError("invalid_value", field,
			 std::string(field) + " must be one of " + std::string(accepted)
				 + "; got \"" + std::string(given) + "\"");
}

std::optional<ContainerFormat> lookupContainer(std::string_view name)
{
	std::string lower = asciiLower(name);
	if (lower == "ts")
		return ContainerFormat::MpegTs;
	if (lower == "cmaf")
		return ContainerFormat::Fmp4;
	return parseContainerFormat(lower);
}

std::optional<ContainerFormat> lookupOutputFormat(std::string_view name)
{
	std::string lower = asciiLower(name);
	if (lower == "mpegts" || lower == "ts")
		return ContainerFormat::MpegTs;
	if (lower == "hls" || lower == "dash")
		return ContainerFormat::Fmp4;
	return std::nullopt;
}

/* Resolves container_format and output_format into profile.containerFormat. */
std::optional<FieldError> applyContainer(const ProfileInput &input, ProfileResult &result)
{
	std::optional<ContainerFormat> fromContainer;
	if (input.containerFormat) {
		std::string_view given = trimmed(*input.containerFormat);
		fromContainer = lookupContainer(given);
		if (!fromContainer)
			return invalidValue(profilefield::kContainerFormat, given,
					    "auto, fmp4, mpegts");
	}

	std::optional<ContainerFormat> fromOutput;
	if (input.outputFormat) {
		std::string_view given = trimmed(*input.outputFormat);
		fromOutput = lookupOutputFormat(given);
		if (!fromOutput)
			return invalidValue(profilefield::kOutputFormat, given,
					    "mpegts, hls, dash (deprecated: use container_format)");
		result.deprecations.push_back(
			{std::string(profilefield::kOutputFormat),
			 "output_format is deprecated; use container_format (\""
				 + std::string(given) + "\" is container_format \""
				 + std::string(toString(*fromOutput)) + "\")"});
		if (fromContainer && *fromContainer != *fromOutput)
			return makeError("conflict", profilefield::kOutputFormat,
					 "output_format \"" + std::string(given)
						 + "\" means container_format \""
						 + std::string(toString(*fromOutput))
						 + "\" but container_format is \""
						 + std::string(toString(*fromContainer))
						 + "\"; send container_format only");
	}

	if (fromContainer)
		result.profile.containerFormat = *fromContainer;
	else if (fromOutput)
		result.profile.containerFormat = *fromOutput;
	return std::nullopt;
}

/* hw_accel, given the accelerator a hardware encoder alias implied (if any). */
std::optional<FieldError> applyHwAccel(const ProfileInput &input, std::optional<HwAccel> implied,
				       std::string_view videoAlias, ProfileResult &result)
{
	std::optional<HwAccel> given;
	if (input.hwAccel) {
		std::string_view text = trimmed(*input.hwAccel);
		given = parseHwAccel(asciiLower(text));
		if (!given)
			return invalidValue(profilefield::kHwAccel, text,
					    "auto, none, nvenc, vaapi, qsv");
	}

	if (implied) {
		if (given && *given != HwAccel::Auto && *given != *implied)
			return makeError(
				"conflict", profilefield::kVideoCodec,
				"video_codec \"" + std::string(videoAlias) + "\" needs hw_accel \""
					+ std::string(toString(*implied)) + "\" but hw_accel is \""
					+ std::string(toString(*given))
					+ "\"; use the plain codec name or drop hw_accel");
		result.profile.hwAccel = *implied;
	} else if (given) {
		result.profile.hwAccel = *given;
	}
	return std::nullopt;
}

bool validPresetChar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::optional<FieldError> checkRange(std::string_view field, int64_t value, int64_t min,
				     int64_t max, std::string_view unit)
{
	if (value == 0 || (value >= min && value <= max))
		return std::nullopt;
	return makeError("out_of_range", field,
			 std::string(field) + " must be 0 or " + std::to_string(min) + ".."
				 + std::to_string(max) + " " + std::string(unit) + "; got "
				 + std::to_string(value));
}

} /* namespace */

int FieldError::httpStatus() const
{
	if (code == "conflict" || code == "codec_requires_fmp4")
		return 422;
	return 400;
}

std::optional<VideoCodecAlias> lookupVideoCodec(std::string_view name)
{
	std::string lower = asciiLower(trimmed(name));
	for (const auto &entry : kVideoAliases)
		if (entry.name == lower)
			return VideoCodecAlias {entry.codec, entry.hw};
	return std::nullopt;
}

std::optional<AudioCodec> lookupAudioCodec(std::string_view name)
{
	std::string lower = asciiLower(trimmed(name));
	for (const auto &entry : kAudioAliases)
		if (entry.name == lower)
			return entry.codec;
	return std::nullopt;
}

bool requiresFmp4(VideoCodec codec)
{
	return codec == VideoCodec::VP9 || codec == VideoCodec::AV1;
}

bool requiresFmp4(AudioCodec codec)
{
	return codec == AudioCodec::Opus;
}

ProfileResult applyProfileInput(const ProfileInput &input, const Profile &base)
{
	ProfileResult result;
	result.profile = base;
	Profile &p = result.profile;

	auto fail = [&](FieldError error) {
		result.error = std::move(error);
		return result;
	};

	if (input.name)
		p.name = std::string(trimmed(*input.name));
	if (p.name.empty())
		return fail(makeError("required", profilefield::kName, "name is required"));
	if (p.name.size() > kMaxNameLength)
		return fail(makeError("invalid_value", profilefield::kName,
				      "name must be at most " + std::to_string(kMaxNameLength)
					      + " characters"));
	if (input.description)
		p.description = *input.description;

	std::optional<HwAccel> impliedHw;
	std::string_view videoAlias;
	if (input.videoCodec) {
		videoAlias = trimmed(*input.videoCodec);
		auto alias = lookupVideoCodec(videoAlias);
		if (!alias)
			return fail(
				invalidValue(profilefield::kVideoCodec, videoAlias,
					     "copy, h264, h265, vp9, av1 (encoder names such as "
					     "libx264, hevc_nvenc or libsvtav1 are accepted too)"));
		p.videoCodec = alias->codec;
		impliedHw = alias->impliedHwAccel;
	}

	if (input.audioCodec) {
		std::string_view given = trimmed(*input.audioCodec);
		auto codec = lookupAudioCodec(given);
		if (!codec)
			return fail(
				invalidValue(profilefield::kAudioCodec, given,
					     "copy, aac, opus (encoder names such as libfdk_aac or "
					     "libopus are accepted too)"));
		p.audioCodec = *codec;
	}

	if (auto error = applyContainer(input, result))
		return fail(std::move(*error));
	if (auto error = applyHwAccel(input, impliedHw, videoAlias, result))
		return fail(std::move(*error));

	if (input.preset) {
		std::string preset = asciiLower(trimmed(*input.preset));
		if (preset.size() > kMaxPresetLength
		    || !std::all_of(preset.begin(), preset.end(), validPresetChar))
			return fail(makeError("invalid_value", profilefield::kPreset,
					      "preset must be an encoder preset name such as "
					      "\"veryfast\" or \"p4\" (at "
					      "most " + std::to_string(kMaxPresetLength)
						      + " letters, digits, '-' or '_'); got \""
						      + *input.preset + "\""));
		p.preset = std::move(preset);
	}

	if (input.videoBitrateKbps) {
		if (auto error = checkRange(profilefield::kVideoBitrate, *input.videoBitrateKbps,
					    kMinVideoBitrateKbps, kMaxVideoBitrateKbps, "kbit/s"))
			return fail(std::move(*error));
		p.videoBitrateKbps = static_cast<uint32_t>(*input.videoBitrateKbps);
	}

	if (input.maxHeight) {
		if (auto error = checkRange(profilefield::kMaxHeight, *input.maxHeight,
					    kMinMaxHeight, kMaxMaxHeight, "lines"))
			return fail(std::move(*error));
		p.maxHeight = static_cast<uint32_t>(*input.maxHeight);
	}

	if (p.containerFormat == ContainerFormat::MpegTs) {
		if (requiresFmp4(p.videoCodec))
			return fail(
				makeError("codec_requires_fmp4", profilefield::kVideoCodec,
					  std::string(toString(p.videoCodec))
						  + " video needs container_format fmp4 or auto; "
						    "MPEG-TS cannot carry it"));
		if (requiresFmp4(p.audioCodec))
			return fail(
				makeError("codec_requires_fmp4", profilefield::kAudioCodec,
					  std::string(toString(p.audioCodec))
						  + " audio needs container_format fmp4 or auto; "
						    "MPEG-TS cannot carry it"));
	}

	return result;
}

ProxyModeResult parseProxyModeInput(std::string_view value, std::string_view field)
{
	ProxyModeResult result;
	std::string_view given = trimmed(value);
	std::string lower = asciiLower(given);

	if (auto mode = parseProxyMode(lower)) {
		result.mode = *mode;
		return result;
	}

	static constexpr std::array<std::pair<std::string_view, ProxyMode>, 3> kLegacy {{
		{"redirect", ProxyMode::Direct},
		{"proxy", ProxyMode::Smart},
		{"relay", ProxyMode::Smart},
	}};
	for (const auto &[legacy, mode] : kLegacy) {
		if (lower != legacy)
			continue;
		result.mode = mode;
		result.deprecation = Deprecation {std::string(field),
						  std::string(field) + " \"" + lower
							  + "\" is deprecated; use \""
							  + std::string(toString(mode)) + "\""};
		return result;
	}

	result.error = invalidValue(
		field, given, "direct, smart (legacy redirect, proxy, relay are accepted too)");
	return result;
}

} /* namespace sluice */
