#include "kp/results/case_sources.hpp"

#include <cctype>
#include <cstddef>
#include <sstream>
#include <utility>

namespace kp::results {

namespace {

/// One line of YAML split into its content and its comment.
struct YamlLine {
    std::string content;  ///< without the comment, trailing blanks removed
    std::string comment;  ///< after '#', trimmed
    std::size_t indent = 0;
    std::size_t hashColumn = 0;
    bool hasComment = false;
};

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string::npos) return "";
    const auto b = s.find_last_not_of(" \t");
    return s.substr(a, b - a + 1);
}

/// A quote opens a quoted scalar only where a scalar starts (after ':', '-', '[', '{', ',' or at
/// the start); an apostrophe inside a plain scalar ("Tata's") does not.
bool opensQuote(const std::string& s, std::size_t i) {
    std::size_t k = i;
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t')) --k;
    return k == 0 || s[k - 1] == ':' || s[k - 1] == '-' || s[k - 1] == '[' || s[k - 1] == '{' || s[k - 1] == ',';
}

YamlLine splitLine(std::string raw) {
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    YamlLine l;
    char quote = 0;
    std::size_t hash = std::string::npos;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char ch = raw[i];
        if (quote) {
            if (ch == quote) quote = 0;
        } else if ((ch == '"' || ch == '\'') && opensQuote(raw, i)) {
            quote = ch;
        } else if (ch == '#' && (i == 0 || raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
            hash = i;
            break;
        }
    }
    l.content = raw.substr(0, hash);
    l.content.erase(l.content.find_last_not_of(" \t") + 1);  // npos + 1 == 0: all blank
    l.indent = l.content.find_first_not_of(' ');
    if (l.indent == std::string::npos) l.indent = 0;
    if (hash != std::string::npos) {
        l.hasComment = true;
        l.hashColumn = hash;
        l.comment = trim(raw.substr(hash + 1));
    }
    return l;
}

bool hasTag(const std::string& c) {
    for (const char* t : {"[src]", "[secondary]", "[computed]", "[derived]", "FACTS.md", "ASSUMPTION", "unconfirmed"})
        if (c.find(t) != std::string::npos) return true;
    return false;
}

/// A comment on the next key that goes on with the one above it: the one above does not end a
/// sentence, and this one starts in lower case or with a parenthesis.
bool continues(const std::string& above, const std::string& c) {
    if (above.empty() || c.empty() || above.back() == '.') return false;
    return std::islower(static_cast<unsigned char>(c.front())) || c.front() == '(';
}

std::string joinPath(const std::vector<std::pair<std::size_t, std::string>>& stack, std::size_t upTo) {
    std::string p;
    for (std::size_t i = 0; i < upTo; ++i) p += (p.empty() ? "" : ".") + stack[i].second;
    return p;
}

}  // namespace

std::vector<SourceNote> caseSourceNotes(const std::string& text) {
    struct Open {
        SourceNote note;
        bool header = false;  ///< the file's header: a legend, not a note
        bool ownLine = false;  ///< a comment of its own (no key on its line)
        int indent = 0;        ///< of its key, or of its '#' for a comment of its own
    };
    std::vector<Open> notes;
    std::vector<std::pair<std::size_t, std::string>> stack;  // (indent, key) of the enclosing keys
    bool seenKey = false;
    int lastCommentLine = -1;  // the line the last note's comment was extended on
    std::size_t lastColumn = 0;
    std::size_t blockIndent = std::string::npos;  // inside a block scalar indented more than this
    std::istringstream in(text);
    std::string raw;
    for (int n = 1; std::getline(in, raw); ++n) {
        const YamlLine l = splitLine(raw);
        if (blockIndent != std::string::npos) {
            const bool blank = raw.find_first_not_of(" \t\r") == std::string::npos;
            if (blank || raw.find_first_not_of(' ') > blockIndent) continue;
            blockIndent = std::string::npos;
        }
        const bool adjacent = !notes.empty() && lastCommentLine == n - 1 && l.hasComment;
        if (l.content.empty()) {
            if (!l.hasComment) continue;  // a blank line ends any continuation (lastCommentLine stays behind)
            // a comment line goes on with the comment above it when it sits to the right of that
            // comment's key (at or right of a comment of its own)
            const Open* o = adjacent ? &notes.back() : nullptr;
            const int column = static_cast<int>(l.hashColumn);
            if (o && (o->ownLine ? column >= o->indent : column > o->indent)) {
                notes.back().note.comment += " " + l.comment;
            } else {  // a comment of its own, listed under the section it sits in
                std::size_t depth = stack.size();
                while (depth > 0 && stack[depth - 1].first >= l.hashColumn) --depth;
                notes.push_back({{n, joinPath(stack, depth), "", l.comment, false}, !seenKey, true, column});
            }
            lastCommentLine = n;
            lastColumn = l.hashColumn;
            continue;
        }
        const std::string body = l.content.substr(l.indent);
        std::string key, value;
        std::size_t depth = stack.size();
        if (body == "-" || body.rfind("- ", 0) == 0) {  // a sequence item: listed under its sequence
            value = trim(body.substr(1));
            while (depth > 0 && stack[depth - 1].first > l.indent) --depth;
            stack.resize(depth);
        } else {
            std::size_t colon = body.find(": ");
            if (colon == std::string::npos && body.back() == ':') colon = body.size() - 1;
            while (depth > 0 && stack[depth - 1].first >= l.indent) --depth;
            stack.resize(depth);
            if (colon != std::string::npos) {
                key = trim(body.substr(0, colon));
                value = trim(body.substr(colon + 1));
                stack.emplace_back(l.indent, key);
                seenKey = true;
                if (!value.empty() && (value[0] == '>' || value[0] == '|')) blockIndent = l.indent;
            } else {
                value = body;  // the rest of a flow value written over several lines
            }
        }
        if (!l.hasComment) continue;
        // a comment on a key inside the commented key's section, in the same column (give or take
        // two), may go on with that key's comment
        const Open* o = adjacent ? &notes.back() : nullptr;
        const bool sameColumn = l.hashColumn + 2 >= lastColumn && lastColumn + 2 >= l.hashColumn;
        if (o && !o->ownLine && static_cast<int>(l.indent) > o->indent && sameColumn &&
            continues(o->note.comment, l.comment)) {
            notes.back().note.comment += " " + l.comment;
        } else {
            notes.push_back({{n, joinPath(stack, stack.size()), value, l.comment, false}, false, false,
                             static_cast<int>(l.indent)});
        }
        lastCommentLine = n;
        lastColumn = l.hashColumn;
    }
    std::vector<SourceNote> out;
    for (auto& o : notes) {
        if (o.header || !hasTag(o.note.comment)) continue;
        const std::string& c = o.note.comment;
        o.note.assumption = c.find("ASSUMPTION") != std::string::npos || c.find("unconfirmed") != std::string::npos;
        out.push_back(std::move(o.note));
    }
    return out;
}

}  // namespace kp::results
