// `kruispunt breakeven CASE.yaml --instrument capex-grant|co2-floor|operating-subsidy|co2-price`: the
// smallest value of a policy instrument (or of today's CO2 price) at which investing now becomes
// optimal. See docs/valuation.md
// ("Break-even policy") for the method and README.md for the command.
//
// Each instrument is applied through a `--set` override (the exact string is printed), so every
// valuation here is the one `kruispunt value CASE.yaml --set <set>` runs with the same paths and seed:
// same seed, same random numbers (common random numbers), so the decision is a step function of
// the instrument and bisection finds its step, to 1e-4 of its value whatever --upper is.
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <limits>
#include <optional>

#include "case_run.hpp"
#include "cli_checks.hpp"
#include "commands.hpp"
#include "kp/core/errors.hpp"
#include "kp/results/path_values.hpp"
#include "kp/results/progress.hpp"
#include "kp/results/sensitivities.hpp"

namespace kp::app {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct BreakevenOptions {
    std::string casePath;
    CommonOptions common;
    std::string instrument;
    std::string technology;
    std::optional<double> upper;
    std::string target;  ///< "" (invest now), "invested-by:YEAR:P" or "emissions:YEAR:MT"
};

/// A target the instrument must reach (--target): P(invested by the end of `year`) >= level, or the
/// expected emissions in `year` <= level Mt.
struct Target {
    enum class Kind { InvestedBy, Emissions } kind = Kind::InvestedBy;
    int year = 0;
    double level = 0;
};

Target parseTarget(const std::string& text) {
    Target t;
    const auto bad = [&](const std::string& why) {
        ::kp::detail::throwInvalid("--target: the target is '", text, "', but must be invested-by:YEAR:P (P in (0, 1]) ",
                                   "or emissions:YEAR:MT (Mt >= 0)", why.empty() ? "" : " (" + why + ")");
    };
    const auto c1 = text.find(':');
    const auto c2 = c1 == std::string::npos ? c1 : text.find(':', c1 + 1);
    if (c2 == std::string::npos) bad("");
    const std::string kind = text.substr(0, c1), year = text.substr(c1 + 1, c2 - c1 - 1), level = text.substr(c2 + 1);
    if (kind == "invested-by") t.kind = Target::Kind::InvestedBy;
    else if (kind == "emissions") t.kind = Target::Kind::Emissions;
    else bad("unknown kind '" + kind + "'");
    char* end = nullptr;
    const long y = std::strtol(year.c_str(), &end, 10);
    if (year.empty() || *end != '\0' || y < 1900 || y > 2300) bad("the year '" + year + "' is not a year");
    t.year = static_cast<int>(y);
    const double v = std::strtod(level.c_str(), &end);
    if (level.empty() || *end != '\0' || !std::isfinite(v)) bad("the level '" + level + "' is not a number");
    if (t.kind == Target::Kind::InvestedBy && !(v > 0 && v <= 1)) bad("a probability must be in (0, 1]");
    if (t.kind == Target::Kind::Emissions && !(v >= 0)) bad("emissions must be >= 0 Mt");
    t.level = v;
    return t;
}

/// Expected emissions of one calendar year (tCO2), per path, from the pricing blocks.
class YearEmissions final : public PricingObserver {
public:
    YearEmissions(std::size_t paths, std::size_t yearIndex, PricingObserver* next)
        : e_(paths, 0.0), k_(yearIndex), next_(next) {}
    void onBlock(const PricingBlock& b) override {
        for (std::size_t p = 0; p < b.n; ++p) {
            double e = 0;
            for (std::size_t k = k_ * b.periodsPerYear; k < (k_ + 1) * b.periodsPerYear && k < b.years; ++k)
                e += b.emissions[k * b.n + p];
            e_[b.first + p] = e;
        }
        if (next_) next_->onBlock(b);
    }
    const std::vector<double>& perPath() const { return e_; }

private:
    std::vector<double> e_;
    std::size_t k_;
    PricingObserver* next_;
};

/// Largest --upper: beyond it the instrument's cash flows overflow a valuation.
constexpr double kMaxUpper = 1e15;

/// How an instrument is applied: the --set override for a value x, the search range and the unit.
struct Instrument {
    std::string name, unit, technology;
    double lo = 0, hi = 0;
    std::string (*set)(const std::string& technology, double x, int years) = nullptr;
    int years = 0;  // operating-subsidy: the subsidy term
    std::string override(double x) const { return set(technology, x, years); }
};

std::string number(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", x);
    return buf;
}

/// x rounded up to 4 significant digits (the printed break-even is on the invest side of the step).
double roundUp4(double x) {
    if (!(x > 0)) return x;
    const double unit = std::pow(10.0, std::floor(std::log10(x)) - 3);
    return std::ceil(x / unit - 1e-9) * unit;
}

/// The next level tried between l (failing) and u (succeeding): while l = 0 it shrinks u 16-fold,
/// then it is geometric while u / l > 4, then arithmetic (so the tolerance is relative to the answer).
double midpoint(double l, double u) {
    return l <= 0 ? (u > 16 * 1e-6 ? u / 16 : 0.5 * u) : (u / l > 4 ? std::sqrt(l * u) : 0.5 * (l + u));
}

/// --upper replaces the instrument's default upper end of the search.
void applyUpper(const BreakevenOptions& b, Instrument& in) {
    if (!b.upper) return;
    KP_REQUIRE(std::isfinite(*b.upper) && *b.upper > in.lo && *b.upper <= kMaxUpper, "--upper is ", *b.upper,
               ", but must be above ", in.lo, " and at most ", kMaxUpper, " ", in.unit);
    in.hi = *b.upper;
}

Instrument instrumentFor(const BreakevenOptions& b, const cases::CaseFile& c, const InvestmentResult& base) {
    Instrument in;
    in.name = b.instrument;
    if (b.instrument == "co2-price") {
        // today's EUA price: the factor's spot, from a hundredth to twenty times the case's
        const cases::Factor* f = c.factor("co2");
        KP_REQUIRE(f != nullptr, c.path, ": factors.co2: missing, but --instrument co2-price sets its spot");
        in.unit = c.valuation.currency + "/tCO2";
        in.lo = 0.01 * f->spot();
        in.hi = 20 * f->spot();
        in.set = [](const std::string&, double x, int) { return "factors.co2.spot=" + number(x); };
        return in;
    }
    if (b.instrument == "co2-floor") {
        KP_REQUIRE(c.policy.levy.enabled, c.path, ": policy.co2_levy: the levy is off, but must be enabled (with a "
                   "reduction_factor) for --instrument co2-floor, which sets its rate (docs/case-file.md)");
        in.unit = c.valuation.currency + "/tCO2";
        in.hi = 1000;
        in.set = [](const std::string&, double x, int) { return "policy.co2_levy.rate=" + number(x); };
        return in;
    }
    // capex-grant and operating-subsidy apply to one technology: --technology, or the one with the
    // best NPV of investing now
    if (b.technology.empty()) {
        const int j = results::bestNowTechnology(base);
        KP_REQUIRE(j >= 0, c.path, ": options: no technology may be chosen in ", c.valuation.startYear,
                   ", but one must be for a break-even of investing now");
        in.technology = base.technologyNames[static_cast<std::size_t>(j)];
    } else {
        in.technology = b.technology;
    }
    const Technology* t = c.option(in.technology);
    KP_REQUIRE(t != nullptr && t->requiresOption.empty(), "--technology is '", in.technology,
               "', but must be an option of the case that is not a stage");
    if (b.instrument == "capex-grant") {
        in.unit = c.valuation.currency;
        in.hi = t->capex;
        in.set = [](const std::string& tech, double x, int) {
            return "options." + tech + ".capital_grant={share: 1, max_amount: " + number(x) + "}";
        };
    } else if (b.instrument == "ccfd-strike") {
        in.unit = c.valuation.currency + "/tCO2 (strike)";
        in.hi = 1000;
        KP_REQUIRE(!t->sde || t->sde->twoSided(), c.path, ": options.", in.technology,
                   ".sde: the option has an operating subsidy, but must have none (or a ccfd) for --instrument "
                   "ccfd-strike, which gives it a contract for difference");
        in.years = t->sde ? t->sde->years : SdeSubsidy{}.years;
        in.set = [](const std::string& tech, double x, int years) {
            return "options." + tech + ".ccfd={strike: " + number(x) + ", years: " + std::to_string(years) + "}";
        };
    } else {
        in.unit = c.valuation.currency + "/tCO2 avoided";
        in.hi = 1000;
        in.years = t->sde ? t->sde->years : SdeSubsidy{}.years;
        in.set = [](const std::string& tech, double x, int years) {
            return "options." + tech + ".sde={base_amount: " + number(x) + ", years: " + std::to_string(years) + "}";
        };
    }
    return in;
}

struct Valuation {
    cases::CaseFile c;
    InvestmentResult r;
};

int runTargetBreakeven(const BreakevenOptions& b, const Target& target);

int runBreakeven(const BreakevenOptions& b) {
    KP_REQUIRE(b.instrument == "capex-grant" || b.instrument == "co2-floor" || b.instrument == "operating-subsidy" ||
                   b.instrument == "co2-price" || b.instrument == "ccfd-strike",
               "--instrument is '", b.instrument,
               "', but must be capex-grant, co2-floor, operating-subsidy, ccfd-strike or co2-price");
    if (!b.target.empty()) return runTargetBreakeven(b, parseTarget(b.target));
    const cases::CaseFile c0 = loadCase(b.casePath, b.common);
    const InvestmentSettings s = settingsFor(c0, b.common);
    // budget of the progress bar: base, bracket ends, ~17 bisection steps, 3 band runs
    results::Progress progress(23 * s.paths, "breakeven", b.common.quiet);
    InvestmentLsm engine;
    const InvestmentResult base = engine.value(cases::toInvestmentProblem(c0), s, &progress);
    checkCaseResult(base, b.casePath, b.common, b.common.scenario);
    Instrument in = instrumentFor(b, c0, base);
    applyUpper(b, in);

    int evaluations = 0;
    auto valueAt = [&](double x, bool waitOnly, results::PathValues* pv) {
        CommonOptions o = b.common;
        o.sets.push_back(in.override(x));
        Valuation v{loadCase(b.casePath, o), {}};
        InvestmentProblem pr = cases::toInvestmentProblem(v.c);
        if (waitOnly)  // the best strategy that does not invest at the first date
            for (auto& t : pr.project.technologies)
                t.tech.earliestDecisionYear = std::max(t.tech.earliestDecisionYear, pr.project.startYear + 1);
        v.r = engine.value(pr, s, pv ? static_cast<PricingObserver*>(pv) : &progress);
        ++evaluations;
        return v;
    };
    auto invests = [&](double x) { return valueAt(x, false, nullptr).r.decision == Decision::InvestNow; };

    nlohmann::ordered_json j;
    j["instrument"] = in.name;
    j["technology"] = in.technology.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(in.technology);
    j["unit"] = in.unit;
    double breakeven = kNaN, bandLo = kNaN, bandHi = kNaN;
    Estimate diff{kNaN, kNaN};
    std::string note;
    const bool price = in.name == "co2-price";  // searched whatever today's decision
    if (!price && base.decision == Decision::InvestNow) {
        breakeven = 0;
        note = "investing now is already optimal without the instrument";
    } else if (price && invests(in.lo)) {
        note = "investing now is optimal even at " + number(in.lo) + " " + in.unit + ", the lower end of the search";
    } else if (!invests(in.hi)) {
        note = "investing now does not become optimal up to " + number(in.hi) + " " + in.unit + " (--upper)";
    } else {
        // bisection on the decision, waiting at l and investing at u, to a tolerance relative to
        // the break-even (1e-4 of u), so the result does not depend on --upper: while l = 0 the
        // step shrinks u 16-fold, then the midpoint is geometric while u / l > 4
        // (co2-price: the decision may also turn to closing at high prices; the step found is the
        // lowest price in the range at which investing now is optimal only if it is the only one)
        double l = in.lo, u = in.hi;
        while (u - l > 1e-4 * u) {
            const double m = midpoint(l, u);
            if (!(m > l && m < u)) break;
            (invests(m) ? u : l) = m;
            KP_REQUIRE(evaluations < 200, "breakeven: the bisection took ", evaluations,
                       " valuations, but must converge (the decision is not a step in the instrument)");
        }
        const std::pair<double, double> bracket{l, u};
        breakeven = roundUp4(bracket.second);
        // band: the out-of-sample difference NPV now - value of the best strategy that waits, at the
        // break-even and one step above, with the standard error of its pathwise mean; +-2 SE of the
        // difference, divided by its slope, in the instrument's units
        const double h = std::max(0.05 * breakeven, 0.01 * (in.hi - in.lo));
        auto difference = [&](double x, int& tech) {
            const InvestmentProblem pr = cases::toInvestmentProblem(c0);
            results::PathValues pv(s.paths, pr, false, &progress);
            const Valuation now = valueAt(x, false, &pv);
            tech = now.r.technology >= 0 ? now.r.technology : results::bestNowTechnology(now.r);
            std::vector<double> npv(pv.npvNow(static_cast<std::size_t>(tech)),
                                    pv.npvNow(static_cast<std::size_t>(tech)) + s.paths);
            results::PathValues pw(s.paths, pr, false, &progress);
            (void)valueAt(x, true, &pw);
            return results::pathDifference(npv.data(), pw.option(), s.paths, s.antithetic);
        };
        int tech = -1, tech2 = -1;
        diff = difference(breakeven, tech);
        const Estimate up = difference(breakeven + h, tech2);
        const double slope = (up.value - diff.value) / h;
        if (slope > 0 && tech == tech2) {
            const double half = 2 * diff.stdError / slope;
            bandLo = std::max(in.lo, breakeven - half);
            bandHi = breakeven + half;
        } else {
            note = "the difference does not rise with the instrument at these paths: no band";
        }
    }
    progress.finish();
    const std::string set = std::isfinite(breakeven) ? in.override(breakeven) : std::string();
    auto num = [](double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(); };
    j["breakeven"] = num(breakeven);
    j["band"] = {num(bandLo), num(bandHi)};
    j["set"] = set.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(set);
    j["difference_at_breakeven"] = results::estimateJson(diff);
    j["note"] = note;
    j["valuations"] = evaluations + 1;
    j["paths"] = s.paths;
    j["seed"] = s.seed;
    if (b.common.json) {
        std::cout << j.dump() << '\n';
        return 0;
    }
    std::cout << "Break-even " << in.name << (in.technology.empty() ? "" : " for " + in.technology) << " (" << c0.name
              << ", " << s.paths << " paths, seed " << s.seed << ")\n";
    if (!std::isfinite(breakeven)) {
        std::cout << "  none: " << note << "\n";
        return 0;
    }
    std::cout << std::fixed << std::setprecision(breakeven >= 1e5 ? 0 : 2) << "  break-even      " << breakeven
              << " " << in.unit << "\n";
    if (std::isfinite(bandLo))
        std::cout << "  band (+-2 SE)   " << bandLo << " .. " << bandHi << " " << in.unit << "\n";
    if (!note.empty()) std::cout << "  note: " << note << "\n";
    if (!set.empty()) std::cout << "  re-run with     --set '" << set << "'\n";
    return 0;
}

/// --target: the smallest instrument level at which the target is met (docs/valuation.md,
/// "Break-even policy"). The same common random numbers as the decision break-even: every
/// valuation is `kruispunt value CASE --set <set>` with the case's paths and seed.
int runTargetBreakeven(const BreakevenOptions& b, const Target& target) {
    const cases::CaseFile c0 = loadCase(b.casePath, b.common);
    const InvestmentSettings s = settingsFor(c0, b.common);
    const int first = c0.valuation.startYear, last = c0.valuation.endYear() - 1;
    KP_REQUIRE(target.year >= first && target.year <= last, "--target: the year is ", target.year,
               ", but must be within the horizon of ", c0.path, " [", first, ", ", last, "]");
    const auto yearIndex = static_cast<std::size_t>(target.year - first);
    results::Progress progress(24 * s.paths, "breakeven", b.common.quiet);
    InvestmentLsm engine;
    const InvestmentResult base = engine.value(cases::toInvestmentProblem(c0), s, &progress);
    checkCaseResult(base, b.casePath, b.common, b.common.scenario);
    Instrument in = instrumentFor(b, c0, base);
    applyUpper(b, in);
    const bool investedBy = target.kind == Target::Kind::InvestedBy;
    const double level = investedBy ? target.level : target.level * 1e6;  // tCO2
    int evaluations = 0;
    // expected emissions in the year (tCO2): the engine's mean, as `value` prints it, with the
    // standard error of the pricing paths' mean
    auto emissionsOf = [&](const InvestmentProblem& pr, PricingObserver* next) {
        YearEmissions ye(s.paths, yearIndex, next);
        const InvestmentResult r = engine.value(pr, s, &ye);
        return Estimate{r.emissionsMean[yearIndex], results::pathMean(ye.perPath().data(), s.paths, s.antithetic).stdError};
    };
    // the target's metric at instrument level x: P(invested by) (SE over the rules) or E[emissions]
    // in the year (SE of the pricing paths), tCO2
    auto metricAt = [&](double x) {
        CommonOptions o = b.common;
        o.sets.push_back(in.override(x));
        const cases::CaseFile c = loadCase(b.casePath, o);
        const InvestmentProblem pr = cases::toInvestmentProblem(c);
        ++evaluations;
        KP_REQUIRE(evaluations < 200, "breakeven: the search took ", evaluations,
                   " valuations, but must converge (the target is not a step in the instrument)");
        if (investedBy) return engine.value(pr, s, &progress).investedBy[yearIndex];
        return emissionsOf(pr, &progress);
    };
    auto meets = [&](const Estimate& m) { return investedBy ? m.value >= level : m.value <= level; };
    const Estimate atBase = investedBy ? base.investedBy[yearIndex] : [&] {
        ++evaluations;
        return emissionsOf(cases::toInvestmentProblem(c0), &progress);
    }();

    double breakeven = kNaN, bandLo = kNaN, bandHi = kNaN;
    Estimate atBreakeven{kNaN, kNaN}, below{kNaN, kNaN};
    std::string note;
    if (meets(atBase)) {
        breakeven = 0;
        atBreakeven = atBase;
        note = "the target is met without the instrument";
    } else if (const Estimate top = metricAt(in.hi); !meets(top)) {
        note = "the target is not met up to " + number(in.hi) + " " + in.unit + " (--upper)";
    } else {
        // bisection as for investing now (failing at l, meeting at u, to 1e-4 of u). The metric is
        // a step function of x only up to the noise of the retrained rule, so the result is
        // checked 1% below; if the target is met there too, the search goes on below it (at most
        // four times), so that the level reported meets the target and 1% less does not.
        double u = in.hi;
        Estimate mu = top;
        for (int restart = 0;; ++restart) {
            double l = in.lo;
            while (u - l > 1e-4 * u) {
                const double m = midpoint(l, u);
                if (!(m > l && m < u)) break;
                const Estimate e = metricAt(m);
                if (meets(e)) u = m, mu = e;
                else l = m;
            }
            // the printed level: u rounded up to 4 digits if it still meets the target, else u itself
            breakeven = roundUp4(u);
            atBreakeven = breakeven == u ? mu : metricAt(breakeven);
            if (!meets(atBreakeven)) breakeven = u, atBreakeven = mu;
            below = metricAt(0.99 * breakeven);
            if (!meets(below)) break;
            if (restart == 3) {
                note = "the target is also met 1% below the break-even after four searches: the metric is not a "
                       "step in the instrument at these paths";
                break;
            }
            u = 0.99 * breakeven, mu = below;
        }
        // band: where the metric is within 2 SE of the target, from its slope over a step h
        const double h = std::max(0.05 * breakeven, 0.01 * (in.hi - in.lo));
        const Estimate up = metricAt(breakeven + h);
        const double slope = (up.value - atBreakeven.value) / h;
        if ((investedBy && slope > 0) || (!investedBy && slope < 0)) {
            const double half = 2 * atBreakeven.stdError / std::abs(slope);
            bandLo = std::max(in.lo, breakeven - half);
            bandHi = breakeven + half;
        } else if (note.empty()) {
            note = "the metric does not move towards the target with the instrument at these paths: no band";
        }
    }
    progress.finish();
    const std::string set = std::isfinite(breakeven) && breakeven > 0 ? in.override(breakeven) : std::string();
    auto num = [](double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(); };
    const double scale = investedBy ? 1.0 : 1e-6;  // emissions reported in Mt
    nlohmann::ordered_json j;
    j["instrument"] = in.name;
    j["technology"] = in.technology.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(in.technology);
    j["unit"] = in.unit;
    j["target"] = {{"kind", investedBy ? "invested-by" : "emissions"},
                   {"year", target.year},
                   {"level", target.level},
                   {"unit", investedBy ? "probability" : "Mt"}};
    j["without_instrument"] = results::estimateJson({atBase.value * scale, atBase.stdError * scale});
    j["breakeven"] = num(breakeven);
    j["band"] = {num(bandLo), num(bandHi)};
    j["set"] = set.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(set);
    j["at_breakeven"] = results::estimateJson({atBreakeven.value * scale, atBreakeven.stdError * scale});
    j["one_percent_below"] = results::estimateJson({below.value * scale, below.stdError * scale});
    j["note"] = note;
    j["valuations"] = evaluations + 1;
    j["paths"] = s.paths;
    j["seed"] = s.seed;
    if (b.common.json) {
        std::cout << j.dump() << '\n';
        return 0;
    }
    const std::string what = investedBy ? "P(invested by " + std::to_string(target.year) + ")"
                                        : "E[emissions " + std::to_string(target.year) + "]";
    const std::string goal = investedBy ? ">= " + number(target.level) : "<= " + number(target.level) + " Mt";
    std::cout << "Break-even " << in.name << (in.technology.empty() ? "" : " for " + in.technology) << " to reach "
              << what << " " << goal << " (" << c0.name << ", " << s.paths << " paths, seed " << s.seed << ")\n";
    std::cout << std::fixed << std::setprecision(3) << "  without it      " << what << " = " << atBase.value * scale
              << " +- " << atBase.stdError * scale << "\n";
    if (!std::isfinite(breakeven)) {
        std::cout << "  none: " << note << "\n";
        return 0;
    }
    std::cout << std::setprecision(breakeven >= 1e5 ? 0 : 2) << "  break-even      " << breakeven << " " << in.unit
              << "\n";
    std::cout << std::setprecision(3) << "  there           " << what << " = " << atBreakeven.value * scale << " +- "
              << atBreakeven.stdError * scale << "\n";
    if (std::isfinite(below.value))
        std::cout << "  1% below        " << what << " = " << below.value * scale << " +- " << below.stdError * scale
                  << "\n";
    if (std::isfinite(bandLo))
        std::cout << std::setprecision(breakeven >= 1e5 ? 0 : 2) << "  band (+-2 SE)   " << bandLo << " .. " << bandHi
                  << " " << in.unit << "\n";
    if (!note.empty()) std::cout << "  note: " << note << "\n";
    if (!set.empty()) std::cout << "  re-run with     --set '" << set << "'\n";
    return 0;
}

}  // namespace

void addBreakevenCommand(CLI::App& app, Action& action) {
    static BreakevenOptions b;
    auto* c = app.add_subcommand("breakeven", "Smallest policy instrument at which investing now becomes optimal "
                                              "(or a --target is met)");
    c->add_option("case", b.casePath, "Case file (YAML, see docs/case-file.md)")->required();
    c->add_option("--instrument", b.instrument, "capex-grant (EUR), co2-floor (levy rate, EUR/t), "
                                                "operating-subsidy (EUR per tCO2 avoided), ccfd-strike (EUR/t) or "
                                                "co2-price (today's EUA price, EUR/t)")->required();
    c->add_option("--technology", b.technology, "Option the grant or subsidy is for (default: best NPV now)");
    c->add_option("--target", b.target,
                  "Instead of investing now: invested-by:YEAR:P (P(invested by the end of YEAR) >= P) or "
                  "emissions:YEAR:MT (expected emissions in YEAR <= MT Mt)");
    c->add_option("--upper", b.upper, "Upper end of the search (default: capex, 1000 per tonne, or 20 x the CO2 spot)")
        ->check(finiteNumber());
    addCommonOptions(c, b.common);
    c->callback([&action] { action = [] { return runBreakeven(b); }; });
}

}  // namespace kp::app
