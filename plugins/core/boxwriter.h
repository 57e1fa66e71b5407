/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Big-endian byte writer with nested ISOBMFF boxes whose sizes are patched when they close.
 */

#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sluice {

/*
 * Appends to a caller-owned vector; never clears it. begin() writes a placeholder size and the
 * type, end() patches the size in, so boxes nest without computing sizes up front:
 *
 *	size_t moov = w.begin("moov");
 *	...
 *	w.end(moov);
 *
 * Box sizes are 32-bit; writers that may exceed 4 GiB (mdat) write their own header.
 */
class BoxWriter
{
public:
	explicit BoxWriter(std::vector<uint8_t> &out) : out_(out) { }

	size_t position() const { return out_.size(); }

	void u8(uint8_t v) { out_.push_back(v); }
	void u16(uint16_t v)
	{
		u8(static_cast<uint8_t>(v >> 8));
		u8(static_cast<uint8_t>(v));
	}
	void u24(uint32_t v)
	{
		u8(static_cast<uint8_t>(v >> 16));
		u16(static_cast<uint16_t>(v));
	}
	void u32(uint32_t v)
	{
		u16(static_cast<uint16_t>(v >> 16));
		u16(static_cast<uint16_t>(v));
	}
	void u64(uint64_t v)
	{
		u32(static_cast<uint32_t>(v >> 32));
		u32(static_cast<uint32_t>(v));
	}
	void i16(int16_t v) { u16(static_cast<uint16_t>(v)); }
	void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }

	/* Exactly four characters; boxes and brands are ASCII. */
	void fourcc(std::string_view cc)
	{
		assert(cc.size() == 4);
		out_.insert(out_.end(), cc.begin(), cc.begin() + 4);
	}
	void bytes(std::span<const uint8_t> data)
	{
		out_.insert(out_.end(), data.begin(), data.end());
	}
	void zeros(size_t n) { out_.insert(out_.end(), n, 0); }

	/* Opens a box; returns the token end() needs. */
	size_t begin(std::string_view type)
	{
		size_t start = out_.size();
		u32(0);
		fourcc(type);
		return start;
	}

	size_t beginFull(std::string_view type, uint8_t version, uint32_t flags)
	{
		size_t start = begin(type);
		u32(static_cast<uint32_t>(version) << 24 | (flags & 0xffffff));
		return start;
	}

	void end(size_t start)
	{
		assert(out_.size() - start <= UINT32_MAX);
		patchU32(start, static_cast<uint32_t>(out_.size() - start));
	}

	void patchU32(size_t pos, uint32_t v)
	{
		out_[pos] = static_cast<uint8_t>(v >> 24);
		out_[pos + 1] = static_cast<uint8_t>(v >> 16);
		out_[pos + 2] = static_cast<uint8_t>(v >> 8);
		out_[pos + 3] = static_cast<uint8_t>(v);
	}

private:
	std::vector<uint8_t> &out_;
};

} /* namespace sluice */
