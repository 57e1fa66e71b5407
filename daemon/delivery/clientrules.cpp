/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Client rules: loading the JSON file (json-glib) and matching requests against it.
 */

#include "clientrules.h"

#include <algorithm>
#include <array>
#include <regex>
#include <set>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "textutil.h"

#ifndef SLUICE_DATADIR
#define SLUICE_DATADIR "/usr/local/share/sluice"
#endif

namespace sluice {

/*
 * std::regex reports bad patterns by throwing; the throw is caught where the pattern is
 * compiled (load) and where it runs (match), so nothing leaves this file. Its matcher recurses
 * per input character, so it only ever sees the head of a User-Agent.
 */
struct ClientRules::Compiled {
	std::vector<std::optional<std::regex>> regexes;
};

namespace {

constexpr size_t kMaxRegexInput = 512;

constexpr std::array<std::string_view, 6> kVideoCodecNames {
	"h264", "h265", "vp9", "av1", "mpeg2video", "vp8",
};
constexpr std::array<std::string_view, 9> kAudioCodecNames {
	"aac", "opus", "mp3", "mp2", "ac3", "eac3", "flac", "vorbis", "pcm",
};

template <size_t N>
std::string joined(const std::array<std::string_view, N> &names)
{
	std::string out;
	for (std::string_view name : names) {
		if (!out.empty())
			out += ", ";
		out += name;
	}
	return out;
}

std::optional<PreferredFormat> parsePreferredFormat(std::string_view name)
{
	for (auto format : {PreferredFormat::Auto, PreferredFormat::Hls, PreferredFormat::Dash,
			    PreferredFormat::Ts})
		if (toString(format) == name)
			return format;
	return std::nullopt;
}

bool isString(JsonNode *node)
{
	return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING;
}

bool isBoolean(JsonNode *node)
{
	return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_BOOLEAN;
}

bool isInteger(JsonNode *node)
{
	return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_INT64;
}

/* Reads one rule object; returns an error message (without the rule prefix) or "". */
class RuleReader
{
public:
	RuleReader(JsonObject *object, ClientRule &rule) : object_(object), rule_(rule) { }

	std::string read()
	{
		/* The name first, so that every later error can name the rule. */
		if (auto error = string("name", rule_.name); !error.empty())
			return error;
		static constexpr std::array<std::string_view, 12> kKeys {
			"name",		"description",	  "user_agent",	      "user_agent_regex",
			"accept",	"query",	  "preferred_format", "video_codecs",
			"audio_codecs", "legacy_ts_only", "dash_mpd",	      "live_start_segments",
		};
		g_autoptr(GList) members = json_object_get_members(object_);
		for (GList *l = members; l; l = l->next) {
			std::string_view key = static_cast<const char *>(l->data);
			if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
				return "unknown key \"" + std::string(key)
					+ "\" (known: " + joined(kKeys) + ")";
		}

		if (rule_.name.empty())
			return "\"name\" is required";
		if (auto error = string("description", rule_.description); !error.empty())
			return error;

		if (auto error = strings("user_agent", rule_.userAgent); !error.empty())
			return error;
		if (auto error = string("user_agent_regex", rule_.userAgentRegex); !error.empty())
			return error;
		if (auto error = strings("accept", rule_.accept); !error.empty())
			return error;
		for (auto *list : {&rule_.userAgent, &rule_.accept})
			for (std::string &entry : *list)
				entry = asciiLower(entry);
		if (auto error = query(); !error.empty())
			return error;

		std::string format = "auto";
		if (auto error = string("preferred_format", format); !error.empty())
			return error;
		auto preferred = parsePreferredFormat(format);
		if (!preferred)
			return "\"preferred_format\" must be one of auto, hls, dash, ts; got \""
				+ format + "\"";
		rule_.preferredFormat = *preferred;

		if (auto error = codecs("video_codecs", kVideoCodecNames, rule_.videoCodecs);
		    !error.empty())
			return error;
		if (auto error = codecs("audio_codecs", kAudioCodecNames, rule_.audioCodecs);
		    !error.empty())
			return error;

		if (JsonNode *node = json_object_get_member(object_, "legacy_ts_only")) {
			if (!isBoolean(node))
				return "\"legacy_ts_only\" must be true or false";
			rule_.legacyTsOnly = json_node_get_boolean(node);
		}
		std::string dashMpd = "window";
		if (auto error = string("dash_mpd", dashMpd); !error.empty())
			return error;
		if (dashMpd == "window")
			rule_.dashMpd = DashMpd::Window;
		else if (dashMpd == "from_period_start")
			rule_.dashMpd = DashMpd::FromPeriodStart;
		else if (dashMpd == "by_time")
			rule_.dashMpd = DashMpd::ByTime;
		else
			return "\"dash_mpd\" must be one of window, from_period_start, by_time; "
			       "got \""
				+ dashMpd + "\"";
		if (JsonNode *node = json_object_get_member(object_, "live_start_segments")) {
			if (!isInteger(node) || json_node_get_int(node) < 1
			    || json_node_get_int(node) > kMaxLiveStartSegments)
				return "\"live_start_segments\" must be a whole number from 1 to "
					+ std::to_string(kMaxLiveStartSegments);
			rule_.liveStartSegments = static_cast<uint32_t>(json_node_get_int(node));
		}
		return {};
	}

private:
	std::string string(const char *key, std::string &out)
	{
		JsonNode *node = json_object_get_member(object_, key);
		if (!node)
			return {};
		if (!isString(node))
			return "\"" + std::string(key) + "\" must be a string";
		out = json_node_get_string(node);
		return {};
	}

