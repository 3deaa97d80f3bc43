#pragma once
/// \file estimate.hpp
/// A Monte Carlo figure: the estimate and its standard error, in the same units. Every engine
/// reports its results with it (option values, probabilities of default, sensitivities).

namespace kp {

struct Estimate {
    double value = 0;
    double stdError = 0;  ///< standard error of `value`
};

}  // namespace kp
