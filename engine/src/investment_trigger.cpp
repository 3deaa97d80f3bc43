// The CO2 trigger of kp::InvestmentLsm, read off the trained rule: per calendar year (its first
// decision date), the CO2 price above which the rule invests, the other features at their
// training means and every infrastructure arrived (docs/valuation.md, "trigger").
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "investment_work.hpp"

namespace kp::detail {

namespace {

/// The trigger of one rule: per calendar year, into trigger[y] and byTechnology[j][y] (NaN: none).
void ruleTriggers(const InvestmentContext& c, const InvestmentRule& rule, std::vector<double>& trigger,
                  std::vector<std::vector<double>>& byTechnology) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    constexpr double kNegInf = -std::numeric_limits<double>::infinity();
    const InvestmentInstrument& in = c.in;
    const std::size_t H = in.periods(), J = in.technologies(), HY = in.years(), Pz = in.periodsPerYear();
    const std::size_t F = in.features();
    trigger.assign(HY, kNaN);
    byTechnology.assign(J, std::vector<double>(HY, kNaN));
    if (!in.co2IsFeature() || J == 0) return;
    constexpr std::size_t G = 257;  // points of the CO2 grid over the training paths' 1-99% range
    std::size_t maxColumns = 1;
    for (const DateRule& r : rule.decisions.dates) maxColumns = std::max(maxColumns, r.design.columns());
    std::vector<double> x(std::max<std::size_t>(F, 1) * G), est(J * G, kNegInf), best(G), inv(G),
        phi((maxColumns + 1) * G);
    for (std::size_t d = 0; d < H; ++d) {
        if (d % Pz != 0) continue;  // one trigger per calendar year: its first date
        const DateRule& dr = rule.decisions.dates[d];
        const DateDesign& dg = dr.design;
        if (!rule.active[d] || dg.continuous.empty() || dg.continuous[0] != 0) continue;
        const std::size_t nc = dg.continuous.size(), ni = dg.indicators.size();
        const TriggerRange& tr = rule.trigger[d];
        // continuous features at their means, infrastructure indicators at 1 (arrived)
        for (std::size_t i = 0; i < nc + ni; ++i)
            std::fill_n(x.data() + i * G, G, i < nc ? rule.featureMean[d][dg.continuous[i]] : 1.0);
        for (std::size_t g = 0; g < G; ++g)
            x[g] = tr.co2Lo + (tr.co2Hi - tr.co2Lo) * static_cast<double>(g) / static_cast<double>(G - 1);
        // D_d base[d] is known on a path but not a feature: its least-squares line in the CO2 price
        const Eigen::VectorXd& wait = dr.beta[InvestmentRule::wait()];
        if (wait.size() == 0) std::fill_n(best.data(), G, 0.0);
        else dg.combine(wait, x.data(), G, G, best.data(), phi.data());
        const double close = in.closeValue(d);
        for (std::size_t g = 0; g < G; ++g) {
            best[g] += tr.intercept + tr.slope * x[g];
            if (!std::isnan(close)) best[g] = std::max(best[g], close);
            inv[g] = kNegInf;
        }
        for (std::size_t j = 0; j < J; ++j) {
            double* ej = est.data() + j * G;
            const Eigen::VectorXd& beta = dr.beta[InvestmentRule::technology(j)];
            if (beta.size() == 0) {
                std::fill_n(ej, G, kNegInf);
                continue;
            }
            dg.combine(beta, x.data(), G, G, ej, phi.data());
            for (std::size_t g = 0; g < G; ++g) inv[g] = std::max(inv[g], ej[g]);
        }
        // the first switch from not investing to investing, scanning up the CO2 grid; none if the
        // rule invests everywhere or nowhere in the range
        auto firstSwitch = [&](auto&& invests) {
            for (std::size_t g = 1; g < G; ++g)
                if (invests(g) && !invests(g - 1)) return 0.5 * (x[g - 1] + x[g]);
            return kNaN;
        };
        trigger[d / Pz] = firstSwitch([&](std::size_t g) { return inv[g] > best[g]; });
        for (std::size_t j = 0; j < J; ++j) {  // j beats waiting, closing and the other technologies
            const double* ej = est.data() + j * G;
            byTechnology[j][d / Pz] =
                firstSwitch([&](std::size_t g) { return ej[g] > best[g] && ej[g] >= inv[g]; });
        }
    }
}

}  // namespace

void readTriggers(const InvestmentContext& c, const std::vector<InvestmentRule>& rules, InvestmentResult& res) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    const std::size_t R = rules.size();
    std::vector<std::vector<double>> trig(R);
    std::vector<std::vector<std::vector<double>>> byTech(R);
    for (std::size_t r = 0; r < R; ++r) ruleTriggers(c, rules[r], trig[r], byTech[r]);
    // the mean over the rules where every rule has one (a rule without one: NaN), its standard error
    auto mean = [&](auto&& at, double& m, double& se) {
        m = 0, se = kNaN;
        for (std::size_t r = 0; r < R; ++r) m += at(r);
        m /= static_cast<double>(R);
        if (!std::isfinite(m) || R < 2) return;
        double q = 0;
        for (std::size_t r = 0; r < R; ++r) q += (at(r) - m) * (at(r) - m);
        // widened to the Student-t quantile as the values' standard errors (investment_statistics.cpp)
        const boost::math::students_t t(static_cast<double>(R - 1));
        se = std::sqrt(q / static_cast<double>(R - 1) / static_cast<double>(R)) * boost::math::quantile(t, 0.975) /
             1.959963984540054;
    };
    const std::size_t HY = trig[0].size(), J = byTech[0].size();
    res.trigger.assign(HY, kNaN);
    res.triggerStdError.assign(HY, kNaN);
    res.triggerByTechnology.assign(J, std::vector<double>(HY, kNaN));
    for (std::size_t y = 0; y < HY; ++y) {
        if (R == 1) {
            res.trigger[y] = trig[0][y];
        } else {
            mean([&](std::size_t r) { return trig[r][y]; }, res.trigger[y], res.triggerStdError[y]);
        }
        for (std::size_t j = 0; j < J; ++j) {
            double se = 0;
            if (R == 1) res.triggerByTechnology[j][y] = byTech[0][j][y];
            else mean([&](std::size_t r) { return byTech[r][j][y]; }, res.triggerByTechnology[j][y], se);
        }
    }
}

}  // namespace kp::detail
