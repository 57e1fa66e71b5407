/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Profile input rules: codec aliases, legacy spellings, validation errors, system profiles.
 */

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "profilerules.h"

using namespace sluice;

namespace {

ProfileInput named(std::string name = "Test")
{
	ProfileInput input;
	input.name = std::move(name);
	return input;
}

/* ---- Video codec aliases ---- */

struct VideoAliasCase {
	const char *name;
	VideoCodec codec;
	std::optional<HwAccel> hw;
};

void PrintTo(const VideoAliasCase &c, std::ostream *os)
{
	*os << c.name;
}

class VideoAlias : public testing::TestWithParam<VideoAliasCase>
{
};

TEST_P(VideoAlias, MapsToCanonicalCodec)
{
	const VideoAliasCase &c = GetParam();
	auto alias = lookupVideoCodec(c.name);
	ASSERT_TRUE(alias) << c.name;
	EXPECT_EQ(alias->codec, c.codec);
	EXPECT_EQ(alias->impliedHwAccel, c.hw);

	/* Through the API path too, where hw_accel follows a hardware alias. */
	ProfileInput input = named();
	input.videoCodec = c.name;
	ProfileResult result = applyProfileInput(input);
	ASSERT_TRUE(result.ok()) << result.error->message;
	EXPECT_EQ(result.profile.videoCodec, c.codec);
	EXPECT_EQ(result.profile.hwAccel, c.hw.value_or(HwAccel::Auto));
	EXPECT_TRUE(result.deprecations.empty());
}

const std::optional<HwAccel> kSoftware;

INSTANTIATE_TEST_SUITE_P(
	Table, VideoAlias,
	testing::Values(VideoAliasCase {"copy", VideoCodec::Copy, kSoftware},
			VideoAliasCase {"h264", VideoCodec::H264, kSoftware},
			VideoAliasCase {"H.264", VideoCodec::H264, kSoftware},
			VideoAliasCase {"avc", VideoCodec::H264, kSoftware},
			VideoAliasCase {"avc1", VideoCodec::H264, kSoftware},
			VideoAliasCase {"x264", VideoCodec::H264, kSoftware},
			VideoAliasCase {"libx264", VideoCodec::H264, kSoftware},
			VideoAliasCase {"LibX264", VideoCodec::H264, kSoftware},
			VideoAliasCase {"  libx264 ", VideoCodec::H264, kSoftware},
			VideoAliasCase {"libopenh264", VideoCodec::H264, kSoftware},
			VideoAliasCase {"x264enc", VideoCodec::H264, kSoftware},
			VideoAliasCase {"openh264enc", VideoCodec::H264, kSoftware},
			VideoAliasCase {"h264_nvenc", VideoCodec::H264, HwAccel::Nvenc},
			VideoAliasCase {"nvenc_h264", VideoCodec::H264, HwAccel::Nvenc},
			VideoAliasCase {"nvh264enc", VideoCodec::H264, HwAccel::Nvenc},
			VideoAliasCase {"h264_vaapi", VideoCodec::H264, HwAccel::Vaapi},
			VideoAliasCase {"vaapih264enc", VideoCodec::H264, HwAccel::Vaapi},
			VideoAliasCase {"vah264enc", VideoCodec::H264, HwAccel::Vaapi},
			VideoAliasCase {"vah264lpenc", VideoCodec::H264, HwAccel::Vaapi},
			VideoAliasCase {"h264_qsv", VideoCodec::H264, HwAccel::Qsv},
			VideoAliasCase {"qsvh264enc", VideoCodec::H264, HwAccel::Qsv},
			VideoAliasCase {"h265", VideoCodec::H265, kSoftware},
			VideoAliasCase {"h.265", VideoCodec::H265, kSoftware},
			VideoAliasCase {"hevc", VideoCodec::H265, kSoftware},
			VideoAliasCase {"HEVC", VideoCodec::H265, kSoftware},
			VideoAliasCase {"hvc1", VideoCodec::H265, kSoftware},
			VideoAliasCase {"hev1", VideoCodec::H265, kSoftware},
			VideoAliasCase {"x265", VideoCodec::H265, kSoftware},
			VideoAliasCase {"libx265", VideoCodec::H265, kSoftware},
			VideoAliasCase {"x265enc", VideoCodec::H265, kSoftware},
			VideoAliasCase {"hevc_nvenc", VideoCodec::H265, HwAccel::Nvenc},
			VideoAliasCase {"nvenc_hevc", VideoCodec::H265, HwAccel::Nvenc},
			VideoAliasCase {"nvh265enc", VideoCodec::H265, HwAccel::Nvenc},
			VideoAliasCase {"hevc_vaapi", VideoCodec::H265, HwAccel::Vaapi},
			VideoAliasCase {"vaapih265enc", VideoCodec::H265, HwAccel::Vaapi},
			VideoAliasCase {"vah265enc", VideoCodec::H265, HwAccel::Vaapi},
			VideoAliasCase {"hevc_qsv", VideoCodec::H265, HwAccel::Qsv},
			VideoAliasCase {"qsvh265enc", VideoCodec::H265, HwAccel::Qsv},
			VideoAliasCase {"vp9", VideoCodec::VP9, kSoftware},
			VideoAliasCase {"VP9", VideoCodec::VP9, kSoftware},
			VideoAliasCase {"vp09", VideoCodec::VP9, kSoftware},
			VideoAliasCase {"libvpx-vp9", VideoCodec::VP9, kSoftware},
			VideoAliasCase {"vp9enc", VideoCodec::VP9, kSoftware},
			VideoAliasCase {"vp9_vaapi", VideoCodec::VP9, HwAccel::Vaapi},
			VideoAliasCase {"vavp9enc", VideoCodec::VP9, HwAccel::Vaapi},
			VideoAliasCase {"vp9_qsv", VideoCodec::VP9, HwAccel::Qsv},
			VideoAliasCase {"qsvvp9enc", VideoCodec::VP9, HwAccel::Qsv},
			VideoAliasCase {"av1", VideoCodec::AV1, kSoftware},
			VideoAliasCase {"av01", VideoCodec::AV1, kSoftware},
			VideoAliasCase {"libaom-av1", VideoCodec::AV1, kSoftware},
			VideoAliasCase {"libsvtav1", VideoCodec::AV1, kSoftware},
			VideoAliasCase {"librav1e", VideoCodec::AV1, kSoftware},
			VideoAliasCase {"av1enc", VideoCodec::AV1, kSoftware},
			VideoAliasCase {"svtav1enc", VideoCodec::AV1, kSoftware},
			VideoAliasCase {"rav1enc", VideoCodec::AV1, kSoftware},
			VideoAliasCase {"av1_nvenc", VideoCodec::AV1, HwAccel::Nvenc},
			VideoAliasCase {"AV1_NVENC", VideoCodec::AV1, HwAccel::Nvenc},
			VideoAliasCase {"nvav1enc", VideoCodec::AV1, HwAccel::Nvenc},
			VideoAliasCase {"av1_vaapi", VideoCodec::AV1, HwAccel::Vaapi},
			VideoAliasCase {"vaav1enc", VideoCodec::AV1, HwAccel::Vaapi},
			VideoAliasCase {"av1_qsv", VideoCodec::AV1, HwAccel::Qsv},
			VideoAliasCase {"qsvav1enc", VideoCodec::AV1, HwAccel::Qsv}));

TEST(VideoAlias, UnknownIsInvalidValueListingAcceptedValues)
{
	for (const char *name : {"h266", "mpeg2video", "h264_amf", "", "lib x264"}) {
		EXPECT_FALSE(lookupVideoCodec(name)) << name;
		ProfileInput input = named();
		input.videoCodec = name;
		ProfileResult result = applyProfileInput(input);
		ASSERT_FALSE(result.ok()) << name;
		EXPECT_EQ(result.error->code, "invalid_value");
		EXPECT_EQ(result.error->field, "video_codec");
		EXPECT_EQ(result.error->httpStatus(), 400);
		EXPECT_NE(result.error->message.find("copy, h264, h265, vp9, av1"),
			  std::string::npos)
			<< result.error->message;
	}
	ProfileInput input = named();
	input.videoCodec = "h266";
	EXPECT_EQ(applyProfileInput(input).error->message,
		  "video_codec must be one of copy, h264, h265, vp9, av1 (encoder names such as "
		  "libx264, hevc_nvenc or libsvtav1 are accepted too); got \"h266\"");
}

/* ---- Audio codec aliases ---- */

struct AudioAliasCase {
	const char *name;
	AudioCodec codec;
};

void PrintTo(const AudioAliasCase &c, std::ostream *os)
{
	*os << c.name;
}

class AudioAlias : public testing::TestWithParam<AudioAliasCase>
{
};

TEST_P(AudioAlias, MapsToCanonicalCodec)
{
	const AudioAliasCase &c = GetParam();
	EXPECT_EQ(lookupAudioCodec(c.name), c.codec);
	ProfileInput input = named();
	input.audioCodec = c.name;
	ProfileResult result = applyProfileInput(input);
	ASSERT_TRUE(result.ok()) << result.error->message;
	EXPECT_EQ(result.profile.audioCodec, c.codec);
	EXPECT_EQ(result.profile.hwAccel, HwAccel::Auto);
}

INSTANTIATE_TEST_SUITE_P(Table, AudioAlias,
			 testing::Values(AudioAliasCase {"copy", AudioCodec::Copy},
					 AudioAliasCase {"COPY", AudioCodec::Copy},
					 AudioAliasCase {"aac", AudioCodec::AAC},
					 AudioAliasCase {"mp4a", AudioCodec::AAC},
					 AudioAliasCase {"libfdk_aac", AudioCodec::AAC},
					 AudioAliasCase {"aac_at", AudioCodec::AAC},
					 AudioAliasCase {"aac_mf", AudioCodec::AAC},
					 AudioAliasCase {"libvo_aacenc", AudioCodec::AAC},
					 AudioAliasCase {"fdkaacenc", AudioCodec::AAC},
					 AudioAliasCase {"avenc_aac", AudioCodec::AAC},
					 AudioAliasCase {"voaacenc", AudioCodec::AAC},
					 AudioAliasCase {"faac", AudioCodec::AAC},
					 AudioAliasCase {"opus", AudioCodec::Opus},
					 AudioAliasCase {"Opus", AudioCodec::Opus},
					 AudioAliasCase {"libopus", AudioCodec::Opus},
					 AudioAliasCase {"opusenc", AudioCodec::Opus}));

TEST(AudioAlias, UnknownIsInvalidValue)
{
	for (const char *name : {"mp3", "ac3", "flac", "libmp3lame", ""}) {
		EXPECT_FALSE(lookupAudioCodec(name)) << name;
		ProfileInput input = named();
		input.audioCodec = name;
		ProfileResult result = applyProfileInput(input);
		ASSERT_FALSE(result.ok()) << name;
		EXPECT_EQ(result.error->code, "invalid_value");
		EXPECT_EQ(result.error->field, "audio_codec");
		EXPECT_NE(result.error->message.find("copy, aac, opus"), std::string::npos);
	}
}

/* ---- Container format and the legacy output_format ---- */

struct ContainerCase {
	const char *label;
	std::optional<std::string> containerFormat;
	std::optional<std::string> outputFormat;
	/* expected */
	std::optional<ContainerFormat> result; /* nullopt = error */
	bool deprecated = false;
	const char *errorCode = "";
	const char *errorField = "";
};

void PrintTo(const ContainerCase &c, std::ostream *os)
{
	*os << c.label;
}

class Container : public testing::TestWithParam<ContainerCase>
{
};

TEST_P(Container, Resolves)
{
	const ContainerCase &c = GetParam();
	ProfileInput input = named();
	input.containerFormat = c.containerFormat;
	input.outputFormat = c.outputFormat;
	ProfileResult result = applyProfileInput(input);
	if (c.result) {
		ASSERT_TRUE(result.ok()) << result.error->message;
		EXPECT_EQ(result.profile.containerFormat, *c.result);
	} else {
		ASSERT_FALSE(result.ok());
		EXPECT_EQ(result.error->code, c.errorCode);
		EXPECT_EQ(result.error->field, c.errorField);
	}
	if (c.deprecated) {
		ASSERT_EQ(result.deprecations.size(), 1u);
		EXPECT_EQ(result.deprecations[0].field, "output_format");
	} else {
		EXPECT_TRUE(result.deprecations.empty());
	}
}

const std::optional<std::string> kAbsent;

INSTANTIATE_TEST_SUITE_P(
	Table, Container,
	testing::Values(
		ContainerCase {"neither_keeps_base_auto", kAbsent, kAbsent, ContainerFormat::Auto},
		ContainerCase {"auto", "auto", kAbsent, ContainerFormat::Auto},
		ContainerCase {"fmp4", "fmp4", kAbsent, ContainerFormat::Fmp4},
		ContainerCase {"FMP4_any_case", "FMP4", kAbsent, ContainerFormat::Fmp4},
		ContainerCase {"cmaf_is_fmp4", "cmaf", kAbsent, ContainerFormat::Fmp4},
		ContainerCase {"mpegts", "mpegts", kAbsent, ContainerFormat::MpegTs},
		ContainerCase {"ts_is_mpegts", "ts", kAbsent, ContainerFormat::MpegTs},
		ContainerCase {"unknown_container", "mkv", kAbsent, std::nullopt, false,
			       "invalid_value", "container_format"},
		ContainerCase {"legacy_mpegts", kAbsent, "mpegts", ContainerFormat::MpegTs, true},
		ContainerCase {"legacy_ts", kAbsent, "ts", ContainerFormat::MpegTs, true},
		ContainerCase {"legacy_hls", kAbsent, "hls", ContainerFormat::Fmp4, true},
		ContainerCase {"legacy_HLS_any_case", kAbsent, "HLS", ContainerFormat::Fmp4, true},
		ContainerCase {"legacy_dash", kAbsent, "dash", ContainerFormat::Fmp4, true},
		ContainerCase {"legacy_unknown", kAbsent, "rtmp", std::nullopt, false,
			       "invalid_value", "output_format"},
		ContainerCase {"both_agree_fmp4", "fmp4", "hls", ContainerFormat::Fmp4, true},
		ContainerCase {"both_agree_mpegts", "mpegts", "mpegts", ContainerFormat::MpegTs,
			       true},
		ContainerCase {"both_disagree", "mpegts", "dash", std::nullopt, true, "conflict",
			       "output_format"},
		ContainerCase {"auto_disagrees_with_hls", "auto", "hls", std::nullopt, true,
			       "conflict", "output_format"}));

TEST(Container, ConflictMessageAndStatus)
{
	ProfileInput input = named();
	input.containerFormat = "mpegts";
	input.outputFormat = "hls";
	ProfileResult result = applyProfileInput(input);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->httpStatus(), 422);
	EXPECT_EQ(result.error->message,
		  "output_format \"hls\" means container_format \"fmp4\" but container_format is "
		  "\"mpegts\"; send container_format only");
}

