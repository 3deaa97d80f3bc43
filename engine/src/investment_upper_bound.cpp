// The dual upper bound of an investment valuation by nested simulation (investment_upper_bound.hpp
// has the method and the glossary; investment_work.hpp the engine's buffers and passes).
//
// The rule is applied here as the pricing pass applies it (investment_pricing.cpp: Pricer::choose,
// stagePass, decide), from any date on and without the pricing statistics. Any policy gives a valid
// bound; the same one as the pricing pass gives the tight one.
#include "kp/engine/investment_upper_bound.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <boost/math/special_functions/erf.hpp>

#include "investment_work.hpp"
#include "kp/core/errors.hpp"

namespace kp {

namespace {

using detail::InvestmentWork;

constexpr double kNone = -std::numeric_limits<double>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Per-thread buffers: the outer path (one path) and the inner block of one date.
struct UpperWork {
    InvestmentWork outer, inner;
    std::vector<double> pf;  // [t][p]: a stage's perfect-foresight value from date t on, t <= H
    std::vector<double> V;   // [p]: realised value of the rule from t + 1 on
    std::vector<double> z;   // [p]: normals of the redrawn arrival dates
};

class UpperBound {
public:
    UpperBound(const detail::InvestmentContext& c, const UpperBoundSettings& ub)
        : c_(c), in_(c.in), H_(in_.periods()), J_(in_.technologies()), NS_(in_.stages()), I_(ub.innerPaths),
          I4_((ub.innerPaths + 3) / 4 * 4),
          outerSim_(*c.problem.factors, in_.times(), c.s.seed, Stream::UpperBoundOuter, false) {
        for (std::size_t t = 0; t < H_; ++t) {
            bool any = !std::isnan(in_.closeValue(t));
            for (std::size_t j = 0; j < J_; ++j) any |= in_.allowed(j, t);
            acting_.push_back(any);
            const double year = in_.project().startYear + static_cast<double>(t) / static_cast<double>(in_.periodsPerYear());
            for (const ArrivalDistribution& law : c.problem.arrivals)
                survival_.push_back(law.kind == ArrivalDistribution::Kind::Fixed ? 0.0 : 1.0 - law.cdf(year));
            const std::vector<double> sub(in_.times().begin() + static_cast<std::ptrdiff_t>(t), in_.times().end());
            innerSims_.emplace_back(*c.problem.factors, sub, c.s.seed, Stream::UpperBoundInner, c.s.antithetic,
                                    static_cast<std::uint32_t>((t + 1) << 16));
        }
    }

    /// max_t (Z_t - M_t) on outer path o with the martingale of `rule`.
    double gap(std::size_t o, const InvestmentRule& rule, UpperWork& w) const {
        w.outer.reserve(in_, 1, c_.maxColumns, false);
        detail::simulateBlock(c_, outerSim_, Stream::UpperBoundOuter, 4 * o, 1, w.outer, false, false);
        const double* base = in_.carryOn(0, w.outer.block);  // [k], one path
        double A = 0;  // A_t
        double M = 0, Cprev = 0, best = kNone;
        for (std::size_t t = 0; t < H_; ++t) {
            if (t == 0 || acting_[t]) {
                innerBlock(o, t, w);
                const double Z = A + stopValue(t, w);
                applyRule(rule, t, w);
                const double C = A + in_.discount(t) * base[t] + mean(w.V.data());
                const double L = A + ruleValueAt(rule, t, C - A, w);
                M = t == 0 ? L : M + L - Cprev;
                best = std::max(best, Z - M);
                Cprev = C;
            }
            A += in_.discount(t) * base[t];
        }
        M += A - Cprev;  // L_H = A_H: the rule has nothing left to decide
        return std::max(best, A - M);
    }

private:
    double mean(const double* x) const {
        double s = 0;
        for (std::size_t p = 0; p < I_; ++p) s += x[p];
        return s / static_cast<double>(I_);
    }

