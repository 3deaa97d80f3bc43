// `kruispunt price <problem>`: canonical option problems for researchers (interface fixed: other
// tools call it). See README.md, section "Canonical problems".
#include <fstream>
#include <Eigen/Core>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "kp/core/errors.hpp"
#include "kp/engine/lsm.hpp"
#include "kp/results/json.hpp"
#include "kp/engine/structural_credit.hpp"
#include "kp/instruments/bermudan_options.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/model_set.hpp"
#include "kp/oracles/closed_forms.hpp"
#include "kp/oracles/quantlib_references.hpp"

namespace kp::app {
namespace {

/// Options shared by every Monte Carlo problem.
struct McOptions {
    std::size_t paths = LsmSettings{}.paths;  // defaults: kp/core/mc_settings.hpp, lsm.hpp
    std::size_t trainingPaths = LsmSettings{}.trainingPaths;
    std::uint64_t seed = LsmSettings{}.seed;
    std::size_t threads = LsmSettings{}.threads;
    std::string basis = toString(LsmSettings{}.basis);
    int degree = LsmSettings{}.degree;
    bool qmc = false;
    bool noAntithetic = false;
    bool upperBound = false;
    std::size_t upperOuter = 1000, upperInner = 500;
    bool json = false;

    void add(CLI::App* c) {
        c->add_option("--paths", paths, "Pricing paths")->capture_default_str()->check(wholeNumber(kMaxPaths));
        c->add_option("--training-paths", trainingPaths,
                      "Regression paths (default: a quarter of --paths, at least min(--paths, 20000), at most 262144)")
            ->check(wholeNumber(kMaxPaths));
        c->add_option("--seed", seed, "Random seed (non-zero)")->capture_default_str()->check(wholeNumber(kMaxSeed));
        c->add_option("--threads", threads, "Threads (0: all cores)")->capture_default_str()->check(wholeNumber(kMaxThreads));
        c->add_option("--basis", basis, "Regression basis: monomial or laguerre")->capture_default_str();
        c->add_option("--degree", degree, "Total degree of the basis")->capture_default_str();
        c->add_flag("--qmc", qmc, "Randomised Sobol numbers with a Brownian bridge (16 replications)");
        c->add_flag("--no-antithetic", noAntithetic, "Plain instead of antithetic pseudo-random paths");
        c->add_flag("--upper-bound", upperBound, "Also estimate the Andersen-Broadie dual upper bound");
        c->add_option("--upper-outer", upperOuter, "Outer paths of the upper bound")->capture_default_str()->check(wholeNumber(kMaxPaths));
        c->add_option("--upper-inner", upperInner, "Inner paths of the upper bound")->capture_default_str()->check(wholeNumber(kMaxPaths));
        c->add_flag("--json", json, "Print one JSON object on stdout");
    }

    /// Refuses, before allocating, a run whose training store (training paths x dates x (state + 2)
    /// doubles, README "Memory") exceeds the machine's available memory.
    void checkMemory(const LsmSettings& s, std::size_t dates, std::size_t dims) const {
        const double nT = static_cast<double>(trainingPathsOf(s));
        const double bytes = 8.0 * nT * static_cast<double>(dates) * static_cast<double>(dims + 2) +
                             (upperBound ? 8.0 * static_cast<double>(upperOuter) * static_cast<double>(upperInner) : 0.0);
        std::ifstream in("/proc/meminfo");
        std::string key, unit;
        double kb = 0, avail = HUGE_VAL;
        while (in >> key >> kb >> unit)
            if (key == "MemAvailable:") avail = kb * 1024;
        KP_REQUIRE(bytes <= avail, "the run needs about ", bytes / (1024.0 * 1024 * 1024),
                   " GiB for its regression paths (--training-paths x --exercises x state), but must fit in the "
                   "machine's available memory (", avail / (1024.0 * 1024 * 1024), " GiB): lower --training-paths, "
                   "--paths or --exercises");
    }

