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
    if (basis) basis->combine(scaling, beta.data(), x, stride, n, out, scratch);
    else std::fill_n(out, n, beta(0));
    addIndicators(beta, x, stride, n, out);
}

void DateDesign::addIndicators(const Eigen::VectorXd& beta, const double* x, std::size_t stride, std::size_t n,
                               double* out) const {
    const std::size_t nc = continuous.size(), pb = basisColumns();
    for (std::size_t i = 0; i < indicators.size(); ++i) {
        const double c = beta(static_cast<Eigen::Index>(pb + i));
        const double* ind = x + (nc + i) * stride;
        for (std::size_t p = 0; p < n; ++p) out[p] += c * ind[p];
    }
}

void BlockEstimator::estimate(const Eigen::VectorXd& beta, double* out) {
    if (!dg_.basis || !dg_.basis->combineEvaluates()) return dg_.combine(beta, x_, stride_, n_, out, scratch_);
    if (!evaluated_) dg_.basis->evaluate(dg_.scaling, x_, stride_, n_, scratch_, n_), evaluated_ = true;
    dg_.basis->combineEvaluated(beta.data(), scratch_, n_, out);
    dg_.addIndicators(beta, x_, stride_, n_, out);
}

}  // namespace kp