    // the inner block of date t: the outer path's history up to t on every path, its arrival dates
    // (redrawn given the information at t, arrivals), then I_ fresh continuations to H, and the
    // instrument's cash flows
    void innerBlock(std::size_t o, std::size_t t, UpperWork& w) const {
        const std::size_t n = I_, V = in_.stateVariables();
        InvestmentWork& iw = w.inner;
        iw.reserve(in_, n, c_.maxColumns, false);
        ProjectBlock& b = iw.block;
        const ProjectBlock& ob = w.outer.block;
        for (std::size_t k = 0; k <= t; ++k)
            for (std::size_t v = 0; v < V; ++v) std::fill_n(b.hist.data() + (k * V + v) * n, n, ob.hist[k * V + v]);
        const PathSimulator& sim = innerSims_[t];
        const std::uint64_t first = o * I4_;
        arrivals(t, first, w);
        std::copy_n(b.hist.data() + t * V * n, V * n, iw.cur.data());
        sim.beginBlock(first, n, iw.sim);
        for (std::size_t k = 1; k + t <= H_; ++k) {
            sim.step(k, first, n, iw.cur.data(), n, iw.sim);
            std::copy_n(iw.cur.data(), V * n, b.hist.data() + (t + k) * V * n);
        }
        in_.evaluate(b, false, false);
    }

    // The information at date t about an arrival date a is whether a <= year(t) (the rule's
    // indicator; once arrived, the period it arrived in, all that the cash flows use): an arrived
    // date is kept; one still to come is redrawn from its law given a > year(t), by the inverse CDF
    // at u = F(year(t)) + (1 - F(year(t))) U, from the upper tail: z = Q^-1((1 - F) Q(x)), x normal
    // (slot CounterLayout::innerStart), Q(x) = erfc(x / sqrt 2) / 2.
    void arrivals(std::size_t t, std::uint64_t first, UpperWork& w) const {
        const std::size_t n = I_, NI = in_.infrastructure();
        ProjectBlock& b = w.inner.block;
        if (w.z.size() < n) w.z.resize(n);
        const double year = in_.project().startYear + static_cast<double>(t) / static_cast<double>(in_.periodsPerYear());
        for (std::size_t i = 0; i < NI; ++i) {
            const double a = w.outer.block.arrival[i];
            double* out = b.arrival.data() + i * n;
            const double S = survival_[t * NI + i];
            if (a <= year || !(S > 0)) {
                std::fill_n(out, n, a);
                continue;
            }
            fillNormals(c_.s.seed, CounterLayout::innerStart(Stream::UpperBoundInner, t, i), first, n, w.z.data(),
                        c_.s.antithetic, w.inner.normal);
            const ArrivalDistribution& law = c_.problem.arrivals[i];
            for (std::size_t p = 0; p < n; ++p) {
                const double q = std::max(S * 0.5 * std::erfc(w.z[p] / std::sqrt(2.0)), 1e-300);
                const double y = law.year(std::sqrt(2.0) * boost::math::erfc_inv(2 * q));
                out[p] = y > year ? y : std::nextafter(year, kInf);  // rounding at the truncation point
            }
        }
    }

    // max over the actions allowed at t of their estimated value (a stage with perfect foresight);
    // -inf when none is allowed
    double stopValue(std::size_t t, UpperWork& w) const {
        double z = in_.closeValue(t);
        if (std::isnan(z)) z = kNone;
        const std::size_t n = I_;
        const ProjectBlock& b = w.inner.block;
        for (std::size_t j = 0; j < J_; ++j) {
            if (!in_.allowed(j, t)) continue;
            double* v = w.inner.est.data();
            in_.investValue(j, t, b, v);
            if (const int st = in_.stageOf(j); st >= 0) {
                perfectForesightStage(static_cast<std::size_t>(st), t, w);
                for (std::size_t p = 0; p < n; ++p)
                    v[p] += w.pf[static_cast<std::size_t>(in_.operationStart(j, t, b, p)) * n + p];
            }
            z = std::max(z, mean(v));
        }
        return z;
    }

    // w.pf[t'][p], t' = t .. H: the best value of deciding stage st at a date >= t' on path p (0: never)
    void perfectForesightStage(std::size_t st, std::size_t t, UpperWork& w) const {
        const std::size_t n = I_, H = H_;
        if (w.pf.size() < (H + 1) * n) w.pf.resize((H + 1) * n);
        double* pf = w.pf.data();
        double* tmp = w.inner.tmp.data();
        std::fill_n(pf + H * n, n, 0.0);
        for (std::size_t u = H; u-- > t;) {
            std::copy_n(pf + (u + 1) * n, n, pf + u * n);
            if (!in_.allowed(J_ + st, u)) continue;
            in_.stageValue(st, u, w.inner.block, tmp);
            for (std::size_t p = 0; p < n; ++p) pf[u * n + p] = std::max(pf[u * n + p], tmp[p]);
        }
    }

