#include "kp/models/model.hpp"

#include "kp/core/errors.hpp"

namespace kp {

void Model::scaleInitialPrice(double*, std::size_t, std::size_t, const double*) const {
    detail::throwInvalid("model: this model cannot start its paths from another price, but must for the first date's "
                         "trigger (use gbm, ou, schwartz-smith or jump)");
}

void PriceStateModel::initialState(double* state, std::size_t, std::size_t n) const {
    for (std::size_t i = 0; i < n; ++i) state[i] = spot_;
}

void PriceStateModel::scaleInitialPrice(double* state, std::size_t, std::size_t n, const double* factor) const {
    for (std::size_t i = 0; i < n; ++i) state[i] *= factor[i];
}

}  // namespace kp
