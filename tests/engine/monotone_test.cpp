//! \brief Monotone answers (issue "Decisions you can trust", item 5): on every investment example,
//! valued with the defaults its case file gets (eight independently trained rules, the example's
//! paths and seed, rules retrained for every bump), the option value
//! - does not fall when a technology's capex falls 10%, its capital grant rises (share + 25 points,
//!   no cap), its SDE++ base amount rises 20%, or the green premium rises 20%;
//! - does not rise when a capture technology's transport-and-storage tariff rises 20%, or when the
//!   one-off costs of suspending and restarting an option rise 50% (examples/lsm_real_options_of.yaml);
//! - does not fall when an alternative is added (each technology with its stages, a stage alone,
//!   closing): the full case against the case without it.
//! "Does not fall": change >= -3 standard errors of the difference (the two reported errors in
//! quadrature; both valuations use the same seed, so this is conservative), no bias budget: the
//! exact answer of each pair is ordered. The bumps are applied to the engine's problem
//! (kp::cases::toInvestmentProblem), as `--set` would to the case.
//! The refinery as it was before its EUA price was anchored (tests/data/monotone_test/): a free CCS
//! does not lower the option value (it once did, by 4.3 SE: the rule invested in CCS where the CO2
//! store could no longer arrive; docs/valuation.md, "Monotone answers").

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kp/cases/case_problem.hpp"

namespace {

const std::string kExamples = KP_SOURCE_DIR "/examples/";
const std::string kData = KP_SOURCE_DIR "/tests/data/monotone_test/";

struct Bump {
    std::string what;
    std::function<void(kp::InvestmentProblem&)> apply;
    int sign;  ///< +1: the value must not fall; -1: must not rise
};

/// The problem without technology j (and its stages).
void removeTechnology(kp::InvestmentProblem& p, std::size_t j) {
    auto& pr = p.project;
    std::vector<kp::StageOption> stages;
    for (auto st : pr.stages) {
        if (st.parent == j) continue;
        if (st.parent > j) --st.parent;
        stages.push_back(st);
    }
    pr.stages = stages;
    pr.technologies.erase(pr.technologies.begin() + static_cast<std::ptrdiff_t>(j));
}

std::vector<Bump> bumpsOf(const kp::InvestmentProblem& p) {
    std::vector<Bump> bumps;
    const auto& pr = p.project;
    for (std::size_t j = 0; j < pr.technologies.size(); ++j) {
        const kp::Technology& t = pr.technologies[j].tech;
        bumps.push_back({t.name + " capex -10%", [j](kp::InvestmentProblem& q) { q.project.technologies[j].tech.capex *= 0.9; }, +1});
        bumps.push_back({t.name + " grant +25 points", [j](kp::InvestmentProblem& q) {
                             kp::CapitalGrant& g = q.project.technologies[j].tech.grant;
                             g.share = std::min(1.0, g.share + 0.25);
                             g.maxAmount = 1e300;
                         }, +1});
        if (t.sde)
            bumps.push_back({t.name + " SDE++ base +20%", [j](kp::InvestmentProblem& q) {
                                 q.project.technologies[j].tech.sde->baseAmount *= 1.2;
                             }, +1});
        if (t.retrofit && t.tsTariff > 0)
            bumps.push_back({t.name + " T&S tariff +20%", [j](kp::InvestmentProblem& q) {
                                 q.project.technologies[j].tech.tsTariff *= 1.2;
                             }, -1});
        if (t.operating.switching())
            bumps.push_back({t.name + " suspend and restart costs +50%", [j](kp::InvestmentProblem& q) {
                                 kp::OperatingFlexibility& o = q.project.technologies[j].tech.operating;
                                 o.suspendCost *= 1.5, o.restartCost *= 1.5;
                             }, -1});
        bumps.push_back({"without " + t.name, [j](kp::InvestmentProblem& q) { removeTechnology(q, j); }, -1});
    }
    for (std::size_t st = 0; st < pr.stages.size(); ++st)
        bumps.push_back({"without stage " + pr.stages[st].option.tech.name, [st](kp::InvestmentProblem& q) {
                             q.project.stages.erase(q.project.stages.begin() + static_cast<std::ptrdiff_t>(st));
                         }, -1});
    if (!pr.exits.empty())
        bumps.push_back({"without closing", [](kp::InvestmentProblem& q) { q.project.exits.clear(); }, -1});
    if (pr.policy.greenPremium.eurPerT > 0)
        bumps.push_back({"green premium +20%", [](kp::InvestmentProblem& q) { q.project.policy.greenPremium.eurPerT *= 1.2; }, +1});
    return bumps;
}

}  // namespace

