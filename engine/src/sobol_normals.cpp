#include "kp/engine/sobol_normals.hpp"

#include <cmath>
#include <ql/math/distributions/normaldistribution.hpp>
#include <ql/math/randomnumbers/sobolrsg.hpp>
#include <ql/methods/montecarlo/brownianbridge.hpp>

#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"

namespace kp {

namespace {

/// Philox counter word c3 of the digital-shift draws. kp::fillNormals puts dim | stream << 16
/// there, so it meets this value only for stream 0xFFFF and dim 0xFFFF.
constexpr std::uint32_t kShiftTag = 0xFFFFFFFFu;

/// Number of paths (Sobol points) per replication: QuantLib's counters are 32-bit.
constexpr std::uint64_t kMaxPaths = std::uint64_t{1} << 32;

std::size_t checkedSteps(const std::vector<double>& times, std::size_t dims, std::uint64_t seed) {
    KP_REQUIRE(times.size() >= 2, "SobolNormals: times has ", times.size(),
               " entries, but must have at least 2 (t0 and one step)");
    for (std::size_t k = 0; k < times.size(); ++k) {
        KP_REQUIRE(std::isfinite(times[k]), "SobolNormals: times[", k, "] is ", times[k],
                   ", but must be finite");
        KP_REQUIRE(k == 0 || times[k] - times[0] > times[k - 1] - times[0], "SobolNormals: times[",
                   k, "] is ", times[k], ", but must be greater than times[", k - 1,
                   "] = ", times[k - 1]);
    }
    const std::size_t steps = times.size() - 1;
    KP_REQUIRE(dims >= 1, "SobolNormals: dims is ", dims, ", but must be at least 1");
    KP_REQUIRE(dims <= SobolNormals::kMaxDimension / steps, "SobolNormals: steps * dims is ",
               steps, " * ", dims, ", but must be at most ", SobolNormals::kMaxDimension,
               " (tabulated Joe-Kuo direction integers)");
    KP_REQUIRE(seed != 0, "SobolNormals: seed is 0, but must be nonzero");
    return steps;
}

std::vector<QuantLib::Time> bridgeTimes(const std::vector<double>& times) {
    std::vector<QuantLib::Time> t(times.size() - 1);
    for (std::size_t k = 1; k < times.size(); ++k) t[k - 1] = times[k] - times[0];
    return t;
}

std::vector<std::uint32_t> digitalShift(std::size_t dimension, std::uint64_t seed,
                                        std::uint32_t replication) {
    const std::size_t calls = (dimension + 3) / 4;
    std::vector<std::uint32_t> w(4 * calls);
    std::uint32_t* o = w.data();
    detail::philoxBlock(0, calls, replication, kShiftTag, seed, o, o + calls, o + 2 * calls,
                        o + 3 * calls);
    std::vector<std::uint32_t> shift(dimension);
    for (std::size_t c = 0; c < dimension; ++c) shift[c] = w[(c % 4) * calls + c / 4];
    return shift;
}

}  // namespace

struct SobolNormals::Impl {
    std::vector<std::uint32_t> shift;  ///< digital shift, one word per Sobol coordinate
    QuantLib::BrownianBridge bridge;   ///< on times t_k - t_0, k >= 1
    QuantLib::SobolRsg prototype;      ///< never drawn from: each fill copies it, then skipTo
};

SobolNormals::SobolNormals(const std::vector<double>& times, std::size_t dims, std::uint64_t seed,
                           std::uint32_t replication)
    : steps_(checkedSteps(times, dims, seed)),
      dims_(dims),
      replication_(replication),
      impl_(std::make_unique<const Impl>(Impl{
          digitalShift(steps_ * dims_, seed, replication), QuantLib::BrownianBridge(bridgeTimes(times)),
          // The seed argument matters only beyond the tabulated dimensions, which we reject; it
          // is nonzero because QuantLib would seed from the clock on 0.
          QuantLib::SobolRsg(steps_ * dims_, 1, QuantLib::SobolRsg::JoeKuoD6)})) {}

SobolNormals::SobolNormals(SobolNormals&&) noexcept = default;
SobolNormals& SobolNormals::operator=(SobolNormals&&) noexcept = default;
SobolNormals::~SobolNormals() = default;

void SobolNormals::fill(std::uint64_t firstPath, std::size_t n, double* out) const {
    KP_REQUIRE(firstPath <= kMaxPaths && n <= kMaxPaths - firstPath, "SobolNormals::fill: paths [",
               firstPath, ", ", firstPath + n, ") are requested, but must lie in [0, 2^32)");
    if (n == 0) return;
    const std::size_t dimension = steps_ * dims_;
    const std::uint32_t* shift = impl_->shift.data();
    const QuantLib::BrownianBridge& bridge = impl_->bridge;
    std::vector<double> in(steps_), path(steps_);

    const auto emit = [&](const std::uint_least32_t* sobol, std::size_t i) {
        for (std::size_t d = 0; d < dims_; ++d) {
            for (std::size_t level = 0; level < steps_; ++level) {
                const std::size_t c = level * dims_ + d;
                const std::uint32_t k = static_cast<std::uint32_t>(sobol[c]) ^ shift[c];
                const double u = (static_cast<double>(k) + 0.5) * 0x1.0p-32;
                in[level] = QuantLib::InverseCumulativeNormal::standard_value(u);
            }
            bridge.transform(in.begin(), in.end(), path.begin());
            for (std::size_t s = 0; s < steps_; ++s) out[(s * dims_ + d) * n + i] = path[s];
        }
    };

    std::size_t i = 0;
    if (firstPath == 0) {  // the origin, which SobolRsg skips
        const std::vector<std::uint_least32_t> origin(dimension, 0u);
        emit(origin.data(), i++);
    }
    if (i == n) return;
    // SobolRsg is stateful, so each call works on its own copy. The prototype has never been
    // drawn from: only then does skipTo(k) make the next draw QuantLib's draw k (after a draw it
    // would be draw k + 1).
    QuantLib::SobolRsg gen = impl_->prototype;
    gen.skipTo(static_cast<std::uint_least32_t>(firstPath + i - 1));
    for (; i < n; ++i) {
        emit(gen.nextInt32Sequence().data(), i);
    }
}

}  // namespace kp
