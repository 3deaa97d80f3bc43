#pragma once
/// \file yaml_reader.hpp
/// Internal: typed, checked reading of a YAML tree with error messages that name the file, the line,
/// the field path and the constraint: "<file>:<line>: <path>: <what> is <value>, but must be <c>".
///
/// A MapReader remembers every key it was asked about (present or not); finish() reports any other
/// key in the map as unknown, with the closest known key as a did-you-mean.

#include <yaml-cpp/yaml.h>

#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kp::cases::detail {

/// Where values come from: the file name, and which dotted paths were set by --set.
struct Source {
    std::string file;
    std::vector<std::string> overridden;
};

/// A numeric constraint with its text for messages.
struct Range {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool loOpen = false, hiOpen = false;
    std::string text;  ///< e.g. "> 0", "in [0, 1]"; empty: any finite number

    bool contains(double v) const;
    static Range any() { return {}; }
    static Range positive() { return {0, std::numeric_limits<double>::infinity(), true, false, "> 0"}; }
    static Range nonNegative() { return {0, std::numeric_limits<double>::infinity(), false, false, ">= 0"}; }
    static Range unit() { return {0, 1, false, false, "in [0, 1]"}; }
    static Range correlation() { return {-1, 1, false, false, "in [-1, 1]"}; }
    static Range between(double lo, double hi, std::string text) { return {lo, hi, false, false, std::move(text)}; }
};

/// A node with its dotted path, for reading one value.
class Field {
public:
    Field(const Source& src, YAML::Node node, std::string path, int fallbackLine)
        : src_(&src), node_(std::move(node)), path_(std::move(path)), fallbackLine_(fallbackLine) {}

    const YAML::Node& node() const { return node_; }
    const std::string& path() const { return path_; }
    int line() const;
    /// "<file>:<line>: <path>" (plus "(--set ...)" when the value came from an override).
    std::string where() const;
    [[noreturn]] void fail(const std::string& what, const std::string& value,
                           const std::string& constraint) const;

    /// The scalar text as written (for messages).
    std::string text() const;
    double number(const Range& r = Range::any(), const std::string& unit = "") const;
    int integer(const Range& r = Range::any(), const std::string& unit = "") const;
    bool boolean() const;
    std::string string() const;
    /// One of `choices`, with a did-you-mean.
    std::string choice(const std::vector<std::string>& choices) const;
    const Source& source() const { return *src_; }

private:
    const Source* src_;
    YAML::Node node_;
    std::string path_;
    int fallbackLine_;
};

class MapReader {
public:
    /// Fails unless `f` is a map (or absent/null when `allowNull`, read as empty).
    explicit MapReader(const Field& f, bool allowNull = false);

    const Field& self() const { return self_; }
    bool has(const std::string& key);
    /// Required field; fails "the field is missing" naming `expect`.
    Field get(const std::string& key, const std::string& expect);
    std::optional<Field> opt(const std::string& key);
    MapReader map(const std::string& key, const std::string& expect);
    std::optional<MapReader> optMap(const std::string& key);

    double number(const std::string& key, const Range& r, const std::string& unit);
    double number(const std::string& key, double dflt, const Range& r, const std::string& unit);
    int integer(const std::string& key, const Range& r, const std::string& unit);
    int integer(const std::string& key, int dflt, const Range& r, const std::string& unit);
    bool boolean(const std::string& key, bool dflt);
    std::string string(const std::string& key, const std::string& dflt);
    std::string choice(const std::string& key, const std::vector<std::string>& choices,
                       const std::string& dflt);

    /// All keys in file order (for maps of user-named entries).
    std::vector<std::string> keys() const;
    /// Reports the first key never asked about.
    void finish() const;

private:
    Field self_;
    std::set<std::string> known_;
    std::vector<std::string> knownOrder_;
    void remember(const std::string& key);
    /// A present key never asked about, close to `key` (a misspelling of a missing field), or "".
    std::string misspelt(const std::string& key) const;
    [[noreturn]] void unknownKey(const YAML::Node& keyNode, const std::string& key,
                                 const std::string& suggestion) const;
};

/// Parses YAML text of `file` after a scan of its events: a key given twice in one map is an error
/// naming both lines, nesting deeper than 64 levels is refused, and `shared` (if given) receives the
/// dotted paths (and lines) of anchored and aliased nodes. Throws kp::InvalidInput.
YAML::Node parseYaml(const std::string& file, const std::string& text,
                     std::vector<std::pair<std::string, int>>* shared = nullptr);
/// parseYaml of a file read whole (kp::io::readInputFile, at most kp::io::kMaxYamlBytes); `kind`
/// names it in messages ("case file").
YAML::Node loadYamlFile(const std::string& path, const std::string& kind,
                        std::vector<std::pair<std::string, int>>* shared = nullptr);

/// Parses a YAML file (loadYamlFile) and applies the --set overrides in order; `overridden`
/// receives their paths. An override of a node shared through an anchor or alias is refused.
YAML::Node loadYaml(const std::string& path, const std::string& kind, const std::vector<std::string>& overrides,
                    std::vector<std::string>& overridden);

/// "did you mean 'x'?" part, or "" when nothing is close.
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates);
std::string joinNames(const std::vector<std::string>& names);
std::string formatNumber(double v);
std::string joinPath(const std::string& path, const std::string& key);
/// The components of a dotted field path ("options.x.hedge" -> options, x, hedge); empty
/// components are kept (the callers refuse them with their own messages).
std::vector<std::string> splitDotted(const std::string& path);

/// At most 40 characters of `text`, control characters escaped (\xNN), "..." if cut: the only
/// part of an input's contents an error message shows.
std::string excerpt(const std::string& text);
std::string expectText(const std::string& kind, const Range& r, const std::string& unit);

}  // namespace kp::cases::detail
