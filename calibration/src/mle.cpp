#include "kp/calibration/detail/mle.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>
#include <ql/math/optimization/costfunction.hpp>
#include <ql/math/optimization/endcriteria.hpp>
#include <ql/math/optimization/problem.hpp>
#include <ql/math/optimization/simplex.hpp>

#include "kp/core/errors.hpp"

namespace kp::calibration::detail {

namespace {

constexpr double kPenalty =
    1e100;  // cost where the likelihood is undefined (Simplex needs a number)

double toNatural(double u, const MleParameter& p) {
    switch (p.bound) {
        case Bound::Positive:
            return std::exp(u);
        case Bound::Correlation:
            return std::tanh(u);
        case Bound::None:
            break;
    }
    return u * p.scale;
}

double toUnconstrained(double theta, const MleParameter& p) {
    switch (p.bound) {
        case Bound::Positive:
            return std::log(theta);
        case Bound::Correlation:
            return std::atanh(std::clamp(theta, -0.999999, 0.999999));
        case Bound::None:
            break;
    }
    return theta / p.scale;
}

class NegativeLogLikelihood final : public QuantLib::CostFunction {
public:
    NegativeLogLikelihood(const MleProblem& p, std::size_t& evaluations)
        : p_(p), evaluations_(evaluations), theta_(p.parameters.size()) {}

    QuantLib::Real value(const QuantLib::Array& u) const override {
        for (std::size_t i = 0; i < theta_.size(); ++i)
            theta_[i] = toNatural(u[i], p_.parameters[i]);
        ++evaluations_;
        const double ll = p_.logLikelihood(theta_);
        return std::isfinite(ll) ? -ll : kPenalty;
    }
    QuantLib::Array values(const QuantLib::Array& u) const override {
        return QuantLib::Array(1, value(u));
    }

private:
    const MleProblem& p_;
    std::size_t& evaluations_;
    mutable std::vector<double> theta_;
};

/// Simplex from `u`, restarted with a smaller simplex until the optimum moves by < 1e-9 in logL.
/// Returns true when the last restart did not improve (converged).
bool simplexSearch(const MleProblem& problem, std::vector<double>& u, double& cost,
                   std::size_t& evaluations) {
    NegativeLogLikelihood f(problem, evaluations);
    QuantLib::NoConstraint none;
    const QuantLib::EndCriteria criteria(20000, 2000, 1e-8, 1e-12, 1e-10);
    QuantLib::Array x(u.begin(), u.end());
    cost = f.value(x);
    bool converged = false;
    double lambda = 0.5;
    for (int restart = 0; restart < 12; ++restart) {
        QuantLib::Problem qp(f, none, x);
        QuantLib::Simplex simplex(lambda);
        simplex.minimize(qp, criteria);
        const QuantLib::Array& y = qp.currentValue();
        const double c = f.value(y);
        const double improvement = cost - c;
        if (c <= cost) {
            x = y;
            cost = c;
        }
        if (improvement < 1e-9 && restart > 0) {
            converged = true;
            break;
        }
        lambda = std::max(0.02, lambda * 0.5);
    }
    u.assign(x.begin(), x.end());
    return converged && cost < kPenalty;
}

}  // namespace

Eigen::MatrixXd observedInformation(const std::function<double(const std::vector<double>&)>& logLik,
                                    const std::vector<double>& theta, const std::vector<double>& h,
                                    std::size_t& evaluations) {
    const std::size_t k = theta.size();
    Eigen::MatrixXd info(k, k);
    std::vector<double> x = theta;
    auto f = [&](const std::vector<double>& y) {
        ++evaluations;
        return logLik(y);
    };
    const double f0 = f(x);
    std::vector<double> fp(k), fm(k);
    for (std::size_t i = 0; i < k; ++i) {
        x[i] = theta[i] + h[i];
        fp[i] = f(x);
        x[i] = theta[i] - h[i];
        fm[i] = f(x);
        x[i] = theta[i];
        info(i, i) = -(fp[i] - 2.0 * f0 + fm[i]) / (h[i] * h[i]);
    }
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = i + 1; j < k; ++j) {
            double s = 0.0;
            for (int si : {1, -1})
                for (int sj : {1, -1}) {
                    x[i] = theta[i] + si * h[i];
                    x[j] = theta[j] + sj * h[j];
                    s += si * sj * f(x);
                }
            x[i] = theta[i];
            x[j] = theta[j];
            info(i, j) = info(j, i) = -s / (4.0 * h[i] * h[j]);
        }
    return info;
}

