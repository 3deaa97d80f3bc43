// Measures: the Longstaff-Schwartz (2001) Bermudan put (S=36, K=40, r=0.06, sigma=0.2, T=1, 50
// exercise dates) as a user gets it, whole process against whole process: the time from
// posix_spawn to wait4 of
//   (a) `kruispunt price american-put ... --paths N --training-paths N --threads 2 --json` and
//   (b) ql_american_put --paths N --calibration-paths N (QuantLib's MCAmericanEngine), with
//       MakeMCAmericanEngine's default basis (monomials of order 2, plus the payoff) and with a
//       better one (default monomials of order 3; see docs/benchmarks.md for the choice),
// at equal pricing and calibration paths (N + N, antithetic pairs on both sides), N = 100,000 and
// 1,000,000, in interleaved rounds (per round: Kruispunt R times, the in-process engine once,
// QuantLib's default basis once, Kruispunt under the startup probe R times, QuantLib's better basis
// once, the floors R times), so all see the same drift of a shared machine. Prints per program the median wall time with its
// spread, the `seconds` the program reports itself (Kruispunt: LsmEngine::price; QuantLib: NPV())
// and the rest of the process, CPU time, peak memory, value and standard error, and the ratios
// QuantLib / Kruispunt whole process against whole process (and in process).
//
// Kruispunt's startup: the same valuation on a reused LsmEngine in process (bench_cold_start's
// child, boundary on as the tool asks for it, once per round: its first and its warm valuations)
// against the tool's own `seconds` (a cold valuation) and its whole process.
//
// Where Kruispunt's time outside the valuation goes: the same command runs under the startup probe
// (libkp_startup_probe.so, LD_PRELOAD), which stamps the end of loading and relocation, the end of
// the libraries' initialisers, main, the first thread, main's return and the end of the exit
// handlers; and the floors of a process: an empty main (startup_floor), the same with kruispunt's
// shared libraries (startup_floor_libs), and `kruispunt price american-put --help`.
//
// Usage: bench_process [--kruispunt PATH]... [--ql PATH] [--rounds R] [--rounds-1m R] [--repeats K]
//                      [--threads T] [--paths N]... [--regression-paths equal|default|M] [--quick]
//                      [--ql-better BASIS:ORDER] [--no-quantlib] [--no-probe] [--no-floors]
//                      [--no-engine] [--floor 'CMD']... [-- KRUISPUNT_ARGS...]
//   --kruispunt PATH  the tool to time (default: this build's app/kruispunt); give it twice or more
//                     to A/B engine builds in the same interleaved rounds; leading NAME=value words
//                     set its environment (--kruispunt 'GLIBC_TUNABLES=glibc.malloc.hugetlb=1 PATH')
//   --rounds R        rounds at 100,000 paths (default 5); --rounds-1m R at 1,000,000 (default 3)
//   --repeats K       Kruispunt (and probe, floor) runs per round (default 3)
//   --paths N         sizes to run instead of 100,000 and 1,000,000 (rounds: --rounds)
//   --regression-paths equal|default|M  Kruispunt's --training-paths and QuantLib's
//                     --calibration-paths: N (default: the equal paths), each program's
//                     default (Kruispunt N/4 up to 2^18, QuantLib 4,096: as bench_lsm_put), or M
//   --quick           100,000 paths only
//   --no-engine       without the in-process warm figure; --no-probe, --no-floors: without those
//   --ql-better       QuantLib's second basis (default monomial:3)
//   --floor 'CMD'     one more program to time with the floors (words split at spaces; leading
//                     NAME=value words set its environment, e.g. --floor 'LD_BIND_NOW=1 /bin/true')
//   -- ARGS           appended to every kruispunt command (e.g. -- --basis laguerre)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <utility>
#include <string>
#include <vector>

#include "process_runner.hpp"

