#pragma once
/// \file model_params.hpp
/// Fitted parameters as the models' own parameter structs, ready to build a kp::Model whose spot
/// (or initial state) is the last observation of the series.
///
/// - gbm  -> GbmParams{spot = last price, drift = mu, yield = 0, vol = sigma}
/// - ou   -> ExpOuParams{spot, kappa, sigma, meanTimes = {0}, meanLevels = {theta}} (kappa must be
/// > 0)
/// - schwartz-smith -> SchwartzSmithParams{chi0, xi0 = filtered state at the last date, kappa, ...}
/// - jump -> MertonJumpParams{spot, drift = mu, yield = 0, vol = sigma, intensity = lambda,
///           jumpMean = jump_mean, jumpVol = jump_vol}
/// The parameters are of the historical (real-world) measure; see docs/calibration.md.
/// Each throws InvalidInput if the fit is of another model or cannot build that model.

#include "kp/calibration/fit_result.hpp"
#include "kp/models/exp_ou.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/merton_jump.hpp"
#include "kp/models/schwartz_smith.hpp"

namespace kp::calibration {

GbmParams toGbmParams(const FitResult& fit);
ExpOuParams toExpOuParams(const FitResult& fit);
SchwartzSmithParams toSchwartzSmithParams(const FitResult& fit);
MertonJumpParams toMertonJumpParams(const FitResult& fit);

/// The model of `fit.model` built from the fit (dispatches to the conversions above).
ModelPtr makeModel(const FitResult& fit);

}  // namespace kp::calibration
