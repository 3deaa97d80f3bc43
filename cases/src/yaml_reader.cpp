#include "yaml_reader.hpp"

#include <cmath>
#include <sstream>
#include <yaml-cpp/eventhandler.h>

#include "kp/cases/case_file.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/input_file.hpp"

namespace kp::cases {

std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

namespace detail {

std::string formatNumber(double v) {
    std::ostringstream os;
    os.precision(12);
    os << v;
    return os.str();
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
    return s;
}

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
    std::size_t best = std::string::npos;
    std::string bestName;
    for (const auto& c : candidates) {
        const std::size_t d = editDistance(word, c);
        if (d < best) {
            best = d;
            bestName = c;
        }
    }
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    if (bestName.empty() || best > limit) return "";
    return "did you mean '" + bestName + "'?";
}

std::string expectText(const std::string& kind, const Range& r, const std::string& unit) {
    return kind + (r.text.empty() ? "" : " " + r.text) + (unit.empty() ? "" : " (" + unit + ")");
}

std::string excerpt(const std::string& text) {
    constexpr std::size_t kMax = 40;
    std::string o;
    for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            static const char* hex = "0123456789abcdef";
            o += "\\x";
            o += hex[c >> 4];
            o += hex[c & 15];
        } else {
            o += static_cast<char>(c);
        }
    }
    if (text.size() > kMax) o += "...";
    return o;
}

