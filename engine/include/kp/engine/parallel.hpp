#pragma once
/// \file parallel.hpp
/// Independent tasks in parallel on a given number of threads, each writing only its own slot: the
/// loop every pass of the engines runs (engine/src/detail/blocks.hpp builds the fixed path blocks on
/// it) and the one for statistics computed after a valuation (results::downside), so that the same
/// inputs give the same figures on any number of threads.

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstddef>
#include <thread>

namespace kp {

/// The number of threads of `threads` (0: all hardware threads).
inline int threadCount(std::size_t threads) {
    return static_cast<int>(threads ? threads : std::max(1u, std::thread::hardware_concurrency()));
}

/// body(i) for i = 0 .. count - 1, in parallel in `arena`, one index per task (items are blocks of
/// paths, outer paths or whole statistics: large enough that the grain of one balances best).
template <class Body>
void forEachIndex(tbb::task_arena& arena, std::size_t count, Body&& body) {
    arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, count, 1),
            [&](const tbb::blocked_range<std::size_t>& r) {
                for (std::size_t i = r.begin(); i < r.end(); ++i) body(i);
            },
            tbb::simple_partitioner());
    });
}

}  // namespace kp
