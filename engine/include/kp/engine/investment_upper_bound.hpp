#pragma once
/// \file investment_upper_bound.hpp
/// A dual upper bound on the option value of an investment problem (kp::InvestmentLsm), to put
/// beside the engine's option value, which is a lower bound (the trained rule is one feasible
/// policy, priced on fresh paths): the true value lies in [option value, upper bound] up to Monte
/// Carlo error. Andersen & Broadie (2004, "Primal-dual simulation algorithm for pricing
/// multidimensional American options", eq. 5 and section 3), Rogers (2002), Haugh & Kogan (2004);
/// Glasserman (2004), section 8.7. The Bermudan engine's bound (kp::LsmEngine, lsm.cpp section 5)
/// has the same design.
///
/// What is bounded: the engine's option value, E[V] with V the total discounted value of the
/// strategy on a path (carry-on cash flows while waiting, then the value of the action taken:
/// invest in a technology, with its stage; close; or carry on to the horizon). Glossary, money
/// discounted to t = 0, one outer path:
///   A_t     = sum_{s < t} D_s base[s], the carry-on cash received before date t (A_H: never acting)
///   Z_t     = A_t + max over the actions allowed at t of E_t[their value]: E_t[I_j(t)] for a
///             technology (with a stage: plus the stage's value with perfect foresight of the path,
///             an upper bound on the stage option), D_t (value - cost) for an exit; Z_H = A_H
///   pi      the trained rule; L_t = A_t + E_t[value of following pi from t]
///   C_t     = A_t + E_t[D_t base[t] + value of following pi from t + 1]
///   M_t     the martingale of pi's value: M_{t0} = L_{t0}, M_t = M_{t-} + L_t - C_{t-} over the dates
///           where an action is allowed (and 0, H): between them pi waits and the terms cancel
///   gap     = max_t (Z_t - M_t);  upper = option value + E[gap]
/// For any policy and any martingale, E[max_t (Z_t - M_t + M_{t0})] >= the optimal value (Rogers);
/// with M from pi, the expectation of M_{t0} is pi's value, so upper = E[value of pi] + E[gap]. The
/// conditional expectations E_t[.] (E_t[I_j(t)], continuation and pi's value) are means over
/// `innerPaths` paths simulated from the outer path's state at t (nested simulation): their noise
/// has mean zero, so by Jensen's inequality it biases the bound up, never down.
///
/// Information: the rule decides on the prices so far and on whether each arrival date has passed
/// ("arrived by d", docs/valuation.md); the inner paths from date t have the same information: an
/// arrival date already passed is kept, one still to come is redrawn from its law given that it is
/// after t (exact conditional sampling, by the inverse CDF). One relaxation keeps it an upper bound
/// and loosens it: a technology with a stage is valued with the stage decided with perfect
/// foresight on each inner path (an upper bound of the stage option); pi's value (the martingale)
/// uses the stage rule.
/// With several rules (McSettings::rules), outer path o takes the martingale of rule
/// o * rules / outerPaths and the gaps are weighted by each rule's share of the pricing paths, the
/// weights of the option value: upper = sum_b w_b (value of rule b + E[gap_b]).
///
/// Cost: outerPaths x (dates with an action + 1) inner simulations of innerPaths paths over the rest
/// of the horizon, each with the instrument's cash flows and the rule applied: about
/// outerPaths x dates x innerPaths / 2 path-horizons (measured in docs/valuation.md, "Upper bound").
/// Memory: per thread, the buffers of one inner block (innerPaths paths).
///
/// Random numbers (kp::CounterLayout): outer paths on stream UpperBoundOuter (path 4 o, its arrival
/// dates in the valuation-date slots of that stream); inner paths from date t on stream
/// UpperBoundInner, factor steps with offset (t + 1) << 16, redrawn arrival dates in the innerStart
/// slots of t, paths o x innerPaths (rounded up to 4) on: disjoint from the training and pricing
/// paths. Each outer path runs on one thread, the gaps are combined in
/// outer-path order: bit-identical on any number of threads.
///
/// Tested in tests/engine/investment_upper_bound_test.cpp: determinism (1 and 2 threads), the
/// deterministic limit (bound = value), bad input; against the exact oracle on the one-factor
/// problems (slow): lower <= exact <= upper within 3 SE.

#include <cstddef>
#include <vector>

#include "kp/core/estimate.hpp"
#include "kp/engine/investment_lsm.hpp"

namespace kp {

/// Settings of the nested simulation (the seed, threads and antithetic sampling of the inner paths
/// are the valuation's, InvestmentSettings).
struct UpperBoundSettings {
    std::size_t outerPaths = 2000;  ///< at least 2 per rule
    std::size_t innerPaths = 200;   ///< per outer path and date; even with antithetic sampling
};

struct InvestmentUpperBound {
    Estimate value;   ///< the upper bound: lower + gap; SE from both (independent paths)
    Estimate lower;   ///< the option value it bounds (the valuation's, with its SE)
    Estimate gap;     ///< E[max_t (Z_t - M_t)], weighted over the rules, with its SE
    std::size_t outerPaths = 0, innerPaths = 0, rules = 0;
    double seconds = 0;
};

/// The dual upper bound of the option value `lower.optionValue` that InvestmentLsm::price(problem,
/// rules, settings) returned. kp::InvalidInput if the settings have a fixed policy (the bound is
/// the rules'), the rules are not those of the problem's shape, or `ub` is out of range.
InvestmentUpperBound investmentUpperBound(const InvestmentProblem& problem, const std::vector<InvestmentRule>& rules,
                                          const InvestmentSettings& settings, const InvestmentResult& lower,
                                          const UpperBoundSettings& ub = {});

}  // namespace kp
