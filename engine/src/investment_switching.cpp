// Switching costs (OperatingFlexibility::switching): the rule of a built option's operating modes,
// an optimal-switching problem solved by least-squares Monte Carlo with one continuation value per
// mode (kp::SwitchingRule in investment_lsm.hpp; docs/valuation.md "Switching costs").
//
// Glossary (investment_work.hpp has the engine's): o an option with switching costs (j its
// technology index); m the mode of the previous period, m2 the mode chosen; M_k(m2) the realised
// value from period k on, discounted to t = 0, of entering period k after mode m2 under the rule
// (G below: [m][p], backwards); C_k(m2) its regression on the features of date k - 1.
//
// Training, for each option, backwards from the horizon (M_H = 0: after the horizon the plant runs
// in its last period's best mode whatever came before, InvestmentInstrument::afterValue):
//   at k: for each open running mode m2, C_{k+1}(m2) = regression of M_{k+1}(m2) on the features at k;
//   for each previous mode m and path, m2* = argmax D_k (cash_k(m2) - cost(m, m2)) + C_{k+1}(m2)
//   (abandoned: 0 from then on), and M_k(m) = D_k (cash_k(m2*) - cost(m, m2*)) + M_{k+1}(m2*).
// The same regressions at every date whether or not the option operates there: the problem from k on
// does not depend on when it was built, as the option's cash flows do not (no subsidy term, no
// ramp-up, Technology::validate). The value a life ending inside the horizon loses is then a
// policy trained for a longer one: feasible, a lower bound of that case's optimum.
#include <algorithm>
#include <limits>

#include "investment_work.hpp"