TEST(Container, DeprecationMessage)
{
	ProfileInput input = named();
	input.outputFormat = "dash";
	ProfileResult result = applyProfileInput(input);
	ASSERT_TRUE(result.ok());
	ASSERT_EQ(result.deprecations.size(), 1u);
	EXPECT_EQ(result.deprecations[0].message,
		  "output_format is deprecated; use container_format (\"dash\" is "
		  "container_format \"fmp4\")");
}

/* ---- Hardware acceleration ---- */

struct HwCase {
	const char *label;
	std::optional<std::string> videoCodec;
	std::optional<std::string> hwAccel;
	std::optional<HwAccel> result; /* nullopt = error */
	const char *errorCode = "";
	const char *errorField = "";
};

void PrintTo(const HwCase &c, std::ostream *os)
{
	*os << c.label;
}

class Hw : public testing::TestWithParam<HwCase>
{
};

TEST_P(Hw, Resolves)
{
	const HwCase &c = GetParam();
	ProfileInput input = named();
	input.videoCodec = c.videoCodec;
	input.hwAccel = c.hwAccel;
	ProfileResult result = applyProfileInput(input);
	if (c.result) {
		ASSERT_TRUE(result.ok()) << result.error->message;
		EXPECT_EQ(result.profile.hwAccel, *c.result);
	} else {
		ASSERT_FALSE(result.ok());
		EXPECT_EQ(result.error->code, c.errorCode);
		EXPECT_EQ(result.error->field, c.errorField);
	}
}

