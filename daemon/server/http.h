/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HTTP responses as values: JSON bodies, the API's error body, and how store and profile
 * errors map onto statuses.
 */

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <json-glib/json-glib.h>

#include "profilerules.h"
#include "storeerror.h"

namespace sluice {

struct Response {
	unsigned status = 200;
	std::string contentType; /* empty: no body */
	std::string body;
	std::vector<std::pair<std::string, std::string>> headers;

	Response &header(std::string name, std::string value)
	{
		headers.emplace_back(std::move(name), std::move(value));
		return *this;
	}
};

/*
 * An error the API answers with {"error":{"code","message","field"}}. Codes of the server
 * itself: invalid_json, bad_request, unknown_field, invalid_type (400), unauthorized (401),
 * stream_key_required, wrong_stream_key (403), not_found (404), method_not_allowed (405),
 * payload_too_large (413), unsupported_media_type (415), url_not_allowed (422; 403 for a stored
 * channel that may no longer play), upstream_failed (502), not_implemented (503), internal
 * (500); profile validation and store errors keep their own codes (required,
 * codec_requires_fmp4, conflict, protected, ...).
 */
struct ApiError {
	unsigned status = 400;
	std::string code;
	std::string message;
	std::string field; /* snake_case JSON field; empty: none (left out of the body) */
};

Response errorResponse(const ApiError &error);
Response jsonResponse(unsigned status, std::string json);

/*
 * NotFound 404 not_found; Conflict 409 conflict; Protected 409 protected; Invalid 422
 * invalid_value;
 * Io and Schema 500 internal.
 */
ApiError apiError(const StoreError &error);
/* The FieldError's own code and httpStatus() (400 or 422). */
ApiError apiError(const FieldError &error);

/* A json-glib builder with a terser surface; text() renders compactly. */
class JsonOut
{
public:
	JsonOut();
	~JsonOut();
	JsonOut(const JsonOut &) = delete;
	JsonOut &operator=(const JsonOut &) = delete;

	JsonOut &beginObject();
	JsonOut &endObject();
	JsonOut &beginArray();
	JsonOut &endArray();
	JsonOut &key(std::string_view name);
	JsonOut &value(std::string_view text);
	JsonOut &value(const char *text) { return value(std::string_view(text)); }
	JsonOut &value(int64_t number);
	JsonOut &value(int number) { return value(static_cast<int64_t>(number)); }
	JsonOut &value(unsigned number) { return value(static_cast<int64_t>(number)); }
	JsonOut &value(const std::string &text) { return value(std::string_view(text)); }
	JsonOut &value(bool flag);
	JsonOut &value(double number);
	JsonOut &null();

	template <typename T>
	JsonOut &member(std::string_view name, T v)
	{
		key(name);
		return value(v);
	}

	std::string text();

private:
	JsonBuilder *builder_;
};

/*
 * A listing: 200 with a JSON array of every item as write(out, item) writes it, or the
 * store's error. write is given each item and the builder in turn; it writes one value.
 */
template <typename T, typename Write>
Response listResponse(const StoreResult<std::vector<T>> &items, Write write)
{
	if (!items)
		return errorResponse(apiError(items.error()));
	JsonOut out;
	out.beginArray();
	for (const T &item : items.value())
		write(out, item);
	out.endArray();
	return jsonResponse(200, out.text());
}

} /* namespace sluice */