MleSolution maximiseLikelihood(const MleProblem& problem) {
    const std::size_t k = problem.parameters.size();
    KP_REQUIRE(!problem.starts.empty(),
               "maximiseLikelihood: number of starting points is 0, but must be positive");
    MleSolution best;
    double bestCost = std::numeric_limits<double>::infinity();
    std::size_t evaluations = 0;
    for (const auto& start : problem.starts) {
        std::vector<double> u(k);
        for (std::size_t i = 0; i < k; ++i) u[i] = toUnconstrained(start[i], problem.parameters[i]);
        double cost = 0.0;
        const bool converged = simplexSearch(problem, u, cost, evaluations);
        if (cost < bestCost) {
            bestCost = cost;
            best.theta.resize(k);
            for (std::size_t i = 0; i < k; ++i)
                best.theta[i] = toNatural(u[i], problem.parameters[i]);
            best.converged = converged;
        }
    }
    best.logLikelihood = -bestCost;
    best.covariance =
        Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k),
                                  std::numeric_limits<double>::quiet_NaN());
    if (!(bestCost < kPenalty)) {
        best.status = "the likelihood is undefined at every point the optimiser tried";
        best.evaluations = evaluations;
        return best;
    }

    // Parameters at the edge of their range (a volatility driven to 0, a correlation to +-1) are
    // held there: the others' standard errors are computed given them, theirs are unavailable.
    std::vector<std::size_t> active;
    std::string atEdge;
    for (std::size_t i = 0; i < k; ++i) {
        const auto& p = problem.parameters[i];
        const double t = best.theta[i];
        const bool edge = (p.bound == Bound::Positive && t < 1e-3 * p.scale) ||
                          (p.bound == Bound::Correlation && std::abs(t) > 0.999);
        if (edge)
            atEdge += (atEdge.empty() ? "" : ", ") + p.name;
        else
            active.push_back(i);
    }
    const std::size_t ka = active.size();
    auto reducedLogLik = [&](const std::vector<double>& ta) {
        std::vector<double> full = best.theta;
        for (std::size_t a = 0; a < ka; ++a) full[active[a]] = ta[a];
        return problem.logLikelihood(full);
    };
    std::vector<double> ta(ka);
    for (std::size_t a = 0; a < ka; ++a) ta[a] = best.theta[active[a]];

    // Finite-difference steps that keep every parameter inside its domain.
    auto feasibleStep = [&](std::size_t a, double h) {
        const auto& p = problem.parameters[active[a]];
        const double t = ta[a];
        switch (p.bound) {
            case Bound::Positive:
                return std::min(h, 0.5 * t);
            case Bound::Correlation:
                return std::min(h, 0.5 * (1.0 - std::abs(t)));
            case Bound::None:
                break;
        }
        return h;
    };
    std::vector<double> h(ka);
    for (std::size_t a = 0; a < ka; ++a)
        h[a] =
            feasibleStep(a, 1e-4 * std::max(std::abs(ta[a]), problem.parameters[active[a]].scale));

    // Pass 0 finds the scale of the standard errors; pass 1 refines with steps of 0.1 SE. If pass 1
    // fails (the likelihood is far from quadratic within a standard error), pass 0's result stands.
    bool ok = false;
    Eigen::MatrixXd cov;
    for (int pass = 0; pass < 2 && ka > 0; ++pass) {
        const Eigen::MatrixXd info = observedInformation(reducedLogLik, ta, h, evaluations);
        if (!info.allFinite()) break;
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(info);
        if (eig.info() != Eigen::Success || !(eig.eigenvalues().minCoeff() > 0.0)) break;
        cov = eig.eigenvectors() * eig.eigenvalues().cwiseInverse().asDiagonal() *
              eig.eigenvectors().transpose();
        ok = true;
        for (std::size_t a = 0; a < ka; ++a) {
            const auto aa = static_cast<Eigen::Index>(a);
            h[a] = feasibleStep(a, 0.1 * std::sqrt(cov(aa, aa)));
        }
    }
    best.standardErrorsAvailable = ok && atEdge.empty();
    if (ok)
        for (std::size_t a = 0; a < ka; ++a)
            for (std::size_t b = 0; b < ka; ++b)
                best.covariance(static_cast<Eigen::Index>(active[a]),
                                static_cast<Eigen::Index>(active[b])) =
                    cov(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
    if (!best.converged)
        best.status = "the optimiser did not converge (estimates are the best point found)";
    else if (!atEdge.empty())
        best.status =
            "at the edge of its range: " + atEdge +
            " (the model reduces to a simpler one; standard errors of the others are given "
            "with it held there)";
    else if (!ok)
        best.status =
            "the observed information is not positive definite (a parameter is not identified by "
            "this series): standard errors unavailable";
    else
        best.status = "ok";
    best.evaluations = evaluations;
    return best;
}

}  // namespace kp::calibration::detail
