// kp::LsmEngine (lsm.hpp): training (section 1 simulation, section 2 backward induction), pricing
// (section 3), the exercise boundary (section 4) and the Andersen-Broadie upper bound (section 5).
#include "kp/engine/lsm.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "detail/regression.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/huge_pages.hpp"
#include "kp/core/moments.hpp"
#include "kp/core/state_block.hpp"
#include "kp/engine/path_simulator.hpp"

namespace kp {

namespace {

using detail::blocksOf;
using detail::kBlock;
using detail::sum;

/// In-the-money count and sums of one feature (the basis scaling only needs them roughly).
struct Sums {
    double count = 0, sum = 0, sumSq = 0;
    void merge(const Sums& b) {
        count += b.count;
        sum += b.sum;
        sumSq += b.sumSq;
    }
};

/// Range of one feature over all paths (the boundary's search range).
struct Spread {
    double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
    void merge(const Spread& b) {
        lo = std::min(lo, b.lo);
        hi = std::max(hi, b.hi);
    }
};

/// Bins of the histogram a one-feature rule keeps for reading its boundary, and the training paths
/// it counts.
constexpr std::size_t kBoundaryBins = 512, kBoundarySample = 8192;

/// The exercise rule: exercise where the exercise value h is positive and at least the continuation
/// value c (as 0/1 masks in the loops that use it, so that they vectorise).
inline bool exerciseNow(double h, double c) { return (h > 0) & (h >= c); }

/// In-the-money count, sum and sum of squares of one feature over a block, in one pass: each is
/// summed as detail::sum and detail::dot sum (eight lanes over the paths, the remainder into lane 0,
/// the lanes added in a fixed tree), so the result is the same bit for bit as
/// {sum(w), sum(w x), dot(w x, x)} with w = 1 in the money, 0 otherwise.
Sums itmSums(const double* h, const double* x, std::size_t n) {
    double c[8] = {0, 0, 0, 0, 0, 0, 0, 0}, s1[8] = {0, 0, 0, 0, 0, 0, 0, 0}, s2[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8)
        for (std::size_t l = 0; l < 8; ++l) {
            const double w = h[p + l] > 0 ? 1.0 : 0.0, xw = w * x[p + l];
            c[l] += w;
            s1[l] += xw;
            s2[l] += xw * x[p + l];
        }
    for (; p < n; ++p) {
        const double w = h[p] > 0 ? 1.0 : 0.0, xw = w * x[p];
        c[0] += w;
        s1[0] += xw;
        s2[0] += xw * x[p];
    }
    return {detail::addLanes(c), detail::addLanes(s1), detail::addLanes(s2)};
}

/// The spread of one feature over a block.
Spread spreadOf(const double* x, std::size_t n) {
    Spread s;
    for (std::size_t p = 0; p < n; ++p) s.lo = std::min(s.lo, x[p]), s.hi = std::max(s.hi, x[p]);
    return s;
}

struct Scratch {
    SimScratch sim;
    std::vector<double> state, h, feat, phi, cont, pv, alive, exer;  // masks are 0.0 / 1.0 (vectorise)
    void reserve(std::size_t vars, std::size_t features, std::size_t basis, std::size_t n) {
        if (state.size() < vars * n) state.resize(vars * n);
        if (h.size() < n) h.resize(n), cont.resize(n), pv.resize(n), alive.resize(n), exer.resize(n);
        if (feat.size() < features * n) feat.resize(features * n);
        if (phi.size() < (basis + 1) * n) phi.resize((basis + 1) * n);
    }
};

/// What every pass of one call reads: the dates, the discount factors and the sizes.
struct Setup {
    std::size_t N = 0, vars = 0, F = 0, P = 0;  // dates, state variables, features, basis functions
    std::vector<double> grid, disc;             // simulation times (0 and the dates), discount per date
};

Setup setupOf(const Model& model, const ExerciseInstrument& inst, const LsmSettings& s) {
    KP_REQUIRE(s.paths >= 2, "LSM: paths is ", s.paths, ", but must be at least 2");
    KP_REQUIRE(!s.antithetic || s.qmc || s.paths % 2 == 0, "LSM: paths is ", s.paths,
               ", but must be even with antithetic sampling");
    KP_REQUIRE(s.seed != 0, "LSM: seed is 0, but must be non-zero (seeds are explicit)");
    KP_REQUIRE(!s.qmc || (s.qmcReplications >= 2 && s.paths >= s.qmcReplications),
               "LSM: QMC replications is ", s.qmcReplications, ", but must be at least 2 and at most paths");
    KP_REQUIRE(!s.qmc || s.paths % s.qmcReplications == 0, "LSM: paths is ", s.paths,
               ", but must be a multiple of the ", s.qmcReplications, " QMC replications");
    KP_REQUIRE(!s.upperBound || (s.upperOuterPaths >= 2 && s.upperInnerPaths >= 1),
               "LSM: upper-bound outer paths is ", s.upperOuterPaths, " and inner paths ",
               s.upperInnerPaths, ", but must be at least 2 and 1");
    Setup u;
    const std::vector<double>& ex = inst.exerciseTimes();
    u.N = ex.size();
    KP_REQUIRE(u.N >= 1, "LSM: the instrument has no exercise dates");
    KP_REQUIRE(!s.upperBound || u.N < (1u << 15), "LSM: the instrument has ", u.N,
               " exercise dates, but must have fewer than 32768 for the upper bound (the step counters of its "
               "inner simulations, kp::CounterLayout)");
    u.grid.assign(u.N + 1, 0.0);
    for (std::size_t k = 0; k < u.N; ++k) u.grid[k + 1] = ex[k];  // not std::copy: GCC 12 -Warray-bounds false positive
    u.disc.resize(u.N);
    for (std::size_t k = 0; k < u.N; ++k) u.disc[k] = inst.discount(ex[k]);
    u.vars = model.stateSize();
    u.F = inst.featureCount();
    u.P = Basis(s.basis, s.degree, u.F, s.knots).size();
    return u;
}

/// A trained rule applied to blocks of paths.
struct Applier {
    const ExerciseInstrument& inst;
    const DecisionRule& rule;
    std::size_t N;