namespace {

using kpbench::median;

struct Options {
    std::vector<std::string> kruispunt;
    std::string ql = KP_QL_AMERICAN_PUT_EXE;
    int rounds = 5, rounds1m = 3, repeats = 3, threads = 2;
    std::vector<std::size_t> sizes;
    std::string regression = "equal";  // --regression-paths: equal (N), default, or a count
    bool quick = false, withQl = true, probe = true, floors = true, engine = true;
    std::string qlBetterBasis = "monomial";
    int qlBetterOrder = 3;
    std::vector<std::string> passthrough;
    std::vector<std::string> extraFloors;  // --floor 'CMD ARGS': more programs timed with the floors
};

enum class Kind { Kruispunt, Probe, QuantLib, Floor, Engine };

/// One program line of the table, and what its runs gave.
struct Config {
    Config(std::string l, Kind k, std::vector<std::string> a, std::vector<std::string> e, int runs)
        : label(std::move(l)), kind(k), argv(std::move(a)), env(std::move(e)), runsPerRound(runs) {}
    std::string label;
    Kind kind;
    std::vector<std::string> argv;
    std::vector<std::string> env;
    int runsPerRound = 1;
    std::vector<double> wall, inProcess, cpu, rssMb;
    std::vector<std::map<std::string, double>> probes;  // per run: probe points in ms after spawn
    std::vector<double> cold;                            // Engine: the first valuation (inProcess: warm)
    double value = NAN, stdError = NAN;
    long long paths = 0, regressionPaths = 0;
};

[[noreturn]] void usage(const std::string& why) {
    std::fprintf(stderr, "bench_process: %s (see the header comment of benchmarks/bench_process.cpp)\n", why.c_str());
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--") {
            o.passthrough.assign(argv + i + 1, argv + argc);
            break;
        }
        if (a == "--kruispunt") o.kruispunt.push_back(value());
        else if (a == "--ql") o.ql = value();
        else if (a == "--rounds") o.rounds = std::stoi(value());
        else if (a == "--rounds-1m") o.rounds1m = std::stoi(value());
        else if (a == "--repeats") o.repeats = std::stoi(value());
        else if (a == "--threads") o.threads = std::stoi(value());
        else if (a == "--paths") o.sizes.push_back(std::stoul(value()));
        else if (a == "--regression-paths") o.regression = value();
        else if (a == "--quick") o.quick = true;
        else if (a == "--no-quantlib") o.withQl = false;
        else if (a == "--no-probe") o.probe = false;
        else if (a == "--no-floors") o.floors = false;
        else if (a == "--no-engine") o.engine = false;
        else if (a == "--floor") o.extraFloors.push_back(value());
        else if (a == "--ql-better") {
            const std::string v = value();
            const auto colon = v.find(':');
            if (colon == std::string::npos) usage("--ql-better is '" + v + "', but must be BASIS:ORDER");
            o.qlBetterBasis = v.substr(0, colon);
            o.qlBetterOrder = std::stoi(v.substr(colon + 1));
        } else
            usage("unknown option " + a);
    }
    if (o.kruispunt.empty()) o.kruispunt.push_back(KP_KRUISPUNT_EXE);
    if (o.rounds < 1 || o.rounds1m < 1 || o.repeats < 1) usage("--rounds, --rounds-1m and --repeats must be >= 1");
    if (o.sizes.empty()) {
        o.sizes.push_back(100'000);
        if (!o.quick) o.sizes.push_back(1'000'000);
    }
    return o;
}

/// A --kruispunt or --floor value: leading NAME=value words (its environment), then the program and
/// its arguments.
struct Command {
    std::vector<std::string> env, argv;
};

Command splitCommand(const std::string& text) {
    Command c;
    std::istringstream in(text);
    for (std::string w; in >> w;) {
        if (c.argv.empty() && w.find('=') != std::string::npos) c.env.push_back(w);
        else c.argv.push_back(w);
    }
    if (c.argv.empty()) usage("'" + text + "' names no program");
    return c;
}

/// Regression paths at n pricing paths: n (equal), 0 (each program's default) or the given count.
std::size_t regressionPaths(const Options& o, std::size_t n) {
    if (o.regression == "equal") return n;
    if (o.regression == "default") return 0;
    return std::stoul(o.regression);
}

std::vector<std::string> kruispuntArgs(const Options& o, const std::string& spec, std::size_t n) {
    const Command cmd = splitCommand(spec);
    std::vector<std::string> a = cmd.argv;
    const std::vector<std::string> rest = {
        "price",  "american-put", "--spot",     "36", "--strike", "40", "--rate",
        "0.06",   "--vol",        "0.2",        "--maturity", "1", "--exercises", "50",
        "--paths", std::to_string(n), "--threads", std::to_string(o.threads), "--json"};
    a.insert(a.end(), rest.begin(), rest.end());
    if (const std::size_t m = regressionPaths(o, n)) a.insert(a.end(), {"--training-paths", std::to_string(m)});
    a.insert(a.end(), o.passthrough.begin(), o.passthrough.end());
    return a;
}