INSTANTIATE_TEST_SUITE_P(
	Table, Hw,
	testing::Values(
		HwCase {"absent", kAbsent, kAbsent, HwAccel::Auto},
		HwCase {"auto", kAbsent, "auto", HwAccel::Auto},
		HwCase {"none", kAbsent, "none", HwAccel::None},
		HwCase {"nvenc", kAbsent, "nvenc", HwAccel::Nvenc},
		HwCase {"vaapi", kAbsent, "VAAPI", HwAccel::Vaapi},
		HwCase {"qsv", kAbsent, "qsv", HwAccel::Qsv},
		HwCase {"unknown", kAbsent, "cuda", std::nullopt, "invalid_value", "hw_accel"},
		HwCase {"alias_implies", "h264_nvenc", kAbsent, HwAccel::Nvenc},
		HwCase {"alias_narrows_auto", "hevc_vaapi", "auto", HwAccel::Vaapi},
		HwCase {"alias_agrees", "av1_qsv", "qsv", HwAccel::Qsv},
		HwCase {"alias_conflicts", "av1_nvenc", "vaapi", std::nullopt, "conflict",
			"video_codec"},
		HwCase {"alias_conflicts_none", "h264_qsv", "none", std::nullopt, "conflict",
			"video_codec"},
		HwCase {"software_alias_implies_nothing", "libx264", kAbsent, HwAccel::Auto},
		HwCase {"software_alias_with_hw", "libx265", "vaapi", HwAccel::Vaapi},
		HwCase {"software_alias_with_none", "libsvtav1", "none", HwAccel::None}));

