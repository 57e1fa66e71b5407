/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The container and delivery decision trees: every branch, with reasons.
 */

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decisions.h"
#include "profilerules.h"

using namespace sluice;

namespace {

using Reasons = std::vector<std::string>;

/* ---- Fixtures: profiles, clients, sources ---- */

Profile makeProfile(const char *name, VideoCodec video, AudioCodec audio,
		    ContainerFormat container = ContainerFormat::Auto)
{
	Profile p;
	p.name = name;
	p.videoCodec = video;
	p.audioCodec = audio;
	p.containerFormat = container;
	return p;
}

const Profile kUniversal = systemProfiles()[0];
const Profile kPassthrough = systemProfiles()[1];
const Profile kEfficiency = systemProfiles()[2];
const Profile kAutoVp9 = makeProfile("VP9", VideoCodec::VP9, AudioCodec::AAC);
const Profile kAutoOpus = makeProfile("Opus", VideoCodec::H264, AudioCodec::Opus);
const Profile kFmp4Vp9
	= makeProfile("VP9 fMP4", VideoCodec::VP9, AudioCodec::AAC, ContainerFormat::Fmp4);
const Profile kMpegTs
	= makeProfile("Legacy", VideoCodec::H264, AudioCodec::AAC, ContainerFormat::MpegTs);

ClientRule makeClient(const char *name, PreferredFormat preferred, bool legacy,
		      std::vector<std::string> video = {}, std::vector<std::string> audio = {})
{
	ClientRule c;
	c.name = name;
	c.preferredFormat = preferred;
	c.legacyTsOnly = legacy;
	c.videoCodecs = std::move(video);
	c.audioCodecs = std::move(audio);
	return c;
}

const ClientRule kUnknown;
const ClientRule kLegacy = makeClient("legacy-stb", PreferredFormat::Ts, true,
				      {"h264", "mpeg2video"}, {"aac", "mp3", "mp2", "ac3"});
const ClientRule kVlc = makeClient("vlc", PreferredFormat::Ts, false);
const ClientRule kApple = makeClient("apple", PreferredFormat::Hls, false, {"h264", "h265"},
				     {"aac", "mp3", "ac3", "eac3"});
const ClientRule kDashy = makeClient("dash-tv", PreferredFormat::Dash, false);

/* ---- Request kind ---- */

TEST(RequestKind, FromPath)
{
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1"), RequestKind::Negotiated);
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1.m3u8"), RequestKind::Hls);
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1.M3U8"), RequestKind::Hls);
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1.mpd"), RequestKind::Dash);
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1.ts"), RequestKind::Ts);
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1.ts?format=hls"), RequestKind::Ts);
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1.m3u8#t=1"), RequestKind::Hls);
	EXPECT_EQ(requestKindFromPath("/live/home.tv/bbc1"), RequestKind::Negotiated);
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1.mp4"), RequestKind::Negotiated);
	EXPECT_EQ(requestKindFromPath("/live/home/bbc1?x=a.ts"), RequestKind::Negotiated);
	EXPECT_EQ(requestKindFromPath("bbc1.mpd"), RequestKind::Dash);
	EXPECT_EQ(requestKindFromPath(""), RequestKind::Negotiated);
}

TEST(Names, EnumsToString)
{
	EXPECT_EQ(toString(DeliveryFormat::TsContinuous), "ts");
	EXPECT_EQ(toString(DeliveryFormat::HlsFmp4), "hls-fmp4");
	EXPECT_EQ(toString(DeliveryFormat::HlsTs), "hls-ts");
	EXPECT_EQ(toString(DeliveryFormat::Dash), "dash");
	EXPECT_EQ(containerOf(DeliveryFormat::TsContinuous), ContainerFormat::MpegTs);
	EXPECT_EQ(containerOf(DeliveryFormat::HlsTs), ContainerFormat::MpegTs);
	EXPECT_EQ(containerOf(DeliveryFormat::HlsFmp4), ContainerFormat::Fmp4);
	EXPECT_EQ(containerOf(DeliveryFormat::Dash), ContainerFormat::Fmp4);
	EXPECT_EQ(toString(DeliveryMode::Passthrough), "passthrough");
	EXPECT_EQ(toString(DeliveryMode::Repackage), "repackage");
	EXPECT_EQ(toString(DeliveryMode::Transcode), "transcode");
	for (auto [name, type] : std::vector<std::pair<const char *, SourceType>> {
		     {"hls", SourceType::Hls},
		     {"dash", SourceType::Dash},
		     {"mpegts", SourceType::MpegTs},
		     {"file", SourceType::File},
		     {"test", SourceType::Test},
		     {"unknown", SourceType::Unknown},
	     }) {
		EXPECT_EQ(parseSourceType(name), type) << name;
		EXPECT_EQ(toString(type), name);
	}
	EXPECT_EQ(parseSourceType("HLS"), SourceType::Hls);
	EXPECT_EQ(parseSourceType("rtsp"), SourceType::Unknown);
}

/* ---- Container tree ---- */

struct ContainerCase {
	const char *label;
	RequestKind kind;
	const char *format;
	const char *accept;
	const ClientRule *client;
	const Profile *profile;
	/* expected */
	DeliveryFormat delivery;
	bool error = false;
};

void PrintTo(const ContainerCase &c, std::ostream *os)
{
	*os << c.label;
}

ContainerDecision decide(const ContainerCase &c)
{
	ClientRequest request;
	request.kind = c.kind;
	request.format = c.format;
	request.accept = c.accept;
	request.client = *c.client;
	return determineContainer(*c.profile, request);
}

class ContainerTree : public testing::TestWithParam<ContainerCase>
{
};

TEST_P(ContainerTree, Decides)
{
	const ContainerCase &c = GetParam();
	ContainerDecision d = decide(c);
	EXPECT_FALSE(d.reasons.empty());
	if (c.error) {
		ASSERT_FALSE(d.ok());
		EXPECT_EQ(d.error->code, "codec_requires_fmp4");
		EXPECT_EQ(d.error->httpStatus, 406);
		EXPECT_EQ(d.reasons.back(), d.error->message);
		return;
	}
	ASSERT_TRUE(d.ok()) << d.error->message;
	EXPECT_EQ(toString(d.client.format), toString(c.delivery));
	EXPECT_EQ(d.container, containerOf(c.delivery));
	EXPECT_NE(d.container, ContainerFormat::Auto);
	EXPECT_EQ(d.client.clientName, c.client->name);
	EXPECT_EQ(d.client.videoCodecs, c.client->videoCodecs);
	EXPECT_EQ(d.client.audioCodecs, c.client->audioCodecs);
}

using K = RequestKind;
using F = DeliveryFormat;

INSTANTIATE_TEST_SUITE_P(
	Negotiated, ContainerTree,
	testing::Values(
		ContainerCase {"default_hls_fmp4", K::Negotiated, "", "", &kUnknown, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"format_hls", K::Negotiated, "hls", "", &kUnknown, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"format_m3u8", K::Negotiated, "m3u8", "", &kUnknown, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"format_dash", K::Negotiated, "dash", "", &kUnknown, &kUniversal,
			       F::Dash},
		ContainerCase {"format_mpd", K::Negotiated, "MPD", "", &kUnknown, &kUniversal,
			       F::Dash},
		ContainerCase {"format_ts", K::Negotiated, "ts", "", &kUnknown, &kUniversal,
			       F::TsContinuous},
		ContainerCase {"format_mpegts", K::Negotiated, "mpegts", "", &kUnknown, &kUniversal,
			       F::TsContinuous},
		ContainerCase {"format_fmp4", K::Negotiated, "fmp4", "", &kLegacy, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"format_cmaf", K::Negotiated, "cmaf", "", &kUnknown, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"format_unknown_ignored", K::Negotiated, "flv", "", &kUnknown,
			       &kUniversal, F::HlsFmp4},
		ContainerCase {"accept_mp2t", K::Negotiated, "", "video/MP2T", &kUnknown,
			       &kUniversal, F::TsContinuous},
		ContainerCase {"accept_apple_mpegurl", K::Negotiated, "",
			       "application/vnd.apple.mpegurl", &kVlc, &kUniversal, F::HlsFmp4},
		ContainerCase {"accept_x_mpegurl", K::Negotiated, "", "application/x-mpegURL",
			       &kVlc, &kUniversal, F::HlsFmp4},
		ContainerCase {"accept_audio_mpegurl", K::Negotiated, "", "audio/mpegurl", &kVlc,
			       &kUniversal, F::HlsFmp4},
		ContainerCase {"accept_dash", K::Negotiated, "", "application/dash+xml", &kUnknown,
			       &kUniversal, F::Dash},
		ContainerCase {"accept_highest_q_wins", K::Negotiated, "",
			       "video/mp2t;q=0.5, application/dash+xml", &kUnknown, &kUniversal,
			       F::Dash},
		ContainerCase {"accept_first_of_equal_q", K::Negotiated, "",
			       "video/mp2t, application/dash+xml", &kUnknown, &kUniversal,
			       F::TsContinuous},
		ContainerCase {"accept_q0_excluded", K::Negotiated, "",
			       "application/dash+xml;q=0, video/mp2t;q=0.1", &kUnknown, &kUniversal,
			       F::TsContinuous},
		ContainerCase {"accept_bad_q_is_1", K::Negotiated, "",
			       "video/mp2t;q=0.9, application/dash+xml;q=high", &kUnknown,
			       &kUniversal, F::Dash},
		ContainerCase {
			"accept_other_parameters", K::Negotiated, "",
			"video/mp2t; charset=binary; q=0.2, application/dash+xml;level=1;q=0.5",
			&kUnknown, &kUniversal, F::Dash},
		ContainerCase {"accept_wildcard_is_no_signal", K::Negotiated, "", "*/*", &kUnknown,
			       &kUniversal, F::HlsFmp4},
		ContainerCase {"format_beats_accept", K::Negotiated, "dash", "video/mp2t",
			       &kUnknown, &kUniversal, F::Dash},
		ContainerCase {"format_hls_accept_mp2t_gives_hls_ts", K::Negotiated, "hls",
			       "video/mp2t", &kUnknown, &kUniversal, F::HlsTs},
		ContainerCase {"accept_beats_client", K::Negotiated, "",
			       "application/vnd.apple.mpegurl", &kLegacy, &kUniversal, F::HlsTs},
		ContainerCase {"legacy_client_ts", K::Negotiated, "", "", &kLegacy, &kUniversal,
			       F::TsContinuous},
		ContainerCase {"legacy_client_asks_hls", K::Negotiated, "hls", "", &kLegacy,
			       &kUniversal, F::HlsTs},
		ContainerCase {"client_prefers_ts", K::Negotiated, "", "", &kVlc, &kUniversal,
			       F::TsContinuous},
		ContainerCase {"client_prefers_hls", K::Negotiated, "", "", &kApple, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"client_prefers_dash", K::Negotiated, "", "", &kDashy, &kUniversal,
			       F::Dash},
		ContainerCase {"vp9_profile_beats_format_ts", K::Negotiated, "ts", "", &kUnknown,
			       &kAutoVp9, F::HlsFmp4},
		ContainerCase {"opus_profile_beats_legacy", K::Negotiated, "", "", &kLegacy,
			       &kAutoOpus, F::HlsFmp4},
		ContainerCase {"vp9_profile_default", K::Negotiated, "", "", &kUnknown, &kAutoVp9,
			       F::HlsFmp4},
		ContainerCase {"fmp4_profile_beats_format_ts", K::Negotiated, "ts", "", &kUnknown,
			       &kEfficiency, F::HlsFmp4},
		ContainerCase {"fmp4_profile_beats_legacy", K::Negotiated, "", "", &kLegacy,
			       &kEfficiency, F::HlsFmp4},
		ContainerCase {"fmp4_profile_default", K::Negotiated, "", "", &kUnknown,
			       &kEfficiency, F::HlsFmp4},
		ContainerCase {"mpegts_profile_default", K::Negotiated, "", "", &kUnknown, &kMpegTs,
			       F::HlsTs},
		ContainerCase {"mpegts_profile_format_ts", K::Negotiated, "ts", "", &kUnknown,
			       &kMpegTs, F::TsContinuous},
		ContainerCase {"mpegts_profile_format_dash", K::Negotiated, "dash", "", &kUnknown,
			       &kMpegTs, F::Dash}));

INSTANTIATE_TEST_SUITE_P(
	Hls, ContainerTree,
	testing::Values(
		ContainerCase {"default", K::Hls, "", "", &kUnknown, &kUniversal, F::HlsFmp4},
		ContainerCase {"client_preference_is_ignored", K::Hls, "", "", &kVlc, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"format_ts", K::Hls, "ts", "", &kUnknown, &kUniversal, F::HlsTs},
		ContainerCase {"format_mpegts", K::Hls, "mpegts", "", &kUnknown, &kUniversal,
			       F::HlsTs},
		ContainerCase {"format_hls_noop", K::Hls, "hls", "", &kUnknown, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"format_dash_ignored", K::Hls, "dash", "", &kUnknown, &kUniversal,
			       F::HlsFmp4},
		ContainerCase {"accept_mp2t", K::Hls, "", "video/mp2t", &kUnknown, &kUniversal,
			       F::HlsTs},
		ContainerCase {"legacy_client", K::Hls, "", "", &kLegacy, &kUniversal, F::HlsTs},
		ContainerCase {"format_fmp4_beats_legacy", K::Hls, "fmp4", "", &kLegacy,
			       &kUniversal, F::HlsFmp4},
		ContainerCase {"format_ts_beats_accept_hls", K::Hls, "ts",
			       "application/vnd.apple.mpegurl", &kUnknown, &kUniversal, F::HlsTs},
		ContainerCase {"vp9_beats_legacy", K::Hls, "", "", &kLegacy, &kAutoVp9, F::HlsFmp4},
		ContainerCase {"opus_beats_format_ts", K::Hls, "ts", "", &kUnknown, &kAutoOpus,
			       F::HlsFmp4},
		ContainerCase {"fmp4_profile_beats_format_ts", K::Hls, "ts", "", &kLegacy,
			       &kEfficiency, F::HlsFmp4},
		ContainerCase {"mpegts_profile_beats_format_fmp4", K::Hls, "fmp4", "", &kApple,
			       &kMpegTs, F::HlsTs}));

INSTANTIATE_TEST_SUITE_P(Dash, ContainerTree,
			 testing::Values(ContainerCase {"default", K::Dash, "", "", &kUnknown,
							&kUniversal, F::Dash},
					 ContainerCase {"mpegts_profile", K::Dash, "", "",
							&kUnknown, &kMpegTs, F::Dash},
					 ContainerCase {"format_ts_ignored", K::Dash, "ts", "",
							&kUnknown, &kUniversal, F::Dash},
					 ContainerCase {"format_hls_ignored", K::Dash, "hls", "",
							&kUnknown, &kUniversal, F::Dash},
					 ContainerCase {"legacy_client", K::Dash, "", "video/mp2t",
							&kLegacy, &kUniversal, F::Dash},
					 ContainerCase {"vp9_profile", K::Dash, "", "", &kUnknown,
							&kFmp4Vp9, F::Dash}));

INSTANTIATE_TEST_SUITE_P(
	Ts, ContainerTree,
	testing::Values(ContainerCase {"default", K::Ts, "", "", &kUnknown, &kUniversal,
				       F::TsContinuous},
			ContainerCase {"mpegts_profile", K::Ts, "", "", &kUnknown, &kMpegTs,
				       F::TsContinuous},
			ContainerCase {"fmp4_profile_h265", K::Ts, "", "", &kUnknown, &kEfficiency,
				       F::TsContinuous},
			ContainerCase {"format_hls_ignored", K::Ts, "hls", "", &kUnknown,
				       &kUniversal, F::TsContinuous},
			ContainerCase {"apple_client", K::Ts, "", "", &kApple, &kUniversal,
				       F::TsContinuous},
			ContainerCase {"vp9_profile_error", K::Ts, "", "", &kUnknown, &kAutoVp9,
				       F::TsContinuous, true},
			ContainerCase {"opus_profile_error", K::Ts, "", "", &kUnknown, &kAutoOpus,
				       F::TsContinuous, true},
			ContainerCase {"fmp4_vp9_profile_error", K::Ts, "", "", &kLegacy, &kFmp4Vp9,
				       F::TsContinuous, true}));

/* Reasons, word for word, for the spec's branches. */
struct ContainerReasonCase {
	ContainerCase request;
	Reasons reasons;
};

void PrintTo(const ContainerReasonCase &c, std::ostream *os)
{
	*os << c.request.label;
}

class ContainerReasons : public testing::TestWithParam<ContainerReasonCase>
{
};

TEST_P(ContainerReasons, Explain)
{
	EXPECT_EQ(decide(GetParam().request).reasons, GetParam().reasons);
}

INSTANTIATE_TEST_SUITE_P(
	Spec, ContainerReasons,
	testing::Values(
		ContainerReasonCase {
			{"default_fmp4", K::Negotiated, "", "", &kUnknown, &kUniversal, F::HlsFmp4},
			{"nothing in the request picks a format: HLS",
			 "HLS is served as fMP4: HLS v7 with EXT-X-MAP"}},
		ContainerReasonCase {
			{"codec_needs_fmp4", K::Negotiated, "mpegts", "", &kUnknown, &kAutoVp9,
			 F::HlsFmp4},
			{"?format=mpegts asks for continuous MPEG-TS",
			 "profile \"VP9\" encodes vp9 video, which MPEG-TS cannot carry: HLS fMP4 "
			 "instead of continuous TS"}},
		ContainerReasonCase {{"accept_mp2t", K::Negotiated, "", "video/MP2T", &kUnknown,
				      &kUniversal, F::TsContinuous},
				     {"Accept: video/MP2T asks for continuous MPEG-TS"}},
		ContainerReasonCase {
			{"legacy_ua_hls", K::Hls, "", "", &kLegacy, &kUniversal, F::HlsTs},
			{"the .m3u8 URL is HLS",
			 "client \"legacy-stb\" plays only MPEG-TS: MPEG-TS segments, HLS v3"}},
		ContainerReasonCase {
			{"legacy_ua_negotiated", K::Negotiated, "", "", &kLegacy, &kUniversal,
			 F::TsContinuous},
			{"client \"legacy-stb\" plays only MPEG-TS: continuous MPEG-TS"}},
		ContainerReasonCase {
			{"hls_format_ts", K::Hls, "ts", "", &kUnknown, &kUniversal, F::HlsTs},
			{"the .m3u8 URL is HLS", "?format=ts asks for MPEG-TS segments: HLS v3"}},
		ContainerReasonCase {{"hls_accept_mp2t", K::Hls, "", "video/MP2T", &kUnknown,
				      &kUniversal, F::HlsTs},
				     {"the .m3u8 URL is HLS",
				      "Accept: video/MP2T asks for MPEG-TS segments: HLS v3"}},
		ContainerReasonCase {
			{"hls_format_fmp4", K::Hls, "fmp4", "", &kLegacy, &kUniversal, F::HlsFmp4},
			{"the .m3u8 URL is HLS",
			 "?format=fmp4 asks for fMP4 segments: HLS v7 with EXT-X-MAP"}},
		ContainerReasonCase {
			{"hls_vp9", K::Hls, "", "", &kLegacy, &kAutoVp9, F::HlsFmp4},
			{"the .m3u8 URL is HLS",
			 "profile \"VP9\" encodes vp9 video, which needs fMP4: HLS v7 with "
			 "EXT-X-MAP"}},
		ContainerReasonCase {
			{"dash_with_mpegts_profile", K::Dash, "", "", &kUnknown, &kMpegTs, F::Dash},
			{"the .mpd URL is DASH",
			 "DASH is served only as fMP4; profile \"Legacy\"'s mpegts applies to HLS "
			 "and "
			 "continuous TS"}},
		ContainerReasonCase {
			{"dash_format_ts", K::Dash, "ts", "", &kUnknown, &kUniversal, F::Dash},
			{"the .mpd URL is DASH",
			 "ignoring ?format=ts: the .mpd URL is always DASH over fMP4",
			 "DASH is served as fMP4"}},
		ContainerReasonCase {{"ts_with_fmp4_profile", K::Ts, "", "", &kUnknown,
				      &kEfficiency, F::TsContinuous},
				     {"the .ts URL is continuous MPEG-TS",
				      "the .ts URL is always MPEG-TS; profile \"Efficiency\"'s "
				      "fmp4 applies to HLS "
				      "and negotiated requests"}},
		ContainerReasonCase {
			{"ts_format_hls", K::Ts, "hls", "", &kUnknown, &kUniversal,
			 F::TsContinuous},
			{"the .ts URL is continuous MPEG-TS",
			 "ignoring ?format=hls: the .ts URL is always continuous MPEG-TS"}},
		ContainerReasonCase {
			{"ts_vp9_error", K::Ts, "", "", &kUnknown, &kAutoVp9, F::TsContinuous,
			 true},
			{"the .ts URL is continuous MPEG-TS",
			 "profile \"VP9\" encodes vp9 video, which MPEG-TS cannot carry; use the "
			 "channel's .m3u8 or .mpd URL"}},
		ContainerReasonCase {{"m3u8_format_dash", K::Hls, "dash", "", &kUnknown,
				      &kEfficiency, F::HlsFmp4},
				     {"the .m3u8 URL is HLS",
				      "ignoring ?format=dash: the .m3u8 URL is always HLS",
				      "profile \"Efficiency\" sets fMP4: HLS v7 with EXT-X-MAP"}},
		ContainerReasonCase {
			{"mpegts_profile_hls", K::Negotiated, "", "", &kApple, &kMpegTs, F::HlsTs},
			{"client \"apple\" prefers HLS",
			 "profile \"Legacy\" sets MPEG-TS: HLS v3"}},
		ContainerReasonCase {
			{"fmp4_profile_negotiated_ts", K::Negotiated, "", "", &kVlc, &kEfficiency,
			 F::HlsFmp4},
			{"client \"vlc\" prefers continuous MPEG-TS",
			 "profile \"Efficiency\" sets fMP4: HLS fMP4 instead of continuous TS"}},
		ContainerReasonCase {
			{"unknown_format", K::Negotiated, "flv", "", &kDashy, &kUniversal, F::Dash},
			{"ignoring ?format=flv (hls, dash, ts, mpegts, fmp4 are understood)",
			 "client \"dash-tv\" prefers DASH", "DASH is served as fMP4"}},
		ContainerReasonCase {
			{"accept_dash", K::Negotiated, "", "application/dash+xml", &kUnknown,
			 &kUniversal, F::Dash},
			{"Accept: application/dash+xml asks for DASH", "DASH is served as fMP4"}},
		ContainerReasonCase {{"accept_hls", K::Negotiated, "",
				      "application/vnd.apple.mpegurl", &kUnknown, &kUniversal,
				      F::HlsFmp4},
				     {"Accept: application/vnd.apple.mpegurl asks for HLS",
				      "HLS is served as fMP4: HLS v7 with EXT-X-MAP"}},
		ContainerReasonCase {
			{"format_fmp4_negotiated", K::Negotiated, "cmaf", "", &kUnknown,
			 &kUniversal, F::HlsFmp4},
			{"?format=cmaf asks for fMP4, which is served as HLS",
			 "?format=cmaf asks for fMP4 segments: HLS v7 with EXT-X-MAP"}}));

TEST(ContainerTree, ReasonsNameTheClientByItsUserAgent)
{
	ClientRequest request;
	request.userAgent = "VLC/3.0.18 LibVLC/3.0.18";
	request.client = kVlc;
	EXPECT_EQ(determineContainer(kUniversal, request).reasons,
		  (Reasons {"the client is \"vlc\" (User-Agent \"VLC/3.0.18 LibVLC/3.0.18\")",
			    "client \"vlc\" prefers continuous MPEG-TS"}));

	request.userAgent = std::string(1000, 'x');
	request.client = kUnknown;
	EXPECT_EQ(determineContainer(kUniversal, request).reasons.size(), 2u);
	request.client = kApple;
	EXPECT_EQ(determineContainer(kUniversal, request).reasons[0],
		  "the client is \"apple\" (User-Agent \"" + std::string(200, 'x') + "\")");
}

TEST(ContainerTree, ErrorMessage)
{
	ClientRequest request;
	request.kind = RequestKind::Ts;
	ContainerDecision d = determineContainer(kAutoOpus, request);
	ASSERT_FALSE(d.ok());
	EXPECT_EQ(d.error->message,
		  "profile \"Opus\" encodes opus audio, which MPEG-TS cannot "
		  "carry; use the channel's .m3u8 or .mpd URL");
}

/* ---- Delivery tree ---- */

SourceInfo makeSource(SourceType type, const char *container, const char *video, const char *audio,
		      uint32_t height = 1080, uint32_t bitrate = 8000)
{
	SourceInfo s;
	s.type = type;
	s.container = container;
	s.videoCodec = video;
	s.audioCodec = audio;
	s.height = height;
	s.videoBitrateKbps = bitrate;
	return s;
}

const SourceInfo kTsH264Aac = makeSource(SourceType::MpegTs, "mpegts", "h264", "aac");
const SourceInfo kTsH264Aac720 = makeSource(SourceType::MpegTs, "mpegts", "h264", "aac", 720);
const SourceInfo kTsH265Aac = makeSource(SourceType::MpegTs, "mpegts", "h265", "aac");
const SourceInfo kTsH265Ac3 = makeSource(SourceType::MpegTs, "mpegts", "h265", "ac3");
const SourceInfo kTsH264Ac3 = makeSource(SourceType::MpegTs, "mpegts", "h264", "ac3");
const SourceInfo kTsH264Mp3 = makeSource(SourceType::MpegTs, "mpegts", "h264", "mp3");
const SourceInfo kTsDvb = makeSource(SourceType::MpegTs, "mpegts", "mpeg2video", "mp2", 576);
const SourceInfo kTsUnknownSize = makeSource(SourceType::MpegTs, "mpegts", "h264", "aac", 0, 0);
const SourceInfo kTsRadio = makeSource(SourceType::MpegTs, "mpegts", "", "aac", 0, 0);
const SourceInfo kHlsTs = makeSource(SourceType::Hls, "mpegts", "h264", "aac");
const SourceInfo kHlsFmp4 = makeSource(SourceType::Hls, "mp4", "h264", "aac");
const SourceInfo kDashVp9Opus = makeSource(SourceType::Dash, "mp4", "vp9", "opus");
const SourceInfo kDashAv1 = makeSource(SourceType::Dash, "mp4", "av1", "aac");
const SourceInfo kHttpMp4 = makeSource(SourceType::MpegTs, "mp4", "h264", "aac");
const SourceInfo kFileMkv = makeSource(SourceType::File, "matroska", "h264", "aac");
const SourceInfo kTest = makeSource(SourceType::Test, "", "h264", "aac", 720, 0);
const SourceInfo kUnknownType = makeSource(SourceType::Unknown, "", "HEVC", "aac");
const SourceInfo kHlsAvcNoContainer = makeSource(SourceType::Hls, "", "avc", "aac");
const SourceInfo kDashVp9Mp3 = makeSource(SourceType::Dash, "mp4", "vp9", "mp3");

ClientFormat makeFormat(DeliveryFormat format, const ClientRule &client)
{
	return ClientFormat {format, client.videoCodecs, client.audioCodecs, client.name};
}

const ClientRule kChrome = makeClient("chrome", PreferredFormat::Auto, false,
				      {"h264", "vp9", "av1"}, {"aac", "opus", "mp3", "flac"});
const ClientRule kFirefox = makeClient("firefox", PreferredFormat::Auto, false,
				       {"h264", "vp9", "av1"}, {"aac", "opus", "mp3", "flac"});
const ClientRule kAacOnlyVp9Only
	= makeClient("odd", PreferredFormat::Auto, false, {"vp9"}, {"flac"});

Profile withCaps(Profile p, const char *name, uint32_t maxHeight, uint32_t bitrate)
{
	p.name = name;
	p.maxHeight = maxHeight;
	p.videoBitrateKbps = bitrate;
	return p;
}

const Profile kCopy720 = withCaps(kPassthrough, "Copy 720p", 720, 0);
/* Copy codecs with a cap no source reaches: it may transcode (to fit), Passthrough may not. */
const Profile kCopyToFit = withCaps(kPassthrough, "Copy to fit", 4320, 0);
const Profile kH264At3000 = withCaps(kUniversal, "H264 3M", 0, 3000);
const Profile kH264At10000 = withCaps(kUniversal, "H264 10M", 0, 10000);
const Profile kAv1Opus = makeProfile("AV1", VideoCodec::AV1, AudioCodec::Opus);
const Profile kCopyVideoAac = makeProfile("Copy video", VideoCodec::Copy, AudioCodec::AAC);

struct DeliveryCase {
	const char *label;
	const SourceInfo *source;
	ClientFormat client;
	const Profile *profile;
	/* expected */
	DeliveryMode mode;
	VideoCodec video = VideoCodec::Copy; /* Copy = not transcoded */
	AudioCodec audio = AudioCodec::Copy;
};

void PrintTo(const DeliveryCase &c, std::ostream *os)
{
	*os << c.label;
}

class DeliveryTree : public testing::TestWithParam<DeliveryCase>
{
};

TEST_P(DeliveryTree, Decides)
{
	const DeliveryCase &c = GetParam();
	DeliveryDecision d = selectDelivery(*c.source, c.client, *c.profile);
	EXPECT_EQ(toString(d.mode), toString(c.mode));
	EXPECT_EQ(toString(d.videoCodec), toString(c.video));
	EXPECT_EQ(toString(d.audioCodec), toString(c.audio));
	EXPECT_EQ(d.transcodeVideo, c.video != VideoCodec::Copy);
	EXPECT_EQ(d.transcodeAudio, c.audio != AudioCodec::Copy);
	EXPECT_FALSE(d.reasons.empty());
	EXPECT_EQ(d.mode == DeliveryMode::Transcode, d.transcodeVideo || d.transcodeAudio);
}

using M = DeliveryMode;
using V = VideoCodec;
using A = AudioCodec;

const ClientFormat kTsAny = makeFormat(F::TsContinuous, kUnknown);
const ClientFormat kTsLegacy = makeFormat(F::TsContinuous, kLegacy);
const ClientFormat kHlsTsAny = makeFormat(F::HlsTs, kUnknown);
const ClientFormat kHlsAny = makeFormat(F::HlsFmp4, kUnknown);
const ClientFormat kHlsApple = makeFormat(F::HlsFmp4, kApple);
const ClientFormat kHlsChrome = makeFormat(F::HlsFmp4, kChrome);
const ClientFormat kDashAny = makeFormat(F::Dash, kUnknown);
const ClientFormat kDashFirefox = makeFormat(F::Dash, kFirefox);
const ClientFormat kHlsOdd = makeFormat(F::HlsFmp4, kAacOnlyVp9Only);
const ClientFormat kTsOdd = makeFormat(F::TsContinuous, kAacOnlyVp9Only);

INSTANTIATE_TEST_SUITE_P(
	Passthrough, DeliveryTree,
	testing::Values(
		DeliveryCase {"ts_to_ts_copy", &kTsH264Aac, kTsAny, &kPassthrough, M::Passthrough},
		DeliveryCase {"ts_to_ts_same_codecs", &kTsH264Aac, kTsAny, &kUniversal,
			      M::Passthrough},
		DeliveryCase {"dvb_to_legacy", &kTsDvb, kTsLegacy, &kPassthrough, M::Passthrough},
		DeliveryCase {"within_caps", &kTsH264Aac720, kTsAny, &kCopy720, M::Passthrough},
		DeliveryCase {"bitrate_below_cap", &kTsH264Aac, kTsAny, &kH264At10000,
			      M::Passthrough},
		DeliveryCase {"radio", &kTsRadio, kTsAny, &kUniversal, M::Passthrough},
		DeliveryCase {"efficiency_h265_source", &kTsH265Aac, kTsAny, &kEfficiency,
			      M::Passthrough}));

INSTANTIATE_TEST_SUITE_P(
	Repackage, DeliveryTree,
	testing::Values(
		DeliveryCase {"ts_to_hls_fmp4", &kTsH264Aac, kHlsAny, &kUniversal, M::Repackage},
		DeliveryCase {"ts_to_hls_ts", &kTsH264Aac, kHlsTsAny, &kUniversal, M::Repackage},
		DeliveryCase {"ts_to_dash", &kTsH265Aac, kDashAny, &kPassthrough, M::Repackage},
		DeliveryCase {"hls_ts_to_ts", &kHlsTs, kTsAny, &kUniversal, M::Repackage},
		DeliveryCase {"hls_fmp4_to_hls_fmp4", &kHlsFmp4, kHlsAny, &kUniversal,
			      M::Repackage},
		DeliveryCase {"dash_vp9_opus_to_dash", &kDashVp9Opus, kDashAny, &kPassthrough,
			      M::Repackage},
		DeliveryCase {"dash_vp9_opus_to_chrome", &kDashVp9Opus, kHlsChrome, &kPassthrough,
			      M::Repackage},
		DeliveryCase {"http_mp4_to_ts", &kHttpMp4, kTsAny, &kUniversal, M::Repackage},
		DeliveryCase {"file_to_hls", &kFileMkv, kHlsAny, &kUniversal, M::Repackage},
		DeliveryCase {"test_to_ts", &kTest, kTsAny, &kUniversal, M::Repackage},
		DeliveryCase {"unknown_type_hevc_alias", &kUnknownType, kHlsApple, &kPassthrough,
			      M::Repackage},
		DeliveryCase {"efficiency_to_firefox_keeps_h264", &kHlsFmp4, kDashFirefox,
			      &kEfficiency, M::Repackage},
		DeliveryCase {"ts_ac3_to_hls_ts", &kTsH264Ac3, kHlsTsAny, &kPassthrough,
			      M::Repackage},
		DeliveryCase {"avc_alias_hls_without_container", &kHlsAvcNoContainer, kTsAny,
			      &kUniversal, M::Repackage}));

INSTANTIATE_TEST_SUITE_P(
	TranscodeForProfile, DeliveryTree,
	testing::Values(DeliveryCase {"video_codec", &kTsH265Aac, kTsAny, &kUniversal, M::Transcode,
				      V::H264},
			DeliveryCase {"audio_codec", &kTsH264Mp3, kTsAny, &kUniversal, M::Transcode,
				      V::Copy, A::AAC},
			DeliveryCase {"both_codecs", &kTsH265Ac3, kTsAny, &kUniversal, M::Transcode,
				      V::H264, A::AAC},
			DeliveryCase {"max_height_keeps_codec", &kTsH265Aac, kTsAny, &kCopy720,
				      M::Transcode, V::H265},
			DeliveryCase {"max_height_unknown_height", &kTsUnknownSize, kTsAny,
				      &kCopy720, M::Transcode, V::H264},
			DeliveryCase {"bitrate_cap", &kTsH264Aac, kTsAny, &kH264At3000,
				      M::Transcode, V::H264},
			DeliveryCase {"bitrate_unknown", &kTsUnknownSize, kTsAny, &kH264At3000,
				      M::Transcode, V::H264},
			DeliveryCase {"profile_video_plus_misfit_audio", &kTsH265Ac3, kHlsAny,
				      &kEfficiency, M::Transcode, V::Copy, A::AAC},
			DeliveryCase {"video_by_profile_audio_misfit", &kTsH265Ac3, kHlsAny,
				      &kCopy720, M::Transcode, V::H265, A::AAC},
			DeliveryCase {"av1_opus_profile", &kTsH264Aac, kDashAny, &kAv1Opus,
				      M::Transcode, V::AV1, A::Opus},
			DeliveryCase {"av1_opus_profile_to_apple_gives_way", &kTsDvb, kHlsApple,
				      &kAv1Opus, M::Transcode, V::H264, A::AAC},
			DeliveryCase {"efficiency_to_firefox_from_mpeg2", &kTsDvb, kDashFirefox,
				      &kEfficiency, M::Transcode, V::H264, A::AAC},
			DeliveryCase {"audio_by_profile_video_misfit", &kDashVp9Mp3, kTsAny,
				      &kCopyVideoAac, M::Transcode, V::H264, A::AAC}));

INSTANTIATE_TEST_SUITE_P(
	TranscodeToFit, DeliveryTree,
	testing::Values(DeliveryCase {"ac3_into_fmp4", &kTsH264Ac3, kHlsAny, &kCopyToFit,
				      M::Transcode, V::Copy, A::AAC},
			DeliveryCase {"mp2_into_fmp4", &kTsDvb, kDashAny, &kCopyToFit, M::Transcode,
				      V::H264, A::AAC},
			DeliveryCase {"h265_to_h264_only_ts_client", &kTsH265Aac, kTsLegacy,
				      &kCopyToFit, M::Transcode, V::H264},
			DeliveryCase {"vp9_into_ts", &kDashVp9Opus, kTsAny, &kCopyToFit,
				      M::Transcode, V::H264, A::AAC},
			DeliveryCase {"vp9_opus_to_apple", &kDashVp9Opus, kHlsApple, &kCopyToFit,
				      M::Transcode, V::H264, A::AAC},
			DeliveryCase {"av1_to_apple_universal", &kDashAv1, kHlsApple, &kUniversal,
				      M::Transcode, V::H264},
			DeliveryCase {"h265_to_chrome", &kHlsFmp4, kHlsChrome, &kCopyToFit,
				      M::Repackage},
			DeliveryCase {"h265_source_to_chrome", &kTsH265Aac, kHlsChrome, &kCopyToFit,
				      M::Transcode, V::H264},
			DeliveryCase {"nothing_fits_vp9_only_client_in_ts", &kTsH264Aac, kTsOdd,
				      &kCopyToFit, M::Transcode, V::H264, A::AAC},
			DeliveryCase {"vp9_only_client_in_fmp4", &kTsH264Aac, kHlsOdd, &kCopyToFit,
				      M::Transcode, V::VP9, A::AAC}));

/* Reasons, word for word. */
struct DeliveryReasonCase {
	DeliveryCase decision;
	Reasons reasons;
};

void PrintTo(const DeliveryReasonCase &c, std::ostream *os)
{
	*os << c.decision.label;
}

class DeliveryReasons : public testing::TestWithParam<DeliveryReasonCase>
{
};

TEST_P(DeliveryReasons, Explain)
{
	const DeliveryCase &c = GetParam().decision;
	DeliveryDecision d = selectDelivery(*c.source, c.client, *c.profile);
	EXPECT_EQ(d.mode, c.mode);
	EXPECT_EQ(d.reasons, GetParam().reasons);
}

INSTANTIATE_TEST_SUITE_P(
	Spec, DeliveryReasons,
	testing::Values(
		DeliveryReasonCase {
			{"passthrough", &kTsH264Aac, kTsAny, &kPassthrough, M::Passthrough},
			{"profile \"Passthrough\" needs no re-encode of this source",
			 "the source is continuous MPEG-TS, as the client asked: passthrough"}},
		DeliveryReasonCase {
			{"repackage", &kTsH264Aac, makeFormat(F::HlsFmp4, kApple), &kUniversal,
			 M::Repackage},
			{"profile \"Universal\" needs no re-encode of this source",
			 "the source is continuous MPEG-TS; client \"apple\" gets HLS with fMP4 "
			 "segments: repackage, no re-encode"}},
		DeliveryReasonCase {{"repackage_hls", &kHlsTs, kTsAny, &kUniversal, M::Repackage},
				    {"profile \"Universal\" needs no re-encode of this source",
				     "the source is HLS with MPEG-TS segments; the client gets "
				     "continuous MPEG-TS: "
				     "repackage, no re-encode"}},
		DeliveryReasonCase {
			{"profile_video", &kTsH265Aac, kTsAny, &kUniversal, M::Transcode},
			{"profile \"Universal\" wants h264 video; the source's is h265",
			 "transcode: video h265 -> h264, audio aac copied"}},
		DeliveryReasonCase {
			{"profile_caps", &kTsH264Aac, kTsAny, &kCopy720, M::Transcode},
			{"profile \"Copy 720p\" caps the height at 720 lines; the source has 1080",
			 "transcode: video h264 -> h264, audio aac copied"}},
		DeliveryReasonCase {
			{"bitrate_unknown", &kTsUnknownSize, kTsAny, &kH264At3000, M::Transcode},
			{"profile \"H264 3M\" caps video at 3000 kbit/s and the source's bitrate "
			 "is "
			 "not known",
			 "transcode: video h264 -> h264, audio aac copied"}},
		DeliveryReasonCase {
			{"bitrate_cap", &kTsH264Aac, kTsAny, &kH264At3000, M::Transcode},
			{"profile \"H264 3M\" caps video at 3000 kbit/s; the source's is 8000 "
			 "kbit/s",
			 "transcode: video h264 -> h264, audio aac copied"}},
		DeliveryReasonCase {
			{"height_unknown", &kTsUnknownSize, kTsAny, &kCopy720, M::Transcode},
			{"profile \"Copy 720p\" caps the height at 720 lines and the source's "
			 "height "
			 "is not known",
			 "transcode: video h264 -> h264, audio aac copied"}},
		DeliveryReasonCase {
			{"ac3_into_fmp4", &kTsH264Ac3, kHlsAny, &kCopyToFit, M::Transcode},
			{"profile \"Copy to fit\" needs no re-encode of this source",
			 "fMP4 cannot carry ac3 audio (AC-3 and MPEG audio in CMAF are not widely "
			 "playable)",
			 "transcode: video h264 copied, audio ac3 -> aac"}},
		DeliveryReasonCase {
			{"client_cannot_decode", &kTsH265Aac, kTsLegacy, &kCopyToFit, M::Transcode},
			{"profile \"Copy to fit\" needs no re-encode of this source",
			 "client \"legacy-stb\" does not decode h265 video",
			 "client \"legacy-stb\" does not decode h265 video: h264 instead",
			 "transcode: video h265 -> h264, audio aac copied"}},
		DeliveryReasonCase {
			{"vp9_into_ts", &kDashVp9Opus, kTsAny, &kCopyToFit, M::Transcode},
			{"profile \"Copy to fit\" needs no re-encode of this source",
			 "MPEG-TS cannot carry vp9 video", "MPEG-TS cannot carry opus audio",
			 "MPEG-TS cannot carry vp9 video: h264 instead",
			 "MPEG-TS cannot carry opus audio: aac instead",
			 "transcode: video vp9 -> h264, audio opus -> aac"}},
		DeliveryReasonCase {
			{"profile_codec_gives_way", &kHlsFmp4, kDashFirefox, &kEfficiency,
			 M::Repackage},
			{"client \"firefox\" does not decode h265 video: h264 instead",
			 "profile \"Efficiency\" needs no re-encode of this source",
			 "the source is HLS with fMP4 segments; client \"firefox\" gets DASH: "
			 "repackage, no re-encode"}},
		DeliveryReasonCase {{"profile_codec_gives_way_and_transcodes", &kTsDvb,
				     kDashFirefox, &kEfficiency, M::Transcode},
				    {"client \"firefox\" does not decode h265 video: h264 instead",
				     "profile \"Efficiency\" wants h265 (h264 for this client) "
				     "video; the source's "
				     "is mpeg2video",
				     "profile \"Efficiency\" wants aac audio; the source's is mp2",
				     "transcode: video mpeg2video -> h264, audio mp2 -> aac"}},
		DeliveryReasonCase {
			{"nothing_fits", &kTsH264Aac, kTsOdd, &kCopyToFit, M::Transcode},
			{"profile \"Copy to fit\" needs no re-encode of this source",
			 "client \"odd\" does not decode h264 video",
			 "client \"odd\" does not decode aac audio",
			 "no video codec Sluice encodes suits both MPEG-TS and client \"odd\": "
			 "h264",
			 "no audio codec Sluice encodes suits both MPEG-TS and client \"odd\": aac",
			 "transcode: video h264 -> h264, audio aac -> aac"}},
		DeliveryReasonCase {
			{"hls_source_without_container", &kHlsAvcNoContainer, kTsAny, &kUniversal,
			 M::Repackage},
			{"profile \"Universal\" needs no re-encode of this source",
			 "the source is HLS; the client gets continuous MPEG-TS: repackage, no "
			 "re-encode"}},
		DeliveryReasonCase {{"audio_by_profile_video_misfit", &kDashVp9Mp3, kTsAny,
				     &kCopyVideoAac, M::Transcode},
				    {"profile \"Copy video\" wants aac audio; the source's is mp3",
				     "MPEG-TS cannot carry vp9 video",
				     "MPEG-TS cannot carry vp9 video: h264 instead",
				     "transcode: video vp9 -> h264, audio mp3 -> aac"}},
		DeliveryReasonCase {
			{"profile_audio_only", &kTsH264Mp3, kTsAny, &kUniversal, M::Transcode},
			{"profile \"Universal\" wants aac audio; the source's is mp3",
			 "transcode: video h264 copied, audio mp3 -> aac"}}));

TEST(DeliveryTree, AudioOnlyAndVideoOnlySummaries)
{
	SourceInfo audioOnly = makeSource(SourceType::MpegTs, "mpegts", "", "mp3", 0, 0);
	DeliveryDecision d = selectDelivery(audioOnly, kTsAny, kUniversal);
	EXPECT_EQ(d.mode, DeliveryMode::Transcode);
	EXPECT_FALSE(d.transcodeVideo);
	EXPECT_EQ(d.videoCodec, VideoCodec::Copy);
	EXPECT_EQ(d.reasons.back(), "transcode: audio mp3 -> aac");

	SourceInfo videoOnly = makeSource(SourceType::MpegTs, "mpegts", "h265", "", 1080, 0);
	d = selectDelivery(videoOnly, kTsAny, kUniversal);
	EXPECT_EQ(d.mode, DeliveryMode::Transcode);
	EXPECT_FALSE(d.transcodeAudio);
	EXPECT_EQ(d.reasons.back(), "transcode: video h265 -> h264");
}

/* The two trees together, as the stream endpoint runs them. */
TEST(Together, LegacyBoxGetsTsFromAnHlsSource)
{
	ClientRequest request;
	request.kind = requestKindFromPath("/live/home/news");
	request.client = kLegacy;
	ContainerDecision container = determineContainer(kUniversal, request);
	ASSERT_TRUE(container.ok());
	EXPECT_EQ(container.client.format, DeliveryFormat::TsContinuous);

	DeliveryDecision delivery = selectDelivery(kHlsTs, container.client, kUniversal);
	EXPECT_EQ(delivery.mode, DeliveryMode::Repackage);

	SourceInfo hevc = makeSource(SourceType::Hls, "mpegts", "h265", "ac3");
	delivery = selectDelivery(hevc, container.client, kCopyToFit);
	EXPECT_EQ(delivery.mode, DeliveryMode::Transcode);
	EXPECT_EQ(delivery.videoCodec, VideoCodec::H264);
	EXPECT_FALSE(delivery.transcodeAudio);
	EXPECT_FALSE(delivery.error);
}

TEST(Together, BrowserGetsFmp4AndTheSourceIsRepackaged)
{
	ClientRequest request;
	request.kind = requestKindFromPath("/live/home/news.m3u8");
	request.client = kChrome;
	ContainerDecision container = determineContainer(kUniversal, request);
	ASSERT_TRUE(container.ok());
	EXPECT_EQ(container.client.format, DeliveryFormat::HlsFmp4);
	DeliveryDecision delivery = selectDelivery(kTsH264Aac, container.client, kUniversal);
	EXPECT_EQ(delivery.mode, DeliveryMode::Repackage);
}

} /* namespace */

