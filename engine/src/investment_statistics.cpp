// The summary statistics of kp::InvestmentLsm: the pricing pass's per-block sums, reduced in block
// order, into the result (values with their standard errors, the decision now, timing, emissions).
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "investment_work.hpp"

namespace kp::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// (t_{R-1, 0.975} / z_{0.975})^2: how much a variance estimated from R independent rules (R - 1
/// degrees of freedom) is widened so that +-1.96 standard errors stay a 95% interval.
double tWidening(std::size_t rules) {
    if (rules < 2) return 1.0;
    const boost::math::students_t t(static_cast<double>(rules - 1));
    const double q = boost::math::quantile(t, 0.975) / 1.959963984540054;
    return q * q;
}

Estimate rulesEstimate(const Moments* mom, std::size_t stride, std::size_t blocks, std::size_t rules);

/// The estimate of pricing-sum slot i over all blocks, with its standard error. With R > 1 rules,
/// each trained on its own paths and pricing its share of the blocks, the shares' means m_b are
/// independent estimates of the value (rule noise and pricing noise), so s^2 / R, s^2 their sample
/// variance, is an unbiased estimate of the variance of their mean. It has only R - 1 degrees of
/// freedom, so the reported SE is widened to the Student-t quantile, SE = (t_{R-1} / z) s / sqrt(R)
/// with t_{R-1} and z the 97.5% quantiles (x1.62 for 4 rules): +-1.96 SE is then a 95% interval
/// whatever the draw of s; and it is floored at the pricing error sigma / sqrt(N) (sigma pooled
/// within the shares, many degrees of freedom), which it cannot be below in expectation
/// (docs/valuation.md, "Uncertainty"). With one rule, the pricing standard error alone.
Estimate slotEstimate(const PricingSums& s, std::size_t i, std::size_t rules) {
    return rulesEstimate(s.mom.data() + i, s.NM, s.blocks, rules);
}

/// The estimate from per-block moments mom[b * stride], b < blocks, as slotEstimate describes.
Estimate rulesEstimate(const Moments* mom, std::size_t stride, std::size_t blocks, std::size_t rules) {
    Moments all;
    std::vector<Moments> share(rules);
    for (std::size_t b = 0; b < blocks; ++b) {
        all.merge(mom[b * stride]);
        share[ruleOfBlock(b, blocks, rules)].merge(mom[b * stride]);
    }
    if (rules == 1) return all.estimate();
    double m2 = 0, dof = 0, mean = 0;
    for (const Moments& m : share) m2 += m.m2, dof += m.n - 1, mean += m.mean;
    mean /= static_cast<double>(rules);
    double between = 0;
    for (const Moments& m : share) between += (m.mean - mean) * (m.mean - mean);
    between /= static_cast<double>(rules - 1);
    const double sigma2 = dof > 0 ? m2 / dof : 0.0, R = static_cast<double>(rules);
    return {all.mean, std::sqrt(std::max(sigma2 / all.n, tWidening(rules) * between / R))};
}

/// Values and the value of waiting: the flexible strategy against the best of never investing,
/// investing now in each technology allowed now, and closing now (with the SE of the difference).
void values(const InvestmentContext& c, const PricingSums& s, std::size_t rules, InvestmentResult& res) {
    const InvestmentInstrument& in = c.in;
    const std::size_t J = in.technologies();
    auto slot = [&](std::size_t i) { return slotEstimate(s, i, rules); };
    res.optionValue = slot(0);
    res.neverInvest = slot(1);
    res.npvNow.resize(J);
    double bestNow = res.neverInvest.value;
    Estimate wait = slot(2);
    for (std::size_t j = 0; j < J; ++j) {
        res.npvNow[j] = slot(3 + j);
        if (!in.allowed(j, 0)) res.npvNow[j].value = kNaN;  // not allowed now: reported, not compared
        else if (res.npvNow[j].value > bestNow) bestNow = res.npvNow[j].value, wait = slot(3 + J + j);
    }
    const double close0 = in.closeValue(0);
    res.closeNow = {close0, 0.0};
    if (!std::isnan(close0) && close0 > bestNow) {
        bestNow = close0;
        wait = {res.optionValue.value - close0, res.optionValue.stdError};
    }
    res.valueOfWaiting = wait;
    // the outcomes' contributions (probabilities: timing())
    const auto shares = res.outcomes.shares();
    for (std::size_t o = 0; o < shares.size(); ++o) shares[o]->contribution = slot(3 + 2 * J + o);
}

/// E[V | outcome] = contribution / probability (after values() and timing()).
void outcomeMeans(InvestmentResult& res) {
    for (OutcomeShare* o : res.outcomes.shares())
        o->meanValue = o->probability > 0 ? o->contribution.value / o->probability : kNaN;
}

