//! \brief Tests core value types: TimeGrid invariants and StateBlock layout.

#include <doctest/doctest.h>

#include "kp/core/state_block.hpp"
#include "kp/core/time_grid.hpp"

TEST_SUITE("core") {
TEST_CASE("TimeGrid validates its times") {
    CHECK_THROWS_AS(kp::TimeGrid({0.5, 1.0}), kp::InvalidInput);
    CHECK_THROWS_AS(kp::TimeGrid({0.0, 1.0, 1.0}), kp::InvalidInput);
    CHECK_THROWS_AS(kp::TimeGrid::uniform(-1.0, 4), kp::InvalidInput);
    CHECK_THROWS_AS(kp::TimeGrid::uniform(1.0, 0), kp::InvalidInput);
    const auto g = kp::TimeGrid::uniform(2.0, 4);
    CHECK(g.size() == 5);
    CHECK(g[4] == 2.0);
    CHECK(g.dt(1) == doctest::Approx(0.5));
}

TEST_CASE("StateBlock stores the path index contiguously") {
    kp::StateBlock b(3, 2, 5);
    b(1, 1, 3) = 7.0;
    CHECK(b.column(1, 1)[3] == 7.0);
    CHECK(b.column(1, 1) - b.column(0, 0) == (1 * 2 + 1) * 5);
}
}