    // L_t - A_t: the value of the rule from t on (the outer path's state at t is every inner path's):
    // its action's estimated value, or the continuation C_t - A_t when it waits
    double ruleValueAt(const InvestmentRule& rule, std::size_t t, double cont, UpperWork& w) const {
        InvestmentWork& iw = w.inner;
        if (!chooseByRule(c_, rule, t, iw, 1)) return cont;  // every inner path has the state at t
        const int a = iw.choice[0];
        if (a < 0) return cont;
        if (a == static_cast<int>(J_)) return in_.closeValue(t);
        const auto j = static_cast<std::size_t>(a);
        const std::size_t n = I_, H = H_;
        double* v = iw.est.data();
        in_.investValue(j, t, iw.block, v);
        if (const int st = in_.stageOf(j); st >= 0)
            for (std::size_t p = 0; p < n; ++p)
                v[p] += iw.R[(static_cast<std::size_t>(st) * (H + 1) +
                              static_cast<std::size_t>(in_.operationStart(j, t, iw.block, p))) * n + p];
        return mean(v);
    }

    // ---- the rule on the inner block, as the pricing pass applies it (investment_apply.cpp) -------
    // w.V[p]: the realised value of the rule from t + 1 on, on inner path p (w.inner.R: the stage rules)
    void applyRule(const InvestmentRule& rule, std::size_t t, UpperWork& w) const {
        InvestmentWork& iw = w.inner;
        const std::size_t n = I_, H = H_;
        if (w.V.size() < n) w.V.resize(n);
        double* V = w.V.data();
        std::fill_n(V, n, 0.0);
        std::fill_n(iw.act.data(), n, -1);
        stagePass(in_, rule, t, iw);
        for (std::size_t d = t + 1; d < H; ++d) {
            const double* base = in_.carryOn(d, iw.block);
            const double D = in_.discount(d);
            const bool chosen = chooseByRule(c_, rule, d, iw);
            for (std::size_t p = 0; p < n; ++p) {
                if (iw.act[p] >= 0) continue;
                const int a = chosen ? iw.choice[p] : -1;
                if (a < 0) V[p] += D * base[p];
                else iw.act[p] = a, iw.actDate[p] = static_cast<int>(d);
            }
            if (!chosen) continue;
            const int di = static_cast<int>(d);
            for (std::size_t j = 0; j < J_; ++j) {
                const int ji = static_cast<int>(j);
                bool any = false;
                for (std::size_t p = 0; p < n; ++p) any |= iw.act[p] == ji && iw.actDate[p] == di;
                if (!any) continue;
                in_.investValue(j, d, iw.block, iw.est.data());
                const int st = in_.stageOf(j);
                for (std::size_t p = 0; p < n; ++p) {
                    if (iw.act[p] != ji || iw.actDate[p] != di) continue;
                    V[p] += iw.est[p];
                    if (st >= 0)
                        V[p] += iw.R[(static_cast<std::size_t>(st) * (H + 1) +
                                      static_cast<std::size_t>(in_.operationStart(j, d, iw.block, p))) * n + p];
                }
            }
            const int exit = static_cast<int>(J_);
            for (std::size_t p = 0; p < n; ++p)
                if (iw.act[p] == exit && iw.actDate[p] == di) V[p] += in_.closeValue(d);
        }
    }

