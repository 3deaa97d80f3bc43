#include "kp/engine/basis.hpp"

#include <algorithm>
#include <cmath>

#include "kp/core/errors.hpp"
#include "kp/core/vmath.hpp"

namespace kp {

namespace {
void enumerate(std::size_t f, std::size_t features, int left, std::vector<int>& cur,
               std::vector<std::vector<int>>& out) {
    if (f == features) {
        out.push_back(cur);
        return;
    }
    for (int a = 0; a <= left; ++a) {
        cur[f] = a;
        enumerate(f + 1, features, left - a, cur, out);
    }
    cur[f] = 0;
}
}  // namespace

Basis::Basis(BasisType type, int degree, std::size_t features, int knots, std::vector<bool> laguerre)
    : type_(type), degree_(degree), features_(features) {
    KP_REQUIRE(degree >= 1 && degree <= 8, "basis: degree is ", degree, ", but must be from 1 to 8");
    KP_REQUIRE(features >= 1, "basis: number of features is 0, but must be at least 1");
    KP_REQUIRE(type != BasisType::Spline || features == 1, "basis: the spline basis takes one feature, "
               "but this problem has ", features, " (use monomial or laguerre)");
    KP_REQUIRE(knots >= 0 && knots <= 32, "basis: number of knots is ", knots, ", but must be from 0 to 32");
    if (type == BasisType::Spline)
        for (int i = 1; i <= knots; ++i) knots_.push_back(-2.0 + 4.0 * i / (knots + 1.0));
    std::vector<int> cur(features, 0);
    int monomialDegree = degree;
    if (type == BasisType::Hybrid) {  // monomials to degree 2, then `degree` Laguerre functions per chosen feature
        KP_REQUIRE(laguerre.empty() || laguerre.size() == features, "basis: the Laguerre mask has ", laguerre.size(),
                   " entries, but must have one per feature (", features, ")");
        monomialDegree = std::min(degree, 2);
        for (std::size_t f = 0; f < features; ++f)
            if (laguerre.empty() || laguerre[f]) laguerreFeatures_.push_back(f);
    }
    enumerate(0, features, monomialDegree, cur, terms_);
    // order by total degree so the constant comes first and the design matrix is graded
    std::stable_sort(terms_.begin(), terms_.end(), [](const auto& a, const auto& b) {
        int sa = 0, sb = 0;
        for (int x : a) sa += x;
        for (int x : b) sb += x;
        return sa < sb;
    });
    parent_.assign(terms_.size(), 0);
    factor_.assign(terms_.size(), 0);
    for (std::size_t t = 1; t < terms_.size(); ++t) {
        std::size_t f = 0;
        while (terms_[t][f] == 0) ++f;
        std::vector<int> par = terms_[t];
        --par[f];
        parent_[t] = static_cast<std::size_t>(std::find(terms_.begin(), terms_.end(), par) - terms_.begin());
        factor_[t] = f;
    }
    KP_REQUIRE(size() <= kMaxSize, "basis: ", size(), " basis functions (degree ", degree, " in ", features,
               " features), but must be at most ", kMaxSize);
}

std::size_t Basis::sizeFor(BasisType type, int degree, std::size_t features, int knots,
                           std::size_t laguerreFeatures) {
    if (degree < 1 || features < 1) return 0;
    // monomials of total degree <= m in f features: C(f + m, m)
    auto monomials = [&](int m) {
        double c = 1;
        for (int i = 1; i <= m; ++i) c = c * static_cast<double>(features + static_cast<std::size_t>(i)) / i;
        return static_cast<std::size_t>(c + 0.5);
    };
    switch (type) {
        case BasisType::Monomial: return monomials(degree);
        case BasisType::Laguerre: return monomials(degree) + 1;
        case BasisType::Spline: return features == 1 ? monomials(degree) + static_cast<std::size_t>(knots) : 0;
        case BasisType::Hybrid: return monomials(std::min(degree, 2)) + laguerreFeatures * static_cast<std::size_t>(degree);
    }
    return 0;
}

Basis::Scaling Basis::scaling(const std::vector<double>& mean, const std::vector<double>& sd) const {
    Scaling s;
    s.shift.resize(features_);
    s.scale.resize(features_);
    for (std::size_t f = 0; f < features_; ++f) {
        if (type_ == BasisType::Monomial || type_ == BasisType::Hybrid) {
            s.shift[f] = mean[f];
            s.scale[f] = sd[f] > 0 && std::isfinite(sd[f]) ? 1.0 / sd[f] : 1.0;
            if (type_ == BasisType::Hybrid) {
                const double m = std::abs(mean[f]);
                s.laguerre.push_back(m > 0 && std::isfinite(m) ? 1.0 / m : 1.0);
            }
        } else if (type_ == BasisType::Spline) {
            s.shift[f] = mean[f];
            s.scale[f] = sd[f] > 0 && std::isfinite(sd[f]) ? 1.0 / sd[f] : 1.0;
        } else {
            s.shift[f] = 0.0;
            const double m = std::abs(mean[f]);
            s.scale[f] = m > 0 && std::isfinite(m) ? 1.0 / m : 1.0;
        }
    }
    return s;
}

void Basis::evaluate(const Scaling& s, const double* x, std::size_t fstride, std::size_t n,
                     double* out, std::size_t ostride) const {
    if (type_ == BasisType::Monomial || type_ == BasisType::Spline || type_ == BasisType::Hybrid) {
        // term 0 is the constant; term t = term parent_[t] * z_{factor_[t]}, one multiply per path.
        std::fill(out, out + n, 1.0);
        for (std::size_t t = 1; t < terms_.size(); ++t) {
            const std::size_t f = factor_[t];
            const double* xf = x + f * fstride;
            const double sh = s.shift[f], sc = s.scale[f];
            const double* par = out + parent_[t] * ostride;
            double* o = out + t * ostride;
            for (std::size_t p = 0; p < n; ++p) o[p] = par[p] * ((xf[p] - sh) * sc);
        }
        for (std::size_t i = 0; i < knots_.size(); ++i) {  // (z - k_i)_+^d
            double* o = out + (terms_.size() + i) * ostride;
            const double kn = knots_[i], sh = s.shift[0], sc = s.scale[0];
            for (std::size_t p = 0; p < n; ++p) {
                const double t = std::max((x[p] - sh) * sc - kn, 0.0);
                double v = t;
                for (int j = 1; j < degree_; ++j) v *= t;
                o[p] = v;
            }
        }
        // Hybrid: per chosen feature f, exp(-X/2) L_k(X), k < degree, X = x / |mean|
        const auto K = static_cast<std::size_t>(degree_);
        for (std::size_t i = 0; i < laguerreFeatures_.size(); ++i) {
            const std::size_t f = laguerreFeatures_[i];
            const double* xf = x + f * fstride;
            const double sc = s.laguerre[f];
            double* o0 = out + (terms_.size() + i * K) * ostride;
            for (std::size_t p = 0; p < n; ++p) o0[p] = vmath::exp(-0.5 * (xf[p] * sc));  // k = 0
            if (K > 1) {
                double* o1 = o0 + ostride;
                for (std::size_t p = 0; p < n; ++p) o1[p] = o0[p] * (1.0 - xf[p] * sc);
            }
            for (std::size_t k = 1; k + 1 < K; ++k) {  // (k+1) L_{k+1} = (2k+1-X) L_k - k L_{k-1}
                const double* lm = o0 + static_cast<std::size_t>(k - 1) * ostride;
                const double* lk = o0 + static_cast<std::size_t>(k) * ostride;
                double* ln = o0 + static_cast<std::size_t>(k + 1) * ostride;
                const double kk = static_cast<double>(k);
                for (std::size_t p = 0; p < n; ++p)
                    ln[p] = ((2.0 * kk + 1.0 - xf[p] * sc) * lk[p] - kk * lm[p]) / (kk + 1.0);
            }
        }
        return;
    }
    // Laguerre: the constant, then products over features of exp(-X/2) L_a(X),
    // L_0 = 1, L_1 = 1 - X, (k+1) L_{k+1} = (2k+1-X) L_k - k L_{k-1}.
    std::fill(out, out + n, 1.0);
    for (std::size_t t = 0; t < terms_.size(); ++t) {
        double* o = out + (t + 1) * ostride;
        std::fill(o, o + n, 1.0);
        for (std::size_t f = 0; f < features_; ++f) {
            const int a = terms_[t][f];
            const double* xf = x + f * fstride;
            const double sc = s.scale[f];
            for (std::size_t p = 0; p < n; ++p) {
                const double X = xf[p] * sc;
                double l0 = 1.0, l1 = 1.0 - X;
                double l = a == 0 ? l0 : l1;
                for (int k = 1; k < a; ++k) {
                    const double l2 = ((2.0 * k + 1.0 - X) * l1 - k * l0) / (k + 1.0);
                    l0 = l1;
                    l1 = l2;
                    l = l2;
                }
                o[p] *= vmath::exp(-0.5 * X) * l;
            }
        }
    }
}

namespace {
/// sum_j beta_j z^j with z = (x - shift) scale, by Horner's rule: out = beta_D, then out = out z + beta_j
/// for j = D - 1 ... 0 (a multiply and an add, each rounded).
template <int D>
void hornerOne(const Basis::Scaling& s, const double* beta, const double* x, std::size_t n, double* out) {
    const double sh = s.shift[0], sc = s.scale[0];
    double b[D + 1];
    for (int j = 0; j <= D; ++j) b[j] = beta[j];
    for (std::size_t p = 0; p < n; ++p) {
        const double z = (x[p] - sh) * sc;
        double v = b[D];
        for (int j = D - 1; j >= 0; --j) v = v * z + b[j];
        out[p] = v;
    }
}
}  // namespace

void Basis::combine(const Scaling& s, const double* beta, const double* x, std::size_t fstride,
                    std::size_t n, double* out, double* scratch) const {
    if (!combineEvaluates()) {
        // Horner's rule in one vectorised pass over the paths (the degree a compile-time constant)
        switch (degree_) {
            case 1: return hornerOne<1>(s, beta, x, n, out);
            case 2: return hornerOne<2>(s, beta, x, n, out);
            case 3: return hornerOne<3>(s, beta, x, n, out);
            case 4: return hornerOne<4>(s, beta, x, n, out);
            case 5: return hornerOne<5>(s, beta, x, n, out);
            case 6: return hornerOne<6>(s, beta, x, n, out);
            case 7: return hornerOne<7>(s, beta, x, n, out);
            default: return hornerOne<8>(s, beta, x, n, out);
        }
    }
    evaluate(s, x, fstride, n, scratch, n);
    combineEvaluated(beta, scratch, n, out);
}

bool Basis::combineEvaluates() const {
    return !((type_ == BasisType::Monomial || (type_ == BasisType::Spline && knots_.empty())) && features_ == 1);
}

void Basis::combineEvaluated(const double* beta, const double* evaluated, std::size_t n, double* out) const {
    std::fill(out, out + n, 0.0);
    for (std::size_t j = 0; j < size(); ++j) {
        const double b = beta[j];
        const double* ph = evaluated + j * n;
        for (std::size_t p = 0; p < n; ++p) out[p] += b * ph[p];
    }
}

}  // namespace kp
