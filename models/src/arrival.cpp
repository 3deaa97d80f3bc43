#include "kp/models/arrival.hpp"

#include <cmath>
#include <limits>

#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"

namespace kp {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
}  // namespace

double ArrivalDistribution::year(double z) const {
    switch (kind) {
        case Kind::Fixed:
            return at;
        case Kind::Discrete: {
            const double u = normalCdf(z);
            double cum = 0;
            for (std::size_t i = 0; i < years.size(); ++i) {
                cum += probabilities[i];
                if (u <= cum) return years[i];
            }
            return kNever;
        }
        case Kind::Lognormal:
            return start + medianDelay * std::exp(sigma * z);
        case Kind::Queue:
            return start + queueYears - std::log(normalSurvival(z)) / hazard;
    }
    return kNever;
}

double ArrivalDistribution::cdf(double y) const {
    switch (kind) {
        case Kind::Fixed:
            return y >= at ? 1.0 : 0.0;
        case Kind::Discrete: {
            double cum = 0;
            for (std::size_t i = 0; i < years.size(); ++i)
                if (years[i] <= y) cum += probabilities[i];
            return cum;
        }
        case Kind::Lognormal: {
            const double d = y - start;
            if (d <= 0) return 0.0;
            if (sigma == 0) return d >= medianDelay ? 1.0 : 0.0;
            return normalCdf(std::log(d / medianDelay) / sigma);
        }
        case Kind::Queue: {
            const double d = y - start - queueYears;
            return d <= 0 ? 0.0 : -std::expm1(-hazard * d);
        }
    }
    return 0.0;
}

ArrivalDistribution ArrivalDistribution::fixed(double y) {
    ArrivalDistribution a;
    a.kind = Kind::Fixed;
    a.at = y;
    return a;
}

void ArrivalDistribution::validate(const std::string& where) const {
    switch (kind) {
        case Kind::Fixed:
            KP_REQUIRE(std::isfinite(at), where, ".year: the year is ", at, ", but must be finite");
            break;
        case Kind::Discrete: {
            KP_REQUIRE(!years.empty() && years.size() == probabilities.size(), where,
                       ".years: the number of years is ", years.size(),
                       ", but must be at least 1 with one probability each (", probabilities.size(),
                       " probabilities)");
            double sum = 0;
            for (std::size_t i = 0; i < years.size(); ++i) {
                KP_REQUIRE(i == 0 || years[i] > years[i - 1], where, ".years: year ", years[i],
                           " is not after ", years[i == 0 ? 0 : i - 1],
                           ", but must be strictly increasing");
                const double p = probabilities[i];
                KP_REQUIRE(std::isfinite(p) && p >= 0 && p <= 1, where, ".years.", years[i],
                           ": the probability is ", p, ", but must be in [0, 1]");
                sum += p;
            }
            KP_REQUIRE(sum <= 1.0 + 1e-9, where, ".years: the probabilities sum to ", sum,
                       ", but must sum to at most 1 (the rest is 'never')");
            break;
        }
        case Kind::Lognormal:
            KP_REQUIRE(std::isfinite(start), where, ".start: the year is ", start,
                       ", but must be finite");
            KP_REQUIRE(std::isfinite(medianDelay) && medianDelay > 0, where,
                       ".median_delay_years: the median delay is ", medianDelay,
                       ", but must be positive");
            KP_REQUIRE(std::isfinite(sigma) && sigma >= 0, where, ".sigma: the log-delay sigma is ",
                       sigma, ", but must be >= 0");
            break;
        case Kind::Queue:
            KP_REQUIRE(std::isfinite(start), where, ".start: the year is ", start,
                       ", but must be finite");
            KP_REQUIRE(std::isfinite(queueYears) && queueYears >= 0, where,
                       ".queue_years: the queue is ", queueYears, ", but must be >= 0 years");
            KP_REQUIRE(std::isfinite(hazard) && hazard > 0, where,
                       ".hazard_per_year: the hazard is ", hazard, ", but must be positive");
            break;
    }
}

}  // namespace kp
