// A trained rule applied on a block of paths: what the pricing pass (investment_pricing.cpp) and the
// upper bound's inner simulations (investment_upper_bound.cpp) share (investment_work.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "investment_work.hpp"

namespace kp::detail {

void selectFeatures(const InvestmentInstrument& in, const DateDesign& dg, std::size_t d, InvestmentWork& w) {
    const std::size_t n = w.block.n, nc = dg.continuous.size();
    in.features(d, w.block, w.feat.data(), n);
    for (std::size_t i = 0; i < nc; ++i) std::copy_n(w.feat.data() + dg.continuous[i] * n, n, w.xa.data() + i * n);
    for (std::size_t i = 0; i < dg.indicators.size(); ++i)
        std::copy_n(w.feat.data() + dg.indicators[i] * n, n, w.xa.data() + (nc + i) * n);
}

bool chooseByRule(const InvestmentContext& c, const InvestmentRule& rule, std::size_t d, InvestmentWork& w,
                  std::size_t n) {
    const InvestmentInstrument& in = c.in;
    if (!rule.active[d]) return false;
    if (n == 0) n = w.block.n;
    const std::size_t J = in.technologies();
    const DateRule& r = rule.decisions.dates[d];
    selectFeatures(in, r.design, d, w);
    double* best = w.best.data();
    int* choice = w.choice.data();
    BlockEstimator e(r.design, w.xa.data(), w.block.n, n, w.phi.data());  // the design evaluated once
    const Eigen::VectorXd& wait = r.beta[InvestmentRule::wait()];
    if (wait.size() == 0) std::fill_n(best, n, 0.0);
    else e.estimate(wait, best);
    const double* base = in.carryOn(d, w.block);
    const double D = in.discount(d);
    for (std::size_t p = 0; p < n; ++p) best[p] += D * base[p];
    std::fill_n(choice, n, -1);
    for (std::size_t j = 0; j < J; ++j) {
        const Eigen::VectorXd& beta = r.beta[InvestmentRule::technology(j)];
        if (beta.size() == 0) continue;
        e.estimate(beta, w.est.data());
        if (strandedPaths(c, j, d, w.feat.data(), w.block.n, n, w.stranded.data()))
            for (std::size_t p = 0; p < n; ++p)
                if (w.stranded[p]) w.est[p] = -std::numeric_limits<double>::infinity();
        if (const std::size_t o = rule.ownPart(j); o < r.beta.size() && r.beta[o].size() > 0) {
            // beside the plant: only where its own part is estimated to pay (InvestmentRule::ownPart)
            e.estimate(r.beta[o], w.own.data());
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
            BlockEstimator e(r.design, w.xa.data(), n, n, w.phi.data());
            e.estimate(ex, w.est.data());
            e.estimate(r.beta[rule.stageContinue(st)], w.best.data());
            in.stageValue(st, t, w.block, w.tmp.data());
            for (std::size_t p = 0; p < n; ++p) {
                const bool now = w.est[p] > w.best[p];
                R[t * n + p] = now ? w.tmp[p] : R[(t + 1) * n + p];
                sd[t * n + p] = now ? static_cast<int>(t) : sd[(t + 1) * n + p];
            }
        }
    }
}

void relinedPass(const InvestmentContext& rc, const InvestmentRule& rule, std::size_t from, InvestmentWork& w) {
    const InvestmentInstrument& in = rc.in;
    const std::size_t n = w.block.n, H = in.periods(), J = in.technologies();
    auto need = [](auto& v, std::size_t m) {
        if (v.size() < m) v.resize(m);
    };
    need(w.Vr, (H + 1) * n), need(w.ra, (H + 1) * n), need(w.rd, (H + 1) * n), need(w.rs, (H + 1) * n);
    stagePass(in, rule, from, w);
    std::fill_n(w.Vr.data() + H * n, n, 0.0);
    std::fill_n(w.ra.data() + H * n, n, -1);
    std::fill_n(w.rd.data() + H * n, n, static_cast<int>(H));
    std::fill_n(w.rs.data() + H * n, n, static_cast<int>(H));
    for (std::size_t t = H; t-- > from;) {
        double* V = w.Vr.data() + t * n;
        int *a = w.ra.data() + t * n, *dt = w.rd.data() + t * n, *sd = w.rs.data() + t * n;
        const double* base = in.carryOn(t, w.block);
        const double D = in.discount(t);
        // waiting (or no decision at t): the carry-on cash flow, then the rule from t + 1
        for (std::size_t p = 0; p < n; ++p) {
            V[p] = D * base[p] + V[n + p];
            a[p] = a[n + p], dt[p] = dt[n + p], sd[p] = sd[n + p];
        }
        if (!chooseByRule(rc, rule, t, w)) continue;
        const int ti = static_cast<int>(t);
        for (std::size_t j = 0; j < J; ++j) {
            const int ji = static_cast<int>(j);
            bool any = false;
            for (std::size_t p = 0; p < n; ++p) any |= w.choice[p] == ji;
            if (!any) continue;
            in.investValue(j, t, w.block, w.tmp.data());
            const int st = in.stageOf(j);
            for (std::size_t p = 0; p < n; ++p) {
                if (w.choice[p] != ji) continue;
                V[p] = w.tmp[p], a[p] = ji, dt[p] = ti, sd[p] = static_cast<int>(H);
                if (st < 0) continue;
                const auto sA = static_cast<std::size_t>(in.operationStart(j, t, w.block, p));
                const std::size_t at = (static_cast<std::size_t>(st) * (H + 1) + sA) * n + p;
                V[p] += w.R[at];
                sd[p] = w.sdate[at];
            }
        }
        const double close = in.closeValue(t);
        for (std::size_t p = 0; p < n; ++p)
            if (w.choice[p] == static_cast<int>(J)) V[p] = close, a[p] = static_cast<int>(J), dt[p] = ti, sd[p] = static_cast<int>(H);
    }
}

}  // namespace kp::detail
