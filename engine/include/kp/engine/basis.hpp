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
    Basis(BasisType type, int degree, std::size_t features, int knots = 0);

    std::size_t size() const {
        return terms_.size() + (type_ == BasisType::Laguerre ? 1 : 0) + knots_.size();
    }
    BasisType type() const { return type_; }
    int degree() const { return degree_; }

    /// The affine map applied to feature f before the polynomials: u = (x - shift) * scale.
    struct Scaling {
        std::vector<double> shift, scale;
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

private:
    BasisType type_;
    int degree_;
    std::size_t features_;
    std::vector<std::vector<int>> terms_;  // exponent (or Laguerre order) per feature
    // Monomials: term t = term parent_[t] times feature factor_[t] (terms are graded by degree).
    std::vector<std::size_t> parent_, factor_;
    std::vector<double> knots_;  // spline knots in standardised units
};

}  // namespace kp
