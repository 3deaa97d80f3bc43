#include "kp/engine/structural_credit.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "detail/blocks.hpp"
#include "kp/core/moments.hpp"
#include "detail/regression.hpp"
#include "kp/core/errors.hpp"
#include "kp/engine/path_simulator.hpp"
#include "kp/models/gbm.hpp"

namespace kp {

StructuralCreditResult simulateMertonDefault(double V, double vol, double D, double T, double r,
                                             const StructuralCreditSettings& s) {
    const auto start = std::chrono::steady_clock::now();
    KP_REQUIRE(std::isfinite(V) && V > 0, "--asset-value is ", V, ", but must be positive");
    KP_REQUIRE(std::isfinite(vol) && vol > 0, "--vol is ", vol, ", but must be positive");
    KP_REQUIRE(std::isfinite(D) && D > 0, "--debt is ", D, ", but must be positive");
    KP_REQUIRE(std::isfinite(T) && T > 0, "--maturity is ", T, ", but must be positive");
    KP_REQUIRE(std::isfinite(r), "--rate is ", r, ", but must be a finite number");
    KP_REQUIRE(s.paths >= 2, "--paths is ", s.paths, ", but must be at least 2");
    KP_REQUIRE(!s.antithetic || s.paths % 2 == 0, "--paths is ", s.paths, ", but must be even (antithetic pairs)");
    KP_REQUIRE(s.seed != 0, "--seed is 0, but must be non-zero");
    const Gbm assets({V, r, 0.0, vol});
    const PathSimulator sim(assets, {0.0, T}, s.seed, Stream::Pricing, s.antithetic);
    const double riskFree = D * std::exp(-r * T);
    const std::size_t nb = detail::blocksOf(s.paths);
    std::vector<Moments> pd(nb), debt(nb);
    struct Scratch {
        SimScratch sim;
        std::vector<double> v;
    };
    tbb::enumerable_thread_specific<Scratch> tls;
    tbb::task_arena arena(detail::threadCount(s.threads));
    detail::forEachBlock(arena, s.paths, [&](std::size_t b, std::size_t first, std::size_t n) {
        Scratch& w = tls.local();
        w.v.resize(n);
        sim.beginBlock(first, n, w.sim);
        assets.initialState(w.v.data(), n, n);
        sim.step(1, first, n, w.v.data(), n, w.sim);
        pd[b] = pathMoments(0, n, s.antithetic, [&](std::size_t p) { return w.v[p] < D ? 1.0 : 0.0; });
        debt[b] = pathMoments(0, n, s.antithetic, [&](std::size_t p) { return std::exp(-r * T) * std::min(w.v[p], D); });
    });
    const Moments pdTot = mergeInOrder(pd), debtTot = mergeInOrder(debt);
    StructuralCreditResult res;
    res.pd = pdTot.estimate();
    res.debtValue = debtTot.estimate();
    res.spread = {-std::log(res.debtValue.value / riskFree) / T, res.debtValue.stdError / (res.debtValue.value * T)};
    res.paths = s.paths;
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return res;
}

}  // namespace kp
