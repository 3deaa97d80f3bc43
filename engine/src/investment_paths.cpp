// A block of paths of an investment problem: the factors, the arrival dates and the instrument's
// cash flows (investment_work.hpp).
#include <algorithm>
#include <cmath>

#include "investment_work.hpp"

namespace kp::detail {

void InvestmentWork::reserve(const InvestmentInstrument& in, std::size_t n, std::size_t maxColumns,
                             bool observed) {
    auto need = [](auto& v, std::size_t m) {
        if (v.size() < m) v.resize(m);
    };
    const std::size_t H = in.periods(), J = in.technologies(), NS = in.stages();
    const std::size_t F = std::max<std::size_t>(in.features(), 1);
    need(cur, in.stateVariables() * n);
    in.reserve(block, n, observed);
    need(feat, F * n);
    need(inv, (J + 1) * n), need(est, n), need(best, n), need(tmp, n), need(choice, n), need(own, n);
    need(phi, (maxColumns + in.features() + 1) * n), need(xa, F * n);
    need(act, n), need(actDate, n), need(stranded, n);
    need(R, NS * (H + 1) * n), need(sdate, NS * (H + 1) * n);
    need(stageAt, n), need(plans, n), need(relineAt, n);
    if (observed) need(ra, n), need(rd, n), need(rs, n);  // pricing: the later decisions shown to an observer
    if (observed) need(obs, 9 * H * n), need(opStart, n);
}

void simulateBlock(const InvestmentContext& c, const PathSimulator& sim, Stream stream, std::uint64_t first,
                   std::size_t n, InvestmentWork& w, bool carbonCosts, bool keepPrices, double co2Dispersion) {
    const InvestmentInstrument& in = c.in;
    const std::size_t V = in.stateVariables(), H = in.periods();
    ProjectBlock& b = w.block;
    sim.beginBlock(first, n, w.sim);
    sim.model().initialState(w.cur.data(), n, n);
    if (co2Dispersion > 0) {  // the first date's CO2 price spread: spot x exp(dispersion z), z one normal a path
        double* f = w.tmp.data();
        fillNormals(c.s.seed, CounterLayout::valuationDate(stream, in.infrastructure()), first, n, f, c.s.antithetic,
                    w.normal);
        for (std::size_t p = 0; p < n; ++p) f[p] = std::exp(co2Dispersion * f[p]);
        c.problem.factors->scaleInitialPriceAt(in.project().co2.stateIndex, w.cur.data(), n, n, f);
    }
    std::copy_n(w.cur.data(), V * n, b.hist.data());
    for (std::size_t k = 1; k <= H; ++k) {
        sim.step(k, first, n, w.cur.data(), n, w.sim);
        std::copy_n(w.cur.data(), V * n, b.hist.data() + k * V * n);
    }
    // arrivals: one normal per infrastructure, at the valuation date (CounterLayout)
    for (std::size_t i = 0; i < in.infrastructure(); ++i) {
        double* a = b.arrival.data() + i * n;
        fillNormals(c.s.seed, CounterLayout::valuationDate(stream, i), first, n, a, c.s.antithetic, w.normal);
        for (std::size_t p = 0; p < n; ++p) a[p] = c.problem.arrivals[i].year(a[p]);
    }
    in.drawRisks(b, c.s.seed, stream, first, c.s.antithetic, w.normal);  // nothing without technology risk
    in.evaluate(b, carbonCosts, keepPrices);
}

std::vector<char> goneInfrastructure(const InvestmentProblem& problem, const InvestmentInstrument& in) {
    const std::size_t H = in.periods(), NI = in.infrastructure();
    const double P = static_cast<double>(in.periodsPerYear()), start = in.project().startYear;
    const double last = start + static_cast<double>(H - 1) / P;  // the latest arrival that still operates (opFrom < H)
    std::vector<char> gone(NI * H, 0);
    for (std::size_t i = 0; i < NI; ++i) {
        const ArrivalDistribution& law = problem.arrivals[i];
        const double cLast = law.cdf(last);
        for (std::size_t d = 0; d < H; ++d) gone[i * H + d] = !(cLast - law.cdf(start + static_cast<double>(d) / P) > 0);
    }
    return gone;
}

bool strandedPaths(const InvestmentContext& c, std::size_t j, std::size_t d, const double* feat, std::size_t stride,
                   std::size_t n, char* out) {
    const std::size_t H = c.in.periods(), NC = c.in.continuousFeatures();
    bool any = false;
    for (std::size_t i : c.in.project().technologies[j].infrastructure) {
        if (!c.gone[i * H + d]) continue;
        if (!any) std::fill_n(out, n, char{0});
        any = true;
        const double* arrived = feat + (NC + i) * stride;
        for (std::size_t p = 0; p < n; ++p) out[p] |= static_cast<char>(arrived[p] == 0.0);
    }
    return any;
}

}  // namespace kp::detail