/* Passthrough (copy, copy, no cap) never transcodes: what would need it is refused, by name. */
struct ForbiddenCase {
	const char *label;
	const SourceInfo *source;
	ClientFormat client;
	const char *message;
};

void PrintTo(const ForbiddenCase &c, std::ostream *os)
{
	*os << c.label;
}

class TranscodeForbidden : public testing::TestWithParam<ForbiddenCase>
{
};

TEST_P(TranscodeForbidden, IsRefusedWithTheConflict)
{
	const ForbiddenCase &c = GetParam();
	DeliveryDecision d = selectDelivery(*c.source, c.client, kPassthrough);
	ASSERT_TRUE(d.error);
	EXPECT_EQ(d.error->code, "transcode_forbidden");
	EXPECT_EQ(d.error->httpStatus, 406);
	EXPECT_EQ(d.error->message, c.message);
	EXPECT_EQ(d.reasons.back(), c.message);
	EXPECT_FALSE(d.transcodeVideo || d.transcodeAudio);
}

INSTANTIATE_TEST_SUITE_P(
	Passthrough, TranscodeForbidden,
	testing::Values(
		ForbiddenCase {
			"vp9_opus_into_ts", &kDashVp9Opus, kTsAny,
			"profile \"Passthrough\" copies the source's streams and never "
			"transcodes, but MPEG-TS cannot carry vp9 video; MPEG-TS cannot carry "
			"opus audio: play the channel's .m3u8 or .mpd URL (fMP4), or give the "
			"proxy a profile that transcodes (Universal)"},
		ForbiddenCase {"av1_into_hls_ts", &kDashAv1, kHlsTsAny,
			       "profile \"Passthrough\" copies the source's streams and never "
			       "transcodes, but MPEG-TS cannot carry av1 video: play the channel's "
			       ".m3u8 or .mpd URL (fMP4), or give the proxy a profile that "
			       "transcodes (Universal)"},
		ForbiddenCase {
			"ac3_into_fmp4", &kTsH264Ac3, kHlsAny,
			"profile \"Passthrough\" copies the source's streams and never "
			"transcodes, but fMP4 cannot carry ac3 audio (AC-3 and MPEG audio in "
			"CMAF are not widely playable): give the proxy a profile that "
			"transcodes (Universal)"},
		ForbiddenCase {"h265_to_chrome", &kTsH265Aac, kHlsChrome,
			       "profile \"Passthrough\" copies the source's streams and never "
			       "transcodes, but client \"chrome\" does not decode h265 video: give "
			       "the proxy a profile that transcodes (Universal)"}));