	std::string strings(const char *key, std::vector<std::string> &out)
	{
		JsonNode *node = json_object_get_member(object_, key);
		if (!node)
			return {};
		if (!JSON_NODE_HOLDS_ARRAY(node))
			return "\"" + std::string(key) + "\" must be an array of strings";
		JsonArray *array = json_node_get_array(node);
		for (guint i = 0; i < json_array_get_length(array); i++) {
			JsonNode *item = json_array_get_element(array, i);
			if (!isString(item) || !*json_node_get_string(item))
				return "\"" + std::string(key)
					+ "\" must be an array of non-empty strings";
			out.emplace_back(json_node_get_string(item));
		}
		return {};
	}

	std::string query()
	{
		JsonNode *node = json_object_get_member(object_, "query");
		if (!node)
			return {};
		if (!JSON_NODE_HOLDS_OBJECT(node))
			return "\"query\" must be an object of parameter names to values";
		JsonObject *query = json_node_get_object(node);
		g_autoptr(GList) members = json_object_get_members(query);
		for (GList *l = members; l; l = l->next) {
			const char *name = static_cast<const char *>(l->data);
			JsonNode *value = json_object_get_member(query, name);
			if (!*name || !isString(value))
				return "\"query\" must map parameter names to string values";
			rule_.query.emplace_back(name, asciiLower(json_node_get_string(value)));
		}
		return {};
	}

	template <size_t N>
	std::string codecs(const char *key, const std::array<std::string_view, N> &known,
			   std::vector<std::string> &out)
	{
		if (auto error = strings(key, out); !error.empty())
			return error;
		for (std::string &codec : out) {
			codec = asciiLower(codec);
			if (std::find(known.begin(), known.end(), codec) == known.end())
				return "unknown codec \"" + codec + "\" in \"" + key
					+ "\" (known: " + joined(known) + ")";
		}
		return {};
	}

