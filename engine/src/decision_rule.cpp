#include "kp/engine/decision_rule.hpp"

#include <algorithm>

namespace kp {

void DateDesign::evaluate(const double* x, std::size_t stride, std::size_t n, double* out) const {
    const std::size_t nc = continuous.size(), pb = basisColumns();
    if (basis) basis->evaluate(scaling, x, stride, n, out, n);
    else std::fill_n(out, n, 1.0);
    for (std::size_t i = 0; i < indicators.size(); ++i) std::copy_n(x + (nc + i) * stride, n, out + (pb + i) * n);
}

void DateDesign::combine(const Eigen::VectorXd& beta, const double* x, std::size_t stride, std::size_t n,
                         double* out, double* scratch) const {
    const std::size_t nc = continuous.size(), pb = basisColumns();
    if (basis) basis->combine(scaling, beta.data(), x, stride, n, out, scratch);
    else std::fill_n(out, n, beta(0));
    for (std::size_t i = 0; i < indicators.size(); ++i) {
        const double c = beta(static_cast<Eigen::Index>(pb + i));
        const double* ind = x + (nc + i) * stride;
        for (std::size_t p = 0; p < n; ++p) out[p] += c * ind[p];
    }
}

}  // namespace kp