    /// The features of a block at date k (0-based), state of stride n: read in place where they
    /// are state variables, else copied into sc.feat (feature f at [f * n + p]).
    const double* featuresAt(std::size_t k, const double* state, std::size_t n, Scratch& sc) const {
        const double* fx = inst.featuresInState(k, state, n);
        if (fx) return fx;
        inst.features(k, state, n, n, sc.feat.data(), n);
        return sc.feat.data();
    }
    /// Exercise values in sc.h, continuation values in sc.cont (0 where the rule is "exercise
    /// whenever in the money": the last date and the dates with too few in-the-money paths to
    /// regress). Exercise where h > 0 and h >= cont.
    void decide(std::size_t k, const double* state, std::size_t n, Scratch& sc) const {
        inst.exerciseValue(k, state, n, n, sc.h.data());
        const DateRule& r = rule.dates[k];
        if (k + 1 < N && !r.fallback) {
            r.design.combine(r.beta[0], featuresAt(k, state, n, sc), n, n, sc.cont.data(), sc.phi.data());
        } else {
            std::fill_n(sc.cont.data(), n, 0.0);
        }
    }
    /// ... and the decision itself: sc.exer[p] = 1 or 0
    void exercises(std::size_t k, const double* state, std::size_t n, Scratch& sc) const {
        decide(k, state, n, sc);
        const double* h = sc.h.data();
        const double* c = sc.cont.data();
        double* e = sc.exer.data();
        for (std::size_t p = 0; p < n; ++p) e[p] = exerciseNow(h[p], c[p]) ? 1.0 : 0.0;
    }
};

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

struct LsmEngine::Impl {
    StateBlock train;
    HugeVector<double> value, h, feat;  // training: realised discounted value, exercise value, features
    tbb::enumerable_thread_specific<Scratch> tls;
    detail::RegressionWorkspace regression;

