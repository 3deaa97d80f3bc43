#include "kp/results/downside.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <tbb/task_arena.h>

#include "kp/core/errors.hpp"
#include "kp/core/moments.hpp"
#include "kp/engine/parallel.hpp"
#include "kp/instruments/investment_instrument.hpp"
#include "kp/results/csv_table.hpp"
#include "kp/results/json.hpp"

namespace kp::results {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kBatchesOneRule = 8;

/// (t_{K-1, 0.975} / z_{0.975})^2, as the engine widens the rules' spread (investment_statistics.cpp).
double tWidening(std::size_t k) {
    if (k < 2) return 1.0;
    const boost::math::students_t t(static_cast<double>(k - 1));
    const double q = boost::math::quantile(t, 0.975) / 1.959963984540054;
    return q * q;
}

/// Sectioning: theta on all paths, SE from the batches' theta_k around it, widened to Student-t.
Estimate sectioned(double all, const std::vector<double>& parts) {
    const std::size_t k = parts.size();
    if (k < 2) return {all, kNaN};
    double ss = 0;
    for (double t : parts) ss += (t - all) * (t - all);
    const double K = static_cast<double>(k);
    return {all, std::sqrt(tWidening(k) * ss / (K * (K - 1)))};
}

/// The statistic `stat` (a sorted sample -> std::array<double, N>) on all of x[0..n) and on each
/// batch, each figure sectioned (sectioned()).
template <std::size_t N, class Stat>
std::array<Estimate, N> sectionedFigures(const double* x, std::size_t n, const std::vector<PathRange>& batches,
                                         Stat stat) {
    std::vector<double> v(x, x + n);
    std::sort(v.begin(), v.end());
    const std::array<double, N> all = stat(v);
    std::vector<std::array<double, N>> parts;
    for (const PathRange& r : batches) {
        v.assign(x + r.first, x + r.last);
        std::sort(v.begin(), v.end());
        parts.push_back(stat(v));
    }
    std::array<Estimate, N> out;
    for (std::size_t i = 0; i < N; ++i) {
        std::vector<double> t;
        for (const auto& p : parts) t.push_back(p[i]);
        out[i] = sectioned(all[i], t);
    }
    return out;
}

/// A mean's SE is at least its pricing error (antithetic pairs averaged first), as the engine
/// floors every mean's (investment_statistics.cpp, slotEstimate).
template <class F>
void floorAtPricingError(Estimate& e, std::size_t n, bool antithetic, F&& f) {
    if (n < (antithetic ? 4u : 2u)) return;
    e.stdError = std::max(e.stdError, pathMoments(0, n, antithetic, f).estimate().stdError);
}

}  // namespace

namespace {
/// The index of the lower q-quantile in a sorted sample of n: the ceil(q n)-th smallest (at least the first).
std::size_t lowerQuantileIndex(std::size_t n, double q) {
    const auto i = static_cast<std::size_t>(std::max(1.0, std::ceil(q * static_cast<double>(n))));
    return std::min(i, n) - 1;
}
}  // namespace

double lowerQuantile(const std::vector<double>& v, double q) { return v[lowerQuantileIndex(v.size(), q)]; }

double expectedShortfall(const std::vector<double>& v, double q) {
    const double a = q * static_cast<double>(v.size());  // the worst a paths (a > 0)
    const auto whole = static_cast<std::size_t>(std::floor(a));
    double sum = 0;
    for (std::size_t i = 0; i < whole && i < v.size(); ++i) sum += v[i];
    if (whole < v.size()) sum += (a - static_cast<double>(whole)) * v[whole];
    return sum / a;
}

std::vector<PathRange> downsideBatches(std::size_t paths, std::size_t rules, bool antithetic) {
    std::vector<PathRange> out;
    if (rules > 1) {
        for (std::size_t b = 0; b < rules; ++b) out.push_back(ruleShare(paths, rules, b));
        return out;
    }
    const std::size_t unit = antithetic ? 2 : 1, units = paths / unit;
    const std::size_t k = std::max<std::size_t>(1, std::min(kBatchesOneRule, units));
    for (std::size_t b = 0; b < k; ++b) out.push_back({b * units / k * unit, (b + 1) * units / k * unit});
    out.back().last = paths;
    return out;
}

