// Measures: `kruispunt value examples/steelworks_h2_dri.yaml` (the README's main job) as the tool
// runs it (case file -> kp::cases::toInvestmentProblem -> kp::InvestmentLsm), and how the time grows
//   - with the pricing paths (training paths at their default, paths/4 from 20,000 up), on 2 threads
//     and on 1 at 100,000;
//   - with the decision dates: horizons of 30, 40 and 50 years with every decision window opened to
//     the end of the horizon, so that each year is a decision date, at 100,000 paths.
// Prints the median of `--repeats` runs (the engine and its buffers reused, as a server would) and
// the option value with its standard error, so a speed-up that changes the answer shows.
// Then what a user sees: the whole `kruispunt value CASE --json` process (posix_spawn to wait4), in
// `--rounds` interleaved rounds, with the case's defaults and with one rule (`--set
// simulation.rules=1`, the setting the 1-second target would need: docs/valuation.md, Performance);
// `--kruispunt PATH` (repeatable) compares builds, run alternately.
//
// Usage: bench_steelworks [--case FILE] [--repeats R] [--rounds Q] [--kruispunt PATH ...]
//                         [--no-engine] [--no-process]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kp/cases/case_problem.hpp"
#include "kp/cases/case_file.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "process_runner.hpp"

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Row {
    double seconds;
    kp::InvestmentResult result;
};

Row run(kp::InvestmentLsm& engine, const kp::cases::CaseFile& c, std::size_t paths, std::size_t threads,
        int repeats) {
    kp::cases::RunOverrides o;
    o.paths = paths;
    o.threads = threads;
    const kp::InvestmentProblem pr = kp::cases::toInvestmentProblem(c);
    const kp::InvestmentSettings s = kp::cases::settingsFor(c, o);
    std::vector<double> t;
    kp::InvestmentResult r;
    for (int i = 0; i < repeats; ++i) {
        r = engine.value(pr, s);
        t.push_back(r.seconds);
    }
    return {median(t), r};
}

void print(const char* what, std::size_t paths, std::size_t threads, int dates, const Row& row) {
    std::printf("%-26s %9zu %7zu %6d %9.3f %14.1f %10.1f\n", what, paths, threads, dates, row.seconds,
                row.result.optionValue.value / 1e6, row.result.optionValue.stdError / 1e6);
}

/// The whole process of `kruispunt value` per build and variant, `rounds` interleaved rounds.
void processes(const std::string& casePath, const std::vector<std::string>& builds, int rounds) {
    struct Config {
        std::string name;
        std::vector<std::string> argv;
        std::vector<double> wall, own, cpu;
        double value = 0, se = 0;
    };
    std::vector<Config> configs;
    for (std::size_t b = 0; b < builds.size(); ++b) {
        const std::string tag = builds.size() > 1 ? " [" + std::string(1, static_cast<char>('A' + b)) + "]" : "";
        configs.push_back({"defaults" + tag, {builds[b], "value", casePath, "--json", "--quiet"}, {}, {}, {}});
        configs.push_back({"one rule" + tag,
                           {builds[b], "value", casePath, "--json", "--quiet", "--set", "simulation.rules=1"},
                           {}, {}, {}});
    }
    std::printf("\nwhole process: kruispunt value %s --json, %d interleaved rounds; load average before: %s\n",
                casePath.c_str(), rounds, kpbench::loadAverage().c_str());
    for (int r = 0; r < rounds; ++r)
        for (Config& c : configs) {
            const kpbench::ChildRun run = kpbench::runChild(c.argv);
            if (run.exitCode != 0) {
                std::fprintf(stderr, "bench_steelworks: %s exited with %d\n", c.argv[0].c_str(), run.exitCode);
                std::exit(1);
            }
            const nlohmann::json j = nlohmann::json::parse(run.out);
            c.wall.push_back(run.wall);
            c.own.push_back(j.at("seconds").get<double>());
            c.cpu.push_back(run.userCpu + run.sysCpu);
            c.value = j.at("option_value").at("value").get<double>();
            c.se = j.at("option_value").at("std_error").get<double>();
        }
    std::printf("%-16s %9s %17s %12s %9s %14s %10s\n", "run", "wall s", "(min - max)", "valuation s", "cpu s",
                "option", "SE");
    for (const Config& c : configs)
        std::printf("%-16s %9.3f   (%5.3f - %5.3f) %12.3f %9.2f %14.1f %10.1f\n", c.name.c_str(),
                    kpbench::median(c.wall), kpbench::minOf(c.wall), kpbench::maxOf(c.wall), kpbench::median(c.own),
                    kpbench::median(c.cpu), c.value / 1e6, c.se / 1e6);
    std::printf("load average after: %s\n", kpbench::loadAverage().c_str());
}

}  // namespace

int main(int argc, char** argv) {
    std::string casePath = KP_SOURCE_DIR "/examples/steelworks_h2_dri.yaml";
    int repeats = 3, rounds = 3;
    bool engineRuns = true, processRuns = true;
    std::vector<std::string> builds;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--case") && i + 1 < argc) casePath = argv[++i];
        else if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--kruispunt") && i + 1 < argc) builds.emplace_back(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-engine")) engineRuns = false;
        else if (!std::strcmp(argv[i], "--no-process")) processRuns = false;
        else {
            std::fprintf(stderr,
                         "usage: bench_steelworks [--case FILE] [--repeats R] [--rounds Q] [--kruispunt PATH ...] "
                         "[--no-engine] [--no-process]\n");
            return 2;
        }
    }
    if (builds.empty()) builds.emplace_back(KP_KRUISPUNT_EXE);
    if (!engineRuns) {
        if (processRuns) processes(casePath, builds, rounds);
        return 0;
    }
    const kp::cases::CaseFile base = kp::cases::loadCaseFile(casePath);
    kp::InvestmentLsm engine;
    std::printf("case %s, median of %d runs; option value and SE in millions\n", casePath.c_str(), repeats);
    std::printf("%-26s %9s %7s %6s %9s %14s %10s\n", "run", "paths", "threads", "dates", "seconds", "option",
                "SE");
    const int H = base.valuation.horizonYears;
    for (std::size_t paths : {25'000u, 50'000u, 100'000u, 200'000u})
        print("paths", paths, 2, H, run(engine, base, paths, 2, repeats));
    print("paths, 1 thread", 100'000, 1, H, run(engine, base, 100'000, 1, repeats));
    for (int horizon : {30, 40, 50}) {
        std::vector<std::string> sets{"valuation.horizon_years=" + std::to_string(horizon)};
        const int last = base.valuation.startYear + horizon - 1;
        for (const auto& t : base.options)
            sets.push_back("options." + t.name + ".decision_window.latest=" + std::to_string(last));
        kp::cases::LoadOptions lo;
        lo.overrides = sets;
        const kp::cases::CaseFile c = kp::cases::loadCaseFile(casePath, lo);
        print("dates (windows to the end)", 100'000, 2, horizon, run(engine, c, 100'000, 2, repeats));
    }
    if (processRuns) processes(casePath, builds, rounds);
    return 0;
}
