#include "kp/results/downside.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "kp/core/errors.hpp"
#include "kp/core/moments.hpp"
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

/// The five statistics of one sorted sample, in the order of DownsideLevels.
struct Point {
    double pLoss, var95, es95, var99, es99;
};

Point pointOf(std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    const auto loss = static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), 0.0) - v.begin());
    return {static_cast<double>(loss) / static_cast<double>(v.size()), lowerQuantile(v, 0.05),
            expectedShortfall(v, 0.05), lowerQuantile(v, 0.01), expectedShortfall(v, 0.01)};
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

}  // namespace

double lowerQuantile(const std::vector<double>& v, double q) {
    const double m = static_cast<double>(v.size());
    const auto i = static_cast<std::size_t>(std::max(1.0, std::ceil(q * m)));
    return v[std::min(i, v.size()) - 1];
}

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
    std::vector<double> v(x, x + n);
    const Point all = pointOf(v);
    std::vector<Point> parts;
    for (const PathRange& r : batches) {
        v.assign(x + r.first, x + r.last);
        parts.push_back(pointOf(v));
    }
    auto field = [&](double Point::*f) {
        std::vector<double> t;
        for (const Point& p : parts) t.push_back(p.*f);
        return sectioned(all.*f, t);
    };
    DownsideLevels d{field(&Point::pLoss), field(&Point::var95), field(&Point::es95), field(&Point::var99),
                     field(&Point::es99)};
    // P(loss) is a mean: its SE is at least its pricing error (antithetic pairs averaged first), as
    // the engine floors every mean's (investment_statistics.cpp, slotEstimate)
    if (n >= (antithetic ? 4u : 2u)) {
        const Estimate pricing =
            pathMoments(0, n, antithetic, [&](std::size_t p) { return x[p] < 0 ? 1.0 : 0.0; }).estimate();
        d.pLoss.stdError = std::max(d.pLoss.stdError, pricing.stdError);
    }
    return d;
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

Downside downside(const PathValues& pv, const InvestmentResult& r, bool antithetic, const YearCashFlows* cash) {
    const std::size_t n = pv.paths();
    Downside out;
    const std::vector<PathRange> batches = downsideBatches(n, r.rules, antithetic);
    out.batches = batches.size();
    out.byRules = r.rules > 1;
    std::vector<double> diff(n);
    auto strategy = [&](const std::string& name, const std::string& tech, const double* x, bool vsNever) {
        StrategyDownside s{name, tech, downsideLevels(x, n, batches, antithetic), std::nullopt};
        if (vsNever) {
            for (std::size_t p = 0; p < n; ++p) diff[p] = x[p] - pv.never()[p];
            s.vsNever = downsideLevels(diff.data(), n, batches, antithetic);
        }
        out.strategies.push_back(std::move(s));
    };
    strategy("optimal", "", pv.option(), true);
    for (std::size_t j = 0; j < pv.technologies() && j < r.npvNow.size(); ++j)
        if (std::isfinite(r.npvNow[j].value)) strategy("invest_now", r.technologyNames[j], pv.npvNow(j), true);
    strategy("never_invest", "", pv.never(), false);
    if (cash) {
        KP_REQUIRE(cash->paths() == n, "downside: cash flows of ", cash->paths(), " paths, but must be of the ", n,
                   " paths of the values");
        std::vector<double> v;
        auto quantile = [&](const float* x, double q, std::size_t first, std::size_t last) {
            v.assign(x + first, x + last);
            std::sort(v.begin(), v.end());
            return lowerQuantile(v, q);
        };
        auto est = [&](const float* x, double q) {
            std::vector<double> parts;
            for (const PathRange& b : batches) parts.push_back(quantile(x, q, b.first, b.last));
            return sectioned(quantile(x, q, 0, n), parts);
        };
        for (std::size_t k = 0; k < cash->years(); ++k)
            out.cashFlowAtRisk.push_back({cash->startYear() + static_cast<int>(k), est(cash->operating(k), 0.05),
                                          est(cash->operating(k), 0.5), est(cash->afterCapex(k), 0.05)});
    }
    return out;
}

const char* const kDownsideConvention =
    "NPV = a strategy's realised present value on a pricing path as the engine values it (the plant's own "
    "cash flows, capex net of grant, subsidies); var_X = the (1 - X) quantile of the NPV and es_X = the mean "
    "of the worst (1 - X) of paths, both values of the NPV (negative = a loss), not losses; p_loss = P(NPV < "
    "0); vs_never: the same for the NPV minus never investing's on the same path";

namespace {

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
                      {"after_capex_p5", estimateJson(c.afterCapexP5)}});
    j["cash_flow_at_risk"] = cf;
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

}  // namespace kp::results