/// The programs of one size, in the order a round runs them.
std::vector<Config> configsFor(const Options& o, std::size_t n, bool withFloors) {
    std::vector<Config> c;
    const bool ab = o.kruispunt.size() > 1;
    auto tag = [&](std::size_t i) { return ab ? " [" + std::string(1, static_cast<char>('A' + i)) + "]" : std::string(); };
    for (std::size_t i = 0; i < o.kruispunt.size(); ++i)
        c.emplace_back(Config{"kruispunt" + tag(i), Kind::Kruispunt, kruispuntArgs(o, o.kruispunt[i], n),
                              splitCommand(o.kruispunt[i]).env, o.repeats});
    const std::string N = std::to_string(n), M = std::to_string(regressionPaths(o, n));
    // QuantLib's default: MakeMCAmericanEngine's 2,048 calibration samples, antithetic: 4,096 paths.
    const std::string qlM = regressionPaths(o, n) ? M : "4096";
    if (o.engine)
        c.emplace_back(Config{"LsmEngine in process (this build)", Kind::Engine,
                              {KP_BENCH_COLD_START_EXE, "--child", "--paths", N, "--training-paths", M, "--threads",
                               std::to_string(o.threads), "--boundary", "1", "--warm", "3"},
                              {}, 1});
    if (o.withQl)
        c.emplace_back(Config{"QuantLib monomial 2 (default)", Kind::QuantLib,
                     {o.ql, "--paths", N, "--calibration-paths", qlM, "--basis", "monomial", "--order", "2"}, {}, 1});
    if (o.probe)
        for (std::size_t i = 0; i < o.kruispunt.size(); ++i) {
            std::vector<std::string> env = splitCommand(o.kruispunt[i]).env;
            env.insert(env.end(), {"LD_PRELOAD=" KP_STARTUP_PROBE_LIB, "KP_PROBE_FD=3"});
            c.emplace_back(Config{"kruispunt" + tag(i) + " + probe", Kind::Probe, kruispuntArgs(o, o.kruispunt[i], n),
                                  env, o.repeats});
        }
    if (o.withQl)
        c.emplace_back(Config{"QuantLib " + o.qlBetterBasis + " " + std::to_string(o.qlBetterOrder), Kind::QuantLib,
                     {o.ql, "--paths", N, "--calibration-paths", qlM, "--basis", o.qlBetterBasis, "--order",
                      std::to_string(o.qlBetterOrder)},
                     {}, 1});
    if (withFloors) {
        c.emplace_back(Config{"empty main", Kind::Floor, {KP_STARTUP_FLOOR_EXE}, {}, o.repeats});
        c.emplace_back(Config{"empty main + kruispunt's libs", Kind::Floor, {KP_STARTUP_FLOOR_LIBS_EXE}, {}, o.repeats});
        for (std::size_t i = 0; i < o.kruispunt.size(); ++i) {
            Command help = splitCommand(o.kruispunt[i]);
            help.argv.insert(help.argv.end(), {"price", "american-put", "--help"});
            c.emplace_back(Config{"kruispunt" + tag(i) + " ... --help", Kind::Floor, help.argv, help.env, o.repeats});
        }
        for (const std::string& f : o.extraFloors) {
            const Command cmd = splitCommand(f);
            c.emplace_back(Config{f, Kind::Floor, cmd.argv, cmd.env, o.repeats});
        }
    }
    return c;
}

/// "probe ctor=1 start_main=2 ..." -> {"ctor": ms after spawn, ...} (points not reached are left out).
std::map<std::string, double> parseProbe(const std::string& line, std::int64_t spawnNs) {
    std::map<std::string, double> m;
    std::istringstream in(line);
    std::string word;
    in >> word;
    while (in >> word) {
        const auto eq = word.find('=');
        if (eq == std::string::npos) continue;
        const long long v = std::stoll(word.substr(eq + 1));
        const std::string key = word.substr(0, eq);
        if (key == "threads") m[key] = static_cast<double>(v);
        else if (v > 0) m[key] = static_cast<double>(v - spawnNs) * 1e-6;
    }
    return m;
}