TEST(TranscodeForbidden, WhatFitsIsStillServed)
{
	EXPECT_FALSE(selectDelivery(kDashVp9Opus, kDashAny, kPassthrough).error);
	EXPECT_FALSE(selectDelivery(kTsH264Aac, kTsAny, kPassthrough).error);
	/* A cap, or a codec, lets a profile transcode to fit. */
	EXPECT_FALSE(selectDelivery(kDashVp9Opus, kTsAny, kCopyToFit).error);
	EXPECT_FALSE(selectDelivery(kDashVp9Opus, kTsAny, kCopyVideoAac).error);
	EXPECT_TRUE(forbidsTranscode(kPassthrough));
	EXPECT_FALSE(forbidsTranscode(kCopyToFit));
	EXPECT_FALSE(forbidsTranscode(kCopyVideoAac));
	EXPECT_FALSE(forbidsTranscode(kUniversal));
}

/* A negotiated URL: a profile that never transcodes picks fMP4 for a VP9 source over a
 * preference for TS, but not over what the request itself asks for. */
TEST(Together, PassthroughOfAVp9SourcePicksFmp4ForATsPreferringPlayer)
{
	ClientRequest request;
	request.kind = RequestKind::Negotiated;
	request.client = makeClient("vlc", PreferredFormat::Ts, false, {}, {});
	EXPECT_EQ(determineContainer(kPassthrough, request).client.format,
		  DeliveryFormat::TsContinuous);
	ContainerDecision decided = determineContainer(kPassthrough, request, &kDashVp9Opus);
	ASSERT_TRUE(decided.ok());
	EXPECT_EQ(decided.client.format, DeliveryFormat::HlsFmp4);
	EXPECT_EQ(decided.reasons.back(),
		  "profile \"Passthrough\" never transcodes and MPEG-TS cannot carry the "
		  "source's vp9 video: HLS fMP4 instead of continuous TS");
	EXPECT_FALSE(selectDelivery(kDashVp9Opus, decided.client, kPassthrough).error);

	/* Universal transcodes to H.264 + AAC for it: TS stays. */
	EXPECT_EQ(determineContainer(kUniversal, request, &kDashVp9Opus).client.format,
		  DeliveryFormat::TsContinuous);
	/* An H.264 source fits TS. */
	EXPECT_EQ(determineContainer(kPassthrough, request, &kTsH264Aac).client.format,
		  DeliveryFormat::TsContinuous);

	/* ?format=ts, a TS-only box and the .ts URL keep TS; the delivery refuses it. */
	ClientRequest asked = request;
	asked.format = "ts";
	EXPECT_EQ(determineContainer(kPassthrough, asked, &kDashVp9Opus).client.format,
		  DeliveryFormat::TsContinuous);
	ClientRequest box = request;
	box.client = kLegacy;
	EXPECT_EQ(determineContainer(kPassthrough, box, &kDashVp9Opus).client.format,
		  DeliveryFormat::TsContinuous);
	ClientRequest ts = request;
	ts.kind = RequestKind::Ts;
	ContainerDecision tsUrl = determineContainer(kPassthrough, ts, &kDashVp9Opus);
	EXPECT_EQ(tsUrl.client.format, DeliveryFormat::TsContinuous);
	EXPECT_TRUE(selectDelivery(kDashVp9Opus, tsUrl.client, kPassthrough).error);
}
