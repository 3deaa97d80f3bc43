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

int runBreakeven(const BreakevenOptions& b) {
    KP_REQUIRE(b.instrument == "capex-grant" || b.instrument == "co2-floor" || b.instrument == "operating-subsidy" ||
                   b.instrument == "co2-price",
               "--instrument is '", b.instrument,
               "', but must be capex-grant, co2-floor, operating-subsidy or co2-price");
    const cases::CaseFile c0 = loadCase(b.casePath, b.common);
    const InvestmentSettings s = settingsFor(c0, b.common);
    // budget of the progress bar: base, bracket ends, ~17 bisection steps, 3 band runs
    results::Progress progress(23 * s.paths, "breakeven", b.common.quiet);
    InvestmentLsm engine;
    const InvestmentResult base = engine.value(cases::toInvestmentProblem(c0), s, &progress);
    checkCaseResult(base, b.casePath, b.common, b.common.scenario);
    Instrument in = instrumentFor(b, c0, base);
    if (b.upper) {
        KP_REQUIRE(std::isfinite(*b.upper) && *b.upper > in.lo && *b.upper <= kMaxUpper, "--upper is ", *b.upper,
                   ", but must be above ", in.lo, " and at most ", kMaxUpper, " ", in.unit);
        in.hi = *b.upper;
    }

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
            const double m = l <= 0 ? (u > 16 * 1e-6 ? u / 16 : 0.5 * u) : (u / l > 4 ? std::sqrt(l * u) : 0.5 * (l + u));
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

}  // namespace

void addBreakevenCommand(CLI::App& app, Action& action) {
    static BreakevenOptions b;
    auto* c = app.add_subcommand("breakeven", "Smallest policy instrument at which investing now becomes optimal");
    c->add_option("case", b.casePath, "Case file (YAML, see docs/case-file.md)")->required();
    c->add_option("--instrument", b.instrument, "capex-grant (EUR), co2-floor (levy rate, EUR/t), "
                                                "operating-subsidy (EUR per tCO2 avoided) or co2-price (today's "
                                                "EUA price, EUR/t)")->required();
    c->add_option("--technology", b.technology, "Option the grant or subsidy is for (default: best NPV now)");
    c->add_option("--upper", b.upper, "Upper end of the search (default: capex, 1000 per tonne, or 20 x the CO2 spot)")
        ->check(finiteNumber());
    addCommonOptions(c, b.common);
    c->callback([&action] { action = [] { return runBreakeven(b); }; });
}

}  // namespace kp::app
