#include "kp/engine/investment_lsm.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <thread>

#include "detail/blocks.hpp"
#include "detail/regression.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/moments.hpp"
#include "kp/core/random.hpp"
#include "kp/engine/path_simulator.hpp"

namespace kp {

std::string toString(Decision d) {
    switch (d) {
        case Decision::InvestNow: return "invest_now";
        case Decision::Close: return "close";
        default: return "wait";
    }
}

namespace {

using detail::blocksOf;
using detail::kBlock;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr int kNoSubsidy = 1 << 30;  // an operating year past any subsidy term


/// Everything of a problem the path loops need, precomputed once.
struct Layout {
    std::size_t H = 0, J = 0, NL = 0, NI = 0, vars = 0;
    std::size_t NS = 0, JS = 0;          // stages; technologies and stages (cash-flow arrays: stage s at J + s)
    std::vector<int> stageOf;            // per technology: its stage, -1 for none
    std::vector<std::size_t> contState;  // continuous features: price sources that are states
    std::vector<int> contLearning;       // ... then learning factors (curve index)
    std::size_t NC = 0, F = 0;           // continuous features, all features (NC + NI)
};

enum class Running { Plant, Technology, Stage, Nothing };

/// What runs on one pricing path in each year (years as indices; H: never).
struct PathPlan {
    int a = -1;              // action: -1 none, j technology, J exit
    std::size_t J = 0, d = 0, j = 0, js = 0;
    std::size_t s0 = 0, e0 = 0, es0 = 0;   // technology: operation start, end, subsidy end
    std::size_t dS = 0, sS = 0, eS = 0, esS = 0;  // its stage: decision, operation start, end, subsidy end (js = 0: none)
    bool isTechnology() const { return a >= 0 && a < static_cast<int>(J); }
    bool exited() const { return a == static_cast<int>(J); }
    bool hasStage() const { return js != 0; }
    Running running(std::size_t k) const {
        if (a < 0 || k < d) return Running::Plant;
        if (exited()) return Running::Nothing;
        if (k < s0) return Running::Plant;  // under construction
        if (hasStage() && k >= sS && k < eS) return Running::Stage;
        return k < e0 ? Running::Technology : Running::Nothing;
    }
};

/// Per-thread buffers for one block (sized once, reused: no allocation in the path loops).
struct Work {
    SimScratch sim;
    NormalScratch normal;
    std::vector<double> cur, hist;              // state now; state at t = 0..H [t][var][p]
    std::vector<double> price;                  // 6 x n: co2, co2 reference, gas, power, h2, product
    std::vector<double> lf;                     // learning factors [curve][t][p], t = 0..H
    std::vector<double> base, ebase, cbase;     // [k][p]: net, emissions, carbon cost (plant as is)
    std::vector<double> tech, sde, etech;       // [j][k][p]
    std::vector<double> pb, pt, ps;             // prefix sums of discounted cash flows [.][k][p], k <= H
    std::vector<double> arr;                    // [i][p] arrival year of infrastructure i
    std::vector<int> opFrom;                    // [j][p] first year index j can operate (H: never)
    std::vector<double> feat, inv, est, best, tmp, phi, xa;
    std::vector<int> act, actDate;              // pricing: -1 none, j tech, J close
    std::vector<double> R;                      // stages: realised value of the stage rule from t on [s][t][p], t <= H
    std::vector<int> sdate;                     // stages: the date the rule decides the stage, from t on [s][t][p]
    std::vector<int> stageAt;                   // pricing: [p] date the stage is decided (H: never)
    std::vector<PathPlan> plans;                // pricing: [p] what runs in each period under the policy
    std::vector<double> obs;                    // for a PricingObserver: 5 prices + 4 per-year arrays [.][k][p]
    void reserve(const Layout& L, std::size_t n, std::size_t P, bool observed = false) {
        auto need = [](std::vector<double>& v, std::size_t m) {
            if (v.size() < m) v.resize(m);
        };
        need(cur, L.vars * n);
        need(hist, (L.H + 1) * L.vars * n);
        need(price, 6 * n);
        need(lf, std::max<std::size_t>(L.NL, 1) * (L.H + 1) * n);
        need(base, L.H * n), need(ebase, L.H * n), need(cbase, L.H * n);
        need(tech, L.JS * L.H * n), need(sde, L.JS * L.H * n), need(etech, L.JS * L.H * n);
        need(pb, (L.H + 1) * n), need(pt, L.JS * (L.H + 1) * n), need(ps, L.JS * (L.H + 1) * n);
        need(arr, std::max<std::size_t>(L.NI, 1) * n);
        if (opFrom.size() < L.JS * n) opFrom.resize(L.JS * n);
        need(R, L.NS * (L.H + 1) * n);
        if (sdate.size() < L.NS * (L.H + 1) * n) sdate.resize(L.NS * (L.H + 1) * n);
        if (stageAt.size() < n) stageAt.resize(n), plans.resize(n);
        need(feat, std::max<std::size_t>(L.F, 1) * n);
        need(inv, (L.J + 1) * n), need(est, n), need(best, n), need(tmp, n);
        need(phi, (P + L.F + 1) * n), need(xa, std::max<std::size_t>(L.F, 1) * n);
        if (act.size() < n) act.resize(n), actDate.resize(n);
        if (observed) need(obs, 9 * L.H * n);
    }
};

double priceOf(const PriceSource& s, const double* st, std::size_t n, std::size_t p, const double* lf) {
    switch (s.kind) {
        case PriceSource::Kind::Constant: return s.constant;
        case PriceSource::Kind::State: return st[s.stateIndex * n + p];
        default: {
            const double L = s.learningIndex >= 0 ? lf[p] : 1.0;
            const double src = s.sourceState ? st[s.stateIndex * n + p] : s.sourceConstant;
            return s.scale * (src / s.efficiency +
                              s.adder * ((1.0 - s.learningShare) + s.learningShare * L));
        }
    }
}

/// The trained rule at one decision date.
struct DateRule {
    bool active = false;                       // any action besides waiting
    std::vector<std::size_t> cont, ind;        // active continuous / indicator features
    std::optional<Basis> basis;                // over the active continuous features (none: constant)
    Basis::Scaling scaling;
    std::size_t P = 1;                         // design columns: basis (or 1) + indicators
    Eigen::VectorXd betaW;                     // continuation W(d+1) (empty at the last date)
    std::vector<Eigen::VectorXd> betaJ;        // per technology (empty: not allowed at d)
    std::vector<Eigen::VectorXd> stageEx, stageCont;  // per stage: its value now, the stage rule's from d + 1 (empty: not allowed)
    double closeValue = kNaN;                  // D_d (value - cost), NaN: no exit
    std::vector<double> featMean;              // per feature (trigger)
    double co2Lo = 0, co2Hi = 0;
};

}  // namespace

/// What a trained rule fits: reusing it needs a problem and settings of the same shape.
struct RuleShape {
    std::size_t H = 0, J = 0, NS = 0, F = 0, NC = 0, NI = 0;
    BasisType basis = BasisType::Monomial;
    int degree = 0;
    std::uint64_t seed = 0;
    bool antithetic = true;
    bool operator==(const RuleShape&) const = default;
};

struct InvestmentLsm::Impl {
    std::vector<DateRule> rules;  // the last trained rule (InvestmentSettings::reuseRule)
    RuleShape shape;
    bool trained = false;
    std::size_t trainedPaths = 0;
    std::vector<double> X, I, Bd, W, ones, Xa;  // training storage: [d][f][p], [d][j][p], [d][p]
    std::vector<double> Xs, Rs;                 // stages on the training paths: value now [d][s][p], R [s][t][p]
    std::vector<int> opT;                       // first operating year of each technology [j][p]
    tbb::enumerable_thread_specific<Work> tls;
    detail::RegressionWorkspace regression;
};

InvestmentLsm::InvestmentLsm() : impl_(std::make_unique<Impl>()) {}
InvestmentLsm::~InvestmentLsm() = default;

InvestmentResult InvestmentLsm::value(const InvestmentProblem& pr, const InvestmentSettings& s,
                                     PricingObserver* observer) {
    const auto start = std::chrono::steady_clock::now();
    KP_REQUIRE(s.paths >= 2, "InvestmentLsm: paths is ", s.paths, ", but must be at least 2");
    KP_REQUIRE(!s.antithetic || s.paths % 2 == 0, "InvestmentLsm: paths is ", s.paths,
               ", but must be even with antithetic sampling");
    KP_REQUIRE(s.seed != 0, "InvestmentLsm: seed is 0, but must be non-zero (seeds are explicit)");
    KP_REQUIRE(s.degree >= 1 && s.degree <= 8, "InvestmentLsm: degree is ", s.degree,
               ", but must be from 1 to 8");
    KP_REQUIRE(pr.factors != nullptr, "InvestmentLsm: factors is null, but must be a ModelSet");
    KP_REQUIRE(pr.horizonYears >= 1 && pr.horizonYears <= 200, "InvestmentLsm: horizonYears is ",
               pr.horizonYears, ", but must be in [1, 200]");
    KP_REQUIRE(pr.periodsPerYear == 1 || pr.periodsPerYear == 4, "InvestmentLsm: periodsPerYear is ",
               pr.periodsPerYear, ", but must be 1 (annual) or 4 (quarterly)");
    const int P = pr.periodsPerYear;
    KP_REQUIRE(pr.discount.size() == static_cast<std::size_t>(pr.horizonYears * P),
               "InvestmentLsm: discount has ", pr.discount.size(), " factors, but must have horizonYears x ",
               "periodsPerYear = ", pr.horizonYears * P);
    for (double d : pr.discount)
        KP_REQUIRE(std::isfinite(d) && d > 0, "InvestmentLsm: a discount factor is ", d,
                   ", but must be positive");
    KP_REQUIRE(pr.infrastructure.size() == pr.infrastructureNames.size() && pr.infrastructure.size() <= 64,
               "InvestmentLsm: infrastructure has ", pr.infrastructure.size(), " entries and ",
               pr.infrastructureNames.size(), " names, but must have as many, at most 64");
    const ModelSet& model = *pr.factors;
    Layout L;
    L.H = static_cast<std::size_t>(pr.horizonYears * P);  // periods
    L.J = pr.technologies.size();
    L.NS = pr.stages.size();
    L.JS = L.J + L.NS;
    L.stageOf.assign(L.J, -1);
    L.NL = pr.learning.size();
    L.NI = pr.infrastructure.size();
    L.vars = model.stateSize();
    auto checkSource = [&](const PriceSource& ps, const char* name) {
        KP_REQUIRE(ps.kind == PriceSource::Kind::Constant ||
                       (ps.kind == PriceSource::Kind::Derived && !ps.sourceState) || ps.stateIndex < L.vars,
                   "InvestmentLsm: ",
                   name, " state index is ", ps.stateIndex, ", but must be below ", L.vars);
        KP_REQUIRE(ps.kind != PriceSource::Kind::Derived || (ps.efficiency > 0 && std::isfinite(ps.adder)),
                   "InvestmentLsm: ", name, " efficiency is ", ps.efficiency, ", but must be positive");
        KP_REQUIRE(ps.learningIndex < static_cast<int>(L.NL), "InvestmentLsm: ", name,
                   " learning index is ", ps.learningIndex, ", but must be below ", L.NL);
    };
    checkSource(pr.co2, "co2");
    checkSource(pr.gas, "gas");
    checkSource(pr.power, "power");
    checkSource(pr.hydrogen, "hydrogen");
    checkSource(pr.product, "product");
    for (const auto& l : pr.learning)
        KP_REQUIRE(l.stateIndex < static_cast<int>(L.vars), "InvestmentLsm: learning '", l.name,
                   "' state index is ", l.stateIndex, ", but must be below ", L.vars);
    for (const auto& t : pr.technologies) {
        KP_REQUIRE(t.learningIndex < static_cast<int>(L.NL), "InvestmentLsm: technology '", t.tech.name,
                   "' learning index is ", t.learningIndex, ", but must be below ", L.NL);
        for (std::size_t i : t.infrastructure)
            KP_REQUIRE(i < L.NI, "InvestmentLsm: technology '", t.tech.name, "' infrastructure index is ",
                       i, ", but must be below ", L.NI);
        KP_REQUIRE(t.tech.requiresOption.empty(), "InvestmentLsm: technology '", t.tech.name,
                   "' is a stage (requires '", t.tech.requiresOption, "'), but must be given in stages");
    }
    for (std::size_t st = 0; st < L.NS; ++st) {
        const StageOption& so = pr.stages[st];
        KP_REQUIRE(so.parent < L.J, "InvestmentLsm: stage '", so.option.tech.name, "' parent is ", so.parent,
                   ", but must be below ", L.J);
        KP_REQUIRE(L.stageOf[so.parent] < 0, "InvestmentLsm: technology '",
                   pr.technologies[so.parent].tech.name, "' has two stages, but may have at most one");
        L.stageOf[so.parent] = static_cast<int>(st);
        KP_REQUIRE(so.option.learningIndex < static_cast<int>(L.NL), "InvestmentLsm: stage '",
                   so.option.tech.name, "' learning index is ", so.option.learningIndex, ", but must be below ", L.NL);
        for (std::size_t i : so.option.infrastructure)
            KP_REQUIRE(i < L.NI, "InvestmentLsm: stage '", so.option.tech.name, "' infrastructure index is ", i,
                       ", but must be below ", L.NI);
    }
    if (s.fixedPolicy) {
        KP_REQUIRE(s.fixedPolicy->technology >= -1 &&
                       s.fixedPolicy->technology < static_cast<int>(pr.technologies.size()),
                   "InvestmentLsm: fixed policy technology is ", s.fixedPolicy->technology,
                   ", but must be -1 (never) or below ", pr.technologies.size());
        KP_REQUIRE(s.fixedPolicy->technology < 0 ||
                       (s.fixedPolicy->year >= pr.startYear && s.fixedPolicy->year < pr.startYear + pr.horizonYears),
                   "InvestmentLsm: fixed policy year is ", s.fixedPolicy->year, ", but must be in [",
                   pr.startYear, ", ", pr.startYear + pr.horizonYears - 1, "]");
    }
    // continuous features: stochastic prices (co2 first), then learning factors
    {
        std::vector<std::size_t> seen;
        for (const PriceSource* ps : {&pr.co2, &pr.gas, &pr.power, &pr.hydrogen, &pr.product})
            if (ps->kind == PriceSource::Kind::State &&
                std::find(seen.begin(), seen.end(), ps->stateIndex) == seen.end()) {
                seen.push_back(ps->stateIndex);
                L.contState.push_back(ps->stateIndex);
            }
        for (std::size_t c = 0; c < L.NL; ++c)
            if (pr.learning[c].stateIndex >= 0) L.contLearning.push_back(static_cast<int>(c));
        L.NC = L.contState.size() + L.contLearning.size();
        L.F = L.NC + L.NI;
    }
    const bool co2Feature = pr.co2.kind == PriceSource::Kind::State;
    const std::size_t H = L.H, J = L.J, F = L.F, NC = L.NC, NI = L.NI, NS = L.NS, JS = L.JS;
    // technology j < J, or stage j - J
    auto optionAt = [&](std::size_t j) -> const TechnologyOption& {
        return j < J ? pr.technologies[j] : pr.stages[j - J].option;
    };
    tbb::task_arena arena(detail::threadCount(s.threads));
    auto& tls = impl_->tls;
    const std::size_t maxP = Basis(s.basis, s.degree, std::max<std::size_t>(NC, 1)).size() + NI;

    std::vector<double> grid(H + 1);
    for (std::size_t k = 0; k <= H; ++k) grid[k] = static_cast<double>(k) / P;
    const std::size_t HY = static_cast<std::size_t>(pr.horizonYears);
    const auto Pz = static_cast<std::size_t>(P);
    // calendar year of period d; years -> periods
    auto yearOf = [&](std::size_t d) { return pr.startYear + static_cast<int>(d / Pz); };
    auto periods = [&](int years) { return years * P; };
    const std::vector<double>& D = pr.discount;
    // best exit per date
    std::vector<double> closeValue(H, kNaN);
    for (std::size_t d = 0; d < H; ++d) {
        const int year = yearOf(d);
        for (const auto& e : pr.exits)
            if (year >= e.earliestYear && year <= e.latestYear) {
                const double v = D[d] * (e.value - e.cost);
                if (!(v <= closeValue[d])) closeValue[d] = v;
            }
    }
    auto techAllowed = [&](std::size_t j, std::size_t d) {  // j < JS
        const int year = yearOf(d);
        const Technology& t = optionAt(j).tech;
        return year >= t.earliestDecisionYear && year <= t.latestDecisionYear;
    };

    // ---- one block: simulate, cash flows, prefix sums, arrivals --------------------------------
    auto simulateBlock = [&](const PathSimulator& sim, Stream stream, std::uint64_t first,
                             std::size_t n, Work& w, bool pricing) {
        const std::size_t V = L.vars;
        sim.beginBlock(first, n, w.sim);
        model.initialState(w.cur.data(), n, n);
        std::copy_n(w.cur.data(), V * n, w.hist.data());
        for (std::size_t k = 1; k <= H; ++k) {
            sim.step(k, first, n, w.cur.data(), n, w.sim);
            std::copy_n(w.cur.data(), V * n, w.hist.data() + k * V * n);
        }
        // learning factors on the running maximum of deployment
        for (std::size_t c = 0; c < L.NL; ++c) {
            const LearningSource& ls = pr.learning[c];
            double* lf = w.lf.data() + c * (H + 1) * n;
            double* runMax = w.tmp.data();
            for (std::size_t p = 0; p < n; ++p) runMax[p] = ls.curve.deployment0;
            for (std::size_t k = 0; k <= H; ++k) {
                if (ls.stateIndex >= 0) {
                    const double* x = w.hist.data() + (k * V + static_cast<std::size_t>(ls.stateIndex)) * n;
                    for (std::size_t p = 0; p < n; ++p) runMax[p] = std::max(runMax[p], x[p]);
                }
                for (std::size_t p = 0; p < n; ++p) lf[k * n + p] = ls.curve.factor(runMax[p]);
            }
        }
        // arrivals: one normal per infrastructure, at the valuation date (CounterLayout)
        for (std::size_t i = 0; i < NI; ++i) {
            double* a = w.arr.data() + i * n;
            fillNormals(s.seed, CounterLayout::valuationDate(stream, i), first, n, a, s.antithetic, w.normal);
            for (std::size_t p = 0; p < n; ++p) a[p] = pr.infrastructure[i].year(a[p]);
        }
        for (std::size_t j = 0; j < JS; ++j) {
            int* of = w.opFrom.data() + j * n;
            for (std::size_t p = 0; p < n; ++p) {
                double latest = pr.startYear;
                for (std::size_t i : optionAt(j).infrastructure)
                    latest = std::max(latest, w.arr[i * n + p]);
                const double k = std::ceil((latest - pr.startYear) * P);
                of[p] = k >= static_cast<double>(H) || !std::isfinite(k) ? static_cast<int>(H)
                                                                           : std::max(0, static_cast<int>(k));
            }
        }
        // cash flows of each period (a year's flow / P at the period's prices)
        double* co2 = w.price.data();
        double* ref = co2 + n;
        double* gas = ref + n;
        double* pow = gas + n;
        double* h2 = pow + n;
        double* prod = h2 + n;
        const PriceColumns cols{co2, ref, gas, pow, h2, prod};
        for (std::size_t k = 0; k < H; ++k) {
            const double* st = w.hist.data() + k * V * n;
            const double* stPrev = w.hist.data() + (k >= Pz ? k - Pz : 0) * V * n;  // a year earlier
            auto lfOf = [&](const PriceSource& ps) {
                return ps.learningIndex >= 0
                           ? w.lf.data() + (static_cast<std::size_t>(ps.learningIndex) * (H + 1) + k) * n
                           : nullptr;
            };
            const double* lh = lfOf(pr.hydrogen);
            for (std::size_t p = 0; p < n; ++p) {
                co2[p] = priceOf(pr.co2, st, n, p, nullptr);
                ref[p] = priceOf(pr.co2, stPrev, n, p, nullptr);
                gas[p] = priceOf(pr.gas, st, n, p, nullptr);
                pow[p] = priceOf(pr.power, st, n, p, nullptr);
                h2[p] = priceOf(pr.hydrogen, st, n, p, lh);
                prod[p] = priceOf(pr.product, st, n, p, nullptr);
            }
            if (pricing && observer) {
                const double* from[5] = {co2, gas, pow, h2, prod};
                for (std::size_t c = 0; c < 5; ++c) std::copy_n(from[c], n, w.obs.data() + (c * H + k) * n);
            }
            const int year = yearOf(k);
            double* b = w.base.data() + k * n;
            double* eb = w.ebase.data() + k * n;
            if (static_cast<int>(k) < periods(pr.plant.remainingLifeYears)) {
                yearCashFlows(pr.plant, nullptr, pr.policy, year, 0, cols, n, b, eb);
                if (pricing) {
                    const double q = pr.plant.outputTPerYear;
                    const double alloc = pr.policy.freeAllocation.allowances(year, q);
                    double* cb = w.cbase.data() + k * n;
                    for (std::size_t p = 0; p < n; ++p)
                        cb[p] = co2[p] * (eb[p] - alloc) + pr.policy.levy.amount(year, q, eb[p], ref[p]);
                }
            } else {
                std::fill_n(b, n, 0.0);
                std::fill_n(eb, n, 0.0);
                if (pricing) std::fill_n(w.cbase.data() + k * n, n, 0.0);
            }
            for (std::size_t j = 0; j < JS; ++j) {
                const Technology& t = optionAt(j).tech;
                double* tc = w.tech.data() + (j * H + k) * n;
                double* sd = w.sde.data() + (j * H + k) * n;
                double* et = w.etech.data() + (j * H + k) * n;
                yearCashFlows(pr.plant, &t, pr.policy, year, kNoSubsidy, cols, n, tc, et);
                if (t.sde) {
                    yearCashFlows(pr.plant, &t, pr.policy, year, 0, cols, n, sd, nullptr);
                    for (std::size_t p = 0; p < n; ++p) sd[p] -= tc[p];
                } else {
                    std::fill_n(sd, n, 0.0);
                }
            }
            if (P > 1) {  // per period
                const double f = 1.0 / P;
                auto scale = [&](double* x) {
                    for (std::size_t p = 0; p < n; ++p) x[p] *= f;
                };
                scale(b), scale(eb);
                if (pricing) scale(w.cbase.data() + k * n);
                for (std::size_t j = 0; j < JS; ++j)
                    for (auto* v : {&w.tech, &w.sde, &w.etech}) scale(v->data() + (j * H + k) * n);
            }
        }
        // prefix sums of discounted cash flows
        auto prefix = [&](const double* cf, double* out) {
            std::fill_n(out, n, 0.0);
            for (std::size_t k = 0; k < H; ++k)
                for (std::size_t p = 0; p < n; ++p) out[(k + 1) * n + p] = out[k * n + p] + D[k] * cf[k * n + p];
        };
        prefix(w.base.data(), w.pb.data());
        for (std::size_t j = 0; j < JS; ++j) {
            prefix(w.tech.data() + j * H * n, w.pt.data() + j * (H + 1) * n);
            prefix(w.sde.data() + j * H * n, w.ps.data() + j * (H + 1) * n);
        }
    };

    // capex net of the grant of technology j decided at d, on path p of a block of n
    auto netCapex = [&](std::size_t j, std::size_t d, std::size_t n, const Work& w, std::size_t p) {
        const TechnologyOption& o = optionAt(j);
        const Technology& t = o.tech;
        double capex = t.capex;
        if (o.learningIndex >= 0 && t.learningShare != 0) {
            const double lf = w.lf[(static_cast<std::size_t>(o.learningIndex) * (H + 1) + d) * n + p];
            capex = t.capex * ((1.0 - t.learningShare) + t.learningShare * lf);
        }
        return capex - t.grant.amount(capex);
    };
    // first operating year index of technology j decided at d on path p (H: never)
    auto operationStart = [&](std::size_t j, std::size_t d, std::size_t n, const Work& w, std::size_t p) {
        const int c = periods(optionAt(j).tech.constructionYears);
        return std::min(std::max(static_cast<int>(d) + c, w.opFrom[j * n + p]), static_cast<int>(H));
    };

    // I_j(d) for a block into out[p] (allowed by window or not: the caller decides)
    auto investValue = [&](std::size_t j, std::size_t d, std::size_t n, const Work& w, double* out) {
        const Technology& t = pr.technologies[j].tech;
        const int life = periods(t.lifetimeYears);
        const int subsidyYears = periods(t.sde ? t.sde->years : 0);
        const int Hi = static_cast<int>(H);
        const double* pb = w.pb.data();
        const double* pt = w.pt.data() + j * (H + 1) * n;
        const double* ps = w.ps.data() + j * (H + 1) * n;
        for (std::size_t p = 0; p < n; ++p) {
            const double net = netCapex(j, d, n, w, p);
            const int s0 = operationStart(j, d, n, w, p);
            const int e = std::min(s0 + life, Hi), es = std::min(s0 + subsidyYears, Hi);
            const auto S = static_cast<std::size_t>(s0), E = static_cast<std::size_t>(e),
                       ES = static_cast<std::size_t>(es);
            out[p] = -D[d] * net + (pb[S * n + p] - pb[d * n + p]) + (pt[E * n + p] - pt[S * n + p]) +
                     (ps[ES * n + p] - ps[S * n + p]);
        }
    };

    // stage st decided at t (its parent operating): -D_t capex + its running cash flows minus the
    // parent's over its operation + its subsidy (see investment_problem.hpp)
    auto stageValue = [&](std::size_t st, std::size_t t, std::size_t n, const Work& w, double* out) {
        const std::size_t j = J + st, a = pr.stages[st].parent;
        const Technology& tt = optionAt(j).tech;
        const int Hi = static_cast<int>(H);
        const double* ptS = w.pt.data() + j * (H + 1) * n;
        const double* ptA = w.pt.data() + a * (H + 1) * n;
        const double* psS = w.ps.data() + j * (H + 1) * n;
        for (std::size_t p = 0; p < n; ++p) {
            const int s0 = operationStart(j, t, n, w, p);
            const auto S = static_cast<std::size_t>(s0),
                       E = static_cast<std::size_t>(std::min(s0 + periods(tt.lifetimeYears), Hi)),
                       ES = static_cast<std::size_t>(std::min(s0 + periods(tt.sde ? tt.sde->years : 0), Hi));
            out[p] = -D[t] * netCapex(j, t, n, w, p) + (ptS[E * n + p] - ptS[S * n + p]) -
                     (ptA[E * n + p] - ptA[S * n + p]) + (psS[ES * n + p] - psS[S * n + p]);
        }
    };

    // features at date d into out[f * stride + p]
    auto features = [&](std::size_t d, std::size_t n, const Work& w, double* out, std::size_t stride) {
        const double* st = w.hist.data() + d * L.vars * n;
        std::size_t f = 0;
        for (std::size_t v : L.contState) std::copy_n(st + v * n, n, out + (f++) * stride);
        for (int c : L.contLearning)
            std::copy_n(w.lf.data() + (static_cast<std::size_t>(c) * (H + 1) + d) * n, n, out + (f++) * stride);
        const double year = pr.startYear + static_cast<double>(d) / P;  // the date, in years
        for (std::size_t i = 0; i < NI; ++i, ++f) {
            const double* a = w.arr.data() + i * n;
            double* o = out + f * stride;
            for (std::size_t p = 0; p < n; ++p) o[p] = a[p] <= year ? 1.0 : 0.0;
        }
    };

    // ---- 1. training paths (skipped when reusing the previous rule) ------------------------------
    const RuleShape shape{H, J, NS, F, NC, NI, s.basis, s.degree, s.seed, s.antithetic};
    if (s.reuseRule)
        KP_REQUIRE(impl_->trained && impl_->shape == shape,
                   "InvestmentLsm: reuseRule is set, but the previous valuation of this engine trained no rule "
                   "for a problem of this shape (dates, technologies, stages, features, basis, seed)");
    std::size_t nT = s.reuseRule ? impl_->trainedPaths
                                 : trainingPathsOf(s);
    std::vector<DateRule>& rules = impl_->rules;
    auto& X = impl_->X;
    auto& I = impl_->I;
    auto& Bd = impl_->Bd;
    auto& W = impl_->W;
    auto& ones = impl_->ones;
    auto& Xa = impl_->Xa;
    if (!s.reuseRule) {
    impl_->trained = false;
    X.resize(H * std::max<std::size_t>(F, 1) * nT);
    I.resize(H * std::max<std::size_t>(J, 1) * nT);
    Bd.resize(H * nT);
    W.assign(nT, 0.0);
    ones.assign(nT, 1.0);
    Xa.resize(std::max<std::size_t>(F, 1) * nT);
    auto& Xs = impl_->Xs;
    auto& Rs = impl_->Rs;
    auto& opT = impl_->opT;
    Xs.resize(H * NS * nT);
    Rs.assign(NS * (H + 1) * nT, 0.0);  // R(H) = 0
    opT.resize(J * nT);
    const std::size_t nbT = blocksOf(nT);
    const auto trainStream = Stream::Training;
    const PathSimulator trainSim(model, grid, s.seed, trainStream, s.antithetic);
    detail::forEachBlock(arena, nT, [&](std::size_t, std::size_t first, std::size_t n) {
        Work& w = tls.local();
        w.reserve(L, n, maxP);
        simulateBlock(trainSim, trainStream, first, n, w, false);
        for (std::size_t d = 0; d < H; ++d) {
            features(d, n, w, X.data() + d * F * nT + first, nT);
            for (std::size_t j = 0; j < J; ++j)
                investValue(j, d, n, w, I.data() + (d * J + j) * nT + first);
            for (std::size_t p = 0; p < n; ++p)
                Bd[d * nT + first + p] = D[d] * w.base[d * n + p];
            for (std::size_t st = 0; st < NS; ++st)
                stageValue(st, d, n, w, Xs.data() + (d * NS + st) * nT + first);
        }
        for (std::size_t j = 0; j < J; ++j)
            std::copy_n(w.opFrom.data() + j * n, n, opT.data() + j * nT + first);
    });

    // ---- 2. backward induction -----------------------------------------------------------------
    rules.assign(H, DateRule{});
    std::vector<double> fsum(F), fsq(F);
    std::vector<double> blockSums(nbT * 2 * std::max<std::size_t>(F, 1));
    for (std::size_t dd = H; dd-- > 0;) {
        DateRule& rule = rules[dd];
        rule.closeValue = closeValue[dd];
        rule.betaJ.assign(J, Eigen::VectorXd());
        rule.stageEx.assign(NS, Eigen::VectorXd());
        rule.stageCont.assign(NS, Eigen::VectorXd());
        bool anyTech = false;
        for (std::size_t j = 0; j < J; ++j) anyTech |= techAllowed(j, dd);
        rule.active = anyTech || !std::isnan(rule.closeValue);
        const double* Xd = X.data() + dd * F * nT;
        // feature means and standard deviations (per block, summed in block order)
        detail::forEachBlock(arena, nT, [&](std::size_t b, std::size_t first, std::size_t n) {
            for (std::size_t f = 0; f < F; ++f) {
                const double* x = Xd + f * nT + first;
                blockSums[(b * F + f) * 2] = detail::sum(x, n);
                blockSums[(b * F + f) * 2 + 1] = detail::dot(x, x, n);
            }
        });
        rule.featMean.assign(F, 0.0);
        std::vector<double> sd(F, 0.0);
        for (std::size_t f = 0; f < F; ++f) {
            double s1 = 0, s2 = 0;
            for (std::size_t b = 0; b < nbT; ++b) s1 += blockSums[(b * F + f) * 2], s2 += blockSums[(b * F + f) * 2 + 1];
            const double m = s1 / static_cast<double>(nT);
            rule.featMean[f] = m;
            sd[f] = std::sqrt(std::max(s2 / static_cast<double>(nT) - m * m, 0.0));
            const bool varies = sd[f] > 1e-9 * (std::abs(m) + 1e-300) && sd[f] > 0;
            if (varies) (f < NC ? rule.cont : rule.ind).push_back(f);
        }
        if (co2Feature && J > 0) {  // the trigger's search range: 1st to 99th percentile of CO2
            std::vector<double> c(Xd, Xd + nT);
            const auto q = [&](double u) {
                const auto k = static_cast<std::ptrdiff_t>(u * static_cast<double>(nT - 1));
                std::nth_element(c.begin(), c.begin() + k, c.end());
                return c[static_cast<std::size_t>(k)];
            };
            rule.co2Lo = q(0.01);
            rule.co2Hi = q(0.99);
        }
        const std::size_t nc = rule.cont.size(), ni = rule.ind.size();
        if (nc > 0) {
            rule.basis.emplace(s.basis, s.degree, nc);
            std::vector<double> m(nc), sdv(nc);
            for (std::size_t i = 0; i < nc; ++i) m[i] = rule.featMean[rule.cont[i]], sdv[i] = sd[rule.cont[i]];
            rule.scaling = rule.basis->scaling(m, sdv);
        }
        const std::size_t Pb = rule.basis ? rule.basis->size() : 1;
        rule.P = Pb + ni;
        for (std::size_t i = 0; i < nc; ++i) std::copy_n(Xd + rule.cont[i] * nT, nT, Xa.data() + i * nT);
        for (std::size_t i = 0; i < ni; ++i) std::copy_n(Xd + rule.ind[i] * nT, nT, Xa.data() + (nc + i) * nT);
        const detail::DesignFn design = [&](const double* x, std::size_t fstride, std::size_t n, double* out) {
            if (rule.basis) rule.basis->evaluate(rule.scaling, x, fstride, n, out, n);
            else std::fill_n(out, n, 1.0);
            for (std::size_t i = 0; i < ni; ++i) std::copy_n(x + (nc + i) * fstride, n, out + (Pb + i) * n);
        };
        const bool tooFew = nT < 2 * rule.P;
        // the regressions of one date share their design: fitted together, one pair of passes over
        // the training paths serves them all
        auto fitAll = [&](const std::vector<const double*>& ys) -> std::vector<Eigen::VectorXd> {
            if (!tooFew)
                return detail::fitLeastSquaresMany(rule.P, design, Xa.data(), nT, nT, ys, ones.data(), arena,
                                                   impl_->regression);
            std::vector<Eigen::VectorXd> betas;  // fewer paths than twice the design: the mean
            for (const double* y : ys) {        // (the constant term is first)
                Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(rule.P));
                double m = 0;
                for (std::size_t p = 0; p < nT; ++p) m += y[p];
                beta(0) = m / static_cast<double>(nT);
                betas.push_back(std::move(beta));
            }
            return betas;
        };
        const bool last = dd + 1 == H;
        // the design of date dd on training paths [first, first + n) times beta
        auto estimateT = [&](const Eigen::VectorXd& beta, std::size_t first, std::size_t n, Work& w, double* out) {
            const double* x = Xa.data() + first;
            if (rule.basis) rule.basis->combine(rule.scaling, beta.data(), x, nT, n, out, w.phi.data());
            else std::fill_n(out, n, beta(0));
            for (std::size_t i = 0; i < ni; ++i) {
                const double c = beta(static_cast<Eigen::Index>(Pb + i));
                const double* ind = x + (nc + i) * nT;
                for (std::size_t p = 0; p < n; ++p) out[p] += c * ind[p];
            }
        };
        auto overTrainingBlocks = [&](auto&& body) {
            detail::forEachBlock(arena, nT, [&](std::size_t, std::size_t first, std::size_t n) {
                Work& w = tls.local();
                w.reserve(L, n, maxP);
                body(first, n, w);
            });
        };
        // stages: the stage rule at dd (decide now if its value beats the rule's from dd + 1), then
        // each parent's I(dd) gains the stage rule's realised value from the parent's first operating year
        {
            std::vector<const double*> ys;
            for (std::size_t st = 0; st < NS; ++st) {
                if (!techAllowed(J + st, dd)) continue;
                ys.push_back(Xs.data() + (dd * NS + st) * nT);                // exercise value
                ys.push_back(Rs.data() + (st * (H + 1) + dd + 1) * nT);       // continuation
            }
            const std::vector<Eigen::VectorXd> betas = fitAll(ys);
            std::size_t at = 0;
            for (std::size_t st = 0; st < NS; ++st) {
                if (!techAllowed(J + st, dd)) continue;
                rule.stageEx[st] = betas[at++];
                rule.stageCont[st] = betas[at++];
            }
        }
        for (std::size_t st = 0; st < NS; ++st) {
            double* Rt = Rs.data() + (st * (H + 1) + dd) * nT;
            const double* Rn = Rt + nT;
            const double* Xv = Xs.data() + (dd * NS + st) * nT;
            if (!techAllowed(J + st, dd)) {
                std::copy_n(Rn, nT, Rt);
                continue;
            }
            overTrainingBlocks([&](std::size_t first, std::size_t n, Work& w) {
                estimateT(rule.stageEx[st], first, n, w, w.est.data());
                estimateT(rule.stageCont[st], first, n, w, w.best.data());
                for (std::size_t p = 0; p < n; ++p)
                    Rt[first + p] = w.est[p] > w.best[p] ? Xv[first + p] : Rn[first + p];
            });
        }
        for (std::size_t st = 0; st < NS; ++st) {
            const std::size_t a = pr.stages[st].parent;
            const int c = periods(pr.technologies[a].tech.constructionYears);
            double* Ia = I.data() + (dd * J + a) * nT;
            const double* R0 = Rs.data() + st * (H + 1) * nT;
            const int* of = opT.data() + a * nT;
            for (std::size_t p = 0; p < nT; ++p) {
                const auto sA = static_cast<std::size_t>(std::min(std::max(static_cast<int>(dd) + c, of[p]), static_cast<int>(H)));
                Ia[p] += R0[sA * nT + p];
            }
        }
        if (rule.active) {
            std::vector<const double*> ys;
            if (!last) ys.push_back(W.data());
            for (std::size_t j = 0; j < J; ++j)
                if (techAllowed(j, dd)) ys.push_back(I.data() + (dd * J + j) * nT);
            const std::vector<Eigen::VectorXd> betas = fitAll(ys);
            std::size_t at = 0;
            if (!last) rule.betaW = betas[at++];
            for (std::size_t j = 0; j < J; ++j)
                if (techAllowed(j, dd)) rule.betaJ[j] = betas[at++];
        }
        // decide on the training paths and update W
        overTrainingBlocks([&](std::size_t first, std::size_t n, Work& w) {
            const double* bd = Bd.data() + dd * nT + first;
            double* wv = W.data() + first;
            if (!rule.active) {
                for (std::size_t p = 0; p < n; ++p) wv[p] += bd[p];
                return;
            }
            auto estimate = [&](const Eigen::VectorXd& beta, double* out) { estimateT(beta, first, n, w, out); };
            double* best = w.best.data();
            double* val = w.tmp.data();  // realised value of the chosen action
            if (last) std::fill_n(best, n, 0.0);
            else estimate(rule.betaW, best);
            for (std::size_t p = 0; p < n; ++p) {
                best[p] += bd[p];
                val[p] = bd[p] + wv[p];
            }
            for (std::size_t j = 0; j < J; ++j) {
                if (rule.betaJ[j].size() == 0) continue;
                estimate(rule.betaJ[j], w.est.data());
                const double* Ij = I.data() + (dd * J + j) * nT + first;
                for (std::size_t p = 0; p < n; ++p)
                    if (w.est[p] > best[p]) best[p] = w.est[p], val[p] = Ij[p];
            }
            if (!std::isnan(rule.closeValue))
                for (std::size_t p = 0; p < n; ++p)
                    if (rule.closeValue > best[p]) best[p] = rule.closeValue, val[p] = rule.closeValue;
            std::copy_n(val, n, wv);
        });
    }
    impl_->trained = true;
    impl_->shape = shape;
    impl_->trainedPaths = nT;
    }  // training
    else {
        // the reused rule meets this problem's exits (a bump of the discount rate moves their value)
        for (std::size_t d = 0; d < H; ++d) rules[d].closeValue = closeValue[d];
    }

