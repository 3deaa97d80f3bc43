#include "kp/models/schwartz_smith.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "kp/core/errors.hpp"
#include "kp/core/vmath.hpp"

namespace kp {

namespace {

struct StepCov {
    double vChi, vXi, c;
};

StepCov stepCovariance(const SchwartzSmithParams& p, double dt) {
    const double k = p.kappa;
    return {p.sigmaChi * p.sigmaChi * -std::expm1(-2.0 * k * dt) / (2.0 * k),
            p.sigmaXi * p.sigmaXi * dt, p.rho * p.sigmaChi * p.sigmaXi * -std::expm1(-k * dt) / k};
}

}  // namespace

SchwartzSmith::SchwartzSmith(const SchwartzSmithParams& p, PricePath path) : p_(p), path_(std::move(path)) {
    KP_REQUIRE(std::isfinite(p.chi0), "SchwartzSmith: chi0 is ", p.chi0, ", but must be finite");
    KP_REQUIRE(std::isfinite(p.xi0), "SchwartzSmith: xi0 is ", p.xi0, ", but must be finite");
    KP_REQUIRE(std::isfinite(p.kappa) && p.kappa > 0, "SchwartzSmith: kappa is ", p.kappa,
               ", but must be positive");
    KP_REQUIRE(std::isfinite(p.sigmaChi) && p.sigmaChi >= 0, "SchwartzSmith: sigmaChi is ",
               p.sigmaChi, ", but must be non-negative");
    KP_REQUIRE(std::isfinite(p.muXi), "SchwartzSmith: muXi is ", p.muXi, ", but must be finite");
    KP_REQUIRE(std::isfinite(p.sigmaXi) && p.sigmaXi >= 0, "SchwartzSmith: sigmaXi is ", p.sigmaXi,
               ", but must be non-negative");
    KP_REQUIRE(p.rho >= -1.0 && p.rho <= 1.0, "SchwartzSmith: rho is ", p.rho,
               ", but must be in [-1, 1]");
    if (!path_.empty()) {
        PricePath::validate("SchwartzSmith", path_.times, path_.levels);
        KP_REQUIRE(p.muXi == 0, "SchwartzSmith: muXi is ", p.muXi, ", but must be 0 with a path (the path sets the trend)");
    }
}

double SchwartzSmith::xiDrift(double t0, double t1) const {
    if (path_.empty()) return p_.muXi * (t1 - t0);
    const double c = path_.mean ? 0.5 : 0.0;
    return logAnchor(t1) - logAnchor(t0) - c * (logVariance(t1) - logVariance(t0));
}

double SchwartzSmith::logMean(double t) const {
    if (!path_.empty())
        return std::exp(-p_.kappa * t) * p_.chi0 + logAnchor(t) - (path_.mean ? 0.5 * logVariance(t) : 0.0);
    return std::exp(-p_.kappa * t) * p_.chi0 + p_.xi0 + p_.muXi * t;
}

double SchwartzSmith::logVariance(double t) const {
    const StepCov v = stepCovariance(p_, t);
    return v.vChi + v.vXi + 2.0 * v.c;
}

double SchwartzSmith::expectedPrice(double t) const {
    return std::exp(logMean(t) + 0.5 * logVariance(t));
}

void SchwartzSmith::scaleInitialPrice(double* state, std::size_t stride, std::size_t n, const double* factor) const {
    for (std::size_t i = 0; i < n; ++i) {  // the short-term factor takes the shift: log S = chi + xi
        state[i] *= factor[i];
        state[stride + i] += std::log(factor[i]);
    }
}

void SchwartzSmith::initialState(double* state, std::size_t stride, std::size_t n) const {
    const double s0 = std::exp(p_.chi0 + p_.xi0);
    double* __restrict s = state;
    double* __restrict chi = state + stride;
    double* __restrict xi = state + 2 * stride;
    for (std::size_t i = 0; i < n; ++i) {
        s[i] = s0;
        chi[i] = p_.chi0;
        xi[i] = p_.xi0;
    }
}

void SchwartzSmith::evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                           double* state, std::size_t stride, std::size_t n) const {
    const double dt = t1 - t0;
    const double a = std::exp(-p_.kappa * dt);
    const double drift = xiDrift(t0, t1);
    const StepCov v = stepCovariance(p_, dt);
    // Cholesky of [[vChi, c], [c, vXi]]; |c| <= sqrt(vChi vXi) by Cauchy-Schwarz, the max() guards rounding
    const double l11 = std::sqrt(v.vChi);
    const double l21 = l11 > 0 ? v.c / l11 : 0.0;
    const double l22 = std::sqrt(std::max(0.0, v.vXi - l21 * l21));
    const double* __restrict z0 = normals;
    const double* __restrict z1 = normals + normalStride;
    double* __restrict s = state;
    double* __restrict chi = state + stride;
    double* __restrict xi = state + 2 * stride;
    for (std::size_t i = 0; i < n; ++i) {
        const double c = a * chi[i] + l11 * z0[i];
        const double x = xi[i] + drift + (l21 * z0[i] + l22 * z1[i]);
        chi[i] = c;
        xi[i] = x;
        s[i] = vmath::exp(c + x);
    }
}

}  // namespace kp
