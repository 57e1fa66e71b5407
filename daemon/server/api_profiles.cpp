/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * /api/v1/profiles: relay profiles (codecs, container, hardware, limits).
 *
 * Input goes through applyProfileInput(): encoder-name aliases, the deprecated output_format
 * and the codec/container rules live there. PUT applies the fields given over the stored
 * profile; id is read-only and ignored; system may be sent but not changed (409 protected).
 */

#include <vector>

#include "context.h"
#include "jsoninput.h"
#include "profilerules.h"

namespace sluice {

namespace {

void writeProfile(JsonOut &out, const Profile &profile)
{
	out.beginObject();
	out.member("id", profile.id);
	out.member("name", profile.name);
	out.member("description", profile.description);
	out.member("video_codec", toString(profile.videoCodec));
	out.member("audio_codec", toString(profile.audioCodec));
	out.member("container_format", toString(profile.containerFormat));
	out.member("hw_accel", toString(profile.hwAccel));
	out.member("video_bitrate_kbps", profile.videoBitrateKbps);
	out.member("max_height", profile.maxHeight);
	out.member("preset", profile.preset);
	out.member("system", profile.system);
	out.member("is_default", profile.isDefault);
}

Response profileResponse(unsigned status, const Profile &profile,
			 const std::vector<Deprecation> &deprecations = {})
{
	JsonOut out;
	writeProfile(out, profile);
	if (!deprecations.empty()) {
		out.key("deprecations").beginArray();
		for (const Deprecation &deprecation : deprecations)
			out.beginObject()
				.member("field", deprecation.field)
				.member("message", deprecation.message)
				.endObject();
		out.endArray();
	}
	out.endObject();
	Response response = jsonResponse(status, out.text());
	if (status == 201)
		response.header("Location", "/api/v1/profiles/" + std::to_string(profile.id));
	return response;
}

/*
 * The body applied over base; on success profile is the validated result (system and
 * is_default included) and deprecations what was mapped.
 */
std::optional<ApiError> readProfile(const std::string &body, const Profile &base, Profile &profile,
				    std::vector<Deprecation> &deprecations)
{
	auto [input, parseError] = JsonInput::parse(
		body,
		{"id", "name", "description", "video_codec", "audio_codec", "container_format",
		 "output_format", "hw_accel", "video_bitrate_kbps", "max_height", "preset",
		 "system", "is_default", "deprecations"});
	if (parseError)
		return parseError;
	ProfileInput fields;
	fields.name = input->string("name");
	fields.description = input->string("description");
	fields.videoCodec = input->string("video_codec");
	fields.audioCodec = input->string("audio_codec");
	fields.containerFormat = input->string("container_format");
	fields.outputFormat = input->string("output_format");
	fields.hwAccel = input->string("hw_accel");
	fields.preset = input->string("preset");
	fields.videoBitrateKbps = input->integer("video_bitrate_kbps");
	fields.maxHeight = input->integer("max_height");
	std::optional<bool> system = input->boolean("system");
	std::optional<bool> isDefault = input->boolean("is_default");
	input->integer("id");
	if (input->error())
		return input->error();

	ProfileResult result = applyProfileInput(fields, base);
	if (!result.ok())
		return apiError(*result.error);
	profile = result.profile;
	profile.system = system.value_or(base.system);
	profile.isDefault = isDefault.value_or(base.isDefault);
	deprecations = result.deprecations;
	for (const Deprecation &deprecation : deprecations)
		g_warning("profile \"%s\": deprecated %s: %s", profile.name.c_str(),
			  deprecation.field.c_str(), deprecation.message.c_str());
	return std::nullopt;
}

} /* namespace */

void addProfileRoutes(Router &router, ServerContext &context)
{
	router.add("GET", "/api/v1/profiles", [&context](const ExchangePtr &ex) {
		ex->respond(listResponse(context.store->listProfiles(),
					 [](JsonOut &out, const Profile &profile) {
						 writeProfile(out, profile);
						 out.endObject();
					 }));
	});

	router.add(
		"POST", "/api/v1/profiles",
		[&context](const ExchangePtr &ex) {
			Profile profile;
			std::vector<Deprecation> deprecations;
			if (auto error = readProfile(ex->body(), Profile {}, profile, deprecations))
				return ex->respond(errorResponse(*error));
			auto created = context.store->createProfile(profile);
			if (!created)
				return ex->respond(errorResponse(apiError(created.error())));
			ex->respond(profileResponse(201, *created, deprecations));
		},
		BodyKind::Json);

	router.add("GET", "/api/v1/profiles/{id}", [&context](const ExchangePtr &ex) {
		Id id = parseId(ex->param("id"));
		if (!id)
			return ex->respond(badId(ex->param("id")));
		auto profile = context.store->getProfile(id);
		if (!profile)
			return ex->respond(errorResponse(apiError(profile.error())));
		ex->respond(profileResponse(200, *profile));
	});

	router.add(
		"PUT", "/api/v1/profiles/{id}",
		[&context](const ExchangePtr &ex) {
			Id id = parseId(ex->param("id"));
			if (!id)
				return ex->respond(badId(ex->param("id")));
			auto stored = context.store->getProfile(id);
			if (!stored)
				return ex->respond(errorResponse(apiError(stored.error())));
			Profile profile;
			std::vector<Deprecation> deprecations;
			if (auto error = readProfile(ex->body(), *stored, profile, deprecations))
				return ex->respond(errorResponse(*error));
			profile.id = id;
			auto updated = context.store->updateProfile(profile);
			if (!updated)
				return ex->respond(errorResponse(apiError(updated.error())));
			ex->respond(profileResponse(200, *updated, deprecations));
		},
		BodyKind::Json);

	router.add("DELETE", "/api/v1/profiles/{id}", [&context](const ExchangePtr &ex) {
		Id id = parseId(ex->param("id"));
		if (!id)
			return ex->respond(badId(ex->param("id")));
		auto deleted = context.store->deleteProfile(id);
		if (!deleted)
			return ex->respond(errorResponse(apiError(deleted.error())));
		ex->respond(Response {204, {}, {}, {}});
	});
}

} /* namespace sluice */
