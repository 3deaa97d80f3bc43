// Measures: how much more the first valuation of a fresh process costs than later ones (the issue's
// target: a cold valuation within 1.3x of a warm one), and what the difference is made of. The
// valuation is the one `kruispunt price american-put` runs (the LS2001 put, S=36, K=40, r=0.06,
// sigma=0.2, T=1, 50 dates, on kp::LsmEngine; default 100,000 paths, the engine's default training
// set, 2 threads), with and without the exercise boundary (s.boundary: the command line always asks
// for it, app/price_command.cpp). Each configuration runs in a fresh child process (this program,
// spawned again with --child), which times
//   cold   the first LsmEngine::price on a fresh engine (its own `seconds`),
//   warm   the median of the next --warm valuations on the same engine (buffers reused),
// counts the minor page faults of each (getrusage), and reports its time points, so the parent also
// gets the whole process (posix_spawn to wait4), the time to main and the time after main. To split
// cold - warm, the same child runs after a prewarm:
//   tbb    TBB's worker threads started first (a parallel_for in a task_arena of as many threads):
//          cold(none) - cold(tbb) is the start of the thread pool;
//   small  one valuation of 2,000 paths first (threads, code pages, lazy binding, small buffers):
//          cold(small) - warm is the first touch of the large buffers (page faults);
// and a child that values once and exits (one valuation) gives the whole process of the tool's job,
// against which the warm valuation is compared.
// Configurations run in interleaved rounds (every configuration once per round); figures are medians
// over rounds, with the spread.
//
// Usage: bench_cold_start [--paths N] [--training-paths M] [--threads T] [--rounds R] [--warm W]
//                         [--variant 'NAME=value ...']...
//   defaults: N = 100,000, M = 0 (the engine's default: N/4, 20,000 to 2^18), T = 2, R = 7, W = 5
//   --variant  repeat every configuration with these environment variables (e.g.
//              --variant GLIBC_TUNABLES=glibc.malloc.hugetlb=1), interleaved with the plain ones
#include <sys/resource.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kp/engine/lsm.hpp"
#include "kp/instruments/bermudan_options.hpp"
#include "kp/models/gbm.hpp"
#include "process_runner.hpp"

