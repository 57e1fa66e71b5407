/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The store's errors as values: a code the API maps to an HTTP status, a message, a field.
 */

#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sluice {

enum class StoreErrorCode {
	NotFound, /* no object with that id (404) */
	Conflict, /* a unique name is taken, or the object is still in use (409) */
	Invalid, /* a value the schema refuses, or a reference to nothing (400) */
	Protected, /* a system profile cannot be deleted or made a user profile (403) */
	Io, /* the file: cannot be opened, is not a database, disk full, locked (500) */
	Schema, /* a migration failed, or the database is newer than this binary (500) */
};

/* "not-found", "conflict", "invalid", "protected", "io", "schema". */
std::string_view toString(StoreErrorCode code);

struct StoreError {
	StoreErrorCode code = StoreErrorCode::Io;
	std::string message; /* for a person: what, which object, and what to do about it */
	std::string field; /* snake_case, as in the JSON API and the schema; empty: none */
};

/* A value or the StoreError that prevented it. */
template <typename T>
class [[nodiscard]] StoreResult
{
public:
	StoreResult(T value) : state_(std::in_place_index<0>, std::move(value)) { }
	StoreResult(StoreError error) : state_(std::in_place_index<1>, std::move(error)) { }

	bool ok() const { return state_.index() == 0; }
	explicit operator bool() const { return ok(); }

	T &value() &
	{
		assert(ok());
		return *std::get_if<0>(&state_);
	}
	const T &value() const &
	{
		assert(ok());
		return *std::get_if<0>(&state_);
	}
	/* By value: `for (auto &x : *store.listChannels())` must not iterate a dead temporary. */
	T value() &&
	{
		assert(ok());
		return std::move(*std::get_if<0>(&state_));
	}
	T *operator->() { return &value(); }
	const T *operator->() const { return &value(); }
	T &operator*() & { return value(); }
	const T &operator*() const & { return value(); }
	T operator*() && { return std::move(*this).value(); }

	const StoreError &error() const
	{
		assert(!ok());
		return *std::get_if<1>(&state_);
	}

private:
	std::variant<T, StoreError> state_;
};

/* Success without a value, or the StoreError. */
template <>
class [[nodiscard]] StoreResult<void>
{
public:
	StoreResult() = default;
	StoreResult(StoreError error) : error_(std::move(error)) { }

	bool ok() const { return !error_.has_value(); }
	explicit operator bool() const { return ok(); }

	const StoreError &error() const
	{
		assert(!ok());
		return *error_;
	}

private:
	std::optional<StoreError> error_;
};

} /* namespace sluice */
