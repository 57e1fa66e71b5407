/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Running smartsrc into fakesinks and reading back what it said: the smartsrc tests' harness.
 */

#pragma once

#include <functional>
#include <string>
#include <vector>

#include <gst/gst.h>
#include <gtest/gtest.h>

#include "producer.h"

namespace sluice::test {

/* Links pad (of an element in pipeline) into a queue ! fakesink, both brought to pipeline's
 * state: a stream that goes nowhere but keeps flowing. */
void linkToFakesink(GstElement *pipeline, GstPad *pad);

/* n bytes that are no media: a fixed pseudo-random sequence, the same every run. */
std::string garbageBytes(size_t n);

struct Stream {
	std::string kind, codec, codecs;
	int width = 0, height = 0, rate = 0, channels = 0;
	int fpsNum = 0, fpsDen = 0;
};

struct Classification {
	bool posted = false;
	std::string error; /* the ERROR message, when the pipeline failed */
	std::vector<std::string> warnings;
	std::vector<std::string> switchedTo; /* uri of every smartsrc-source-switched */
	bool switchedToBackup = false;
	std::string type, container;
	bool live = false;
	bool raw = false; /* the original bytes go out on the raw pad */
	unsigned variants = 0; /* listed in the manifest, when smartsrc chose one itself */
	unsigned variantHeight = 0;
	std::vector<Stream> streams;
	unsigned buffers = 0; /* buffers that reached the sinks */

	const Stream *find(const std::string &kind) const
	{
		for (const Stream &s : streams) {
			if (s.kind == kind)
				return &s;
		}
		return nullptr;
	}
};

/* The smartsrc-classified structure, as the tests compare it. */
Classification parse(const GstStructure *s);

/*
 * Plays smartsrc uri=... into fakesinks until it has classified the source and a second has
 * passed (so data flows), an error, or the timeout. configure sets properties before PLAYING.
 */
Classification run(const std::string &uri, unsigned timeoutSeconds = 30,
		   const std::function<void(GstElement *)> &configure = {});

struct SwitchRun {
	bool eos = false;
	unsigned switches = 0; /* smartsrc-source-switched messages seen */
	std::string failure; /* the ERROR message, if any */
};

/*
 * Plays pipeline until smartsrc has switched sources `switches` times, then sends EOS and
 * waits for it (or an error, or the timeout); leaves the pipeline in NULL.
 */
SwitchRun playThroughSwitches(GstElement *pipeline, unsigned switches, unsigned timeoutSeconds);

/*
 * VOD HLS with MPEG-TS segments of 1 s and mono AAC, as ffmpeg (and most IPTV origins) write
 * it: dir/name.m3u8 and dir/name_N.ts, from a test pattern (encoder: libx264, libx265) and a
 * tone. false with ffmpeg's complaint otherwise.
 */
bool ffmpegHls(const std::string &dir, const std::string &name, const char *encoder, double seconds,
	       std::string &error);

/* Runs a producer pipeline to EOS; false with its error otherwise. */
bool produce(const std::string &description, std::string &error);

/* Skips when the plugin under test has no smartsrc. */
class SmartSrcTest : public testing::Test
{
protected:
	void SetUp() override
	{
		if (!haveElement("smartsrc"))
			GTEST_SKIP() << "smartsrc is not built";
	}
};

} /* namespace sluice::test */
