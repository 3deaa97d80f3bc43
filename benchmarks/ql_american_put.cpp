// Measures: nothing by itself. It is QuantLib as a whole process, the counterpart of
// `kruispunt price american-put ... --json` for bench_process: it prices the Longstaff-Schwartz
// (2001) Bermudan put (S=36, K=40, r=0.06, sigma=0.2, T=1, 50 exercise dates t_i = i/50, none at
// time 0) with QuantLib's MCAmericanEngine (MakeMCAmericanEngine<PseudoRandom>: Mersenne Twister
// through the inverse normal CDF) and prints one JSON line
//   {"value":..,"std_error":..,"seconds":..,"paths":..,"calibration_paths":..,"basis":"..","order":..}
// where `seconds` is the wall time of NPV() alone (calibration + pricing; set-up excluded), as in
// kp::quantlibMcAmericanPut (oracles/src/quantlib_references.cpp), which sets up the same problem.
//
// The problem is the one bench_lsm_put and the oracle price: evaluation date 3 Jan 2000,
// Actual365Fixed, flat curves, an AmericanExercise to 3 Jan 2000 + 365 days (exactly T = 1, so the
// oracle's clock rescaling is the identity here) and a time grid of 50 equal steps: QuantLib's
// Longstaff-Schwartz path pricer exercises at steps 1..50 and never at step 0.
//
// Paths are counted as Kruispunt counts them: --paths N prices N paths as N/2 antithetic pairs
// (QuantLib's withSamples(N/2) + withAntitheticVariate), and --calibration-paths M regresses on M
// paths, M/2 antithetic pairs (withCalibrationSamples(M/2); QuantLib's calibration is antithetic
// when the pricing is, drawn with its own seed, so the price is out of sample). QuantLib's basis is
// its LsmBasisSystem of the given type with degrees 0..order, plus the payoff as one more function
// (AmericanPathPricer), on the state S/K.
//
// Usage: ql_american_put [--paths N] [--calibration-paths M] [--basis B] [--order K] [--seed S]
//   N, M even, >= 2 (defaults 100000 and 4096: MakeMCAmericanEngine's default 2048 calibration
//   samples, antithetic); B one of monomial (MakeMCAmericanEngine's default), laguerre, hermite,
//   hyperbolic, chebyshev2nd (the types AmericanPathPricer accepts); K >= 1 (default 2, QuantLib's);
//   S non-zero (default 42; QuantLib draws seed 0 from the clock).
#include <ql/exercise.hpp>
#include <ql/instruments/payoffs.hpp>
#include <ql/instruments/vanillaoption.hpp>
#include <ql/math/randomnumbers/rngtraits.hpp>
#include <ql/pricingengines/vanilla/mcamericanengine.hpp>
#include <ql/processes/blackscholesprocess.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/volatility/equityfx/blackconstantvol.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

namespace {

namespace ql = QuantLib;

constexpr double kSpot = 36.0, kStrike = 40.0, kRate = 0.06, kVol = 0.2;
constexpr int kDays = 365;  // T = 1 under Actual365Fixed
constexpr ql::Size kSteps = 50;

struct Options {
    std::size_t paths = 100'000;
    std::size_t calibrationPaths = 4096;
    std::string basis = "monomial";
    ql::Size order = 2;
    unsigned long seed = 42;
};

constexpr std::pair<const char*, ql::LsmBasisSystem::PolynomialType> kBases[] = {
    {"monomial", ql::LsmBasisSystem::Monomial},     {"laguerre", ql::LsmBasisSystem::Laguerre},
    {"hermite", ql::LsmBasisSystem::Hermite},       {"hyperbolic", ql::LsmBasisSystem::Hyperbolic},
    {"chebyshev2nd", ql::LsmBasisSystem::Chebyshev2nd}};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "ql_american_put: %s\nusage: ql_american_put [--paths N] [--calibration-paths M] "
                 "[--basis monomial|laguerre|hermite|hyperbolic|chebyshev2nd] [--order K] [--seed S]\n",
                 why);
    std::exit(2);
}

std::size_t evenCount(const char* name, const char* text) {
    const long long n = std::atoll(text);
    if (n < 2 || n % 2) usage((std::string(name) + " is " + text + ", but must be even and >= 2").c_str());
    return static_cast<std::size_t>(n);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (i + 1 >= argc) usage((std::string("unknown option or missing value: ") + a).c_str());
        const char* v = argv[++i];
        if (!std::strcmp(a, "--paths")) o.paths = evenCount(a, v);
        else if (!std::strcmp(a, "--calibration-paths")) o.calibrationPaths = evenCount(a, v);
        else if (!std::strcmp(a, "--basis")) o.basis = v;
        else if (!std::strcmp(a, "--order")) {
            const long k = std::atol(v);
            if (k < 1) usage((std::string("--order is ") + v + ", but must be >= 1").c_str());
            o.order = static_cast<ql::Size>(k);
        } else if (!std::strcmp(a, "--seed")) {
            o.seed = std::strtoul(v, nullptr, 10);
            if (o.seed == 0) usage("--seed is 0, but must be non-zero (QuantLib draws seed 0 from the clock)");
        } else
            usage((std::string("unknown option ") + a).c_str());
    }
    return o;
}

ql::LsmBasisSystem::PolynomialType basisType(const std::string& name) {
    for (const auto& [n, t] : kBases)
        if (name == n) return t;
    usage(("--basis is '" + name + "', but must be monomial, laguerre, hermite, hyperbolic or chebyshev2nd").c_str());
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    const ql::LsmBasisSystem::PolynomialType type = basisType(o.basis);
    try {
        const ql::Date today(3, ql::January, 2000);
        ql::Settings::instance().evaluationDate() = today;
        const ql::DayCounter dc = ql::Actual365Fixed();
        ql::Handle<ql::Quote> s0(ql::ext::make_shared<ql::SimpleQuote>(kSpot));
        ql::Handle<ql::YieldTermStructure> r(ql::ext::make_shared<ql::FlatForward>(today, kRate, dc));
        ql::Handle<ql::YieldTermStructure> q(ql::ext::make_shared<ql::FlatForward>(today, 0.0, dc));
        ql::Handle<ql::BlackVolTermStructure> v(
            ql::ext::make_shared<ql::BlackConstantVol>(today, ql::NullCalendar(), kVol, dc));
        auto process = ql::ext::make_shared<ql::BlackScholesMertonProcess>(s0, q, r, v);

        ql::VanillaOption option(ql::ext::make_shared<ql::PlainVanillaPayoff>(ql::Option::Put, kStrike),
                                 ql::ext::make_shared<ql::AmericanExercise>(today, today + kDays));
        option.setPricingEngine(ql::MakeMCAmericanEngine<ql::PseudoRandom>(process)
                                    .withSteps(kSteps)
                                    .withSamples(o.paths / 2)
                                    .withCalibrationSamples(o.calibrationPaths / 2)
                                    .withAntitheticVariate(true)
                                    .withBasisSystem(type)
                                    .withPolynomialOrder(o.order)
                                    .withSeed(o.seed));

        const auto start = std::chrono::steady_clock::now();
        const double value = option.NPV();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("{\"value\":%.17g,\"std_error\":%.17g,\"seconds\":%.9f,\"paths\":%zu,"
                    "\"calibration_paths\":%zu,\"basis\":\"%s\",\"order\":%zu}\n",
                    value, option.errorEstimate(), seconds, o.paths, o.calibrationPaths, o.basis.c_str(),
                    static_cast<std::size_t>(o.order));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ql_american_put: %s\n", e.what());
        return 1;
    }
    return 0;
}