void runOnce(Config& c) {
    const kpbench::ChildRun r = kpbench::runChild(c.argv, c.env, c.kind == Kind::Probe);
    if (r.exitCode != 0) {
        std::string cmd;
        for (const auto& a : c.argv) cmd += a + " ";
        usage("'" + cmd + "' exited with " + std::to_string(r.exitCode));
    }
    c.wall.push_back(r.wall);
    c.cpu.push_back(r.userCpu + r.sysCpu);
    c.rssMb.push_back(static_cast<double>(r.maxRssKb) / 1024.0);
    if (c.kind == Kind::Probe) c.probes.push_back(parseProbe(r.aux, r.spawnNs));
    if (c.kind == Kind::Floor) return;
    const auto j = nlohmann::json::parse(r.out);
    if (c.kind == Kind::Engine) {
        c.cold.push_back(j.at("cold").get<double>());
        c.inProcess.push_back(median(j.at("warm").get<std::vector<double>>()));
        c.value = j.at("value").get<double>();
        c.stdError = j.at("std_error").get<double>();
        return;
    }
    c.value = j.at("value").get<double>();
    c.stdError = j.at("std_error").get<double>();
    c.inProcess.push_back(j.at("seconds").get<double>());
    c.paths = j.at("paths").get<long long>();
    c.regressionPaths = j.contains("training_paths") ? j.at("training_paths").get<long long>()
                                                     : j.at("calibration_paths").get<long long>();
}

void printTable(const std::vector<Config>& cs) {
    std::printf("%-34s %4s %10s %21s %10s %10s %8s %7s %9s %8s\n", "program", "runs", "wall ms", "(min - max)",
                "in-proc ms", "outside ms", "cpu ms", "RSS MB", "value", "std err");
    for (const Config& c : cs) {
        if (c.kind == Kind::Engine) continue;  // printStartup's
        const double w = median(c.wall) * 1e3;
        char range[64], inproc[32] = "-", outside[32] = "-", value[32] = "-", se[32] = "-";
        std::snprintf(range, sizeof range, "(%.1f - %.1f)", kpbench::minOf(c.wall) * 1e3, kpbench::maxOf(c.wall) * 1e3);
        if (!c.inProcess.empty()) {
            const double ip = median(c.inProcess) * 1e3;
            std::snprintf(inproc, sizeof inproc, "%.1f", ip);
            std::snprintf(outside, sizeof outside, "%.1f", w - ip);
            std::snprintf(value, sizeof value, "%.5f", c.value);
            std::snprintf(se, sizeof se, "%.5f", c.stdError);
        }
        std::printf("%-34s %4zu %10.1f %21s %10s %10s %8.1f %7.1f %9s %8s\n", c.label.c_str(), c.wall.size(), w,
                    range, inproc, outside, median(c.cpu) * 1e3, median(c.rssMb), value, se);
    }
}

/// The tool's whole process against its own valuation (cold: its `seconds`) and against a warm
/// valuation of the same settings on a reused engine (bench_cold_start --child, boundary on, as the
/// tool asks for it).
void printStartup(const std::vector<Config>& cs) {
    const Config* engine = nullptr;
    for (const Config& c : cs)
        if (c.kind == Kind::Engine) engine = &c;
    if (!engine) return;
    const double warm = median(engine->inProcess), engineCold = median(engine->cold);
    std::printf("  LsmEngine in process, same settings: warm %.1f ms (%.1f - %.1f), first valuation of a fresh engine "
                "%.1f ms\n",
                warm * 1e3, kpbench::minOf(engine->inProcess) * 1e3, kpbench::maxOf(engine->inProcess) * 1e3,
                engineCold * 1e3);
    for (const Config& k : cs) {
        if (k.kind != Kind::Kruispunt) continue;
        const double cold = median(k.inProcess), whole = median(k.wall);
        std::printf("  %s: whole process %.1f ms = %.2fx warm; its own seconds (cold) %.1f ms = %.2fx warm; "
                    "outside its valuation %.1f ms\n",
                    k.label.c_str(), whole * 1e3, whole / warm, cold * 1e3, cold / warm, (whole - cold) * 1e3);
    }
}

