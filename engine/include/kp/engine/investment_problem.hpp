#pragma once
/// \file investment_problem.hpp
/// The decarbonisation decision the engine values (kp::InvestmentLsm): the dynamics (the correlated
/// factors and the laws of the infrastructure arrival dates, models/) and the project, the
/// instrument's terms (kp::InvestmentProject, instruments/: the grid, the plant, technologies,
/// stages, exits and policy). The engine never sees the case file: cases/ converts a checked case
/// into this struct (kp::cases::toInvestmentProblem).
///
/// Invariants (the engine checks them and throws kp::InvalidInput): factors non-null; one arrival
/// law per project.infrastructureNames entry; the project's own (kp::InvestmentInstrument).

#include <memory>
#include <vector>

#include "kp/instruments/investment_project.hpp"
#include "kp/models/arrival.hpp"
#include "kp/models/model_set.hpp"

namespace kp {

struct InvestmentProblem {
    std::shared_ptr<const ModelSet> factors;  ///< co2, other factors and deployments, correlated
    /// Arrival date law of each infrastructure (and technology-availability) entry of
    /// project.infrastructureNames; one normal each per path, drawn at the valuation date.
    std::vector<ArrivalDistribution> arrivals;
    InvestmentProject project;
};

}  // namespace kp
