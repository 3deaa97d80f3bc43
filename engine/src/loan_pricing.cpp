#include "kp/engine/loan_pricing.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <thread>

#include "detail/blocks.hpp"
#include "kp/core/moments.hpp"
#include "detail/regression.hpp"
#include "kp/core/errors.hpp"

namespace kp {

namespace {

using detail::blocksOf;
using detail::kBlock;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Runs f(block, first, n) over the fixed path blocks, in parallel; f writes only block-indexed or
/// path-indexed storage.
template <class F>
void forEachBlock(std::size_t paths, std::size_t threads, F&& f) {
    tbb::task_arena arena(detail::threadCount(threads));
    detail::forEachBlock(arena, paths, f);
}

/// Per-path outcomes of one evaluation, indexed by path.
struct PathOutcomes {
    std::vector<int> defaultPeriod;
    std::vector<double> exposure, lossAtDefault, loss, value, valueHurdle, lentHurdle, sponsorPaid;
    PathOutcomes(std::size_t n, bool sponsor)
        : defaultPeriod(n), exposure(n), lossAtDefault(n), loss(n), value(n), valueHurdle(n), lentHurdle(n),
          sponsorPaid(sponsor ? n : 0) {}
    LoanOutcomes view() {
        return {defaultPeriod.data(), exposure.data(), lossAtDefault.data(), loss.data(), value.data(),
                valueHurdle.data(), lentHurdle.data(), sponsorPaid.empty() ? nullptr : sponsorPaid.data()};
    }
};

void checkView(const std::vector<LoanSchedule>& schedules, const LoanPathView& v, const LoanPricingSettings& st) {
    KP_REQUIRE(!schedules.empty(), "priceLoan: no schedule, but must have at least one");
    const LoanSchedule& s = schedules[0];
    KP_REQUIRE(v.paths >= 2 && v.cashFlow != nullptr && v.stride >= v.paths, "priceLoan: the path view has ",
               v.paths, " paths, but must have at least 2 with cash flows");
    KP_REQUIRE(!st.antithetic || v.paths % 2 == 0, "priceLoan: paths is ", v.paths,
               ", but must be even with antithetic pairs");
    KP_REQUIRE(s.periods() >= 1, "priceLoan: the schedule has no period, but must have at least one");
}

/// Completion support's statistics (LoanStatistics::sponsorPaid, completionLate) on the evaluated paths.
void completionStatistics(const LoanTerms& t, const LoanPathView& view, const std::vector<double>& sponsorPaid,
                          const LoanPricingSettings& st, LoanStatistics& r) {
    std::vector<double> late(view.paths, 0.0);
    for (std::size_t p = 0; p < view.paths; ++p) {
        const int d = view.drawPeriod ? view.drawPeriod[p] : 0;
        const bool drawn = view.drawPeriod == nullptr || (d >= 0 && d < static_cast<int>(view.periods));
        late[p] = drawn && view.operationPeriod[p] - d > (t.graceFunded ? t.graceYears : 0) ? 1.0 : 0.0;
    }
    r.sponsorPaid = meanOverPaths(sponsorPaid, st);
    r.completionLate = meanOverPaths(late, st);
}

/// The break-even equation's gap at margin m: E[hurdle value - amount lent], with its standard error
/// (without drawPeriod: E[hurdle value] - amount, the amount being lent on every path).
Estimate hurdleGap(const LoanTerms& t, const std::vector<LoanSchedule>& s, LoanVariant v, const LoanPathView& view,
                   const LoanPricingSettings& st, double margin) {
    v.margin = margin;
    const bool draws = view.drawPeriod != nullptr;
    std::vector<double> value(view.paths), lent(draws ? view.paths : 0);
    std::vector<Moments> mom(blocksOf(view.paths));
    LoanOutcomes out;
    out.valueHurdle = value.data();
    if (draws) out.lentHurdle = lent.data();
    forEachBlock(view.paths, st.threads, [&](std::size_t b, std::size_t first, std::size_t n) {
        evaluateLoan(t, s, v, view, first, n, out);
        mom[b] = draws ? pathMoments(first, n, st.antithetic, [&](std::size_t p) { return value[p] - lent[p]; })
                       : pathMoments(first, n, st.antithetic, [&](std::size_t p) { return value[p]; });
    });
    Moments tot;
    for (const auto& m : mom) tot.merge(m);
    Estimate e = tot.estimate();
    if (!draws) e.value -= t.amount;
    return e;
}

}  // namespace

LoanPathRecorder::LoanPathRecorder(std::size_t paths, std::size_t firstYear, std::vector<double> nominal,
                                   LoanRecording recording)
    : paths_(paths), firstYear_(firstYear), rec_(recording), nominal_(std::move(nominal)),
      cash_(nominal_.size() * paths), kpi_(nominal_.size() * paths),
      plant_(rec_.plantDiscount.empty() ? 0 : nominal_.size() * paths), close_(paths, static_cast<int>(nominal_.size())),
      draw_(rec_.drawTechnology >= 0 ? paths : 0, -1),
      operation_(rec_.operationTechnology >= 0 ? paths : 0, static_cast<int>(nominal_.size())) {}

void LoanPathRecorder::onBlock(const PricingBlock& b) {
    const std::size_t P = nominal_.size();
    const std::size_t per = b.periodsPerYear;  // quarterly cases: a loan year sums its four quarters
    const std::size_t years = b.years / per;
    KP_REQUIRE(firstYear_ + P <= years && b.first + b.n <= paths_, "LoanPathRecorder: the loan's years ",
               firstYear_, " + ", P, " or paths ", b.first + b.n, " exceed the engine's ", years, " years and ",
               paths_, " paths");
    for (std::size_t i = 0; i < P; ++i) {
        const std::size_t y = firstYear_ + i;
        for (std::size_t p = 0; p < b.n; ++p) {
            double cash = 0, out = 0, em = 0;
            for (std::size_t k = y * per; k < (y + 1) * per; ++k) {
                cash += b.cashFlow[k * b.n + p];
                out += b.output[k * b.n + p];
                em += b.emissions[k * b.n + p];
            }
            cash_[i * paths_ + b.first + p] = nominal_[i] * cash;
            kpi_[i * paths_ + b.first + p] = out > 0 ? em / out : kNaN;
        }
    }
    for (std::size_t p = 0; p < b.n; ++p) {
        const bool closed = b.action[p] == static_cast<int>(b.technologies);
        const auto date = static_cast<std::size_t>(b.actionDate[p]) / per;  // calendar year index
        close_[b.first + p] = closed ? static_cast<int>(date > firstYear_ ? date - firstYear_ : 0) : static_cast<int>(P);
        // drawn in the period the policy invests in the financed technology, inside the window
        if (!draw_.empty() && b.action[p] == rec_.drawTechnology && date >= firstYear_ &&
            date - firstYear_ < rec_.drawPeriods)
            draw_[b.first + p] = static_cast<int>(date - firstYear_);
        // the first loan period in which the financed investment operates (P: never)
        if (!operation_.empty() && b.action[p] == rec_.operationTechnology && b.operationStart) {
            const auto start = static_cast<std::size_t>(b.operationStart[p]);
            const std::size_t y = start / per;  // calendar year index of the first operating period
            operation_[b.first + p] =
                start >= b.years ? static_cast<int>(P) : static_cast<int>(y > firstYear_ ? std::min(y - firstYear_, P) : 0);
        }
    }
    if (plant_.empty()) return;
    // the plant's value at the end of year y: sum over k > y of CF_k D(k) / D(y + 1) (real, the
    // case's discounting), then nominal with period y's factor
    const std::vector<double>& D = rec_.plantDiscount;
    KP_REQUIRE(D.size() > years, "LoanPathRecorder: ", D.size(), " discount factors, but must be one per year and one more (",
               years + 1, ")");
    for (std::size_t p = 0; p < b.n; ++p) {
        double later = 0;  // sum over k > y of CF_k D(k), for y from the last year down
        for (std::size_t y = years; y-- > firstYear_;) {
            if (y - firstYear_ < P)
                plant_[(y - firstYear_) * paths_ + b.first + p] = nominal_[y - firstYear_] * later / D[y + 1];
            double cash = 0;
            for (std::size_t k = y * per; k < (y + 1) * per; ++k) cash += b.cashFlow[k * b.n + p];
            later += cash * D[y];
        }
    }
}

LoanPathView LoanPathRecorder::view() const {
    LoanPathView v{paths_, paths_, cash_.data(), kpi_.data(), close_.data()};
    if (!draw_.empty()) {
        v.drawPeriod = draw_.data();
        v.periods = nominal_.size();
    }
    if (!plant_.empty()) v.plantValue = plant_.data();
    if (!operation_.empty()) v.operationPeriod = operation_.data();
    return v;
}

LoanPathRecorder LoanPathRecorder::sameShape() const { return LoanPathRecorder(paths_, firstYear_, nominal_, rec_); }

void LoanPathRecorder::subtract(const LoanPathRecorder& base) {
    KP_REQUIRE(base.paths_ == paths_ && base.firstYear_ == firstYear_ && base.nominal_ == nominal_ &&
                   base.plant_.size() == plant_.size(),
               "LoanPathRecorder::subtract: the baseline has ", base.paths_, " paths and ", base.nominal_.size(),
               " years from year ", base.firstYear_, ", but must have this recorder's ", paths_, " paths and ",
               nominal_.size(), " years from year ", firstYear_);
    for (std::size_t k = 0; k < cash_.size(); ++k) cash_[k] -= base.cash_[k];
    for (std::size_t k = 0; k < plant_.size(); ++k) plant_[k] -= base.plant_[k];
}

InvestmentResult recordLoanCashFlows(InvestmentLsm& engine, const InvestmentProblem& problem,
                                     const InvestmentSettings& settings, LoanPathRecorder& recorder, bool incremental,
                                     const std::vector<InvestmentRule>* given) {
    const std::vector<InvestmentRule> trained = given ? std::vector<InvestmentRule>{} : engine.trainRules(problem, settings);
    const std::vector<InvestmentRule>& rules = given ? *given : trained;
    if (!incremental) return engine.price(problem, rules, settings, &recorder);
    // never investing on the same pricing paths, decided beside the policy on each block
    // (kp::BesidePolicy: what a pricing of its own with fixedPolicy never would record, bit for bit)
    LoanPathRecorder baseline = recorder.sameShape();
    InvestmentResult res = engine.price(problem, rules, settings, &recorder, {{FixedPolicy{-1, 0}, &baseline}});
    recorder.subtract(baseline);
    return res;
}

std::vector<double> sizingCashFlows(const LoanPathView& view, std::size_t tenor, double quantile, bool operating) {
    KP_REQUIRE(!operating || view.operationPeriod != nullptr,
               "sizingCashFlows: sizing on the operating paths, but the path view has no operation period per path");
    const std::size_t periods = view.periods ? view.periods : tenor;
    std::vector<std::size_t> drawn;
    for (std::size_t p = 0; p < view.paths; ++p) {
        const int d = view.drawPeriod ? view.drawPeriod[p] : 0;
        if (d >= 0 && static_cast<std::size_t>(d) + tenor <= periods) drawn.push_back(p);
    }
    if (drawn.empty()) return {};
    std::vector<double> out(tenor), x;
    x.reserve(drawn.size());
    for (std::size_t i = 0; i < tenor; ++i) {
        x.clear();
        for (const std::size_t p : drawn) {
            const auto d = static_cast<std::size_t>(view.drawPeriod ? view.drawPeriod[p] : 0);
            if (operating && static_cast<long>(d + i) < static_cast<long>(view.operationPeriod[p])) continue;
            x.push_back(view.cashFlow[(d + i) * view.stride + p]);
        }
        if (x.empty()) {  // no path operates in this period: the sponsors serve it, not sized on
            out[i] = kNaN;
            continue;
        }
        if (std::isnan(quantile)) {
            double sum = 0;
            for (double v : x) sum += v;
            out[i] = sum / static_cast<double>(x.size());
        } else {  // the order statistic ceil(n q), 1-based, as tailRisk's VaR
            const double r = std::clamp(std::ceil(static_cast<double>(x.size()) * quantile), 1.0,
                                        static_cast<double>(x.size()));
            const auto it = x.begin() + static_cast<std::ptrdiff_t>(r) - 1;
            std::nth_element(x.begin(), it, x.end());
            out[i] = *it;
        }
    }
    return out;
}

TailRisk tailRisk(std::vector<double> losses, double level) {
    KP_REQUIRE(level > 0 && level < 1, "tailRisk: level is ", level, ", but must be in (0, 1)");
    KP_REQUIRE(losses.size() >= 2, "tailRisk: ", losses.size(), " losses, but must be at least 2");
    std::sort(losses.begin(), losses.end());
    const double n = static_cast<double>(losses.size());
    auto at = [&](double rank) {  // 1-based rank, clamped
        const double r = std::clamp(std::ceil(rank), 1.0, n);
        return losses[static_cast<std::size_t>(r) - 1];
    };
    TailRisk t;
    t.level = level;
    const double band = std::sqrt(n * level * (1 - level));
    t.var = {at(n * level), 0.5 * (at(n * level + band) - at(n * level - band))};
    // the mean of the n (1 - level) largest losses
    const auto tail = static_cast<std::size_t>(std::max(1.0, std::floor(n * (1 - level))));
    Moments m;
    for (std::size_t i = losses.size() - tail; i < losses.size(); ++i) m.add(losses[i]);
    const double gap = m.mean - t.var.value;
    t.es = {m.mean, std::sqrt((m.variance() + level * gap * gap) / static_cast<double>(tail))};
    return t;
}

Estimate meanOverPaths(const std::vector<double>& x, const LoanPricingSettings& st) {
    KP_REQUIRE(x.size() >= 2 && (!st.antithetic || x.size() % 2 == 0), "meanOverPaths: ", x.size(),
               " paths, but must be at least 2 (and even with antithetic pairs)");
    std::vector<Moments> mom(blocksOf(x.size()));
    forEachBlock(x.size(), st.threads, [&](std::size_t b, std::size_t first, std::size_t n) {
        mom[b] = pathMoments(first, n, st.antithetic, [&](std::size_t p) { return x[p]; });
    });
    Moments tot;
    for (const auto& m : mom) tot.merge(m);
    return tot.estimate();
}

LoanStatistics priceLoan(const LoanTerms& t, const LoanSchedule& s, const LoanVariant& v, const LoanPathView& view,
                         const LoanPricingSettings& st, bool keepPaths) {
    return priceLoan(t, std::vector<LoanSchedule>{s}, v, view, st, keepPaths);
}

LoanStatistics priceLoan(const LoanTerms& t, const std::vector<LoanSchedule>& s, const LoanVariant& v,
                         const LoanPathView& view, const LoanPricingSettings& st, bool keepPaths) {
    checkView(s, view, st);
    const std::size_t P = view.periods ? view.periods : s[0].periods(), nP = view.paths, nb = blocksOf(nP);
    PathOutcomes o(nP, t.completionSupport);
    const LoanOutcomes out = o.view();
    // per block: [0] cumulative default, [1..P] default in period i-1, then loss, value, hurdle value,
    // exposure and loss at default (for the LGD ratio), drawn, amount lent (PV on the hurdle curve)
    const std::size_t NM = P + 8;
    std::vector<Moments> mom(nb * NM);
    std::vector<double> defaults(nb, 0.0);
    forEachBlock(nP, st.threads, [&](std::size_t b, std::size_t first, std::size_t n) {
        evaluateLoan(t, s, v, view, first, n, out);
        Moments* m = mom.data() + b * NM;
        auto indicator = [&](std::size_t period) {
            return [&, period](std::size_t p) {
                const auto d = static_cast<std::size_t>(o.defaultPeriod[p]);
                return (period == P ? d < P : d == period) ? 1.0 : 0.0;
            };
        };
        m[0] = pathMoments(first, n, st.antithetic, indicator(P));
        for (std::size_t i = 0; i < P; ++i) m[1 + i] = pathMoments(first, n, st.antithetic, indicator(i));
        m[P + 1] = pathMoments(first, n, st.antithetic, [&](std::size_t p) { return o.loss[p]; });
        m[P + 2] = pathMoments(first, n, st.antithetic, [&](std::size_t p) { return o.value[p]; });
        m[P + 3] = pathMoments(first, n, st.antithetic, [&](std::size_t p) { return o.valueHurdle[p]; });
        m[P + 4] = pathMoments(first, n, st.antithetic, [&](std::size_t p) { return o.exposure[p]; });
        m[P + 5] = pathMoments(first, n, st.antithetic, [&](std::size_t p) { return o.lossAtDefault[p]; });
        m[P + 6] = pathMoments(first, n, st.antithetic, [&](std::size_t p) { return o.lentHurdle[p] > 0 ? 1.0 : 0.0; });
        m[P + 7] = pathMoments(first, n, st.antithetic, [&](std::size_t p) { return o.lentHurdle[p]; });
        for (std::size_t p = first; p < first + n; ++p) defaults[b] += o.defaultPeriod[p] < static_cast<int>(P);
    });
    std::vector<Moments> tot(NM);
    double defaulted = 0;
    for (std::size_t b = 0; b < nb; ++b) {
        for (std::size_t i = 0; i < NM; ++i) tot[i].merge(mom[b * NM + i]);
        defaulted += defaults[b];
    }
    LoanStatistics r;
    r.pdCumulative = tot[0].estimate();
    for (std::size_t i = 0; i < P; ++i) r.pdAnnual.push_back(tot[1 + i].estimate());
    r.expectedLoss = tot[P + 1].estimate();
    r.value = tot[P + 2].estimate();
    r.valueHurdle = tot[P + 3].estimate();
    r.drawProbability = tot[P + 6].estimate();
    r.lent = tot[P + 7].estimate();
    // PD given drawn = E[default] / E[drawn]; delta method as for the LGD below
    const double q = r.drawProbability.value, pdRatio = q > 0 ? r.pdCumulative.value / q : kNaN;
    if (q > 0) {
        std::vector<Moments> res(nb);
        forEachBlock(nP, st.threads, [&](std::size_t b, std::size_t first, std::size_t n) {
            res[b] = pathMoments(first, n, st.antithetic, [&](std::size_t p) {
                return (o.defaultPeriod[p] < static_cast<int>(P) ? 1.0 : 0.0) - pdRatio * (o.lentHurdle[p] > 0 ? 1.0 : 0.0);
            });
        });
        Moments d;
        for (const auto& m : res) d.merge(m);
        r.pdGivenDrawn = {pdRatio, d.estimate().stdError / q};
    } else {
        r.pdGivenDrawn = {kNaN, kNaN};
    }
    // LGD = E[loss at default] / E[EAD]; delta method: Var(X - R Y) / (m E[Y]^2), over pair averages
    const double ey = tot[P + 4].mean, ratio = ey > 0 ? tot[P + 5].mean / ey : kNaN;
    if (ey > 0) {
        std::vector<Moments> res(nb);
        forEachBlock(nP, st.threads, [&](std::size_t b, std::size_t first, std::size_t n) {
            res[b] = pathMoments(first, n, st.antithetic,
                                  [&](std::size_t p) { return o.lossAtDefault[p] - ratio * o.exposure[p]; });
        });
        Moments d;
        for (const auto& m : res) d.merge(m);
        r.lgd = {ratio, d.estimate().stdError / ey};
        const double share = defaulted / static_cast<double>(nP);
        r.expectedExposure = {ey / share, tot[P + 4].estimate().stdError / share};
    } else {
        r.lgd = {kNaN, kNaN};
        r.expectedExposure = {kNaN, kNaN};
    }
    if (t.completionSupport) completionStatistics(t, view, o.sponsorPaid, st, r);
    r.tail99 = tailRisk(o.loss, 0.99);
    r.tail999 = tailRisk(o.loss, 0.999);
    if (keepPaths) {
        r.loss = std::move(o.loss);
        r.defaultPeriod = std::move(o.defaultPeriod);
    }
    return r;
}

Estimate breakevenMargin(const LoanTerms& t, const LoanSchedule& s, const LoanVariant& v, const LoanPathView& view,
                         const LoanPricingSettings& st) {
    return breakevenMargin(t, std::vector<LoanSchedule>{s}, v, view, st);
}

Estimate breakevenMargin(const LoanTerms& t, const std::vector<LoanSchedule>& s, const LoanVariant& v,
                         const LoanPathView& view, const LoanPricingSettings& st) {
    checkView(s, view, st);
    auto gap = [&](double m) { return hurdleGap(t, s, v, view, st, m).value; };
    // the value need not rise with the margin everywhere (a higher margin causes more defaults): the
    // lowest break-even margin is bracketed on a 1% grid from -5% to 50%, then refined
    double lo = -0.05, gLo = gap(lo);
    if (!(gLo < 0)) return {kNaN, kNaN};
    double hi = lo, gHi = gLo;
    while (gHi < 0 && hi < 0.5) {
        lo = hi, gLo = gHi;
        hi = lo + 0.01;
        gHi = gap(hi);
    }
    if (!(gHi >= 0)) return {kNaN, kNaN};
    if (gHi == 0) return {hi, hurdleGap(t, s, v, view, st, hi).stdError};
    std::uintmax_t iterations = 100;
    const auto root = boost::math::tools::toms748_solve(
        gap, lo, hi, gLo, gHi, [](double a, double b) { return std::abs(b - a) < 1e-8; }, iterations);
    const double m = 0.5 * (root.first + root.second);
    // the slope by a central difference of 1 bp on the same paths
    constexpr double h = 1e-4;
    const double slope = (gap(m + h) - gap(m - h)) / (2 * h);
    const Estimate at = hurdleGap(t, s, v, view, st, m);
    return {m, slope > 0 ? at.stdError / slope : kNaN};
}

}  // namespace kp