void printRatios(const std::vector<Config>& cs) {
    for (const Config& k : cs) {
        if (k.kind != Kind::Kruispunt) continue;
        for (const Config& q : cs) {
            if (q.kind != Kind::QuantLib) continue;
            std::printf("  %s / %s: %.0fx whole process (%.0fx in process)\n", q.label.c_str(), k.label.c_str(),
                        median(q.wall) / median(k.wall), median(q.inProcess) / median(k.inProcess));
        }
    }
}

/// Median of a probe interval b - a over the runs that reached both points.
double probeSpan(const Config& c, const char* a, const char* b) {
    std::vector<double> d;
    for (const auto& p : c.probes)
        if ((!*a || p.count(a)) && p.count(b)) d.push_back(p.at(b) - (*a ? p.at(a) : 0.0));
    return d.empty() ? NAN : median(d);
}

void printProbe(const Config& c) {
    std::vector<double> inMain, rest, toThread, afterFini;
    for (std::size_t i = 0; i < c.probes.size(); ++i) {
        const auto& p = c.probes[i];
        if (p.count("main") && p.count("main_ret")) {
            inMain.push_back(p.at("main_ret") - p.at("main"));
            rest.push_back(inMain.back() - c.inProcess[i] * 1e3);
        }
        if (p.count("fini")) afterFini.push_back(c.wall[i] * 1e3 - p.at("fini"));
    }
    std::printf("%s: where the whole process goes (medians over %zu runs, ms; wall %.1f, valuation %.1f)\n",
                c.label.c_str(), c.probes.size(), median(c.wall) * 1e3, median(c.inProcess) * 1e3);
    std::printf("  spawn, exec, load and relocate the libraries     %7.2f\n", probeSpan(c, "", "getenv"));
    std::printf("  libraries' initialisers (libgomp ... QuantLib, TBB) %4.2f\n", probeSpan(c, "getenv", "start_main"));
    std::printf("  executable's static initialisers                 %7.2f\n", probeSpan(c, "start_main", "main"));
    std::printf("  main (CLI, valuation, output)                    %7.2f\n", median(inMain));
    std::printf("    of which main until the first thread           %7.2f (threads created: %.0f)\n",
                probeSpan(c, "main", "thread"), probeSpan(c, "", "threads"));
    std::printf("    of which outside the valuation's own seconds   %7.2f\n", median(rest));
    std::printf("  exit handlers and static destructors             %7.2f\n", probeSpan(c, "main_ret", "fini"));
    std::printf("  kernel teardown until wait4 returns              %7.2f\n", median(afterFini));
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    std::printf("Bermudan put S=36 K=40 r=0.06 sigma=0.2 T=1, 50 dates, whole processes; %d threads for "
                "Kruispunt, QuantLib single-threaded; hardware threads: %u\n",
                o.threads, std::max(1u, std::thread::hardware_concurrency()));
    for (std::size_t i = 0; i < o.kruispunt.size(); ++i) {
        std::printf("kruispunt%s command: ", o.kruispunt.size() > 1 ? (" [" + std::string(1, static_cast<char>('A' + i)) + "]").c_str() : "");
        for (const auto& e : splitCommand(o.kruispunt[i]).env) std::printf("%s ", e.c_str());
        for (const auto& a : kruispuntArgs(o, o.kruispunt[i], o.sizes.front())) std::printf("%s ", a.c_str());
        std::printf("\n");
    }
    for (std::size_t s = 0; s < o.sizes.size(); ++s) {
        const std::size_t n = o.sizes[s];
        const int rounds = n >= 1'000'000 ? o.rounds1m : o.rounds;
        std::vector<Config> cs = configsFor(o, n, o.floors && s == 0);
        const std::string loadBefore = kpbench::loadAverage();
        for (int round = 0; round < rounds; ++round)
            for (Config& c : cs)
                for (int r = 0; r < c.runsPerRound; ++r) runOnce(c);
        const std::size_t m = regressionPaths(o, n);
        const std::string regression = m ? std::to_string(m) + " regression paths"
                                         : "default regression paths (Kruispunt N/4 up to 2^18, QuantLib 4,096)";
        std::printf("\n== %zu pricing + %s; %d rounds; load average before: %s, after: %s\n", n, regression.c_str(),
                    rounds, loadBefore.c_str(), kpbench::loadAverage().c_str());
        printTable(cs);
        printStartup(cs);
        printRatios(cs);
        for (const Config& c : cs)
            if (c.kind == Kind::Probe) printProbe(c);
        std::fflush(stdout);
    }
    return 0;
}
