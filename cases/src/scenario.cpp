#include "kp/cases/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "kp/cases/ngfs.hpp"
#include "kp/core/errors.hpp"
#include <sys/stat.h>
#include "path_fields.hpp"
#include "yaml_reader.hpp"

namespace kp::cases {

namespace detail {
/// Generated at configure time from cases/scenarios/*.yaml (cases/CMakeLists.txt).
struct EmbeddedScenario {
    const char* name;
    const char* file;
    const char* text;
};
const std::vector<EmbeddedScenario>& embeddedScenarios();
}  // namespace detail

using detail::Field;
using detail::MapReader;
using detail::Range;
using detail::Source;

std::vector<std::string> scenarioNames() {
    std::vector<std::string> n;
    for (const auto& s : detail::embeddedScenarios()) n.emplace_back(s.name);
    return n;
}

std::string scenarioText(const std::string& name) {
    for (const auto& s : detail::embeddedScenarios())
        if (name == s.name) return s.text;
    const auto names = scenarioNames();
    const std::string dym = detail::didYouMean(name, names);
    ::kp::detail::throwInvalid("scenario: the scenario is '", name, "', but must be one of ",
                               detail::joinNames(names), dym.empty() ? "" : " (" + dym + ")");
}

namespace {

/// anchors.co2_path: "ngfs/<scenario>/<model>", {ngfs: <scenario>/<model>, floor: x} or {points: {year: price}}.
Co2Anchor readCo2Anchor(const Field& f) {
    Co2Anchor a;
    std::string ngfsName;
    std::optional<Field> ngfsField;
    if (f.node().IsScalar()) {
        const std::string text = f.string();
        if (text.rfind("ngfs/", 0) != 0)
            f.fail("the path", "'" + text + "'", "ngfs/<scenario>/<model> or a map {ngfs, floor} or {points}");
        ngfsName = text.substr(5);
        ngfsField = f;
    } else {
        MapReader m(f);
        const int given = m.has("points") + m.has("ngfs");
        if (given != 1)
            m.self().fail("the path", std::to_string(given) + " sources",
                          "exactly one of points ({year: price}) and ngfs (<scenario>/<model>)");
        if (auto ng = m.opt("ngfs")) ngfsName = ng->string(), ngfsField = *ng;
        if (auto fl = m.opt("floor")) {
            if (!ngfsField) fl->fail("the key", "'floor'", "given only with ngfs");
            a.floor = fl->number(Range::positive(), "per tCO2");
        }
        if (auto pts = m.optMap("points")) {
            a.points = detail::readYearPrices(pts->self(), Range::between(1900, 2300, "a year in [1900, 2300]"),
                                              "per tCO2");
            a.source = "points";
        }
        m.finish();
    }
    if (ngfsField) {
        a.points = detail::ngfsPathAt(*ngfsField, ngfsName).points;
        a.source = "ngfs/" + ngfsName;
    }
    return a;
}

/// A phase-out as {year: share}, shares in [0, 1], held after the last year (as in a case file).
YearSchedule readShareSchedule(const Field& f) {
    YearSchedule y;
    for (const auto& kv : f.node()) {
        const Field yf(f.source(), kv.first, f.path() + "." + kv.first.Scalar(), f.line());
        const int year = yf.integer(Range::between(1900, 2300, "a year in [1900, 2300]"), "");
        y.points[year] = Field(f.source(), kv.second, yf.path(), yf.line()).number(Range::unit(), "share");
    }
    if (y.points.empty()) f.fail("the schedule", "empty", "at least one {year: share}");
    return y;
}

Scenario parseScenario(const YAML::Node& doc, const Source& src) {
    Scenario s;
    s.file = src.file;
    MapReader root(Field(src, doc, "", 1));
    s.name = root.get("name", "the scenario name").string();
    s.summary = root.string("summary", "");
    (void)root.opt("sources");  // documentation only
    if (auto an = root.optMap("anchors")) {
        if (auto cp = an->opt("co2_path")) s.co2Path = readCo2Anchor(*cp);
        if (an->has("capital_grant_share"))
            s.grantShare = an->number("capital_grant_share", Range::unit(), "share of capex");
        an->finish();
    }
    if (auto adj = root.optMap("adjust")) {
        for (const std::string f : {"co2", "gas", "power", "hydrogen", "product"}) {
            if (auto fm = adj->optMap(f)) {
                FactorAdjustment a;
                a.levelScale = fm->number("level_scale", 1.0, Range::positive(), "");
                a.driftAdd = fm->number("drift_add", 0.0, Range::between(-0.5, 0.5, "in [-0.5, 0.5]"), "per year");
                a.volScale = fm->number("vol_scale", 1.0, Range::nonNegative(), "");
                fm->finish();
                s.factors[f] = a;
            }
        }
        if (auto p = adj->optMap("policy")) {
            if (auto l = p->opt("co2_levy_enabled")) s.levyEnabled = l->boolean();
            if (auto fa = p->opt("free_allocation_phase_out")) {
                if (fa->node().IsMap()) {
                    s.freeAllocationPhaseOut = "schedule";
                    s.freeAllocationSchedule = readShareSchedule(*fa);
                } else {
                    s.freeAllocationPhaseOut = fa->choice({"cbam", "low_leakage", "none"});
                }
            }
            s.sdeScale = p->number("sde_scale", 1.0, Range::nonNegative(), "");
            s.grantShareScale = p->number("capital_grant_share_scale", 1.0, Range::nonNegative(), "");
            s.greenPremiumScale = p->number("green_premium_scale", 1.0, Range::nonNegative(), "");
            s.passThroughScale = p->number("pass_through_scale", 1.0, Range::nonNegative(), "");
            p->finish();
        }
        if (auto i = adj->optMap("infrastructure")) {
            s.infrastructureDelayYears = i->number("delay_years", 0.0, Range::between(-30, 30, "in [-30, 30]"), "years");
            i->finish();
        }
        if (auto m = adj->optMap("maturity")) {
            s.learningRateScale = m->number("learning_rate_scale", 1.0, Range::nonNegative(), "");
            s.deploymentGrowthScale = m->number("deployment_growth_scale", 1.0, Range::nonNegative(), "");
            s.availabilityDelayYears = m->number("availability_delay_years", 0.0, Range::between(-30, 30, "in [-30, 30]"), "years");
            m->finish();
        }
        if (auto p = adj->optMap("plant")) {
            s.outputScale = p->number("output_scale", 1.0, Range::positive(), "");
            if (auto r = p->optMap("reline")) {
                RelineOffer o;
                o.capexPerT = r->number("capex_per_t", Range::between(0, 1e5, "in [0, 1e5]"), "per t/yr of output");
                o.yearsAdded = r->integer("years_added", Range::between(1, 100, "in [1, 100]"), "years");
                r->finish();
                s.reline = o;
            }
            p->finish();
        }
        if (auto o = adj->optMap("options")) {
            s.optionsScale = o->number("scale", 1.0, Range::between(0, 1, "in (0, 1]"), "");
            if (s.optionsScale <= 0) o->get("scale", "").fail("the value", "0", "in (0, 1]");
            s.optionsCapexExponent = o->number("capex_exponent", 1.0, Range::unit(), "");
            s.optionsAlongside = o->boolean("alongside", false);
            if (auto l = o->optMap("licensing")) {
                s.optionsLicensingPerYear = l->number("eur_per_year", Range::between(0, 1e12, "in [0, 1e12]"), "EUR/yr");
                if (!s.optionsAlongside)
                    l->self().fail("the licence income", "given without options.alongside: true",
                                   "given with it (licence income is a pilot's, beside the plant)");
                l->finish();
            }
            o->finish();
        }
        if (auto a = adj->optMap("alternatives")) {
            s.exitValueScale = a->number("exit_value_scale", 1.0, Range::nonNegative(), "");
            s.exitCostScale = a->number("exit_cost_scale", 1.0, Range::nonNegative(), "");
            a->finish();
        }
        adj->finish();
    }
    root.finish();
    return s;
}

void shift(ArrivalDistribution& a, double years) {
    switch (a.kind) {
        case ArrivalDistribution::Kind::Fixed: a.at += years; break;
        case ArrivalDistribution::Kind::Discrete: {
            const int d = static_cast<int>(std::lround(years));
            for (int& y : a.years) y += d;
            break;
        }
        case ArrivalDistribution::Kind::Lognormal:
        case ArrivalDistribution::Kind::Queue: a.start += years; break;
    }
}

/// A price path (factors.<f>.path) is the level: every point scaled, and raised by the drift added
/// over its years (flat after the last point, as the path itself).
void adjustPath(PricePath& p, const FactorAdjustment& a) {
    for (std::size_t i = 0; i < p.levels.size(); ++i) p.levels[i] *= a.levelScale * std::exp(a.driftAdd * p.times[i]);
}

void adjust(Factor& f, const FactorAdjustment& a, int horizonYears) {
    const double s = a.levelScale, ls = std::log(a.levelScale);
    switch (f.model) {
        case FactorModel::Constant: f.constant *= s; break;
        case FactorModel::Derived: f.scale *= s; break;
        case FactorModel::Gbm:
            f.gbm.spot *= s;
            f.gbm.drift += a.driftAdd;
            f.gbm.vol *= a.volScale;
            adjustPath(f.path, a);
            break;
        case FactorModel::Jump:
            f.jump.spot *= s;
            // with a path the drift is the path's (kp::MertonJump requires mu = 0): the path moves
            if (f.hasPath()) adjustPath(f.path, a);
            else f.jump.drift += a.driftAdd;
            f.jump.vol *= a.volScale;
            f.jump.jumpVol *= a.volScale;
            break;
        case FactorModel::SchwartzSmith:
            f.schwartzSmith.xi0 += ls;  // with a path: its start, exp(xi0) = the scaled spot
            if (f.hasPath()) adjustPath(f.path, a);
            else f.schwartzSmith.muXi += a.driftAdd;
            f.schwartzSmith.sigmaChi *= a.volScale;
            f.schwartzSmith.sigmaXi *= a.volScale;
            break;
        case FactorModel::Ou: {
            f.ou.spot *= s;
            f.ou.sigma *= a.volScale;
            if (f.hasPath()) {  // the path is the level: scaled and raised as for gbm
                adjustPath(f.path, a);
                break;
            }
            if (a.driftAdd != 0) {
                // annual pieces: the mean level at year k rises by driftAdd x k
                std::vector<double> times, levels;
                for (int k = 0; k < horizonYears; ++k) {
                    const double t = k;
                    std::size_t piece = 0;
                    while (piece + 1 < f.ou.meanTimes.size() && f.ou.meanTimes[piece + 1] <= t) ++piece;
                    times.push_back(t);
                    levels.push_back(f.ou.meanLevels[piece] + a.driftAdd * t);
                }
                // keep later original breakpoints beyond the horizon irrelevant: the last level holds
                f.ou.meanTimes = times;
                f.ou.meanLevels = levels;
            }
            for (double& l : f.ou.meanLevels) l += ls;
            break;
        }
    }
}

/// The CO2 factor follows the anchor: its path replaced (NGFS points floored, those after the start
/// year), its own trend dropped (the path sets it), as a case file with `path:` would have it.
void applyCo2Anchor(CaseFile& c, const Co2Anchor& a, const std::string& file) {
    Factor* f = nullptr;
    for (auto& x : c.factors)
        if (x.name == "co2") f = &x;
    KP_REQUIRE(f != nullptr, file, ": anchors.co2_path is given, but the case must have a co2 factor to carry it");
    KP_REQUIRE(f->model != FactorModel::Constant && f->model != FactorModel::Derived, file,
               ": anchors.co2_path is given, but the case's co2 factor must be gbm, ou, schwartz-smith or jump to follow a path");
    const int start = c.valuation.startYear;
    const double floor = a.floor ? *a.floor : (a.source == "points" ? 0.0 : f->spot());
    PricePath path;
    path.mean = f->model == FactorModel::Jump;  // a jump-diffusion's median has no closed form
    for (const auto& [y, level] : a.points) {
        if (y <= start || y > start + 200) continue;
        path.times.push_back(static_cast<double>(y - start));
        path.levels.push_back(std::max(level, floor));
    }
    KP_REQUIRE(!path.empty(), file, ": anchors.co2_path (", a.source, ") has no year after the case's start_year (",
               start, "), but must have at least one");
    const double spot = f->spot();
    f->path = path;
    f->pathSource = a.source;
    switch (f->model) {
        case FactorModel::Gbm: f->gbm.drift = 0; break;
        case FactorModel::Jump: f->jump.drift = 0; break;
        case FactorModel::SchwartzSmith:  // the long-term factor follows the path from today's price
            f->schwartzSmith.muXi = 0;
            f->schwartzSmith.chi0 = 0;
            f->schwartzSmith.xi0 = std::log(spot);
            break;
        default: break;  // ou: the path is the level (its mean level is unused)
    }
}

/// The replacement technologies at `k` of their size (a pilot): output and capture scale with k,
/// capex and fixed opex with k^e (e < 1: a smaller plant costs more per tonne). Relines and
/// mothballing unchanged.
void scaleOptions(CaseFile& c, double k, double e) {
    if (k == 1) return;
    const double cost = std::pow(k, e);
    for (auto& o : c.options) {
        if (o.isReline() || o.mothball != Technology::MothballRole::None) continue;
        o.capex *= cost;
        o.fixedOpex *= cost;
        if (o.retrofit) o.captureRate *= k;
        else o.outputScale *= k;
        if (o.sde && o.sde->maxVolume < 1e300) o.sde->maxVolume *= k;
    }
}

/// Every replacement technology (not a retrofit, reline or stage, and without a grant claw-back)
/// built beside the plant instead of replacing it, with `licence` EUR a year of licence income.
void optionsAlongside(CaseFile& c, double licence) {
    for (auto& o : c.options) {
        if (o.retrofit || o.isReline() || !o.requiresOption.empty() || o.grant.clawbackYear != 0) continue;
        o.alongside = true;
        o.licensingPerYear = licence;
    }
}

/// A reline offered as the case file's plant.reline would (an option named "reline", decided while
/// the plant runs, no grant), priced per tonne of the plant's annual output.
void offerReline(CaseFile& c, const RelineOffer& r, const std::string& file) {
    if (c.plant.reline || c.plant.remainingLifeYears < 1) return;  // the case's own reline, or none possible
    for (const auto& o : c.options)
        KP_REQUIRE(o.name != "reline", file, ": adjust.plant.reline offers an option named 'reline', but the case "
                   "already has an option of that name, which must be renamed");
    c.plant.reline = true;
    c.options.push_back(relineOption(c.valuation.startYear, c.plant.remainingLifeYears,
                                     r.capexPerT * c.plant.outputTPerYear, r.yearsAdded));
}

}  // namespace

Scenario loadScenario(const std::string& nameOrPath, const std::string& where) {
    const bool isFile = nameOrPath.ends_with(".yaml") || nameOrPath.ends_with(".yml");
    YAML::Node doc;
    std::string file;
    if (isFile) {
        file = nameOrPath;
        struct stat st {};
        if (::stat(file.c_str(), &st) != 0)
            ::kp::detail::throwInvalid(where, ": the scenario file is '", file,
                                       "' (not readable), but must be a readable YAML file");
        doc = detail::loadYamlFile(file, "scenario file");
    } else {
        const detail::EmbeddedScenario* found = nullptr;
        for (const auto& s : detail::embeddedScenarios())
            if (nameOrPath == s.name) found = &s;
        if (!found) {
            const auto names = scenarioNames();
            const std::string dym = detail::didYouMean(nameOrPath, names);
            ::kp::detail::throwInvalid(where, ": the scenario is '", nameOrPath, "', but must be one of ",
                                       detail::joinNames(names), " or a .yaml file",
                                       dym.empty() ? "" : " (" + dym + ")");
        }
        file = found->file;
        doc = YAML::Load(found->text);
    }
    const Source src{file, {}};
    return parseScenario(doc, src);
}

void applyScenario(CaseFile& c, const Scenario& s) {
    const int h = c.valuation.horizonYears;
    if (s.co2Path) applyCo2Anchor(c, *s.co2Path, s.file);
    for (auto& f : c.factors) {
        auto it = s.factors.find(f.name);
        if (it != s.factors.end()) adjust(f, it->second, h);
    }
    Policy& p = c.policy;
    if (s.levyEnabled) {
        KP_REQUIRE(!*s.levyEnabled || !p.levy.reductionFactor.points.empty(), s.file,
                   ": policy.co2_levy_enabled is true, but the case has no co2_levy with a "
                   "reduction_factor, which must be given to switch the levy on");
        p.levy.enabled = *s.levyEnabled;
    }
    if (s.freeAllocationPhaseOut) {
        const std::string& n = *s.freeAllocationPhaseOut;
        // the price-setting producer's allocation follows the plant's unless the case set its own
        const bool referenceFollows = p.passThrough.referencePhaseOut.points == p.freeAllocation.phaseOut.points;
        if (n == "cbam") p.freeAllocation.phaseOut = FreeAllocation::cbamFactor();
        else if (n == "low_leakage") p.freeAllocation.phaseOut = FreeAllocation::lowLeakageFactor();
        else if (n == "schedule") p.freeAllocation.phaseOut = *s.freeAllocationSchedule;
        else p.freeAllocation.phaseOut = YearSchedule{{{c.valuation.startYear, 1.0}}};
        if (referenceFollows) p.passThrough.referencePhaseOut = p.freeAllocation.phaseOut;
    }
    p.greenPremium.eurPerT *= s.greenPremiumScale;
    p.passThrough.share = std::min(1.0, p.passThrough.share * s.passThroughScale);
    if (s.grantShare) c.defaultGrant.share = *s.grantShare;
    c.defaultGrant.share = std::min(1.0, c.defaultGrant.share * s.grantShareScale);
    for (auto& o : c.options) {
        if (s.grantShare && !o.isReline() && o.mothball == Technology::MothballRole::None) o.grant.share = *s.grantShare;
        o.grant.share = std::min(1.0, o.grant.share * s.grantShareScale);
        if (o.sde && o.sde->twoSided()) {
            o.sde->baseAmount *= s.sdeScale;  // a CCfD: the strike (scaling the EUA term would pay more back)
        } else if (o.sde) {
            SdeSubsidy& d = *o.sde;
            const double k = s.sdeScale;
            d.baseAmount *= k;
            d.basePrice *= k;
            d.constant *= k;
            d.co2Coef *= k;
            d.gasCoef *= k;
            d.powerCoef *= k;
            d.hydrogenCoef *= k;
            if (d.maxRate < 1e300) d.maxRate *= k;
        }
    }
    for (auto& i : c.infrastructure) shift(i.arrival, s.infrastructureDelayYears);
    for (auto& m : c.maturity) {
        m.curve.learningRate = std::min(0.99, m.curve.learningRate * s.learningRateScale);
        Factor& d = m.deployment;
        if (d.model == FactorModel::Gbm) d.gbm.drift *= s.deploymentGrowthScale;
        if (d.model == FactorModel::Jump) d.jump.drift *= s.deploymentGrowthScale;
        if (d.model == FactorModel::SchwartzSmith) d.schwartzSmith.muXi *= s.deploymentGrowthScale;
        if (m.available) shift(*m.available, s.availabilityDelayYears);
    }
    c.plant.outputTPerYear *= s.outputScale;
    if (c.policy.freeAllocation.activityTPerYear >= 0) c.policy.freeAllocation.activityTPerYear *= s.outputScale;
    if (c.policy.levy.activityTPerYear >= 0) c.policy.levy.activityTPerYear *= s.outputScale;
    scaleOptions(c, s.optionsScale, s.optionsCapexExponent);
    if (s.optionsAlongside) optionsAlongside(c, s.optionsLicensingPerYear);
    if (s.reline) offerReline(c, *s.reline, s.file);
    c.alternatives.close.value *= s.exitValueScale;
    c.alternatives.relocate.value *= s.exitValueScale;
    c.alternatives.close.cost *= s.exitCostScale;
    c.alternatives.relocate.cost *= s.exitCostScale;
    c.scenario = s.name;
    try {
        for (const auto& f : c.factors) (void)f.makeModel();
        for (const auto& m : c.maturity) {
            (void)m.deployment.makeModel();
            m.curve.validate("maturity." + m.name);
        }
        c.plant.validate("plant");
        c.policy.validate("policy");
        for (const auto& o : c.options) o.validate("options." + o.name);
    } catch (const InvalidInput& e) {
        throw InvalidInput(s.file + ": scenario '" + s.name + "' makes the case invalid: " + e.what());
    }
}

}  // namespace kp::cases