    // ---- 3. pricing ----------------------------------------------------------------------------
    const bool fixed = s.fixedPolicy.has_value();  // technology -1: never act
    const int fixedTech = fixed ? s.fixedPolicy->technology : -1;
    const std::size_t fixedDate = fixedTech >= 0 ? static_cast<std::size_t>(periods(s.fixedPolicy->year - pr.startYear)) : H;
    // what runs on a pricing path in each year under the policy (after the decision pass)
    auto planOf = [&](std::size_t p, std::size_t n, const Work& w) {
        PathPlan pl;
        pl.a = w.act[p];
        pl.d = static_cast<std::size_t>(w.actDate[p]);
        pl.J = J;
        if (!pl.isTechnology()) return pl;
        pl.j = static_cast<std::size_t>(pl.a);
        const Technology& t = pr.technologies[pl.j].tech;
        pl.s0 = static_cast<std::size_t>(operationStart(pl.j, pl.d, n, w, p));
        pl.e0 = std::min<std::size_t>(pl.s0 + static_cast<std::size_t>(periods(t.lifetimeYears)), H);
        pl.es0 = std::min<std::size_t>(pl.s0 + static_cast<std::size_t>(periods(t.sde ? t.sde->years : 0)), H);
        const int st = L.stageOf[pl.j];
        if (st >= 0 && w.stageAt[p] < static_cast<int>(H)) {
            pl.js = J + static_cast<std::size_t>(st);
            pl.dS = static_cast<std::size_t>(w.stageAt[p]);
            const Technology& ts = optionAt(pl.js).tech;
            pl.sS = static_cast<std::size_t>(operationStart(pl.js, pl.dS, n, w, p));
            pl.eS = std::min<std::size_t>(pl.sS + static_cast<std::size_t>(periods(ts.lifetimeYears)), H);
            pl.esS = std::min<std::size_t>(pl.sS + static_cast<std::size_t>(periods(ts.sde ? ts.sde->years : 0)), H);
        }
        return pl;
    };
    // the per-year arrays a PricingObserver sees: cash flow, investment and output under the policy
    // (w.plans is filled by the caller, before the emissions)
    auto observeBlock = [&](std::size_t b, std::size_t first, std::size_t n, Work& w, const double* V,
                            const double* B0) {
        double* cf = w.obs.data() + 5 * H * n;
        double* inv = cf + H * n;
        double* out = inv + 2 * H * n;  // emissions (filled by the caller) sit between
        const double q = pr.plant.outputTPerYear / P;  // per period
        const auto life = static_cast<std::size_t>(std::max(periods(pr.plant.remainingLifeYears), 0));
        auto outputOf = [&](std::size_t j) {
            const Technology& t = optionAt(j).tech;
            return q * (t.retrofit ? 1.0 : t.outputScale);
        };
        for (std::size_t p = 0; p < n; ++p) {
            const PathPlan& plan = w.plans[p];
            for (std::size_t k = 0; k < H; ++k) {
                double c = 0, o = 0, i = 0;
                // the parent's subsidy runs its term whatever runs (investment_problem.hpp: stages)
                const double sdeJ = plan.isTechnology() && k >= plan.s0 && k < plan.es0 ? w.sde[(plan.j * H + k) * n + p] : 0.0;
                switch (plan.running(k)) {
                    case Running::Plant:
                        c = w.base[k * n + p];
                        o = k < life ? q : 0.0;
                        break;
                    case Running::Technology:
                        c = w.tech[(plan.j * H + k) * n + p] + sdeJ;
                        o = outputOf(plan.j);
                        break;
                    case Running::Stage:
                        c = w.tech[(plan.js * H + k) * n + p] + (k < plan.esS ? w.sde[(plan.js * H + k) * n + p] : 0.0) + sdeJ;
                        o = outputOf(plan.js);
                        break;
                    default:
                        if (plan.exited() && k == plan.d) c = closeValue[plan.d] / D[plan.d];
                        break;
                }
                if (plan.isTechnology() && k == plan.d) i += netCapex(plan.j, plan.d, n, w, p);
                if (plan.hasStage() && k == plan.dS) i += netCapex(plan.js, plan.dS, n, w, p);
                cf[k * n + p] = c;
                inv[k * n + p] = i;
                out[k * n + p] = o;
            }
        }
        PricingBlock pb;
        pb.block = b, pb.first = first, pb.n = n, pb.years = H, pb.periodsPerYear = Pz, pb.technologies = J;
        pb.action = w.act.data(), pb.actionDate = w.actDate.data(), pb.stageDate = w.stageAt.data();
        pb.optionValue = V, pb.neverInvest = B0, pb.npvNow = w.inv.data();
        const double* o = w.obs.data();
        pb.co2 = o, pb.gas = o + H * n, pb.power = o + 2 * H * n, pb.hydrogen = o + 3 * H * n,
        pb.product = o + 4 * H * n;
        pb.cashFlow = cf, pb.investment = inv, pb.emissions = inv + H * n, pb.output = out;
        observer->onBlock(pb);
    };
    InvestmentResult res;
    res.paths = s.paths;
    res.trainingPaths = nT;
    for (const auto& t : pr.technologies) res.technologyNames.push_back(t.tech.name);
    const std::size_t nP = s.paths;
    const std::size_t nbP = blocksOf(nP);
    const auto priceStream = Stream::Pricing;
    const PathSimulator priceSim(model, grid, s.seed, priceStream, s.antithetic);
    // per block: moments of V, B0, I_j(0), V - B0, V - I_j(0); counts per (action, date); emission sums
    const std::size_t NM = 2 + 2 * J + 1;
    std::vector<Moments> mom(nbP * NM);
    std::vector<double> counts(nbP * (J + 1) * H, 0.0), emisSum(nbP * HY, 0.0);
    std::vector<double> stageCounts(nbP * NS * H, 0.0);
    // the columns the rule of date d uses, on the pricing paths of a block, into w.xa
    auto pricingFeatures = [&](const DateRule& rule, std::size_t d, std::size_t n, Work& w) {
        const std::size_t nc = rule.cont.size(), ni = rule.ind.size();
        features(d, n, w, w.feat.data(), n);
        for (std::size_t i = 0; i < nc; ++i) std::copy_n(w.feat.data() + rule.cont[i] * n, n, w.xa.data() + i * n);
        for (std::size_t i = 0; i < ni; ++i) std::copy_n(w.feat.data() + rule.ind[i] * n, n, w.xa.data() + (nc + i) * n);
    };
    auto estimateP = [&](const DateRule& rule, const Eigen::VectorXd& beta, std::size_t n, Work& w, double* out) {
        const std::size_t nc = rule.cont.size(), ni = rule.ind.size();
        const std::size_t Pb = rule.basis ? rule.basis->size() : 1;
        if (rule.basis) rule.basis->combine(rule.scaling, beta.data(), w.xa.data(), n, n, out, w.phi.data());
        else std::fill_n(out, n, beta(0));
        for (std::size_t i = 0; i < ni; ++i) {
            const double c = beta(static_cast<Eigen::Index>(Pb + i));
            const double* ind = w.xa.data() + (nc + i) * n;
            for (std::size_t p = 0; p < n; ++p) out[p] += c * ind[p];
        }
    };
    // the stage rules backwards on a block: w.R and w.sdate from every date t on
    auto stagePass = [&](std::size_t n, Work& w) {
        for (std::size_t st = 0; st < NS; ++st) {
            double* R = w.R.data() + st * (H + 1) * n;
            int* sd = w.sdate.data() + st * (H + 1) * n;
            std::fill_n(R + H * n, n, 0.0);
            std::fill_n(sd + H * n, n, static_cast<int>(H));
            for (std::size_t t = H; t-- > 0;) {
                const DateRule& rule = rules[t];
                if (rule.stageEx[st].size() == 0) {
                    std::copy_n(R + (t + 1) * n, n, R + t * n);
                    std::copy_n(sd + (t + 1) * n, n, sd + t * n);
                    continue;
                }
                pricingFeatures(rule, t, n, w);
                estimateP(rule, rule.stageEx[st], n, w, w.est.data());
                estimateP(rule, rule.stageCont[st], n, w, w.best.data());
                stageValue(st, t, n, w, w.tmp.data());
                for (std::size_t p = 0; p < n; ++p) {
                    const bool now = w.est[p] > w.best[p];
                    R[t * n + p] = now ? w.tmp[p] : R[(t + 1) * n + p];
                    sd[t * n + p] = now ? static_cast<int>(t) : sd[(t + 1) * n + p];
                }
            }
        }
    };
    std::vector<float> emis(HY * nP), carbon(HY * nP);  // per calendar year and path
    detail::forEachBlock(arena, nP, [&](std::size_t b, std::size_t first, std::size_t n) {
        Work& w = tls.local();
        w.reserve(L, n, maxP, observer != nullptr);
        simulateBlock(priceSim, priceStream, first, n, w, true);
        double* V = w.inv.data() + J * n;  // realised value of the policy
        std::fill_n(V, n, 0.0);
        std::fill_n(w.act.data(), n, -1);
        std::fill_n(w.actDate.data(), n, static_cast<int>(H));
        std::fill_n(w.stageAt.data(), n, static_cast<int>(H));
        stagePass(n, w);
        for (std::size_t d = 0; d < H; ++d) {
            const DateRule& rule = rules[d];
            const double* base = w.base.data() + d * n;
            double* val = w.tmp.data();  // chosen action as a double: -1 wait
            if (fixed) {
                const bool now = d == fixedDate && techAllowed(static_cast<std::size_t>(fixedTech), d);  // fixedDate == H when never
                std::fill_n(val, n, now ? static_cast<double>(fixedTech) : -1.0);
            } else if (!rule.active) {
                for (std::size_t p = 0; p < n; ++p)
                    if (w.act[p] < 0) V[p] += D[d] * base[p];
                continue;
            } else {
            pricingFeatures(rule, d, n, w);
            auto estimate = [&](const Eigen::VectorXd& beta, double* out) { estimateP(rule, beta, n, w, out); };
            double* best = w.best.data();
            if (rule.betaW.size() == 0) std::fill_n(best, n, 0.0);
            else estimate(rule.betaW, best);
            for (std::size_t p = 0; p < n; ++p) best[p] += D[d] * base[p];
            std::fill_n(val, n, -1.0);
            for (std::size_t j = 0; j < J; ++j) {
                if (rule.betaJ[j].size() == 0) continue;
                estimate(rule.betaJ[j], w.est.data());
                for (std::size_t p = 0; p < n; ++p)
                    if (w.est[p] > best[p]) best[p] = w.est[p], val[p] = static_cast<double>(j);
            }
            if (!std::isnan(rule.closeValue))
                for (std::size_t p = 0; p < n; ++p)
                    if (rule.closeValue > best[p]) best[p] = rule.closeValue, val[p] = static_cast<double>(J);
            }
            double* cnt = counts.data() + (b * (J + 1)) * H;
            for (std::size_t p = 0; p < n; ++p) {
                if (w.act[p] >= 0) continue;
                const int a = static_cast<int>(val[p]);
                if (a < 0) {
                    V[p] += D[d] * base[p];
                } else {
                    w.act[p] = a;
                    w.actDate[p] = static_cast<int>(d);
                    cnt[static_cast<std::size_t>(a) * H + d] += 1;
                }
            }
            // realised values of the paths that acted now
            for (std::size_t j = 0; j < J; ++j) {
                bool any = false;
                for (std::size_t p = 0; p < n; ++p) any |= w.act[p] == static_cast<int>(j) && w.actDate[p] == static_cast<int>(d);
                if (!any) continue;
                investValue(j, d, n, w, w.est.data());
                const int st = L.stageOf[j];
                for (std::size_t p = 0; p < n; ++p)
                    if (w.act[p] == static_cast<int>(j) && w.actDate[p] == static_cast<int>(d)) {
                        V[p] += w.est[p];
                        if (st < 0) continue;
                        const auto sA = static_cast<std::size_t>(operationStart(j, d, n, w, p));
                        const std::size_t at = (static_cast<std::size_t>(st) * (H + 1) + sA) * n + p;
                        V[p] += w.R[at];
                        w.stageAt[p] = w.sdate[at];
                        if (w.sdate[at] < static_cast<int>(H))
                            stageCounts[(b * NS + static_cast<std::size_t>(st)) * H + static_cast<std::size_t>(w.sdate[at])] += 1;
                    }
            }
            for (std::size_t p = 0; p < n; ++p)
                if (w.act[p] == static_cast<int>(J) && w.actDate[p] == static_cast<int>(d)) V[p] += rule.closeValue;
        }
        // statistics: V, B0, I_j(0), differences
        double* B0 = w.best.data();
        for (std::size_t p = 0; p < n; ++p) B0[p] = w.pb[H * n + p];
        for (std::size_t j = 0; j < J; ++j) {
            double* Ij = w.inv.data() + j * n;
            investValue(j, 0, n, w, Ij);
            if (const int st = L.stageOf[j]; st >= 0)  // with the stage rule from the first operating year
                for (std::size_t p = 0; p < n; ++p)
                    Ij[p] += w.R[(static_cast<std::size_t>(st) * (H + 1) +
                                  static_cast<std::size_t>(operationStart(j, 0, n, w, p))) * n + p];
        }
        auto acc = [&](std::size_t slot, auto&& f) { mom[b * NM + slot] = pathMoments(0, n, s.antithetic, f); };
        acc(0, [&](std::size_t p) { return V[p]; });
        acc(1, [&](std::size_t p) { return B0[p]; });
        acc(2, [&](std::size_t p) { return V[p] - B0[p]; });
        for (std::size_t j = 0; j < J; ++j) {
            const double* Ij = w.inv.data() + j * n;
            acc(3 + j, [&](std::size_t p) { return Ij[p]; });
            acc(3 + J + j, [&](std::size_t p) { return V[p] - Ij[p]; });
        }
        // emissions under the policy and carbon costs never investing
        for (std::size_t p = 0; p < n; ++p) w.plans[p] = planOf(p, n, w);
        for (std::size_t k = 0; k < H; ++k) {
            double sumE = 0;
            for (std::size_t p = 0; p < n; ++p) {
                const PathPlan& plan = w.plans[p];
                double e = 0;
                switch (plan.running(k)) {
                    case Running::Plant: e = w.ebase[k * n + p]; break;
                    case Running::Technology: e = w.etech[(plan.j * H + k) * n + p]; break;
                    case Running::Stage: e = w.etech[(plan.js * H + k) * n + p]; break;
                    default: break;
                }
                if (observer) w.obs[(7 * H + k) * n + p] = e;
                // summed over the periods of the calendar year
                float& ey = emis[(k / Pz) * nP + first + p];
                float& cy = carbon[(k / Pz) * nP + first + p];
                const bool firstPeriod = k % Pz == 0;
                ey = static_cast<float>(firstPeriod ? e : ey + e);
                cy = static_cast<float>(firstPeriod ? w.cbase[k * n + p] : cy + w.cbase[k * n + p]);
                sumE += e;
            }
            emisSum[b * HY + k / Pz] += sumE;
        }
        if (observer) observeBlock(b, first, n, w, V, B0);
    });
    std::vector<Moments> tot(NM);
    for (std::size_t b = 0; b < nbP; ++b)
        for (std::size_t i = 0; i < NM; ++i) tot[i].merge(mom[b * NM + i]);
    res.optionValue = tot[0].estimate();
    res.neverInvest = tot[1].estimate();
    res.npvNow.resize(J);
    double bestNow = res.neverInvest.value;
    Estimate wait = tot[2].estimate();
    for (std::size_t j = 0; j < J; ++j) {
        res.npvNow[j] = tot[3 + j].estimate();
        if (!techAllowed(j, 0)) res.npvNow[j].value = kNaN;  // not allowed now: reported, not compared
        else if (res.npvNow[j].value > bestNow) bestNow = res.npvNow[j].value, wait = tot[3 + J + j].estimate();
    }
    res.closeNow = {closeValue[0], 0.0};
    if (!std::isnan(closeValue[0]) && closeValue[0] > bestNow) {
        bestNow = closeValue[0];
        wait = {res.optionValue.value - closeValue[0], res.optionValue.stdError};
    }
    res.valueOfWaiting = wait;
    const double np = static_cast<double>(nP);
    // timing per calendar year: the counts of its periods, summed in period order
    res.years.resize(HY);
    for (std::size_t y = 0; y < HY; ++y) res.years[y] = pr.startYear + static_cast<int>(y);
    res.timing.assign(J, std::vector<double>(HY, 0.0));
    res.closeProbability.assign(HY, 0.0);
    auto countAt = [&](const std::vector<double>& cnt, std::size_t stride, std::size_t slot, std::size_t d) {
        double c = 0;
        for (std::size_t b = 0; b < nbP; ++b) c += cnt[(b * stride + slot) * H + d];
        return c;
    };
    auto perYear = [&](const std::vector<double>& cnt, std::size_t stride, std::size_t slot, std::vector<double>& out) {
        double total = 0;
        for (std::size_t y = 0; y < HY; ++y) {
            double c = 0;
            for (std::size_t d = y * Pz; d < (y + 1) * Pz; ++d) c += countAt(cnt, stride, slot, d);
            out[y] = c / np;
            total += c;
        }
        return total;
    };
    double invested = 0;
    for (std::size_t a = 0; a < J; ++a) invested += perYear(counts, J + 1, a, res.timing[a]);
    perYear(counts, J + 1, J, res.closeProbability);
    res.neverProbability = 1.0 - invested / np;
    for (const auto& so : pr.stages) res.stageNames.push_back(so.option.tech.name);
    res.stageTiming.assign(NS, std::vector<double>(HY, 0.0));
    for (std::size_t st = 0; st < NS; ++st) perYear(stageCounts, NS, st, res.stageTiming[st]);
    // decision at t = 0: the action the rule takes on most pricing paths at the first date
    {
        double bestShare = 0;
        for (std::size_t j = 0; j < J; ++j) {
            const double share = countAt(counts, J + 1, j, 0) / np;
            if (share > 0.5 && share > bestShare)
                bestShare = share, res.decision = Decision::InvestNow, res.technology = static_cast<int>(j);
        }
        if (countAt(counts, J + 1, J, 0) / np > 0.5) res.decision = Decision::Close, res.technology = -1;
    }
    res.emissionsMean.resize(HY), res.emissionsP5.resize(HY), res.emissionsP95.resize(HY);
    res.carbonCostNever.resize(HY);
    auto quantile = [&](std::vector<float>& v, std::size_t off, double q) {
        const auto beginIt = v.begin() + static_cast<std::ptrdiff_t>(off);
        const auto k = static_cast<std::size_t>(std::floor(q * static_cast<double>(nP - 1)));
        std::nth_element(beginIt, beginIt + static_cast<std::ptrdiff_t>(k), beginIt + static_cast<std::ptrdiff_t>(nP));
        return static_cast<double>(*(beginIt + static_cast<std::ptrdiff_t>(k)));
    };
    for (std::size_t k = 0; k < HY; ++k) {
        double e = 0;
        for (std::size_t b = 0; b < nbP; ++b) e += emisSum[b * HY + k];
        res.emissionsMean[k] = e / np;
        res.emissionsP5[k] = quantile(emis, k * nP, 0.05);
        res.emissionsP95[k] = quantile(emis, k * nP, 0.95);
        res.carbonCostNever[k] = {quantile(carbon, k * nP, 0.05), quantile(carbon, k * nP, 0.5),
                                  quantile(carbon, k * nP, 0.95)};
    }

