/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Telling what a source is from its first bytes, with the server's word as a tie-breaker.
 */

#include "sniff.h"

#include <array>
#include <string>

namespace sluice {

namespace {

constexpr size_t kTsPacket = 188;
constexpr size_t kM2tsPacket = 192;
/* Three TS sync bytes need this much; a shorter head is not enough to rule anything out. */
constexpr size_t kConclusiveHead = 2 * kTsPacket + 1;

std::string lower(std::string_view s)
{
	std::string out(s);
	for (char &c : out) {
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	}
	return out;
}

bool syncAt(std::span<const uint8_t> head, size_t first, size_t stride, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (head[first + i * stride] != 0x47)
			return false;
	}
	return true;
}

ContainerGuess isoBox(std::span<const uint8_t> head)
{
	if (head.size() < 8)
		return ContainerGuess::Unknown;
	uint32_t size = uint32_t {head[0]} << 24 | uint32_t {head[1]} << 16
		| uint32_t {head[2]} << 8 | head[3];
	/* 0: to the end of the file; 1: a 64-bit size follows; else at least the header. */
	if (size != 0 && size != 1 && size < 8)
		return ContainerGuess::Unknown;
	std::string_view type(reinterpret_cast<const char *>(head.data()) + 4, 4);
	if (type == "ftyp" || type == "moov")
		return ContainerGuess::Mp4;
	if (type == "styp" || type == "moof" || type == "sidx" || type == "emsg" || type == "prft")
		return ContainerGuess::Fmp4Segment;
	return ContainerGuess::Unknown;
}

ContainerGuess binaryMagic(std::span<const uint8_t> head)
{
	if (head.size() >= 2 * kTsPacket + 1 && syncAt(head, 0, kTsPacket, 3))
		return ContainerGuess::MpegTs;
	if (head.size() >= 4 + 2 * kM2tsPacket + 1 && syncAt(head, 4, kM2tsPacket, 3))
		return ContainerGuess::MpegTs;
	if (head.size() >= 4 && head[0] == 0x1a && head[1] == 0x45 && head[2] == 0xdf
	    && head[3] == 0xa3)
		return ContainerGuess::Matroska;
	return isoBox(head);
}

/* A short head that has a sync byte wherever a packet would start. */
bool looksLikeShortTs(std::span<const uint8_t> head)
{
	if (head.empty() || head.size() >= kConclusiveHead)
		return false;
	for (size_t i = 0; i < head.size(); i += kTsPacket) {
		if (head[i] != 0x47)
			return false;
	}
	return true;
}

bool isSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The outcome of an #EXTM3U head; Unknown when it does not tell. */
ContainerGuess classifyM3u(std::string_view text)
{
	bool iptv = false, hlsTag = false, timedEntry = false, liveEntry = false;
	size_t pos = 0;
	while (pos < text.size()) {
		size_t eol = text.find('\n', pos);
		std::string_view line = text.substr(
			pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
		pos = eol == std::string_view::npos ? text.size() : eol + 1;
		if (!line.starts_with("#EXT"))
			continue;
		if (line.find("tvg-") != std::string_view::npos
		    || line.find("group-title=") != std::string_view::npos)
			iptv = true;
		if (line.starts_with("#EXT-X-"))
			hlsTag = true;
		if (line.starts_with("#EXTINF:")) {
			std::string_view value = line.substr(8);
			while (!value.empty() && isSpace(value.front()))
				value.remove_prefix(1);
			bool positive = false;
			size_t i = 0;
			for (; i < value.size()
			     && ((value[i] >= '0' && value[i] <= '9') || value[i] == '.');
			     i++) {
				if (value[i] >= '1' && value[i] <= '9')
					positive = true;
			}
			if (i > 0 && positive)
				timedEntry = true;
			else
				liveEntry = true;
		}
	}
	if (iptv)
		return ContainerGuess::M3uChannelList;
	if (hlsTag || timedEntry)
		return ContainerGuess::HlsPlaylist;
	if (liveEntry)
		return ContainerGuess::M3uChannelList;
	return ContainerGuess::Unknown;
}

bool hasMpdStartTag(std::string_view text)
{
	for (size_t lt = text.find('<'); lt != std::string_view::npos;
	     lt = text.find('<', lt + 1)) {
		size_t end = lt + 1;
		while (end < text.size() && !isSpace(text[end]) && text[end] != '>'
		       && text[end] != '/' && text[end] != '<')
			end++;
		std::string_view name = text.substr(lt + 1, end - lt - 1);
		size_t colon = name.rfind(':');
		if (colon != std::string_view::npos)
			name.remove_prefix(colon + 1);
		if (name == "MPD")
			return true;
	}
	return false;
}

ContainerGuess contentTypeHint(std::string_view contentType)
{
	std::string type = lower(contentType.substr(0, contentType.find(';')));
	while (!type.empty() && isSpace(type.back()))
		type.pop_back();
	while (!type.empty() && isSpace(type.front()))
		type.erase(0, 1);
	if (type == "application/vnd.apple.mpegurl")
		return ContainerGuess::HlsPlaylist;
	if (type == "application/dash+xml")
		return ContainerGuess::DashMpd;
	if (type == "video/mp2t")
		return ContainerGuess::MpegTs;
	if (type == "video/mp4" || type == "audio/mp4")
		return ContainerGuess::Mp4;
	if (type == "video/iso.segment")
		return ContainerGuess::Fmp4Segment;
	if (type == "video/x-matroska" || type == "video/webm" || type == "audio/webm")
		return ContainerGuess::Matroska;
	return ContainerGuess::Unknown;
}

bool genericM3uType(std::string_view contentType)
{
	std::string type = lower(contentType.substr(0, contentType.find(';')));
	return type.starts_with("application/x-mpegurl") || type.starts_with("audio/mpegurl")
		|| type.starts_with("audio/x-mpegurl");
}

ContainerGuess extensionHint(std::string_view uri)
{
	uri = uri.substr(0, uri.find_first_of("?#"));
	size_t slash = uri.rfind('/');
	if (slash != std::string_view::npos)
		uri.remove_prefix(slash + 1);
	size_t dot = uri.rfind('.');
	if (dot == std::string_view::npos)
		return ContainerGuess::Unknown;
	std::string ext = lower(uri.substr(dot + 1));
	static constexpr std::array<std::pair<std::string_view, ContainerGuess>, 14> table = {{
		{"m3u8", ContainerGuess::HlsPlaylist},
		{"m3u", ContainerGuess::M3uChannelList},
		{"mpd", ContainerGuess::DashMpd},
		{"ts", ContainerGuess::MpegTs},
		{"m2ts", ContainerGuess::MpegTs},
		{"mts", ContainerGuess::MpegTs},
		{"mp4", ContainerGuess::Mp4},
		{"m4v", ContainerGuess::Mp4},
		{"m4a", ContainerGuess::Mp4},
		{"m4s", ContainerGuess::Fmp4Segment},
		{"cmfv", ContainerGuess::Fmp4Segment},
		{"cmfa", ContainerGuess::Fmp4Segment},
		{"mkv", ContainerGuess::Matroska},
		{"webm", ContainerGuess::Matroska},
	}};
	for (const auto &[e, guess] : table) {
		if (ext == e)
			return guess;
	}
	return ContainerGuess::Unknown;
}

} /* namespace */

ContainerGuess sniffContainer(std::span<const uint8_t> head, std::string_view contentType,
			      std::string_view uri)
{
	ContainerGuess magic = binaryMagic(head);
	if (magic != ContainerGuess::Unknown)
		return magic;

	ContainerGuess typeHint = contentTypeHint(contentType);
	ContainerGuess extHint = extensionHint(uri);

	std::string_view text(reinterpret_cast<const char *>(head.data()), head.size());
	if (text.starts_with("\xef\xbb\xbf"))
		text.remove_prefix(3);
	while (!text.empty() && isSpace(text.front()))
		text.remove_prefix(1);

	if (text.starts_with("#EXTM3U")) {
		ContainerGuess kind = classifyM3u(text);
		if (kind != ContainerGuess::Unknown)
			return kind;
		for (ContainerGuess hint : {typeHint, extHint}) {
			if (hint == ContainerGuess::HlsPlaylist
			    || hint == ContainerGuess::M3uChannelList)
				return hint;
		}
		return ContainerGuess::HlsPlaylist;
	}
	if (text.starts_with("<")) {
		if (hasMpdStartTag(text) || typeHint == ContainerGuess::DashMpd
		    || extHint == ContainerGuess::DashMpd)
			return ContainerGuess::DashMpd;
		return ContainerGuess::Unknown;
	}

	if (head.size() >= kConclusiveHead)
		return ContainerGuess::Unknown;
	if (typeHint != ContainerGuess::Unknown)
		return typeHint;
	if (extHint != ContainerGuess::Unknown)
		return extHint;
	if (genericM3uType(contentType))
		return ContainerGuess::HlsPlaylist;
	if (looksLikeShortTs(head))
		return ContainerGuess::MpegTs;
	return ContainerGuess::Unknown;
}

const char *containerName(ContainerGuess guess)
{
	switch (guess) {
	case ContainerGuess::Unknown:
		return "unknown";
	case ContainerGuess::HlsPlaylist:
		return "hls";
	case ContainerGuess::DashMpd:
		return "dash";
	case ContainerGuess::MpegTs:
		return "mpegts";
	case ContainerGuess::Mp4:
		return "mp4";
	case ContainerGuess::Fmp4Segment:
		return "fmp4-segment";
	case ContainerGuess::Matroska:
		return "matroska";
	case ContainerGuess::M3uChannelList:
		return "m3u-channel-list";
	}
	return "unknown";
}

} /* namespace sluice */