DownsideLevels downsideLevels(const double* x, std::size_t n, const std::vector<PathRange>& batches, bool antithetic) {
    KP_REQUIRE(n > 0 && !batches.empty() && batches.back().last == n, "downsideLevels: ", n, " paths in ",
               batches.size(), " batches, but the batches must partition at least one path");
    const auto f = sectionedFigures<5>(x, n, batches, [](const std::vector<double>& v) {
        const auto loss = static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), 0.0) - v.begin());
        return std::array<double, 5>{static_cast<double>(loss) / static_cast<double>(v.size()), lowerQuantile(v, 0.05),
                                     expectedShortfall(v, 0.05), lowerQuantile(v, 0.01), expectedShortfall(v, 0.01)};
    });
    DownsideLevels d{f[0], f[1], f[2], f[3], f[4]};
    floorAtPricingError(d.pLoss, n, antithetic, [&](std::size_t p) { return x[p] < 0 ? 1.0 : 0.0; });  // P(loss) is a mean
    return d;
}

namespace {

/// The mean of a sorted sample, summed in sorted order: the same for any thread count.
double sortedMean(const std::vector<double>& v) {
    double sum = 0;
    for (double y : v) sum += y;
    return sum / static_cast<double>(v.size());
}

}  // namespace

Estimate sectionedMean(const double* x, std::size_t n, const std::vector<PathRange>& batches, bool antithetic) {
    KP_REQUIRE(n > 0 && !batches.empty() && batches.back().last == n, "sectionedMean: ", n, " paths in ",
               batches.size(), " batches, but the batches must partition at least one path");
    Estimate e = sectionedFigures<1>(x, n, batches, [](const std::vector<double>& v) {
        return std::array<double, 1>{sortedMean(v)};
    })[0];
    floorAtPricingError(e, n, antithetic, [&](std::size_t p) { return x[p]; });
    return e;
}

WorstYearLevels worstYearLevels(const double* x, std::size_t n, const std::vector<PathRange>& batches,
                                bool antithetic) {
    KP_REQUIRE(n > 0 && !batches.empty() && batches.back().last == n, "worstYearLevels: ", n, " paths in ",
               batches.size(), " batches, but the batches must partition at least one path");
    const auto f = sectionedFigures<5>(x, n, batches, [](const std::vector<double>& v) {
        const auto negative = static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), 0.0) - v.begin());
        const double m = static_cast<double>(v.size());
        return std::array<double, 5>{sortedMean(v), lowerQuantile(v, 0.01), lowerQuantile(v, 0.05), lowerQuantile(v, 0.5),
                                     static_cast<double>(negative) / m};
    });
    WorstYearLevels w{f[0], f[1], f[2], f[3], f[4]};
    floorAtPricingError(w.mean, n, antithetic, [&](std::size_t p) { return x[p]; });
    floorAtPricingError(w.pNegative, n, antithetic, [&](std::size_t p) { return x[p] < 0 ? 1.0 : 0.0; });
    return w;
}

WorstYears::WorstYears(std::size_t paths, const InvestmentProblem& problem, PricingObserver* next)
    : years_(static_cast<std::size_t>(problem.project.horizonYears)),
      periodsPerYear_(static_cast<std::size_t>(problem.project.periodsPerYear)), startYear_(problem.project.startYear),
      next_(next), worst_(paths, 0.0), year_(paths, problem.project.startYear - 1) {}

void WorstYears::onBlock(const PricingBlock& b) {
    KP_REQUIRE(b.first + b.n <= worst_.size() && b.years == years_ * periodsPerYear_, "WorstYears: a block of paths ",
               b.first, "..", b.first + b.n, " with ", b.years, " periods, but must fit the ", worst_.size(),
               " paths and ", years_ * periodsPerYear_, " periods it was made for");
    for (std::size_t p = 0; p < b.n; ++p) {
        double worst = 0;
        int year = startYear_ - 1;
        for (std::size_t k = 0; k < years_; ++k) {
            double cf = 0;
            for (std::size_t q = 0; q < periodsPerYear_; ++q) cf += b.cashFlow[(k * periodsPerYear_ + q) * b.n + p];
            if (cf == 0) continue;  // nothing runs, nothing is paid: no year of the plant
            if (year < startYear_ || cf < worst) worst = cf, year = startYear_ + static_cast<int>(k);
        }
        worst_[b.first + p] = worst;
        year_[b.first + p] = year;
    }
    if (next_) next_->onBlock(b);
}

