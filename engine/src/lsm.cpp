#include "kp/engine/lsm.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "kp/core/errors.hpp"
#include "kp/core/moments.hpp"
#include "kp/core/state_block.hpp"
#include "kp/engine/path_simulator.hpp"
#include "detail/regression.hpp"

namespace kp {

namespace {

/// In-the-money count and sums of one feature (the basis scaling only needs them roughly).
struct Sums {
    double count = 0, sum = 0, sumSq = 0;
    void merge(const Sums& b) {
        count += b.count;
        sum += b.sum;
        sumSq += b.sumSq;
    }
};

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

/// The trained exercise rule at one date.
struct Rule {
    Basis::Scaling scaling;
    Eigen::VectorXd beta;
    bool fallback = false;  // exercise whenever in the money
};

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

/// Continuation values cont[p] = phi(p) . beta for a block, phi laid out [j][p].
void continuation(const Basis& basis, const Rule& r, const double* feat, std::size_t n, Scratch& s) {
    basis.combine(r.scaling, r.beta.data(), feat, n, n, s.cont.data(), s.phi.data());
}

using detail::blocksOf;
using detail::dot;
using detail::kBlock;
using detail::sum;

}  // namespace

struct LsmEngine::Impl {
    StateBlock train;
    std::vector<double> value, h, feat;  // training: realised discounted value, exercise value, features
    tbb::enumerable_thread_specific<Scratch> tls;
    detail::RegressionWorkspace regression;
};

LsmEngine::LsmEngine() : impl_(std::make_unique<Impl>()) {}
LsmEngine::~LsmEngine() = default;

LsmResult LsmEngine::price(const Model& model, const ExerciseInstrument& inst, const LsmSettings& s) {
    const auto start = std::chrono::steady_clock::now();
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

    const std::vector<double>& ex = inst.exerciseTimes();
    const std::size_t N = ex.size();
    KP_REQUIRE(N >= 1, "LSM: the instrument has no exercise dates");
    KP_REQUIRE(!s.upperBound || N < (1u << 15), "LSM: the instrument has ", N,
               " exercise dates, but must have fewer than 32768 for the upper bound (the step counters of its "
               "inner simulations, kp::CounterLayout)");
    std::vector<double> grid(N + 1, 0.0);
    for (std::size_t k = 0; k < N; ++k) grid[k + 1] = ex[k];  // not std::copy: GCC 12 -Warray-bounds false positive
    std::vector<double> disc(N);
    for (std::size_t k = 0; k < N; ++k) disc[k] = inst.discount(ex[k]);

    const std::size_t vars = model.stateSize();
    const std::size_t F = inst.featureCount();
    const Basis basis(s.basis, s.degree, F, s.knots);
    const std::size_t P = basis.size();
    tbb::task_arena arena(detail::threadCount(s.threads));
    auto& tls = impl_->tls;

    // ---- 1. training paths, stored date-major --------------------------------------------------
    const std::size_t nT = trainingPathsOf(s);
    StateBlock& store = impl_->train;
    store.resize(N, vars, nT);
    auto& V = impl_->value;
    auto& H = impl_->h;
    auto& X = impl_->feat;
    if (V.size() < nT) V.resize(nT), H.resize(nT);
    if (X.size() < F * nT) X.resize(F * nT);

    const PathSimulator trainSim(model, grid, s.seed, Stream::Training,
                                 s.antithetic);
    const std::size_t nbT = blocksOf(nT);
    // The features of a block at date k (0-based), state of stride n: read in place where they are
    // state variables, else copied into sc.feat (feature f at [f * n + p]).
    auto featuresAt = [&](std::size_t k, const double* state, std::size_t n, Scratch& sc) {
        const double* fx = inst.featuresInState(k, state, n);
        if (fx) return fx;
        inst.features(k, state, n, n, sc.feat.data(), n);
        return static_cast<const double*>(sc.feat.data());
    };
    // In-the-money count and feature sums per block and date (for the scaling of the basis): they
    // depend on the paths only, so they are taken while the block's state is still in cache.
    std::vector<Sums> blockStats(nbT * N * F);
    detail::forEachBlock(arena, nT, [&](std::size_t b, std::size_t first, std::size_t n) {
        Scratch& sc = tls.local();
        sc.reserve(vars, F, P, n);
        trainSim.beginBlock(first, n, sc.sim);
        model.initialState(sc.state.data(), n, n);
        for (std::size_t k = 1; k <= N; ++k) {
            trainSim.step(k, first, n, sc.state.data(), n, sc.sim);
            for (std::size_t v = 0; v < vars; ++v)
                std::copy_n(sc.state.data() + v * n, n, store.column(k - 1, v) + first);
            if (k == N) continue;  // no regression at the last date
            double* h = sc.h.data();
            const double* st = sc.state.data();
            inst.exerciseValue(k - 1, st, n, n, h);
            const double* fx = featuresAt(k - 1, st, n, sc);
            for (std::size_t f = 0; f < F; ++f)
                blockStats[(b * N + k - 1) * F + f] = itmSums(h, fx + f * n, n);
        }
    });

    // ---- 2. backward induction: regress, decide, update realised values -----------------------
    // One pass over the paths per date sets up date k (exercise values, features, discounting of
    // the realised values) after applying date k + 1's trained rule to them; then the fit.
    std::vector<Rule> rules(N);
    std::size_t fallbackDates = 0;
    std::vector<Eigen::MatrixXd> blockGrams(nbT);
    for (std::size_t kk = N; kk-- > 0;) {
        const bool last = kk == N - 1;
        const double growth = last ? 1.0 : disc[kk + 1] / disc[kk];
        const Rule* later = kk + 1 < N - 1 && !rules[kk + 1].fallback ? &rules[kk + 1] : nullptr;
        // the basis scaling from the in-the-money moments (known since the simulation)
        Rule& rule = rules[kk];
        bool fit = !last;
        if (fit) {
            std::vector<Sums> stats(F);
            for (std::size_t b = 0; b < nbT; ++b)
                for (std::size_t f = 0; f < F; ++f) stats[f].merge(blockStats[(b * N + kk) * F + f]);
            std::vector<double> mean(F), sd(F);
            for (std::size_t f = 0; f < F; ++f) {
                const double c = std::max(stats[f].count, 1.0);
                mean[f] = stats[f].sum / c;
                sd[f] = std::sqrt(std::max(stats[f].sumSq / c - mean[f] * mean[f], 0.0));
            }
            if (stats[0].count < static_cast<double>(2 * P)) {
                rule.fallback = true;
                ++fallbackDates;
                fit = false;
            } else {
                rule.scaling = basis.scaling(mean, sd);
            }
        }
        const detail::DesignFn design = [&](const double* x, std::size_t fstride, std::size_t n, double* out) {
            basis.evaluate(rule.scaling, x, fstride, n, out, n);
        };
        // one pass: date kk + 1's rule applied, date kk set up, and the first Gram matrix of its fit
        detail::forEachBlock(arena, nT, [&](std::size_t b, std::size_t first, std::size_t n) {
            Scratch& sc = tls.local();
            sc.reserve(vars, F, P, n);
            if (later) {  // date kk + 1: exercise where the rule says so
                basis.combine(later->scaling, later->beta.data(), X.data() + first, nT, n,
                              sc.cont.data(), sc.phi.data());
                // branch-free and through local pointers, so that it vectorises
                double* __restrict v = V.data() + first;
                const double* __restrict hv = H.data() + first;
                const double* __restrict c = sc.cont.data();
                for (std::size_t p = 0; p < n; ++p) v[p] = exerciseNow(hv[p], c[p]) ? hv[p] : v[p];
            }
            const double* st = store.column(kk, 0) + first;  // stride nT
            inst.exerciseValue(kk, st, nT, n, H.data() + first);
            inst.features(kk, st, nT, n, X.data() + first, nT);
            if (last) {
                std::copy_n(H.data() + first, n, V.data() + first);
            } else {
                double* __restrict v = V.data() + first;
                for (std::size_t p = 0; p < n; ++p) v[p] *= growth;
            }
            if (fit)
                blockGrams[b] = detail::blockGram(P, design, X.data() + first, nT, V.data() + first,
                                                  H.data() + first, n, sc.phi);
        });
        if (!fit) continue;  // at the final date the rule is: exercise when in the money
        const Eigen::MatrixXd gram = detail::sumInOrder(blockGrams, P + 1);
        // R factor of A = [phi | value] over the in-the-money paths by CholeskyQR2 (Fukaya et
        // al. 2014; Yamamoto et al. 2015): R1 = chol(A'A), then R2 = chol(Q1'Q1) with Q1 = A R1^-1,
        // R = R2 R1. Its accuracy matches Householder QR while cond(A) < ~1e7, which the
        // standardised basis keeps far from; the per-block Gram matrices are summed in block order
        // (deterministic) and vectorise across paths. Should either Cholesky fail, the tall-skinny
        // Householder QR takes over (engine/src/detail/regression.cpp).
        rule.beta = detail::fitLeastSquares(P, design, X.data(), nT, nT, V.data(), H.data(), arena,
                                            impl_->regression, &gram);
    }

    // The trained rule for a block at date k (0-based): exercise values in sc.h, continuation
    // values in sc.cont (0 where the rule is "exercise whenever in the money": the last date and the
    // dates with too few in-the-money paths to regress). Exercise where h > 0 and h >= cont.
    auto decide = [&](std::size_t k, const double* state, std::size_t n, Scratch& sc) {
        inst.exerciseValue(k, state, n, n, sc.h.data());
        if (k + 1 < N && !rules[k].fallback) {
            continuation(basis, rules[k], featuresAt(k, state, n, sc), n, sc);
        } else {
            std::fill_n(sc.cont.data(), n, 0.0);
        }
    };
    // ... and the decision itself: sc.exer[p] = 1 or 0
    auto exercises = [&](std::size_t k, const double* state, std::size_t n, Scratch& sc) {
        decide(k, state, n, sc);
        const double* h = sc.h.data();
        const double* c = sc.cont.data();
        double* e = sc.exer.data();
        for (std::size_t p = 0; p < n; ++p) e[p] = exerciseNow(h[p], c[p]) ? 1.0 : 0.0;
    };

    // ---- 3. pricing: fresh paths, forward, streaming ----------------------------------------
    LsmResult res;
    res.exerciseTimes = ex;
    res.paths = s.paths;
    res.trainingPaths = nT;
    res.fallbackDates = fallbackDates;
    const std::size_t reps = s.qmc ? s.qmcReplications : 1;
    const std::size_t perRep = s.qmc ? s.paths / reps : s.paths;
    const bool anti = s.antithetic && !s.qmc;
    const std::size_t nbP = blocksOf(perRep);
    std::vector<Moments> blockMoments(nbP * reps);
    std::vector<std::uint32_t> blockCounts(nbP * reps * N, 0);
    std::vector<PathSimulator> priceSims;
    for (std::size_t r = 0; r < reps; ++r) {
        priceSims.emplace_back(model, grid, s.seed, Stream::Pricing, anti);
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
            decide(k - 1, sc.state.data(), n, sc);  // its decision fused with the bookkeeping
            const double d = disc[k - 1];
            const double* __restrict h = sc.h.data();
            const double* __restrict c = sc.cont.data();
            double* __restrict al = alive;
            double* __restrict val = pv;
            double* __restrict go = sc.exer.data();  // scratch: paths exercising now
            for (std::size_t p = 0; p < n; ++p) {
                go[p] = al[p] * (exerciseNow(h[p], c[p]) ? 1.0 : 0.0);
                val[p] += go[p] * (d * h[p]);
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
    for (std::size_t k = 0; k < N; ++k)
        res.exerciseProbability[k] = counts[k] / static_cast<double>(perRep * reps);
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
        Moments all;
        for (const auto& m : blockMoments) all.merge(m);
        res.value = all.mean;
        res.stdError = std::sqrt(all.variance() / all.n);
    }
    res.ci95Low = res.value - 1.959963984540054 * res.stdError;
    res.ci95High = res.value + 1.959963984540054 * res.stdError;

    // ---- 4. exercise boundary, when the state and the feature are one price ---------------------
    // On a sample of training paths, the threshold that best separates the rule's exercise and
    // continuation decisions (either side may be the exercise side); then bisection on the rule
    // between the two sample points around it. Reported only when one threshold explains at least
    // 99% of the sampled decisions (otherwise the region is not one interval: NaN).
    res.boundary.assign(N, std::numeric_limits<double>::quiet_NaN());
    if (s.boundary && vars == 1 && F == 1) {
        Scratch& sc = tls.local();
        const std::size_t m = std::min<std::size_t>(nT, 8192);
        sc.reserve(vars, F, P, m);
        std::vector<std::pair<double, double>> xe(m);  // (price, exercise 0/1)
        auto exAt = [&](std::size_t k, double x) {
            exercises(k, &x, 1, sc);
            return sc.exer[0] != 0.0;
        };
        for (std::size_t k = 0; k < N; ++k) {
            const double* x = store.column(k, 0);
            exercises(k, x, m, sc);
            for (std::size_t p = 0; p < m; ++p) xe[p] = {x[p], sc.exer[p]};
            std::sort(xe.begin(), xe.end());
            // errors(i) if exercise is below the cut after i points: continues among the first i
            // plus exercises among the rest; the mirror for exercise above the cut
            double exTotal = 0;
            for (const auto& q : xe) exTotal += q.second;
            double contBelow = 0, exBelow = 0;
            double bestErr = std::min(exTotal, static_cast<double>(m) - exTotal);
            std::size_t bestCut = 0;
            bool bestBelow = true;
            for (std::size_t i = 1; i < m; ++i) {
                (xe[i - 1].second != 0 ? exBelow : contBelow) += 1;
                const double errBelow = contBelow + (exTotal - exBelow);
                const double errAbove = exBelow + ((static_cast<double>(m) - exTotal) - contBelow);
                if (errBelow < bestErr) bestErr = errBelow, bestCut = i, bestBelow = true;
                if (errAbove < bestErr) bestErr = errAbove, bestCut = i, bestBelow = false;
            }
            if (bestCut == 0 || bestErr > 0.01 * static_cast<double>(m)) continue;
            double inside = xe[bestBelow ? bestCut - 1 : bestCut].first;
            double outside = xe[bestBelow ? bestCut : bestCut - 1].first;
            if (exAt(k, inside) && !exAt(k, outside))
                for (int it = 0; it < 60; ++it) {
                    const double mid = 0.5 * (inside + outside);
                    (exAt(k, mid) ? inside : outside) = mid;
                }
            res.boundary[k] = 0.5 * (inside + outside);
        }
    }

    // ---- 5. Andersen-Broadie upper bound ------------------------------------------------------
    if (s.upperBound) {
        const std::size_t M = s.upperOuterPaths, I = s.upperInnerPaths;
        const std::size_t I4 = (I + 3) / 4 * 4;
        const PathSimulator outerSim(model, grid, s.seed,
                                     Stream::UpperBoundOuter, false);
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
                exercises(k - 1, sc.state.data(), 1, sc);
                exk[k - 1] = sc.exer[0];
                hk[k - 1] = disc[k - 1] * sc.h[0];
            }
            // M'_1 = L_1, M'_{k+1} = M'_k + L_{k+1} - C_k; gap = max_k (h_k - M'_k)
            double mart = 0, best = -std::numeric_limits<double>::infinity();
            double cPrev = 0;
            for (std::size_t k = 0; k < N; ++k) {
                double c = 0;  // C_k = E_k[discounted payoff of the policy from k+1 on]
                if (k + 1 < N) {
                    const std::vector<double> sub(grid.begin() + static_cast<std::ptrdiff_t>(k + 1),
                                                  grid.end());
                    const PathSimulator innerSim(
                        model, sub, s.seed, Stream::UpperBoundInner,
                        false, static_cast<std::uint32_t>((k + 1) << 16));
                    inner.reserve(vars, F, P, I);
                    const std::uint64_t firstPath = o * I4;
                    innerSim.beginBlock(firstPath, I, inner.sim);
                    for (std::size_t v = 0; v < vars; ++v)
                        std::fill_n(inner.state.data() + v * I, I, path[k * vars + v]);
                    std::fill_n(inner.alive.begin(), I, 1.0);
                    double sum = 0;
                    std::size_t alive = I;
                    for (std::size_t j = k + 1; j < N && alive > 0; ++j) {
                        innerSim.step(j - k, firstPath, I, inner.state.data(), I, inner.sim);
                        exercises(j, inner.state.data(), I, inner);
                        double now = 0, paid = 0;
                        for (std::size_t p = 0; p < I; ++p) {
                            const double go = inner.alive[p] * inner.exer[p];
                            paid += go * inner.h[p];
                            inner.alive[p] -= go;
                            now += go;
                        }
                        sum += disc[j] * paid;
                        alive -= static_cast<std::size_t>(now);
                    }
                    c = sum / static_cast<double>(I);
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

    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return res;
}

}  // namespace kp