std::string joinPath(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

bool Range::contains(double v) const {
    if (!std::isfinite(v)) return false;
    if (loOpen ? v <= lo : v < lo) return false;
    if (hiOpen ? v >= hi : v > hi) return false;
    return true;
}

int Field::line() const {
    if (node_ && node_.Mark().line >= 0 && !node_.Mark().is_null()) return node_.Mark().line + 1;
    return fallbackLine_;
}

std::string Field::where() const {
    std::string overriddenBy;
    for (const auto& o : src_->overridden)
        if (path_ == o || path_.rfind(o + ".", 0) == 0 || o.rfind(path_ + ".", 0) == 0) {
            overriddenBy = o;
            break;
        }
    if (!overriddenBy.empty()) return src_->file + " (--set " + overriddenBy + "): " + path_;
    return src_->file + ":" + std::to_string(line()) + ": " + path_;
}

void Field::fail(const std::string& what, const std::string& value,
                 const std::string& constraint) const {
    ::kp::detail::throwInvalid(where(), ": ", what, " is ", value, ", but must be ", constraint);
}

std::string Field::text() const {
    if (!node_ || node_.IsNull()) return "missing";
    if (node_.IsScalar()) return "'" + excerpt(node_.Scalar()) + "'";
    if (node_.IsSequence()) return "a list";
    if (node_.IsMap()) return "a map";
    return "undefined";
}

double Field::number(const Range& r, const std::string& unit) const {
    const std::string expect = expectText("a number", r, unit);
    if (!node_ || !node_.IsScalar()) fail("the value", text(), expect);
    double v = 0;
    try {
        v = node_.as<double>();
    } catch (const YAML::Exception&) {
        fail("the value", text(), expect);
    }
    if (!r.contains(v)) fail("the value", excerpt(node_.Scalar()), (r.text.empty() ? std::string("finite") : r.text) + (unit.empty() ? "" : " (" + unit + ")"));
    return v;
}

int Field::integer(const Range& r, const std::string& unit) const {
    const std::string expect = expectText("an integer", r, unit);
    if (!node_ || !node_.IsScalar()) fail("the value", text(), expect);
    double v = 0;
    try {
        v = node_.as<double>();
    } catch (const YAML::Exception&) {
        fail("the value", text(), expect);
    }
    if (v != std::floor(v) || std::abs(v) > 2e9) fail("the value", text(), expect);
    if (!r.contains(v)) fail("the value", excerpt(node_.Scalar()), (r.text.empty() ? std::string("finite") : r.text) + (unit.empty() ? "" : " (" + unit + ")"));
    return static_cast<int>(v);
}

bool Field::boolean() const {
    if (!node_ || !node_.IsScalar()) fail("the value", text(), "true or false");
    try {
        return node_.as<bool>();
    } catch (const YAML::Exception&) {
        fail("the value", text(), "true or false");
    }
}

std::string Field::string() const {
    if (!node_ || !node_.IsScalar()) fail("the value", text(), "a string");
    return node_.Scalar();
}

std::string Field::choice(const std::vector<std::string>& choices) const {
    const std::string s = string();
    for (const auto& c : choices)
        if (s == c) return s;
    const std::string dym = didYouMean(s, choices);
    fail("the value", "'" + excerpt(s) + "'", "one of " + joinNames(choices) + (dym.empty() ? "" : " (" + dym + ")"));
}

MapReader::MapReader(const Field& f, bool allowNull) : self_(f) {
    if (allowNull && (!f.node() || f.node().IsNull())) return;
    if (!f.node() || !f.node().IsMap()) {
        // the top of a file that is not YAML of this kind (e.g. a text file): never echo its contents
        if (f.path().empty())
            ::kp::detail::throwInvalid(f.source().file, ": the file is ",
                                       !f.node() || f.node().IsNull() ? std::string("empty (no YAML fields in its first document)")
                                       : f.node().IsScalar()          ? std::string("plain text, not YAML fields")
                                                                      : std::string("a YAML list"),
                                       ", but must be a YAML map of fields");
        f.fail("the value", f.text(), "a map of fields");
    }
}

void MapReader::remember(const std::string& key) {
    if (known_.insert(key).second) knownOrder_.push_back(key);
}

bool MapReader::has(const std::string& key) {
    remember(key);
    if (!self_.node() || !self_.node().IsMap()) return false;
    const YAML::Node n = self_.node()[key];
    return n && !n.IsNull();
}

std::optional<Field> MapReader::opt(const std::string& key) {
    if (!has(key)) return std::nullopt;
    return Field(self_.source(), self_.node()[key], joinPath(self_.path(), key), self_.line());
}

Field MapReader::get(const std::string& key, const std::string& expect) {
    auto f = opt(key);
    if (!f) {
        const std::string typo = misspelt(key);
        if (!typo.empty()) {
            for (const auto& kv : self_.node())
                if (kv.first.Scalar() == typo) unknownKey(kv.first, typo, key);
        }
        Field missing(self_.source(), YAML::Node(), joinPath(self_.path(), key), self_.line());
        // the line of the enclosing map: the field belongs there
        ::kp::detail::throwInvalid(self_.source().file, ":", self_.line(), ": ", missing.path(),
                                   ": the field is missing, but must be given (", expect, ")");
    }
    return *f;
}

MapReader MapReader::map(const std::string& key, const std::string& expect) {
    return MapReader(get(key, expect));
}

std::optional<MapReader> MapReader::optMap(const std::string& key) {
    auto f = opt(key);
    if (!f) return std::nullopt;
    return MapReader(*f);
}

double MapReader::number(const std::string& key, const Range& r, const std::string& unit) {
    return get(key, expectText("a number", r, unit)).number(r, unit);
}
double MapReader::number(const std::string& key, double dflt, const Range& r, const std::string& unit) {
    auto f = opt(key);
    return f ? f->number(r, unit) : dflt;
}
int MapReader::integer(const std::string& key, const Range& r, const std::string& unit) {
    return get(key, expectText("an integer", r, unit)).integer(r, unit);
}
int MapReader::integer(const std::string& key, int dflt, const Range& r, const std::string& unit) {
    auto f = opt(key);
    return f ? f->integer(r, unit) : dflt;
}
bool MapReader::boolean(const std::string& key, bool dflt) {
    auto f = opt(key);
    return f ? f->boolean() : dflt;
}
std::string MapReader::string(const std::string& key, const std::string& dflt) {
    auto f = opt(key);
    return f ? f->string() : dflt;
}
std::string MapReader::choice(const std::string& key, const std::vector<std::string>& choices,
                              const std::string& dflt) {
    auto f = opt(key);
    return f ? f->choice(choices) : dflt;
}

std::vector<std::string> MapReader::keys() const {
    std::vector<std::string> k;
    if (!self_.node() || !self_.node().IsMap()) return k;
    for (const auto& kv : self_.node()) k.push_back(kv.first.Scalar());
    return k;
}

std::string MapReader::misspelt(const std::string& key) const {
    if (!self_.node() || !self_.node().IsMap()) return "";
    for (const auto& kv : self_.node()) {
        const std::string k = kv.first.Scalar();
        if (known_.count(k)) continue;
        if (editDistance(k, key) <= std::max<std::size_t>(2, key.size() / 3)) return k;
    }
    return "";
}

void MapReader::unknownKey(const YAML::Node& keyNode, const std::string& key,
                           const std::string& suggestion) const {
    const int line = keyNode.Mark().is_null() ? self_.line() : keyNode.Mark().line + 1;
    Field f(self_.source(), keyNode, joinPath(self_.path(), excerpt(key)), line);
    if (!suggestion.empty())  // found while looking for a missing field: the list of fields is not complete yet
        f.fail("the key '" + excerpt(key) + "'", "unknown",
               "a field of " + (self_.path().empty() ? std::string("the case") : self_.path()) +
                   " (did you mean '" + suggestion + "'?)");
    const std::string dym = didYouMean(key, knownOrder_);
    f.fail("the key '" + excerpt(key) + "'", "unknown",
           "one of " + joinNames(knownOrder_) + (dym.empty() ? "" : " (" + dym + ")"));
}

namespace {

/// A scan of a YAML text's events (yaml-cpp's Parser), before it is loaded: duplicate keys (which
/// yaml-cpp accepts, the first one winning) are an error naming both lines; the dotted paths of
/// anchored and aliased nodes are recorded, so --set can refuse to change a shared node; nesting is
/// bounded.
class YamlScanner : public YAML::EventHandler {
public:
    explicit YamlScanner(std::string file) : file_(std::move(file)) {}
    std::vector<std::pair<std::string, int>> shared;  ///< (path, line) of anchors and aliases

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { leaf(m, a, "~", false); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { leaf(m, 0, "*", true); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string& v) override {
        leaf(m, a, v, false);
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
        open(m, a, false);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
        open(m, a, true);
    }
    void OnMapEnd() override { close(); }

private:
    struct Frame {
        bool map = false;
        bool asKey = false;  ///< a complex (map or list) key
        bool expectKey = true;
        std::string key;
        std::size_t index = 0;
        std::vector<std::pair<std::string, int>> keys;  ///< keys seen, with their lines
    };
    static constexpr std::size_t kMaxDepth = 64;
    std::string file_;
    std::vector<Frame> stack_;

    std::string path() const {
        std::string p;
        for (const auto& f : stack_)
            if (!(f.map && f.expectKey)) p = joinPath(p, f.map ? f.key : std::to_string(f.index));
        return p;
    }
    bool atKey() const { return !stack_.empty() && stack_.back().map && stack_.back().expectKey; }
    void key(const YAML::Mark& m, const std::string& k) {
        Frame& f = stack_.back();
        for (const auto& [seen, line] : f.keys)
            if (seen == k)
                ::kp::detail::throwInvalid(file_, ":", m.line + 1, ": ", joinPath(path(), k), ": the key '",
                                           k.size() > 40 ? k.substr(0, 40) + "..." : k, "' is given twice (lines ",
                                           line, " and ", m.line + 1, "), but must be given once");
        f.keys.emplace_back(k, m.line + 1);
        f.key = k;
        f.expectKey = false;
    }
    void done() {
        if (stack_.empty()) return;
        Frame& f = stack_.back();
        if (f.map) {
            f.expectKey = !f.expectKey;
            if (f.expectKey) f.key.clear();
        } else {
            ++f.index;
        }
    }
    void leaf(const YAML::Mark& m, YAML::anchor_t a, const std::string& v, bool alias) {
        if (atKey()) return key(m, alias ? "*alias" : v);
        if (a || alias) shared.emplace_back(path(), m.line + 1);
        done();
    }
    void open(const YAML::Mark& m, YAML::anchor_t a, bool map) {
        const bool asKey = atKey();
        if (!asKey && a) shared.emplace_back(path(), m.line + 1);
        if (stack_.size() >= kMaxDepth)
            ::kp::detail::throwInvalid(file_, ":", m.line + 1, ": the YAML is nested more than ", kMaxDepth,
                                       " levels deep, but must be nested at most ", kMaxDepth);
        Frame f;
        f.map = map;
        f.asKey = asKey;
        stack_.push_back(std::move(f));
    }
    void close() {
        if (stack_.empty()) return;
        const bool asKey = stack_.back().asKey;
        stack_.pop_back();
        if (asKey) {
            stack_.back().key = "?";
            stack_.back().expectKey = false;
        } else {
            done();
        }
    }
};

/// The dotted path of a --set assignment ("a.b=1" -> "a.b").
std::string overridePath(const std::string& assignment) { return assignment.substr(0, assignment.find('=')); }

}  // namespace

YAML::Node parseYaml(const std::string& file, const std::string& text,
                     std::vector<std::pair<std::string, int>>* shared) {
    YamlScanner scan(file);
    try {
        std::istringstream in(text);
        YAML::Parser parser(in);
        // the first document only, as YAML::Load reads (a loop over documents never ends on some
        // malformed inputs: yaml-cpp 0.7 reports a document without consuming the stray token; fuzz_case)
        parser.HandleNextDocument(scan);
        YAML::Node root = YAML::Load(text);
        if (shared) *shared = std::move(scan.shared);
        return root;
    } catch (const YAML::ParserException& e) {
        ::kp::detail::throwInvalid(file, ":", e.mark.line + 1, ": the YAML is malformed (", e.msg,
                                   "), but must be valid YAML");
    } catch (const YAML::Exception& e) {
        ::kp::detail::throwInvalid(file, ": the YAML cannot be read (", e.msg, "), but must be valid YAML");
    }
}

std::vector<std::string> splitDotted(const std::string& path) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const auto dot = path.find('.', start);
        parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) return parts;
        start = dot + 1;
    }
}

