#pragma once
/// \file model_set.hpp
/// Several factor models simulated jointly, their Brownian drivers correlated by one matrix.
///
/// State: the concatenation of the sub-models' states, model i's variables starting at stateOffset(i).
/// State variable 0 is model 0's price, so expectedPrice(t) is model 0's expectedPrice(t).
/// State names are "<i>.<name>", e.g. {"0.price", "1.price", "1.chi", "1.xi"}.
///
/// Normal layout per step (input of evolve), dimension d, d < brownianDimensions() +
/// auxiliaryDimensions():
///   d in [0, B)        independent normals; the set multiplies them by a square root L of the
///                      correlation (L L^T = correlation) and gives model i the rows
///                      [brownianOffset(i), brownianOffset(i) + brownianDimensions_i) of the result;
///   d in [B, B + A)    auxiliary normals, model 0's first, then model 1's, ..., passed through unchanged,
/// with B = sum of brownianDimensions_i and A = sum of auxiliaryDimensions_i. The correlation matrix
/// is over the models' Brownian input normals as each model defines them (see e.g. SchwartzSmith for
/// what its two inputs mean), so it is the correlation of the models' step increments.
///
/// Validation at construction: at least one model and no null one; correlation B x B, symmetric and
/// unit diagonal to 1e-12, entries in [-1, 1], smallest eigenvalue >= -1e-10 (positive semi-definite).
/// L is the Cholesky factor when the matrix is positive definite, otherwise the symmetric square root
/// V diag(sqrt(max(lambda, 0))) V^T of its eigen-decomposition.
///
/// evolve() works through the paths in chunks of kChunk, correlating into a thread_local scratch buffer
/// (no allocation once it has grown; nested ModelSets get their own buffer), and makes one virtual
/// call per sub-model per chunk. Tested in tests/models/models_test.cpp (empirical correlation of
/// increments, sub-model marginals, semi-definite and indefinite matrices, bad input).

#include <Eigen/Core>
#include <vector>

#include "kp/models/model.hpp"

namespace kp {

class ModelSet final : public Model {
public:
    /// Paths per internal chunk (the scratch buffer holds dims x kChunk doubles).
    static constexpr std::size_t kChunk = 512;

    ModelSet(std::vector<ModelPtr> models, Eigen::MatrixXd correlation);

    std::size_t size() const { return models_.size(); }
    const Model& model(std::size_t i) const { return *models_[i]; }
    /// Index of model i's first state variable in the set's state.
    std::size_t stateOffset(std::size_t i) const { return stateOffset_[i]; }
    /// Index of model i's first Brownian normal among the set's Brownian normals.
    std::size_t brownianOffset(std::size_t i) const { return brownianOffset_[i]; }
    const Eigen::MatrixXd& correlation() const { return correlation_; }

    std::size_t stateSize() const override { return stateOffset_.back(); }
    std::size_t brownianDimensions() const override { return brownianOffset_.back(); }
    std::size_t auxiliaryDimensions() const override { return auxiliaryOffset_.back(); }
    std::vector<std::string> stateNames() const override;
    void initialState(double* state, std::size_t stride, std::size_t n) const override;
    /// Scales model 0's initial price (Model's contract); scaleInitialPriceAt names the model.
    void scaleInitialPrice(double* state, std::size_t stride, std::size_t n, const double* factor) const override {
        scaleInitialPriceAt(0, state, stride, n, factor);
    }
    /// Scales the initial price of the model whose price is state variable `stateIndex` (which must
    /// be a model's price variable, stateOffset(i)).
    void scaleInitialPriceAt(std::size_t stateIndex, double* state, std::size_t stride, std::size_t n,
                             const double* factor) const;
    void evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                double* state, std::size_t stride, std::size_t n) const override;
    /// Model 0's expected price (state variable 0 is model 0's price).
    double expectedPrice(double t) const override { return models_[0]->expectedPrice(t); }

private:
    std::vector<ModelPtr> models_;
    Eigen::MatrixXd correlation_;
    std::vector<double> factor_;  ///< L, row-major B x B
    // offsets with one extra entry at the end holding the total
    std::vector<std::size_t> stateOffset_, brownianOffset_, auxiliaryOffset_;
};

}  // namespace kp