TEST_SUITE("slow") {

TEST_CASE("monotone answers on every example: costs down, support up, alternatives added") {
    const double k = 3.0;
    std::size_t checked = 0;
    for (const char* file : {"minimal_case.yaml", "chemical_site_eboilers.yaml", "methanol_waste_gasification.yaml",
                             "refinery_hydrogen_ccs_porthos.yaml", "steelworks_h2_dri.yaml", "lsm_real_options_of.yaml"}) {
        CAPTURE(file);
        const kp::cases::CaseFile c = kp::cases::loadCaseFile(kExamples + file);
        const kp::InvestmentSettings s = kp::cases::settingsFor(c, {});
        const kp::InvestmentProblem base = kp::cases::toInvestmentProblem(c);
        kp::InvestmentLsm engine;
        const kp::Estimate v0 = engine.value(base, s).optionValue;
        for (const Bump& b : bumpsOf(base)) {
            kp::InvestmentProblem p = base;
            b.apply(p);
            const kp::Estimate v = engine.value(p, s).optionValue;
            const double d = v.value - v0.value, se = std::hypot(v.stdError, v0.stdError);
            CAPTURE(b.what);
            CAPTURE(v0.value);
            CAPTURE(v.value);
            CAPTURE(se);
            MESSAGE(std::string(file), ": ", b.what, ": ", d / 1e6, " m (", d / se, " SE)");
            CHECK(b.sign * d >= -k * se);
            ++checked;
        }
    }
    CHECK(checked >= 25);
}

TEST_CASE("the refinery before its EUA price was anchored: a free CCS does not lower the option value") {
    // The case file's own settings (100,000 paths, eight rules, seed 11), both valuations on the same
    // seed. V(free) >= V(as is) for the exact values; each estimate is low-biased, so the check is
    // change >= -k SE - budget, SE the two reported errors in quadrature, k = 3 as above (same seed:
    // the SE of the difference is overstated). Budget: how much more the free case's rule may lose
    // than the base case's, 0.3% of the value (2.6 m): their dual upper bounds lie 4.3 +- 0.4 m and
    // 1.8 m above them (docs/valuation.md, "Monotone answers"). Before the stranded-technology rule
    // the change was -18.5 m with an SE of 4.3 m, below this check's -15.5 m.
    const double k = 3.0;
    const std::uint64_t seed = 11;  // the case file's
    const kp::cases::CaseFile c = kp::cases::loadCaseFile(kData + "refinery_gbm_before_0395126.yaml");
    kp::InvestmentSettings s = kp::cases::settingsFor(c, {});
    REQUIRE(s.seed == seed);
    const kp::InvestmentProblem base = kp::cases::toInvestmentProblem(c);
    kp::InvestmentProblem free = base;
    std::size_t ccs = free.project.technologies.size();
    for (std::size_t j = 0; j < free.project.technologies.size(); ++j)
        if (free.project.technologies[j].tech.name == "ccs") ccs = j;
    REQUIRE(ccs < free.project.technologies.size());
    free.project.technologies[ccs].tech.capex = 1;  // as --set options.ccs.capex=1
    kp::InvestmentLsm engine;
    const kp::InvestmentResult r0 = engine.value(base, s);
    const kp::InvestmentResult r1 = engine.value(free, s);
    const double v0 = r0.optionValue.value, v1 = r1.optionValue.value;
    const double se = std::hypot(r0.optionValue.stdError, r1.optionValue.stdError);
    const double budget = 0.003 * std::abs(v0);
    CAPTURE(v0);
    CAPTURE(v1);
    CAPTURE(se);
    CAPTURE(k);
    CAPTURE(budget);
    CAPTURE(seed);
    MESSAGE("refinery (GBM, before 0395126): free CCS ", (v1 - v0) / 1e6, " m (", (v1 - v0) / se, " SE)");
    CHECK(v1 - v0 >= -k * se - budget);
}

}  // TEST_SUITE

TEST_CASE("technology risk on the examples: an overrun risk lowers the option value and delays investment") {
    // Issue 15's test on the examples as a user gets them (case defaults: 100,000 paths, eight rules):
    // every technology of the steelworks and the refinery overruns by 40% +- 50% (a reference-class
    // mean, data/FACTS.md 16). The option value must fall and P(invested by 2030) must fall, each by
    // more than 3 SE of the difference (the two reported errors in quadrature, same seed: overstated).
    const double k = 3.0;
    for (const char* file : {"refinery_hydrogen_ccs_porthos.yaml", "steelworks_h2_dri.yaml"}) {
        CAPTURE(file);
        const kp::cases::CaseFile c = kp::cases::loadCaseFile(kExamples + file);
        const kp::InvestmentSettings s = kp::cases::settingsFor(c, {});
        const kp::InvestmentProblem base = kp::cases::toInvestmentProblem(c);
        kp::InvestmentProblem risky = base;
        for (auto& t : risky.project.technologies) {
            if (t.tech.isReline() || t.tech.isMothball()) continue;
            t.tech.risk.overrunMean = 0.4;
            t.tech.risk.overrunSd = 0.5;
        }
        for (auto& st : risky.project.stages) {
            if (st.option.tech.isRestart()) continue;
            st.option.tech.risk.overrunMean = 0.4;
            st.option.tech.risk.overrunSd = 0.5;
        }
        kp::InvestmentLsm engine;
        const kp::InvestmentResult a = engine.value(base, s), b = engine.value(risky, s);
        const double dv = b.optionValue.value - a.optionValue.value;
        const double se = std::hypot(a.optionValue.stdError, b.optionValue.stdError);
        std::size_t y = 0;
        while (a.years[y] != 2030) ++y;
        const double dp = b.investedBy[y].value - a.investedBy[y].value;
        const double sep = std::hypot(a.investedBy[y].stdError, b.investedBy[y].stdError);
        MESSAGE(std::string(file), ": option value ", dv / 1e6, " m (", dv / se, " SE), P(invested by 2030) ", dp,
                " (", dp / sep, " SE)");
        CHECK(dv < -k * se);
        CHECK(dp < -k * sep);
    }
}