namespace kp::detail {

namespace {

/// The design of date k: the continuous features that vary on the training paths in the settings'
/// basis (degree lowered to keep kPathsPerColumn paths a column), the varying indicators a column
/// each; x: the features [f][p] of nT paths. Copies the selected features into xa [f][p].
DateDesign designOf(const InvestmentContext& c, const double* x, std::size_t nT, double* xa) {
    const InvestmentInstrument& in = c.in;
    const std::size_t F = in.features(), NC = in.continuousFeatures();
    DateDesign dg;
    std::vector<double> mean, sd;
    std::vector<bool> laguerre;
    for (std::size_t f = 0; f < F; ++f) {
        const double* v = x + f * nT;
        const double m = sum(v, nT) / static_cast<double>(nT);
        const double s = std::sqrt(std::max(dot(v, v, nT) / static_cast<double>(nT) - m * m, 0.0));
        const auto [lo, hi] = std::minmax_element(v, v + nT);
        if (!(*hi > *lo) || !(s > 0)) continue;
        if (f < NC) {
            dg.continuous.push_back(f), mean.push_back(m), sd.push_back(s);
            laguerre.push_back(m > 0 && s >= kLaguerreSpread * m);
        } else {
            dg.indicators.push_back(f);
        }
    }
    const std::size_t nc = dg.continuous.size(), ni = dg.indicators.size();
    if (nc > 0) (void)chooseBasis(c.s, nT, mean, sd, laguerre, dg);
    for (std::size_t i = 0; i < nc; ++i) std::copy_n(x + dg.continuous[i] * nT, nT, xa + i * nT);
    for (std::size_t i = 0; i < ni; ++i) std::copy_n(x + dg.indicators[i] * nT, nT, xa + (nc + i) * nT);
    return dg;
}

}  // namespace

SwitchingRule trainSwitching(const InvestmentContext& c, std::size_t nT, RegressionWorkspace& regression) {
    const InvestmentInstrument& in = c.in;
    SwitchingRule rule;
    for (std::size_t j = 0; j < in.technologies(); ++j)
        if (in.switching(j)) rule.options.push_back(j);
    if (rule.empty()) return rule;
    const std::size_t H = in.periods(), F = std::max<std::size_t>(in.features(), 1), O = rule.options.size();
    // the training paths: features [k][f][p] and the running modes' cash flows [o][m][k][p]
    std::vector<double> X(H * F * nT), cash(O * kRunningModes * H * nT);
    const PathSimulator sim(*c.problem.factors, in.times(), c.s.seed, Stream::Training, c.s.antithetic);
    forEachBlock(c.arena, nT, [&](std::size_t, std::size_t first, std::size_t n) {
        InvestmentWork& w = c.tls.local();
        w.reserve(in, n, c.maxColumns, false);
        simulateBlock(c, sim, Stream::Training, first, n, w, false, false);
        for (std::size_t k = 0; k < H; ++k) in.features(k, w.block, X.data() + k * F * nT + first, nT);
        for (std::size_t o = 0; o < O; ++o)
            for (std::size_t m = 0; m < kRunningModes; ++m)
                if (in.hasMode(rule.options[o], m))
                    for (std::size_t k = 0; k < H; ++k)
                        std::copy_n(in.modeCashFlow(rule.options[o], m, k, w.block), n,
                                    cash.data() + ((o * kRunningModes + m) * H + k) * nT + first);
    });
    rule.dates.assign(O * H, DateRule{});
    const std::size_t householder0 = regression.householderFits, rankDeficient0 = regression.rankDeficientFits;
    std::vector<double> G(kModes * nT), C(kRunningModes * nT), xa(F * nT), ones(nT, 1.0), scratch;
    std::vector<unsigned char> next(kModes * nT);
    for (std::size_t o = 0; o < O; ++o) {
        const std::size_t j = rule.options[o];
        std::fill(G.begin(), G.end(), 0.0);
        for (std::size_t k = H; k-- > 0;) {
            DateRule& r = rule.dates[o * H + k];
            r.design = designOf(c, X.data() + k * F * nT, nT, xa.data());
            const std::size_t P = r.design.columns();
            std::vector<const double*> ys;
            for (std::size_t m = 0; m < kRunningModes; ++m)
                if (in.hasMode(j, m)) ys.push_back(G.data() + m * nT);
            const DesignFn design = [&](const double* x, std::size_t stride, std::size_t n, double* out) {
                r.design.evaluate(x, stride, n, out);
            };
            std::vector<Eigen::VectorXd> beta =
                fitLeastSquaresMany(P, design, xa.data(), nT, nT, ys, ones.data(), c.arena, regression);
            r.beta.assign(kRunningModes, Eigen::VectorXd());
            scratch.resize(P * nT);
            const double* cashK[kRunningModes] = {};
            const double* Ck[kRunningModes] = {};
            BlockEstimator e(r.design, xa.data(), nT, nT, scratch.data());  // evaluated once for the modes
            for (std::size_t m = 0, i = 0; m < kRunningModes; ++m) {
                if (!in.hasMode(j, m)) continue;
                r.beta[m] = std::move(beta[i++]);
                e.estimate(r.beta[m], C.data() + m * nT);
                cashK[m] = cash.data() + ((o * kRunningModes + m) * H + k) * nT;
                Ck[m] = C.data() + m * nT;
            }
            in.chooseSwitch(j, k, cashK, Ck, nT, nT, next.data(), G.data());
        }
    }
    rule.householderFits = regression.householderFits - householder0;
    rule.rankDeficientFits = regression.rankDeficientFits - rankDeficient0;
    return rule;
}

void applySwitching(const InvestmentContext& c, const SwitchingRule& rule, InvestmentWork& w) {
    const InvestmentInstrument& in = c.in;
    ProjectBlock& b = w.block;
    if (rule.empty()) {
        KP_REQUIRE(!in.anySwitching(), "InvestmentLsm: the problem has an option with switching costs, but the rule "
                                       "has no switching rule (it was trained on another problem)");
        return;
    }
    const std::size_t H = in.periods(), n = b.n, F = std::max<std::size_t>(in.features(), 1);
    KP_REQUIRE(rule.dates.size() == rule.options.size() * H, "InvestmentLsm: the switching rule has ", rule.dates.size(),
               " dates, but must have ", rule.options.size() * H, " (", H, " periods an option)");
    std::vector<double>& x = w.tmp;  // n per feature, then the selected features, estimates, scratch
    for (std::size_t o = 0; o < rule.options.size(); ++o) {
        const std::size_t j = rule.options[o];
        KP_REQUIRE(j < in.technologies() && in.switching(j), "InvestmentLsm: the switching rule is for option ", j,
                   ", which has no switching costs in this problem");
        for (std::size_t k = 0; k < H; ++k) {
            const DateRule& r = rule.dates[o * H + k];
            const std::size_t P = r.design.columns();
            if (x.size() < (2 * F + kRunningModes + P) * n) x.resize((2 * F + kRunningModes + P) * n);
            double *feat = x.data(), *xa = feat + F * n, *C = xa + F * n, *scratch = C + kRunningModes * n;
            in.features(k, b, feat, n);
            const std::size_t nc = r.design.continuous.size();
            for (std::size_t i = 0; i < nc; ++i) std::copy_n(feat + r.design.continuous[i] * n, n, xa + i * n);
            for (std::size_t i = 0; i < r.design.indicators.size(); ++i)
                std::copy_n(feat + r.design.indicators[i] * n, n, xa + (nc + i) * n);
            const double* cashK[kRunningModes] = {};
            const double* Ck[kRunningModes] = {};
            BlockEstimator e(r.design, xa, n, n, scratch);  // evaluated once for the modes
            for (std::size_t m = 0; m < kRunningModes; ++m) {
                if (!in.hasMode(j, m)) continue;
                e.estimate(r.beta[m], C + m * n);
                cashK[m] = in.modeCashFlow(j, m, k, b);
                Ck[m] = C + m * n;
            }
            in.chooseSwitch(j, k, cashK, Ck, n, n, b.next.data() + (j * H + k) * kModes * n, nullptr);
        }
    }
    b.switchingSet = true;
}

}  // namespace kp::detail