TEST(Hw, ConflictMessage)
{
	ProfileInput input = named();
	input.videoCodec = "av1_nvenc";
	input.hwAccel = "vaapi";
	ProfileResult result = applyProfileInput(input);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->httpStatus(), 422);
	EXPECT_EQ(
		result.error->message,
		"video_codec \"av1_nvenc\" needs hw_accel \"nvenc\" but hw_accel is \"vaapi\"; use "
		"the plain codec name or drop hw_accel");
}

TEST(Hw, UpdateWithoutCodecKeepsBaseAccel)
{
	Profile base;
	base.name = "Stored";
	base.hwAccel = HwAccel::Vaapi;
	ProfileInput input;
	input.maxHeight = 720;
	ProfileResult result = applyProfileInput(input, base);
	ASSERT_TRUE(result.ok());
	EXPECT_EQ(result.profile.hwAccel, HwAccel::Vaapi);
}

/* ---- Numbers and preset ---- */

struct NumberCase {
	const char *label;
	std::optional<int64_t> bitrate;
	std::optional<int64_t> height;
	bool ok;
	const char *errorField = "";
};

void PrintTo(const NumberCase &c, std::ostream *os)
{
	*os << c.label;
}

class Numbers : public testing::TestWithParam<NumberCase>
{
};

