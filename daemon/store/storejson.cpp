/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The JSON text of the channels' list columns (backup_urls, extra_attributes).
 */

#include <json-glib/json-glib.h>

#include "storeinternal.h"

namespace sluice {

namespace {

std::string generate(JsonBuilder *builder)
{
	g_autoptr(JsonNode) root = json_builder_get_root(builder);
	g_autoptr(JsonGenerator) generator = json_generator_new();
	json_generator_set_root(generator, root);
	g_autofree gchar *text = json_generator_to_data(generator, nullptr);
	return text ? std::string(text) : std::string("[]");
}

/*
 * The array at the root of json, or null. The schema's CHECK (json_valid) keeps anything else
 * out, so a failure here means the file was edited by hand: the list reads as empty.
 */
JsonArray *parseArray(JsonParser *parser, std::string_view json)
{
	if (!json_parser_load_from_data(parser, json.data(), static_cast<gssize>(json.size()),
					nullptr))
		return nullptr;
	JsonNode *root = json_parser_get_root(parser);
	return root && JSON_NODE_HOLDS_ARRAY(root) ? json_node_get_array(root) : nullptr;
}

std::string stringAt(JsonArray *array, guint index)
{
	JsonNode *node = json_array_get_element(array, index);
	if (!node || json_node_get_value_type(node) != G_TYPE_STRING)
		return {};
	const gchar *value = json_node_get_string(node);
	return value ? std::string(value) : std::string();
}

} /* namespace */

std::string stringsToJson(const std::vector<std::string> &strings)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	json_builder_begin_array(builder);
	for (const std::string &value : strings)
		json_builder_add_string_value(builder, value.c_str());
	json_builder_end_array(builder);
	return generate(builder);
}

std::vector<std::string> stringsFromJson(std::string_view json)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonArray *array = parseArray(parser, json);
	std::vector<std::string> strings;
	if (!array)
		return strings;
	const guint length = json_array_get_length(array);
	for (guint i = 0; i < length; i++)
		strings.push_back(stringAt(array, i));
	return strings;
}

std::string attributesToJson(const std::vector<std::pair<std::string, std::string>> &attributes)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	json_builder_begin_array(builder);
	for (const auto &[name, value] : attributes) {
		json_builder_begin_array(builder);
		json_builder_add_string_value(builder, name.c_str());
		json_builder_add_string_value(builder, value.c_str());
		json_builder_end_array(builder);
	}
	json_builder_end_array(builder);
	return generate(builder);
}

std::vector<std::pair<std::string, std::string>> attributesFromJson(std::string_view json)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonArray *array = parseArray(parser, json);
	std::vector<std::pair<std::string, std::string>> attributes;
	if (!array)
		return attributes;
	const guint length = json_array_get_length(array);
	for (guint i = 0; i < length; i++) {
		JsonNode *node = json_array_get_element(array, i);
		if (!node || !JSON_NODE_HOLDS_ARRAY(node))
			continue;
		JsonArray *pair = json_node_get_array(node);
		if (json_array_get_length(pair) != 2)
			continue;
		attributes.emplace_back(stringAt(pair, 0), stringAt(pair, 1));
	}
	return attributes;
}

} /* namespace sluice */