namespace {

using kpbench::median;

struct Options {
    std::size_t paths = 100'000, trainingPaths = 0, threads = 2;
    int rounds = 7, warm = 5;
    bool boundary = false;         // child only
    std::string prewarm = "none";  // child only: none, tbb, small
    std::vector<std::string> variants = {""};
};

long minorFaults() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

// ---- the child: value, time, print one JSON line ---------------------------------------------

int child(const Options& o) {
    const std::int64_t mainNs = kpbench::monotonicNs();
    const kp::Gbm model({36.0, 0.06, 0.0, 0.2});
    const kp::BermudanVanilla put(kp::BermudanVanilla::Type::Put, 40.0, 0.06, kp::equallySpacedTimes(1.0, 50));
    kp::LsmSettings s;
    s.paths = o.paths;
    s.trainingPaths = o.trainingPaths;
    s.threads = o.threads;
    s.boundary = o.boundary;
    kp::LsmEngine engine;

    const auto t0 = std::chrono::steady_clock::now();
    if (o.prewarm == "tbb") {
        tbb::task_arena arena(static_cast<int>(o.threads));
        arena.execute([&] {
            tbb::parallel_for(std::size_t{0}, std::size_t{1000} * o.threads, [](std::size_t i) {
                volatile double x = static_cast<double>(i);
                for (int k = 0; k < 1000; ++k) x = x * 1.0000001;
            });
        });
    } else if (o.prewarm == "small") {
        kp::LsmSettings small = s;
        small.paths = 2'000;
        small.trainingPaths = 2'000;
        engine.price(model, put, small);
    }
    const double prewarmSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    long f0 = minorFaults();
    const kp::LsmResult first = engine.price(model, put, s);
    const long firstFaults = minorFaults() - f0;
    nlohmann::json warm = nlohmann::json::array();
    f0 = minorFaults();
    for (int i = 0; i < o.warm; ++i) warm.push_back(engine.price(model, put, s).seconds);
    const long warmFaults = o.warm > 0 ? (minorFaults() - f0) / o.warm : 0;

    nlohmann::json j{{"main_ns", mainNs},
                     {"prewarm_seconds", prewarmSeconds},
                     {"cold", first.seconds},
                     {"cold_faults", firstFaults},
                     {"warm", warm},
                     {"warm_faults", warmFaults},
                     {"value", first.value},
                     {"std_error", first.stdError},
                     {"training_paths", first.trainingPaths},
                     {"end_ns", kpbench::monotonicNs()}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
}

// ---- the parent: interleaved rounds of children ----------------------------------------------

struct Config {
    Config(bool b, std::string p, std::string v) : boundary(b), prewarm(std::move(p)), variant(std::move(v)) {}
    bool boundary;
    std::string prewarm;  // none, tbb, small, or "once" (one valuation, no warm ones)
    std::string variant;
    std::vector<double> cold, warm, wall, toMain, afterMain, coldFaults, warmFaults;
    double value = NAN, stdError = NAN;
    long long trainingPaths = 0;
};

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> w;
    std::istringstream in(text);
    for (std::string x; in >> x;) w.push_back(x);
    return w;
}

void runOnce(const Options& o, Config& c) {
    std::vector<std::string> argv = {kpbench::selfPath(), "--child", "--paths", std::to_string(o.paths),
                                     "--training-paths", std::to_string(o.trainingPaths), "--threads",
                                     std::to_string(o.threads), "--boundary", c.boundary ? "1" : "0",
                                     "--prewarm", c.prewarm == "once" ? "none" : c.prewarm,
                                     "--warm", c.prewarm == "once" ? "0" : std::to_string(o.warm)};
    const kpbench::ChildRun r = kpbench::runChild(argv, words(c.variant));
    if (r.exitCode != 0) {
        std::fprintf(stderr, "bench_cold_start: a child exited with %d\n", r.exitCode);
        std::exit(1);
    }
    const auto j = nlohmann::json::parse(r.out);
    c.wall.push_back(r.wall);
    c.toMain.push_back(static_cast<double>(j.at("main_ns").get<std::int64_t>() - r.spawnNs) * 1e-9);
    c.afterMain.push_back(r.wall - static_cast<double>(j.at("end_ns").get<std::int64_t>() - r.spawnNs) * 1e-9);
    c.cold.push_back(j.at("cold").get<double>());
    c.coldFaults.push_back(j.at("cold_faults").get<double>());
    if (!j.at("warm").empty()) {
        c.warm.push_back(median(j.at("warm").get<std::vector<double>>()));
        c.warmFaults.push_back(j.at("warm_faults").get<double>());
    }
    c.value = j.at("value").get<double>();
    c.stdError = j.at("std_error").get<double>();
    c.trainingPaths = j.at("training_paths").get<long long>();
}

std::string spread(const std::vector<double>& v, double scale) {
    char b[64];
    std::snprintf(b, sizeof b, "%.1f (%.1f-%.1f)", median(v) * scale, kpbench::minOf(v) * scale,
                  kpbench::maxOf(v) * scale);
    return b;
}

void printGroup(const std::vector<Config>& cs, bool boundary, const std::string& variant) {
    const Config* byPrewarm[4] = {};
    const char* names[4] = {"none", "tbb", "small", "once"};
    for (const Config& c : cs)
        if (c.boundary == boundary && c.variant == variant)
            for (int i = 0; i < 4; ++i)
                if (c.prewarm == names[i]) byPrewarm[i] = &c;
    const double warm = median(byPrewarm[0]->warm);
    std::printf("\nboundary %s%s%s: value %.5f (std err %.5f), %lld training paths; warm valuation %.1f ms "
                "(%.0f page faults)\n",
                boundary ? "on" : "off", variant.empty() ? "" : ", ", variant.c_str(), byPrewarm[0]->value,
                byPrewarm[0]->stdError, byPrewarm[0]->trainingPaths, warm * 1e3, median(byPrewarm[0]->warmFaults));
    std::printf("  %-34s %22s %9s %7s %22s %9s %9s\n", "first valuation in a fresh process", "cold ms (min-max)",
                "cold/warm", "faults", "process ms (min-max)", "to main", "after");
    const char* labels[4] = {"cold (nothing before)", "after TBB's threads started", "after a 2,000-path valuation",
                             "one valuation, then exit"};
    for (int i = 0; i < 4; ++i) {
        const Config& c = *byPrewarm[i];
        std::printf("  %-34s %22s %8.2fx %7.0f %22s %9.1f %9.1f\n", labels[i], spread(c.cold, 1e3).c_str(),
                    median(c.cold) / warm, median(c.coldFaults), spread(c.wall, 1e3).c_str(), median(c.toMain) * 1e3,
                    median(c.afterMain) * 1e3);
    }
    const double cold = median(byPrewarm[0]->cold), afterTbb = median(byPrewarm[1]->cold),
                 afterSmall = median(byPrewarm[2]->cold), whole = median(byPrewarm[3]->wall);
    std::printf("  cold / warm %.2fx; whole process (one valuation) / warm %.2fx\n", cold / warm, whole / warm);
    std::printf("  cold - warm = %.1f ms: TBB's threads %.1f, first touch of the large buffers %.1f (%.0f more "
                "page faults), the rest (code, lazy binding, small buffers) %.1f\n",
                (cold - warm) * 1e3, (cold - afterTbb) * 1e3, (afterSmall - warm) * 1e3,
                median(byPrewarm[2]->coldFaults) - median(byPrewarm[0]->warmFaults), (afterTbb - afterSmall) * 1e3);
    std::printf("  whole process - cold = %.1f ms: to main %.1f, after the valuation %.1f\n",
                (whole - median(byPrewarm[3]->cold)) * 1e3, median(byPrewarm[3]->toMain) * 1e3,
                median(byPrewarm[3]->afterMain) * 1e3);
}

int parent(const Options& o) {
    std::vector<Config> cs;
    for (const std::string& v : o.variants)
        for (bool b : {false, true})
            for (const char* p : {"none", "tbb", "small", "once"}) cs.emplace_back(b, p, v);
    std::printf("Cold and warm valuations of the LS2001 put on kp::LsmEngine: %zu paths, %zu threads, %d rounds "
                "of %zu fresh processes, %d warm valuations each\n",
                o.paths, o.threads, o.rounds, cs.size(), o.warm);
    const std::string loadBefore = kpbench::loadAverage();
    for (int r = 0; r < o.rounds; ++r)
        for (Config& c : cs) runOnce(o, c);
    std::printf("load average before: %s, after: %s\n", loadBefore.c_str(), kpbench::loadAverage().c_str());
    for (const std::string& v : o.variants)
        for (bool b : {false, true}) printGroup(cs, b, v);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    bool isChild = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--child") isChild = true;
        else if (a == "--paths" && hasValue) o.paths = std::stoul(argv[++i]);
        else if (a == "--training-paths" && hasValue) o.trainingPaths = std::stoul(argv[++i]);
        else if (a == "--threads" && hasValue) o.threads = std::stoul(argv[++i]);
        else if (a == "--rounds" && hasValue) o.rounds = std::stoi(argv[++i]);
        else if (a == "--warm" && hasValue) o.warm = std::stoi(argv[++i]);
        else if (a == "--boundary" && hasValue) o.boundary = std::string(argv[++i]) == "1";
        else if (a == "--prewarm" && hasValue) o.prewarm = argv[++i];
        else if (a == "--variant" && hasValue) o.variants.push_back(argv[++i]);
        else {
            std::fprintf(stderr, "bench_cold_start: unknown option or missing value: %s\n", a.c_str());
            return 2;
        }
    }
    if (!isChild && (o.rounds < 1 || o.warm < 1)) {
        std::fprintf(stderr, "bench_cold_start: --rounds and --warm must be >= 1\n");
        return 2;
    }
    return isChild ? child(o) : parent(o);
}