TEST_P(Numbers, Bounds)
{
	const NumberCase &c = GetParam();
	ProfileInput input = named();
	input.videoBitrateKbps = c.bitrate;
	input.maxHeight = c.height;
	ProfileResult result = applyProfileInput(input);
	if (c.ok) {
		ASSERT_TRUE(result.ok()) << result.error->message;
		EXPECT_EQ(result.profile.videoBitrateKbps,
			  static_cast<uint32_t>(c.bitrate.value_or(0)));
		EXPECT_EQ(result.profile.maxHeight, static_cast<uint32_t>(c.height.value_or(0)));
	} else {
		ASSERT_FALSE(result.ok());
		EXPECT_EQ(result.error->code, "out_of_range");
		EXPECT_EQ(result.error->field, c.errorField);
		EXPECT_EQ(result.error->httpStatus(), 400);
	}
}

INSTANTIATE_TEST_SUITE_P(
	Table, Numbers,
	testing::Values(NumberCase {"bitrate_match_source", 0, {}, true},
			NumberCase {"bitrate_min", 100, {}, true},
			NumberCase {"bitrate_max", 200000, {}, true},
			NumberCase {"bitrate_too_low", 99, {}, false, "video_bitrate_kbps"},
			NumberCase {"bitrate_too_high", 200001, {}, false, "video_bitrate_kbps"},
			NumberCase {"bitrate_negative", -1, {}, false, "video_bitrate_kbps"},
			NumberCase {"height_keep_source", {}, 0, true},
			NumberCase {"height_min", {}, 144, true},
			NumberCase {"height_720", {}, 720, true},
			NumberCase {"height_max", {}, 4320, true},
			NumberCase {"height_too_low", {}, 143, false, "max_height"},
			NumberCase {"height_too_high", {}, 4321, false, "max_height"},
			NumberCase {"height_negative", {}, -720, false, "max_height"},
			NumberCase {"bitrate_checked_before_height", 5, 5, false,
				    "video_bitrate_kbps"}));

TEST(Numbers, RangeMessage)
{
	ProfileInput input = named();
	input.maxHeight = 8000;
	EXPECT_EQ(applyProfileInput(input).error->message,
		  "max_height must be 0 or 144..4320 lines; got 8000");
	input = named();
	input.videoBitrateKbps = 250000;
	EXPECT_EQ(applyProfileInput(input).error->message,
		  "video_bitrate_kbps must be 0 or 100..200000 kbit/s; got 250000");
}

