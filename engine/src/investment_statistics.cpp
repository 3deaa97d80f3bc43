// The summary statistics of kp::InvestmentLsm: the pricing pass's per-block sums, reduced in block
// order, into the result (values with their standard errors, the decision now, timing, emissions).
#include <algorithm>
#include <cmath>
#include <limits>

#include "investment_work.hpp"

namespace kp::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Values and the value of waiting: the flexible strategy against the best of never investing,
/// investing now in each technology allowed now, and closing now (with the SE of the difference).
void values(const InvestmentContext& c, const PricingSums& s, InvestmentResult& res) {
    const InvestmentInstrument& in = c.in;
    const std::size_t J = in.technologies(), NM = s.NM;
    std::vector<Moments> tot(NM);
    for (std::size_t b = 0; b < s.blocks; ++b)
        for (std::size_t i = 0; i < NM; ++i) tot[i].merge(s.mom[b * NM + i]);
    res.optionValue = tot[0].estimate();
    res.neverInvest = tot[1].estimate();
    res.npvNow.resize(J);
    double bestNow = res.neverInvest.value;
    Estimate wait = tot[2].estimate();
    for (std::size_t j = 0; j < J; ++j) {
        res.npvNow[j] = tot[3 + j].estimate();
        if (!in.allowed(j, 0)) res.npvNow[j].value = kNaN;  // not allowed now: reported, not compared
        else if (res.npvNow[j].value > bestNow) bestNow = res.npvNow[j].value, wait = tot[3 + J + j].estimate();
    }
    const double close0 = in.closeValue(0);
    res.closeNow = {close0, 0.0};
    if (!std::isnan(close0) && close0 > bestNow) {
        bestNow = close0;
        wait = {res.optionValue.value - close0, res.optionValue.stdError};
    }
    res.valueOfWaiting = wait;
}

/// Timing per calendar year (the counts of its periods, summed in period order), the probability
/// of never investing, the stages' timing and the decision at the first date.
void timing(const InvestmentContext& c, const PricingSums& s, InvestmentResult& res) {
    const InvestmentInstrument& in = c.in;
    const std::size_t H = in.periods(), J = in.technologies(), NS = in.stages(), HY = in.years();
    const std::size_t Pz = in.periodsPerYear(), nbP = s.blocks;
    const double np = static_cast<double>(c.s.paths);
    res.years.resize(HY);
    for (std::size_t y = 0; y < HY; ++y) res.years[y] = in.project().startYear + static_cast<int>(y);
    res.timing.assign(J, std::vector<double>(HY, 0.0));
    res.closeProbability.assign(HY, 0.0);
    auto countAt = [&](const std::vector<double>& cnt, std::size_t stride, std::size_t slot, std::size_t d) {
        double x = 0;
        for (std::size_t b = 0; b < nbP; ++b) x += cnt[(b * stride + slot) * H + d];
        return x;
    };
    auto perYear = [&](const std::vector<double>& cnt, std::size_t stride, std::size_t slot, std::vector<double>& out) {
        double total = 0;
        for (std::size_t y = 0; y < HY; ++y) {
            double x = 0;
            for (std::size_t d = y * Pz; d < (y + 1) * Pz; ++d) x += countAt(cnt, stride, slot, d);
            out[y] = x / np;
            total += x;
        }
        return total;
    };
    double invested = 0;
    for (std::size_t a = 0; a < J; ++a) invested += perYear(s.counts, J + 1, a, res.timing[a]);
    perYear(s.counts, J + 1, J, res.closeProbability);
    res.neverProbability = 1.0 - invested / np;
    for (const auto& so : in.project().stages) res.stageNames.push_back(so.option.tech.name);
    res.stageTiming.assign(NS, std::vector<double>(HY, 0.0));
    for (std::size_t st = 0; st < NS; ++st) perYear(s.stageCounts, NS, st, res.stageTiming[st]);
    // decision at t = 0: the action the rule takes on most pricing paths at the first date
    double bestShare = 0;
    for (std::size_t j = 0; j < J; ++j) {
        const double share = countAt(s.counts, J + 1, j, 0) / np;
        if (share > 0.5 && share > bestShare)
            bestShare = share, res.decision = Decision::InvestNow, res.technology = static_cast<int>(j);
    }
    if (countAt(s.counts, J + 1, J, 0) / np > 0.5) res.decision = Decision::Close, res.technology = -1;
}

/// Expected emissions per year, their 5th and 95th percentiles, and the carbon costs of never
/// investing (percentiles by nearest rank over the paths).
void emissions(const InvestmentContext& c, PricingSums& s, InvestmentResult& res) {
    const std::size_t HY = c.in.years(), nP = c.s.paths, nbP = s.blocks;
    const double np = static_cast<double>(nP);
    res.emissionsMean.resize(HY), res.emissionsP5.resize(HY), res.emissionsP95.resize(HY);
    res.carbonCostNever.resize(HY);
    auto quantile = [&](HugeVector<float>& v, std::size_t off, double q) {
        const auto beginIt = v.begin() + static_cast<std::ptrdiff_t>(off);
        const auto k = static_cast<std::size_t>(std::floor(q * static_cast<double>(nP - 1)));
        std::nth_element(beginIt, beginIt + static_cast<std::ptrdiff_t>(k), beginIt + static_cast<std::ptrdiff_t>(nP));
        return static_cast<double>(*(beginIt + static_cast<std::ptrdiff_t>(k)));
    };
    for (std::size_t k = 0; k < HY; ++k) {
        double e = 0;
        for (std::size_t b = 0; b < nbP; ++b) e += s.emisSum[b * HY + k];
        res.emissionsMean[k] = e / np;
        res.emissionsP5[k] = quantile(s.emis, k * nP, 0.05);
        res.emissionsP95[k] = quantile(s.emis, k * nP, 0.95);
        res.carbonCostNever[k] = {quantile(s.carbon, k * nP, 0.05), quantile(s.carbon, k * nP, 0.5),
                                  quantile(s.carbon, k * nP, 0.95)};
    }
}

}  // namespace

InvestmentResult summarise(const InvestmentContext& c, const InvestmentRule& rule, PricingSums& sums) {
    InvestmentResult res;
    res.paths = c.s.paths;
    res.trainingPaths = rule.decisions.trainingPaths;
    res.fallbackDates = rule.decisions.fallbackDates;
    res.basisResizedDates = rule.decisions.resizedDates;
    res.householderFits = rule.decisions.householderFits;
    res.rankDeficientFits = rule.decisions.rankDeficientFits;
    for (const auto& t : c.in.project().technologies) res.technologyNames.push_back(t.tech.name);
    values(c, sums, res);
    timing(c, sums, res);
    emissions(c, sums, res);
    return res;
}

}  // namespace kp::detail