StaticStrategies::StaticStrategies(std::size_t paths, const InvestmentProblem& problem, PricingObserver* observer)
    : paths_(paths), startYear_(problem.project.startYear) {
    KP_REQUIRE(problem.factors != nullptr, "StaticStrategies: the problem's factors are null, but must be a ModelSet");
    const InvestmentInstrument in(problem.project, problem.factors->stateSize());
    for (std::size_t j = 0; j < in.technologies(); ++j)
        investNow_.push_back(in.allowed(j, 0) ? std::make_unique<WorstYears>(paths, problem, observer) : nullptr);
    never_ = std::make_unique<WorstYears>(paths, problem, observer);
}

std::vector<BesidePolicy> StaticStrategies::beside() {
    std::vector<BesidePolicy> out;
    for (std::size_t j = 0; j < investNow_.size(); ++j)
        if (investNow_[j]) out.push_back({FixedPolicy{static_cast<int>(j), startYear_}, investNow_[j].get()});
    out.push_back({FixedPolicy{-1, startYear_}, never_.get()});
    return out;
}

StrategyWorstYears StaticStrategies::worstYears(const WorstYears& optimal) const {
    KP_REQUIRE(optimal.paths() == paths_, "StaticStrategies: the valuation's worst years are of ", optimal.paths(),
               " paths, but must be of the strategies' ", paths_);
    StrategyWorstYears out;
    out.optimal.assign(optimal.worst(), optimal.worst() + optimal.paths());
    out.investNow.resize(investNow_.size());
    for (std::size_t j = 0; j < investNow_.size(); ++j)
        if (investNow_[j]) out.investNow[j].assign(investNow_[j]->worst(), investNow_[j]->worst() + paths_);
    out.never.assign(never_->worst(), never_->worst() + paths_);
    return out;
}

YearCashFlows::YearCashFlows(std::size_t paths, const InvestmentProblem& problem, PricingObserver* next)
    : paths_(paths), years_(static_cast<std::size_t>(problem.project.horizonYears)),
      periodsPerYear_(static_cast<std::size_t>(problem.project.periodsPerYear)), startYear_(problem.project.startYear),
      next_(next), operating_(years_ * paths), afterCapex_(years_ * paths) {}

void YearCashFlows::onBlock(const PricingBlock& b) {
    KP_REQUIRE(b.first + b.n <= paths_ && b.years == years_ * periodsPerYear_, "YearCashFlows: a block of paths ",
               b.first, "..", b.first + b.n, " with ", b.years, " periods, but must fit the ", paths_, " paths and ",
               years_ * periodsPerYear_, " periods it was made for");
    for (std::size_t k = 0; k < years_; ++k)
        for (std::size_t p = 0; p < b.n; ++p) {
            double cf = 0, capex = 0;
            for (std::size_t q = 0; q < periodsPerYear_; ++q) {
                const std::size_t i = (k * periodsPerYear_ + q) * b.n + p;
                cf += b.cashFlow[i];
                capex += b.investment[i];
            }
            operating_[k * paths_ + b.first + p] = static_cast<float>(cf);
            afterCapex_[k * paths_ + b.first + p] = static_cast<float>(cf - capex);
        }
    if (next_) next_->onBlock(b);
}