    void simulateTraining(const Model& model, const ExerciseInstrument& inst, const LsmSettings& s,
                          const Setup& u, tbb::task_arena& arena, std::vector<Sums>& itm,
                          std::vector<Spread>& spread);
    DecisionRule backward(const ExerciseInstrument& inst, const LsmSettings& s, const Setup& u,
                          tbb::task_arena& arena, const std::vector<Sums>& itm, const std::vector<Spread>& spread);
    void pricePaths(const Model& model, const Applier& a, const LsmSettings& s, const Setup& u,
                    tbb::task_arena& arena, LsmResult& res);
    void locateBoundary(const Applier& a, const Setup& u, LsmResult& res);
    void upperBound(const Model& model, const Applier& a, const LsmSettings& s, const Setup& u,
                    tbb::task_arena& arena, LsmResult& res);
};

LsmEngine::LsmEngine() : impl_(std::make_unique<Impl>()) {}
LsmEngine::~LsmEngine() = default;

// ---- 1. training paths, stored date-major ----------------------------------------------------
// In-the-money count and feature sums per block and date (for the scaling of the basis), and each
// feature's spread (for the boundary's search range): they depend on the paths only, so they are
// taken while the block's state is still in cache.
void LsmEngine::Impl::simulateTraining(const Model& model, const ExerciseInstrument& inst, const LsmSettings& s,
                                       const Setup& u, tbb::task_arena& arena, std::vector<Sums>& itm,
                                       std::vector<Spread>& spread) {
    const std::size_t nT = trainingPathsOf(s), N = u.N, F = u.F, vars = u.vars, P = u.P;
    train.resize(N, vars, nT);
    if (value.size() < nT) value.resize(nT), h.resize(nT);
    if (feat.size() < F * nT) feat.resize(F * nT);
    const PathSimulator sim(model, u.grid, s.seed, Stream::Training, s.antithetic);
    const std::size_t nbT = blocksOf(nT);
    itm.assign(nbT * N * F, Sums{});
    spread.assign(F == 1 ? nbT * N : 0, Spread{});
    const DecisionRule none;
    const Applier a{inst, none, N};
    detail::forEachBlock(arena, nT, [&](std::size_t b, std::size_t first, std::size_t n) {
        Scratch& sc = tls.local();
        sc.reserve(vars, F, P, n);
        sim.beginBlock(first, n, sc.sim);
        model.initialState(sc.state.data(), n, n);
        for (std::size_t k = 1; k <= N; ++k) {
            sim.step(k, first, n, sc.state.data(), n, sc.sim);
            for (std::size_t v = 0; v < vars; ++v) std::copy_n(sc.state.data() + v * n, n, train.column(k - 1, v) + first);
            const double* st = sc.state.data();
            const double* fx = a.featuresAt(k - 1, st, n, sc);
            if (F == 1) spread[b * N + k - 1] = spreadOf(fx, n);
            if (k == N) continue;  // no regression at the last date
            double* hv = sc.h.data();
            inst.exerciseValue(k - 1, st, n, n, hv);
            for (std::size_t f = 0; f < F; ++f) itm[(b * N + k - 1) * F + f] = itmSums(hv, fx + f * n, n);
        }
    });
}

// ---- 2. backward induction: regress, decide, update realised values -------------------------
// One pass over the paths per date sets up date k (exercise values, features, discounting of the
// realised values) after applying date k + 1's trained rule to them; then the fit.
DecisionRule LsmEngine::Impl::backward(const ExerciseInstrument& inst, const LsmSettings& s, const Setup& u,
                                       tbb::task_arena& arena, const std::vector<Sums>& itm,
                                       const std::vector<Spread>& spread) {
    const std::size_t nT = trainingPathsOf(s), N = u.N, F = u.F, vars = u.vars, P = u.P, nbT = blocksOf(nT);
    DecisionRule rule;
    rule.dates.resize(N);
    rule.trainingPaths = nT;
    const std::size_t householder0 = regression.householderFits, rankDeficient0 = regression.rankDeficientFits;
    std::vector<Eigen::MatrixXd> blockGrams(nbT);
    for (std::size_t kk = N; kk-- > 0;) {
        const bool last = kk == N - 1;
        const double growth = last ? 1.0 : u.disc[kk + 1] / u.disc[kk];
        const DateRule* later = kk + 1 < N - 1 && !rule.dates[kk + 1].fallback ? &rule.dates[kk + 1] : nullptr;
        DateRule& dr = rule.dates[kk];
        DateDesign& dg = dr.design;
        dg.basis.emplace(s.basis, s.degree, F, s.knots);
        for (std::size_t f = 0; f < F; ++f) dg.continuous.push_back(f);
        // a one-feature rule's range on the training paths (its histogram follows, after the pass
        // that sets the date's features up)
        if (F == 1)
            for (std::size_t b = 0; b < nbT; ++b) {
                const Spread& sp = spread[b * N + kk];
                dg.lo = b == 0 ? sp.lo : std::min(dg.lo, sp.lo);
                dg.hi = b == 0 ? sp.hi : std::max(dg.hi, sp.hi);
            }
        // the basis scaling from the in-the-money moments (known since the simulation)
        bool fit = !last;
        if (fit) {
            std::vector<Sums> stats(F);
            for (std::size_t b = 0; b < nbT; ++b)
                for (std::size_t f = 0; f < F; ++f) stats[f].merge(itm[(b * N + kk) * F + f]);
            std::vector<double> mean(F), sd(F);
            for (std::size_t f = 0; f < F; ++f) {
                const double c = std::max(stats[f].count, 1.0);
                mean[f] = stats[f].sum / c;
                sd[f] = std::sqrt(std::max(stats[f].sumSq / c - mean[f] * mean[f], 0.0));
            }
            if (stats[0].count < static_cast<double>(2 * P)) {
                dr.fallback = true;
                ++rule.fallbackDates;
                fit = false;
            } else {
                dg.scaling = dg.basis->scaling(mean, sd);
            }
        }
        const detail::DesignFn design = [&](const double* x, std::size_t fstride, std::size_t n, double* out) {
            dg.evaluate(x, fstride, n, out);
        };
        // one pass: date kk + 1's rule applied, date kk set up, and the first Gram matrix of its fit
        detail::forEachBlock(arena, nT, [&](std::size_t b, std::size_t first, std::size_t n) {
            Scratch& sc = tls.local();
            sc.reserve(vars, F, P, n);
            if (later) {  // date kk + 1: exercise where the rule says so
                later->design.combine(later->beta[0], feat.data() + first, nT, n, sc.cont.data(), sc.phi.data());
                // branch-free and through local pointers, so that it vectorises
                double* __restrict v = value.data() + first;
                const double* __restrict hv = h.data() + first;
                const double* __restrict c = sc.cont.data();
                for (std::size_t p = 0; p < n; ++p) v[p] = exerciseNow(hv[p], c[p]) ? hv[p] : v[p];
            }
            const double* st = train.column(kk, 0) + first;  // stride nT
            inst.exerciseValue(kk, st, nT, n, h.data() + first);
            inst.features(kk, st, nT, n, feat.data() + first, nT);
            if (last) {
                std::copy_n(h.data() + first, n, value.data() + first);
            } else {
                double* __restrict v = value.data() + first;
                for (std::size_t p = 0; p < n; ++p) v[p] *= growth;
            }
            if (fit)
                blockGrams[b] = detail::blockGram(P, design, feat.data() + first, nT, value.data() + first,
                                                  h.data() + first, n, sc.phi);
        });
        if (F == 1 && dg.hi > dg.lo) {  // the histogram of the feature: where the paths are
            dg.mass.assign(kBoundaryBins, 0.0f);
            const double scale = static_cast<double>(kBoundaryBins) / (dg.hi - dg.lo);
            for (std::size_t p = 0; p < std::min(nT, kBoundarySample); ++p) {
                const auto g = static_cast<std::size_t>((feat[p] - dg.lo) * scale);
                dg.mass[std::min(g, kBoundaryBins - 1)] += 1.0f;
            }
        }
        if (!fit) continue;  // at the final date the rule is: exercise when in the money
        const Eigen::MatrixXd gram = detail::sumInOrder(blockGrams, P + 1);
        // R factor of A = [phi | value] over the in-the-money paths by CholeskyQR2 (Fukaya et
        // al. 2014; Yamamoto et al. 2015): R1 = chol(A'A), then R2 = chol(Q1'Q1) with Q1 = A R1^-1,
        // R = R2 R1. Its accuracy matches Householder QR while cond(A) < ~1e7, which the
        // standardised basis keeps far from; the per-block Gram matrices are summed in block order
        // (deterministic) and vectorise across paths. Should either Cholesky fail, the tall-skinny
        // Householder QR takes over (engine/src/detail/regression.cpp).
        dr.beta = {detail::fitLeastSquares(P, design, feat.data(), nT, nT, value.data(), h.data(), arena, regression,
                                           &gram)};
    }
    rule.householderFits = regression.householderFits - householder0;
    rule.rankDeficientFits = regression.rankDeficientFits - rankDeficient0;
    return rule;
}

// ---- 3. pricing: fresh paths, forward, streaming ------------------------------------------------
void LsmEngine::Impl::pricePaths(const Model& model, const Applier& a, const LsmSettings& s, const Setup& u,
                                 tbb::task_arena& arena, LsmResult& res) {
    const std::size_t N = u.N, vars = u.vars, F = u.F, P = u.P;
    const std::size_t reps = s.qmc ? s.qmcReplications : 1;
    const std::size_t perRep = s.qmc ? s.paths / reps : s.paths;
    const bool anti = s.antithetic && !s.qmc;
    const std::size_t nbP = blocksOf(perRep);
    std::vector<Moments> blockMoments(nbP * reps);
    std::vector<std::uint32_t> blockCounts(nbP * reps * N, 0);
    std::vector<PathSimulator> priceSims;
    for (std::size_t r = 0; r < reps; ++r) {
        priceSims.emplace_back(model, u.grid, s.seed, Stream::Pricing, anti);
        if (s.qmc) priceSims.back().useSobol(s.seed, static_cast<std::uint32_t>(r));
    }
    detail::forEachIndex(arena, nbP * reps, [&](std::size_t ib) {
        Scratch& sc = tls.local();
        const std::size_t rep = ib / nbP, b = ib % nbP;
        const PathSimulator& sim = priceSims[rep];
        const std::size_t first = b * kBlock, n = std::min(kBlock, perRep - first);
        sc.reserve(vars, F, P, n);
        sim.beginBlock(first, n, sc.sim);
        model.initialState(sc.state.data(), n, n);
        double* alive = sc.alive.data();
        double* pv = sc.pv.data();
        std::fill_n(alive, n, 1.0);
        std::fill_n(pv, n, 0.0);
        double left = static_cast<double>(n);
        std::uint32_t* counts = blockCounts.data() + ib * N;
        for (std::size_t k = 1; k <= N && left > 0; ++k) {
            sim.step(k, first, n, sc.state.data(), n, sc.sim);
            a.decide(k - 1, sc.state.data(), n, sc);  // its decision fused with the bookkeeping
            const double d = u.disc[k - 1];
            const double* __restrict hv = sc.h.data();
            const double* __restrict c = sc.cont.data();
            double* __restrict al = alive;
            double* __restrict val = pv;
            double* __restrict go = sc.exer.data();  // scratch: paths exercising now
            for (std::size_t p = 0; p < n; ++p) {
                go[p] = al[p] * (exerciseNow(hv[p], c[p]) ? 1.0 : 0.0);
                val[p] += go[p] * (d * hv[p]);
                al[p] -= go[p];
            }
            const double now = sum(go, n);
            counts[k - 1] += static_cast<std::uint32_t>(now);
            left -= now;
        }
        blockMoments[ib] = pathMoments(0, n, anti, [&](std::size_t p) { return pv[p]; });
    });
    std::vector<double> counts(N, 0.0);
    for (std::size_t ib = 0; ib < nbP * reps; ++ib)
        for (std::size_t k = 0; k < N; ++k) counts[k] += blockCounts[ib * N + k];
    res.exerciseProbability.resize(N);
    for (std::size_t k = 0; k < N; ++k) res.exerciseProbability[k] = counts[k] / static_cast<double>(perRep * reps);
    if (s.qmc) {
        Moments across;
        for (std::size_t r = 0; r < reps; ++r) {
            Moments m;
            for (std::size_t b = 0; b < nbP; ++b) m.merge(blockMoments[r * nbP + b]);
            across.add(m.mean);
        }
        res.value = across.mean;
        res.stdError = std::sqrt(across.variance() / across.n);
    } else {
        const Moments all = mergeInOrder(blockMoments);
        res.value = all.mean;
        res.stdError = std::sqrt(all.variance() / all.n);
    }
    res.ci95Low = res.value - 1.959963984540054 * res.stdError;
    res.ci95High = res.value + 1.959963984540054 * res.stdError;
}

// ---- 4. exercise boundary, when the state and the feature are one price --------------------------
// Read off the rule itself: its decisions at the centres of the bins of the date's histogram of the
// training paths (DateDesign::mass), the threshold that best separates exercise from continuation
// weighted by the paths in each bin (either side may be the exercise side), then bisection on the
// rule between the two bin centres around it. Reported only when one threshold explains at least
// 99% of the paths' decisions (otherwise the region is not one interval: NaN). Cost: one vector
// decision over the bins and 60 one-path decisions per date.
void LsmEngine::Impl::locateBoundary(const Applier& a, const Setup& u, LsmResult& res) {
    res.boundary.assign(u.N, std::numeric_limits<double>::quiet_NaN());
    if (u.vars != 1 || u.F != 1) return;
    Scratch& sc = tls.local();
    const std::size_t G = kBoundaryBins;
    sc.reserve(u.vars, u.F, u.P, G);
    std::vector<double> x(G), ex(G);
    auto exAt = [&](std::size_t k, double v) {
        a.exercises(k, &v, 1, sc);
        return sc.exer[0] != 0.0;
    };
    for (std::size_t k = 0; k < u.N; ++k) {
        const DateDesign& dg = a.rule.dates[k].design;
        if (dg.mass.size() != G) continue;
        for (std::size_t g = 0; g < G; ++g)
            x[g] = dg.lo + (dg.hi - dg.lo) * (static_cast<double>(g) + 0.5) / static_cast<double>(G);
        a.exercises(k, x.data(), G, sc);
        std::copy_n(sc.exer.data(), G, ex.data());
        // errors(i) if exercise is below the cut after bin i: continuing mass among the first i bins
        // plus exercising mass among the rest; the mirror for exercise above the cut
        double total = 0, exTotal = 0;
        for (std::size_t g = 0; g < G; ++g) total += dg.mass[g], exTotal += dg.mass[g] * ex[g];
        double contBelow = 0, exBelow = 0;
        double bestErr = std::min(exTotal, total - exTotal);
        std::size_t bestCut = 0;
        bool bestBelow = true;
        for (std::size_t i = 1; i < G; ++i) {
            (ex[i - 1] != 0 ? exBelow : contBelow) += dg.mass[i - 1];
            const double errBelow = contBelow + (exTotal - exBelow);
            const double errAbove = exBelow + ((total - exTotal) - contBelow);
            if (errBelow < bestErr) bestErr = errBelow, bestCut = i, bestBelow = true;
            if (errAbove < bestErr) bestErr = errAbove, bestCut = i, bestBelow = false;
        }
        if (bestCut == 0 || bestErr > 0.01 * total) continue;
        double inside = x[bestBelow ? bestCut - 1 : bestCut];
        double outside = x[bestBelow ? bestCut : bestCut - 1];
        if (exAt(k, inside) && !exAt(k, outside))
            for (int it = 0; it < 60; ++it) {
                const double mid = 0.5 * (inside + outside);
                (exAt(k, mid) ? inside : outside) = mid;
            }
        res.boundary[k] = 0.5 * (inside + outside);
    }
}

// ---- 5. Andersen-Broadie upper bound ----------------------------------------------------------------
void LsmEngine::Impl::upperBound(const Model& model, const Applier& a, const LsmSettings& s, const Setup& u,
                                 tbb::task_arena& arena, LsmResult& res) {
    const std::size_t N = u.N, vars = u.vars, F = u.F, P = u.P;
    const std::size_t M = s.upperOuterPaths, I = s.upperInnerPaths;
    const std::size_t I4 = (I + 3) / 4 * 4;
    const PathSimulator outerSim(model, u.grid, s.seed, Stream::UpperBoundOuter, false);
    std::vector<double> gap(M);
    detail::forEachIndex(arena, M, [&](std::size_t o) {
        Scratch& sc = tls.local();
        Scratch inner;  // inner paths of one outer path and date
        std::vector<double> path(N * vars), hk(N);
        std::vector<double> exk(N);
        sc.reserve(vars, F, P, 1);
        outerSim.beginBlock(4 * o, 1, sc.sim);
        model.initialState(sc.state.data(), 1, 1);
        for (std::size_t k = 1; k <= N; ++k) {
            outerSim.step(k, 4 * o, 1, sc.state.data(), 1, sc.sim);
            std::copy_n(sc.state.data(), vars, path.data() + (k - 1) * vars);
            a.exercises(k - 1, sc.state.data(), 1, sc);
            exk[k - 1] = sc.exer[0];
            hk[k - 1] = u.disc[k - 1] * sc.h[0];
        }
        // M'_1 = L_1, M'_{k+1} = M'_k + L_{k+1} - C_k; gap = max_k (h_k - M'_k)
        double mart = 0, best = -std::numeric_limits<double>::infinity();
        double cPrev = 0;
        for (std::size_t k = 0; k < N; ++k) {
            double c = 0;  // C_k = E_k[discounted payoff of the policy from k+1 on]
            if (k + 1 < N) {
                const std::vector<double> sub(u.grid.begin() + static_cast<std::ptrdiff_t>(k + 1), u.grid.end());
                const PathSimulator innerSim(model, sub, s.seed, Stream::UpperBoundInner, false,
                                             static_cast<std::uint32_t>((k + 1) << 16));
                inner.reserve(vars, F, P, I);
                const std::uint64_t firstPath = o * I4;
                innerSim.beginBlock(firstPath, I, inner.sim);
                for (std::size_t v = 0; v < vars; ++v) std::fill_n(inner.state.data() + v * I, I, path[k * vars + v]);
                std::fill_n(inner.alive.begin(), I, 1.0);
                double total = 0;
                std::size_t alive = I;
                for (std::size_t j = k + 1; j < N && alive > 0; ++j) {
                    innerSim.step(j - k, firstPath, I, inner.state.data(), I, inner.sim);
                    a.exercises(j, inner.state.data(), I, inner);
                    double now = 0, paid = 0;
                    for (std::size_t p = 0; p < I; ++p) {
                        const double go = inner.alive[p] * inner.exer[p];
                        paid += go * inner.h[p];
                        inner.alive[p] -= go;
                        now += go;
                    }
                    total += u.disc[j] * paid;
                    alive -= static_cast<std::size_t>(now);
                }
                c = total / static_cast<double>(I);
            }
            const double L = (k + 1 == N || exk[k] != 0.0) ? hk[k] : c;
            mart = k == 0 ? L : mart + L - cPrev;
            best = std::max(best, hk[k] - mart);
            cPrev = c;
        }
        gap[o] = best;
    });
    Moments g;
    for (double x : gap) g.add(x);
    Estimate ub;
    ub.value = res.value + g.mean;
    ub.stdError = std::sqrt(res.stdError * res.stdError + g.variance() / g.n);
    res.upperBound = ub;
}

DecisionRule LsmEngine::train(const Model& model, const ExerciseInstrument& inst, const LsmSettings& s) {
    const Setup u = setupOf(model, inst, s);
    tbb::task_arena arena(detail::threadCount(s.threads));
    std::vector<Sums> itm;
    std::vector<Spread> spread;
    impl_->simulateTraining(model, inst, s, u, arena, itm, spread);
    return impl_->backward(inst, s, u, arena, itm, spread);
}

LsmResult LsmEngine::price(const Model& model, const ExerciseInstrument& inst, const DecisionRule& rule,
                           const LsmSettings& s) {
    const auto start = std::chrono::steady_clock::now();
    const Setup u = setupOf(model, inst, s);
    KP_REQUIRE(rule.dates.size() == u.N, "LSM: the rule has ", rule.dates.size(),
               " dates, but must have one per exercise date of the instrument (", u.N, ")");
    for (std::size_t k = 0; k + 1 < u.N; ++k)
        KP_REQUIRE(rule.dates[k].fallback || (rule.dates[k].beta.size() == 1 &&
                                              static_cast<std::size_t>(rule.dates[k].beta[0].size()) ==
                                                  rule.dates[k].design.columns() &&
                                              rule.dates[k].design.continuous.size() == u.F),
                   "LSM: the rule's date ", k, " has no continuation fit for ", u.F,
                   " features, but must have one (a rule trained on another instrument?)");
    tbb::task_arena arena(detail::threadCount(s.threads));
    const Applier a{inst, rule, u.N};
    LsmResult res;
    res.exerciseTimes = inst.exerciseTimes();
    res.paths = s.paths;
    res.trainingPaths = rule.trainingPaths;
    res.fallbackDates = rule.fallbackDates;
    res.householderFits = rule.householderFits;
    res.rankDeficientFits = rule.rankDeficientFits;
    impl_->pricePaths(model, a, s, u, arena, res);
    if (s.boundary) impl_->locateBoundary(a, u, res);
    else res.boundary.assign(u.N, std::numeric_limits<double>::quiet_NaN());
    if (s.upperBound) impl_->upperBound(model, a, s, u, arena, res);
    res.seconds = secondsSince(start);
    return res;
}

LsmResult LsmEngine::price(const Model& model, const ExerciseInstrument& inst, const LsmSettings& s) {
    const auto start = std::chrono::steady_clock::now();
    const DecisionRule rule = train(model, inst, s);
    LsmResult res = price(model, inst, rule, s);
    res.seconds = secondsSince(start);
    return res;
}

}  // namespace kp
