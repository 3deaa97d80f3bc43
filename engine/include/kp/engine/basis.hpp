#pragma once
/// \file basis.hpp
/// Regression bases for least-squares Monte Carlo: features (standardised per date) to a design matrix.
///
/// - Monomial: all products z_1^a_1 ... z_f^a_f with total degree a_1 + ... + a_f <= degree, where
///   z = (x - mean) / sd over the regression paths of that date. Standardising keeps the powers of
///   order one, so the least-squares problem is well conditioned (raw powers of S ~ 40 are not).
/// - Laguerre: the constant, and products of weighted Laguerre polynomials exp(-X/2) L_n(X) with total
///   degree <= degree, X = x / mean (Longstaff & Schwartz 2001, eq. (2); their put uses the constant
///   and L_0, L_1, L_2: degree 2).
/// - Hybrid (the investment engine's default): the monomials above to total degree min(degree, 2),
///   then for each feature chosen (the engine chooses those whose standard deviation is at least a
///   fifth of their mean: widely spread, skewed prices) `degree` weighted Laguerre functions
///   exp(-X/2) L_k(X), k < degree, X = x / |mean|. The quadratic monomials carry the level and the
///   interactions of all features; the Laguerre functions, which fade for large X, resolve the
///   option-like curvature near a boundary without the far tail dominating the fit (a cubic over a
///   lognormal price spread of a factor 100 does: measured against the exact oracle,
///   docs/valuation.md, "Regression basis").
/// - Spline (one feature only): a spline of the given degree in z with `knots` interior knots equally
///   spaced on [-2, 2] standard deviations, as the truncated power basis 1, z, ..., z^d, (z - k_i)_+^d.
///   Unlike a global polynomial, its error near the exercise boundary keeps falling as paths grow.

#include <cstddef>
#include <string>
#include <vector>

#include "kp/core/mc_settings.hpp"

namespace kp {


class Basis {
public:
    /// `laguerre` (Hybrid only): which features get Laguerre functions (empty: all).
    Basis(BasisType type, int degree, std::size_t features, int knots = 0, std::vector<bool> laguerre = {});

    /// The number of functions such a basis has (0 if its construction would be refused), without
    /// building it: what a caller checks before choosing a degree. `laguerreFeatures`: Hybrid only.
    static std::size_t sizeFor(BasisType type, int degree, std::size_t features, int knots = 0,
                               std::size_t laguerreFeatures = 0);
    /// The largest number of functions a basis may have.
    static constexpr std::size_t kMaxSize = 64;

    std::size_t size() const {
        return terms_.size() + (type_ == BasisType::Laguerre ? 1 : 0) + knots_.size() +
               laguerreFeatures_.size() * (type_ == BasisType::Hybrid ? static_cast<std::size_t>(degree_) : 0);
    }
    BasisType type() const { return type_; }
    int degree() const { return degree_; }

    /// The affine map applied to feature f before the polynomials: u = (x - shift) * scale.
    struct Scaling {
        std::vector<double> shift, scale;
        std::vector<double> laguerre;  ///< Hybrid: X = x * laguerre[f] (1 / |mean|) for the Laguerre terms
    };
    /// Scaling from per-feature mean and standard deviation of the regression paths.
    Scaling scaling(const std::vector<double>& mean, const std::vector<double>& sd) const;

    /// out[j * ostride + p] = basis function j at path p, p < n; features[f * fstride + p].
    void evaluate(const Scaling& s, const double* features, std::size_t fstride, std::size_t n,
                  double* out, std::size_t ostride) const;

    /// out[p] = sum_j beta[j] * basis function j at path p (the fitted continuation value). Uses
    /// Horner's rule for one monomial feature; otherwise evaluates into `scratch` (size() x n).
    void combine(const Scaling& s, const double* beta, const double* features, std::size_t fstride,
                 std::size_t n, double* out, double* scratch) const;
    /// True when combine evaluates the basis into its scratch (not Horner's rule): then
    /// combineEvaluated on an evaluate()d scratch gives combine's result bit for bit.
    bool combineEvaluates() const;
    /// combine's sum over the basis functions already in `evaluated` (size() x n, as evaluate gives
    /// them with ostride n); only when combineEvaluates().
    void combineEvaluated(const double* beta, const double* evaluated, std::size_t n, double* out) const;

private:
    BasisType type_;
    int degree_;
    std::size_t features_;
    std::vector<std::vector<int>> terms_;  // exponent (or Laguerre order) per feature
    // Monomials: term t = term parent_[t] times feature factor_[t] (terms are graded by degree).
    std::vector<std::size_t> parent_, factor_;
    std::vector<double> knots_;  // spline knots in standardised units
    std::vector<std::size_t> laguerreFeatures_;  // Hybrid: the features with Laguerre functions
};

}  // namespace kp
