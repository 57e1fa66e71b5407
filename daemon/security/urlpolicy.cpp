/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Which URLs sluiced opens: the schemes it can play, and local files only in media directories.
 */

#include "urlpolicy.h"

#include <array>
#include <climits>
#include <cstdlib>

#include <glib.h>

namespace sluice {

namespace {

constexpr std::array<std::string_view, 9> kStreamSchemes
	= {"http", "https", "rtmp", "rtmps", "rtsp", "rtsps", "udp", "rtp", "test"};
constexpr std::array<std::string_view, 2> kListSchemes = {"http", "https"};

template <size_t N>
bool isOneOf(std::string_view scheme, const std::array<std::string_view, N> &schemes)
{
	for (std::string_view known : schemes) {
		if (scheme == known)
			return true;
	}
	return false;
}

template <size_t N>
std::string schemeList(const std::array<std::string_view, N> &schemes)
{
	std::string list;
	for (std::string_view scheme : schemes)
		list += std::string(scheme) + "://, ";
	return list;
}

std::optional<std::string> realPath(const std::string &path)
{
	char resolved[PATH_MAX];
	if (!realpath(path.c_str(), resolved))
		return std::nullopt;
	return std::string(resolved);
}

/*
 * The canonical form of an absolute path that may not exist yet: its longest existing
 * ancestor resolved, then the rest as written. nullopt when the rest holds "." or "..", which
 * only a resolved path may.
 */
std::optional<std::string> canonicalPath(const std::string &path)
{
	if (auto resolved = realPath(path))
		return resolved;
	std::string head = path;
	std::string tail;
	while (true) {
		const size_t slash = head.find_last_of('/');
		if (slash == std::string::npos)
			return std::nullopt;
		const std::string name = head.substr(slash + 1);
		if (name == "." || name == "..")
			return std::nullopt;
		if (!name.empty())
			tail = "/" + name + tail;
		head = head.substr(0, slash);
		if (auto resolved = realPath(head.empty() ? "/" : head))
			return (*resolved == "/" ? "" : *resolved) + tail;
		if (head.empty())
			return std::nullopt;
	}
}

bool inside(const std::string &path, const std::string &dir)
{
	if (dir == "/")
		return true;
	return path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

} /* namespace */

std::string urlScheme(std::string_view url)
{
	std::string scheme;
	for (size_t i = 0; i < url.size(); i++) {
		const char c = url[i];
		const bool alpha = g_ascii_isalpha(c);
		const bool other = g_ascii_isdigit(c) || c == '+' || c == '-' || c == '.';
		if (c == ':')
			return scheme;
		if (!alpha && (i == 0 || !other))
			return {};
		scheme += g_ascii_tolower(c);
	}
	return {};
}

bool isStreamScheme(std::string_view scheme)
{
	return scheme == "file" || isOneOf(scheme, kStreamSchemes);
}

UrlPolicy::UrlPolicy(std::vector<std::string> mediaDirs)
{
	for (std::string &dir : mediaDirs) {
		if (!dir.empty() && dir.front() == '/')
			mediaDirs_.push_back(std::move(dir));
	}
}

std::string UrlPolicy::describeDirs() const
{
	if (mediaDirs_.empty())
		return "media_dirs is empty, so sluiced opens no local file";
	std::string list;
	for (const std::string &dir : mediaDirs_)
		list += (list.empty() ? "" : ", ") + dir;
	return "media_dirs: " + list;
}

std::optional<std::string> UrlPolicy::checkPath(const std::string &path) const
{
	std::optional<std::string> canonical = canonicalPath(path);
	if (!canonical)
		return "\"" + path + "\" cannot be resolved to a file path";
	for (const std::string &dir : mediaDirs_) {
		if (std::optional<std::string> resolved = realPath(dir);
		    resolved && inside(*canonical, *resolved))
			return std::nullopt;
	}
	return "\"" + path + "\" is outside the media directories (" + describeDirs() + ")";
}

std::optional<std::string> UrlPolicy::check(std::string_view url, UrlUse use) const
{
	std::string text(url);
	if (use == UrlUse::Stream)
		text = text.substr(0, text.rfind('|'));
	const std::string scheme = urlScheme(text);
	const std::string allowed
		= use == UrlUse::Stream ? schemeList(kStreamSchemes) : schemeList(kListSchemes);
	if (scheme.empty())
		return "\"" + text + "\" is not an absolute URL; use " + allowed
			+ "or file:// in a media directory";
	if (scheme != "file") {
		const bool known = use == UrlUse::Stream ? isOneOf(scheme, kStreamSchemes)
							 : isOneOf(scheme, kListSchemes);
		if (known)
			return std::nullopt;
		return "sluiced does not open " + scheme + ": URLs here; use " + allowed
			+ "or file:// in a media directory";
	}

	/*
	 * Taken apart by hand rather than by GUri, which removes "." and ".." segments as text:
	 * the kernel resolves "link/.." through the link, so a path is only judged as the file
	 * that opening it would reach. Such segments are refused outright.
	 */
	std::string_view rest = std::string_view(text).substr(scheme.size() + 1);
	if (rest.find('#') != std::string_view::npos)
		return "\"" + text + "\": a file URL takes no fragment";
	if (const size_t mark = rest.find('?'); mark != std::string_view::npos) {
		const std::string_view query = rest.substr(mark + 1);
		const bool loop = use == UrlUse::Stream && query.starts_with("loop=")
			&& query.find('&') == std::string_view::npos;
		if (!loop)
			return "\"" + text + "\": a file URL takes no query but loop=1";
		rest = rest.substr(0, mark);
	}
	if (rest.starts_with("//")) {
		const size_t slash = rest.find('/', 2);
		const std::string_view host = rest.substr(
			2, slash == std::string_view::npos ? std::string_view::npos : slash - 2);
		if (!host.empty()
		    && g_ascii_strcasecmp(std::string(host).c_str(), "localhost") != 0)
			return "\"" + text + "\" names another host; a file URL is file:///PATH";
		rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
	}
	if (!rest.starts_with('/'))
		return "\"" + text + "\" names no absolute path (file:///PATH)";
	/* An escaped '/' or NUL is no file name. */
	g_autofree char *decoded = g_uri_unescape_string(std::string(rest).c_str(), "/");
	if (!decoded)
		return "\"" + text + "\" is not a valid file URL";
	const std::string path = decoded;
	g_auto(GStrv) segments = g_strsplit(decoded, "/", -1);
	for (char **segment = segments; *segment; segment++) {
		if (!g_strcmp0(*segment, ".") || !g_strcmp0(*segment, ".."))
			return "\"" + text + "\": a file URL may not hold \".\" or \"..\" segments";
	}
	if (std::optional<std::string> problem = checkPath(path))
		return "sluiced opens local files only in its media directories: " + *problem;
	return std::nullopt;
}

} /* namespace sluice */