TEST(Preset, AcceptsEncoderPresetNames)
{
	for (auto [given, stored] : std::vector<std::pair<const char *, const char *>> {
		     {"veryfast", "veryfast"},
		     {"P4", "p4"},
		     {" medium ", "medium"},
		     {"8", "8"},
		     {"speed_1-fast", "speed_1-fast"},
		     {"", ""},
	     }) {
		ProfileInput input = named();
		input.preset = given;
		ProfileResult result = applyProfileInput(input);
		ASSERT_TRUE(result.ok()) << given;
		EXPECT_EQ(result.profile.preset, stored);
	}
}

TEST(Preset, RejectsOddNames)
{
	for (const char *given :
	     {"very fast", "fast;rm", "\"slow\"", "a-very-long-preset-name-that-goes-on-and-on"}) {
		ProfileInput input = named();
		input.preset = given;
		ProfileResult result = applyProfileInput(input);
		ASSERT_FALSE(result.ok()) << given;
		EXPECT_EQ(result.error->code, "invalid_value");
		EXPECT_EQ(result.error->field, "preset");
	}
}

/* ---- Codecs that need fMP4 ---- */

struct PairingCase {
	const char *label;
	const char *video;
	const char *audio;
	const char *container;
	const char *outputFormat;
	const char *errorField; /* "" = valid */
};

void PrintTo(const PairingCase &c, std::ostream *os)
{
	*os << c.label;
}

class Pairing : public testing::TestWithParam<PairingCase>
{
};

TEST_P(Pairing, CodecRequiresFmp4)
{
	const PairingCase &c = GetParam();
	ProfileInput input = named();
	input.videoCodec = c.video;
	input.audioCodec = c.audio;
	if (*c.container)
		input.containerFormat = c.container;
	if (*c.outputFormat)
		input.outputFormat = c.outputFormat;
	ProfileResult result = applyProfileInput(input);
	if (!*c.errorField) {
		EXPECT_TRUE(result.ok()) << result.error->message;
		return;
	}
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->code, "codec_requires_fmp4");
	EXPECT_EQ(result.error->field, c.errorField);
	EXPECT_EQ(result.error->httpStatus(), 422);
}

INSTANTIATE_TEST_SUITE_P(
	Table, Pairing,
	testing::Values(PairingCase {"vp9_mpegts", "vp9", "aac", "mpegts", "", "video_codec"},
			PairingCase {"av1_mpegts", "libsvtav1", "aac", "mpegts", "", "video_codec"},
			PairingCase {"opus_mpegts", "h264", "libopus", "mpegts", "", "audio_codec"},
			PairingCase {"vp9_opus_mpegts_names_video_first", "vp9", "opus", "mpegts",
				     "", "video_codec"},
			PairingCase {"av1_legacy_mpegts", "av1", "aac", "", "mpegts",
				     "video_codec"},
			PairingCase {"vp9_ts_alias", "vp9", "aac", "ts", "", "video_codec"},
			PairingCase {"vp9_fmp4", "vp9", "opus", "fmp4", "", ""},
			PairingCase {"av1_auto", "av1", "opus", "auto", "", ""},
			PairingCase {"h265_mpegts", "hevc", "aac", "mpegts", "", ""},
			PairingCase {"copy_mpegts", "copy", "copy", "mpegts", "", ""}));

TEST(Pairing, MessageAndUpdateOfStoredProfile)
{
	Profile stored;
	stored.id = 7;
	stored.name = "Modern";
	stored.videoCodec = VideoCodec::AV1;
	stored.audioCodec = AudioCodec::Opus;
	stored.containerFormat = ContainerFormat::Fmp4;

	ProfileInput input;
	input.containerFormat = "mpegts";
	ProfileResult result = applyProfileInput(input, stored);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->code, "codec_requires_fmp4");
	EXPECT_EQ(result.error->field, "video_codec");
	EXPECT_EQ(result.error->message,
		  "av1 video needs container_format fmp4 or auto; MPEG-TS cannot carry it");

	input.videoCodec = "h264";
	result = applyProfileInput(input, stored);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->field, "audio_codec");
	EXPECT_EQ(result.error->message,
		  "opus audio needs container_format fmp4 or auto; MPEG-TS cannot carry it");

	input.audioCodec = "aac";
	result = applyProfileInput(input, stored);
	ASSERT_TRUE(result.ok());
	EXPECT_EQ(result.profile.id, 7);
	EXPECT_EQ(result.profile.name, "Modern");
	EXPECT_EQ(result.profile.containerFormat, ContainerFormat::MpegTs);
}

