/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Turning what the API was given for a profile or a proxy mode into valid model values.
 */

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"

namespace sluice {

/* The API's field names, as errors and deprecations name them. */
namespace profilefield {
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kDescription = "description";
inline constexpr std::string_view kVideoCodec = "video_codec";
inline constexpr std::string_view kAudioCodec = "audio_codec";
inline constexpr std::string_view kContainerFormat = "container_format";
inline constexpr std::string_view kOutputFormat = "output_format"; /* deprecated */
inline constexpr std::string_view kHwAccel = "hw_accel";
inline constexpr std::string_view kPreset = "preset";
inline constexpr std::string_view kVideoBitrate = "video_bitrate_kbps";
inline constexpr std::string_view kMaxHeight = "max_height";
} /* namespace profilefield */

/* Limits of the numeric fields. */
inline constexpr int64_t kMaxVideoBitrateKbps = 200000; /* 0 = match the source */
inline constexpr int64_t kMinVideoBitrateKbps = 100;
inline constexpr int64_t kMinMaxHeight = 144; /* 0 = keep the source's height */
inline constexpr int64_t kMaxMaxHeight = 4320;
inline constexpr size_t kMaxNameLength = 100;
inline constexpr size_t kMaxPresetLength = 32;

/*
 * A validation error, shaped like the API's error body {"error":{"code","message","field"}}.
 * Codes:
 *   required             a field that must not be empty is missing or empty
 *   invalid_value        a value outside the accepted set; the message lists that set
 *   out_of_range         a number outside its bounds; the message gives them
 *   conflict             two fields that each make sense but contradict each other
 *                        (output_format vs container_format, h264_nvenc vs hw_accel=vaapi)
 *   codec_requires_fmp4  VP9, AV1 or Opus paired with container_format mpegts; field is the
 *                        codec's (video_codec or audio_codec)
 */
struct FieldError {
	std::string code;
	std::string message;
	std::string field;

	/*
	 * 400 for a value that is wrong on its own (required, invalid_value, out_of_range);
	 * 422 for values that are each valid but cannot go together (conflict,
	 * codec_requires_fmp4).
	 */
	int httpStatus() const;
};

/* An accepted but deprecated spelling: the API answers with it as a warning. */
struct Deprecation {
	std::string field;
	std::string message;
};

/*
 * A profile as the API received it: absent fields are std::nullopt. Strings are matched
 * case-insensitively after trimming blanks. Numbers are signed so a negative value can be
 * reported instead of wrapping.
 */
struct ProfileInput {
	std::optional<std::string> name;
	std::optional<std::string> description;
	std::optional<std::string> videoCodec;
	std::optional<std::string> audioCodec;
	std::optional<std::string> containerFormat;
	std::optional<std::string> outputFormat; /* deprecated spelling of containerFormat */
	std::optional<std::string> hwAccel;
	std::optional<std::string> preset;
	std::optional<int64_t> videoBitrateKbps;
	std::optional<int64_t> maxHeight;
};

struct ProfileResult {
	Profile profile; /* valid when !error */
	std::vector<Deprecation> deprecations;
	std::optional<FieldError> error; /* the first problem, in field order */

	bool ok() const { return !error.has_value(); }
};

/*
 * Applies input over base (a create starts from Profile{}, an update from the stored profile;
 * absent fields keep base's values) and validates the result. id, system and isDefault are
 * base's. The first error found wins, checked in the order name, video_codec, audio_codec,
 * container_format/output_format, hw_accel, preset, video_bitrate_kbps, max_height, then the
 * codec/container pairing.
 *
 * Aliases: video_codec takes the canonical names and encoder names (libx264, x264, avc, hevc,
 * libx265, libvpx-vp9, libaom-av1, libsvtav1, h264_nvenc, hevc_vaapi, av1_qsv, GStreamer's
 * x264enc, nvh265enc, ...); audio_codec likewise (libopus, libfdk_aac, aac_at, fdkaacenc, ...).
 * An alias naming a hardware encoder (h264_nvenc, vp9_vaapi, av1_qsv, nvh264enc, ...) sets
 * hw_accel to that accelerator when the input leaves hw_accel absent or "auto"; an explicit
 * different hw_accel (including "none") is a conflict. Software encoder names (libx264,
 * libsvtav1, ...) name the codec only: in the tools they come from they were the default
 * encoder, not a deliberate opt-out of hardware, so they leave hw_accel alone.
 *
 * output_format (deprecated) maps mpegts -> mpegts, hls and dash -> fmp4 and adds a
 * Deprecation; given together with container_format, the two must agree exactly ("auto" does
 * not agree with "hls") or the result is a conflict on output_format.
 */
ProfileResult applyProfileInput(const ProfileInput &input, const Profile &base = Profile {});

/* Lookups behind applyProfileInput, for callers that need one field. */
struct VideoCodecAlias {
	VideoCodec codec;
	std::optional<HwAccel> impliedHwAccel; /* set for hardware encoder names */
};
std::optional<VideoCodecAlias> lookupVideoCodec(std::string_view name);
std::optional<AudioCodec> lookupAudioCodec(std::string_view name);

/* VP9, AV1 and Opus cannot be carried in MPEG-TS (as Sluice delivers it). */
bool requiresFmp4(VideoCodec codec);
bool requiresFmp4(AudioCodec codec);

struct ProxyModeResult {
	ProxyMode mode = ProxyMode::Smart; /* valid when !error */
	std::optional<Deprecation> deprecation; /* redirect, proxy, relay */
	std::optional<FieldError> error;

	bool ok() const { return !error.has_value(); }
};

/*
 * direct | smart; legacy redirect -> direct, proxy -> smart, relay -> smart with a
 * deprecation. field names the API field in errors and deprecations.
 */
ProxyModeResult parseProxyModeInput(std::string_view value, std::string_view field = "mode");

} /* namespace sluice */
