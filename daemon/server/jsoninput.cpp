/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Reading a JSON request body strictly: one object, known fields only, typed getters.
 */

#include "jsoninput.h"

#include <algorithm>
#include <cmath>

namespace sluice {

namespace {

bool isInteger(JsonNode *node)
{
	if (!JSON_NODE_HOLDS_VALUE(node))
		return false;
	GType type = json_node_get_value_type(node);
	if (type == G_TYPE_INT64)
		return true;
	/* 3.0 is an integer that happened to be written with a fraction. */
	if (type == G_TYPE_DOUBLE) {
		double value = json_node_get_double(node);
		return std::isfinite(value) && std::floor(value) == value
			&& std::fabs(value) < 9.0e15;
	}
	return false;
}

int64_t integerOf(JsonNode *node)
{
	if (json_node_get_value_type(node) == G_TYPE_DOUBLE)
		return static_cast<int64_t>(json_node_get_double(node));
	return json_node_get_int(node);
}

bool isString(JsonNode *node)
{
	return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING;
}

} /* namespace */

std::pair<std::unique_ptr<JsonInput>, std::optional<ApiError>>
JsonInput::parse(std::string_view body, std::initializer_list<std::string_view> known)
{
	if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
		return {nullptr,
			ApiError {
				400, "invalid_json", "the body is empty; send a JSON object", {}}};
	JsonParser *parser = json_parser_new_immutable();
	g_autoptr(GError) error = nullptr;
	if (!json_parser_load_from_data(parser, body.data(), static_cast<gssize>(body.size()),
					&error)) {
		g_object_unref(parser);
		return {nullptr,
			ApiError {400,
				  "invalid_json",
				  std::string("the body is not valid JSON: ") + error->message,
				  {}}};
	}
	JsonNode *root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_object_unref(parser);
		return {nullptr,
			ApiError {400, "bad_request", "the body must be a JSON object", {}}};
	}
	JsonObject *object = json_node_get_object(root);
	g_autoptr(GList) members = json_object_get_members(object);
	for (GList *item = members; item; item = item->next) {
		std::string name = static_cast<const char *>(item->data);
		if (std::find(known.begin(), known.end(), name) == known.end()) {
			g_object_unref(parser);
			std::string list;
			for (std::string_view field : known)
				list += (list.empty() ? "" : ", ") + std::string(field);
			return {nullptr,
				ApiError {400, "unknown_field",
					  "unknown field \"" + name + "\"; known fields: " + list,
					  name}};
		}
	}
	return {std::unique_ptr<JsonInput>(new JsonInput(parser, object)), std::nullopt};
}

JsonInput::JsonInput(JsonParser *parser, JsonObject *object) : parser_(parser), object_(object)
{
}

JsonInput::~JsonInput()
{
	g_object_unref(parser_);
}

JsonNode *JsonInput::member(std::string_view name) const
{
	std::string key(name);
	return json_object_get_member(object_, key.c_str());
}

bool JsonInput::has(std::string_view name) const
{
	return member(name) != nullptr;
}

bool JsonInput::isNull(std::string_view name) const
{
	JsonNode *node = member(name);
	return node && JSON_NODE_HOLDS_NULL(node);
}

void JsonInput::fail(ApiError error)
{
	if (!error_)
		error_ = std::move(error);
}

void JsonInput::wrongType(std::string_view name, const char *expected)
{
	fail({400, "invalid_type", std::string(name) + " must be " + expected, std::string(name)});
}

std::optional<std::string> JsonInput::string(std::string_view name)
{
	JsonNode *node = member(name);
	if (!node || JSON_NODE_HOLDS_NULL(node))
		return std::nullopt;
	if (!isString(node)) {
		wrongType(name, "a string");
		return std::nullopt;
	}
	return std::string(json_node_get_string(node));
}

std::optional<int64_t> JsonInput::integer(std::string_view name, int64_t min, int64_t max)
{
	JsonNode *node = member(name);
	if (!node || JSON_NODE_HOLDS_NULL(node))
		return std::nullopt;
	if (!isInteger(node)) {
		wrongType(name, "an integer");
		return std::nullopt;
	}
	int64_t value = integerOf(node);
	if (value < min || value > max) {
		fail({400, "out_of_range",
		      std::string(name) + " must be between " + std::to_string(min) + " and "
			      + std::to_string(max) + ", not " + std::to_string(value),
		      std::string(name)});
		return std::nullopt;
	}
	return value;
}

std::optional<bool> JsonInput::boolean(std::string_view name)
{
	JsonNode *node = member(name);
	if (!node || JSON_NODE_HOLDS_NULL(node))
		return std::nullopt;
	if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_BOOLEAN) {
		wrongType(name, "true or false");
		return std::nullopt;
	}
	return json_node_get_boolean(node) != FALSE;
}

std::optional<std::vector<std::string>> JsonInput::strings(std::string_view name)
{
	JsonNode *node = member(name);
	if (!node || JSON_NODE_HOLDS_NULL(node))
		return std::nullopt;
	if (!JSON_NODE_HOLDS_ARRAY(node)) {
		wrongType(name, "an array of strings");
		return std::nullopt;
	}
	JsonArray *array = json_node_get_array(node);
	std::vector<std::string> values;
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);
		if (!isString(element)) {
			wrongType(name, "an array of strings");
			return std::nullopt;
		}
		values.emplace_back(json_node_get_string(element));
	}
	return values;
}

std::optional<std::vector<int64_t>> JsonInput::integers(std::string_view name)
{
	JsonNode *node = member(name);
	if (!node || JSON_NODE_HOLDS_NULL(node))
		return std::nullopt;
	if (!JSON_NODE_HOLDS_ARRAY(node)) {
		wrongType(name, "an array of integers");
		return std::nullopt;
	}
	JsonArray *array = json_node_get_array(node);
	std::vector<int64_t> values;
	for (guint i = 0; i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);
		if (!isInteger(element)) {
			wrongType(name, "an array of integers");
			return std::nullopt;
		}
		values.push_back(integerOf(element));
	}
	return values;
}

std::optional<std::vector<std::pair<std::string, std::string>>>
JsonInput::stringMap(std::string_view name)
{
	JsonNode *node = member(name);
	if (!node || JSON_NODE_HOLDS_NULL(node))
		return std::nullopt;
	if (!JSON_NODE_HOLDS_OBJECT(node)) {
		wrongType(name, "an object of strings");
		return std::nullopt;
	}
	JsonObject *object = json_node_get_object(node);
	std::vector<std::pair<std::string, std::string>> values;
	g_autoptr(GList) members = json_object_get_members(object);
	for (GList *item = members; item; item = item->next) {
		const char *key = static_cast<const char *>(item->data);
		JsonNode *element = json_object_get_member(object, key);
		if (!isString(element)) {
			wrongType(name, "an object of strings");
			return std::nullopt;
		}
		values.emplace_back(key, json_node_get_string(element));
	}
	return values;
}

} /* namespace sluice */
