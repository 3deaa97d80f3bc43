// Measures: what the first touch of a fresh buffer costs, the largest part of a cold valuation
// (docs/benchmarks.md): a buffer the size of LsmEngine's training store (paths x 50 dates x 8 bytes:
// 10 MB at 25,000 training paths, 40 MB at 100,000) allocated and written once by two TBB threads in
// 1,024-path blocks, as the training simulation writes it, then written again (warm). Against:
//   vector   std::vector<double>::resize (zero-filled on the calling thread: what StateBlock::resize
//            does today), then the parallel pass
//   uninit   new double[n] (not initialised), so that the parallel pass touches the pages first
//   thp      2 MiB-aligned, madvise(MADV_HUGEPAGE), then the parallel pass (needs transparent huge
//            pages in "madvise" or "always" mode: /sys/kernel/mm/transparent_hugepage/enabled)
//   vector + GLIBC_TUNABLES=glibc.malloc.hugetlb=1  (glibc >= 2.35: malloc advises huge pages itself)
// Each measurement runs in a fresh process (this program with --child), in interleaved rounds;
// prints medians with the spread, the page faults (getrusage) and the cost per fault.
//
// Usage: bench_first_touch [--paths N]... [--rounds R]   (defaults: 25,000 and 100,000 paths; 7 rounds)
#include <sys/mman.h>
#include <sys/resource.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "process_runner.hpp"

namespace {

using kpbench::median;

constexpr std::size_t kDates = 50, kBlock = 1024;

long minorFaults() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

double since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int child(const std::string& mode, std::size_t paths) {
    const std::size_t n = paths * kDates;
    tbb::task_arena arena(2);
    arena.execute([] { tbb::parallel_for(0, 1000, [](int) {}); });  // threads started before timing
    // Date-major like the training store: each block writes its 1,024 paths of every date.
    auto pass = [&](double* p) {
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, (paths + kBlock - 1) / kBlock, 1),
                              [&](const tbb::blocked_range<std::size_t>& r) {
                                  for (std::size_t b = r.begin(); b < r.end(); ++b) {
                                      const std::size_t first = b * kBlock, m = std::min(kBlock, paths - first);
                                      for (std::size_t d = 0; d < kDates; ++d)
                                          for (std::size_t i = 0; i < m; ++i)
                                              p[d * paths + first + i] = static_cast<double>(i);
                                  }
                              },
                              tbb::simple_partitioner());
        });
    };
    const long f0 = minorFaults();
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<double> v;
    std::unique_ptr<double[]> raw;
    double* p = nullptr;
    if (mode == "vector") {
        v.resize(n);
        p = v.data();
    } else if (mode == "uninit") {
        raw.reset(new double[n]);
        p = raw.get();
    } else if (mode == "thp") {
        constexpr std::size_t huge = std::size_t{2} << 20;
        const std::size_t bytes = (n * sizeof(double) + huge - 1) / huge * huge;
        p = static_cast<double*>(std::aligned_alloc(huge, bytes));
        madvise(p, bytes, MADV_HUGEPAGE);
    } else {
        std::fprintf(stderr, "bench_first_touch: unknown mode %s\n", mode.c_str());
        return 2;
    }
    const double allocate = since(t0);
    pass(p);
    const double first = since(t0);
    const long faults = minorFaults() - f0;
    const auto t1 = std::chrono::steady_clock::now();
    pass(p);
    const double warm = since(t1);
    if (mode == "thp") std::free(p);
    std::printf("%s\n", nlohmann::json{{"allocate", allocate}, {"first", first}, {"warm", warm}, {"faults", faults}}
                            .dump()
                            .c_str());
    return 0;
}

struct Config {
    std::string label, mode;
    std::vector<std::string> env;
    std::size_t paths;
    std::vector<double> allocate, first, warm, faults;
};

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> sizes;
    int rounds = 7;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--child" && i + 2 < argc) return child(argv[i + 1], std::stoul(argv[i + 2]));
        if (a == "--paths" && i + 1 < argc) sizes.push_back(std::stoul(argv[++i]));
        else if (a == "--rounds" && i + 1 < argc) rounds = std::stoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_first_touch [--paths N]... [--rounds R]\n");
            return 2;
        }
    }
    if (sizes.empty()) sizes = {25'000, 100'000};
    std::vector<Config> cs;
    for (std::size_t n : sizes) {
        cs.push_back({"vector (zero fill, then parallel)", "vector", {}, n, {}, {}, {}, {}});
        cs.push_back({"uninit (parallel first touch)", "uninit", {}, n, {}, {}, {}, {}});
        cs.push_back({"thp (MADV_HUGEPAGE, parallel)", "thp", {}, n, {}, {}, {}, {}});
        cs.push_back({"vector, glibc.malloc.hugetlb=1", "vector", {"GLIBC_TUNABLES=glibc.malloc.hugetlb=1"}, n, {}, {}, {}, {}});
    }
    const std::string loadBefore = kpbench::loadAverage();
    for (int r = 0; r < rounds; ++r)
        for (Config& c : cs) {
            const auto run = kpbench::runChild({kpbench::selfPath(), "--child", c.mode, std::to_string(c.paths)}, c.env);
            if (run.exitCode != 0) return 1;
            const auto j = nlohmann::json::parse(run.out);
            c.allocate.push_back(j.at("allocate").get<double>());
            c.first.push_back(j.at("first").get<double>());
            c.warm.push_back(j.at("warm").get<double>());
            c.faults.push_back(j.at("faults").get<double>());
        }
    std::printf("First touch of a training-store-sized buffer (paths x %zu dates x 8 B), 2 TBB threads; %d rounds "
                "of fresh processes; load average before: %s, after: %s\n",
                kDates, rounds, loadBefore.c_str(), kpbench::loadAverage().c_str());
    std::printf("%-8s %-34s %9s %22s %8s %8s %12s\n", "paths", "allocation", "alloc ms", "first ms (min-max)",
                "warm ms", "faults", "us per fault");
    for (const Config& c : cs) {
        const double first = median(c.first), warm = median(c.warm), faults = median(c.faults);
        char spread[48];
        std::snprintf(spread, sizeof spread, "%.1f (%.1f-%.1f)", first * 1e3, kpbench::minOf(c.first) * 1e3,
                      kpbench::maxOf(c.first) * 1e3);
        std::printf("%-8zu %-34s %9.1f %22s %8.2f %8.0f %12.1f\n", c.paths, c.label.c_str(), median(c.allocate) * 1e3,
                    spread, warm * 1e3, faults, (first - warm) * 1e6 / std::max(faults, 1.0));
    }
    return 0;
}
