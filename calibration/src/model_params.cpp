#include "kp/calibration/model_params.hpp"

#include <memory>

#include "kp/core/errors.hpp"

namespace kp::calibration {

namespace {
void requireModel(const FitResult& fit, const char* model) {
    KP_REQUIRE(fit.model == model, "model parameters: fitted model is '", fit.model,
               "', but must be '", model, "' for this conversion");
}
}  // namespace

GbmParams toGbmParams(const FitResult& fit) {
    requireModel(fit, "gbm");
    return {fit.lastPrice, fit.value("mu"), 0.0, fit.value("sigma")};
}

ExpOuParams toExpOuParams(const FitResult& fit) {
    requireModel(fit, "ou");
    const double kappa = fit.value("kappa");
    KP_REQUIRE(kappa > 0, "model parameters: fitted kappa is ", kappa,
               ", but must be positive to build an exponential OU model (the series shows no mean "
               "reversion; use gbm)");
    return {fit.lastPrice, kappa, fit.value("sigma"), {0.0}, {fit.value("theta")}};
}

SchwartzSmithParams toSchwartzSmithParams(const FitResult& fit) {
    requireModel(fit, "schwartz-smith");
    KP_REQUIRE(fit.state.size() == 2, "model parameters: number of filtered states is ",
               fit.state.size(), ", but must be 2 (chi, xi)");
    return {fit.state[0].value, fit.state[1].value,    fit.value("kappa"), fit.value("sigma_chi"),
            fit.value("mu_xi"), fit.value("sigma_xi"), fit.value("rho")};
}

MertonJumpParams toMertonJumpParams(const FitResult& fit) {
    requireModel(fit, "jump");
    return {fit.lastPrice,        fit.value("mu"),     0.0,
            fit.value("sigma"),   fit.value("lambda"), fit.value("jump_mean"),
            fit.value("jump_vol")};
}

ModelPtr makeModel(const FitResult& fit) {
    if (fit.model == "gbm") return std::make_shared<Gbm>(toGbmParams(fit));
    if (fit.model == "ou") return std::make_shared<ExpOu>(toExpOuParams(fit));
    if (fit.model == "schwartz-smith")
        return std::make_shared<SchwartzSmith>(toSchwartzSmithParams(fit));
    if (fit.model == "jump") return std::make_shared<MertonJump>(toMertonJumpParams(fit));
    ::kp::detail::throwInvalid("model parameters: model is '", fit.model,
                               "', but must be gbm, ou, schwartz-smith or jump");
}

}  // namespace kp::calibration
