//! \brief Prices and policy as the market and the government set them (issue 13), on the examples
//! with the defaults a case file gets (eight trained rules, 100,000 pricing paths):
//! - carbon-cost pass-through: a zero rate reproduces the case without it bit for bit; with the
//!   steelworks' pass-through of docs/case-file.md ("carbon_pass_through"), doubling today's EUA
//!   price brings investment earlier (P(invested by 2035) higher by more than 3 SE of the
//!   difference) and the rule has a finite CO2 trigger, where without pass-through it has none.

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kp/cases/case_problem.hpp"

namespace {

const std::string kExamples = KP_SOURCE_DIR "/examples/";

kp::InvestmentResult valueExample(const std::string& file, const std::vector<std::string>& overrides,
                                  std::size_t paths = 100'000) {
    kp::cases::LoadOptions lo;
    lo.overrides = overrides;
    const kp::cases::CaseFile c = kp::cases::loadCaseFile(kExamples + file, lo);
    kp::cases::RunOverrides o;
    o.paths = paths;
    kp::InvestmentLsm engine;
    return engine.value(kp::cases::toInvestmentProblem(c), kp::cases::settingsFor(c, o));
}

/// The steelworks' pass-through (docs/case-file.md): 75% of the net carbon cost of a BF-BOF producer
/// at the CBAM benchmark for hot-rolled flats (1.370 t/t, FACTS.md 14b), 20% of output exported.
const std::vector<std::string> kPassThrough{
    "policy.carbon_pass_through.share=0.75", "policy.carbon_pass_through.reference_intensity_t_per_t=1.37",
    "policy.carbon_pass_through.reference_benchmark_t_per_t=1.37", "policy.carbon_pass_through.export_share=0.2"};

std::size_t yearIndex(const kp::InvestmentResult& r, int year) {
    for (std::size_t y = 0; y < r.years.size(); ++y)
        if (r.years[y] == year) return y;
    FAIL("year " << year << " is not a decision year");
    return 0;
}

bool anyTrigger(const kp::InvestmentResult& r) {
    for (std::size_t y = 0; y < r.years.size(); ++y)
        if (r.triggerStatus[y] == kp::TriggerStatus::Found && std::isfinite(r.trigger[y])) return true;
    return false;
}

}  // namespace

TEST_SUITE("slow") {

TEST_CASE("pass-through at a zero rate reproduces the case without it bit for bit") {
    const kp::InvestmentResult a = valueExample("steelworks_h2_dri.yaml", {}, 20'000);
    std::vector<std::string> zero = kPassThrough;
    zero[0] = "policy.carbon_pass_through.share=0";
    const kp::InvestmentResult b = valueExample("steelworks_h2_dri.yaml", zero, 20'000);
    CHECK(a.optionValue.value == b.optionValue.value);
    CHECK(a.optionValue.stdError == b.optionValue.stdError);
    CHECK(a.neverInvest.value == b.neverInvest.value);
    REQUIRE(a.investedBy.size() == b.investedBy.size());
    for (std::size_t y = 0; y < a.investedBy.size(); ++y) CHECK(a.investedBy[y].value == b.investedBy[y].value);
}

TEST_CASE("with pass-through a higher EUA price brings the steelworks' investment earlier, with a CO2 trigger") {
    std::vector<std::string> high = kPassThrough;
    high.push_back("factors.co2.spot=140");
    const kp::InvestmentResult base = valueExample("steelworks_h2_dri.yaml", kPassThrough);
    const kp::InvestmentResult dear = valueExample("steelworks_h2_dri.yaml", high);
    const std::size_t y = yearIndex(base, 2035);
    const kp::Estimate& p0 = base.investedBy[y];
    const kp::Estimate& p1 = dear.investedBy[y];
    const double se = std::hypot(p0.stdError, p1.stdError);
    MESSAGE("P(invested by 2035): " << p0.value << " +- " << p0.stdError << " at EUA 70, " << p1.value << " +- "
                                    << p1.stdError << " at 140");
    CHECK(p1.value - p0.value > 3 * se);
    CHECK(anyTrigger(base));
    CHECK(anyTrigger(dear));
    // the contrast: the same case without pass-through has no CO2 trigger in any year
    CHECK_FALSE(anyTrigger(valueExample("steelworks_h2_dri.yaml", {})));
}

}  // TEST_SUITE
