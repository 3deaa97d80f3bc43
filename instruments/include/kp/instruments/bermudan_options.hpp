#pragma once
/// \file bermudan_options.hpp
/// The canonical exercisable payoffs: single-asset Bermudan put/call and the Bermudan max-call on
/// several assets. Flat continuously compounded discounting at `rate`.
///
/// Tested through the engine against published values (tests/engine/lsm_test.cpp).

#include <algorithm>
#include <cmath>
#include <vector>

#include "kp/core/errors.hpp"
#include "kp/instruments/exercise_instrument.hpp"

namespace kp {

/// `count` equally spaced times T/count, 2T/count, ..., T.
inline std::vector<double> equallySpacedTimes(double maturity, std::size_t count) {
    KP_REQUIRE(std::isfinite(maturity) && maturity > 0, "exercise dates: maturity is ", maturity,
               ", but must be positive");
    KP_REQUIRE(count >= 1, "exercise dates: the number of exercise dates is 0, but must be at least 1");
    std::vector<double> t(count);
    for (std::size_t i = 0; i < count; ++i)
        t[i] = maturity * static_cast<double>(i + 1) / static_cast<double>(count);
    return t;
}

/// Bermudan put (K - S)^+ or call (S - K)^+ on state variable `variable` (default the price).
/// Regression feature: the price itself.
class BermudanVanilla final : public ExerciseInstrument {
public:
    enum class Type { Put, Call };
    BermudanVanilla(Type type, double strike, double rate, std::vector<double> times,
                    std::size_t variable = 0)
        : type_(type), strike_(strike), rate_(rate), times_(std::move(times)), var_(variable) {
        KP_REQUIRE(std::isfinite(strike) && strike > 0, "BermudanVanilla: strike is ", strike,
                   ", but must be positive");
        KP_REQUIRE(std::isfinite(rate), "BermudanVanilla: rate is ", rate, ", but must be finite");
        KP_REQUIRE(!times_.empty() && times_[0] > 0, "BermudanVanilla: exercise times must be positive");
        for (std::size_t i = 1; i < times_.size(); ++i)
            KP_REQUIRE(times_[i] > times_[i - 1], "BermudanVanilla: exercise time ", i, " is ", times_[i],
                       ", but must be after ", times_[i - 1]);
    }

    const std::vector<double>& exerciseTimes() const override { return times_; }
    double discount(double t) const override { return std::exp(-rate_ * t); }
    std::size_t featureCount() const override { return 1; }
    void exerciseValue(std::size_t, const double* state, std::size_t stride, std::size_t n,
                       double* out) const override {
        const double* s = state + var_ * stride;
        const double k = strike_;
        if (type_ == Type::Put)
            for (std::size_t p = 0; p < n; ++p) out[p] = std::max(k - s[p], 0.0);
        else
            for (std::size_t p = 0; p < n; ++p) out[p] = std::max(s[p] - k, 0.0);
    }
    void features(std::size_t, const double* state, std::size_t stride, std::size_t n, double* f,
                  std::size_t) const override {
        const double* s = state + var_ * stride;
        std::copy(s, s + n, f);
    }
    const double* featuresInState(std::size_t, const double* state, std::size_t stride) const override {
        return state + var_ * stride;
    }
    double strike() const { return strike_; }

private:
    Type type_;
    double strike_, rate_;
    std::vector<double> times_;
    std::size_t var_;
};

/// Bermudan call on the maximum of several prices: (max_i S_i - K)^+, the prices being state
/// variables `variables`. Regression features: the largest and second largest price, and the payoff
/// (as in Longstaff & Schwartz 2001, section 3 / Andersen & Broadie 2004).
class BermudanMaxCall final : public ExerciseInstrument {
public:
    BermudanMaxCall(double strike, double rate, std::vector<double> times,
                    std::vector<std::size_t> variables)
        : strike_(strike), rate_(rate), times_(std::move(times)), vars_(std::move(variables)) {
        KP_REQUIRE(std::isfinite(strike) && strike > 0, "BermudanMaxCall: strike is ", strike,
                   ", but must be positive");
        KP_REQUIRE(vars_.size() >= 1, "BermudanMaxCall: number of assets is 0, but must be at least 1");
        KP_REQUIRE(!times_.empty() && times_[0] > 0, "BermudanMaxCall: exercise times must be positive");
    }
    const std::vector<double>& exerciseTimes() const override { return times_; }
    double discount(double t) const override { return std::exp(-rate_ * t); }
    std::size_t featureCount() const override { return vars_.size() >= 2 ? 3 : 2; }
    void exerciseValue(std::size_t, const double* state, std::size_t stride, std::size_t n,
                       double* out) const override {
        for (std::size_t p = 0; p < n; ++p) out[p] = state[vars_[0] * stride + p];
        for (std::size_t a = 1; a < vars_.size(); ++a) {
            const double* s = state + vars_[a] * stride;
            for (std::size_t p = 0; p < n; ++p) out[p] = std::max(out[p], s[p]);
        }
        for (std::size_t p = 0; p < n; ++p) out[p] = std::max(out[p] - strike_, 0.0);
    }
    void features(std::size_t, const double* state, std::size_t stride, std::size_t n, double* f,
                  std::size_t fs) const override {
        double* first = f;
        double* second = f + fs;
        for (std::size_t p = 0; p < n; ++p) {
            first[p] = state[vars_[0] * stride + p];
            second[p] = -1e300;
        }
        for (std::size_t a = 1; a < vars_.size(); ++a) {
            const double* s = state + vars_[a] * stride;
            for (std::size_t p = 0; p < n; ++p) {
                const double x = s[p];
                second[p] = std::max(second[p], std::min(first[p], x));
                first[p] = std::max(first[p], x);
            }
        }
        if (vars_.size() >= 2) {
            double* pay = f + 2 * fs;
            for (std::size_t p = 0; p < n; ++p) pay[p] = std::max(first[p] - strike_, 0.0);
        } else {
            for (std::size_t p = 0; p < n; ++p) second[p] = std::max(first[p] - strike_, 0.0);
        }
    }

private:
    double strike_, rate_;
    std::vector<double> times_;
    std::vector<std::size_t> vars_;
};

}  // namespace kp
