#pragma once
/// \file blocks.hpp
/// The engines' one way of running over paths in parallel: fixed blocks of kBlock paths, any block
/// on any thread, and every reduction formed per block and combined in block order (or over eight
/// fixed lanes inside a block, addLanes), so that a seed gives bit-identical results on any number
/// of threads (STYLE.md section 4). Internal to kp_engine.

#include <tbb/task_arena.h>

#include <algorithm>
#include <cstddef>

#include "kp/engine/parallel.hpp"

namespace kp::detail {

/// Paths per block: fixed, so that results never depend on the number of threads. 1,024 paths keep a
/// block's working arrays in the first- and second-level caches and give the default regression set
/// of 100,000-path runs (25,000 paths) enough blocks to balance two threads (measured: 1.8x from 1 to
/// 2 threads, against 1.2x with 4,096-path blocks).
inline constexpr std::size_t kBlock = 1024;

inline std::size_t blocksOf(std::size_t n) { return (n + kBlock - 1) / kBlock; }

/// Eight partial sums (lanes) added in the fixed order every reduction of the engines uses.
inline double addLanes(const double* l) {
    return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

// threadCount and forEachIndex: kp/engine/parallel.hpp (shared with the statistics after a valuation)
using kp::forEachIndex;
using kp::threadCount;

/// body(b, first, n) for every block b of the paths 0 .. paths - 1 (first: its first path, n <=
/// kBlock: its paths), in parallel in `arena`. body writes only block- or path-indexed storage.
template <class Body>
void forEachBlock(tbb::task_arena& arena, std::size_t paths, Body&& body) {
    forEachIndex(arena, blocksOf(paths), [&](std::size_t b) {
        const std::size_t first = b * kBlock;
        body(b, first, std::min(kBlock, paths - first));
    });
}

}  // namespace kp::detail
