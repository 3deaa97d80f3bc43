// kp::InvestmentLsm: train a rule, price a rule, or both (investment_lsm.hpp). The passes are in
// investment_paths.cpp, investment_training.cpp, investment_pricing.cpp, investment_statistics.cpp
// and investment_trigger.cpp; this file checks the inputs and puts them together.
#include "kp/engine/investment_lsm.hpp"

#include <algorithm>
#include <chrono>

#include "investment_work.hpp"
#include "kp/core/errors.hpp"

namespace kp {

std::string toString(Decision d) {
    switch (d) {
        case Decision::InvestNow: return "invest_now";
        case Decision::Close: return "close";
        default: return "wait";
    }
}

struct InvestmentLsm::Impl {
    detail::TrainingStore training;
    tbb::enumerable_thread_specific<detail::InvestmentWork> tls;
    detail::RegressionWorkspace regression;
};

InvestmentLsm::InvestmentLsm() : impl_(std::make_unique<Impl>()) {}
InvestmentLsm::~InvestmentLsm() = default;

namespace {

void checkSettings(const InvestmentSettings& s) {
    KP_REQUIRE(s.paths >= 2, "InvestmentLsm: paths is ", s.paths, ", but must be at least 2");
    KP_REQUIRE(!s.antithetic || s.paths % 2 == 0, "InvestmentLsm: paths is ", s.paths,
               ", but must be even with antithetic sampling");
    KP_REQUIRE(s.seed != 0, "InvestmentLsm: seed is 0, but must be non-zero (seeds are explicit)");
    KP_REQUIRE(s.degree >= 1 && s.degree <= 8, "InvestmentLsm: degree is ", s.degree,
               ", but must be from 1 to 8");
}

/// The instrument of a checked problem.
InvestmentInstrument instrumentOf(const InvestmentProblem& pr) {
    KP_REQUIRE(pr.factors != nullptr, "InvestmentLsm: factors is null, but must be a ModelSet");
    InvestmentInstrument in(pr.project, pr.factors->stateSize());
    KP_REQUIRE(pr.arrivals.size() == pr.project.infrastructureNames.size(), "InvestmentLsm: arrivals has ",
               pr.arrivals.size(), " laws and the project ", pr.project.infrastructureNames.size(),
               " infrastructure names, but must have as many");
    return in;
}

void checkFixedPolicy(const InvestmentSettings& s, const InvestmentProject& pr) {
    if (!s.fixedPolicy) return;
    KP_REQUIRE(s.fixedPolicy->technology >= -1 && s.fixedPolicy->technology < static_cast<int>(pr.technologies.size()),
               "InvestmentLsm: fixed policy technology is ", s.fixedPolicy->technology,
               ", but must be -1 (never) or below ", pr.technologies.size());
    KP_REQUIRE(s.fixedPolicy->technology < 0 ||
                   (s.fixedPolicy->year >= pr.startYear && s.fixedPolicy->year < pr.startYear + pr.horizonYears),
               "InvestmentLsm: fixed policy year is ", s.fixedPolicy->year, ", but must be in [", pr.startYear,
               ", ", pr.startYear + pr.horizonYears - 1, "]");
}

void checkShape(const InvestmentRule& r, const InvestmentInstrument& in) {
    KP_REQUIRE(r.periods == in.periods() && r.periodsPerYear == in.periodsPerYear() &&
                   r.technologies == in.technologies() && r.stages == in.stages() && r.features == in.features() &&
                   r.continuousFeatures == in.continuousFeatures() && r.decisions.dates.size() == in.periods(),
               "InvestmentLsm: the rule was trained on a problem of ", r.periods, " periods (", r.periodsPerYear,
               " a year), ", r.technologies, " technologies, ", r.stages, " stages and ", r.features,
               " features, but must be priced on one of the same shape (this one: ", in.periods(), ", ",
               in.periodsPerYear(), ", ", in.technologies(), ", ", in.stages(), ", ", in.features(), ")");
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

InvestmentRule InvestmentLsm::train(const InvestmentProblem& problem, const InvestmentSettings& s) {
    checkSettings(s);
    const InvestmentInstrument in = instrumentOf(problem);
    checkFixedPolicy(s, problem.project);
    tbb::task_arena arena(detail::threadCount(s.threads));
    const std::size_t nc = std::max<std::size_t>(in.continuousFeatures(), 1);
    const std::size_t maxColumns =
        std::min(Basis::sizeFor(s.basis, s.degree, nc, 0, nc), Basis::kMaxSize) + in.infrastructure();
    const detail::InvestmentContext c{problem, in, s, arena, impl_->tls, maxColumns};
    return detail::trainRule(c, impl_->training, impl_->regression);
}

InvestmentResult InvestmentLsm::price(const InvestmentProblem& problem, const InvestmentRule& rule,
                                      const InvestmentSettings& s, PricingObserver* observer) {
    const auto start = std::chrono::steady_clock::now();
    checkSettings(s);
    const InvestmentInstrument in = instrumentOf(problem);
    checkFixedPolicy(s, problem.project);
    checkShape(rule, in);
    tbb::task_arena arena(detail::threadCount(s.threads));
    std::size_t maxColumns = 1;
    for (const DateRule& r : rule.decisions.dates) maxColumns = std::max(maxColumns, r.design.columns());
    const detail::InvestmentContext c{problem, in, s, arena, impl_->tls, maxColumns};
    detail::PricingSums sums = detail::pricePaths(c, rule, observer);
    InvestmentResult res = detail::summarise(c, rule, sums);
    detail::readTriggers(c, rule, res);
    res.seconds = secondsSince(start);
    return res;
}

InvestmentResult InvestmentLsm::value(const InvestmentProblem& problem, const InvestmentSettings& s,
                                      PricingObserver* observer) {
    const auto start = std::chrono::steady_clock::now();
    const InvestmentRule rule = train(problem, s);
    InvestmentResult res = price(problem, rule, s, observer);
    res.seconds = secondsSince(start);
    return res;
}

}  // namespace kp
