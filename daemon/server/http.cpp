/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HTTP responses as values: JSON bodies and the API's error body.
 */

#include "http.h"

namespace sluice {

Response jsonResponse(unsigned status, std::string json)
{
	Response response;
	response.status = status;
	response.contentType = "application/json";
	response.body = std::move(json);
	response.body += '\n';
	return response;
}

Response errorResponse(const ApiError &error)
{
	JsonOut out;
	out.beginObject().key("error").beginObject();
	out.member("code", error.code).member("message", error.message);
	if (!error.field.empty())
		out.member("field", error.field);
	out.endObject().endObject();
	return jsonResponse(error.status, out.text());
}

ApiError apiError(const StoreError &error)
{
	switch (error.code) {
	case StoreErrorCode::NotFound:
		return {404, "not_found", error.message, error.field};
	case StoreErrorCode::Conflict:
		return {409, "conflict", error.message, error.field};
	case StoreErrorCode::Protected:
		return {409, "protected", error.message, error.field};
	case StoreErrorCode::Invalid:
		return {422, "invalid_value", error.message, error.field};
	case StoreErrorCode::Io:
	case StoreErrorCode::Schema:
		break;
	}
	return {500, "internal", error.message, error.field};
}

ApiError apiError(const FieldError &error)
{
	return {static_cast<unsigned>(error.httpStatus()), error.code, error.message, error.field};
}

JsonOut::JsonOut() : builder_(json_builder_new())
{
}

JsonOut::~JsonOut()
{
	g_object_unref(builder_);
}

JsonOut &JsonOut::beginObject()
{
	json_builder_begin_object(builder_);
	return *this;
}

JsonOut &JsonOut::endObject()
{
	json_builder_end_object(builder_);
	return *this;
}

JsonOut &JsonOut::beginArray()
{
	json_builder_begin_array(builder_);
	return *this;
}

JsonOut &JsonOut::endArray()
{
	json_builder_end_array(builder_);
	return *this;
}

JsonOut &JsonOut::key(std::string_view name)
{
	std::string copy(name);
	json_builder_set_member_name(builder_, copy.c_str());
	return *this;
}

JsonOut &JsonOut::value(std::string_view text)
{
	std::string copy(text);
	json_builder_add_string_value(builder_, copy.c_str());
	return *this;
}

JsonOut &JsonOut::value(int64_t number)
{
	json_builder_add_int_value(builder_, number);
	return *this;
}

JsonOut &JsonOut::value(bool flag)
{
	json_builder_add_boolean_value(builder_, flag);
	return *this;
}

JsonOut &JsonOut::value(double number)
{
	json_builder_add_double_value(builder_, number);
	return *this;
}

JsonOut &JsonOut::null()
{
	json_builder_add_null_value(builder_);
	return *this;
}

std::string JsonOut::text()
{
	g_autoptr(JsonNode) root = json_builder_get_root(builder_);
	if (!root)
		return "null";
	g_autoptr(JsonGenerator) generator = json_generator_new();
	json_generator_set_root(generator, root);
	g_autofree gchar *text = json_generator_to_data(generator, nullptr);
	return text ? std::string(text) : std::string("null");
}

} /* namespace sluice */
