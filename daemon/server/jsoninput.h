/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Reading a JSON request body strictly: one object, known fields only, typed getters.
 */

#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <json-glib/json-glib.h>

#include "http.h"

namespace sluice {

/*
 * A parsed request object. Getters return nullopt for an absent field (and, where a field
 * accepts null, for null); a value of the wrong type records an invalid_type error (400)
 * naming the field and returns nullopt. The first error recorded is kept: check error()
 * once after reading every field.
 */
class JsonInput
{
public:
	/*
	 * Parses body as a JSON object whose members are all in `known`: invalid_json for text
	 * that is not JSON or not an object, unknown_field (naming the first unknown member)
	 * otherwise.
	 */
	static std::pair<std::unique_ptr<JsonInput>, std::optional<ApiError>>
	parse(std::string_view body, std::initializer_list<std::string_view> known);

	~JsonInput();
	JsonInput(const JsonInput &) = delete;
	JsonInput &operator=(const JsonInput &) = delete;

	bool has(std::string_view name) const;
	bool isNull(std::string_view name) const;

	std::optional<std::string> string(std::string_view name);
	/* An integer within min..max (out_of_range otherwise). */
	std::optional<int64_t> integer(std::string_view name, int64_t min = INT64_MIN,
				       int64_t max = INT64_MAX);
	std::optional<bool> boolean(std::string_view name);
	std::optional<std::vector<std::string>> strings(std::string_view name);
	std::optional<std::vector<int64_t>> integers(std::string_view name);
	/* An object of string values, in the order written. */
	std::optional<std::vector<std::pair<std::string, std::string>>>
	stringMap(std::string_view name);

	const std::optional<ApiError> &error() const { return error_; }
	void fail(ApiError error);

private:
	JsonInput(JsonParser *parser, JsonObject *object);

	JsonNode *member(std::string_view name) const;
	void wrongType(std::string_view name, const char *expected);

	JsonParser *parser_;
	JsonObject *object_; /* owned by parser_ */
	std::optional<ApiError> error_;
};

} /* namespace sluice */