TEST(Pairing, RequiresFmp4Helpers)
{
	EXPECT_FALSE(requiresFmp4(VideoCodec::Copy));
	EXPECT_FALSE(requiresFmp4(VideoCodec::H264));
	EXPECT_FALSE(requiresFmp4(VideoCodec::H265));
	EXPECT_TRUE(requiresFmp4(VideoCodec::VP9));
	EXPECT_TRUE(requiresFmp4(VideoCodec::AV1));
	EXPECT_FALSE(requiresFmp4(AudioCodec::Copy));
	EXPECT_FALSE(requiresFmp4(AudioCodec::AAC));
	EXPECT_TRUE(requiresFmp4(AudioCodec::Opus));
}

/* ---- Name, defaults and precedence ---- */

TEST(Name, RequiredOnCreate)
{
	ProfileResult result = applyProfileInput(ProfileInput {});
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->code, "required");
	EXPECT_EQ(result.error->field, "name");
	EXPECT_EQ(result.error->message, "name is required");
	EXPECT_EQ(result.error->httpStatus(), 400);

	result = applyProfileInput(named("  \t"));
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->code, "required");
}

TEST(Name, EmptiedOnUpdateIsRequired)
{
	Profile stored;
	stored.name = "Mine";
	EXPECT_TRUE(applyProfileInput(ProfileInput {}, stored).ok());
	ProfileResult result = applyProfileInput(named(""), stored);
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->code, "required");
}

TEST(Name, TrimmedAndBounded)
{
	ProfileResult result = applyProfileInput(named("  Living room  "));
	ASSERT_TRUE(result.ok());
	EXPECT_EQ(result.profile.name, "Living room");

	result = applyProfileInput(named(std::string(101, 'x')));
	ASSERT_FALSE(result.ok());
	EXPECT_EQ(result.error->code, "invalid_value");
	EXPECT_EQ(result.error->field, "name");
	EXPECT_TRUE(applyProfileInput(named(std::string(100, 'x'))).ok());
}

TEST(Name, FirstErrorInFieldOrder)
{
	ProfileInput input;
	input.videoCodec = "bogus";
	input.audioCodec = "bogus";
	input.maxHeight = 1;
	EXPECT_EQ(applyProfileInput(input).error->field, "name");
	input.name = "ok";
	EXPECT_EQ(applyProfileInput(input).error->field, "video_codec");
	input.videoCodec = "h264";
	EXPECT_EQ(applyProfileInput(input).error->field, "audio_codec");
	input.audioCodec = "aac";
	EXPECT_EQ(applyProfileInput(input).error->field, "max_height");
}

TEST(Profile, CreateFillsEverythingAndKeepsBaseIdentity)
{
	Profile base;
	base.id = 3;
	base.system = true;
	base.isDefault = true;

	ProfileInput input;
	input.name = "Full";
	input.description = "every field";
	input.videoCodec = "libx265";
	input.audioCodec = "libfdk_aac";
	input.containerFormat = "fmp4";
	input.hwAccel = "none";
	input.preset = "slow";
	input.videoBitrateKbps = 4000;
	input.maxHeight = 1080;
	ProfileResult result = applyProfileInput(input, base);
	ASSERT_TRUE(result.ok());
	const Profile &p = result.profile;
	EXPECT_EQ(p.id, 3);
	EXPECT_TRUE(p.system);
	EXPECT_TRUE(p.isDefault);
	EXPECT_EQ(p.name, "Full");
	EXPECT_EQ(p.description, "every field");
	EXPECT_EQ(p.videoCodec, VideoCodec::H265);
	EXPECT_EQ(p.audioCodec, AudioCodec::AAC);
	EXPECT_EQ(p.containerFormat, ContainerFormat::Fmp4);
	EXPECT_EQ(p.hwAccel, HwAccel::None);
	EXPECT_EQ(p.preset, "slow");
	EXPECT_EQ(p.videoBitrateKbps, 4000u);
	EXPECT_EQ(p.maxHeight, 1080u);
}

/* ---- Proxy modes ---- */

struct ModeCase {
	const char *given;
	std::optional<ProxyMode> mode; /* nullopt = error */
	bool deprecated;
};

void PrintTo(const ModeCase &c, std::ostream *os)
{
	*os << c.given;
}

class Mode : public testing::TestWithParam<ModeCase>
{
};

