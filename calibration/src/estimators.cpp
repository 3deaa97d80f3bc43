#include "kp/calibration/estimators.hpp"

#include <cmath>

#include "kp/core/errors.hpp"

namespace kp::calibration {

ModelKind parseModelKind(const std::string& name) {
    if (name == "gbm") return ModelKind::Gbm;
    if (name == "ou") return ModelKind::ExpOu;
    if (name == "schwartz-smith") return ModelKind::SchwartzSmith;
    if (name == "jump") return ModelKind::MertonJump;
    ::kp::detail::throwInvalid("model is '", name,
                               "', but must be gbm, ou, schwartz-smith or jump");
}

std::string toString(ModelKind kind) {
    switch (kind) {
        case ModelKind::Gbm:
            return "gbm";
        case ModelKind::ExpOu:
            return "ou";
        case ModelKind::SchwartzSmith:
            return "schwartz-smith";
        case ModelKind::MertonJump:
            return "jump";
    }
    return "?";
}

std::size_t freeParameterCount(ModelKind kind) {
    switch (kind) {
        case ModelKind::Gbm:
            return 2;
        case ModelKind::ExpOu:
            return 3;
        case ModelKind::SchwartzSmith:
            return 4;
        case ModelKind::MertonJump:
            return 5;
    }
    return 0;
}

std::size_t minimumObservations(ModelKind kind) { return 10 * freeParameterCount(kind) + 1; }

FitResult fitModel(ModelKind kind, const TimeSeries& series, const FitOptions& options) {
    const std::string what = "model '" + toString(kind) + "' (" +
                             std::to_string(freeParameterCount(kind)) + " free parameters)";
    requireMinimumSize(series, minimumObservations(kind), what);
    requirePositive(series, "the log-price " + what);
    const std::vector<double> t = series.times(options.timeBasis);
    switch (kind) {
        case ModelKind::Gbm:
            return fitGbm(t, series.values, options);
        case ModelKind::ExpOu:
            return fitExpOu(t, series.values, options);
        case ModelKind::SchwartzSmith:
            return fitSchwartzSmith(t, series.values, options);
        case ModelKind::MertonJump:
            return fitMertonJump(t, series.values, options);
    }
    ::kp::detail::throwInvalid("fitModel: model kind is unknown, but must be one of the four");
}

}  // namespace kp::calibration
