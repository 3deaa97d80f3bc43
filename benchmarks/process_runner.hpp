#pragma once
// Runs a program as a child process and times it as a user would see it: posix_spawn, read its
// stdout until end of file, wait4. Shared by bench_process and bench_cold_start (benchmarks only).
//
// The wall time runs from just before posix_spawn to the return of wait4, so it holds the kernel's
// exec, the dynamic loader, every initialiser, main, the exit handlers and the kernel's teardown of
// the address space. CLOCK_MONOTONIC is used throughout, so a child can report its own time points
// on the same clock (bench_cold_start's child and the startup probe, startup_probe.cpp, do).
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace kpbench {

/// Nanoseconds on CLOCK_MONOTONIC (the clock std::chrono::steady_clock reads on Linux).
inline std::int64_t monotonicNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

/// One child process: what it printed and what it cost.
struct ChildRun {
    std::int64_t spawnNs = 0;  ///< CLOCK_MONOTONIC just before posix_spawn
    double wall = 0;           ///< seconds from spawnNs to the return of wait4
    double userCpu = 0, sysCpu = 0;
    long maxRssKb = 0, minorFaults = 0;
    int exitCode = -1;        ///< exit status, or -1 if the child died of a signal
    std::string out;          ///< everything the child wrote on stdout
    std::string aux;          ///< everything the child wrote on file descriptor 3 (the startup probe)
};

/// Runs argv[0] (a path) with arguments argv[1..], the parent's environment plus `env`
/// ("NAME=value" entries, which win over the parent's). Its stdout is captured into `out`; with
/// `auxFd3`, a second pipe is its file descriptor 3 and is captured into `aux`. stderr is inherited.
/// Throws std::runtime_error if the spawn fails.
inline ChildRun runChild(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                         bool auxFd3 = false) {
    int outPipe[2], auxPipe[2] = {-1, -1};
    if (pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    if (auxFd3 && pipe2(auxPipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);  // dup2 clears FD_CLOEXEC on the copy
    if (auxFd3) posix_spawn_file_actions_adddup2(&actions, auxPipe[1], 3);

    std::vector<std::string> envStrings;
    for (char** e = environ; *e; ++e) {
        const char* eq = std::strchr(*e, '=');
        const std::size_t nameLen = eq ? static_cast<std::size_t>(eq - *e) + 1 : std::strlen(*e);
        const bool overridden = std::any_of(env.begin(), env.end(), [&](const std::string& x) {
            return x.compare(0, nameLen, *e, nameLen) == 0;
        });
        if (!overridden) envStrings.emplace_back(*e);
    }
    envStrings.insert(envStrings.end(), env.begin(), env.end());
    std::vector<char*> envp, args;
    for (auto& s : envStrings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argCopy = argv;
    for (auto& s : argCopy) args.push_back(s.data());
    args.push_back(nullptr);

    ChildRun run;
    pid_t pid = 0;
    run.spawnNs = monotonicNs();
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(outPipe[1]);
    if (auxFd3) close(auxPipe[1]);
    if (rc != 0) {
        close(outPipe[0]);
        if (auxFd3) close(auxPipe[0]);
        throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
    }

    // Drain both pipes until the child closes them (at its exit), so it never blocks on a full pipe.
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {auxPipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&run.out, &run.aux};
    int open = auxFd3 ? 2 : 1;
    char buf[65536];
    while (open > 0) {
        if (poll(fds, auxFd3 ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < (auxFd3 ? 2 : 1); ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    int status = 0;
    rusage ru{};
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    run.wall = static_cast<double>(monotonicNs() - run.spawnNs) * 1e-9;
    run.userCpu = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) * 1e-6;
    run.sysCpu = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) * 1e-6;
    run.maxRssKb = ru.ru_maxrss;
    run.minorFaults = ru.ru_minflt;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

inline double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

inline double minOf(const std::vector<double>& v) { return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end()); }
inline double maxOf(const std::vector<double>& v) { return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()); }

/// The machine's load averages (1, 5, 15 minutes) as /proc/loadavg shows them.
inline std::string loadAverage() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

/// The path of the running executable (to spawn oneself).
inline std::string selfPath() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw std::runtime_error("cannot read /proc/self/exe");
    return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace kpbench
