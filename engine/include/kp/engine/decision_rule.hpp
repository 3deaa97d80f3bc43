#pragma once
/// \file decision_rule.hpp
/// A trained least-squares Monte Carlo rule as a value: per decision date, the regression design
/// (which features enter, the basis and its scaling) and the fitted coefficients of each target
/// (a continuation value, the value of each action). Both engines return one from training and take
/// one back to price: kp::LsmEngine (one target, the continuation value) and kp::InvestmentLsm
/// (waiting, each technology, each stage; kp::InvestmentRule). A rule holds no buffers and no
/// reference to the paths it was trained on: it can be copied, kept, and applied on any paths, by
/// any engine object, on any number of threads (ORE's McRegressionModel `train` / `apply`;
/// QuantLib's LongstaffSchwartzPathPricer `calibrate` then `operator()`).
///
/// Tested in tests/engine/lsm_test.cpp and tests/engine/investment_lsm_test.cpp (a rule trained once
/// prices on another engine object and another thread count bit for bit).

#include <Eigen/Dense>
#include <cstddef>
#include <optional>
#include <vector>

#include "kp/engine/basis.hpp"

namespace kp {

/// The regression design of one date. Features are passed selected, in the order `continuous`
/// then `indicators`: x[i * stride + p] is continuous feature i, x[(nc + i) * stride + p] indicator i.
struct DateDesign {
    std::vector<std::size_t> continuous;  ///< feature indices entering the basis
    std::vector<std::size_t> indicators;  ///< feature indices entering as a column each (0/1)
    std::optional<Basis> basis;           ///< over the continuous features; none: the constant alone
    Basis::Scaling scaling;
    /// For reading a one-feature rule (its exercise boundary): the range of the feature on the
    /// training paths and a histogram of its first (up to 8,192) training paths' values over that
    /// range in mass.size() equal bins. Empty when the engine does not record them.
    double lo = 0, hi = 0;
    std::vector<float> mass;

    std::size_t basisColumns() const { return basis ? basis->size() : 1; }
    std::size_t columns() const { return basisColumns() + indicators.size(); }
    /// The design columns of n paths: out[c * n + p], c < columns().
    void evaluate(const double* x, std::size_t stride, std::size_t n, double* out) const;
    /// out[p] = design row of path p times beta (size columns()); scratch: columns() x n doubles.
    void combine(const Eigen::VectorXd& beta, const double* x, std::size_t stride, std::size_t n, double* out,
                 double* scratch) const;
    /// out[p] += the indicator columns' terms of beta (what combine adds after the basis).
    void addIndicators(const Eigen::VectorXd& beta, const double* x, std::size_t stride, std::size_t n,
                       double* out) const;
};

/// One date's design on one block of paths, evaluated once for all the targets estimated on it:
/// estimate(beta, out) gives DateDesign::combine's result bit for bit, but evaluates the basis only
/// on its first call (a design without a basis, or one combined by Horner's rule, is combined as
/// before). x and scratch (columns() x n) must not change between the calls.
class BlockEstimator {
public:
    BlockEstimator(const DateDesign& dg, const double* x, std::size_t stride, std::size_t n, double* scratch)
        : dg_(dg), x_(x), stride_(stride), n_(n), scratch_(scratch) {}
    void estimate(const Eigen::VectorXd& beta, double* out);

private:
    const DateDesign& dg_;
    const double* x_;
    std::size_t stride_, n_;
    double* scratch_;
    bool evaluated_ = false;
};

/// The rule at one date: its design and the coefficients of each target (an empty vector: not
/// fitted at this date, e.g. an action outside its window).
struct DateRule {
    DateDesign design;
    std::vector<Eigen::VectorXd> beta;
    /// Too few regression paths to fit: the engine's documented fallback applies at this date
    /// (LsmEngine: exercise whenever in the money; InvestmentLsm: each target's mean).
    bool fallback = false;
};

struct DecisionRule {
    std::vector<DateRule> dates;
    std::size_t trainingPaths = 0;         ///< paths it was trained on
    std::size_t fallbackDates = 0;         ///< dates with too few paths to regress (DateRule::fallback)
    std::size_t resizedDates = 0;          ///< dates whose basis was given a lower degree than asked for
    std::size_t householderFits = 0;       ///< fits whose CholeskyQR2 failed and took the Householder QR
    std::size_t rankDeficientFits = 0;     ///< fits solved by a complete orthogonal decomposition
};

}  // namespace kp
