/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A small pull tokenizer for untrusted XML: elements and attributes, nothing else.
 */

#include "xmlreader.h"

#include <algorithm>
#include <charconv>

namespace sluice {

std::string xmlEscape(std::string_view text)
{
	std::string out;
	out.reserve(text.size());
	for (char c : text) {
		switch (c) {
		case '&':
			out += "&amp;";
			break;
		case '<':
			out += "&lt;";
			break;
		case '>':
			out += "&gt;";
			break;
		case '"':
			out += "&quot;";
			break;
		case '\'':
			out += "&apos;";
			break;
		default:
			out += c;
		}
	}
	return out;
}

namespace {

bool isSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ASCII subset of XML NameStartChar, plus any byte of a multi-byte UTF-8 sequence. */
bool isNameStart(char c)
{
	unsigned char u = static_cast<unsigned char>(c);
	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == ':'
		|| u >= 0x80;
}

bool isNameChar(char c)
{
	return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

std::string_view localPart(std::string_view name)
{
	size_t colon = name.rfind(':');
	return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

void appendUtf8(uint32_t cp, std::string &out)
{
	if (cp < 0x80) {
		out += static_cast<char>(cp);
	} else if (cp < 0x800) {
		out += static_cast<char>(0xc0 | cp >> 6);
		out += static_cast<char>(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out += static_cast<char>(0xe0 | cp >> 12);
		out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	} else {
		out += static_cast<char>(0xf0 | cp >> 18);
		out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
		out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	}
}

} /* namespace */

std::string_view XmlAttribute::localName() const
{
	return localPart(name);
}

XmlReader::XmlReader(std::string_view text, XmlLimits limits) : text_(text), limits_(limits)
{
	if (text_.starts_with("\xef\xbb\xbf"))
		pos_ = 3;
}

std::string_view XmlReader::localName() const
{
	return localPart(name_);
}

const std::string *XmlReader::attribute(std::string_view localName) const
{
	for (const XmlAttribute &a : attributes_) {
		if (a.localName() == localName)
			return &a.value;
	}
	return nullptr;
}

XmlReader::Token XmlReader::fail(std::string message)
{
	failed_ = true;
	error_ = std::move(message);
	return Token::Error;
}

size_t XmlReader::line() const
{
	size_t end = std::min(pos_, text_.size());
	return 1 + std::count(text_.begin(), text_.begin() + end, '\n');
}

bool XmlReader::skipPast(std::string_view terminator)
{
	size_t end = text_.find(terminator, pos_);
	if (end == std::string_view::npos)
		return false;
	pos_ = end + terminator.size();
	return true;
}

void XmlReader::skipSpace()
{
	while (pos_ < text_.size() && isSpace(text_[pos_]))
		pos_++;
}

bool XmlReader::readName(std::string_view &name)
{
	size_t start = pos_;
	if (pos_ >= text_.size() || !isNameStart(text_[pos_]))
		return false;
	while (pos_ < text_.size() && isNameChar(text_[pos_]))
		pos_++;
	name = text_.substr(start, pos_ - start);
	return true;
}

bool XmlReader::decode(std::string_view raw, std::string &out)
{
	out.clear();
	out.reserve(raw.size());
	for (size_t i = 0; i < raw.size();) {
		char c = raw[i];
		if (c == '<') {
			error_ = "'<' in an attribute value";
			return false;
		}
		if (c != '&') {
			out += c;
			i++;
			continue;
		}
		size_t semi = raw.find(';', i);
		if (semi == std::string_view::npos || semi - i > 12) {
			error_ = "unterminated entity reference";
			return false;
		}
		std::string_view entity = raw.substr(i + 1, semi - i - 1);
		i = semi + 1;
		if (entity == "amp") {
			out += '&';
		} else if (entity == "lt") {
			out += '<';
		} else if (entity == "gt") {
			out += '>';
		} else if (entity == "quot") {
			out += '"';
		} else if (entity == "apos") {
			out += '\'';
		} else if (entity.starts_with('#')) {
			std::string_view digits = entity.substr(1);
			int base = 10;
			if (digits.starts_with('x')) {
				digits.remove_prefix(1);
				base = 16;
			}
			uint32_t cp = 0;
			auto [end, ec] = std::from_chars(digits.data(),
							 digits.data() + digits.size(), cp, base);
			bool valid = !digits.empty() && ec == std::errc()
				&& end == digits.data() + digits.size() && cp != 0 && cp <= 0x10ffff
				&& !(cp >= 0xd800 && cp <= 0xdfff);
			if (!valid) {
				error_ = "invalid character reference &" + std::string(entity)
					+ ";";
				return false;
			}
			appendUtf8(cp, out);
		} else {
			error_ = "unknown entity &" + std::string(entity) + ";";
			return false;
		}
	}
	return true;
}

bool XmlReader::readAttributes(bool &selfClosing)
{
	attributes_.clear();
	for (;;) {
		size_t before = pos_;
		skipSpace();
		if (pos_ >= text_.size()) {
			error_ = "unterminated start tag <" + std::string(name_) + ">";
			return false;
		}
		if (text_[pos_] == '>') {
			pos_++;
			selfClosing = false;
			return true;
		}
		if (text_.substr(pos_).starts_with("/>")) {
			pos_ += 2;
			selfClosing = true;
			return true;
		}
		std::string_view attrName;
		if (pos_ == before || !readName(attrName)) {
			error_ = "malformed attribute in <" + std::string(name_) + ">";
			return false;
		}
		skipSpace();
		if (pos_ >= text_.size() || text_[pos_] != '=') {
			error_ = "attribute " + std::string(attrName) + " has no value";
			return false;
		}
		pos_++;
		skipSpace();
		if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
			error_ = "attribute " + std::string(attrName) + " value is not quoted";
			return false;
		}
		char quote = text_[pos_++];
		size_t end = text_.find(quote, pos_);
		if (end == std::string_view::npos) {
			error_ = "unterminated value of attribute " + std::string(attrName);
			return false;
		}
		XmlAttribute attr {attrName, {}};
		if (!decode(text_.substr(pos_, end - pos_), attr.value)) {
			error_ += " in attribute " + std::string(attrName);
			return false;
		}
		pos_ = end + 1;
		attributes_.push_back(std::move(attr));
	}
}

XmlReader::Token XmlReader::next()
{
	if (failed_)
		return Token::Error;
	if (pendingEnd_) {
		pendingEnd_ = false;
		depth_ = open_.size() + 1;
		return Token::EndElement;
	}
	attributes_.clear();

	for (;;) {
		size_t lt = text_.find('<', pos_);
		std::string_view chars = text_.substr(
			pos_, lt == std::string_view::npos ? std::string_view::npos : lt - pos_);
		if (open_.empty()
		    && !std::all_of(chars.begin(), chars.end(), [](char c) { return isSpace(c); }))
			return fail(rootSeen_ ? "text after the root element"
					      : "text before the root element");
		if (lt == std::string_view::npos) {
			pos_ = text_.size();
			if (!open_.empty())
				return fail("document ends inside <" + std::string(open_.back())
					    + ">");
			if (!rootSeen_)
				return fail("no root element");
			return Token::EndOfDocument;
		}
		pos_ = lt;
		std::string_view rest = text_.substr(pos_);

		if (rest.starts_with("<?")) {
			if (!skipPast("?>"))
				return fail("unterminated processing instruction");
			continue;
		}
		if (rest.starts_with("<!--")) {
			pos_ += 4;
			if (!skipPast("-->"))
				return fail("unterminated comment");
			continue;
		}
		if (rest.starts_with("<![CDATA[")) {
			if (open_.empty())
				return fail("CDATA section outside the root element");
			if (!skipPast("]]>"))
				return fail("unterminated CDATA section");
			continue;
		}
		if (rest.starts_with("<!DOCTYPE"))
			return fail("DOCTYPE declarations are not accepted");
		if (rest.starts_with("<!"))
			return fail("unexpected markup declaration");

		if (rest.starts_with("</")) {
			pos_ += 2;
			std::string_view endName;
			if (!readName(endName))
				return fail("malformed end tag");
			skipSpace();
			if (pos_ >= text_.size() || text_[pos_] != '>')
				return fail("unterminated end tag </" + std::string(endName) + ">");
			pos_++;
			if (open_.empty())
				return fail("end tag </" + std::string(endName)
					    + "> without a start tag");
			if (open_.back() != endName)
				return fail("end tag </" + std::string(endName)
					    + "> does not match <" + std::string(open_.back())
					    + ">");
			depth_ = open_.size();
			open_.pop_back();
			name_ = endName;
			return Token::EndElement;
		}

		pos_++;
		if (!readName(name_))
			return fail("malformed start tag");
		if (open_.empty() && rootSeen_)
			return fail("second root element <" + std::string(name_) + ">");
		if (open_.size() >= limits_.maxDepth)
			return fail("elements nested deeper than "
				    + std::to_string(limits_.maxDepth) + " levels");
		if (++elements_ > limits_.maxElements)
			return fail("more than " + std::to_string(limits_.maxElements)
				    + " elements");
		bool selfClosing = false;
		if (!readAttributes(selfClosing))
			return fail(error_);
		rootSeen_ = true;
		depth_ = open_.size() + 1;
		if (selfClosing)
			pendingEnd_ = true;
		else
			open_.push_back(name_);
		return Token::StartElement;
	}
}

} /* namespace sluice */
