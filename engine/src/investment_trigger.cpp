// The CO2 trigger of kp::InvestmentLsm, read off the trained rule: per calendar year (its first
// decision date), the CO2 price above which the rule invests, the other features at their
// training means and every infrastructure arrived (docs/valuation.md, "trigger").
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include "investment_work.hpp"

namespace kp::detail {

namespace {

/// The triggers of one rule per calendar year: the price (NaN unless found) and the status.
struct RuleTriggers {
    std::vector<double> trigger;
    std::vector<TriggerStatus> status;
    std::vector<std::vector<double>> byTechnology;
    std::vector<std::vector<TriggerStatus>> statusByTechnology;
};

/// The first switch from not investing to investing scanning up the CO2 grid x (margin[g] > 0:
/// investing beats the alternatives), and its status: found; below the range if the rule invests at
/// the bottom already; above it if it invests nowhere but its margin rises towards the top; else none.
std::pair<double, TriggerStatus> scan(const double* x, const double* margin, std::size_t G) {
    for (std::size_t g = 1; g < G; ++g)
        if (margin[g] > 0 && !(margin[g - 1] > 0)) return {0.5 * (x[g - 1] + x[g]), TriggerStatus::Found};
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    if (margin[0] > 0) return {kNaN, TriggerStatus::BelowRange};
    if (margin[G - 1] > margin[0]) return {kNaN, TriggerStatus::AboveRange};
    return {kNaN, TriggerStatus::NoSwitch};
}

/// The triggers of one rule (see RuleTriggers).
RuleTriggers ruleTriggers(const InvestmentContext& c, const InvestmentRule& rule) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    constexpr double kNegInf = -std::numeric_limits<double>::infinity();
    const InvestmentInstrument& in = c.in;
    const std::size_t H = in.periods(), J = in.technologies(), HY = in.years(), Pz = in.periodsPerYear();
    const std::size_t F = in.features();
    RuleTriggers out;
    out.trigger.assign(HY, kNaN);
    out.status.assign(HY, TriggerStatus::NoSwitch);
    out.byTechnology.assign(J, std::vector<double>(HY, kNaN));
    out.statusByTechnology.assign(J, std::vector<TriggerStatus>(HY, TriggerStatus::NoSwitch));
    if (!in.co2IsFeature() || J == 0) return out;
    constexpr std::size_t G = 257;  // points of the CO2 grid over the training paths' 1-99% range
    std::size_t maxColumns = 1;
    for (const DateRule& r : rule.decisions.dates) maxColumns = std::max(maxColumns, r.design.columns());
    maxColumns = std::max(maxColumns, rule.firstDate.design.columns());
    std::vector<double> x(std::max<std::size_t>(F, 1) * G), est(J * G, kNegInf), best(G), inv(G), dec(G), rel(G),
        phi((maxColumns + 1) * G), margin(G);
    for (std::size_t d = 0; d < H; ++d) {
        if (d % Pz != 0) continue;  // one trigger per calendar year: its first date
        // the first date: the fit on the spread paths (InvestmentRule::firstDate)
        const bool firstFit = d == 0 && !rule.firstDate.design.continuous.empty();
        const DateRule& dr = firstFit ? rule.firstDate : rule.decisions.dates[d];
        const DateDesign& dg = dr.design;
        if (!rule.active[d] || dg.continuous.empty() || dg.continuous[0] != 0) continue;
        const std::size_t nc = dg.continuous.size(), ni = dg.indicators.size();
        const TriggerRange& tr = firstFit ? rule.firstRange : rule.trigger[d];
        // continuous features at their means, infrastructure indicators at 1 (arrived)
        for (std::size_t i = 0; i < nc + ni; ++i)
            std::fill_n(x.data() + i * G, G, i < nc ? rule.featureMean[d][dg.continuous[i]] : 1.0);
        for (std::size_t g = 0; g < G; ++g)
            x[g] = tr.co2Lo + (tr.co2Hi - tr.co2Lo) * static_cast<double>(g) / static_cast<double>(G - 1);
        // D_d base[d] is known on a path but not a feature: its least-squares line in the CO2 price
        BlockEstimator e(dg, x.data(), G, G, phi.data());  // the grid's design evaluated once for every target
        const Eigen::VectorXd& wait = dr.beta[InvestmentRule::wait()];
        if (wait.size() == 0) std::fill_n(best.data(), G, 0.0);
        else e.estimate(wait, best.data());
        const double close = in.closeValue(d);
        for (std::size_t g = 0; g < G; ++g) {
            best[g] += tr.intercept + tr.slope * x[g];
            if (!std::isnan(close)) best[g] = std::max(best[g], close);
            dec[g] = rel[g] = kNegInf;
        }
        for (std::size_t j = 0; j < J; ++j) {
            double* ej = est.data() + j * G;
            const Eigen::VectorXd& beta = dr.beta[InvestmentRule::technology(j)];
            if (beta.size() == 0) {
                std::fill_n(ej, G, kNegInf);
                continue;
            }
            e.estimate(beta, ej);
            // relining, mothballing or a pilot beside the plant: not the plant decarbonising
            double* into = in.isReline(j) || in.isAlongside(j) || in.isMothball(j) ? rel.data() : dec.data();
            for (std::size_t g = 0; g < G; ++g) into[g] = std::max(into[g], ej[g]);
        }
        for (std::size_t g = 0; g < G; ++g) inv[g] = std::max(dec[g], rel[g]);  // the best technology of any kind
        // the first switch from not investing in decarbonisation (waiting, closing, relining) to
        // investing in it, scanning up the CO2 grid
        for (std::size_t g = 0; g < G; ++g) margin[g] = dec[g] - (rel[g] > best[g] ? rel[g] : best[g]);
        std::tie(out.trigger[d / Pz], out.status[d / Pz]) = scan(x.data(), margin.data(), G);
        for (std::size_t j = 0; j < J; ++j) {  // j beats waiting, closing and the other technologies
            const double* ej = est.data() + j * G;
            if (dr.beta[InvestmentRule::technology(j)].size() == 0) continue;
            for (std::size_t g = 0; g < G; ++g)
                margin[g] = ej[g] >= inv[g] ? ej[g] - best[g] : std::min(ej[g] - best[g], ej[g] - inv[g]);
            std::tie(out.byTechnology[j][d / Pz], out.statusByTechnology[j][d / Pz]) = scan(x.data(), margin.data(), G);
        }
    }
    return out;
}

}  // namespace

