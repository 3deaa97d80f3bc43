//! \brief Tests the counter-based normal generator (core/random.hpp) and the vectorisable math
//! (core/vmath.hpp): Philox bit for bit against Random123, exp/log/sin/cos against libm, the normals'
//! distribution by a chi-squared test on equiprobable bins, and independence from block boundaries.

#include <Random123/philox.h>
#include <doctest/doctest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdint>
#include <vector>
#include <algorithm>

#include "kp/core/random.hpp"

TEST_SUITE("core") {
TEST_CASE("philoxBlock matches Random123 philox4x32-10 bit for bit") {
    const std::uint64_t seed = 0x0123456789abcdefULL;
    const std::uint64_t first = 0xfffffff0ULL;  // crosses the 32-bit boundary of the low word
    const std::size_t n = 64;
    std::vector<std::uint32_t> o0(n), o1(n), o2(n), o3(n);
    kp::detail::philoxBlock(first, n, 7u, 0x00050003u, seed, o0.data(), o1.data(), o2.data(), o3.data());
    r123::Philox4x32 gen;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t c = first + i;
        r123::Philox4x32::ctr_type ctr = {{static_cast<std::uint32_t>(c),
                                           static_cast<std::uint32_t>(c >> 32), 7u, 0x00050003u}};
        r123::Philox4x32::key_type key = {{static_cast<std::uint32_t>(seed),
                                           static_cast<std::uint32_t>(seed >> 32)}};
        const auto r = gen(ctr, key);
        CAPTURE(i);
        CHECK(o0[i] == r[0]);
        CHECK(o1[i] == r[1]);
        CHECK(o2[i] == r[2]);
        CHECK(o3[i] == r[3]);
    }
}

TEST_CASE("vmath exp, log and sin/cos agree with libm to 1e-15 relative") {
    double worstExp = 0, worstLog = 0, worstTrig = 0;
    for (int i = 0; i <= 200000; ++i) {
        const double x = -700.0 + 1400.0 * i / 200000.0;
        worstExp = std::max(worstExp, std::abs(kp::vmath::exp(x) / std::exp(x) - 1));
        const double y = -30.0 + 60.0 * i / 200000.0;
        worstExp = std::max(worstExp, std::abs(kp::vmath::exp(y) / std::exp(y) - 1));
        const double u = (i + 0.5) / 200001.0;
        worstLog = std::max(worstLog, std::abs(kp::vmath::log(u) - std::log(u)) /
                                          std::max(1e-300, std::abs(std::log(u))));
        const double v = std::ldexp(1.0 + u, -60 + (i % 120));
        worstLog = std::max(worstLog, std::abs(kp::vmath::log(v) - std::log(v)) /
                                          std::max(1e-300, std::abs(std::log(v))));
        double s, c;
        kp::vmath::sinCosTurn(u, s, c);
        worstTrig = std::max(worstTrig, std::abs(s - std::sin(2 * M_PI * u)));
        worstTrig = std::max(worstTrig, std::abs(c - std::cos(2 * M_PI * u)));
    }
    CAPTURE(worstExp);
    CAPTURE(worstLog);
    CAPTURE(worstTrig);
    CHECK(worstExp < 1e-15);
    CHECK(worstLog < 1e-15);
    CHECK(worstTrig < 1e-15);
}

TEST_CASE("normals pass a chi-squared test on 100 equiprobable bins") {
    const std::uint64_t seed = 20261127;
    const std::size_t n = 1'000'000, bins = 100;
    std::vector<double> z(n);
    kp::NormalScratch scr;
    for (bool anti : {false, true}) {
        kp::fillNormals(seed, 1, 3, 0, 0, n, z.data(), anti, scr);
        boost::math::normal nd;
        std::vector<double> edges(bins - 1);
        for (std::size_t b = 0; b + 1 < bins; ++b)
            edges[b] = quantile(nd, static_cast<double>(b + 1) / bins);
        std::vector<double> count(bins, 0.0);
        for (double x : z)
            ++count[std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()];
        double chi2 = 0;
        const double expect = static_cast<double>(n) / bins;
        for (double c : count) chi2 += (c - expect) * (c - expect) / expect;
        const double p = cdf(complement(boost::math::chi_squared(bins - 1.0), chi2));
        CAPTURE(anti);
        CAPTURE(chi2);
        CAPTURE(p);
        CHECK(p > 1e-6);
    }
}