	JsonObject *object_;
	ClientRule &rule_;
};

bool containsAny(std::string_view haystack, const std::vector<std::string> &needles)
{
	return std::any_of(needles.begin(), needles.end(), [&](const std::string &needle) {
		return haystack.find(needle) != std::string_view::npos;
	});
}

bool queryMatches(std::span<const QueryParam> request, const std::vector<QueryParam> &wanted)
{
	for (const auto &[name, value] : wanted)
		for (const auto &[requestName, requestValue] : request)
			if (requestName == name
			    && (value == "*" || asciiLower(requestValue) == value))
				return true;
	return false;
}

bool acceptsCodec(const std::vector<std::string> &list, std::string_view codec)
{
	if (list.empty())
		return true;
	std::string lower = asciiLower(codec);
	return std::find(list.begin(), list.end(), lower) != list.end();
}

} /* namespace */

std::string_view toString(PreferredFormat format)
{
	switch (format) {
	case PreferredFormat::Auto:
		return "auto";
	case PreferredFormat::Hls:
		return "hls";
	case PreferredFormat::Dash:
		return "dash";
	case PreferredFormat::Ts:
		return "ts";
	}
	return "auto";
}

bool ClientRule::matchesEverything() const
{
	return userAgent.empty() && userAgentRegex.empty() && accept.empty() && query.empty();
}

bool ClientRule::acceptsVideo(std::string_view codec) const
{
	return acceptsCodec(videoCodecs, codec);
}

bool ClientRule::acceptsAudio(std::string_view codec) const
{
	return acceptsCodec(audioCodecs, codec);
}

ClientRulesResult ClientRules::load(std::string_view json)
{
	ClientRulesResult result;
	auto fail = [&](std::string message) {
		result.error = "client rules: " + message;
		return result;
	};

	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = nullptr;
	if (!json_parser_load_from_data(parser, json.data(), static_cast<gssize>(json.size()),
					&error))
		return fail(std::string("not valid JSON: ") + error->message);
	JsonNode *root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root))
		return fail("the file must hold a JSON object {\"version\": 1, \"rules\": [...]}");
	JsonObject *top = json_node_get_object(root);

	g_autoptr(GList) members = json_object_get_members(top);
	for (GList *l = members; l; l = l->next) {
		std::string_view key = static_cast<const char *>(l->data);
		if (key != "version" && key != "rules" && key != "description")
			return fail("unknown top-level key \"" + std::string(key)
				    + "\" (known: version, description, rules)");
	}
	JsonNode *version = json_object_get_member(top, "version");
	if (!version || !isInteger(version) || json_node_get_int(version) != 1)
		return fail("\"version\" must be 1");
	JsonNode *description = json_object_get_member(top, "description");
	if (description && !isString(description))
		return fail("\"description\" must be a string");
	JsonNode *rulesNode = json_object_get_member(top, "rules");
	if (!rulesNode || !JSON_NODE_HOLDS_ARRAY(rulesNode))
		return fail("\"rules\" must be an array of rule objects");
	JsonArray *array = json_node_get_array(rulesNode);
	guint count = json_array_get_length(array);
	if (count == 0)
		return fail("\"rules\" is empty; at least a default rule is needed");

	ClientRules rules;
	auto compiled = std::make_shared<Compiled>();
	std::set<std::string> names;
	for (guint i = 0; i < count; i++) {
		std::string where = "rule " + std::to_string(i);
		JsonNode *node = json_array_get_element(array, i);
		if (!JSON_NODE_HOLDS_OBJECT(node))
			return fail(where + ": must be an object");
		ClientRule rule;
		std::string message = RuleReader(json_node_get_object(node), rule).read();
		if (!rule.name.empty())
			where += " (\"" + rule.name + "\")";
		if (!message.empty())
			return fail(where + ": " + message);
		if (!names.insert(rule.name).second)
			return fail(where + ": duplicate name");

		std::optional<std::regex> regex;
		if (!rule.userAgentRegex.empty()) {
			try {
				regex.emplace(rule.userAgentRegex,
					      std::regex::ECMAScript | std::regex::icase
						      | std::regex::optimize);
			} catch (const std::regex_error &e) {
				return fail(where + ": \"user_agent_regex\" does not compile: "
					    + e.what());
			}
		}

		bool last = i + 1 == count;
		if (rule.matchesEverything() && !last)
			return fail(where
				    + ": has no conditions, so it matches every request and "
				      "the rules after it could never match; move it last");
		if (!rule.matchesEverything() && last)
			return fail(where
				    + ": the last rule must have no conditions (the default "
				      "for clients no other rule matches)");

		compiled->regexes.push_back(std::move(regex));
		rules.rules_.push_back(std::move(rule));
	}

	rules.compiled_ = std::move(compiled);
	result.rules = std::move(rules);
	return result;
}

ClientRulesResult ClientRules::loadFile(const std::string &path)
{
	g_autofree char *contents = nullptr;
	gsize length = 0;
	g_autoptr(GError) error = nullptr;
	if (!g_file_get_contents(path.c_str(), &contents, &length, &error)) {
		ClientRulesResult result;
		result.error = "client rules: cannot read " + path + ": " + error->message;
		return result;
	}
	ClientRulesResult result = load(std::string_view(contents, length));
	if (!result.ok())
		result.error = path + ": " + result.error;
	return result;
}

std::string ClientRules::installedPath()
{
	return SLUICE_DATADIR "/client-rules.json";
}

ClientRules ClientRules::fallback()
{
	ClientRules rules;
	ClientRule rule;
	rule.name = "default";
	rule.description = "every client: the rules file could not be read";
	rules.rules_.push_back(std::move(rule));
	auto compiled = std::make_shared<Compiled>();
	compiled->regexes.emplace_back();
	rules.compiled_ = std::move(compiled);
	return rules;
}

const ClientRule &ClientRules::match(const ClientHints &hints) const
{
	std::string userAgent = asciiLower(hints.userAgent);
	std::string accept = asciiLower(hints.accept);
	std::string_view regexInput = std::string_view(hints.userAgent).substr(0, kMaxRegexInput);

	for (size_t i = 0; i < rules_.size(); i++) {
		const ClientRule &rule = rules_[i];
		const std::optional<std::regex> &regex = compiled_->regexes[i];

		if (!rule.userAgent.empty() || regex) {
			bool matched = containsAny(userAgent, rule.userAgent);
			if (!matched && regex) {
				try {
					matched = std::regex_search(regexInput.begin(),
								    regexInput.end(), *regex);
				} catch (const std::regex_error &) {
					matched = false;
				}
			}
			if (!matched)
				continue;
		}
		if (!rule.accept.empty() && !containsAny(accept, rule.accept))
			continue;
		if (!rule.query.empty() && !queryMatches(hints.query, rule.query))
			continue;
		return rule;
	}
	/* load() guarantees a last rule that matches everything. */
	return rules_.back();
}

} /* namespace sluice */