Downside downside(const PathValues& pv, const InvestmentResult& r, bool antithetic, const YearCashFlows* cash,
                  const StrategyWorstYears* worst, std::size_t threads) {
    const std::size_t n = pv.paths();
    Downside out;
    const std::vector<PathRange> batches = downsideBatches(n, r.rules, antithetic);
    out.batches = batches.size();
    out.byRules = r.rules > 1;
    if (worst)
        KP_REQUIRE(worst->optimal.size() == n && worst->never.size() == n, "downside: worst years of ",
                   worst->optimal.size(), " paths, but must be of the ", n, " paths of the values");
    if (cash)
        KP_REQUIRE(cash->paths() == n, "downside: cash flows of ", cash->paths(), " paths, but must be of the ", n,
                   " paths of the values");
    // the strategies' rows and the cash flow at risk's years are independent tasks, each computed
    // into its own slot from copies of the values: the same figures on any number of threads
    struct Row {
        const char* name;
        std::string technology;
        const double* x;
        bool vsNever;
        const std::vector<double>* worstYears;
    };
    std::vector<Row> rows;
    rows.push_back({"optimal", "", pv.option(), true, worst ? &worst->optimal : nullptr});
    for (std::size_t j = 0; j < pv.technologies() && j < r.npvNow.size(); ++j)
        if (std::isfinite(r.npvNow[j].value))
            rows.push_back({"invest_now", r.technologyNames[j], pv.npvNow(j), true,
                            worst && j < worst->investNow.size() ? &worst->investNow[j] : nullptr});
    rows.push_back({"never_invest", "", pv.never(), false, worst ? &worst->never : nullptr});
    auto strategy = [&](const Row& row) {
        StrategyDownside s{row.name, row.technology, downsideLevels(row.x, n, batches, antithetic), std::nullopt,
                           std::nullopt};
        if (row.vsNever) {
            std::vector<double> diff(n);
            for (std::size_t p = 0; p < n; ++p) diff[p] = row.x[p] - pv.never()[p];
            s.vsNever = downsideLevels(diff.data(), n, batches, antithetic);
        }
        if (row.worstYears && row.worstYears->size() == n)
            s.worstYear = worstYearLevels(row.worstYears->data(), n, batches, antithetic);
        return s;
    };
    // lowerQuantile's order statistic, placed by nth_element: the same value without sorting
    auto quantile = [](std::vector<double>& v, const float* x, double q, std::size_t first, std::size_t last) {
        v.assign(x + first, x + last);
        const std::size_t i = lowerQuantileIndex(v.size(), q);
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
        return v[i];
    };
    auto est = [&](std::vector<double>& v, const float* x, double q) {
        std::vector<double> parts;
        for (const PathRange& b : batches) parts.push_back(quantile(v, x, q, b.first, b.last));
        return sectioned(quantile(v, x, q, 0, n), parts);
    };
    auto year = [&](std::size_t k) {
        std::vector<double> v;
        return CashFlowAtRisk{cash->startYear() + static_cast<int>(k), est(v, cash->operating(k), 0.05),
                              est(v, cash->operating(k), 0.5), est(v, cash->afterCapex(k), 0.05),
                              est(v, cash->operating(k), 0.01)};
    };
    out.strategies.resize(rows.size());
    out.cashFlowAtRisk.resize(cash ? cash->years() : 0);
    tbb::task_arena arena(threadCount(threads));
    forEachIndex(arena, rows.size() + out.cashFlowAtRisk.size(), [&](std::size_t i) {
        if (i < rows.size()) out.strategies[i] = strategy(rows[i]);
        else out.cashFlowAtRisk[i - rows.size()] = year(i - rows.size());
    });
    return out;
}

const char* const kDownsideConvention =
    "NPV = a strategy's realised present value on a pricing path as the engine values it (the plant's own "
    "cash flows, capex net of grant, subsidies); var_X = the (1 - X) quantile of the NPV and es_X = the mean "
    "of the worst (1 - X) of paths, both values of the NPV (negative = a loss), not losses; p_loss = P(NPV < "
    "0); vs_never: the same for the NPV minus never investing's on the same path";

const char* const kWorstYearConvention =
    "worst year = a path's lowest yearly net cash flow over the horizon under the strategy, undiscounted, in "
    "money of the price base year (the plant's and the investment's cash flows, subsidies and carbon costs "
    "included, capex excluded: it is paid by the loan and the sponsors' equity); a year with no cash flow at "
    "all (nothing runs: after closing or the end of life) is left out; p1, p5, p50 = its 1%, 5%, 50% "
    "quantiles over the paths (the ceil(q n)-th smallest); p_negative = P(worst year < 0)";

namespace {

nlohmann::ordered_json worstYearJson(const WorstYearLevels& w) {
    nlohmann::ordered_json j;
    j["mean"] = estimateJson(w.mean);
    j["p1"] = estimateJson(w.p1);
    j["p5"] = estimateJson(w.p5);
    j["p50"] = estimateJson(w.p50);
    j["p_negative"] = estimateJson(w.pNegative);
    return j;
}

nlohmann::ordered_json levelsJson(const DownsideLevels& l) {
    nlohmann::ordered_json j;
    j["p_loss"] = estimateJson(l.pLoss);
    j["var_95"] = estimateJson(l.var95);
    j["es_95"] = estimateJson(l.es95);
    j["var_99"] = estimateJson(l.var99);
    j["es_99"] = estimateJson(l.es99);
    return j;
}

nlohmann::ordered_json strategyJson(const StrategyDownside& s) {
    nlohmann::ordered_json j = levelsJson(s.npv);
    if (s.vsNever) j["vs_never"] = levelsJson(*s.vsNever);
    return j;
}

}  // namespace