TEST_CASE("a path's normal does not depend on the block it is generated in") {
    const std::uint64_t seed = 99;
    kp::NormalScratch scr;
    for (bool anti : {false, true}) {
        std::vector<double> whole(4000), part(4000);
        kp::fillNormals(seed, 2, 5, 1, 0, 4000, whole.data(), anti, scr);
        // same paths in uneven blocks that start on multiples of 4
        std::size_t starts[] = {0, 4, 1028, 2048, 3996, 4000};
        for (int b = 0; b + 1 < 6; ++b)
            kp::fillNormals(seed, 2, 5, 1, starts[b], starts[b + 1] - starts[b], part.data() + starts[b],
                            anti, scr);
        CHECK(whole == part);
        if (anti) CHECK(whole[0] == -whole[1]);
    }
    std::vector<double> a(8), b(8);
    kp::fillNormals(seed, 2, 5, 1, 0, 8, a.data(), false, scr);
    kp::fillNormals(seed, 2, 6, 1, 0, 8, b.data(), false, scr);
    CHECK(a != b);  // another step gives other numbers
}

TEST_CASE("counter layout: the simulator's slots, the valuation-date and the inner-start slots are disjoint") {
    // Every slot a simulation can take: every stream, steps 1 .. 400 of a grid (the longest
    // valuation grid: 100 years of quarters), every dimension of a model set of up to 64 Brownian
    // and auxiliary dimensions, plain and with the step offsets of the upper bound's inner
    // simulations ((k + 1) << 16 for dates k < 400). The valuation-date draws (arrivals) take step 0
    // of every stream, dimensions 0 .. 63: none of the simulator's slots may be one of them.
    using kp::CounterLayout;
    using kp::Stream;
    for (Stream st : {Stream::Training, Stream::Pricing, Stream::UpperBoundOuter, Stream::UpperBoundInner}) {
        for (std::size_t d = 0; d < 64; ++d) {
            const kp::CounterSlot a = CounterLayout::valuationDate(st, d);
            CHECK(a.step == 0);
            CHECK(a.dim == d);
            CHECK(a.stream == st);
        }
        std::uint32_t minStep = 0xFFFFFFFFu;
        for (std::uint32_t k = 0; k < 400; ++k) {
            const std::uint32_t offset = st == Stream::UpperBoundInner ? (k + 1) << 16 : 0;
            for (std::size_t step = 1; step <= 400; ++step)
                for (std::size_t d = 0; d < 64; d += 21)
                    minStep = std::min(minStep, CounterLayout::factorStep(st, step, d, offset).step);
        }
        CAPTURE(static_cast<int>(st));
        CHECK(minStep >= 1);  // never step 0: disjoint from every valuation-date draw
    }
    // the inner simulations' start draws (redrawn arrival dates): step (k + 1) << 16, which no
    // factor step of that simulation ((k + 1) << 16 + j, j >= 1), no other inner simulation's and no
    // valuation-date draw takes
    bool clash = false;
    for (std::uint32_t k = 0; k < 400; ++k) {
        const kp::CounterSlot a = CounterLayout::innerStart(Stream::UpperBoundInner, k, 3);
        clash |= a.step != (k + 1) << 16 || a.dim != 3 || a.step == 0;
        for (std::uint32_t k2 = 0; k2 < 400; ++k2)
            for (std::size_t step = 1; step <= 400; ++step)
                clash |= CounterLayout::factorStep(Stream::UpperBoundInner, step, 3, (k2 + 1) << 16).step == a.step;
    }
    CHECK(!clash);
    // the technology-risk draws: step 0 like the valuation-date draws, dimensions from 2^15 on,
    // which no valuation-date draw (dimension < 2^15) takes
    for (Stream st : {Stream::Training, Stream::Pricing}) {
        for (std::size_t d : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, CounterLayout::kRiskDraws - 1}) {
            const kp::CounterSlot r = CounterLayout::technologyRisk(st, d);
            CHECK(r.step == 0);
            CHECK(r.dim == CounterLayout::kRiskDraws + d);
            CHECK(r.dim < (1u << 16));
            CHECK(r.dim >= CounterLayout::valuationDate(st, CounterLayout::kRiskDraws - 1).dim + 1);
        }
    }
    // and the numbers differ: the first arrival's normal is not the first step's of dimension 0
    kp::NormalScratch scr;
    std::vector<double> a(8), b(8);
    kp::fillNormals(5, CounterLayout::valuationDate(Stream::Pricing, 0), 0, 8, a.data(), true, scr);
    kp::fillNormals(5, CounterLayout::factorStep(Stream::Pricing, 1, 0), 0, 8, b.data(), true, scr);
    CHECK(a != b);
}
}