void readTriggers(const InvestmentContext& c, const std::vector<InvestmentRule>& rules, InvestmentResult& res) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    const std::size_t R = rules.size();
    std::vector<RuleTriggers> t;
    for (const InvestmentRule& rule : rules) t.push_back(ruleTriggers(c, rule));
    const std::size_t HY = t[0].trigger.size(), J = t[0].byTechnology.size();
    // per date: found by every rule: the mean and (several rules) its standard error widened to the
    // Student-t quantile, as the values' (investment_statistics.cpp); otherwise no price and the
    // status most of the rules without one report (ties: above, below, none)
    auto combine = [&](auto&& value, auto&& status, double& m, double& se, TriggerStatus& st) {
        std::size_t count[4] = {0, 0, 0, 0};
        for (std::size_t r = 0; r < R; ++r) ++count[static_cast<int>(status(r))];
        m = kNaN, se = kNaN;
        if (count[0] == R) {
            st = TriggerStatus::Found;
            m = 0;
            for (std::size_t r = 0; r < R; ++r) m += value(r);
            m /= static_cast<double>(R);
            if (R < 2) return;
            double q = 0;
            for (std::size_t r = 0; r < R; ++r) q += (value(r) - m) * (value(r) - m);
            const boost::math::students_t tq(static_cast<double>(R - 1));
            se = std::sqrt(q / static_cast<double>(R - 1) / static_cast<double>(R)) * boost::math::quantile(tq, 0.975) /
                 1.959963984540054;
            return;
        }
        std::size_t best = 1;  // not every rule finds one: what most of the others say
        for (std::size_t k = 2; k < 4; ++k)
            if (count[k] > count[best]) best = k;
        st = static_cast<TriggerStatus>(best);
    };
    res.trigger.assign(HY, kNaN);
    res.triggerStdError.assign(HY, kNaN);
    res.triggerStatus.assign(HY, TriggerStatus::NoSwitch);
    res.triggerByTechnology.assign(J, std::vector<double>(HY, kNaN));
    res.triggerStatusByTechnology.assign(J, std::vector<TriggerStatus>(HY, TriggerStatus::NoSwitch));
    for (std::size_t y = 0; y < HY; ++y) {
        combine([&](std::size_t r) { return t[r].trigger[y]; }, [&](std::size_t r) { return t[r].status[y]; },
                res.trigger[y], res.triggerStdError[y], res.triggerStatus[y]);
        for (std::size_t j = 0; j < J; ++j) {
            double se = 0;
            combine([&](std::size_t r) { return t[r].byTechnology[j][y]; },
                    [&](std::size_t r) { return t[r].statusByTechnology[j][y]; }, res.triggerByTechnology[j][y], se,
                    res.triggerStatusByTechnology[j][y]);
        }
    }
}

}  // namespace kp::detail
