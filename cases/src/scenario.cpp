#include "kp/cases/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "kp/core/errors.hpp"
#include <sys/stat.h>
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

Scenario parseScenario(const YAML::Node& doc, const Source& src) {
    Scenario s;
    s.file = src.file;
    MapReader root(Field(src, doc, "", 1));
    s.name = root.get("name", "the scenario name").string();
    s.summary = root.string("summary", "");
    (void)root.opt("sources");  // documentation only
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
            if (auto fa = p->opt("free_allocation_phase_out"))
                s.freeAllocationPhaseOut = fa->choice({"cbam", "low_leakage", "none"});
            s.sdeScale = p->number("sde_scale", 1.0, Range::nonNegative(), "");
            s.grantShareScale = p->number("capital_grant_share_scale", 1.0, Range::nonNegative(), "");
            s.greenPremiumScale = p->number("green_premium_scale", 1.0, Range::nonNegative(), "");
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
            p->finish();
        }
        if (auto a = adj->optMap("alternatives")) {
            s.exitValueScale = a->number("exit_value_scale", 1.0, Range::nonNegative(), "");
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
        if (n == "cbam") p.freeAllocation.phaseOut = FreeAllocation::cbamFactor();
        else if (n == "low_leakage") p.freeAllocation.phaseOut = FreeAllocation::lowLeakageFactor();
        else p.freeAllocation.phaseOut = YearSchedule{{{c.valuation.startYear, 1.0}}};
    }
    p.greenPremium.eurPerT *= s.greenPremiumScale;
    c.defaultGrant.share = std::min(1.0, c.defaultGrant.share * s.grantShareScale);
    for (auto& o : c.options) {
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
    c.alternatives.close.value *= s.exitValueScale;
    c.alternatives.relocate.value *= s.exitValueScale;
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
