#pragma once
/// \file lsm.hpp
/// Least-squares Monte Carlo (Longstaff & Schwartz 2001) for Bermudan exercise, with an optional
/// Andersen-Broadie (2004) dual upper bound.
///
/// Method:
/// 1. Training: `trainingPaths` paths (stream Training) are simulated and stored date-major
///    ([date][variable][path]). Backward from the last date, the discounted realised value of the
///    current policy is regressed on the basis of the in-the-money paths' features; the fitted
///    continuation value decides exercise. The least-squares problem is solved through the R factor
///    of a QR decomposition of [basis | value], computed by CholeskyQR2 from per-block Gram matrices
///    summed in block order (deterministic whatever the thread count; the in-the-money moments that
///    scale the basis are taken during the simulation, so each date needs two passes over the paths:
///    one applies the later date's rule, sets the date up and forms the first Gram matrix, one the
///    second), with a tall-skinny Householder QR as fallback. Standardised features keep the basis
///    well conditioned (never raw powers);
///    a rank-deficient R falls back to a complete orthogonal decomposition; a date with fewer
///    in-the-money paths than twice the basis size falls back to "exercise when in the money"
///    (counted in fallbackDates).
/// 2. Pricing: `paths` fresh paths (stream Pricing) are simulated forward, block by block, without
///    storage, and exercised by the trained rule. Because the rule was fitted on other paths, the price
///    is a low-biased estimate with an honest standard error (antithetic pairs averaged first).
/// 3. Upper bound (optional): Andersen & Broadie's duality with the martingale of the trained policy's
///    value, estimated by inner simulations from each outer path and date (Glasserman 2004, 8.7).
///
/// Memory: training storage is trainingPaths x dates x state variables x 8 bytes, plus (2 + features)
/// doubles per training path; pricing and upper-bound passes stream: their memory does not grow with
/// `paths`. So 10 million pricing paths need no more memory than the training set (by default a
/// quarter of the paths, at most 2^18 = 262,144: 2^18 x 120 dates x 4 variables x 8 B = 1 GB).
///
/// Tested in tests/engine/lsm_test.cpp against Longstaff & Schwartz (2001) Table 1, published
/// max-call values, McDonald-Siegel, and for determinism across thread counts.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kp/core/estimate.hpp"
#include "kp/core/mc_settings.hpp"
#include "kp/engine/basis.hpp"
#include "kp/engine/decision_rule.hpp"
#include "kp/instruments/exercise_instrument.hpp"
#include "kp/models/model.hpp"

namespace kp {

/// LSM settings: the shared Monte Carlo settings (kp/core/mc_settings.hpp) and the Bermudan
/// engine's own. Default basis: monomials of degree 4 (LS2001's put needs no more; measured in
/// lsm_validation_test).
struct LsmSettings : McSettings {
    LsmSettings() {
        basis = BasisType::Monomial;
        degree = 4;
        rules = 1;
    }
    int knots = 0;  ///< interior knots of the spline basis
    bool qmc = false;                   ///< randomised Sobol + Brownian bridge for the pricing paths
    std::size_t qmcReplications = 16;   ///< independent digital shifts (standard error from their spread)
    bool upperBound = false;
    std::size_t upperOuterPaths = 1000;
    std::size_t upperInnerPaths = 500;
    bool boundary = false;  ///< locate the exercise boundary per date when the feature is one-dimensional
};

struct LsmResult {
    double value = 0;     ///< price at time 0 (low-biased estimate)
    double stdError = 0;
    double ci95Low = 0, ci95High = 0;
    std::optional<Estimate> upperBound;
    std::vector<double> exerciseTimes;
    std::vector<double> exerciseProbability;  ///< per exercise date, fraction of pricing paths
    std::vector<double> boundary;  ///< per date, feature value where exercise starts (NaN if none)
    std::size_t paths = 0, trainingPaths = 0;
    std::size_t fallbackDates = 0;      ///< dates with too few in-the-money paths to regress
    std::size_t householderFits = 0;    ///< fits whose CholeskyQR2 failed (Householder QR instead)
    std::size_t rankDeficientFits = 0;  ///< fits with a rank-deficient design (minimum-norm solution)
    double seconds = 0;
};

/// A reusable valuation engine: keeps its buffers between calls, so repeated valuations of the same
/// size touch no new memory pages. It holds no trained state: train() returns the rule (a value,
/// kp::DecisionRule: per date the design and the continuation fit), price(…, rule, …) applies it on
/// fresh paths, on any engine object or number of threads.
class LsmEngine {
public:
    LsmEngine();
    ~LsmEngine();
    /// Simulates the training paths (stream Training) and fits the rule backwards.
    DecisionRule train(const Model& model, const ExerciseInstrument& instrument, const LsmSettings& s);
    /// Prices `rule` on fresh paths (stream Pricing), with the boundary and the upper bound if asked
    /// for. The settings' basis and degree are the rule's. kp::InvalidInput if the rule does not fit
    /// the instrument's dates and features.
    LsmResult price(const Model& model, const ExerciseInstrument& instrument, const DecisionRule& rule,
                    const LsmSettings& s);
    /// train, then price.
    LsmResult price(const Model& model, const ExerciseInstrument& instrument, const LsmSettings& s);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kp
