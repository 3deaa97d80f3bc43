// kp::InvestmentLsm: train a rule, price a rule, or both (investment_lsm.hpp). The passes are in
// investment_paths.cpp, investment_training.cpp, investment_pricing.cpp, investment_statistics.cpp
// and investment_trigger.cpp; this file checks the inputs and puts them together.
#include "kp/engine/investment_lsm.hpp"

#include <algorithm>
#include <chrono>

#include "investment_work.hpp"
#include "kp/core/errors.hpp"

namespace kp {

std::string toString(TriggerStatus s) {
    switch (s) {
        case TriggerStatus::Found: return "found";
        case TriggerStatus::AboveRange: return "above_range";
        case TriggerStatus::BelowRange: return "below_range";
        default: return "no_switch";
    }
}

std::string toString(Decision d) {
    switch (d) {
        case Decision::InvestNow: return "invest_now";
        case Decision::Close: return "close";
        default: return "wait";
    }
}

PathRange ruleShare(std::size_t paths, std::size_t rules, std::size_t b) {
    KP_REQUIRE(rules >= 1 && rules <= detail::blocksOf(paths) && b < rules, "ruleShare: rule ", b, " of ", rules,
               " rules on ", paths, " paths, but there must be from 1 to one rule per block of 1024 paths");
    const std::size_t blocks = detail::blocksOf(paths);
    // the first block c with ruleOfBlock(c) = c * rules / blocks >= b is ceil(b * blocks / rules)
    auto firstBlock = [&](std::size_t r) { return (r * blocks + rules - 1) / rules; };
    return {std::min(paths, firstBlock(b) * detail::kBlock), std::min(paths, firstBlock(b + 1) * detail::kBlock)};
}

struct InvestmentLsm::Impl {
    detail::TrainingStore training;
    tbb::enumerable_thread_specific<detail::InvestmentWork> tls;
    tbb::enumerable_thread_specific<detail::InvestmentWork> relinedTls;  // the relined state's blocks
    detail::RegressionWorkspace regression;
};

InvestmentLsm::InvestmentLsm() : impl_(std::make_unique<Impl>()) {}
InvestmentLsm::~InvestmentLsm() = default;

namespace {

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijective mix of 64 bits.
std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void checkSettings(const InvestmentSettings& s) {
    KP_REQUIRE(s.paths >= 2, "InvestmentLsm: paths is ", s.paths, ", but must be at least 2");
    KP_REQUIRE(!s.antithetic || s.paths % 2 == 0, "InvestmentLsm: paths is ", s.paths,
               ", but must be even with antithetic sampling");
    KP_REQUIRE(s.seed != 0, "InvestmentLsm: seed is 0, but must be non-zero (seeds are explicit)");
    KP_REQUIRE(s.degree >= 1 && s.degree <= 8, "InvestmentLsm: degree is ", s.degree,
               ", but must be from 1 to 8");
    KP_REQUIRE(s.rules >= 1 && s.rules <= 64, "InvestmentLsm: rules is ", s.rules, ", but must be from 1 to 64");
}

/// The rules a valuation trains: as many as asked, but at most one per block of pricing paths.
std::size_t rulesFor(const InvestmentSettings& s) { return std::min(s.rules, detail::blocksOf(s.paths)); }

/// The instrument of a checked problem.
InvestmentInstrument instrumentOf(const InvestmentProblem& pr) {
    KP_REQUIRE(pr.factors != nullptr, "InvestmentLsm: factors is null, but must be a ModelSet");
    InvestmentInstrument in(pr.project, pr.factors->stateSize());
    KP_REQUIRE(pr.arrivals.size() == pr.project.infrastructureNames.size(), "InvestmentLsm: arrivals has ",
               pr.arrivals.size(), " laws and the project ", pr.project.infrastructureNames.size(),
               " infrastructure names, but must have as many");
    return in;
}

/// The relined state of a problem (kp::hasRelinedState): its project, instrument and context.
struct Relined {
    RelinedProject map;
    InvestmentInstrument in;
    detail::RelinedContext context;
    Relined(const InvestmentProblem& pr, std::size_t reline, tbb::enumerable_thread_specific<detail::InvestmentWork>& tls)
        : map(relinedProject(pr.project, reline)), in(map.project, pr.factors->stateSize()), context{in, map, reline, tls, detail::goneInfrastructure(pr, in)} {}
    Relined(const Relined&) = delete;
    Relined& operator=(const Relined&) = delete;
};

std::unique_ptr<Relined> relinedOf(const InvestmentProblem& pr, tbb::enumerable_thread_specific<detail::InvestmentWork>& tls) {
    if (!hasRelinedState(pr.project)) return nullptr;
    return std::make_unique<Relined>(pr, static_cast<std::size_t>(relineIndex(pr.project)), tls);
}

void checkFixedPolicy(const FixedPolicy& f, const InvestmentProject& pr) {
    KP_REQUIRE(f.technology >= -1 && f.technology < static_cast<int>(pr.technologies.size()),
               "InvestmentLsm: fixed policy technology is ", f.technology, ", but must be -1 (never) or below ",
               pr.technologies.size());
    KP_REQUIRE(f.technology < 0 || (f.year >= pr.startYear && f.year < pr.startYear + pr.horizonYears),
               "InvestmentLsm: fixed policy year is ", f.year, ", but must be in [", pr.startYear, ", ",
               pr.startYear + pr.horizonYears - 1, "]");
}

void checkFixedPolicy(const InvestmentSettings& s, const InvestmentProject& pr) {
    if (s.fixedPolicy) checkFixedPolicy(*s.fixedPolicy, pr);
}

void checkShape(const InvestmentRule& r, const InvestmentInstrument& in, const InvestmentInstrument* relined) {
    KP_REQUIRE(r.periods == in.periods() && r.periodsPerYear == in.periodsPerYear() &&
                   r.technologies == in.technologies() && r.stages == in.stages() && r.features == in.features() &&
                   r.continuousFeatures == in.continuousFeatures() && r.decisions.dates.size() == in.periods(),
               "InvestmentLsm: the rule was trained on a problem of ", r.periods, " periods (", r.periodsPerYear,
               " a year), ", r.technologies, " technologies, ", r.stages, " stages and ", r.features,
               " features, but must be priced on one of the same shape (this one: ", in.periods(), ", ",
               in.periodsPerYear(), ", ", in.technologies(), ", ", in.stages(), ", ", in.features(), ")");
    KP_REQUIRE(r.afterReline.size() == (relined ? 1u : 0u), "InvestmentLsm: the rule has ", r.afterReline.size(),
               " relined rules, but must have ", relined ? 1 : 0, " for this problem (a relined state: a reline with ",
               "plant.investAfterReline and a technology or exit after it)");
    if (relined) checkShape(r.afterReline.front(), *relined, nullptr);
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::uint64_t ruleSeed(std::uint64_t seed, std::size_t b) {
    if (b == 0) return seed;
    const std::uint64_t k = mix64(seed ^ mix64(0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(b)));
    return k ? k : 1;
}

InvestmentRule InvestmentLsm::train(const InvestmentProblem& problem, const InvestmentSettings& s) {
    checkSettings(s);
    const InvestmentInstrument in = instrumentOf(problem);
    checkFixedPolicy(s, problem.project);
    tbb::task_arena arena(detail::threadCount(s.threads));
    const std::size_t nc = std::max<std::size_t>(in.continuousFeatures(), 1);
    const std::size_t maxColumns =
        std::min(Basis::sizeFor(s.basis, s.degree, nc, 0, nc), Basis::kMaxSize) + in.infrastructure();
    const std::unique_ptr<Relined> relined = relinedOf(problem, impl_->relinedTls);
    const detail::InvestmentContext c{problem, in, s, arena, impl_->tls, maxColumns, relined ? &relined->context : nullptr,
                                      detail::goneInfrastructure(problem, in)};
    return detail::trainRule(c, impl_->training, impl_->regression);
}

std::vector<InvestmentRule> InvestmentLsm::trainRules(const InvestmentProblem& problem, const InvestmentSettings& s) {
    checkSettings(s);
    std::vector<InvestmentRule> rules;
    for (std::size_t b = 0; b < rulesFor(s); ++b) {
        InvestmentSettings sb = s;
        sb.seed = ruleSeed(s.seed, b);
        rules.push_back(train(problem, sb));
    }
    return rules;
}

InvestmentResult InvestmentLsm::price(const InvestmentProblem& problem, const std::vector<InvestmentRule>& rules,
                                      const InvestmentSettings& s, PricingObserver* observer,
                                      const std::vector<BesidePolicy>& beside) {
    const auto start = std::chrono::steady_clock::now();
    checkSettings(s);
    const InvestmentInstrument in = instrumentOf(problem);
    checkFixedPolicy(s, problem.project);
    for (const BesidePolicy& b : beside) {
        checkFixedPolicy(b.policy, problem.project);
        KP_REQUIRE(b.observer != nullptr, "InvestmentLsm: a policy priced beside the rules has no observer, but must have one");
    }
    KP_REQUIRE(!rules.empty() && rules.size() <= detail::blocksOf(s.paths), "InvestmentLsm: ", rules.size(),
               " rules are given, but there must be from 1 to one per block of 1024 pricing paths (",
               detail::blocksOf(s.paths), ")");
    const std::unique_ptr<Relined> relined = relinedOf(problem, impl_->relinedTls);
    std::size_t maxColumns = 1;
    for (const InvestmentRule& rule : rules) {
        checkShape(rule, in, relined ? &relined->in : nullptr);
        for (const DateRule& r : rule.decisions.dates) maxColumns = std::max(maxColumns, r.design.columns());
        for (const InvestmentRule& after : rule.afterReline)
            for (const DateRule& r : after.decisions.dates) maxColumns = std::max(maxColumns, r.design.columns());
    }
    tbb::task_arena arena(detail::threadCount(s.threads));
    const detail::InvestmentContext c{problem, in, s, arena, impl_->tls, maxColumns, relined ? &relined->context : nullptr,
                                      detail::goneInfrastructure(problem, in)};
    detail::PricingSums sums = detail::pricePaths(c, rules, observer, beside);
    InvestmentResult res = detail::summarise(c, rules, sums);
    detail::readTriggers(c, rules, res);
    res.seconds = secondsSince(start);
    return res;
}

InvestmentResult InvestmentLsm::price(const InvestmentProblem& problem, const InvestmentRule& rule,
                                      const InvestmentSettings& s, PricingObserver* observer) {
    return price(problem, std::vector<InvestmentRule>{rule}, s, observer);
}

InvestmentResult InvestmentLsm::value(const InvestmentProblem& problem, const InvestmentSettings& s,
                                      PricingObserver* observer) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<InvestmentRule> rules = trainRules(problem, s);
    InvestmentResult res = price(problem, rules, s, observer);
    res.seconds = secondsSince(start);
    return res;
}

}  // namespace kp
