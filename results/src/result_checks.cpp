#include "kp/results/result_checks.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "kp/core/errors.hpp"

namespace kp::results {

namespace {

std::string inputsText(const std::vector<std::string>& large) {
    if (large.empty()) return "";
    std::string s = "; the case's largest inputs: ";
    for (std::size_t i = 0; i < large.size(); ++i) s += (i ? ", " : "") + large[i];
    return s;
}

[[noreturn]] void overflowed(const std::string& where, const std::string& field, double v,
                             const std::vector<std::string>& large) {
    std::ostringstream os;
    os.precision(6);
    os << where << ": the result " << field << " is " << v
       << ", but must be finite (the valuation overflowed double precision: an input's magnitude, a "
          "volatility over the horizon or a growth rate is too large)"
       << inputsText(large);
    throw InvalidInput(os.str());
}

}  // namespace

void checkDownside(const Downside& d, const std::string& where, const std::vector<std::string>& large) {
    auto estimate = [&](const std::string& field, const Estimate& e) {
        if (!std::isfinite(e.value)) overflowed(where, field, e.value, large);
        // NaN only without two batches to section (downsideBatches)
        if (!std::isfinite(e.stdError) && !(std::isnan(e.stdError) && d.batches < 2))
            overflowed(where, field + ".std_error", e.stdError, large);
    };
    auto levels = [&](const std::string& field, const DownsideLevels& l) {
        estimate(field + ".p_loss", l.pLoss);
        estimate(field + ".var_95", l.var95);
        estimate(field + ".es_95", l.es95);
        estimate(field + ".var_99", l.var99);
        estimate(field + ".es_99", l.es99);
    };
    for (const StrategyDownside& s : d.strategies) {
        const std::string field = "downside." + s.strategy + (s.technology.empty() ? "" : "." + s.technology);
        levels(field, s.npv);
        if (s.vsNever) levels(field + ".vs_never", *s.vsNever);
        if (s.worstYear) {
            const std::string w = "downside.worst_year." + s.strategy + (s.technology.empty() ? "" : "." + s.technology);
            estimate(w + ".mean", s.worstYear->mean);
            estimate(w + ".p1", s.worstYear->p1);
            estimate(w + ".p5", s.worstYear->p5);
            estimate(w + ".p50", s.worstYear->p50);
            estimate(w + ".p_negative", s.worstYear->pNegative);
        }
    }
    for (const CashFlowAtRisk& c : d.cashFlowAtRisk) {
        std::string y(1, '[');  // appends: GCC 12 -Wrestrict false positive (bug 105329) on "[" + std::string
        y.append(std::to_string(c.year)).append("]");
        estimate("downside.cash_flow_at_risk" + y + ".operating_p5", c.operatingP5);
        estimate("downside.cash_flow_at_risk" + y + ".operating_p50", c.operatingP50);
        estimate("downside.cash_flow_at_risk" + y + ".after_capex_p5", c.afterCapexP5);
        estimate("downside.cash_flow_at_risk" + y + ".operating_p1", c.operatingP1);
    }
}

double waitingShortfall(const InvestmentResult& r) {
    const Estimate& w = r.valueOfWaiting;
    if (!std::isfinite(w.value) || !(w.value < 0) || -w.value <= 1e-9 * std::abs(r.optionValue.value)) return 0.0;
    return w.stdError > 0 ? -w.value / w.stdError : std::numeric_limits<double>::infinity();
}

void checkResult(const InvestmentResult& r, const std::string& where, const std::vector<std::string>& large) {
    auto bad = [&](const std::string& field, double v) { overflowed(where, field, v, large); };
    auto finite = [&](const std::string& field, double v) {
        if (!std::isfinite(v)) bad(field, v);
    };
    auto estimate = [&](const std::string& field, const Estimate& e) {
        finite(field, e.value);
        finite(field + ".std_error", e.stdError);
    };
    estimate("option_value", r.optionValue);
    estimate("never_invest", r.neverInvest);
    estimate("value_of_waiting", r.valueOfWaiting);
    for (std::size_t j = 0; j < r.npvNow.size(); ++j) {
        const std::string name = "npv_now." + (j < r.technologyNames.size() ? r.technologyNames[j] : std::to_string(j));
        finite(name + ".std_error", r.npvNow[j].stdError);
        if (std::isinf(r.npvNow[j].value)) bad(name, r.npvNow[j].value);  // NaN: not allowed now
    }
    if (std::isinf(r.closeNow.value)) bad("close_now", r.closeNow.value);  // NaN: closing not allowed now
    for (std::size_t d = 0; d < r.years.size(); ++d) {
        // built with appends: GCC 12 warns falsely (-Wrestrict, GCC bug 105329) on "[" + std::string
        std::string y(1, '[');
        y.append(std::to_string(r.years[d])).append("]");
        for (std::size_t j = 0; j < r.timing.size(); ++j) finite("timing" + y, r.timing[j][d]);
        if (d < r.closeProbability.size()) finite("close_timing" + y, r.closeProbability[d]);
        if (d < r.investedBy.size()) estimate("invested_by" + y, r.investedBy[d]);
        if (d < r.emissionsMean.size()) finite("emissions" + y + ".mean", r.emissionsMean[d]);
        if (d < r.carbonCostNever.size()) {
            finite("carbon_cost" + y + ".p5", r.carbonCostNever[d].p5);
            finite("carbon_cost" + y + ".p95", r.carbonCostNever[d].p95);
        }
    }
    finite("never_probability", r.neverProbability);

    // the flexible strategy contains every static one: below one by more than 3 SE is a fitting failure
    auto below = [&](const std::string& name, const Estimate& s) {
        if (!std::isfinite(s.value)) return;
        const double se = std::sqrt(r.optionValue.stdError * r.optionValue.stdError + s.stdError * s.stdError);
        const double gap = s.value - r.optionValue.value;
        if (gap > 3 * se && gap > 1e-9 * std::abs(s.value)) {
            std::ostringstream os;
            os.precision(6);
            os << where << ": the option value " << r.optionValue.value << " +- " << r.optionValue.stdError
               << " is below " << name << " " << s.value << " +- " << s.stdError << " by " << gap
               << " (more than 3 standard errors of the difference), but the flexible strategy must be worth at least every static one: the "
                  "regression failed to fit the decision rule (a fitting failure, not a decision). Try more "
                  "training paths (simulation.training_paths), a lower or higher simulation.degree, or "
                  "simulation.basis: monomial; mean reversion far slower than the horizon (a small kappa) "
                  "makes the continuation value hard to fit";
            throw NotConverged(os.str());
        }
    };
    below("never invest", r.neverInvest);
    for (std::size_t j = 0; j < r.npvNow.size(); ++j)
        below("invest now in " + (j < r.technologyNames.size() ? r.technologyNames[j] : std::to_string(j)),
              r.npvNow[j]);
    if (std::isfinite(r.closeNow.value)) below("close now", r.closeNow);
    // the same against the best static strategy with the standard error of the pathwise difference
    // (value_of_waiting: option minus the best of never, now and closing now, on the same paths): far
    // more precise than the two errors in quadrature, since both values ride on the same prices
    if (const Estimate& w = r.valueOfWaiting; waitingShortfall(r) > 3) {
        std::ostringstream os;
        os.precision(6);
        os << where << ": the value of waiting is " << w.value << " +- " << w.stdError
           << " (the option value minus the best static strategy, on the same paths), more than 3 standard errors "
              "below 0, but the flexible strategy must be worth at least every static one: the regression failed "
              "to fit the decision rule (a fitting failure, not a decision). Try more training paths "
              "(simulation.training_paths), a lower or higher simulation.degree, or simulation.basis: monomial; "
              "mean reversion far slower than the horizon (a small kappa) makes the continuation value hard to fit";
        throw NotConverged(os.str());
    }
}

}  // namespace kp::results
