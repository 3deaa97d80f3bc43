#include "kp/models/model_set.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kp/core/errors.hpp"

namespace kp {

namespace {

constexpr double kSymmetryTolerance = 1e-12;
constexpr double kEigenvalueTolerance = 1e-10;

/// Per-thread scratch buffers, one per nesting level of ModelSet::evolve (a ModelSet may contain a
/// ModelSet). Callers keep only the data pointer: growing `levels` moves the vectors, not their data.
struct ScratchStack {
    std::vector<std::vector<double>> levels;
    std::size_t depth = 0;
};

class ScratchLease {
public:
    ScratchLease(ScratchStack& st, std::size_t size) : st_(st) {
        if (st_.levels.size() <= st_.depth) st_.levels.resize(st_.depth + 1);
        std::vector<double>& buf = st_.levels[st_.depth];
        if (buf.size() < size) buf.resize(size);
        data_ = buf.data();
        ++st_.depth;
    }
    ~ScratchLease() { --st_.depth; }
    ScratchLease(const ScratchLease&) = delete;
    ScratchLease& operator=(const ScratchLease&) = delete;
    double* data() const { return data_; }

private:
    ScratchStack& st_;
    double* data_;
};

}  // namespace

ModelSet::ModelSet(std::vector<ModelPtr> models, Eigen::MatrixXd correlation)
    : models_(std::move(models)), correlation_(std::move(correlation)) {
    KP_REQUIRE(!models_.empty(), "ModelSet: number of models is 0, but must be at least 1");
    stateOffset_.assign(1, 0);
    brownianOffset_.assign(1, 0);
    auxiliaryOffset_.assign(1, 0);
    for (std::size_t i = 0; i < models_.size(); ++i) {
        KP_REQUIRE(models_[i] != nullptr, "ModelSet: model ", i, " is null, but must be a model");
        stateOffset_.push_back(stateOffset_.back() + models_[i]->stateSize());
        brownianOffset_.push_back(brownianOffset_.back() + models_[i]->brownianDimensions());
        auxiliaryOffset_.push_back(auxiliaryOffset_.back() + models_[i]->auxiliaryDimensions());
    }
    const auto b = static_cast<Eigen::Index>(brownianOffset_.back());
    KP_REQUIRE(correlation_.rows() == b && correlation_.cols() == b,
               "ModelSet: the correlation matrix is ", correlation_.rows(), " x ",
               correlation_.cols(), ", but must be ", b, " x ", b,
               " (the sum of the models' Brownian dimensions)");
    for (Eigen::Index r = 0; r < b; ++r) {
        KP_REQUIRE(std::abs(correlation_(r, r) - 1.0) <= kSymmetryTolerance,
                   "ModelSet: correlation(", r, ", ", r, ") is ", correlation_(r, r),
                   ", but must be 1");
        for (Eigen::Index c = 0; c < b; ++c) {
            const double v = correlation_(r, c);
            KP_REQUIRE(v >= -1.0 && v <= 1.0, "ModelSet: correlation(", r, ", ", c, ") is ", v,
                       ", but must be in [-1, 1]");
            KP_REQUIRE(std::abs(v - correlation_(c, r)) <= kSymmetryTolerance,
                       "ModelSet: correlation(", r, ", ", c, ") is ", v,
                       ", but must equal correlation(", c, ", ", r, ") (", correlation_(c, r),
                       "): the matrix must be symmetric");
        }
    }
    if (b == 0) return;

    const Eigen::MatrixXd sym = 0.5 * (correlation_ + correlation_.transpose());
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sym);
    KP_REQUIRE(eig.info() == Eigen::Success,
               "ModelSet: the eigen-decomposition of the correlation matrix did not converge, "
               "but must, to check that it is positive semi-definite");
    const double minEigenvalue = eig.eigenvalues()(0);
    KP_REQUIRE(minEigenvalue >= -kEigenvalueTolerance,
               "ModelSet: the smallest eigenvalue of the correlation matrix is ", minEigenvalue,
               ", but must be >= ", -kEigenvalueTolerance,
               " (the correlation matrix is not positive semi-definite)");

