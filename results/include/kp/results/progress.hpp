#pragma once
/// \file progress.hpp
/// A progress bar on stderr for valuations that take longer than about a second: paths priced,
/// rate and time left, redrawn at most ten times a second. Silent when stderr is not a terminal or
/// with --quiet. The engine reports pricing blocks through kp::PricingObserver (called from worker
/// threads), so the count is atomic and one thread draws at a time.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

#include "kp/engine/investment_lsm.hpp"

namespace kp::results {

class Progress final : public PricingObserver {
public:
    /// `total`: pricing paths over all the valuations this bar follows (a command that values a case
    /// k times passes k x paths). `quiet`: never draw.
    Progress(std::size_t total, std::string label, bool quiet);
    ~Progress() override;
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void onBlock(const PricingBlock& b) override { add(b.n); }
    bool needsPaths() const override { return false; }
    void add(std::size_t paths);
    /// Clears the bar (if drawn); called by the destructor too.
    void finish();

private:
    using Clock = std::chrono::steady_clock;
    std::size_t total_;
    std::string label_;
    bool enabled_;
    Clock::time_point start_;
    std::atomic<std::size_t> done_{0};
    std::atomic<bool> drawn_{false};
    std::mutex draw_;
    Clock::time_point lastDraw_;
};

}  // namespace kp::results
