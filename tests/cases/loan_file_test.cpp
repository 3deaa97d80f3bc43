//! \brief Tests the loan and portfolio files (cases/loan_file.hpp): the examples load; each kind of
//! bad loan file (unknown key with a did-you-mean, missing field, wrong type, a share outside [0, 1],
//! repayments not summing to 1) throws kp::InvalidInput with the case file's message format
//! "<file>:<line>: <field>: <what> is <value>, but must be <constraint>"; the cross-checks against a
//! case (unknown option, a loan past the horizon); a portfolio whose cases do not share their
//! stochastic factors is refused; the bankable-loan fields (sizing, drawdown, collateral from the
//! plant's value) load and their bad values give messages; `cash_flow` defaults to incremental on an
//! option and to plant on the plant, and pNN sizes on the cash flow exceeded on NN% of the paths;
//! conditions precedent (an option's contracts as case overrides) and the no-stages covenant (its
//! stages held back until the loan is repaid, which the borrower's trained rule then never decides
//! earlier: one Monte Carlo check at 2,000 paths, fixed seed, an exact 0). Otherwise deterministic.

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "kp/cases/case_problem.hpp"
#include "kp/cases/loan_file.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/core/errors.hpp"

namespace {

namespace kc = kp::cases;

const std::string kData = KP_TEST_DATA_DIR "/loan_file_test/";
const std::string kExamples = KP_SOURCE_DIR "/examples/";

std::string loanError(const std::string& file) {
    try {
        (void)kc::loadLoanFile(kData + file);
    } catch (const kp::InvalidInput& e) {
        return e.what();
    }
    return "";
}

std::string crossError(const std::string& file, const std::string& caseFile) {
    try {
        kc::checkLoanAgainstCase(kc::loadLoanFile(kData + file), kc::loadCaseFile(kExamples + caseFile));
    } catch (const kp::InvalidInput& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_SUITE("cases") {

TEST_CASE("The example loans and portfolio load and match their cases") {
    for (const auto& files :
         {std::pair{"steelworks_dri_green_loan.yaml", "steelworks_h2_dri.yaml"},
          std::pair{"steelworks_corporate_loan.yaml", "steelworks_h2_dri.yaml"},
          std::pair{"refinery_ccs_loan.yaml", "refinery_hydrogen_ccs_porthos.yaml"}}) {
        const std::string loanFile = files.first, caseFile = files.second;  // clang 14 cannot CAPTURE a binding
        CAPTURE(loanFile);
        const kc::LoanFile l = kc::loadLoanFile(kExamples + loanFile);
        CHECK_NOTHROW(kc::checkLoanAgainstCase(l, kc::loadCaseFile(kExamples + caseFile)));
    }
    const kc::LoanFile g = kc::loadLoanFile(kExamples + "steelworks_dri_green_loan.yaml");
    CHECK(g.terms.guaranteeShare == 0.5);  // GO, rvo.nl
    CHECK(g.terms.margin == 0.0155);
    CHECK(g.terms.floating);
    CHECK(g.fixedPolicy);
    CHECK(g.policyTechnology == "ng_dri_eaf");
    const kc::PortfolioFile p = kc::loadPortfolioFile(kExamples + "dutch_industry_loan_portfolio.yaml");
    REQUIRE(p.loans.size() == 3);
    std::vector<kc::CaseFile> cases;
    for (const auto& e : p.loans) cases.push_back(kc::loadCaseFile(e.casePath));
    CHECK_NOTHROW(kc::checkSharedMarket(p, cases));
}

TEST_CASE("Bad loan files give the case file's messages") {
    const kc::LoanFile v = kc::loadLoanFile(kData + "valid.yaml");
    CHECK((v.terms.amortisation == kp::Amortisation::Linear));
    CHECK(v.terms.baseCurve.at(2027) == 0.025);
    CHECK(v.terms.kpiTargetFor(2031) == 0.5);
    CHECK(loanError("unknown_key.yaml") ==
          kData + "unknown_key.yaml:9: rate.margni: the key 'margni' is unknown, but must be a field of rate (did you "
                  "mean 'margin'?)");
    CHECK(loanError("missing_field.yaml") == kData + "missing_field.yaml:1: tenor_years: the field is missing, but "
                                                     "must be given (an integer in [1, 60] (years))");
    CHECK(loanError("wrong_type.yaml") ==
          kData + "wrong_type.yaml:2: amount: the value is 'lots', but must be a number > 0 (currency)");
    CHECK(loanError("guarantee_share.yaml") ==
          kData + "guarantee_share.yaml:7: guarantee.share: the value is 1.5, but must be in [0, 1] (share of the loss)");
    CHECK(loanError("repayments_sum.yaml") ==
          kData + "repayments_sum.yaml:6: repayments: the sum of the shares is 0.8, but must be 1");
    CHECK(loanError("no_such_file.yaml").find("the loan file is not readable") != std::string::npos);
}

TEST_CASE("A loan must fit its case") {
    CHECK(crossError("unknown_option.yaml", "minimal_case.yaml") ==
          kData + "unknown_option.yaml:2: funds: the option is 'captrue', but must be an option of " + kExamples +
                  "minimal_case.yaml (capture, plant) or plant (did you mean 'capture'?)");
    CHECK(crossError("past_horizon.yaml", "minimal_case.yaml") ==
          kData + "past_horizon.yaml:4: tenor_years: the loan ends in 2050, but must end by the case's horizon end 2046 (" +
                  kExamples + "minimal_case.yaml)");
    CHECK(crossError("valid.yaml", "minimal_case.yaml").empty());
}

TEST_CASE("Sizing, drawing on investment and collateral from the plant's value: fields and messages") {
    const kc::LoanFile l = kc::loadLoanFile(kData + "sized_on_investment.yaml");
    REQUIRE(l.sizing.has_value());
    CHECK(l.sizing->minDscr == 1.3);
    CHECK(l.sizing->quantile == 0.5);
    CHECK(l.sizing->on == "p50");
    CHECK(!l.amountGiven);
    CHECK(l.drawOnInvestment);
    CHECK(l.drawUntil == 2030);
    CHECK(l.terms.collateralFromPlant);
    CHECK(l.terms.collateralPlantShare == 0.8);
    CHECK(l.terms.collateralHaircut == 0.3);
    CHECK(crossError("sized_on_investment.yaml", "minimal_case.yaml").empty());
    // the old fields keep their meaning: no sizing, drawn at the start, fixed collateral
    const kc::LoanFile v = kc::loadLoanFile(kData + "valid.yaml");
    CHECK(!v.sizing.has_value());
    CHECK(v.amountGiven);
    CHECK(!v.drawOnInvestment);
    CHECK(!v.terms.collateralFromPlant);
    CHECK(loanError("sizing_basis.yaml") ==
          kData + "sizing_basis.yaml:6: sizing.on: the basis is 'p150', but must be mean or a percentile p1 ... p99 "
                  "(pNN: the cash flow exceeded on NN% of the paths that draw; p50: the median, p90: the downside case)");
    CHECK(loanError("collateral_both.yaml") ==
          kData + "collateral_both.yaml:8: collateral.value: the field is value, but must be absent with "
                  "plant_value_share (the collateral is then the plant's simulated value)");
    CHECK(crossError("draw_on_plant.yaml", "minimal_case.yaml") ==
          kData + "draw_on_plant.yaml:7: drawdown.on: the loan funds 'plant', but must fund an option of " + kExamples +
                  "minimal_case.yaml to be drawn on investment (funds: OPTION)");
}

TEST_CASE("Cash flow for debt service and the P90 sizing case: defaults, values and messages") {
    // a loan on an option serves its debt from the investment's incremental cash flow unless told
    CHECK(kc::loadLoanFile(kData + "valid.yaml").incremental);  // funds: capture
    CHECK(!kc::loadLoanFile(kData + "sized_on_investment.yaml").incremental);  // cash_flow: plant
    CHECK(!kc::loadLoanFile(kData + "no_deterministic_loss.yaml").incremental);  // funds: plant
    CHECK(!kc::loadLoanFile(kData + "green_loan_plant.yaml").incremental);       // cash_flow: plant
    CHECK(!kc::loadLoanFile(kData + "valid.yaml", {"cash_flow=plant"}).incremental);
    CHECK(loanError("incremental_on_plant.yaml") ==
          kData + "incremental_on_plant.yaml:4: cash_flow: the basis is incremental, but must be plant for a loan to "
                  "the plant as is (funds: plant); incremental needs funds: OPTION");
    // pNN: the cash flow exceeded on NN% of the drawing paths, the (100 - NN)th percentile
    const kc::LoanFile p90 = kc::loadLoanFile(kData + "sized_on_investment.yaml", {"sizing.on=p90"});
    CHECK(p90.sizing->quantile == 0.1);
    CHECK(p90.sizing->on == "p90");
    CHECK(kc::loadLoanFile(kData + "sized_on_investment.yaml", {"sizing.on=p50"}).sizing->quantile == 0.5);
    CHECK(std::isnan(kc::loadLoanFile(kData + "sized_on_investment.yaml", {"sizing.on=mean"}).sizing->quantile));
    // interest during construction: served by the cash flow unless funded; funding needs grace years
    CHECK(!kc::loadLoanFile(kData + "sized_on_investment.yaml").terms.graceFunded);
    CHECK(kc::loadLoanFile(kData + "sized_on_investment.yaml", {"grace_years=2", "grace_interest=funded"}).terms.graceFunded);
    std::string msg;
    try {
        (void)kc::loadLoanFile(kData + "sized_on_investment.yaml", {"grace_interest=funded"});
    } catch (const kp::InvalidInput& e) {
        msg = e.what();
    }
    CHECK(msg.find("grace_interest: the basis is funded, but must be cash_flow without grace_years") != std::string::npos);
    // completion support: none unless asked; sponsor on a loan to an option; refused on the plant
    CHECK(!kc::loadLoanFile(kData + "sized_on_investment.yaml").terms.completionSupport);
    CHECK(kc::loadLoanFile(kData + "sized_on_investment.yaml", {"completion.guarantee=sponsor"}).terms.completionSupport);
    CHECK(!kc::loadLoanFile(kData + "sized_on_investment.yaml", {"completion.guarantee=none"}).terms.completionSupport);
    CHECK(loanError("completion_on_plant.yaml") ==
          kData + "completion_on_plant.yaml:4: completion.guarantee: the guarantee is sponsor, but must be none for a loan "
                  "to the plant as is (funds: plant): completion support waits for the financed investment to operate, "
                  "so it needs funds: OPTION");
    // bad values: file:line: field, what was given and what it must be (exit code 2 in the CLI)
    CHECK(loanError("completion_bad.yaml") ==
          kData + "completion_bad.yaml:4: completion.guarantee: the value is 'lender', but must be one of none, sponsor");
    std::string badKey;
    try {
        (void)kc::loadLoanFile(kData + "sized_on_investment.yaml", {"completion.guarnatee=sponsor"});
    } catch (const kp::InvalidInput& e) {
        badKey = e.what();
    }
    CHECK(badKey == kData + "sized_on_investment.yaml (--set completion.guarnatee): completion.guarnatee: the key "
                            "'guarnatee' is unknown, but must be one of guarantee (did you mean 'guarantee'?)");
}

TEST_CASE("Conditions precedent and the no-stages covenant: fields, messages and what they do to the case") {
    const kc::LoanFile g = kc::loadLoanFile(kExamples + "steelworks_dri_green_loan.yaml");
    CHECK(g.noStages);
    CHECK(g.stagesLockedUntil() == 2042);  // start 2027 + 15 years: the year after the last loan year
    REQUIRE(g.conditions.size() == 2);
    CHECK(g.conditions[0] ==
          "options.ng_dri_eaf.hedge={from: 2031, to: 2045, gas: {share: 1.0, price: forward}, power: {share: 1.0, "
          "price: forward}}");
    CHECK(g.conditions[1] == "options.ng_dri_eaf.ccfd={strike: 180, years: 10}");
    // the conditions are case-file overrides: the case takes them, and they are the option's contracts
    kc::LoadOptions lo;
    lo.overrides = g.conditions;
    const kc::CaseFile c = kc::loadCaseFile(kExamples + "steelworks_h2_dri.yaml", lo);
    const kc::CaseFile plain = kc::loadCaseFile(kExamples + "steelworks_h2_dri.yaml");
    const kp::Technology* dri = c.option("ng_dri_eaf");
    REQUIRE(dri != nullptr);
    CHECK(dri->hedge.fromYear == 2031);
    CHECK(dri->hedge.toYear == 2045);
    CHECK(dri->hedge.gasShare == 1.0);
    CHECK(dri->hedge.powerShare == 1.0);
    REQUIRE(dri->sde.has_value());  // a CCfD is an sde with correction co2 = 1 and no floor at 0
    CHECK(!plain.option("ng_dri_eaf")->sde.has_value());
    CHECK(!plain.option("ng_dri_eaf")->hedge.any());
    // the covenant: h2_switch (a stage of ng_dri_eaf, window 2028-2050) from 2042; the others unchanged
    const kc::CaseFile held = kc::withLoanCovenants(plain, g);
    CHECK(plain.option("h2_switch")->earliestDecisionYear == 2028);
    CHECK(held.option("h2_switch")->earliestDecisionYear == 2042);
    CHECK(held.option("h2_switch")->latestDecisionYear == 2050);
    for (const char* name : {"ng_dri_eaf", "h2_dri_eaf"}) {
        CAPTURE(name);
        CHECK(held.option(name)->earliestDecisionYear == plain.option(name)->earliestDecisionYear);
        CHECK(held.option(name)->latestDecisionYear == plain.option(name)->latestDecisionYear);
    }
    // held past its latest decision year (a 30-year loan: 2057 > 2050): a window after the horizon
    const kc::LoanFile long30 = kc::loadLoanFile(kExamples + "steelworks_dri_green_loan.yaml", {"tenor_years=30"});
    const kc::CaseFile never = kc::withLoanCovenants(plain, long30);
    CHECK(never.option("h2_switch")->earliestDecisionYear == plain.valuation.endYear());
    CHECK(never.option("h2_switch")->latestDecisionYear == plain.valuation.endYear());
    // without the covenant, the case as it is
    const kc::LoanFile free = kc::loadLoanFile(kExamples + "steelworks_dri_green_loan.yaml", {"covenant.no_stages=false"});
    CHECK(kc::withLoanCovenants(plain, free).option("h2_switch")->earliestDecisionYear == 2028);
    // what the borrower does under it: the fixed policy's rule never decides the stage before 2042
    // (at 2,000 paths; without the covenant it does, in 2034-2041)
    auto stageBefore = [&](const kc::CaseFile& k) {
        kp::InvestmentSettings s = kc::settingsFor(k, kc::RunOverrides{2000, 2, std::nullopt});
        s.fixedPolicy = kp::FixedPolicy{0, 2027};  // ng_dri_eaf is the first option
        REQUIRE(kc::toInvestmentProblem(k).project.technologies[0].tech.name == "ng_dri_eaf");
        const kp::InvestmentResult r = kp::InvestmentLsm().value(kc::toInvestmentProblem(k), s);
        REQUIRE(r.stageTiming.size() == 1);  // dates are years in this case
        double p = 0;
        for (std::size_t y = 0; y < r.stageTiming[0].size(); ++y)
            if (plain.valuation.startYear + static_cast<int>(y) < 2042) p += r.stageTiming[0][y];
        return p;
    };
    CHECK(stageBefore(kc::withLoanCovenants(c, g)) == 0.0);
    CHECK(stageBefore(c) > 0.0);
    // under a built-in scenario the contracts stay as signed on the case as written: relocation
    // scales a CCfD's strike by its sde_scale (0.5) and re-prices a forward hedge at its own means
    // (power x1.15)
    kc::LoadOptions so = lo;
    so.scenario = "relocation";
    const kc::CaseFile stressed = kc::loadCaseFile(kExamples + "steelworks_h2_dri.yaml", so);
    REQUIRE(stressed.option("ng_dri_eaf")->sde.has_value());
    CHECK(stressed.option("ng_dri_eaf")->sde->baseAmount == doctest::Approx(0.5 * 180).epsilon(1e-12));
    CHECK(stressed.option("ng_dri_eaf")->hedge.powerPrice != dri->hedge.powerPrice);
    const kc::CaseFile signedCase = kc::withContractsAsSigned(stressed, c, g);
    CHECK(signedCase.option("ng_dri_eaf")->sde->baseAmount == dri->sde->baseAmount);
    CHECK(dri->sde->baseAmount == 180);
    CHECK(signedCase.option("ng_dri_eaf")->hedge.gasPrice == dri->hedge.gasPrice);
    CHECK(signedCase.option("ng_dri_eaf")->hedge.powerPrice == dri->hedge.powerPrice);
    // the scenario's own adjustments elsewhere stay (h2_dri_eaf's SDE++ at x0.5)
    CHECK(signedCase.option("h2_dri_eaf")->sde->baseAmount == stressed.option("h2_dri_eaf")->sde->baseAmount);
    CHECK(signedCase.option("h2_dri_eaf")->sde->baseAmount != plain.option("h2_dri_eaf")->sde->baseAmount);
    // messages: a field that is not an option's contract; not a map; the covenant on the plant
    auto overrideError = [&](const std::string& file, const std::vector<std::string>& sets) {
        try {
            (void)kc::loadLoanFile(kData + file, sets);
        } catch (const kp::InvalidInput& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(overrideError("valid.yaml", {"conditions={options.capture.capex: 1}"}) ==
          kData + "valid.yaml (--set conditions): conditions.options.capture.capex: the field is 'options.capture.capex', "
                  "but must be a case field options.<option>.<contract>[.field], the contract one of hedge, ccfd, sde, "
                  "capital_grant, risk.insurance (what a lender can require the borrower to sign)");
    CHECK(overrideError("valid.yaml", {"conditions=[1]"}) ==
          kData + "valid.yaml (--set conditions): conditions: the value is a list, but must be a map "
                  "{options.<option>.<contract>[.field]: value}");
    CHECK(overrideError("valid.yaml", {"conditions={options.capture.hedge.from: 2030}"}).empty());
    CHECK(overrideError("valid.yaml", {"conditions={options.capture.risk.insurance.share: 0.5}"}).empty());
    CHECK(overrideError("valid.yaml", {"conditions={options.capture.risk.delay: 1}"}) ==
          kData + "valid.yaml (--set conditions): conditions.options.capture.risk.delay: the field is "
                  "'options.capture.risk.delay', but must be a case field options.<option>.<contract>[.field], the "
                  "contract one of hedge, ccfd, sde, capital_grant, risk.insurance (what a lender can require the "
                  "borrower to sign)");
    CHECK(overrideError("incremental_on_plant.yaml", {"cash_flow=plant", "covenant={min_dscr: 1.1, no_stages: true}"}) ==
          kData + "incremental_on_plant.yaml (--set covenant): covenant.no_stages: the value is true, but must be false for a "
                  "loan to the plant as is (funds: plant): the covenant holds back the stages of the financed option, so "
                  "it needs funds: OPTION");
}

TEST_CASE("A portfolio's cases must share one market") {
    const kc::PortfolioFile p = kc::loadPortfolioFile(kData + "bad_portfolio.yaml");
    std::vector<kc::CaseFile> cases;
    for (const auto& e : p.loans) cases.push_back(kc::loadCaseFile(e.casePath));
    std::string err;
    try {
        kc::checkSharedMarket(p, cases);
    } catch (const kp::InvalidInput& e) {
        err = e.what();
    }
    CAPTURE(err);
    CHECK(err.find("bad_portfolio.yaml:8: loans.minimal: the case") != std::string::npos);
    CHECK(err.find("has 1 stochastic factors, but must be the same as in") != std::string::npos);
}

}  // TEST_SUITE
