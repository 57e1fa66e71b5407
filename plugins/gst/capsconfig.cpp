/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Translates negotiated caps into the media core's TrackConfig.
 */

#include "capsconfig.h"

#include <cstring>

#include <gst/video/video.h>

#include "codecs.h"

namespace sluice {

namespace {

std::vector<uint8_t> bufferBytes(const GValue *value)
{
	if (!value || !GST_VALUE_HOLDS_BUFFER(value))
		return {};
	GstBuffer *buffer = gst_value_get_buffer(value);
	GstMapInfo map;
	if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
		return {};
	std::vector<uint8_t> bytes(map.data, map.data + map.size);
	gst_buffer_unmap(buffer, &map);
	return bytes;
}

void readVideoGeometry(const GstStructure *s, TrackConfig &track)
{
	int width = 0, height = 0, num = 0, den = 1;
	if (gst_structure_get_int(s, "width", &width) && width > 0)
		track.width = width;
	if (gst_structure_get_int(s, "height", &height) && height > 0)
		track.height = height;
	if (gst_structure_get_fraction(s, "framerate", &num, &den) && num > 0 && den > 0)
		track.frameRate = {static_cast<uint32_t>(num), static_cast<uint32_t>(den)};
	if (gst_structure_get_fraction(s, "pixel-aspect-ratio", &num, &den) && num > 0 && den > 0)
		track.pixelAspect = {static_cast<uint32_t>(num), static_cast<uint32_t>(den)};
}

void readVp9(const GstStructure *s, TrackConfig &track)
{
	const char *profile = gst_structure_get_string(s, "profile");
	if (profile && profile[0] >= '0' && profile[0] <= '3' && profile[1] == '\0')
		track.vp9Profile = profile[0] - '0';

	guint depth = 0;
	if (gst_structure_get_uint(s, "bit-depth-luma", &depth)
	    && (depth == 8 || depth == 10 || depth == 12))
		track.bitDepth = depth;
	else
		track.bitDepth = track.vp9Profile >= 2 ? 10 : 8;

	const char *chroma = gst_structure_get_string(s, "chroma-format");
	if (chroma && !strcmp(chroma, "4:2:2"))
		track.chromaSubsampling = 2;
	else if (chroma && !strcmp(chroma, "4:4:4"))
		track.chromaSubsampling = 3;
	else
		track.chromaSubsampling = 1;

	const char *colorimetry = gst_structure_get_string(s, "colorimetry");
	GstVideoColorimetry cinfo;
	if (colorimetry && gst_video_colorimetry_from_string(&cinfo, colorimetry)) {
		track.fullRange = cinfo.range == GST_VIDEO_COLOR_RANGE_0_255;
		if (cinfo.primaries != GST_VIDEO_COLOR_PRIMARIES_UNKNOWN)
			track.colourPrimaries = gst_video_color_primaries_to_iso(cinfo.primaries);
		if (cinfo.transfer != GST_VIDEO_TRANSFER_UNKNOWN)
			track.transferCharacteristics
				= gst_video_transfer_function_to_iso(cinfo.transfer);
		if (cinfo.matrix != GST_VIDEO_COLOR_MATRIX_UNKNOWN)
			track.matrixCoefficients = gst_video_color_matrix_to_iso(cinfo.matrix);
	}
}

bool readAudioFormat(const GstStructure *s, TrackConfig &track, std::string &error)
{
	int rate = 0, channels = 0;
	if (!gst_structure_get_int(s, "rate", &rate) || rate <= 0) {
		error = "audio caps have no sample rate";
		return false;
	}
	if (!gst_structure_get_int(s, "channels", &channels) || channels <= 0) {
		error = "audio caps have no channel count";
		return false;
	}
	track.sampleRate = rate;
	track.channels = channels;
	track.timescale = rate;
	return true;
}

} /* namespace */

bool capsToConfig(const GstCaps *caps, CapsConfig &out, std::string &error)
{
	if (!caps || gst_caps_get_size(caps) != 1 || !gst_caps_is_fixed(caps)) {
		error = "caps are not fixed";
		return false;
	}

	const GstStructure *s = gst_caps_get_structure(caps, 0);
	const char *name = gst_structure_get_name(s);
	const char *format = gst_structure_get_string(s, "stream-format");
	const GValue *codecData = gst_structure_get_value(s, "codec_data");

	out = CapsConfig {};
	TrackConfig &track = out.track;

	if (!strcmp(name, "video/x-h264") || !strcmp(name, "video/x-h265")) {
		bool h264 = !strcmp(name, "video/x-h264");
		track.codec = h264 ? Codec::H264 : Codec::H265;
		readVideoGeometry(s, track);
		if (format && !strcmp(format, "byte-stream")) {
			out.framing = Framing::AnnexB;
			out.configFromStream = true;
		} else {
			track.codecPrivate = bufferBytes(codecData);
			if (track.codecPrivate.empty()) {
				error = std::string(h264 ? "H.264" : "H.265")
					+ " stream-format=" + (format ? format : "(none)")
					+ " without codec_data: put a parser (h264parse/h265parse) "
					  "upstream";
				return false;
			}
		}
	} else if (!strcmp(name, "video/x-av1")) {
		track.codec = Codec::AV1;
		readVideoGeometry(s, track);
		track.codecPrivate = bufferBytes(codecData);
		out.configFromStream = track.codecPrivate.empty();
	} else if (!strcmp(name, "video/x-vp9")) {
		track.codec = Codec::VP9;
		readVideoGeometry(s, track);
		readVp9(s, track);
		if (!track.width || !track.height) {
			error = "VP9 caps have no width/height: put vp9parse upstream";
			return false;
		}
	} else if (!strcmp(name, "audio/mpeg")) {
		track.codec = Codec::AAC;
		if (!readAudioFormat(s, track, error))
			return false;
		track.codecPrivate = bufferBytes(codecData);
		if (track.codecPrivate.empty() || !parseAudioSpecificConfig(track.codecPrivate)) {
			error = "AAC caps carry no valid codec_data (AudioSpecificConfig): "
				"put aacparse upstream to turn ADTS into raw AAC";
			return false;
		}
	} else if (!strcmp(name, "audio/x-opus")) {
		track.codec = Codec::Opus;
		if (!readAudioFormat(s, track, error))
			return false;
		/* Opus in ISOBMFF always runs on a 48 kHz clock, whatever the input rate was. */
		track.timescale = 48000;
		const GValue *headers = gst_structure_get_value(s, "streamheader");
		if (headers && GST_VALUE_HOLDS_ARRAY(headers)
		    && gst_value_array_get_size(headers) > 0)
			track.codecPrivate = bufferBytes(gst_value_array_get_value(headers, 0));
		if (track.codecPrivate.empty()) {
			int family = 0;
			gst_structure_get_int(s, "channel-mapping-family", &family);
			if (family != 0 || track.channels > 2) {
				error = "Opus with channel mapping family " + std::to_string(family)
					+ " needs an OpusHead in the caps' streamheader: put "
					  "opusparse "
					  "upstream";
				return false;
			}
			track.codecPrivate = makeOpusHead(track.channels, 312, track.sampleRate);
		}
		if (!parseOpusHead(track.codecPrivate)) {
			error = "Opus caps carry an invalid OpusHead";
			return false;
		}
		track.sampleRate = 48000;
	} else {
		error = std::string("unsupported media type ") + name;
		return false;
	}

	if (track.kind() == TrackKind::Video) {
		track.timescale = 90000;
		if ((!track.width || !track.height) && !track.codecPrivate.empty()) {
			if (auto size = videoSizeFromConfig(track)) {
				track.width = size->width;
				track.height = size->height;
			}
		}
	}

	return true;
}

} /* namespace sluice */
