#pragma once
/// \file relined_project.hpp
/// The project after a reline (issue 14, "The plant's whole life"): the same plant with its life
/// extended by the reline's years, and the decisions still open to it. A reline bought to gain time
/// can be followed by a decarbonisation: relining in 2027 and building H2-DRI in 2035.
///
/// Design: the relined plant is a state with its own decision set, valued by the same engine. A
/// path that relines at d continues in the relined project from d on: its plant is the plant as it
/// is with remaining life L + A (A the years the reline adds; the decommissioning then at L + A),
/// and its options are every technology of the project that decarbonises the plant (not the reline,
/// not mothballing or its restart, not a technology beside the plant), each with its stage, window,
/// infrastructure, grant and subsidy as in the project, and the project's exits. Everything else
/// (prices, policy, grid, discounting, after-horizon values) is the project's. The engine trains a
/// rule on the relined project over the same training paths, and the reline decided at d is worth
/// -D_d capex + the relined rule's realised value from d on (kp::InvestmentLsm). So the cash flows
/// combine by construction: the extended life runs until a replacement operates (investValue's
/// plant part stops there and its decommissioning moves there), and no period counts the plant
/// twice; without a later decision the relined project's carry-on value is exactly the reline's
/// value as an alternative (the plant to L + A, the decommissioning at L + A).
///
/// Tested in tests/engine/reline_then_invest_test.cpp (deterministic limit against an enumeration
/// of reline year x later technology year; the option value never falls; outcome accounting).

#include <cstddef>
#include <vector>

#include "kp/instruments/investment_project.hpp"

namespace kp {

/// The relined project and how its options map back to the project's.
struct RelinedProject {
    InvestmentProject project;
    std::vector<std::size_t> technology;  ///< [j'] the project's technology index of relined technology j'
    std::vector<std::size_t> stage;       ///< [st'] the project's stage index of relined stage st'
};

/// The index of the reline among `pr.technologies` (Technology::isReline), -1 for none.
int relineIndex(const InvestmentProject& pr);

/// True when a reline is offered and the plant may still decide after it (Plant::investAfterReline)
/// with at least one decarbonisation technology or exit left: the engine then values the relined state.
bool hasRelinedState(const InvestmentProject& pr);

/// The project after the reline `pr.technologies[reline]` (see the file comment); kp::InvalidInput
/// if that option is not a reline.
RelinedProject relinedProject(const InvestmentProject& pr, std::size_t reline);

}  // namespace kp
