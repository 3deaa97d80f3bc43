#include "kp/results/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace kp::results {

Progress::Progress(std::size_t total, std::string label, bool quiet)
    : total_(std::max<std::size_t>(total, 1)), label_(std::move(label)),
      enabled_(!quiet && ::isatty(STDERR_FILENO) == 1), start_(Clock::now()), lastDraw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::add(std::size_t paths) {
    const std::size_t done = done_.fetch_add(paths) + paths;
    if (!enabled_) return;
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (elapsed < 1.0) return;  // short runs stay silent
    std::unique_lock<std::mutex> lock(draw_, std::try_to_lock);
    if (!lock.owns_lock() || (now - lastDraw_ < std::chrono::milliseconds(100) && done < total_)) return;
    lastDraw_ = now;
    const double share = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    const double rate = static_cast<double>(done) / elapsed;
    const double left = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0.0;
    constexpr int kWidth = 28;
    const int filled = static_cast<int>(share * kWidth);
    std::fprintf(stderr, "\r%s [%.*s%*s] %3.0f%%  %zu/%zu paths  %.0f paths/s  %.0f s left \x1b[K",
                 label_.c_str(), filled, "############################", kWidth - filled, "", 100 * share,
                 std::min(done, total_), total_, rate, left);
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::finish() {
    std::lock_guard<std::mutex> lock(draw_);
    if (drawn_.exchange(false)) {
        std::fprintf(stderr, "\r\x1b[K");
        std::fflush(stderr);
    }
}

}  // namespace kp::results
