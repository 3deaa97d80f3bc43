#include "yaml_reader.hpp"

#include <cmath>
#include <sstream>

#include "kp/cases/case_file.hpp"
#include "kp/core/errors.hpp"

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
    if (node_.IsScalar()) return "'" + node_.Scalar() + "'";
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
    if (!r.contains(v)) fail("the value", node_.Scalar(), (r.text.empty() ? std::string("finite") : r.text) + (unit.empty() ? "" : " (" + unit + ")"));
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
    if (!r.contains(v)) fail("the value", node_.Scalar(), (r.text.empty() ? std::string("finite") : r.text) + (unit.empty() ? "" : " (" + unit + ")"));
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
    fail("the value", "'" + s + "'", "one of " + joinNames(choices) + (dym.empty() ? "" : " (" + dym + ")"));
}

MapReader::MapReader(const Field& f, bool allowNull) : self_(f) {
    if (allowNull && (!f.node() || f.node().IsNull())) return;
    if (!f.node() || !f.node().IsMap()) f.fail("the value", f.text(), "a map of fields");
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
    Field f(self_.source(), keyNode, joinPath(self_.path(), key), line);
    if (!suggestion.empty())  // found while looking for a missing field: the list of fields is not complete yet
        f.fail("the key '" + key + "'", "unknown",
               "a field of " + (self_.path().empty() ? std::string("the case") : self_.path()) +
                   " (did you mean '" + suggestion + "'?)");
    const std::string dym = didYouMean(key, knownOrder_);
    f.fail("the key '" + key + "'", "unknown",
           "one of " + joinNames(knownOrder_) + (dym.empty() ? "" : " (" + dym + ")"));
}

YAML::Node loadYaml(const std::string& path, const std::string& kind, const std::vector<std::string>& overrides,
                    std::vector<std::string>& overridden) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        ::kp::detail::throwInvalid(path, ": the ", kind, " is not readable, but must be a readable YAML file");
    } catch (const YAML::ParserException& e) {
        ::kp::detail::throwInvalid(path, ":", e.mark.line + 1, ": the YAML is malformed (", e.msg,
                                   "), but must be valid YAML");
    }
    for (const auto& o : overrides) {
        try {
            applyOverride(root, o);
        } catch (const InvalidInput& e) {
            throw InvalidInput(path + ": " + e.what());
        }
        overridden.push_back(o.substr(0, o.find('=')));
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
