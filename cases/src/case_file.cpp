
#include "kp/cases/case_file.hpp"
#include "kp/cases/factor_outlook.hpp"

#include <yaml-cpp/yaml.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <cstdlib>
#include <set>
#include <sstream>

#include "kp/cases/ngfs.hpp"
#include "kp/cases/scenario.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/input_file.hpp"
#include <sys/stat.h>
#include "path_fields.hpp"
#include "yaml_reader.hpp"

namespace kp::cases {

using detail::Field;
using detail::formatNumber;
using detail::joinNames;
using detail::MapReader;
using detail::Range;
using detail::Source;

// ---------------------------------------------------------------------------------------------
// small value types

double DiscountCurve::rate(double t) const {
    const double year = startYear + t;
    auto hi = zeroRates.lower_bound(static_cast<int>(std::ceil(year)));
    if (hi == zeroRates.begin()) return hi->second;
    if (hi == zeroRates.end()) return std::prev(hi)->second;
    auto lo = std::prev(hi);
    if (year <= lo->first) return lo->second;
    const double w = (year - lo->first) / static_cast<double>(hi->first - lo->first);
    return lo->second + w * (hi->second - lo->second);
}

std::size_t Factor::brownianDimensions() const {
    switch (model) {
        case FactorModel::Constant:
        case FactorModel::Derived:
            return 0;
        case FactorModel::SchwartzSmith:
            return 2;
        default:
            return 1;
    }
}

double Factor::spot() const {
    switch (model) {
        case FactorModel::Constant: return constant;
        case FactorModel::Gbm: return gbm.spot;
        case FactorModel::Ou: return ou.spot;
        case FactorModel::SchwartzSmith: return std::exp(schwartzSmith.chi0 + schwartzSmith.xi0);
        case FactorModel::Jump: return jump.spot;
        case FactorModel::Derived: return std::numeric_limits<double>::quiet_NaN();
    }
    return 0;
}

ModelPtr Factor::makeModel() const {
    switch (model) {
        case FactorModel::Gbm:
            if (hasPath()) {
                AnchoredGbmParams p;
                p.times = path.times, p.levels = path.levels, p.mean = path.mean;
                p.spot = gbm.spot, p.vol = gbm.vol;  // scenarios adjust these
                return std::make_shared<AnchoredGbm>(p);
            }
            return std::make_shared<Gbm>(gbm);
        case FactorModel::Ou:
            if (hasPath()) {  // an exp-OU around the path
                AnchoredGbmParams p;
                p.times = path.times, p.levels = path.levels, p.mean = path.mean;
                p.spot = ou.spot, p.vol = ou.sigma, p.kappa = ou.kappa;  // scenarios adjust these
                return std::make_shared<AnchoredGbm>(p);
            }
            return std::make_shared<ExpOu>(ou);
        // with a path the long-term factor follows it (SchwartzSmith) or the mean does (MertonJump);
        // an empty path is each model's own trend
        case FactorModel::SchwartzSmith: return std::make_shared<SchwartzSmith>(schwartzSmith, path);
        case FactorModel::Jump: return std::make_shared<MertonJump>(jump, path);
        default: return nullptr;
    }
}

const Factor* CaseFile::factor(const std::string& n) const {
    for (const auto& f : factors)
        if (f.name == n) return &f;
    return nullptr;
}
const Maturity* CaseFile::findMaturity(const std::string& n) const {
    for (const auto& m : maturity)
        if (m.name == n) return &m;
    return nullptr;
}
const Infrastructure* CaseFile::findInfrastructure(const std::string& n) const {
    for (const auto& i : infrastructure)
        if (i.name == n) return &i;
    return nullptr;
}
const Technology* CaseFile::option(const std::string& n) const {
    for (const auto& o : options)
        if (o.name == n) return &o;
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// --set

void applyOverride(YAML::Node& root, const std::string& assignment) {
    const auto eq = assignment.find('=');
    KP_REQUIRE(eq != std::string::npos && eq > 0, "--set: the override is '", assignment,
               "', but must be path=value (e.g. policy.co2_levy.enabled=false)");
    const std::string path = assignment.substr(0, eq);
    const std::string valueText = assignment.substr(eq + 1);
    const std::vector<std::string> parts = detail::splitDotted(path);
    for (const auto& p : parts)
        KP_REQUIRE(!p.empty(), "--set ", path, ": a path component is empty, but must be a key");
    YAML::Node value;
    try {
        value = YAML::Load(valueText);
    } catch (const YAML::Exception& e) {
        ::kp::detail::throwInvalid("--set ", path, ": the value is '", valueText,
                                   "', but must be valid YAML (", e.msg, ")");
    }
    if (!root || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    // walk with fresh handles: assigning to a handle rebinds it, so never assign to `cur` itself
    std::vector<YAML::Node> chain{root};
    for (std::size_t i = 0; i < parts.size(); ++i) {
        YAML::Node cur = chain.back();
        const std::string& key = parts[i];
        const bool last = i + 1 == parts.size();
        if (cur.IsSequence()) {
            char* end = nullptr;
            const long idx = std::strtol(key.c_str(), &end, 10);
            KP_REQUIRE(*end == '\0' && idx >= 0 && static_cast<std::size_t>(idx) < cur.size(), "--set ",
                       path, ": the list index is '", key, "', but must be in [0, ", cur.size(), ")");
            if (last) {
                cur[static_cast<std::size_t>(idx)] = value;
                return;
            }
            chain.push_back(cur[static_cast<std::size_t>(idx)]);
            continue;
        }
        KP_REQUIRE(cur.IsMap() || cur.IsNull(), "--set ", path, ": '", key,
                   "' is below a scalar, but must be below a map or list");
        if (last) {
            cur[key] = value;
            return;
        }
        if (!cur[key] || cur[key].IsNull()) cur[key] = YAML::Node(YAML::NodeType::Map);
        chain.push_back(cur[key]);
    }
}

// ---------------------------------------------------------------------------------------------
// reading

namespace {

/// Most technology options (stages included) a case may have.
constexpr std::size_t kMaxOptions = 64;

const std::vector<std::string> kFactorNames{"co2", "gas", "power", "hydrogen", "product"};
const std::vector<std::string> kModelNames{"constant", "gbm", "ou", "schwartz-smith", "jump", "derived"};

FactorModel modelFromName(const std::string& s) {
    if (s == "constant") return FactorModel::Constant;
    if (s == "gbm") return FactorModel::Gbm;
    if (s == "ou") return FactorModel::Ou;
    if (s == "schwartz-smith") return FactorModel::SchwartzSmith;
    if (s == "jump") return FactorModel::Jump;
    return FactorModel::Derived;
}

/// Re-throws a model-level InvalidInput ("path.field: ...") with the file and line in front.
template <class F>
void checked(const Field& at, F&& f) {
    try {
        f();
    } catch (const InvalidInput& e) {
        const std::string w = at.where();
        const std::string prefix = w.substr(0, w.size() - at.path().size());
        throw InvalidInput(prefix + e.what());
    }
}

class Loader {
public:
    Loader(std::string file, std::vector<std::string> overridden) {
        sources_.push_back(Source{std::move(file), std::move(overridden)});
    }

    CaseFile read(const YAML::Node& root);

private:
    std::deque<Source> sources_;  // stable addresses: Fields point at their Source
    CaseFile c_;
    std::optional<Technology> reline_;  // plant.reline, added to the options after them
    std::optional<Technology> mothball_, restart_;  // plant.mothball: the options "mothball" and "restart"
    std::vector<std::pair<Technology, Field>> abandons_;  // options.<x>.operating.abandon: the stages "<x>_abandon"
    std::set<std::string> brownianSet_;

    const Source& main() const { return sources_.front(); }

    std::string resolve(const std::string& rel) const {
        namespace fs = std::filesystem;
        const fs::path p(rel);
        if (p.is_absolute()) return rel;
        return (fs::path(main().file).parent_path() / p).lexically_normal().string();
    }

    void readValuation(MapReader m);
    void readRound(MapReader& m, SdeSubsidy& s);
    YearSchedule readPhaseOut(const Field& f, const std::string& unit);
    void readMothball(MapReader m);
    void readLifeWindow(MapReader w, Technology& t);
    void readPath(const Field& pf, Factor& f);
    YearSchedule readSchedule(const Field& f, double lo, double hi, const std::string& unit,
                              const std::map<std::string, YearSchedule>& presets);
    ArrivalDistribution readArrival(MapReader m);
    Factor readFactor(MapReader m, const std::string& name, std::optional<double> defaultSpot);
    void readCorrelations(const Field& f);
    void readMaturity(MapReader m);
    void readInfrastructure(MapReader m);
    void readPlant(MapReader m);
    void readPolicy(MapReader m, const Field& plantField);
    Technology readOption(MapReader m, const std::string& name);
    void readRisk(MapReader& r, TechnologyRisk& k);
    Exit readExit(MapReader m);
    void readSimulation(MapReader m);
    void crossChecks(MapReader& root, const std::map<std::string, Field>& optionFields);
};

void Loader::readValuation(MapReader m) {
    Valuation& v = c_.valuation;
    v.startYear = m.integer("start_year", Range::between(1900, 2200, "a year in [1900, 2200]"), "");
    v.horizonYears = m.integer("horizon_years", Range::between(1, 100, "in [1, 100]"), "years");
    v.frequency = m.choice("decision_frequency", {"annual", "quarterly"}, "annual") == "annual"
                      ? DecisionFrequency::Annual
                      : DecisionFrequency::Quarterly;
    v.afterHorizon = m.choice("after_horizon", {"none", "last_year"}, "none") == "last_year";
    v.currency = m.string("currency", "EUR");
    v.priceBaseYear = m.integer("price_base_year", v.startYear,
                                Range::between(1900, 2200, "a year in [1900, 2200]"), "");
    v.discount.startYear = v.startYear;
    const Field d = m.get("discount_rate", "a rate per year, e.g. 0.08, or a map {year: rate}");
    const Range r = Range::between(-0.5, 1.0, "in [-0.5, 1] per year");
    if (d.node().IsMap()) {
        for (const auto& kv : d.node()) {
            const Field yf(d.source(), kv.first, d.path() + "." + kv.first.Scalar(), d.line());
            const int y = yf.integer(Range::between(1900, 2200, "a year in [1900, 2200]"), "");
            v.discount.zeroRates[y] = Field(d.source(), kv.second, yf.path(), yf.line()).number(r, "per year");
        }
        if (v.discount.zeroRates.empty()) d.fail("the curve", "empty", "at least one {year: rate}");
    } else {
        v.discount.zeroRates[v.startYear] = d.number(r, "per year");
    }
    m.finish();
}

namespace {
// a jump factor's path is its mean (kp::MertonJump): the constraint in the message refusing a median
constexpr const char* kJumpMeanOnly =
    "'mean' for model jump (the path is then the price's mean; a jump-diffusion's median has no closed form)";
}  // namespace

// factors.<f>.path: {anchor, points | file | ngfs, floor} or the shorthands "ngfs/<scenario>/<model>"
// and "<file>.csv" (docs/case-file.md, "A price path")
void Loader::readPath(const Field& pf, Factor& f) {
    const int start = c_.valuation.startYear;
    const Range after = Range::between(start + 1, start + 200,
                                       "a year after start_year (" + std::to_string(start) + ")");
    std::map<int, double> points;  // by year: the path in time order
    std::string ngfsName, csvFile;
    std::optional<Field> ngfsField, csvField, floorField;
    if (pf.node().IsScalar()) {
        const std::string text = pf.string();
        if (text.rfind("ngfs/", 0) == 0) ngfsName = text.substr(5), ngfsField = pf;
        else if (text.size() > 4 && text.substr(text.size() - 4) == ".csv") csvFile = text, csvField = pf;
        else pf.fail("the path", "'" + text + "'", "ngfs/<scenario>/<model>, a .csv file or a map {anchor, points}");
        if (f.model == FactorModel::Jump)  // the shorthands are median paths
            pf.fail("the path", "'" + text + "' (a median path)",
                    "a map with anchor: mean for model jump, e.g. {anchor: mean, " +
                        std::string(ngfsField ? "ngfs: " + ngfsName : "file: " + csvFile) +
                        "} (a jump-diffusion's median has no closed form)");
    } else {
        MapReader pm(pf);
        f.path.mean = pm.choice("anchor", {"median", "mean"}, "median") == "mean";
        if (f.model == FactorModel::Jump && !f.path.mean) {
            if (auto a = pm.opt("anchor")) a->fail("the anchor", "'median'", kJumpMeanOnly);
            pm.self().fail("the anchor", "'median' (the default)", std::string(kJumpMeanOnly) + ": add anchor: mean");
        }
        const int given = pm.has("points") + pm.has("file") + pm.has("ngfs");
        if (given != 1)
            pm.self().fail("the path", std::to_string(given) + " sources",
                           "exactly one of points, file (a CSV of year,price) and ngfs (<scenario>/<model>)");
        if (auto pts = pm.optMap("points")) points = detail::readYearPrices(pts->self(), after, f.unit);
        if (auto fl = pm.opt("file")) csvFile = fl->string(), csvField = *fl;
        if (auto ng = pm.opt("ngfs")) ngfsName = ng->string(), ngfsField = *ng;
        if (auto fl = pm.opt("floor")) {
            if (!ngfsField) fl->fail("the key", "'floor'", "given only with ngfs");
            floorField = *fl;
        }
        pm.finish();
    }
    if (ngfsField) {
        const double floor = floorField ? floorField->number(Range::positive(), f.unit) : f.spot();
        const NgfsPath ng = detail::ngfsPathAt(*ngfsField, ngfsName);
        for (const auto& [y, eur] : ng.points)
            if (y > start && y <= start + 200) points[y] = std::max(eur, floor);
        if (points.empty())
            ngfsField->fail("the NGFS path", "'" + ngfsName + "'", "with a year after start_year (it ends in 2050)");
    }
    if (csvField) {
        const std::string file = resolve(csvFile);
        const std::string text = io::readInputFile(file, "path file", io::kMaxCsvBytes);
        std::istringstream in(text);
        std::string line;
        int lineNo = 0;
        bool header = false;
        auto bad = [&](const std::string& what) {
            ::kp::detail::throwInvalid(file, ":", lineNo, ": ", what, " (", csvField->where(), ": a path file has a ",
                                       "header 'year,price' and one row per year after start_year ", start, ")");
        };
        while (std::getline(in, line)) {
            ++lineNo;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || line[0] == '#') continue;
            const auto comma = line.find(',');
            if (comma == std::string::npos) bad("the row is '" + line + "', but must be year,price");
            const std::string a = line.substr(0, comma), b = line.substr(comma + 1);
            if (!header) {
                if (a != "year" || b != "price") bad("the header is '" + line + "', but must be year,price");
                header = true;
                continue;
            }
            char* end = nullptr;
            const long y = std::strtol(a.c_str(), &end, 10);
            if (a.empty() || *end != '\0' || y <= start || y > start + 200)
                bad("the year is '" + a + "', but must be a year after start_year (" + std::to_string(start) + ")");
            const double v = std::strtod(b.c_str(), &end);
            if (b.empty() || *end != '\0' || !std::isfinite(v) || !(v > 0))
                bad("the price is '" + b + "', but must be a number > 0 (" + f.unit + ")");
            if (points.count(static_cast<int>(y))) bad("the year " + a + " is given twice, but must be given once");
            points[static_cast<int>(y)] = v;
        }
        if (points.empty()) bad("the file has no rows, but must have at least one year");
    }
    for (const auto& [y, level] : points) {
        f.path.times.push_back(static_cast<double>(y - start));
        f.path.levels.push_back(level);
    }
    f.pathSource = ngfsField ? "ngfs/" + ngfsName : csvField ? csvFile : "points";
}

// a free-allocation phase-out: cbam, low_leakage, none (1.0), a number or {year: share}
YearSchedule Loader::readPhaseOut(const Field& f, const std::string& unit) {
    YearSchedule none;
    none.points[c_.valuation.startYear] = 1.0;
    return readSchedule(f, 0, 1, unit,
                        {{"cbam", FreeAllocation::cbamFactor()}, {"low_leakage", FreeAllocation::lowLeakageFactor()}, {"none", none}});
}

// a subsidy round: only an investment decided in [open, deadline] gets the subsidy
void Loader::readRound(MapReader& m, SdeSubsidy& s) {
    auto r = m.optMap("round");
    if (!r) return;
    const int first = c_.valuation.startYear;
    const Range years = Range::between(1900, 2300, "a year");
    s.openYear = r->integer("open", first, years, "");
    s.deadlineYear = r->integer("deadline", 1'000'000, years, "the last decision year that gets it");
    s.budget = r->number("budget", 1e300, Range::between(0, 1e15, "in [0, 1e15] EUR"), "EUR, the award's maximum");
    if (s.deadlineYear < s.openYear)
        r->get("deadline", "").fail("the deadline", std::to_string(s.deadlineYear),
                                    ">= the year the round opens (" + std::to_string(s.openYear) + ")");
    r->finish();
}

YearSchedule Loader::readSchedule(const Field& f, double lo, double hi, const std::string& unit,
                                  const std::map<std::string, YearSchedule>& presets) {
    std::vector<std::string> names;
    for (const auto& [n, _] : presets) names.push_back(n);
    if (f.node().IsScalar()) {
        const std::string s = f.node().Scalar();
        auto it = presets.find(s);
        if (it != presets.end()) return it->second;
        bool isNumber = true;
        try {
            (void)f.node().as<double>();
        } catch (const YAML::Exception&) {
            isNumber = false;
        }
        if (!isNumber) {
            const std::string dym = detail::didYouMean(s, names);
            f.fail("the schedule", "'" + s + "'",
                   "a number, a map {year: value}" +
                       (names.empty() ? "" : " or one of " + joinNames(names)) +
                       (dym.empty() ? "" : " (" + dym + ")"));
        }
        const Range r = Range::between(lo, hi, "in [" + formatNumber(lo) + ", " + formatNumber(hi) + "]");
        YearSchedule ys;
        ys.points[c_.valuation.startYear] = f.number(r, unit);
        return ys;
    }
    if (!f.node().IsMap() || f.node().size() == 0)
        f.fail("the schedule", f.text(), "a number or a map {year: value}");
    YearSchedule ys;
    for (const auto& kv : f.node()) {
        const Field yf(f.source(), kv.first, f.path() + "." + kv.first.Scalar(), f.line());
        const int y = yf.integer(Range::between(1900, 2200, "a year in [1900, 2200]"), "");
        const Range r = Range::between(lo, hi, "in [" + formatNumber(lo) + ", " + formatNumber(hi) + "]");
        ys.points[y] = Field(f.source(), kv.second, yf.path(), yf.line()).number(r, unit);
    }
    return ys;
}

ArrivalDistribution Loader::readArrival(MapReader m) {
    ArrivalDistribution a;
    const std::string kind =
        m.get("distribution", "fixed, discrete, lognormal or queue").choice({"fixed", "discrete", "lognormal", "queue"});
    const Range year = Range::between(1900, 2300, "a year in [1900, 2300]");
    if (kind == "fixed") {
        a.kind = ArrivalDistribution::Kind::Fixed;
        a.at = m.number("year", year, "");
    } else if (kind == "discrete") {
        a.kind = ArrivalDistribution::Kind::Discrete;
        const Field p = m.get("probabilities", "a map {year: probability}; the rest of 1 is 'never'");
        if (!p.node().IsMap() || p.node().size() == 0) p.fail("the value", p.text(), "a map {year: probability}");
        std::map<int, double> probs;
        double sum = 0;
        for (const auto& kv : p.node()) {
            const Field yf(p.source(), kv.first, p.path() + "." + kv.first.Scalar(), p.line());
            const int y = yf.integer(year, "");
            const double pr = Field(p.source(), kv.second, yf.path(), yf.line()).number(Range::unit(), "probability");
            probs[y] = pr;
            sum += pr;
        }
        if (sum > 1.0 + 1e-9) p.fail("the sum of the probabilities", formatNumber(sum), "at most 1 (the rest is 'never')");
        for (const auto& [y, pr] : probs) {
            a.years.push_back(y);
            a.probabilities.push_back(pr);
        }
    } else if (kind == "lognormal") {
        a.kind = ArrivalDistribution::Kind::Lognormal;
        a.start = m.number("start", c_.valuation.startYear, year, "");
        a.medianDelay = m.number("median_delay_years", Range::positive(), "years");
        a.sigma = m.number("sigma", Range::nonNegative(), "log-years");
    } else {
        a.kind = ArrivalDistribution::Kind::Queue;
        a.start = m.number("start", c_.valuation.startYear, year, "");
        a.queueYears = m.number("queue_years", Range::nonNegative(), "years");
        a.hazard = m.number("hazard_per_year", Range::positive(), "per year");
    }
    m.finish();
    checked(m.self(), [&] { a.validate(m.self().path()); });
    return a;
}

/// One parameter of a factor model: inline `parameters:` first, then the calibration file.
struct ParamSource {
    std::optional<MapReader> inl;
    std::optional<MapReader> file;  // the calibration file's `parameters:`
    std::optional<MapReader> fileErrors;  // its `std_errors:` (may be absent)
    const Field* owner;
    std::map<std::string, double>* stdErrors;

    double get(const std::string& key, const Range& r, const std::string& unit,
               std::optional<double> dflt = std::nullopt) {
        if (inl) {
            if (auto f = inl->opt(key)) return f->number(r, unit);
        }
        if (file) {
            if (auto f = file->opt(key)) {
                if (f->node().IsMap()) {  // {value:, std_error:}
                    MapReader pm(*f);
                    const double v = pm.get("value", "the fitted value").number(r, unit);
                    if (auto se = pm.opt("std_error"); se && se->node().Scalar() != ".nan")
                        (*stdErrors)[key] = se->number();
                    pm.finish();
                    return v;
                }
                if (fileErrors)
                    if (auto se = fileErrors->opt(key); se && se->node().IsScalar() &&
                                                        se->node().Scalar() != ".nan")
                        (*stdErrors)[key] = se->number();
                return f->number(r, unit);
            }
        }
        if (dflt) return *dflt;
        ::kp::detail::throwInvalid(
            owner->where(), ".parameters.", key, ": the field is missing, but must be given (", detail::expectText("a number", r, unit), ")");
    }
};

Factor Loader::readFactor(MapReader m, const std::string& name, std::optional<double> defaultSpot) {
    Factor f;
    f.name = name;
    f.unit = m.string("unit", "");
    // calibration file
    std::optional<MapReader> fileRoot, fileParams, fileErrors, fileState;
    std::string fileModel;
    if (auto pf = m.opt("params_file")) {
        f.paramsFile = resolve(pf->string());
        struct stat st {};
        if (::stat(f.paramsFile.c_str(), &st) != 0)
            pf->fail("the parameter file", "'" + f.paramsFile + "' (not readable)",
                     "a file written by kruispunt calibrate --out");
        const YAML::Node doc = detail::loadYamlFile(f.paramsFile, "parameter file");
        sources_.push_back(Source{f.paramsFile, {}});
        fileRoot.emplace(Field(sources_.back(), doc, "", 1));
        fileModel = fileRoot->get("model", "the model name").choice({"gbm", "ou", "schwartz-smith", "jump"});
        fileParams.emplace(fileRoot->map("parameters", "a map of fitted parameters"));
        fileErrors = fileRoot->optMap("std_errors");
        fileState = fileRoot->optMap("state");
    }
    std::string modelName;
    if (auto mf = m.opt("model")) {
        modelName = mf->choice(kModelNames);
        if (!fileModel.empty() && modelName != fileModel)
            mf->fail("the model", "'" + modelName + "'",
                     "the model of params_file ('" + fileModel + "') or omitted");
    } else if (!fileModel.empty()) {
        modelName = fileModel;
    } else {
        m.get("model", "one of " + joinNames(kModelNames) + ", or a params_file");
    }
    f.model = modelFromName(modelName);
    if ((f.model == FactorModel::Constant || f.model == FactorModel::Derived) && m.has("path"))
        m.get("path", "").fail("the key", "'path'",
                               "given only with model gbm, ou, schwartz-smith or jump (a median or mean path the "
                               "price follows; jump: mean only; docs/case-file.md)");

    ParamSource ps{m.optMap("parameters"), fileParams, fileErrors, &m.self(), &f.stdErrors};
    auto spotValue = [&]() -> double {
        if (auto s = m.opt("spot")) return s->number(Range::positive(), f.unit);
        if (fileRoot && fileRoot->has("spot")) return fileRoot->get("spot", "").number(Range::positive(), f.unit);
        if (defaultSpot) return *defaultSpot;
        return m.number("spot", Range::positive(), f.unit);  // reports it missing
    };
    // parameters a `path` replaces: refused when given inline beside one
    auto refuseWithPath = [&](std::initializer_list<const char*> keys, const std::string& why) {
        if (ps.inl)
            for (const char* k : keys)
                if (auto x = ps.inl->opt(k))
                    x->fail("the field", "given", "omitted when " + m.self().path() + ".path is given (" + why + ")");
    };
    switch (f.model) {
        case FactorModel::Constant:
            f.constant = m.number("value", Range::nonNegative(), f.unit);
            break;
        case FactorModel::Gbm:
            f.gbm.spot = spotValue();
            f.gbm.vol = ps.get("sigma", Range::between(0, 5, "in [0, 5]"), "per sqrt(year)");
            if (auto pf = m.opt("path")) {
                // the price's median (or mean) path: the trend comes from it, not from mu
                refuseWithPath({"mu", "yield"}, "the path sets the trend");
                readPath(*pf, f);
                break;
            }
            f.gbm.drift = ps.get("mu", Range::between(-1, 1, "in [-1, 1] per year"), "per year");
            f.gbm.yield = ps.get("yield", Range::between(-1, 1, "in [-1, 1] per year"), "per year", 0.0);
            break;
        case FactorModel::Ou: {
            f.ou.spot = spotValue();
            f.ou.kappa = ps.get("kappa", Range::between(0, 100, "in (0, 100]") , "per year");
            if (f.ou.kappa <= 0)
                ::kp::detail::throwInvalid(m.self().where(), ".parameters.kappa: the value is ", f.ou.kappa,
                                           ", but must be positive (per year)");
            f.ou.sigma = ps.get("sigma", Range::between(0, 10, "in [0, 10]"), "per sqrt(year)");
            if (auto pf = m.opt("path")) {
                // deviations that revert to the path (kp::AnchoredGbm with kappa): no mean level of its own
                refuseWithPath({"theta", "long_run_price"}, "the path is the level");
                readPath(*pf, f);
                f.ou.meanTimes = {0.0};
                f.ou.meanLevels = {std::log(f.ou.spot)};  // unused with a path; kept valid for ExpOu's checks
                break;
            }
            double theta;
            if (ps.inl && ps.inl->has("long_run_price"))
                theta = std::log(ps.inl->opt("long_run_price")->number(Range::positive(), f.unit));
            else
                theta = ps.get("theta", Range::any(), "log price");
            f.ou.meanTimes = {0.0};
            f.ou.meanLevels = {theta};
            break;
        }
        case FactorModel::SchwartzSmith: {
            auto& p = f.schwartzSmith;
            p.kappa = ps.get("kappa", Range::between(0, 100, "in (0, 100]"), "per year");
            if (p.kappa <= 0)
                ::kp::detail::throwInvalid(m.self().where(), ".parameters.kappa: the value is ", p.kappa,
                                           ", but must be positive (per year)");
            p.sigmaChi = ps.get("sigma_chi", Range::between(0, 10, "in [0, 10]"), "per sqrt(year)");
            if (auto pf = m.opt("path")) {
                // the long-term factor follows the path from the spot: no drift and no start state of its own
                p.sigmaXi = ps.get("sigma_xi", Range::between(0, 10, "in [0, 10]"), "per sqrt(year)");
                p.rho = ps.get("rho", Range::correlation(), "", 0.0);
                refuseWithPath({"mu_xi"}, "the path sets the trend");
                if (auto c0 = m.opt("chi0"))
                    c0->fail("the field", "given", "omitted when " + m.self().path() +
                                                       ".path is given (the path starts at the spot: chi0 = 0)");
                p.muXi = 0, p.chi0 = 0, p.xi0 = std::log(spotValue());
                readPath(*pf, f);
                break;
            }
            p.muXi = ps.get("mu_xi", Range::between(-1, 1, "in [-1, 1] per year"), "per year");
            p.sigmaXi = ps.get("sigma_xi", Range::between(0, 10, "in [0, 10]"), "per sqrt(year)");
            p.rho = ps.get("rho", Range::correlation(), "", 0.0);
            std::optional<double> chi, xi;
            if (fileState) {
                if (auto s = fileState->opt("chi")) chi = s->number();
                if (auto s = fileState->opt("xi")) xi = s->number();
            }
            if (auto s = m.opt("chi0")) chi = s->number();
            if (m.has("spot") || !xi) {
                const double spot = spotValue();
                p.chi0 = chi.value_or(0.0);
                p.xi0 = std::log(spot) - p.chi0;
            } else {
                p.chi0 = chi.value_or(0.0);
                p.xi0 = *xi;
            }
            break;
        }
        case FactorModel::Jump:
            f.jump.spot = spotValue();
            if (auto pf = m.opt("path")) {
                // the price's mean path (kp::MertonJump): the trend comes from it, not from mu
                f.jump.vol = ps.get("sigma", Range::between(0, 5, "in [0, 5]"), "per sqrt(year)");
                f.jump.intensity = ps.get("lambda", Range::between(0, 365, "in [0, 365]"), "jumps per year");
                f.jump.jumpMean = ps.get("jump_mean", Range::between(-5, 5, "in [-5, 5]"), "log size");
                f.jump.jumpVol = ps.get("jump_vol", Range::between(0, 5, "in [0, 5]"), "log size");
                refuseWithPath({"mu", "yield"}, "the path sets the trend");
                readPath(*pf, f);
                break;
            }
            f.jump.drift = ps.get("mu", Range::between(-1, 1, "in [-1, 1] per year"), "per year");
            f.jump.vol = ps.get("sigma", Range::between(0, 5, "in [0, 5]"), "per sqrt(year)");
            f.jump.intensity = ps.get("lambda", Range::between(0, 365, "in [0, 365]"), "jumps per year");
            f.jump.jumpMean = ps.get("jump_mean", Range::between(-5, 5, "in [-5, 5]"), "log size");
            f.jump.jumpVol = ps.get("jump_vol", Range::between(0, 5, "in [0, 5]"), "log size");
            f.jump.yield = ps.get("yield", Range::between(-1, 1, "in [-1, 1] per year"), "per year", 0.0);
            break;
        case FactorModel::Derived: {
            const Field from = m.get("from", "the factor it is derived from (power)");
            f.derivedFrom = from.choice({"power"});
            f.efficiency = m.number("efficiency", Range::between(1e-3, 1, "in (0, 1]"), "MWh_H2 per MWh");
            f.powerPriceFactor = m.number("power_price_factor", 1.0, Range::between(1e-3, 2, "in (0, 2]"),
                                          "share of the source price");
            f.adder = m.number("adder_per_mwh", 0.0, Range::nonNegative(), "EUR/MWh_H2");
            f.adderMaturity = m.string("adder_maturity", "");
            f.adderLearningShare = m.number("adder_learning_share", f.adderMaturity.empty() ? 0.0 : 1.0,
                                            Range::unit(), "");
            break;
        }
    }
    if (ps.inl) ps.inl->finish();
    m.finish();
    checked(m.self(), [&] { (void)f.makeModel(); });
    return f;
}

void Loader::readCorrelations(const Field& f) {
    const auto n = static_cast<Eigen::Index>(c_.brownianNames.size());
    c_.correlation = Eigen::MatrixXd::Identity(n, n);
    if (!f.node() || f.node().IsNull()) return;
    if (!f.node().IsSequence()) f.fail("the value", f.text(), "a list of [name, name, rho]");
    auto indexOf = [&](const Field& nf) -> Eigen::Index {
        const std::string s = nf.string();
        for (Eigen::Index i = 0; i < n; ++i)
            if (c_.brownianNames[static_cast<std::size_t>(i)] == s) return i;
        const std::string dym = detail::didYouMean(s, c_.brownianNames);
        nf.fail("the name", "'" + s + "'",
                "a stochastic factor or maturity: one of " + joinNames(c_.brownianNames) +
                    (dym.empty() ? "" : " (" + dym + ")"));
    };
    std::set<std::pair<Eigen::Index, Eigen::Index>> seen;
    for (std::size_t k = 0; k < f.node().size(); ++k) {
        const Field e(f.source(), f.node()[k], f.path() + "." + std::to_string(k), f.line());
        if (!e.node().IsSequence() || e.node().size() != 3)
            e.fail("the entry", e.text(), "a list [name, name, rho]");
        const Field a(f.source(), e.node()[0], e.path() + ".0", e.line());
        const Field b(f.source(), e.node()[1], e.path() + ".1", e.line());
        const Field r(f.source(), e.node()[2], e.path() + ".2", e.line());
        const Eigen::Index i = indexOf(a), j = indexOf(b);
        if (i == j) b.fail("the second name", "'" + b.string() + "' (the same as the first)", "another factor");
        if (!seen.insert({std::min(i, j), std::max(i, j)}).second)
            e.fail("the pair", "'" + a.string() + ", " + b.string() + "' (given twice)", "given once");
        const double rho = r.number(Range::correlation(), "");
        c_.correlation(i, j) = c_.correlation(j, i) = rho;
    }
    // the same test as ModelSet: smallest eigenvalue >= -1e-10
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(c_.correlation, Eigen::EigenvaluesOnly);
    const double minEig = es.eigenvalues().minCoeff();
    if (minEig < -1e-10)
        f.fail("the correlation matrix's smallest eigenvalue", formatNumber(minEig),
               ">= 0 (positive semi-definite; the pairwise correlations are inconsistent)");
}

void Loader::readMaturity(MapReader m) {
    for (const auto& name : m.keys()) {
        MapReader e = m.map(name, "");
        Maturity mt;
        mt.name = name;
        mt.curve.learningRate = e.number("learning_rate", Range::between(0, 0.99, "in [0, 0.99]"), "per doubling");
        mt.curve.deployment0 = e.number("deployment0", Range::positive(), e.string("deployment_unit", ""));
        if (auto d = e.optMap("deployment")) {
            mt.deployment = readFactor(*d, name, mt.curve.deployment0);
        } else {
            mt.deployment.name = name;
            mt.deployment.model = FactorModel::Constant;
            mt.deployment.constant = mt.curve.deployment0;
        }
        if (mt.deployment.model == FactorModel::Derived)
            e.get("deployment", "").fail("the model", "'derived'", "constant, gbm, ou, schwartz-smith or jump");
        if (auto a = e.optMap("available")) mt.available = readArrival(*a);
        e.finish();
        c_.maturity.push_back(std::move(mt));
    }
    m.finish();
}

void Loader::readInfrastructure(MapReader m) {
    for (const auto& name : m.keys()) {
        MapReader e = m.map(name, "");
        Infrastructure inf;
        inf.name = name;
        inf.description = e.string("description", "");
        inf.arrival = readArrival(e.map("arrival", "a distribution: fixed, discrete, lognormal or queue"));
        e.finish();
        c_.infrastructure.push_back(std::move(inf));
    }
    m.finish();
}

void Loader::readPlant(MapReader m) {
    Plant& p = c_.plant;
    p.name = m.string("name", "");
    p.outputTPerYear = m.number("output_t_per_year", Range::positive(), "t/yr");
    p.emissionIntensity = m.number("emission_intensity_t_per_t", Range::nonNegative(), "tCO2/t");
    p.gasMwhPerT = m.number("gas_mwh_per_t", 0.0, Range::nonNegative(), "MWh/t");
    p.powerMwhPerT = m.number("power_mwh_per_t", 0.0, Range::nonNegative(), "MWh/t");
    p.hydrogenMwhPerT = m.number("hydrogen_mwh_per_t", 0.0, Range::nonNegative(), "MWh/t");
    p.feedstockCostPerT = m.number("feedstock_cost_per_t", 0.0, Range::nonNegative(), "EUR/t");
    p.fixedCost = m.number("fixed_cost_per_year", 0.0, Range::nonNegative(), "EUR/yr");
    p.variableCost = m.number("variable_cost_per_t", 0.0, Range::nonNegative(), "EUR/t");
    p.remainingLifeYears = m.integer("remaining_life_years", Range::between(0, 200, "in [0, 200]"), "years");
    p.decommissioningCost = m.number("decommissioning_cost", 0.0, Range::between(0, 1e13, "in [0, 1e13] EUR"), "EUR");
    p.jobs = m.number("jobs", 0.0, Range::between(0, 1e7, "in [0, 1e7]"), "direct jobs");
    if (auto r = m.optMap("reline")) {  // a life extension of the plant as it is: an option "reline"
        const double capex = r->number("capex", Range::between(0, 1e13, "in [0, 1e13] EUR"), "EUR");
        const int added = r->integer("years_added", Range::between(1, 100, "in [1, 100]"), "years");
        const int start = c_.valuation.startYear, life = p.remainingLifeYears;
        if (life < 1) r->self().fail("the reline", "offered for a plant with no remaining life", "given with remaining_life_years >= 1");
        Technology t = relineOption(start, life, capex, added);
        if (auto w = r->optMap("decision_window")) readLifeWindow(*w, t);
        // after relining, the plant may still invest in a technology or close (false: alternatives)
        p.investAfterReline = r->boolean("invest_after", true);
        r->finish();
        p.reline = true;
        reline_ = t;
    }
    if (auto mb = m.optMap("mothball")) readMothball(*mb);
    FreeAllocation& fa = c_.policy.freeAllocation;
    if (auto a = m.optMap("free_allocation")) {
        fa.benchmarkTPerT = a->number("benchmark_t_per_t", Range::nonNegative(), "tCO2/t");
        fa.activityTPerYear = a->number("activity_t_per_year", -1.0, Range::nonNegative(), "t/yr");
        fa.correctionFactor = a->number("correction_factor", 1.0, Range::unit(), "");
        a->finish();
    } else {
        fa.benchmarkTPerT = 0;
    }
    m.finish();
    checked(m.self(), [&] { p.validate(m.self().path()); });
}

// a decision_window {earliest, latest} inside the plant's remaining life (plant.reline, plant.mothball)
void Loader::readLifeWindow(MapReader w, Technology& t) {
    const int start = c_.valuation.startYear, life = c_.plant.remainingLifeYears;
    const Range inLife = Range::between(start, start + life - 1,
                                        "while the plant runs, in [" + std::to_string(start) + ", " +
                                            std::to_string(start + life - 1) + "]");
    t.earliestDecisionYear = w.integer("earliest", start, inLife, "");
    t.latestDecisionYear = w.integer("latest", start + life - 1, inLife, "");
    if (t.latestDecisionYear < t.earliestDecisionYear)
        w.get("latest", "").fail("the latest year", std::to_string(t.latestDecisionYear),
                                 ">= earliest (" + std::to_string(t.earliestDecisionYear) + ")");
    w.finish();
}

// plant.mothball: suspending the plant as it is (care and maintenance) and restarting it later
// (Technology::MothballRole; docs/case-file.md "Mothballing")
void Loader::readMothball(MapReader m) {
    const Plant& p = c_.plant;
    const int start = c_.valuation.startYear, life = p.remainingLifeYears;
    if (life < 1) m.self().fail("mothballing", "offered for a plant with no remaining life", "given with remaining_life_years >= 1");
    Technology idle;
    idle.name = "mothball";
    idle.mothball = Technology::MothballRole::Idle;
    idle.fixedOpex = m.number("cost_per_year", Range::between(0, 1e12, "in [0, 1e12] EUR/yr"), "EUR/yr");
    idle.capex = m.number("start_cost", 0.0, Range::between(0, 1e13, "in [0, 1e13] EUR"), "EUR");
    idle.jobs = m.number("jobs", 0.1 * p.jobs, Range::between(0, 1e7, "in [0, 1e7]"), "direct jobs");
    idle.lifetimeYears = life;  // the longest it can last (decided now); it ends at the plant's end of life
    idle.earliestDecisionYear = start;
    idle.latestDecisionYear = start + life - 1;
    idle.grant.share = 0;  // the policy's grant is for decarbonisation
    Technology restart;
    restart.name = "restart";
    restart.mothball = Technology::MothballRole::Restart;
    restart.requiresOption = "mothball";
    restart.capex = m.number("restart_cost", Range::between(0, 1e13, "in [0, 1e13] EUR"), "EUR");
    restart.constructionYears = m.integer("restart_years", 1, Range::between(0, 20, "in [0, 20]"), "years");
    restart.lifetimeYears = life;
    restart.earliestDecisionYear = start;
    restart.latestDecisionYear = start + life - 1;
    restart.grant.share = 0;
    if (restart.constructionYears >= life)
        m.get("restart_years", "").fail("the restart time", std::to_string(restart.constructionYears) + " years",
                                        "shorter than the plant's remaining life (" + std::to_string(life) + " years)");
    if (auto w = m.optMap("decision_window")) readLifeWindow(*w, idle);
    m.finish();
    c_.plant.mothball = true;
    mothball_ = idle;
    restart_ = restart;
}

void Loader::readPolicy(MapReader m, const Field& plantField) {
    (void)plantField;
    Policy& pol = c_.policy;
    if (auto fa = m.optMap("free_allocation")) {
        if (auto po = fa->opt("phase_out")) pol.freeAllocation.phaseOut = readPhaseOut(*po, "share of benchmark allocation");
        fa->finish();
    }
    if (auto lv = m.optMap("co2_levy")) {
        Co2Levy& l = pol.levy;
        l.enabled = lv->boolean("enabled", true);
        const Field rate = lv->get("rate", "belastingplan2026, a number or a map {year: EUR/t}");
        l.rate = readSchedule(rate, 0, 1e4, "EUR/tCO2", {{"belastingplan2026", Co2Levy::belastingplan2026Rates()}});
        const int lastRateYear = l.rate.points.rbegin()->first;
        if (auto after = lv->opt("after_last_year")) {
            if (after->choice({"hold", "zero"}) == "zero") l.rate.points[lastRateYear + 1] = 0.0;
        } else if (l.enabled && lastRateYear < c_.valuation.endYear() - 1 && l.rate.points.size() > 1) {
            lv->get("after_last_year",
                    "hold or zero: the rate schedule ends in " + std::to_string(lastRateYear) +
                        " but the horizon runs to " + std::to_string(c_.valuation.endYear() - 1) +
                        ", and no later rate is sourced");
        }
        if (l.enabled)
            l.reductionFactor = readSchedule(
                lv->get("reduction_factor",
                        "a map {year: factor}; the 2026+ values are not sourced (FACTS.md 3), give your own"),
                0, 10, "", {});
        else if (auto rf = lv->opt("reduction_factor"))
            l.reductionFactor = readSchedule(*rf, 0, 10, "", {});
        l.benchmarkTPerT = lv->number("benchmark_t_per_t", pol.freeAllocation.benchmarkTPerT,
                                      Range::nonNegative(), "tCO2/t");
        l.activityTPerYear = lv->number("activity_t_per_year", -1.0, Range::nonNegative(), "t/yr");
        lv->finish();
    }
    if (auto gp = m.optMap("green_premium")) {
        GreenPremium& g = pol.greenPremium;
        g.eurPerT = gp->number("eur_per_t", Range::nonNegative(), "EUR/t");
        g.fromYear = gp->integer("from_year", c_.valuation.startYear, Range::between(1900, 2300, "a year"), "");
        g.maxIntensity = gp->number("max_intensity_t_per_t", 1e300, Range::nonNegative(), "tCO2/t");
        gp->finish();
    }
    if (auto pt = m.optMap("carbon_pass_through")) {
        CarbonPassThrough& c = pol.passThrough;
        c.share = pt->number("share", Range::unit(), "pass-through rate");
        c.referenceIntensity = pt->number("reference_intensity_t_per_t", Range::between(0, 100, "in [0, 100]"),
                                          "tCO2/t product");
        c.referenceBenchmark = pt->number("reference_benchmark_t_per_t", pol.freeAllocation.benchmarkTPerT,
                                          Range::between(0, 100, "in [0, 100]"), "tCO2/t product");
        c.referencePhaseOut = pol.freeAllocation.phaseOut;
        if (auto po = pt->opt("reference_phase_out"))
            c.referencePhaseOut = readPhaseOut(*po, "share of the reference's benchmark allocated free");
        c.exportShare = pt->number("export_share", 0.0, Range::unit(), "share of output exported");
        pt->finish();
    }
    if (auto cg = m.optMap("capital_grant")) {
        c_.defaultGrant.share = cg->number("share", Range::unit(), "");
        c_.defaultGrant.maxAmount = cg->number("max_amount", 1e300, Range::nonNegative(), "EUR");
        cg->finish();
    }
    m.finish();
    checked(m.self(), [&] { pol.validate(m.self().path()); });
}

// options.<x>.risk (docs/case-file.md, "Technology risk")
void Loader::readRisk(MapReader& r, TechnologyRisk& k) {
    if (auto o = r.optMap("capex_overrun")) {
        k.overrunMean = o->number("mean", Range::between(-0.99, 100, "in [-0.99, 100]"), "share of the capex");
        k.overrunSd = o->number("sd", 0.0, Range::between(0, 100, "in [0, 100]"), "share of the capex");
        k.overrunStateShare = o->number("state_share", 0.0, Range::unit(), "share of the overrun a state guarantee pays");
        o->finish();
    }
    if (auto d = r.opt("delay_years")) {
        if (!d->node().IsSequence() || d->node().size() == 0 || d->node().size() > 11)
            d->fail("the value", d->text(), "a list of 1 to 11 probabilities of a delay of 0, 1, 2 ... years");
        double sum = 0;
        for (std::size_t y = 0; y < d->node().size(); ++y) {
            const Field e(d->source(), d->node()[y], d->path() + "." + std::to_string(y), d->line());
            k.delayProbabilities.push_back(e.number(Range::unit(), "probability"));
            sum += k.delayProbabilities.back();
        }
        if (std::abs(sum - 1.0) > 1e-9)
            d->fail("the probabilities' sum", formatNumber(sum), "1 (a delay of 0, 1, 2 ... years)");
    }
    if (auto i = r.optMap("incidents")) {
        k.incidentFrequency = i->number("frequency_per_year", Range::between(0, 2, "in [0, 2]"), "incidents a year");
        MapReader sv = i->map("severity", "the loss per incident: mean and sd in EUR");
        k.severityMean = sv.number("mean", Range::between(0, 1e13, "in [0, 1e13]"), "EUR");
        k.severitySd = sv.number("sd", 0.0, Range::between(0, 1e14, "in [0, 1e14]"), "EUR");
        if (k.severitySd > 0 && k.severityMean == 0)
            sv.get("sd", "").fail("the spread", formatNumber(k.severitySd), "0 when the mean loss is 0");
        sv.finish();
        i->finish();
    }
    if (auto u = r.optMap("ramp_up")) {
        const Field a = u->get("availability", "a list of the availabilities (share of nameplate) of operating years 1, 2, ...");
        if (!a.node().IsSequence() || a.node().size() == 0 || a.node().size() > 10)
            a.fail("the value", a.text(), "a list of 1 to 10 availabilities (share of nameplate) of operating years 1, 2, ...");
        for (std::size_t y = 0; y < a.node().size(); ++y)
            k.rampUpAvailability.push_back(
                Field(a.source(), a.node()[y], a.path() + "." + std::to_string(y), a.line()).number(Range::unit(), "share of nameplate"));
        k.rampUpSd = u->number("sd", 0.0, Range::between(0, 10, "in [0, 10]"), "sd of the shortfall's multiplier");
        k.rampUpLearns = u->boolean("first_of_a_kind", false);
        u->finish();
    }
    if (auto ins = r.optMap("insurance")) {
        k.insuredShare = ins->number("share", Range::unit(), "share of the loss above the deductible");
        k.deductible = ins->number("deductible", 0.0, Range::between(0, 1e13, "in [0, 1e13]"), "EUR per incident");
        k.limit = ins->number("limit", 1e300, Range::nonNegative(), "EUR per incident");
        k.premiumLoading = ins->number("loading", 1.0, Range::between(0, 100, "in [0, 100]"), "");
        k.premiumPerYear = ins->number("premium_per_year", -1.0, Range::between(0, 1e12, "in [0, 1e12]"), "EUR/yr");
        if (ins->has("premium_per_year") && ins->has("loading"))
            ins->get("loading", "").fail("the premium", "given twice (loading and premium_per_year)", "one of them");
        ins->finish();
    }
    r.finish();
    checked(r.self(), [&] { k.validate(r.self().path()); });
}

Technology Loader::readOption(MapReader m, const std::string& name) {
    Technology t;
    t.name = name;
    t.capex = m.number("capex", Range::nonNegative(), "EUR");
    t.maturity = m.string("maturity", "");
    t.learningShare = m.number("learning_share", t.maturity.empty() ? 0.0 : 1.0, Range::unit(), "");
    t.fixedOpex = m.number("fixed_opex_per_year", 0.0, Range::nonNegative(), "EUR/yr");
    t.variableOpex = m.number("variable_opex_per_t", 0.0, Range::nonNegative(), "EUR/t");
    t.gasMwhPerT = m.number("gas_mwh_per_t", 0.0, Range::nonNegative(), "MWh/t");
    t.powerMwhPerT = m.number("power_mwh_per_t", 0.0, Range::nonNegative(), "MWh/t");
    t.hydrogenMwhPerT = m.number("hydrogen_mwh_per_t", 0.0, Range::nonNegative(), "MWh/t");
    t.feedstockCostPerT = m.number("feedstock_cost_per_t", 0.0, Range::nonNegative(), "EUR/t");
    t.retrofit = m.boolean("retrofit", false);
    if (auto a = m.opt("alongside")) {  // a pilot beside the plant (docs/case-file.md, "Beside the plant")
        t.alongside = a->boolean();
        if (t.alongside && t.retrofit)
            a->fail("the option", "alongside and a retrofit",
                    "one of them: a retrofit already runs the plant on, a technology beside it adds its own output");
    }
    if (t.retrofit) {
        t.captureRate = m.number("capture_rate", Range::unit(), "share of direct emissions");
        t.tsTariff = m.number("ts_tariff_per_t", 0.0, Range::nonNegative(), "EUR/tCO2");
    } else {
        t.emissionIntensity = m.number("emission_intensity_t_per_t", Range::nonNegative(), "tCO2/t");
        t.outputScale = m.number("output_scale", 1.0, Range::positive(), "");
    }
    t.constructionYears = m.integer("construction_years", Range::between(0, 30, "in [0, 30]"), "years");
    t.lifetimeYears = m.integer("lifetime_years", Range::between(1, 100, "in [1, 100]"), "years");
    const int first = c_.valuation.startYear, last = c_.valuation.endYear() - 1;
    t.earliestDecisionYear = first;
    t.latestDecisionYear = last;
    if (auto w = m.optMap("decision_window")) {
        const Range anyYear = Range::between(1900, 2300, "a year");
        t.earliestDecisionYear = w->integer("earliest", first, anyYear, "");
        t.latestDecisionYear = w->integer("latest", last, anyYear, "");
        const std::string horizon =
            "within the horizon [" + std::to_string(first) + ", " + std::to_string(last) + "]";
        if (t.earliestDecisionYear < first || t.earliestDecisionYear > last)
            w->get("earliest", "").fail("the earliest decision year",
                                        std::to_string(t.earliestDecisionYear), horizon);
        if (t.latestDecisionYear < t.earliestDecisionYear || t.latestDecisionYear > last) {
            const Field l = w->opt("latest").value_or(w->self());
            l.fail("the latest decision year", std::to_string(t.latestDecisionYear),
                   horizon + " and >= the earliest (" + std::to_string(t.earliestDecisionYear) + ")");
        }
        w->finish();
    }
    if (auto inf = m.opt("infrastructure")) {
        if (inf->node().IsScalar()) {
            t.infrastructure.push_back(inf->string());
        } else {
            if (!inf->node().IsSequence()) inf->fail("the value", inf->text(), "a list of infrastructure names");
            for (std::size_t k = 0; k < inf->node().size(); ++k)
                t.infrastructure.push_back(
                    Field(inf->source(), inf->node()[k], inf->path() + "." + std::to_string(k), inf->line()).string());
        }
    }
    t.requiresOption = m.string("requires", "");
    if (t.alongside && !t.requiresOption.empty())
        m.get("alongside", "").fail("the option", "alongside and a stage (requires '" + t.requiresOption + "')",
                                    "a technology: a stage runs where its parent runs, so mark the parent alongside");
    if (auto l = m.optMap("licensing")) {
        t.licensingPerYear = l->number("eur_per_year", Range::between(0, 1e12, "in [0, 1e12]"), "EUR/yr");
        if (!t.alongside)
            l->self().fail("the licence income", "on an option not beside the plant",
                           "on an option with alongside: true (its stage inherits it)");
        l->finish();
    }
    t.jobs = m.number("jobs", -1.0, Range::between(0, 1e7, "in [0, 1e7]"), "direct jobs");
    if (auto h = m.optMap("hedge")) {  // a fixed-price energy contract (docs/case-file.md, "Energy hedge")
        EnergyHedge& e = t.hedge;
        const std::string inside = "within the horizon [" + std::to_string(first) + ", " + std::to_string(last) + "]";
        e.fromYear = h->integer("from", first, Range::between(first, last, inside), "");
        e.toYear = h->integer("to", last, Range::between(first, last, inside), "");
        if (e.toYear < e.fromYear)
            h->get("to", "").fail("the last year", std::to_string(e.toYear), ">= from (" + std::to_string(e.fromYear) + ")");
        const auto years = static_cast<std::size_t>(e.toYear - e.fromYear + 1);
        auto leg = [&](const char* legName, double& share, std::vector<double>& price, bool& forward) {
            auto g = h->optMap(legName);
            if (!g) return;
            share = g->number("share", Range::unit(), "share of the option's use");
            const Field pf = g->get("price", "a price in EUR/MWh, or forward (the case's mean price of each year)");
            if (pf.node().IsScalar() && pf.node().Scalar() == "forward") forward = true;
            else price.assign(years, pf.number(Range::between(0, 1e5, "in [0, 1e5], or forward"), "EUR/MWh"));
            g->finish();
        };
        leg("gas", e.gasShare, e.gasPrice, e.gasForward);
        leg("power", e.powerShare, e.powerPrice, e.powerForward);
        h->finish();
    }
    if (auto o = m.optMap("operating")) {  // operating flexibility (docs/case-file.md, "Operating flexibility")
        if (t.retrofit)
            o->self().fail("operating flexibility", "on a retrofit",
                           "on a replacement or a technology beside the plant (a retrofit's plant runs on as it is)");
        if (auto a = o->optMap("alternative")) {
            OperatingMode md;
            md.name = a->string("name", "alternative");
            md.gasMwhPerT = a->number("gas_mwh_per_t", t.gasMwhPerT, Range::nonNegative(), "MWh/t");
            md.powerMwhPerT = a->number("power_mwh_per_t", t.powerMwhPerT, Range::nonNegative(), "MWh/t");
            md.hydrogenMwhPerT = a->number("hydrogen_mwh_per_t", t.hydrogenMwhPerT, Range::nonNegative(), "MWh/t");
            md.feedstockCostPerT = a->number("feedstock_cost_per_t", t.feedstockCostPerT, Range::nonNegative(), "EUR/t");
            md.variableOpex = a->number("variable_opex_per_t", t.variableOpex, Range::nonNegative(), "EUR/t");
            md.emissionIntensity =
                a->number("emission_intensity_t_per_t", t.emissionIntensity, Range::nonNegative(), "tCO2/t");
            t.operating.switchCost = a->number("switch_cost", 0.0, Range::between(0, 1e13, "in [0, 1e13]"), "EUR");
            a->finish();
            t.operating.alternative = md;
        }
        if (auto su = o->optMap("suspend")) {
            t.operating.suspend = true;
            t.operating.idleCostPerYear =
                su->number("idle_cost_per_year", 0.0, Range::between(0, 1e12, "in [0, 1e12]"), "EUR/yr");
            t.operating.suspendCost = su->number("suspend_cost", 0.0, Range::between(0, 1e13, "in [0, 1e13]"), "EUR");
            t.operating.restartCost = su->number("restart_cost", 0.0, Range::between(0, 1e13, "in [0, 1e13]"), "EUR");
            su->finish();
        }
        if (auto ab = o->optMap("abandon")) {
            const double cost = ab->number("cost", Range::between(0, 1e13, "in [0, 1e13]"), "EUR");
            const double net = cost - ab->number("salvage", 0.0, Range::between(0, 1e13, "in [0, 1e13]"), "EUR");
            ab->finish();
            if (t.operating.switching()) {  // with switching costs: a mode of the switching problem
                t.operating.abandonNet = net;
            } else {  // a stage "<x>_abandon" (Technology::abandons)
                Technology st;
                st.name = name + "_abandon";
                st.abandons = true;
                st.requiresOption = name;
                st.capex = net;
                st.lifetimeYears = t.lifetimeYears;
                st.outputScale = t.outputScale;
                st.earliestDecisionYear = t.earliestDecisionYear;
                st.latestDecisionYear = last;
                st.jobs = 0;
                st.grant.share = 0;
                abandons_.emplace_back(st, ab->self());
            }
        } else if (!t.operating.any()) {
            o->self().fail("operating flexibility", "empty", "alternative: {...}, suspend: {...} and/or abandon: {...}");
        }
        o->finish();
    }
    std::optional<Field> riskField;
    if (auto r = m.optMap("risk")) {
        readRisk(*r, t.risk);
        riskField = r->self();
    }
    if (auto s = m.optMap("sde")) {
        SdeSubsidy sde;
        sde.baseAmount = s->number("base_amount", Range::nonNegative(), "EUR/tCO2");
        sde.basePrice = s->number("base_price", 0.0, Range::nonNegative(), "EUR/tCO2");
        if (auto cr = s->optMap("correction")) {
            sde.constant = cr->number("constant", 0.0, Range::any(), "EUR/tCO2");
            sde.co2Coef = cr->number("co2", 0.0, Range::any(), "per EUR/tCO2");
            sde.gasCoef = cr->number("gas", 0.0, Range::any(), "EUR/tCO2 per EUR/MWh");
            sde.powerCoef = cr->number("power", 0.0, Range::any(), "EUR/tCO2 per EUR/MWh");
            sde.hydrogenCoef = cr->number("hydrogen", 0.0, Range::any(), "EUR/tCO2 per EUR/MWh");
            cr->finish();
        }
        sde.maxRate = s->number("max_rate", 1e300, Range::nonNegative(), "EUR/tCO2");
        sde.maxVolume = s->number("max_volume_t_per_year", 1e300, Range::nonNegative(), "tCO2/yr");
        sde.years = s->integer("years", Range::between(0, 100, "in [0, 100]"), "years");
        readRound(*s, sde);
        s->finish();
        checked(s->self(), [&] { sde.validate(s->self().path()); });
        t.sde = sde;
    }
    if (auto s = m.optMap("ccfd")) {  // a two-sided carbon contract for difference (policy.hpp, SdeSubsidy)
        if (t.sde) s->self().fail("the contract", "a ccfd beside an sde", "either sde or ccfd on one option");
        SdeSubsidy cfd;
        cfd.baseAmount = s->number("strike", Range::between(0, 1e4, "in [0, 1e4]"), "EUR/tCO2");
        cfd.co2Coef = 1.0;
        cfd.minRate = -1e300;
        cfd.maxVolume = s->number("max_volume_t_per_year", 1e300, Range::nonNegative(), "tCO2/yr");
        cfd.years = s->integer("years", Range::between(0, 100, "in [0, 100]"), "years");
        readRound(*s, cfd);
        s->finish();
        checked(s->self(), [&] { cfd.validate(s->self().path()); });
        t.sde = cfd;
    }
    t.grant = c_.defaultGrant;
    if (auto g = m.optMap("capital_grant")) {
        t.grant.share = g->number("share", Range::unit(), "");
        t.grant.maxAmount = g->number("max_amount", 1e300, Range::nonNegative(), "EUR");
        if (auto cb = g->optMap("clawback")) {
            t.grant.clawbackYear = cb->integer(
                "year", Range::between(first, last, "within the horizon [" + std::to_string(first) + ", " +
                                                        std::to_string(last) + "]"),
                "");
            t.grant.clawbackMaxEmissions = cb->number("max_emissions_t", Range::nonNegative(), "tCO2 in that year");
            t.grant.clawbackShare = cb->number("share", 1.0, Range::unit(), "share of the grant repaid");
            if (!t.requiresOption.empty())
                cb->self().fail("the claw-back", "on a stage", "on an option without a stage (docs/case-file.md)");
            if (t.alongside)
                cb->self().fail("the claw-back", "on an option beside the plant",
                                "on an option that replaces or retrofits it (the site's emissions are the plant's)");
            cb->finish();
        }
        g->finish();
    }
    if (riskField && t.risk.rampUp() && t.risk.rampUpLearns && t.maturity.empty())
        riskField->fail("the first-of-a-kind ramp-up (ramp_up.first_of_a_kind)", "on an option without a maturity",
                        "an option with a maturity: its learning curve is the track record the shortfall shrinks with");
    if (riskField && t.risk.rampUp() && t.sde && t.sde->capped())
        riskField->fail("the ramp-up", "on an option whose subsidy has a budget",
                        "one of them: a budgeted subsidy is paid in order, which the ramp-up's shortfall would change");
    m.finish();
    checked(m.self(), [&] { t.validate(m.self().path()); });
    return t;
}

Exit Loader::readExit(MapReader m) {
    Exit e;
    e.allowed = m.boolean("allowed", true);
    e.value = m.number("value", Range::nonNegative(), "EUR");
    e.cost = m.number("cost", 0.0, Range::nonNegative(), "EUR");
    const int first = c_.valuation.startYear, last = c_.valuation.endYear() - 1;
    const Range inHorizon = Range::between(first, last, "within the horizon [" + std::to_string(first) + ", " +
                                                            std::to_string(last) + "]");
    e.earliestYear = m.integer("earliest", first, inHorizon, "");
    e.latestYear = m.integer("latest", last, inHorizon, "");
    if (e.latestYear < e.earliestYear)
        m.get("latest", "").fail("the latest year", std::to_string(e.latestYear),
                                 ">= the earliest (" + std::to_string(e.earliestYear) + ")");
    m.finish();
    return e;
}

void Loader::readSimulation(MapReader m) {
    Simulation& s = c_.simulation;
    const McSettings d;  // the defaults, defined once
    s.paths = static_cast<std::size_t>(m.integer("paths", static_cast<int>(d.paths), Range::between(2, 1e9, "in [2, 1e9]"), ""));
    s.trainingPaths = static_cast<std::size_t>(
        m.integer("training_paths", static_cast<int>(d.trainingPaths), Range::between(0, 1e9, "in [0, 1e9]"), ""));
    s.seed = static_cast<std::uint64_t>(m.integer("seed", static_cast<int>(d.seed), Range::between(1, 2e9, "a positive integer"), ""));
    s.threads = static_cast<std::size_t>(m.integer("threads", static_cast<int>(d.threads), Range::between(0, 1024, "in [0, 1024]"), ""));
    s.basis = parseBasisType(m.choice("basis", {"monomial", "laguerre", "hybrid"}, toString(d.basis)));
    s.degree = m.integer("degree", d.degree, Range::between(1, 8, "in [1, 8]"), "");
    s.antithetic = m.boolean("antithetic", d.antithetic);
    s.rules = static_cast<std::size_t>(m.integer("rules", static_cast<int>(d.rules), Range::between(1, 64, "in [1, 64]"), ""));
    m.finish();
}

CaseFile Loader::read(const YAML::Node& rootNode) {
    MapReader root(Field(main(), rootNode, "", 1));
    c_.path = main().file;
    c_.name = root.string("name", "");
    c_.description = root.string("description", "");
    c_.scenario = root.string("scenario", "");
    readValuation(root.map("valuation", "start_year, horizon_years, discount_rate ..."));

    // factors
    MapReader fm = root.map("factors", "at least co2");
    fm.get("co2", "the EU ETS price factor");
    for (const auto& n : kFactorNames) {
        if (!fm.has(n)) continue;
        c_.factors.push_back(readFactor(fm.map(n, ""), n, std::nullopt));
    }
    fm.finish();
    if (const Factor* h = c_.factor("hydrogen"); h && h->model == FactorModel::Derived && !c_.factor("power"))
        fm.get("power", "a power factor: hydrogen is derived from it");
    for (const auto& f : c_.factors)
        if (f.name != "hydrogen" && f.model == FactorModel::Derived)
            fm.get(f.name, "").fail("the model", "'derived'", "used for hydrogen only");

    if (auto mm = root.optMap("maturity")) readMaturity(*mm);
    for (const auto& mt : c_.maturity)
        if (c_.factor(mt.name))
            root.get("maturity", "").fail("the maturity name", "'" + mt.name + "'", "different from the factor names");
    for (const auto& f : c_.factors) {
        if (f.model == FactorModel::SchwartzSmith) {
            c_.brownianNames.push_back(f.name + ".chi");
            c_.brownianNames.push_back(f.name + ".xi");
        } else if (f.brownianDimensions() == 1) {
            c_.brownianNames.push_back(f.name);
        }
    }
    for (const auto& mt : c_.maturity) {
        const Factor& d = mt.deployment;
        if (d.model == FactorModel::SchwartzSmith) {
            c_.brownianNames.push_back(mt.name + ".chi");
            c_.brownianNames.push_back(mt.name + ".xi");
        } else if (d.brownianDimensions() == 1) {
            c_.brownianNames.push_back(mt.name);
        }
    }
    if (root.has("correlations")) readCorrelations(*root.opt("correlations"));
    else readCorrelations(Field(main(), YAML::Node(), "correlations", 1));

    if (auto im = root.optMap("infrastructure")) readInfrastructure(*im);
    const Field plantField = root.get("plant", "output, emission intensity, energy use ...");
    readPlant(MapReader(plantField));
    if (auto pm = root.optMap("policy")) readPolicy(*pm, plantField);
    else if (c_.policy.freeAllocation.benchmarkTPerT > 0) {
        // default phase-out stays the CBAM factor
    }

    MapReader om = root.map("options", "at least one technology option");
    if (om.keys().size() > kMaxOptions)  // before reading them: 2,000 options took 29 s and 2.5 GB
        om.self().fail("the number of options", std::to_string(om.keys().size()),
                       "at most " + std::to_string(kMaxOptions) + " (the limit in README \"Limits\")");
    std::map<std::string, Field> optionFields;
    for (const auto& n : om.keys()) {
        MapReader e = om.map(n, "");
        optionFields.emplace(n, e.self());
        c_.options.push_back(readOption(e, n));
    }
    if (c_.options.empty()) om.self().fail("the number of options", "0", "at least 1");
    if (reline_) {
        if (optionFields.count("reline"))
            optionFields.at("reline").fail("the option name", "'reline'",
                                           "another name: plant.reline adds an option named 'reline'");
        optionFields.emplace("reline", plantField);
        c_.options.push_back(*reline_);
    }
    for (const auto& [st, at] : abandons_) {
        const Technology* parent = c_.option(st.requiresOption);
        if (optionFields.count(st.name))
            optionFields.at(st.name).fail("the option name", "'" + st.name + "'",
                                          "another name: operating.abandon adds an option named '" + st.name + "'");
        if (parent && parent->sde)
            at.fail("abandoning", "an option with an operating subsidy (sde)",
                    "an option without one (the subsidy's term runs from the option's start, which abandoning's "
                    "rule does not see)");
        for (const auto& o : c_.options)
            if (o.requiresOption == st.requiresOption)
                at.fail("abandoning", "an option with a stage ('" + o.name + "')", "an option without one (one stage an option)");
        optionFields.emplace(st.name, at);
        c_.options.push_back(st);
    }
    if (mothball_) {
        for (const char* name : {"mothball", "restart"})
            if (optionFields.count(name))
                optionFields.at(name).fail("the option name", std::string("'") + name + "'",
                                           "another name: plant.mothball adds the options 'mothball' and 'restart'");
        optionFields.emplace("mothball", plantField);
        optionFields.emplace("restart", plantField);
        c_.options.push_back(*mothball_);
        c_.options.push_back(*restart_);
    }
    om.finish();

    if (auto am = root.optMap("alternatives")) {
        c_.alternatives.carryOn = am->boolean("carry_on", true);
        if (auto cl = am->optMap("close")) c_.alternatives.close = readExit(*cl);
        if (auto rl = am->optMap("relocate")) c_.alternatives.relocate = readExit(*rl);
        am->finish();
    }
    if (auto sm = root.optMap("simulation")) readSimulation(*sm);
    if (auto lk = root.optMap("leakage")) {  // where the output not made here is made instead
        c_.plant.foreignIntensity =
            lk->number("foreign_intensity_t_per_t", Range::between(0, 100, "in [0, 100]"), "tCO2/t");
        lk->finish();
        c_.leakage = true;
    }
    crossChecks(root, optionFields);
    root.finish();
    return std::move(c_);
}

void Loader::crossChecks(MapReader& root, const std::map<std::string, Field>& optionFields) {
    std::vector<std::string> optionNames, infraNames, maturityNames;
    for (const auto& o : c_.options) optionNames.push_back(o.name);
    for (const auto& i : c_.infrastructure) infraNames.push_back(i.name);
    for (const auto& m : c_.maturity) maturityNames.push_back(m.name);
    auto unknownName = [](const Field& at, const std::string& what, const std::string& value,
                          const std::vector<std::string>& names) {
        const std::string dym = detail::didYouMean(value, names);
        at.fail(what, "'" + value + "'",
                names.empty() ? "declared (none is)" : "one of " + joinNames(names) + (dym.empty() ? "" : " (" + dym + ")"));
    };
    for (const auto& o : c_.options) {
        MapReader m(optionFields.at(o.name));
        for (const auto& inf : o.infrastructure)
            if (!c_.findInfrastructure(inf))
                unknownName(m.get("infrastructure", ""), "the infrastructure", inf, infraNames);
        if (!o.maturity.empty() && !c_.findMaturity(o.maturity))
            unknownName(m.get("maturity", ""), "the maturity", o.maturity, maturityNames);
        if (!o.requiresOption.empty()) {
            const Technology* base = c_.option(o.requiresOption);
            if (base && base->isMothball() && !o.isRestart())
                m.get("requires", "").fail("the required option", "'" + o.requiresOption + "' (mothballing)",
                                           "a technology: the mothball option has only its restart as a stage");
            if (!base || base == &o) {
                std::vector<std::string> others;
                for (const auto& n : optionNames)
                    if (n != o.name) others.push_back(n);
                unknownName(m.get("requires", ""), "the required option", o.requiresOption, others);
            } else if (!base->requiresOption.empty()) {
                m.get("requires", "").fail("the required option", "'" + o.requiresOption + "' (itself a stage)",
                                           "an option without `requires` (one stage deep)");
            } else if (base->grant.clawbackYear != 0) {
                MapReader bm(optionFields.at(base->name));
                MapReader g = bm.map("capital_grant", "");
                g.get("clawback", "").fail("the claw-back", "on an option with a stage ('" + o.name + "')",
                                           "on an option without a stage (docs/case-file.md)");
            }
        }
    }
    if (const Factor* h = c_.factor("hydrogen"); h && !h->adderMaturity.empty() && !c_.findMaturity(h->adderMaturity)) {
        MapReader fm = root.map("factors", "");
        MapReader hm = fm.map("hydrogen", "");
        unknownName(hm.get("adder_maturity", ""), "the maturity", h->adderMaturity, maturityNames);
    }
    // the factors the energy use and subsidies need
    auto needs = [&](const std::string& factorName, double Plant::*pm, double Technology::*tm,
                     const char* field) {
        if (c_.factor(factorName)) return;
        if (c_.plant.*pm > 0)
            root.get("factors", "").fail("factor '" + factorName + "'", "missing",
                                         "given, because plant." + std::string(field) + " is " +
                                             formatNumber(c_.plant.*pm));
        for (const auto& o : c_.options)
            if (o.*tm > 0)
                root.get("factors", "").fail("factor '" + factorName + "'", "missing",
                                             "given, because options." + o.name + "." + field + " is " +
                                                 formatNumber(o.*tm));
    };
    needs("gas", &Plant::gasMwhPerT, &Technology::gasMwhPerT, "gas_mwh_per_t");
    needs("power", &Plant::powerMwhPerT, &Technology::powerMwhPerT, "power_mwh_per_t");
    needs("hydrogen", &Plant::hydrogenMwhPerT, &Technology::hydrogenMwhPerT, "hydrogen_mwh_per_t");
}

}  // namespace

std::vector<std::string> largestInputs(const std::string& path, const std::vector<std::string>& overrides,
                                       std::size_t count) {
    std::vector<std::string> overridden;
    const YAML::Node root = detail::loadYaml(path, "case file", overrides, overridden);
    std::vector<std::pair<double, std::string>> found;
    std::size_t visits = 0;
    auto walk = [&](auto&& self, const YAML::Node& n, const std::string& at, int depth) -> void {
        if (++visits > 100000 || depth > 64) return;
        if (n.IsScalar()) {
            char* end = nullptr;
            const double v = std::strtod(n.Scalar().c_str(), &end);
            if (end != n.Scalar().c_str() && *end == '\0' && v != 0) {
                std::ostringstream os;
                os.precision(6);
                os << path << ":" << (n.Mark().is_null() ? 0 : n.Mark().line + 1) << ": " << at << " = " << v;
                found.emplace_back(std::isfinite(v) ? std::abs(v) : HUGE_VAL, os.str());
            }
        } else if (n.IsMap()) {
            for (const auto& kv : n) self(self, kv.second, detail::joinPath(at, detail::excerpt(kv.first.Scalar())), depth + 1);
        } else if (n.IsSequence()) {
            for (std::size_t i = 0; i < n.size(); ++i) self(self, n[i], detail::joinPath(at, std::to_string(i)), depth + 1);
        }
    };
    walk(walk, root, "", 0);
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < found.size() && i < count; ++i) out.push_back(found[i].second);
    return out;
}

Technology relineOption(int startYear, int remainingLifeYears, double capex, int yearsAdded) {
    Technology t;
    t.name = "reline";
    t.retrofit = true;  // the plant as it is, nothing changed but its end
    t.capex = capex;
    t.relineYearsAdded = yearsAdded;
    t.lifetimeYears = remainingLifeYears + yearsAdded;  // the longest it can run (decided now)
    t.earliestDecisionYear = startYear;
    t.latestDecisionYear = startYear + remainingLifeYears - 1;
    t.grant.share = 0;  // the policy's grant is for decarbonisation, not for relining
    return t;
}

namespace {

// options.<x>.hedge prices given as `forward`: the case's own mean price of each year of the window
// (factorOutlook: 20,000 paths of the factor models, seed 1, the same on any machine), or the
// factor's value if it is constant
void resolveHedgeForwards(CaseFile& c) {
    for (Technology& t : c.options) {
        EnergyHedge& h = t.hedge;
        if (!h.gasForward && !h.powerForward) continue;
        std::vector<int> years;
        for (int y = h.fromYear; y <= h.toYear; ++y) years.push_back(y);
        const std::vector<FactorOutlook> outlook = factorOutlook(c, years);
        auto forwardOf = [&](const std::string& name, std::vector<double>& out) {
            out.clear();
            if (const Factor* f = c.factor(name); f && f->model == FactorModel::Constant) {
                out.assign(years.size(), f->constant);
                return;
            }
            for (const FactorOutlook& o : outlook)
                if (o.name == name)
                    for (const FactorYear& fy : o.years) out.push_back(fy.mean);
            KP_REQUIRE(out.size() == years.size(), c.path, ": options.", t.name, ".hedge.", name,
                       ".price: forward needs the case's '", name, "' price in every year of the window, but ",
                       out.size(), " of ", years.size(), " years have one (give a price in EUR/MWh)");
        };
        if (h.gasForward) forwardOf("gas", h.gasPrice);
        if (h.powerForward) forwardOf("power", h.powerPrice);
    }
}

}  // namespace

CaseFile loadCaseFile(const std::string& path, const LoadOptions& options) {
    std::vector<std::string> overridden;
    const YAML::Node root = detail::loadYaml(path, "case file", options.overrides, overridden);
    Loader loader(path, overridden);
    CaseFile c = loader.read(root);
    // scenario: the command line wins over the file's field
    std::string scenario = options.scenario;
    std::string where = "--scenario";
    if (scenario.empty() && !c.scenario.empty()) {
        scenario = c.scenario;
        const int line = root["scenario"] && !root["scenario"].Mark().is_null() ? root["scenario"].Mark().line + 1 : 1;
        where = path + ":" + std::to_string(line) + ": scenario";
        namespace fs = std::filesystem;
        if ((scenario.ends_with(".yaml") || scenario.ends_with(".yml")) && fs::path(scenario).is_relative())
            scenario = (fs::path(path).parent_path() / scenario).lexically_normal().string();
    }
    c.scenario.clear();
    if (!scenario.empty()) applyScenario(c, loadScenario(scenario, where));
    resolveHedgeForwards(c);  // after the scenario: the forward is the case's as valued
    return c;
}

}  // namespace kp::cases