    const detail::InvestmentContext& c_;
    const InvestmentInstrument& in_;
    std::size_t H_, J_, NS_, I_, I4_;
    PathSimulator outerSim_;
    std::vector<PathSimulator> innerSims_;  // per date t: the grid t .. H
    std::vector<char> acting_;              // per date: an action besides waiting is allowed
    std::vector<double> survival_;          // [t][i]: P(arrival i after date t), 0 for a fixed date (kept)
};

// the weight of each rule in the option value: its share of the pricing paths (ruleOfBlock)
std::vector<double> ruleWeights(std::size_t rules, std::size_t paths) {
    std::vector<double> w(rules, 0.0);
    const std::size_t blocks = detail::blocksOf(paths);
    for (std::size_t b = 0; b < blocks; ++b)
        w[detail::ruleOfBlock(b, blocks, rules)] +=
            static_cast<double>(std::min(detail::kBlock, paths - b * detail::kBlock));
    for (double& x : w) x /= static_cast<double>(paths);
    return w;
}

}  // namespace

InvestmentUpperBound investmentUpperBound(const InvestmentProblem& problem, const std::vector<InvestmentRule>& rules,
                                          const InvestmentSettings& s, const InvestmentResult& lower,
                                          const UpperBoundSettings& ub) {
    const auto start = std::chrono::steady_clock::now();
    KP_REQUIRE(problem.factors != nullptr, "investmentUpperBound: factors is null, but must be a ModelSet");
    const InvestmentInstrument in(problem.project, problem.factors->stateSize());
    KP_REQUIRE(problem.arrivals.size() == in.infrastructure(), "investmentUpperBound: arrivals has ",
               problem.arrivals.size(), " laws and the project ", in.infrastructure(),
               " infrastructure names, but must have as many");
    KP_REQUIRE(!s.fixedPolicy, "investmentUpperBound: the settings have a fixed policy, but the bound is that of "
                               "the trained rules (value without one)");
    KP_REQUIRE(!rules.empty() && rules.size() <= detail::blocksOf(s.paths), "investmentUpperBound: ", rules.size(),
               " rules are given, but there must be from 1 to one per block of 1024 pricing paths (",
               detail::blocksOf(s.paths), ")");
    KP_REQUIRE(ub.outerPaths >= 2 * rules.size(), "investmentUpperBound: outer paths is ", ub.outerPaths,
               ", but must be at least 2 per rule (", 2 * rules.size(), ")");
    KP_REQUIRE(ub.innerPaths >= 2 && (!s.antithetic || ub.innerPaths % 2 == 0), "investmentUpperBound: inner paths is ",
               ub.innerPaths, ", but must be at least 2", s.antithetic ? " and even (antithetic sampling)" : "");
    KP_REQUIRE(!in.anySwitching(), "investmentUpperBound: an option has switching costs between operating modes, but ",
               "the bound's inner simulations do not apply a switching rule");
    KP_REQUIRE(!in.risky(), "investmentUpperBound: an option carries technology risk (overrun, delay or incidents), ",
               "but the dual bound needs exercise values known when the decision is taken, and a path's draws are "
               "not; value the case without --upper-bound, or without the risk");
    KP_REQUIRE(in.periods() < (1u << 15), "investmentUpperBound: the problem has ", in.periods(),
               " periods, but must have fewer than 32768 (the step counters of the inner simulations)");
    std::size_t maxColumns = 1;
    for (const InvestmentRule& r : rules) {
        KP_REQUIRE(r.periods == in.periods() && r.technologies == in.technologies() && r.stages == in.stages() &&
                       r.features == in.features() && r.decisions.dates.size() == in.periods(),
                   "investmentUpperBound: a rule was trained on a problem of ", r.periods, " periods, ",
                   r.technologies, " technologies, ", r.stages, " stages and ", r.features,
                   " features, but must be of this one's shape (", in.periods(), ", ", in.technologies(), ", ",
                   in.stages(), ", ", in.features(), ")");
        for (const DateRule& d : r.decisions.dates) maxColumns = std::max(maxColumns, d.design.columns());
        KP_REQUIRE(r.afterReline.empty(), "investmentUpperBound: the problem has a relined state (decisions after ",
                   "a reline), but the bound must be of a problem without one: its inner simulations value the ",
                   "reline without them (case file: plant.reline.invest_after: false)");
    }
    tbb::task_arena arena(detail::threadCount(s.threads));
    tbb::enumerable_thread_specific<InvestmentWork> unused;  // the context's; this pass keeps its own
    const detail::InvestmentContext c{problem, in, s, arena, unused, maxColumns, nullptr, detail::goneInfrastructure(problem, in)};
    const UpperBound bound(c, ub);
    tbb::enumerable_thread_specific<UpperWork> tls;
    const std::size_t M = ub.outerPaths, R = rules.size();
    std::vector<double> gap(M);
    detail::forEachIndex(arena, M, [&](std::size_t o) { gap[o] = bound.gap(o, rules[o * R / M], tls.local()); });
    // per rule (contiguous outer paths), in outer-path order; weighted by the rules' pricing shares
    const std::vector<double> weight = ruleWeights(R, s.paths);
    std::vector<Moments> perRule(R);
    for (std::size_t o = 0; o < M; ++o) perRule[o * R / M].add(gap[o]);
    InvestmentUpperBound res;
    double var = 0;
    for (std::size_t b = 0; b < R; ++b) {
        res.gap.value += weight[b] * perRule[b].mean;
        var += weight[b] * weight[b] * perRule[b].variance() / perRule[b].n;
    }
    res.gap.stdError = std::sqrt(var);
    res.lower = lower.optionValue;
    res.value.value = res.lower.value + res.gap.value;
    res.value.stdError = std::hypot(res.lower.stdError, res.gap.stdError);
    res.outerPaths = M, res.innerPaths = ub.innerPaths, res.rules = R;
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return res;
}

}  // namespace kp