TEST_P(Mode, Parses)
{
	const ModeCase &c = GetParam();
	ProxyModeResult result = parseProxyModeInput(c.given);
	if (!c.mode) {
		ASSERT_FALSE(result.ok());
		EXPECT_EQ(result.error->code, "invalid_value");
		EXPECT_EQ(result.error->field, "mode");
		EXPECT_NE(result.error->message.find("direct, smart"), std::string::npos);
		return;
	}
	ASSERT_TRUE(result.ok());
	EXPECT_EQ(result.mode, *c.mode);
	EXPECT_EQ(result.deprecation.has_value(), c.deprecated);
	if (c.deprecated) {
		EXPECT_EQ(result.deprecation->field, "mode");
	}
}

INSTANTIATE_TEST_SUITE_P(Table, Mode,
			 testing::Values(ModeCase {"direct", ProxyMode::Direct, false},
					 ModeCase {"smart", ProxyMode::Smart, false},
					 ModeCase {"Smart", ProxyMode::Smart, false},
					 ModeCase {" DIRECT ", ProxyMode::Direct, false},
					 ModeCase {"redirect", ProxyMode::Direct, true},
					 ModeCase {"proxy", ProxyMode::Smart, true},
					 ModeCase {"relay", ProxyMode::Smart, true},
					 ModeCase {"RELAY", ProxyMode::Smart, true},
					 ModeCase {"transcode", std::nullopt, false},
					 ModeCase {"", std::nullopt, false}));

TEST(Mode, DeprecationMessageAndCustomField)
{
	ProxyModeResult result = parseProxyModeInput("relay", "proxy_mode");
	ASSERT_TRUE(result.ok());
	EXPECT_EQ(result.deprecation->field, "proxy_mode");
	EXPECT_EQ(result.deprecation->message, "proxy_mode \"relay\" is deprecated; use \"smart\"");
	result = parseProxyModeInput("teleport", "proxy_mode");
	EXPECT_EQ(result.error->field, "proxy_mode");
	EXPECT_EQ(result.error->message,
		  "proxy_mode must be one of direct, smart (legacy redirect, proxy, relay are "
		  "accepted too); got \"teleport\"");
}

/* ---- System profiles ---- */

TEST(SystemProfiles, AreTheSpecsThree)
{
	std::vector<Profile> profiles = systemProfiles();
	ASSERT_EQ(profiles.size(), 3u);

	const Profile &universal = profiles[0];
	EXPECT_EQ(universal.name, "Universal");
	EXPECT_EQ(universal.videoCodec, VideoCodec::H264);
	EXPECT_EQ(universal.audioCodec, AudioCodec::AAC);
	EXPECT_EQ(universal.containerFormat, ContainerFormat::Auto);
	EXPECT_TRUE(universal.isDefault);

	const Profile &passthrough = profiles[1];
	EXPECT_EQ(passthrough.name, "Passthrough");
	EXPECT_EQ(passthrough.videoCodec, VideoCodec::Copy);
	EXPECT_EQ(passthrough.audioCodec, AudioCodec::Copy);
	EXPECT_EQ(passthrough.containerFormat, ContainerFormat::Auto);
	EXPECT_FALSE(passthrough.isDefault);

	const Profile &efficiency = profiles[2];
	EXPECT_EQ(efficiency.name, "Efficiency");
	EXPECT_EQ(efficiency.videoCodec, VideoCodec::H265);
	EXPECT_EQ(efficiency.audioCodec, AudioCodec::AAC);
	EXPECT_EQ(efficiency.containerFormat, ContainerFormat::Fmp4);
	EXPECT_FALSE(efficiency.isDefault);

	for (const Profile &p : profiles) {
		EXPECT_TRUE(p.system) << p.name;
		EXPECT_EQ(p.id, 0) << p.name;
		EXPECT_EQ(p.hwAccel, HwAccel::Auto) << p.name;
		EXPECT_EQ(p.videoBitrateKbps, 0u) << p.name;
		EXPECT_EQ(p.maxHeight, 0u) << p.name;
		EXPECT_FALSE(p.description.empty()) << p.name;

		/* They pass the API's own validation when written back canonically. */
		ProfileInput input;
		input.name = p.name;
		input.videoCodec = std::string(toString(p.videoCodec));
		input.audioCodec = std::string(toString(p.audioCodec));
		input.containerFormat = std::string(toString(p.containerFormat));
		ProfileResult result = applyProfileInput(input);
		EXPECT_TRUE(result.ok()) << p.name;
	}
}

} /* namespace */
