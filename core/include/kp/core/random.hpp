#pragma once
/// \file random.hpp
/// Counter-based standard normals: the draw for (seed, stream, path, step, dimension) is a pure
/// function of those five numbers, so any thread may generate any path and a seed gives the same
/// paths on any number of threads and in any block order.
///
/// Generator: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
/// the generator of the Random123 library. It is written here as loops over counters so that the
/// compiler vectorises it (calling Random123's `philox4x32` once per counter measured about 6x slower);
/// tests/core/random_test.cpp checks it bit for bit against Random123's own `philox4x32`.
///
/// Counter layout: {pair low 32 bits, pair high 32 bits, step, dimension | stream << 16}, key = seed.
/// Each Philox call yields two 52-bit uniforms and, by Box-Muller, two normals, given to paths 2j and
/// 2j+1 (pair j). With antithetic sampling, group j of four paths gets (z0, -z0, z1, -z1).
///
/// Box-Muller needs log, sqrt, sin and cos. glibc's scalar calls stop the loop vectorising (and
/// -ffast-math merges sin and cos into a scalar sincos), so vectorisable polynomial versions live in
/// detail below; their error against libm is below 1e-15 relative (tested).

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kp/core/vmath.hpp"

namespace kp {

/// Identifies an independent family of draws. Training and pricing paths use different streams.
enum class Stream : std::uint32_t {
    Training = 1,
    Pricing = 2,
    UpperBoundOuter = 3,
    UpperBoundInner = 4,
    Calibration = 5,
    User = 16,  ///< first stream free for callers
};

namespace detail {

constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr std::uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr std::uint32_t kPhiloxW1 = 0xBB67AE85u;

/// Philox4x32-10 on `count` counters {first + i (low, high), c2, c3}, writing the four output words.
/// A plain loop over arrays that GCC vectorises. The 32-bit words are held in 64-bit lanes, so that
/// each 32 x 32 -> 64-bit product is one vpmuludq with no shuffling between 32- and 64-bit lanes
/// (measured 1.9 against 3.7 ns a call with 32-bit lanes; the output is the same bit for bit).
inline void philoxBlock(std::uint64_t first, std::size_t count, std::uint32_t c2, std::uint32_t c3,
                        std::uint64_t seed, std::uint32_t* __restrict o0, std::uint32_t* __restrict o1,
                        std::uint32_t* __restrict o2, std::uint32_t* __restrict o3) {
    constexpr std::uint64_t kLow = 0xffffffffULL;
    const std::uint64_t key0 = seed & kLow;
    const std::uint64_t key1 = seed >> 32;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t ctr = first + i;
        std::uint64_t x0 = ctr & kLow, x1 = ctr >> 32, x2 = c2, x3 = c3;
        std::uint64_t k0 = key0, k1 = key1;
        for (int r = 0; r < 10; ++r) {
            const std::uint64_t p0 = std::uint64_t{kPhiloxM0} * x0;
            const std::uint64_t p1 = std::uint64_t{kPhiloxM1} * x2;
            x0 = (p1 >> 32) ^ x1 ^ k0;
            x1 = p1 & kLow;
            x2 = (p0 >> 32) ^ x3 ^ k1;
            x3 = p0 & kLow;
            k0 = (k0 + kPhiloxW0) & kLow;
            k1 = (k1 + kPhiloxW1) & kLow;
        }
        o0[i] = static_cast<std::uint32_t>(x0);
        o1[i] = static_cast<std::uint32_t>(x1);
        o2[i] = static_cast<std::uint32_t>(x2);
        o3[i] = static_cast<std::uint32_t>(x3);
    }
}

/// Uniform on (0, 1) from 52 random bits: (k + 1/2) 2^-52, never 0 or 1. Built from the bits
/// (1.k - (1 - 2^-53), exact) so that it vectorises without a uint64-to-double conversion.
inline double uniform52(std::uint32_t hi, std::uint32_t lo) {
    const std::uint64_t k = (static_cast<std::uint64_t>(hi) << 20) ^ (lo >> 12);
    return std::bit_cast<double>(0x3ff0000000000000ULL | k) - (1.0 - 0x1.0p-53);
}

}  // namespace detail

