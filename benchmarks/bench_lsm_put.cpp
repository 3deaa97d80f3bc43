// Measures: the Longstaff-Schwartz (2001) Bermudan put (S=36, K=40, r=0.06, sigma=0.2, T=1, 50
// exercise dates) priced by Kruispunt's LSM engine and by QuantLib's MCAmericanEngine in the same
// run, at 100,000 and 1,000,000 paths, on 1 thread and on all threads; prints times, values,
// standard errors and the speed ratio, the 1 -> N thread speed-up, and the time the engine needs
// just to generate the normal variates of the same valuation (the floor of any Monte Carlo here).
//
// Both sides simulate N paths as N/2 antithetic pairs. QuantLib keeps its default of 2048
// calibration paths; Kruispunt trains on its default regression set (N/4 fresh paths, at least
// 20,000, at most 2^18) and prices on N other paths. Reported times are medians (see --rounds);
// Kruispunt reuses its engine (buffers) across runs, as a server would.
//
// Usage: bench_lsm_put [--repeats R] [--rounds Q] [--quick] [--no-quantlib]
//   Each size runs in rounds: QuantLib once, then R Kruispunt runs per thread count and R normal
//   generations (3 rounds at 100,000 paths, or Q with --rounds; 1 at 1,000,000); medians over all.
//   --quick: 100,000 paths only, one round; --no-quantlib: Kruispunt only (for A/B comparisons of
//   engine changes: run two builds alternately and compare their medians)
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <limits>
#include <thread>
#include <vector>

#include "kp/core/random.hpp"
#include "kp/engine/lsm.hpp"
#include "kp/instruments/bermudan_options.hpp"
#include "kp/models/gbm.hpp"
#include "kp/oracles/quantlib_references.hpp"

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

/// Seconds to generate the normals of one valuation: (training + pricing) paths x 50 steps,
/// antithetic, in the engine's blocks of 1024 paths on `threads` threads.
double normalsOnly(std::size_t paths, std::size_t training, std::size_t threads) {
    tbb::task_arena arena(static_cast<int>(threads));
    constexpr std::size_t block = 1024;
    const auto t0 = std::chrono::steady_clock::now();
    for (auto [n, stream] : {std::pair{training, 1u}, std::pair{paths, 2u}}) {
        const std::size_t blocks = (n + block - 1) / block;
        arena.execute([&] {
            tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
                thread_local kp::NormalScratch scr;
                thread_local std::vector<double> z(block);
                const std::size_t first = b * block, m = std::min(block, n - first);
                for (std::uint32_t step = 1; step <= 50; ++step)
                    kp::fillNormals(42, stream, step, 0, first, m, z.data(), true, scr);
            });
        });
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    int repeats = 5;
    bool quick = false, withQl = true;
    int rounds100k = 0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::stoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--quick")) quick = true;
        else if (!std::strcmp(argv[i], "--no-quantlib")) withQl = false;
        else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) rounds100k = std::stoi(argv[++i]);
    }
    const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
    const kp::Gbm model({36.0, 0.06, 0.0, 0.2});
    const kp::BermudanVanilla put(kp::BermudanVanilla::Type::Put, 40.0, 0.06, kp::equallySpacedTimes(1.0, 50));
    const double fd = kp::bermudanPutFd(36.0, 40.0, 0.06, 0.0, 0.2, 1.0, 50);
    std::printf("Bermudan put S=36 K=40 r=0.06 sigma=0.2 T=1, 50 dates; QuantLib FD reference %.5f\n", fd);
    std::printf("hardware threads: %zu, repeats: %d (medians)\n\n", hw, repeats);
    std::printf("%-9s %-7s %-10s %9s %9s %10s %8s\n", "paths", "threads", "engine", "value", "std err",
                "seconds", "vs QL");

    kp::LsmEngine engine;
    std::vector<std::size_t> sizes = {100'000};
    if (!quick) sizes.push_back(1'000'000);
    for (std::size_t n : sizes) {
        // Rounds: QuantLib once, then `repeats` Kruispunt runs on 1 and on all threads and `repeats`
        // normal generations. Interleaving the engines this way exposes both to the same drift of a
        // shared machine; each figure is the median over all rounds.
        const int rounds = rounds100k > 0 && n == 100'000 ? rounds100k : (quick || n > 100'000 ? 1 : 3);
        std::vector<double> qlT, gen;
        std::vector<std::vector<double>> kpT(2);
        kp::QlMcResult ql{};
        std::vector<kp::LsmResult> res(2);
        const std::size_t threadCounts[2] = {1, hw};
        for (int round = 0; round < rounds; ++round) {
            // QuantLib: single-threaded by design (its Settings and Monte Carlo are not thread-safe).
            if (withQl) {
                ql = kp::quantlibMcAmericanPut(36.0, 40.0, 0.06, 0.2, 1.0, 50, n / 2, 2048, true, 42);
                qlT.push_back(ql.seconds);
            }
            for (int i = 0; i < 2; ++i) {
                kp::LsmSettings s;
                s.paths = n;
                s.threads = threadCounts[i];
                s.seed = 42;
                if (round == 0) engine.price(model, put, s);  // warm-up: first-touch page faults of the buffers
                for (int r = 0; r < repeats; ++r) {
                    res[i] = engine.price(model, put, s);
                    kpT[i].push_back(res[i].seconds);
                }
            }
            for (int r = 0; r < repeats; ++r) gen.push_back(normalsOnly(n, res[1].trainingPaths, hw));
        }
        const double qlSec = withQl ? median(qlT) : std::numeric_limits<double>::quiet_NaN();
        if (withQl) {
            std::printf("%-9zu %-7d %-10s %9.5f %9.5f %10.4f %8s\n", n, 1, "QuantLib", ql.value, ql.stdError,
                        qlSec, "1.0x");
        }
        for (int i = 0; i < 2; ++i) {
            const double sec = median(kpT[i]);
            char ratio[32];
            if (withQl) std::snprintf(ratio, sizeof ratio, "%.0fx", qlSec / sec);
            else std::snprintf(ratio, sizeof ratio, "-");
            std::printf("%-9zu %-7zu %-10s %9.5f %9.5f %10.4f %8s\n", n, threadCounts[i], "Kruispunt",
                        res[i].value, res[i].stdError, sec, ratio);
        }
        const double t1 = median(kpT[0]), tN = median(kpT[1]), g = median(gen);
        std::printf("          speed-up 1 -> %zu threads: %.2fx; normals alone %.4f s, valuation / "
                    "normals = %.2f\n",
                    hw, t1 / tN, g, tN / g);
        if (withQl && rounds > 1) {
            std::printf("          QuantLib runs:");
            for (double t : qlT) std::printf(" %.3f", t);
            std::printf(" s (%d rounds of QuantLib once, Kruispunt %d times per thread count)\n", rounds, repeats);
        }
    }
    return 0;
}
