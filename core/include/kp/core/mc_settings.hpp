#pragma once
/// \file mc_settings.hpp
/// The Monte Carlo vocabulary every engine shares: how many paths, which seed, how many threads,
/// antithetic pairs or not, and the regression basis of least-squares Monte Carlo. Every engine's
/// settings embed McSettings (LsmSettings, InvestmentSettings, LoanPricingSettings,
/// StructuralCreditSettings), and the case file's `simulation` section is read into one, so each
/// default is defined here and nowhere else (an engine that needs another default states it in
/// its own settings' constructor, with the reason).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "kp/core/errors.hpp"

namespace kp {

/// Regression bases of LSM (engine/include/kp/engine/basis.hpp says what each one is).
enum class BasisType { Monomial, Laguerre, Spline, Hybrid };

/// "monomial", "laguerre" or "spline"; anything else throws kp::InvalidInput.
inline BasisType parseBasisType(const std::string& name) {
    if (name == "monomial") return BasisType::Monomial;
    if (name == "laguerre") return BasisType::Laguerre;
    if (name == "spline") return BasisType::Spline;
    if (name == "hybrid") return BasisType::Hybrid;
    detail::throwInvalid("basis: '", name, "' is not a basis, but must be 'monomial', 'laguerre', 'hybrid' or 'spline'");
}

inline std::string toString(BasisType type) {
    switch (type) {
        case BasisType::Monomial: return "monomial";
        case BasisType::Laguerre: return "laguerre";
        case BasisType::Spline: return "spline";
        case BasisType::Hybrid: return "hybrid";
    }
    return "?";
}

struct McSettings {
    std::size_t paths = 100'000;    ///< pricing paths (even with antithetic sampling)
    std::size_t trainingPaths = 0;  ///< regression paths; 0: defaultTrainingPaths(paths)
    std::uint64_t seed = 42;        ///< non-zero (seeds are explicit; 0 is refused, never "from the clock")
    std::size_t threads = 0;        ///< 0: all hardware threads
    bool antithetic = true;         ///< antithetic pairs, averaged before accumulating
    /// The regression basis of the investment engine, chosen by measurement against the exact
    /// oracle and on the examples (docs/valuation.md, "Regression basis"): quadratic monomials of
    /// the standardised features plus `degree` weighted Laguerre functions of each widely spread one.
    BasisType basis = BasisType::Hybrid;
    int degree = 5;                 ///< total degree (monomial, laguerre) or Laguerre functions per feature (hybrid)
    /// Independently trained rules, each on its own training paths and pricing its share of the
    /// pricing paths: the spread between them puts the noise of the trained rule into the standard
    /// errors (the investment engine; the Bermudan engine trains one).
    std::size_t rules = 8;
};

/// Regression paths when the user gives none: a quarter of the pricing paths, at least 20,000 (or
/// all of them, if fewer), at most 2^18 (so memory stays bounded however many paths are priced).
inline std::size_t defaultTrainingPaths(std::size_t paths) {
    return std::clamp(paths / 4, std::min<std::size_t>(paths, 20'000), std::size_t{1} << 18);
}

/// The regression paths of settings s (its own, or the default), even with antithetic sampling.
inline std::size_t trainingPathsOf(const McSettings& s) {
    std::size_t n = s.trainingPaths ? s.trainingPaths : defaultTrainingPaths(s.paths);
    if (s.antithetic && n % 2) ++n;
    return n;
}

}  // namespace kp