/// P(Z <= z) and P(Z > z) of a standard normal, each accurate in its own tail: what turns a
/// normal draw into a uniform (kp::ArrivalDistribution, kp::InvestmentInstrument::drawRisks) and the
/// closed forms of log-normal laws (kp::TechnologyRisk).
inline double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
inline double normalSurvival(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

/// One slot of the counter space: the normals of (stream, step, dimension) for every path.
struct CounterSlot {
    Stream stream;
    std::uint32_t step;
    std::uint32_t dim;  ///< < 2^16
};

/// The owner of the counter layout: which slot each draw of a path takes. Every draw of the engines
/// goes through these three functions, so no two uses can share random numbers:
///   - factorStep: the normals that advance the factors over step k >= 1 of a simulation grid
///     (kp::PathSimulator), dimension d of the model's Brownian and auxiliary dimensions;
///     `stepOffset` separates the inner simulations of the upper bound ((k + 1) << 16 for the
///     simulations started at date k, stream UpperBoundInner only);
///   - valuationDate: draws made once per path at the valuation date, step 0, which no simulation
///     step takes (a step counter is k + stepOffset >= 1): the infrastructure arrival dates of the
///     valuation engine take dimensions 0 .. arrivals - 1;
///   - innerStart: draws made once per path at the start of the upper bound's inner simulation
///     started at date k (stream UpperBoundInner), step (k + 1) << 16, which none of its factor steps
///     takes (they are (k + 1) << 16 + j, j >= 1): the investment bound's arrival dates redrawn
///     given "not arrived by k" take dimensions 0 .. arrivals - 1;
///   - technologyRisk: the technology-risk draws of a path (capex overrun, construction delay,
///     incidents: kp::TechnologyRisk), step 0 like valuationDate but dimensions 2^15 + draw, which
///     valuationDate (draw < 2^15) never takes.
/// tests/core/random_test.cpp checks that the four families are disjoint.
struct CounterLayout {
    static CounterSlot factorStep(Stream stream, std::size_t k, std::size_t dim, std::uint32_t stepOffset = 0) {
        assert(k >= 1 && dim < (1u << 16));
        return {stream, static_cast<std::uint32_t>(k) + stepOffset, static_cast<std::uint32_t>(dim)};
    }
    static constexpr std::size_t kRiskDraws = 1u << 15;  ///< technologyRisk draws available
    static CounterSlot valuationDate(Stream stream, std::size_t draw) {
        assert(draw < kRiskDraws);
        return {stream, 0, static_cast<std::uint32_t>(draw)};
    }
    static CounterSlot technologyRisk(Stream stream, std::size_t draw) {
        assert(draw < kRiskDraws);
        return {stream, 0, static_cast<std::uint32_t>(kRiskDraws + draw)};
    }
    static CounterSlot innerStart(Stream stream, std::size_t k, std::size_t draw) {
        assert(draw < (1u << 16) && k + 1 < (1u << 16));
        return {stream, static_cast<std::uint32_t>((k + 1) << 16), static_cast<std::uint32_t>(draw)};
    }
};

/// Scratch space for normal generation; reuse one per thread (the hot loop allocates nothing).
struct NormalScratch {
    static constexpr std::size_t kChunk = 256;
    alignas(64) std::uint32_t w0[kChunk], w1[kChunk], w2[kChunk], w3[kChunk];
    alignas(64) double z0[kChunk], z1[kChunk];
};

/// Fills out[i], i < n, with the standard normal of path firstPath + i at (step, dim) of `stream`.
/// Precondition: firstPath is a multiple of 4 (blocks start on whole antithetic groups).
inline void fillNormals(std::uint64_t seed, std::uint32_t stream, std::uint32_t step,
                        std::uint32_t dim, std::uint64_t firstPath, std::size_t n, double* out,
                        bool antithetic, NormalScratch& scr) {
    assert(firstPath % 4 == 0);
    assert(dim < (1u << 16) && stream < (1u << 16));
    const std::uint32_t c3 = dim | (stream << 16);
    const std::size_t perCall = antithetic ? 4 : 2;  // paths served by one Philox call
    const std::uint64_t firstCtr = firstPath / perCall;
    const std::size_t calls = (n + perCall - 1) / perCall;
    for (std::size_t done = 0; done < calls; done += NormalScratch::kChunk) {
        const std::size_t m = std::min(NormalScratch::kChunk, calls - done);
        detail::philoxBlock(firstCtr + done, m, step, c3, seed, scr.w0, scr.w1, scr.w2, scr.w3);
        for (std::size_t i = 0; i < m; ++i) {
            const double u1 = detail::uniform52(scr.w0[i], scr.w1[i]);
            const double u2 = detail::uniform52(scr.w2[i], scr.w3[i]);
            const double rad = std::sqrt(-2.0 * vmath::log(u1));
            double s, c;
            vmath::sinCosTurn(u2, s, c);
            scr.z0[i] = rad * c;
            scr.z1[i] = rad * s;
        }
        const std::size_t base = done * perCall;
        const std::size_t left = n - base;
        if (antithetic) {
            if (left >= 4 * m) {
                for (std::size_t i = 0; i < m; ++i) {
                    out[base + 4 * i] = scr.z0[i];
                    out[base + 4 * i + 1] = -scr.z0[i];
                    out[base + 4 * i + 2] = scr.z1[i];
                    out[base + 4 * i + 3] = -scr.z1[i];
                }
            } else {
                for (std::size_t k = 0; k < left; ++k) {
                    const double z = (k & 2) ? scr.z1[k / 4] : scr.z0[k / 4];
                    out[base + k] = (k & 1) ? -z : z;
                }
            }
        } else {
            if (left >= 2 * m) {
                for (std::size_t i = 0; i < m; ++i) {
                    out[base + 2 * i] = scr.z0[i];
                    out[base + 2 * i + 1] = scr.z1[i];
                }
            } else {
                for (std::size_t k = 0; k < left; ++k) out[base + k] = (k & 1) ? scr.z1[k / 2] : scr.z0[k / 2];
            }
        }
    }
}

}  // namespace kp

namespace kp {

/// fillNormals for a slot of the counter layout.
inline void fillNormals(std::uint64_t seed, const CounterSlot& slot, std::uint64_t firstPath, std::size_t n,
                        double* out, bool antithetic, NormalScratch& scr) {
    fillNormals(seed, static_cast<std::uint32_t>(slot.stream), slot.step, slot.dim, firstPath, n, out, antithetic,
                scr);
}

}  // namespace kp
