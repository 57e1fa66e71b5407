/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A small pull tokenizer for untrusted XML: elements and attributes, nothing else.
 */

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/* text with &, <, >, " and ' as entities: for attribute values and character data. */
std::string xmlEscape(std::string_view text);

/*
 * Covers what manifests use: elements, attributes quoted with " or ', the five predefined
 * entities and numeric character references, comments, the XML declaration and processing
 * instructions. Character data (CDATA sections included) is skipped, not reported. Namespace
 * prefixes are kept in the raw names and dropped from localName(); URIs are not resolved.
 *
 * Refused, each with its own message: DOCTYPE (no internal subset, no entity expansion),
 * unknown entities, mismatched or missing end tags, content after the root element, nesting
 * deeper than maxDepth and more than maxElements elements. Work is linear in the input size.
 */
struct XmlLimits {
	size_t maxDepth = 64;
	size_t maxElements = 200000;
};

struct XmlAttribute {
	std::string_view name; /* as written, with any prefix */
	std::string value; /* entities decoded */

	std::string_view localName() const;
};

class XmlReader
{
public:
	enum class Token {
		StartElement,
		EndElement, /* also reported right after a self-closing element's StartElement */
		EndOfDocument,
		Error,
	};

	explicit XmlReader(std::string_view text, XmlLimits limits = {});

	Token next();

	/* Element name of the last StartElement/EndElement, with and without prefix. */
	std::string_view name() const { return name_; }
	std::string_view localName() const;
	/* Depth of the last StartElement/EndElement; the root element is at depth 1. */
	size_t depth() const { return depth_; }
	const std::vector<XmlAttribute> &attributes() const { return attributes_; }
	/* Value of the first attribute with this local name, nullptr when there is none. */
	const std::string *attribute(std::string_view localName) const;

	/* After Token::Error: what was wrong. */
	const std::string &error() const { return error_; }
	/* 1-based line of the read position: where the last token ended, or the error is. */
	size_t line() const;

private:
	Token fail(std::string message);
	bool skipPast(std::string_view terminator);
	bool readName(std::string_view &name);
	bool readAttributes(bool &selfClosing);
	bool decode(std::string_view raw, std::string &out);
	void skipSpace();

	std::string_view text_;
	XmlLimits limits_;
	size_t pos_ = 0;
	size_t elements_ = 0;
	size_t depth_ = 0;
	bool rootSeen_ = false;
	bool pendingEnd_ = false;
	bool failed_ = false;
	std::vector<std::string_view> open_;
	std::string_view name_;
	std::vector<XmlAttribute> attributes_;
	std::string error_;
};

} /* namespace sluice */