nlohmann::ordered_json downsideJson(const Downside& d) {
    nlohmann::ordered_json j;
    j["convention"] = kDownsideConvention;
    j["standard_error"] = "sectioning over " + std::to_string(d.batches) +
                          (d.byRules ? " batches, the rules' shares of the pricing paths"
                                     : " contiguous batches of the pricing paths (one rule: pricing noise only)") +
                          ", widened to Student-t";
    nlohmann::ordered_json now = nlohmann::ordered_json::object();
    for (const StrategyDownside& s : d.strategies) {
        if (s.strategy == "invest_now") now[s.technology] = strategyJson(s);
        else j[s.strategy] = strategyJson(s);
        if (s.strategy == "optimal") j["invest_now"] = nlohmann::ordered_json::object();  // keeps the order
    }
    j["invest_now"] = now;
    nlohmann::ordered_json cf = nlohmann::ordered_json::array();
    for (const CashFlowAtRisk& c : d.cashFlowAtRisk)
        cf.push_back({{"year", c.year},
                      {"operating_p5", estimateJson(c.operatingP5)},
                      {"operating_p50", estimateJson(c.operatingP50)},
                      {"after_capex_p5", estimateJson(c.afterCapexP5)},
                      {"operating_p1", estimateJson(c.operatingP1)}});
    j["cash_flow_at_risk"] = cf;
    bool anyWorst = false;
    for (const StrategyDownside& s : d.strategies) anyWorst |= s.worstYear.has_value();
    if (anyWorst) {
        nlohmann::ordered_json w;
        w["convention"] = kWorstYearConvention;
        nlohmann::ordered_json wNow = nlohmann::ordered_json::object();
        for (const StrategyDownside& s : d.strategies) {
            if (!s.worstYear) continue;
            if (s.strategy == "invest_now") wNow[s.technology] = worstYearJson(*s.worstYear);
            else w[s.strategy] = worstYearJson(*s.worstYear);
            if (s.strategy == "optimal") w["invest_now"] = nlohmann::ordered_json::object();  // keeps the order
        }
        w["invest_now"] = wNow;
        j["worst_year"] = w;
    }
    return j;
}

std::string downsideCsv(const Downside& d, const std::string& cur) {
    CsvTable t({"strategy", "technology", "basis", "p_loss", "p_loss_se", "var_95_" + cur, "var_95_se_" + cur,
                "es_95_" + cur, "es_95_se_" + cur, "var_99_" + cur, "var_99_se_" + cur, "es_99_" + cur,
                "es_99_se_" + cur});
    auto row = [&](const StrategyDownside& s, const char* basis, const DownsideLevels& l) {
        std::vector<std::string> cells{s.strategy, s.technology, basis};
        for (const Estimate* e : {&l.pLoss, &l.var95, &l.es95, &l.var99, &l.es99}) {
            cells.push_back(csvNumber(e->value));
            cells.push_back(csvNumber(e->stdError));
        }
        t.row(cells);
    };
    for (const StrategyDownside& s : d.strategies) {
        row(s, "npv", s.npv);
        if (s.vsNever) row(s, "vs_never", *s.vsNever);
    }
    return t.text();
}

std::string cashFlowAtRiskCsv(const Downside& d, const std::string& cur) {
    CsvTable t({"year", "operating_p5_" + cur, "operating_p5_se_" + cur, "operating_p50_" + cur,
                "operating_p50_se_" + cur, "after_capex_p5_" + cur, "after_capex_p5_se_" + cur});
    for (const CashFlowAtRisk& c : d.cashFlowAtRisk)
        t.row({std::to_string(c.year), csvNumber(c.operatingP5.value), csvNumber(c.operatingP5.stdError),
               csvNumber(c.operatingP50.value), csvNumber(c.operatingP50.stdError), csvNumber(c.afterCapexP5.value),
               csvNumber(c.afterCapexP5.stdError)});
    return t.text();
}

std::string worstYearCsv(const Downside& d, const std::string& cur) {
    CsvTable t({"strategy", "technology", "mean_" + cur, "mean_se_" + cur, "p1_" + cur, "p1_se_" + cur, "p5_" + cur,
                "p5_se_" + cur, "p50_" + cur, "p50_se_" + cur, "p_negative", "p_negative_se"});
    for (const StrategyDownside& s : d.strategies) {
        if (!s.worstYear) continue;
        const WorstYearLevels& w = *s.worstYear;
        std::vector<std::string> cells{s.strategy, s.technology};
        for (const Estimate* e : {&w.mean, &w.p1, &w.p5, &w.p50, &w.pNegative}) {
            cells.push_back(csvNumber(e->value));
            cells.push_back(csvNumber(e->stdError));
        }
        t.row(cells);
    }
    return t.text();
}

}  // namespace kp::results