/// P(invested by the end of each year), with the standard error of slotEstimate: the spread of the
/// rules' shares, floored at the binomial pricing error.
void investedBy(const InvestmentContext& c, const PricingSums& s, std::size_t rules, InvestmentResult& res) {
    const InvestmentInstrument& in = c.in;
    const std::size_t H = in.periods(), J = in.technologies(), HY = in.years(), Pz = in.periodsPerYear();
    std::vector<double> n(rules, 0.0), cum(rules, 0.0);
    for (std::size_t b = 0; b < s.blocks; ++b)
        n[ruleOfBlock(b, s.blocks, rules)] += static_cast<double>(std::min(kBlock, c.s.paths - b * kBlock));
    const double N = static_cast<double>(c.s.paths), R = static_cast<double>(rules);
    res.investedBy.assign(HY, Estimate{});
    for (std::size_t y = 0; y < HY; ++y) {
        for (std::size_t b = 0; b < s.blocks; ++b)
            for (std::size_t j = 0; j < J; ++j) {
                // relining, mothballing or a pilot beside the plant: not the plant decarbonising
                if (in.isReline(j) || in.isAlongside(j) || in.isMothball(j)) continue;
                for (std::size_t d = y * Pz; d < (y + 1) * Pz; ++d)
                    cum[ruleOfBlock(b, s.blocks, rules)] += s.counts[(b * (J + 1) + j) * H + d];
            }
        double total = 0, mean = 0;
        for (std::size_t r = 0; r < rules; ++r) total += cum[r], mean += cum[r] / n[r];
        const double p = total / N;
        mean /= R;
        const double pricing = p * (1 - p) / N;
        double between = 0;
        for (std::size_t r = 0; r < rules; ++r) between += (cum[r] / n[r] - mean) * (cum[r] / n[r] - mean);
        between = rules > 1 ? between / (R - 1) : 0.0;
        res.investedBy[y] = {p, std::sqrt(std::max(pricing, tWidening(rules) * between / R))};
    }
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
    // in decarbonisation; relining; a pilot beside the plant; mothballing the plant as it is
    double invested = 0, relined = 0, piloted = 0, mothballed = 0;
    for (std::size_t a = 0; a < J; ++a)
        (in.isReline(a) ? relined : in.isAlongside(a) ? piloted : in.isMothball(a) ? mothballed : invested) +=
            perYear(s.counts, J + 1, a, res.timing[a]);
    perYear(s.counts, J + 1, J, res.closeProbability);
    res.neverProbability = 1.0 - invested / np;
    double closed = 0;
    for (double x : res.closeProbability) closed += x;
    Outcomes& oc = res.outcomes;
    oc.endOfLifeYear = in.project().startYear + in.project().plant.remainingLifeYears;
    oc.invested.probability = invested / np;
    // a path that relined and then invested or closed is counted there (its counts are in the
    // technology's and closing's timing); relined: the paths that took no later decision
    double thenInvested = 0, thenClosed = 0;
    for (std::size_t b = 0; b < s.blocks && !s.relinedThen.empty(); ++b)
        thenInvested += s.relinedThen[b * 2], thenClosed += s.relinedThen[b * 2 + 1];
    oc.relinedThenInvested = thenInvested / np;
    oc.relinedThenClosed = thenClosed / np;
    relined -= thenInvested + thenClosed;
    oc.relined.probability = relined / np;
    oc.piloted.probability = piloted / np;
    oc.mothballed.probability = mothballed / np;
    oc.closedEarly.probability = closed;
    (in.plantEndPeriod() < H ? oc.endOfLife : oc.runningAtHorizon).probability =
        std::max(0.0, res.neverProbability - closed - relined / np - piloted / np - mothballed / np);
    for (const auto& so : in.project().stages) res.stageNames.push_back(so.option.tech.name);
    res.stageTiming.assign(NS, std::vector<double>(HY, 0.0));
    for (std::size_t st = 0; st < NS; ++st) {
        const double restarts = perYear(s.stageCounts, NS, st, res.stageTiming[st]);
        if (in.isMothball(in.stageParent(st))) oc.restarted += restarts / np;
    }
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
    res.production.assign(HY, ProductionYear{});
    const double foreign = c.in.project().plant.foreignIntensity;
    for (std::size_t k = 0; k < HY; ++k) {
        double x[4] = {0, 0, 0, 0};
        for (std::size_t b = 0; b < nbP; ++b)
            for (std::size_t i = 0; i < 4; ++i) x[i] += s.prodSum[(b * HY + k) * 4 + i];
        ProductionYear& py = res.production[k];
        py.output = x[0] / np, py.lost = x[1] / np, py.jobs = x[2] / np, py.operating = x[3] / np;
        py.leakage = py.lost * foreign;
    }
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

InvestmentResult summarise(const InvestmentContext& c, const std::vector<InvestmentRule>& rules, PricingSums& sums) {
    InvestmentResult res;
    res.paths = c.s.paths;
    res.rules = rules.size();
    res.trainingPaths = rules.front().decisions.trainingPaths;
    for (const InvestmentRule& rule : rules) {  // summed over the rules
        res.fallbackDates += rule.decisions.fallbackDates;
        res.basisResizedDates += rule.decisions.resizedDates;
        res.householderFits += rule.decisions.householderFits;
        res.rankDeficientFits += rule.decisions.rankDeficientFits;
        res.householderFits += rule.switching.householderFits;  // the switching rule's (switching costs)
        res.rankDeficientFits += rule.switching.rankDeficientFits;
        for (const InvestmentRule& after : rule.afterReline) {  // the relined rule's own fits
            res.fallbackDates += after.decisions.fallbackDates;
            res.basisResizedDates += after.decisions.resizedDates;
            res.householderFits += after.decisions.householderFits;
            res.rankDeficientFits += after.decisions.rankDeficientFits;
        }
    }
    for (const auto& t : c.in.project().technologies) {
        res.technologyNames.push_back(t.tech.name);
        res.relines.push_back(t.tech.isReline() ? 1 : 0);
        res.alongside.push_back(t.tech.alongside ? 1 : 0);
        res.mothballs.push_back(t.tech.isMothball() ? 1 : 0);
    }
    values(c, sums, rules.size(), res);
    timing(c, sums, res);
    outcomeMeans(res);
    investedBy(c, sums, rules.size(), res);
    emissions(c, sums, res);
    res.horizonEmissions = rulesEstimate(sums.emisMom.data(), 1, sums.blocks, rules.size());
    return res;
}

}  // namespace kp::detail