YAML::Node loadYamlFile(const std::string& path, const std::string& kind,
                        std::vector<std::pair<std::string, int>>* shared) {
    return parseYaml(path, io::readInputFile(path, kind, io::kMaxYamlBytes), shared);
}

YAML::Node loadYaml(const std::string& path, const std::string& kind, const std::vector<std::string>& overrides,
                    std::vector<std::string>& overridden) {
    std::vector<std::pair<std::string, int>> shared;
    YAML::Node root = loadYamlFile(path, kind, &shared);
    for (const auto& o : overrides) {
        // a node reached through an anchor or alias is shared: changing it would change every place
        // that uses it, so such an override is refused
        const std::string target = overridePath(o);
        for (const auto& [p, line] : shared)
            if (target == p || target.rfind(p + ".", 0) == 0 || (p.empty()))
                ::kp::detail::throwInvalid(path, ":", line, ": --set ", target, ": the field is ",
                                           p.empty() ? std::string("in the document") : "in '" + p + "'",
                                           ", which is shared through a YAML anchor or alias, but must not be "
                                           "shared (an override would change every place that uses it: write "
                                           "the field out in full)");
        try {
            applyOverride(root, o);
        } catch (const InvalidInput& e) {
            throw InvalidInput(path + ": " + e.what());
        }
        overridden.push_back(target);
    }
    return root;
}

void MapReader::finish() const {
    if (!self_.node() || !self_.node().IsMap()) return;
    for (const auto& kv : self_.node()) {
        const std::string key = kv.first.Scalar();
        if (!known_.count(key)) unknownKey(kv.first, key, "");
    }
}

}  // namespace detail
}  // namespace kp::cases