    LsmSettings settings() const {
        KP_REQUIRE(paths >= 2, "--paths is ", paths, ", but must be at least 2");
        KP_REQUIRE(seed != 0, "--seed is 0, but must be non-zero");
        KP_REQUIRE(!upperBound || upperOuter >= 2, "--upper-outer is ", upperOuter,
                   ", but must be at least 2");
        KP_REQUIRE(!upperBound || upperInner >= 1, "--upper-inner is ", upperInner,
                   ", but must be at least 1");
        KP_REQUIRE(degree >= 1 && degree <= 8, "--degree is ", degree, ", but must be from 1 to 8");
        LsmSettings s;
        s.paths = paths;
        s.trainingPaths = trainingPaths;
        s.seed = seed;
        s.threads = threads;
        s.basis = parseBasisType(basis);
        s.degree = degree;
        s.qmc = qmc;
        s.antithetic = !noAntithetic;
        s.upperBound = upperBound;
        s.upperOuterPaths = upperOuter;
        s.upperInnerPaths = upperInner;
        return s;
    }
};

void requirePositive(const char* name, double v) {
    KP_REQUIRE(std::isfinite(v) && v > 0, name, " is ", v, ", but must be positive");
}
void requireNonNegative(const char* name, double v) {
    KP_REQUIRE(std::isfinite(v) && v >= 0, name, " is ", v, ", but must be non-negative");
}
void requireFinite(const char* name, double v) {
    KP_REQUIRE(std::isfinite(v), name, " is ", v, ", but must be a finite number");
}

nlohmann::ordered_json toJson(const LsmResult& r, const std::string& method) {
    nlohmann::ordered_json j;
    j["method"] = method;
    j["value"] = r.value;
    j["std_error"] = r.stdError;
    j["ci95"] = {r.ci95Low, r.ci95High};
    if (r.upperBound) {
        j["upper_bound"] = r.upperBound->value;
        j["upper_bound_std_error"] = r.upperBound->stdError;
    }
    j["paths"] = r.paths;
    j["training_paths"] = r.trainingPaths;
    j["seconds"] = r.seconds;
    j["fallback_dates"] = r.fallbackDates;
    nlohmann::ordered_json dates = nlohmann::ordered_json::array();
    for (std::size_t k = 0; k < r.exerciseTimes.size(); ++k)
        dates.push_back({{"time", r.exerciseTimes[k]},
                         {"exercise_probability", r.exerciseProbability[k]},
                         {"boundary", results::numberOrNull(r.boundary[k])}});
    j["exercise_dates"] = dates;
    return j;
}

void printText(const LsmResult& r, const std::string& what) {
    std::cout.precision(6);
    std::cout << what << "\n  value        " << r.value << "\n  std error    " << r.stdError
              << "\n  95% interval [" << r.ci95Low << ", " << r.ci95High << "]\n";
    if (r.upperBound)
        std::cout << "  upper bound  " << r.upperBound->value << " (std error "
                  << r.upperBound->stdError << ")\n";
    std::cout << "  paths        " << r.paths << " (training " << r.trainingPaths << ")\n"
              << "  seconds      " << r.seconds << '\n';
    if (r.fallbackDates)
        std::cout << "  note: " << r.fallbackDates
                  << " dates had too few in-the-money paths to regress; exercised when in the money\n";
}

void emit(const nlohmann::ordered_json& j, bool json, const std::string& text) {
    if (json)
        std::cout << j.dump() << '\n';
    else
        std::cout << text;
}

/// The inputs every Bermudan problem on GBM prices shares, each checked with its option's name.
void requireBermudanInputs(double spot, double strike, double rate, double dividend, double vol,
                           double maturity, int exercises) {
    requirePositive("--spot", spot);
    requirePositive("--strike", strike);
    requireFinite("--rate", rate);
    requireFinite("--dividend", dividend);
    requireNonNegative("--vol", vol);
    requirePositive("--maturity", maturity);
    KP_REQUIRE(exercises >= 1, "--exercises is ", exercises, ", but must be at least 1");
}

/// Prints an LSM result as JSON or as text; returns the exit code.
int report(const LsmResult& r, bool json, const std::string& title) {
    if (json)
        std::cout << toJson(r, "lsm").dump() << '\n';
    else
        printText(r, title);
    return 0;
}

struct AmericanPut {
    double spot = 0, strike = 0, rate = 0, dividend = 0, vol = 0, maturity = 0;
    int exercises = 0;
    std::string method = "lsm";
    McOptions mc;
};

struct MaxCall {
    std::size_t assets = 0;
    double spot = 0, strike = 0, rate = 0, dividend = 0, vol = 0, corr = 0, maturity = 0;
    int exercises = 0;
    McOptions mc;
};

struct Perpetual {
    double value = 0, cost = 0, rate = 0, yield = 0, vol = 0, horizon = 0;
    int exercises = 0;
    std::string method = "closed-form";
    McOptions mc;
};

int runAmericanPut(const AmericanPut& a) {
    requireBermudanInputs(a.spot, a.strike, a.rate, a.dividend, a.vol, a.maturity, a.exercises);
    if (a.method == "fd") {
        const double v = bermudanPutFd(a.spot, a.strike, a.rate, a.dividend, a.vol, a.maturity, a.exercises);
        nlohmann::ordered_json j{{"method", "fd"}, {"value", v}, {"std_error", 0.0}, {"ci95", {v, v}},
                         {"paths", 0}, {"seconds", 0.0}};
        std::ostringstream os;
        os.precision(6);
        os << "Bermudan put, QuantLib finite differences (" << a.exercises << " exercise dates)\n  value "
           << v << '\n';
        emit(j, a.mc.json, os.str());
        return 0;
    }
    KP_REQUIRE(a.method == "lsm", "--method is '", a.method, "', but must be 'lsm' or 'fd'");
    LsmSettings s = a.mc.settings();
    s.boundary = true;
    const Gbm model({a.spot, a.rate, a.dividend, a.vol});
    const BermudanVanilla put(BermudanVanilla::Type::Put, a.strike, a.rate,
                              equallySpacedTimes(a.maturity, static_cast<std::size_t>(a.exercises)));
    a.mc.checkMemory(s, static_cast<std::size_t>(a.exercises), 1);
    LsmEngine engine;
    const LsmResult r = engine.price(model, put, s);
    return report(r, a.mc.json, "Bermudan put, least-squares Monte Carlo");
}

int runMaxCall(const MaxCall& a) {
    KP_REQUIRE(a.assets >= 1 && a.assets <= 64, "--assets is ", a.assets, ", but must be from 1 to 64");
    requireBermudanInputs(a.spot, a.strike, a.rate, a.dividend, a.vol, a.maturity, a.exercises);
    KP_REQUIRE(std::isfinite(a.corr) && a.corr >= -1 && a.corr <= 1, "--corr is ", a.corr,
               ", but must be in [-1, 1]");
    const double minCorr = a.assets > 1 ? -1.0 / static_cast<double>(a.assets - 1) : -1.0;
    KP_REQUIRE(a.corr >= minCorr - 1e-12, "--corr is ", a.corr, ", but with ", a.assets,
               " assets the equicorrelation matrix is positive semi-definite only for corr >= ",
               minCorr);
    const LsmSettings s = a.mc.settings();
    std::vector<ModelPtr> models;
    for (std::size_t i = 0; i < a.assets; ++i)
        models.push_back(std::make_shared<Gbm>(GbmParams{a.spot, a.rate, a.dividend, a.vol}));
    const auto n = static_cast<Eigen::Index>(a.assets);
    Eigen::MatrixXd corr = Eigen::MatrixXd::Constant(n, n, a.corr);
    corr.diagonal().setOnes();
    const ModelSet set(models, corr);
    std::vector<std::size_t> vars;
    for (std::size_t i = 0; i < a.assets; ++i) vars.push_back(set.stateOffset(i));
    const BermudanMaxCall call(a.strike, a.rate,
                               equallySpacedTimes(a.maturity, static_cast<std::size_t>(a.exercises)), vars);
    a.mc.checkMemory(s, static_cast<std::size_t>(a.exercises), static_cast<std::size_t>(a.assets));
    LsmEngine engine;
    const LsmResult r = engine.price(set, call, s);
    return report(r, a.mc.json, "Bermudan max-call, least-squares Monte Carlo");
}

int runPerpetual(const Perpetual& a) {
    requirePositive("--value", a.value);
    requirePositive("--cost", a.cost);
    requireFinite("--rate", a.rate);
    requirePositive("--yield", a.yield);
    requireNonNegative("--vol", a.vol);
    const PerpetualInvestment cf = perpetualInvestment(a.value, a.cost, a.rate, a.yield, a.vol);
    if (a.method == "closed-form") {
        nlohmann::ordered_json j{{"method", "closed-form"}, {"value", cf.value}, {"std_error", 0.0},
                         {"ci95", {cf.value, cf.value}}, {"trigger", cf.trigger}, {"beta", cf.beta},
                         {"paths", 0}, {"seconds", 0.0}};
        std::ostringstream os;
        os.precision(6);
        os << "Perpetual option to invest (McDonald-Siegel closed form)\n  value   " << cf.value
           << "\n  trigger " << cf.trigger << " (invest when the project value reaches it)\n";
        emit(j, a.mc.json, os.str());
        return 0;
    }
    KP_REQUIRE(a.method == "lsm", "--method is '", a.method, "', but must be 'closed-form' or 'lsm'");
    requirePositive("--horizon", a.horizon);
    KP_REQUIRE(a.exercises >= 1, "--exercises is ", a.exercises, ", but must be at least 1");
    LsmSettings s = a.mc.settings();
    s.boundary = true;
    const Gbm model({a.value, a.rate, a.yield, a.vol});
    const BermudanVanilla invest(BermudanVanilla::Type::Call, a.cost, a.rate,
                                 equallySpacedTimes(a.horizon, static_cast<std::size_t>(a.exercises)));
    a.mc.checkMemory(s, static_cast<std::size_t>(a.exercises), 1);
    LsmEngine engine;
    const LsmResult r = engine.price(model, invest, s);
    // the trigger: the first decision date whose sampled decisions locate a boundary (at the first
    // dates no sampled path may be near it yet)
    double trigger = NAN;
    for (double b : r.boundary)
        if (std::isfinite(b)) {
            trigger = b;
            break;
        }
    if (a.mc.json) {
        auto j = toJson(r, "lsm");
        j["trigger"] = results::numberOrNull(trigger);
        j["closed_form"] = {{"value", cf.value}, {"trigger", cf.trigger}};
        std::cout << j.dump() << '\n';
    } else {
        printText(r, "Option to invest over a finite horizon, least-squares Monte Carlo");
        std::cout << "  trigger      " << trigger << " (first decision date where it is located)\n"
                  << "  closed form  value " << cf.value << ", trigger " << cf.trigger
                  << " (perpetual)\n";
    }
    return 0;
}

struct MertonLoan {
    double assetValue = 0, vol = 0, debt = 0, maturity = 0, rate = 0;
    StructuralCreditSettings mc;
    bool json = false;
};

/// Merton's structural default by simulation, beside the closed form (a check for validators).
int runMertonLoan(const MertonLoan& a) {
    const StructuralCreditResult r = simulateMertonDefault(a.assetValue, a.vol, a.debt, a.maturity, a.rate, a.mc);
    const MertonCredit cf = mertonCredit(a.assetValue, a.vol, a.debt, a.maturity, a.rate);
    const double pdZ = (r.pd.value - cf.pd) / r.pd.stdError, spreadZ = (r.spread.value - cf.spread) / r.spread.stdError;
    if (a.json) {
        nlohmann::ordered_json j{{"pd", r.pd.value},
                                 {"pd_closed_form", cf.pd},
                                 {"std_error", r.pd.stdError},
                                 {"spread", r.spread.value},
                                 {"spread_closed_form", cf.spread},
                                 {"spread_std_error", r.spread.stdError},
                                 {"debt_value", r.debtValue.value},
                                 {"debt_value_closed_form", cf.debtValue},
                                 {"debt_value_std_error", r.debtValue.stdError},
                                 {"paths", r.paths},
                                 {"seconds", r.seconds}};
        std::cout << j.dump() << '\n';
        return 0;
    }
    std::cout.precision(6);
    std::cout << "Merton structural default, simulated (" << r.paths << " paths) vs closed form\n"
              << "  pd          " << r.pd.value << " +- " << r.pd.stdError << "   closed form " << cf.pd << "  ("
              << pdZ << " SE)\n"
              << "  spread      " << r.spread.value << " +- " << r.spread.stdError << "   closed form " << cf.spread
              << "  (" << spreadZ << " SE)\n"
              << "  debt value  " << r.debtValue.value << " +- " << r.debtValue.stdError << "   closed form "
              << cf.debtValue << "\n";
    return 0;
}

}  // namespace

void addPriceCommand(CLI::App& app, Action& action) {
    auto* price = app.add_subcommand("price", "Price a canonical option problem (for benchmarking)");
    price->require_subcommand(1);

    static AmericanPut put;
    auto* p = price->add_subcommand("american-put", "Bermudan put on a GBM, by LSM or QuantLib FD");
    p->add_option("--spot", put.spot, "Spot price")->required();
    p->add_option("--strike", put.strike, "Strike")->required();
    p->add_option("--rate", put.rate, "Risk-free rate (continuous, per year)")->required();
    p->add_option("--vol", put.vol, "Volatility (per sqrt year)")->required();
    p->add_option("--maturity", put.maturity, "Maturity (years)")->required();
    p->add_option("--exercises", put.exercises,
                  "Number of equally spaced exercise dates, the last at maturity")
        ->required();
    p->add_option("--dividend", put.dividend, "Dividend yield (continuous)")->capture_default_str();
    p->add_option("--method", put.method, "lsm or fd (QuantLib finite differences, the reference)")
        ->capture_default_str();
    put.mc.add(p);
    p->callback([&action] { action = [] { return runAmericanPut(put); }; });

    static MaxCall mc;
    auto* m = price->add_subcommand("max-call", "Bermudan call on the maximum of n GBM assets");
    m->add_option("--assets", mc.assets, "Number of assets")->required();
    m->add_option("--spot", mc.spot, "Spot of every asset")->required();
    m->add_option("--strike", mc.strike, "Strike")->required();
    m->add_option("--rate", mc.rate, "Risk-free rate")->required();
    m->add_option("--dividend", mc.dividend, "Dividend yield of every asset")->required();
    m->add_option("--vol", mc.vol, "Volatility of every asset")->required();
    m->add_option("--corr", mc.corr, "Pairwise correlation")->required();
    m->add_option("--maturity", mc.maturity, "Maturity (years)")->required();
    m->add_option("--exercises", mc.exercises, "Number of equally spaced exercise dates")->required();
    mc.mc.add(m);
    m->callback([&action] { action = [] { return runMaxCall(mc); }; });

    static Perpetual pi;
    // weighted Laguerre polynomials fit the continuation of a call on a lognormal value over a long
    // horizon far better than standardised monomials (tests/engine/lsm_validation_test.cpp)
    pi.mc.basis = "laguerre";
    pi.mc.degree = 3;
    auto* q = price->add_subcommand("perpetual-investment",
                                    "Option to invest I in a project worth V (McDonald-Siegel)");
    q->add_option("--value", pi.value, "Project value V today")->required();
    q->add_option("--cost", pi.cost, "Investment cost I")->required();
    q->add_option("--rate", pi.rate, "Risk-free rate")->required();
    q->add_option("--yield", pi.yield, "Payout (convenience) yield of the project, > 0")->required();
    q->add_option("--vol", pi.vol, "Volatility of the project value")->required();
    q->add_option("--method", pi.method, "closed-form or lsm")->capture_default_str();
    q->add_option("--horizon", pi.horizon, "Horizon for --method lsm (years)");
    q->add_option("--exercises", pi.exercises, "Decision dates for --method lsm");
    pi.mc.add(q);
    q->callback([&action] { action = [] { return runPerpetual(pi); }; });

    static MertonLoan ml;
    auto* c = price->add_subcommand("merton-loan", "Merton structural default: simulated PD and spread vs the closed form");
    c->add_option("--asset-value", ml.assetValue, "Firm asset value V today")->required();
    c->add_option("--vol", ml.vol, "Asset volatility (per sqrt year)")->required();
    c->add_option("--debt", ml.debt, "Face value D of the zero-coupon debt due at maturity")->required();
    c->add_option("--maturity", ml.maturity, "Maturity T (years)")->required();
    c->add_option("--rate", ml.rate, "Risk-free rate (continuous, per year)")->required();
    c->add_option("--paths", ml.mc.paths, "Paths (antithetic pairs)")->capture_default_str()->check(wholeNumber(kMaxPaths));
    c->add_option("--seed", ml.mc.seed, "Random seed (non-zero)")->capture_default_str()->check(wholeNumber(kMaxSeed));
    c->add_option("--threads", ml.mc.threads, "Threads (0: all cores)")->capture_default_str()->check(wholeNumber(kMaxThreads));
    c->add_flag("--json", ml.json, "Print one JSON object on stdout");
    c->callback([&action] { action = [] { return runMertonLoan(ml); }; });
}

}  // namespace kp::app
