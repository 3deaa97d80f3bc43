// A trained rule applied on a block of paths: what the pricing pass (investment_pricing.cpp) and the
// upper bound's inner simulations (investment_upper_bound.cpp) share (investment_work.hpp).
#include <algorithm>
#include <cmath>

#include "investment_work.hpp"

namespace kp::detail {

void selectFeatures(const InvestmentInstrument& in, const DateDesign& dg, std::size_t d, InvestmentWork& w) {
    const std::size_t n = w.block.n, nc = dg.continuous.size();
    in.features(d, w.block, w.feat.data(), n);
    for (std::size_t i = 0; i < nc; ++i) std::copy_n(w.feat.data() + dg.continuous[i] * n, n, w.xa.data() + i * n);
    for (std::size_t i = 0; i < dg.indicators.size(); ++i)
        std::copy_n(w.feat.data() + dg.indicators[i] * n, n, w.xa.data() + (nc + i) * n);
}

void estimate(const DateDesign& dg, const Eigen::VectorXd& beta, InvestmentWork& w, double* out, std::size_t n) {
    dg.combine(beta, w.xa.data(), w.block.n, n ? n : w.block.n, out, w.phi.data());
}

bool chooseByRule(const InvestmentInstrument& in, const InvestmentRule& rule, std::size_t d, InvestmentWork& w,
                  std::size_t n) {
    if (!rule.active[d]) return false;
    if (n == 0) n = w.block.n;
    const std::size_t J = in.technologies();
    const DateRule& r = rule.decisions.dates[d];
    selectFeatures(in, r.design, d, w);
    double* best = w.best.data();
    int* choice = w.choice.data();
    const Eigen::VectorXd& wait = r.beta[InvestmentRule::wait()];
    if (wait.size() == 0) std::fill_n(best, n, 0.0);
    else estimate(r.design, wait, w, best, n);
    const double* base = in.carryOn(d, w.block);
    const double D = in.discount(d);
    for (std::size_t p = 0; p < n; ++p) best[p] += D * base[p];
    std::fill_n(choice, n, -1);
    for (std::size_t j = 0; j < J; ++j) {
        const Eigen::VectorXd& beta = r.beta[InvestmentRule::technology(j)];
        if (beta.size() == 0) continue;
        estimate(r.design, beta, w, w.est.data(), n);
        if (const std::size_t o = rule.ownPart(j); o < r.beta.size() && r.beta[o].size() > 0) {
            // beside the plant: only where its own part is estimated to pay (InvestmentRule::ownPart)
            estimate(r.design, r.beta[o], w, w.own.data(), n);
            for (std::size_t p = 0; p < n; ++p)
                if (w.est[p] > best[p] && w.own[p] > 0) best[p] = w.est[p], choice[p] = static_cast<int>(j);
            continue;
        }
        for (std::size_t p = 0; p < n; ++p)
            if (w.est[p] > best[p]) best[p] = w.est[p], choice[p] = static_cast<int>(j);
    }
    const double close = in.closeValue(d);
    if (!std::isnan(close))
        for (std::size_t p = 0; p < n; ++p)
            if (close > best[p]) best[p] = close, choice[p] = static_cast<int>(J);
    return true;
}

void stagePass(const InvestmentInstrument& in, const InvestmentRule& rule, std::size_t from, InvestmentWork& w) {
    const std::size_t n = w.block.n, H = in.periods();
    for (std::size_t st = 0; st < in.stages(); ++st) {
        double* R = w.R.data() + st * (H + 1) * n;
        int* sd = w.sdate.data() + st * (H + 1) * n;
        std::fill_n(R + H * n, n, 0.0);
        std::fill_n(sd + H * n, n, static_cast<int>(H));
        for (std::size_t t = H; t-- > from;) {
            const DateRule& r = rule.decisions.dates[t];
            const Eigen::VectorXd& ex = r.beta[rule.stageExercise(st)];
            if (ex.size() == 0) {
                std::copy_n(R + (t + 1) * n, n, R + t * n);
                std::copy_n(sd + (t + 1) * n, n, sd + t * n);
                continue;
            }
            selectFeatures(in, r.design, t, w);
            estimate(r.design, ex, w, w.est.data());
            estimate(r.design, r.beta[rule.stageContinue(st)], w, w.best.data());
            in.stageValue(st, t, w.block, w.tmp.data());
            for (std::size_t p = 0; p < n; ++p) {
                const bool now = w.est[p] > w.best[p];
                R[t * n + p] = now ? w.tmp[p] : R[(t + 1) * n + p];
                sd[t * n + p] = now ? static_cast<int>(t) : sd[(t + 1) * n + p];
            }
        }
    }
}

}  // namespace kp::detail
