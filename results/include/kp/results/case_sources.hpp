#pragma once
/// \file case_sources.hpp
/// The sources and assumptions a case file carries in its comments, for the report's section
/// "Assumptions and sources" (results/src/report.cpp).
///
/// The example cases tag their numbers in YAML comments: `[src]`, `[secondary]`, `[computed]`,
/// `[derived]`, `FACTS.md N` (data/FACTS.md), `unconfirmed` and `ASSUMPTION`. caseSourceNotes reads
/// the file's text line by line (not through the YAML parser, which drops comments): the key path
/// of each commented line from its indentation, the value written there, and the comment, with the
/// comment lines that continue it (a comment-only line, or a lowercase comment on the next key, at
/// the same column as the comment before it) joined on. A comment-only block of its own is listed
/// under its enclosing section. The file's header (the comments before its first key) is a legend,
/// not a note, and is left out; so is the text of block scalars (`description: >`).
/// Limitations: flow mappings and sequences are read as one value; keys are not unquoted.
/// Tested by tests/results/results_test.cpp on a fixed case text.

#include <string>
#include <vector>

namespace kp::results {

/// One commented line (or block) of a case file that carries a source tag or ASSUMPTION.
struct SourceNote {
    int line = 0;         ///< 1-based line of the key (of the first comment line for a comment of its own)
    std::string key;      ///< dotted key path, e.g. "factors.co2.parameters.kappa"; "" at the top level
    std::string value;    ///< as written on that line ("" for a section or a comment of its own)
    std::string comment;  ///< the comment without '#', continuation lines joined by a space
    bool assumption = false;  ///< the comment says ASSUMPTION or unconfirmed: a modelling choice, not a sourced fact
};

/// The notes of a case file's text, in file order; empty when no comment carries a tag.
std::vector<SourceNote> caseSourceNotes(const std::string& text);

}  // namespace kp::results