    Eigen::MatrixXd root;
    const Eigen::LLT<Eigen::MatrixXd> llt(sym);
    if (llt.info() == Eigen::Success && llt.matrixL().toDenseMatrix().allFinite()) {
        root = llt.matrixL();
    } else {
        const Eigen::VectorXd s = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
        root = eig.eigenvectors() * s.asDiagonal() * eig.eigenvectors().transpose();
    }
    factor_.resize(static_cast<std::size_t>(b * b));
    for (Eigen::Index r = 0; r < b; ++r)
        for (Eigen::Index c = 0; c < b; ++c)
            factor_[static_cast<std::size_t>(r * b + c)] = root(r, c);
}

std::vector<std::string> ModelSet::stateNames() const {
    std::vector<std::string> names;
    names.reserve(stateSize());
    for (std::size_t i = 0; i < models_.size(); ++i)
        for (const std::string& s : models_[i]->stateNames())
            names.push_back(std::to_string(i) + "." + s);
    return names;
}

void ModelSet::scaleInitialPriceAt(std::size_t stateIndex, double* state, std::size_t stride, std::size_t n,
                                  const double* factor) const {
    for (std::size_t i = 0; i < models_.size(); ++i)
        if (stateOffset_[i] == stateIndex) return models_[i]->scaleInitialPrice(state + stateIndex * stride, stride, n, factor);
    detail::throwInvalid("ModelSet: state variable ", stateIndex, " is not a model's price, but must be one to shift it");
}

void ModelSet::initialState(double* state, std::size_t stride, std::size_t n) const {
    for (std::size_t i = 0; i < models_.size(); ++i)
        models_[i]->initialState(state + stateOffset_[i] * stride, stride, n);
}

void ModelSet::evolve(double t0, double t1, const double* normals, std::size_t normalStride,
                      double* state, std::size_t stride, std::size_t n) const {
    const std::size_t b = brownianDimensions();
    const std::size_t dims = b + auxiliaryDimensions();
    thread_local ScratchStack stack;
    const ScratchLease lease(stack, dims * kChunk);
    double* const scratch = lease.data();
    // scratch rows: model i owns rows [brownianOffset_[i] + auxiliaryOffset_[i], ...), first its
    // correlated Brownian normals, then its auxiliary ones, each row kChunk long
    for (std::size_t p0 = 0; p0 < n; p0 += kChunk) {
        const std::size_t m = std::min(kChunk, n - p0);
        for (std::size_t i = 0; i < models_.size(); ++i) {
            const std::size_t bi = brownianOffset_[i + 1] - brownianOffset_[i];
            const std::size_t ai = auxiliaryOffset_[i + 1] - auxiliaryOffset_[i];
            double* const base = scratch + (brownianOffset_[i] + auxiliaryOffset_[i]) * kChunk;
            for (std::size_t r = 0; r < bi; ++r) {
                const std::size_t j = brownianOffset_[i] + r;
                double* __restrict out = base + r * kChunk;
                std::fill(out, out + m, 0.0);
                for (std::size_t k = 0; k < b; ++k) {
                    const double l = factor_[j * b + k];
                    if (l == 0.0) continue;
                    const double* __restrict z = normals + k * normalStride + p0;
                    for (std::size_t p = 0; p < m; ++p) out[p] += l * z[p];
                }
            }
            for (std::size_t r = 0; r < ai; ++r)
                std::memcpy(base + (bi + r) * kChunk,
                            normals + (b + auxiliaryOffset_[i] + r) * normalStride + p0,
                            m * sizeof(double));
            models_[i]->evolve(t0, t1, base, kChunk, state + stateOffset_[i] * stride + p0, stride,
                               m);
        }
    }
}

}  // namespace kp
