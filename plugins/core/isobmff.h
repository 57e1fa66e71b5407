/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * CMAF (ISO/IEC 23000-19) init segments and fragment headers, as pure functions over plain structs.
 */

#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "media.h"

namespace sluice {

/*
 * Writes a CMAF header (init segment) for one track: ftyp (the codec's CMAF media profile
 * brand as major brand, compatible brands including "cmfc" and "iso6") + moov(mvhd,
 * trak(tkhd, mdia(mdhd, hdlr, minf(vmhd|smhd, dinf, stbl(stsd, empty stts/stsc/stsz/stco)))),
 * mvex(trex)).
 * Returns an empty vector when the track cannot be described (missing codec configuration).
 */
std::vector<uint8_t> writeInitSegment(const TrackConfig &track);

struct FragmentHeader {
	uint32_t sequenceNumber = 1; /* mfhd sequence_number, starts at 1 and only grows */
	uint64_t baseMediaDecodeTime = 0; /* tfdt, version 1, track timescale */
};

/*
 * Writes the bytes of a CMAF segment that come before the sample data: styp + moof(mfhd,
 * traf(tfhd default-base-is-moof, tfdt v1, trun with data offset, per-sample size, duration,
 * flags and composition offsets)) + the mdat box header. The mdat payload is the samples' data
 * concatenated in order, which the caller writes after these bytes without copying it here.
 *
 * The header is appended to out (out is not cleared, so a caller can reuse its capacity).
 */
void writeFragmentHeader(const TrackConfig &track, const FragmentHeader &header,
			 std::span<const SampleInfo> samples, std::vector<uint8_t> &out);

} /* namespace sluice */
