#include "kp/cases/factor_outlook.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "kp/cases/case_problem.hpp"
#include "kp/engine/path_simulator.hpp"

namespace kp::cases {

namespace {

/// The drift parameter the user wrote (per year), NaN where the model has none.
double writtenDrift(const Factor& f) {
    switch (f.model) {
        case FactorModel::Gbm: return f.hasPath() ? std::nan("") : f.gbm.drift;
        case FactorModel::Jump: return f.hasPath() ? std::nan("") : f.jump.drift;
        case FactorModel::SchwartzSmith: return f.hasPath() ? std::nan("") : f.schwartzSmith.muXi;
        default: return std::nan("");
    }
}

}  // namespace

std::vector<FactorOutlook> factorOutlook(const CaseFile& c, const std::vector<int>& years, std::size_t paths,
                                         std::uint64_t seed) {
    const InvestmentProblem problem = toInvestmentProblem(c);
    const Model& set = *problem.factors;
    std::vector<int> ys;
    for (int y : years)
        if (y > c.valuation.startYear && y <= c.valuation.endYear()) ys.push_back(y);
    std::vector<FactorOutlook> out;
    std::vector<std::size_t> stateOf;  // each stochastic factor's price in the set's state
    std::size_t offset = 0;
    for (const auto& f : c.factors) {
        const ModelPtr m = f.makeModel();
        if (!m) continue;
        FactorOutlook o;
        o.name = f.name, o.unit = f.unit, o.spot = f.spot();
        out.push_back(o);
        stateOf.push_back(offset);
        offset += m->stateSize();
    }
    if (out.empty() || ys.empty()) return out;
    std::vector<double> times{0.0};
    for (int y : ys) times.push_back(static_cast<double>(y - c.valuation.startYear));
    const PathSimulator sim(set, times, seed, Stream::Pricing, false);
    const std::size_t vars = set.stateSize(), block = 4096;
    std::vector<double> state(vars * block);
    std::vector<std::vector<double>> values(out.size() * ys.size(), std::vector<double>(paths));
    SimScratch scr;
    for (std::size_t first = 0; first < paths; first += block) {
        const std::size_t n = std::min(block, paths - first);
        set.initialState(state.data(), block, n);
        sim.beginBlock(first, n, scr);
        for (std::size_t k = 1; k < times.size(); ++k) {
            sim.step(k, first, n, state.data(), block, scr);
            for (std::size_t i = 0; i < out.size(); ++i)
                std::copy_n(state.data() + stateOf[i] * block, n, values[i * ys.size() + k - 1].begin() + static_cast<std::ptrdiff_t>(first));
        }
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (std::size_t k = 0; k < ys.size(); ++k) {
            std::vector<double>& v = values[i * ys.size() + k];
            double s = 0, s2 = 0;
            for (double x : v) s += x, s2 += x * x;
            const double nn = static_cast<double>(paths), mean = s / nn;
            FactorYear fy;
            fy.year = ys[k];
            fy.mean = mean;
            fy.meanStdError = std::sqrt(std::max(s2 / nn - mean * mean, 0.0) / nn);
            std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(paths / 2), v.end());
            fy.median = v[paths / 2];
            out[i].years.push_back(fy);
        }
        const Factor& f = *c.factor(out[i].name);
        const double mu = writtenDrift(f);
        const FactorYear& last = out[i].years.back();
        if (std::isfinite(mu) && mu > 0 && last.median < out[i].spot) {
            std::ostringstream w;
            w << std::setprecision(3) << "factors." << f.name << ": the median falls from " << out[i].spot << " to "
              << last.median << " " << f.unit << " by " << last.year << " although the drift (mu) is " << mu
              << " a year";
            if (f.model == FactorModel::Gbm)
                w << ": a GBM's median grows at mu - sigma^2/2 = " << std::setprecision(2)
                  << 100 * (mu - f.gbm.yield - 0.5 * f.gbm.vol * f.gbm.vol) << "% a year (sigma " << std::setprecision(3) << f.gbm.vol
                  << "); give the path the price should follow as its median or mean (factors." << f.name
                  << ".path), or check mu and sigma";
            out[i].warning = w.str();
        }
    }
    return out;
}

}  // namespace kp::cases