    // ---- 4. trigger: the CO2 price above which the rule invests, other features at their means --
    // (per calendar year: the trigger at its first decision date)
    res.trigger.assign(HY, kNaN);
    res.triggerByTechnology.assign(J, std::vector<double>(HY, kNaN));
    if (co2Feature && J > 0) {
        Work& w = tls.local();
        constexpr std::size_t G = 257;
        w.reserve(L, G, maxP);
        std::vector<double> x(std::max<std::size_t>(F, 1) * G), est(J * G, kNegInf), best(G), inv(G),
            phi((maxP + 1) * G);
        for (std::size_t d = 0; d < H; ++d) {
            if (d % Pz != 0) continue;  // one trigger per calendar year: its first date
            const DateRule& rule = rules[d];
            if (!rule.active || rule.cont.empty() || rule.cont[0] != 0) continue;
            const std::size_t nc = rule.cont.size(), ni = rule.ind.size();
            const std::size_t Pb = rule.basis->size();
            // continuous features at their means, infrastructure indicators at 1 (arrived)
            for (std::size_t i = 0; i < nc + ni; ++i)
                std::fill_n(x.data() + i * G, G, i < nc ? rule.featMean[rule.cont[i]] : 1.0);
            for (std::size_t g = 0; g < G; ++g)
                x[g] = rule.co2Lo + (rule.co2Hi - rule.co2Lo) * static_cast<double>(g) / static_cast<double>(G - 1);
            auto estimate = [&](const Eigen::VectorXd& beta, double* out) {
                rule.basis->combine(rule.scaling, beta.data(), x.data(), G, G, out, phi.data());
                for (std::size_t i = 0; i < ni; ++i)
                    for (std::size_t g = 0; g < G; ++g)
                        out[g] += beta(static_cast<Eigen::Index>(Pb + i)) * x[(nc + i) * G + g];
            };
            // D_d base[d] is known on a path but not a feature: its least-squares line in the CO2
            // price over the training paths (the cash flow is linear in the EUA price at fixed
            // other prices, up to the levy's kink)
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (std::size_t p = 0; p < nT; ++p) {
                const double xc = X[d * F * nT + p], yc = Bd[d * nT + p];
                sx += xc, sy += yc, sxx += xc * xc, sxy += xc * yc;
            }
            const double nn = static_cast<double>(nT);
            const double varx = sxx / nn - (sx / nn) * (sx / nn);
            const double slope = varx > 0 ? (sxy / nn - (sx / nn) * (sy / nn)) / varx : 0.0;
            const double icpt = sy / nn - slope * sx / nn;
            if (rule.betaW.size() == 0) std::fill_n(best.data(), G, 0.0);
            else estimate(rule.betaW, best.data());
            for (std::size_t g = 0; g < G; ++g) {
                best[g] += icpt + slope * x[g];
                if (!std::isnan(rule.closeValue)) best[g] = std::max(best[g], rule.closeValue);
                inv[g] = kNegInf;
            }
            for (std::size_t j = 0; j < J; ++j) {
                double* ej = est.data() + j * G;
                if (rule.betaJ[j].size() == 0) {
                    std::fill_n(ej, G, kNegInf);
                    continue;
                }
                estimate(rule.betaJ[j], ej);
                for (std::size_t g = 0; g < G; ++g) inv[g] = std::max(inv[g], ej[g]);
            }
            // the first switch from not investing to investing, scanning up the CO2 grid; none if
            // the rule invests everywhere or nowhere in the range
            auto firstSwitch = [&](auto&& invests) {
                for (std::size_t g = 1; g < G; ++g)
                    if (invests(g) && !invests(g - 1)) return 0.5 * (x[g - 1] + x[g]);
                return kNaN;
            };
            res.trigger[d / Pz] = firstSwitch([&](std::size_t g) { return inv[g] > best[g]; });
            for (std::size_t j = 0; j < J; ++j) {  // j beats waiting, closing and the other technologies
                const double* ej = est.data() + j * G;
                res.triggerByTechnology[j][d / Pz] =
                    firstSwitch([&](std::size_t g) { return ej[g] > best[g] && ej[g] >= inv[g]; });
            }
        }
    }
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return res;
}

}  // namespace kp
