// `kruispunt calibrate`: fit factor models to price history, correlations between series, and
// learning curves. See docs/calibration.md for the options, the output fields and examples.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "kp/calibration/correlation.hpp"
#include "kp/calibration/estimators.hpp"
#include "kp/calibration/learning_curve.hpp"
#include "kp/calibration/mean_reversion.hpp"
#include "kp/calibration/parameter_file.hpp"
#include "kp/calibration/schwartz_smith_futures.hpp"
#include "kp/calibration/time_series.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/output_file.hpp"

namespace kp::app {

namespace {

namespace cal = kp::calibration;
using json = nlohmann::ordered_json;  // fields in the documented order

struct CalibrateOptions {
    std::vector<std::string> series;
    std::vector<std::string> columns;
    std::vector<std::string> models;
    std::string from, to;
    std::string frequency = "daily";
    std::string timeBasis = "calendar";
    std::string out;
    bool json = false;
    double rho = 0.0;
    std::size_t lags = 0;
    std::string learningCurve;
    std::string capacityColumn, costColumn;
    double confidence = 0.95;
    std::string futures;              // futures panel CSV (Schwartz-Smith on several maturities)
    std::vector<double> maturities;   // years per futures column (else from the header)
    bool commonError = false;         // one measurement-error s_e for all maturities
    bool rhoGiven = false;
};

/// A number for JSON: NaN and infinities become null.
json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

/// Fixed-width formatting for the tables.
std::string fmt(double v, int precision = 6) {
    if (std::isnan(v)) return "n/a";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    return buf;
}

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

std::optional<int> dateOption(const std::string& text, const char* option) {
    if (text.empty()) return std::nullopt;
    const auto d = cal::parseIsoDate(text);
    KP_REQUIRE(d.has_value(), "calibrate: ", option, " is '", text,
               "', but must be an ISO date YYYY-MM-DD");
    return d;
}

json diagnosticsJson(const cal::Diagnostics& d) {
    return {
        {"ljung_box", {{"lags", d.lags}, {"q", num(d.ljungBox)}, {"p_value", num(d.ljungBoxP)}}},
        {"ljung_box_squared",
         {{"lags", d.lags}, {"q", num(d.ljungBoxSquared)}, {"p_value", num(d.ljungBoxSquaredP)}}},
        {"jarque_bera", {{"statistic", num(d.jarqueBera)}, {"p_value", num(d.jarqueBeraP)}}},
        {"skewness", num(d.skewness)},
        {"excess_kurtosis", num(d.excessKurtosis)}};
}

json dataJson(const cal::DataInfo& d) {
    return {{"file", d.file},
            {"column", d.column},
            {"from", cal::formatIsoDate(d.firstDay)},
            {"to", cal::formatIsoDate(d.lastDay)},
            {"frequency", cal::toString(d.frequency)},
            {"time_basis", cal::toString(d.timeBasis)},
            {"prices", d.prices}};
}

json fitJson(const cal::FitResult& f, const cal::DataInfo& data) {
    json params = json::object();
    for (const auto& p : f.parameters) {
        json entry = {{"value", num(p.value)}, {"std_error", num(p.stdError)}};
        if (p.fixed) entry["fixed"] = true;
        params[p.name] = entry;
    }
    json j = {{"model", f.model},
              {"parameters", params},
              {"log_likelihood", num(f.logLikelihood)},
              {"aic", num(f.aic)},
              {"bic", num(f.bic)},
              {"observations", f.observations},
              {"free_parameters", f.freeParameters},
              {"spot", num(f.lastPrice)},
              {"as_of", cal::formatIsoDate(data.lastDay)},
              {"data", dataJson(data)},
              {"diagnostics", diagnosticsJson(f.diagnostics)},
              {"converged", f.converged},
              {"standard_errors_available", f.standardErrorsAvailable},
              {"status", f.status}};
    if (!f.state.empty()) {
        json st = json::object();
        for (const auto& s : f.state)
            st[s.name] = {{"value", num(s.value)}, {"std_dev", num(s.stdError)}};
        j["state"] = st;
    }
    if (f.model == "ou" && std::isfinite(f.stdError("kappa"))) {
        const cal::MeanReversionTest m = cal::meanReversionTest(f);
        j["mean_reversion"] = {
            {"half_life_years", num(m.halfLife)},
            {"long_run_level", num(std::exp(f.value("theta")))},
            {"dickey_fuller_tau", num(m.tau)},
            {"critical_values", {{"1%", m.critical1}, {"5%", m.critical5}, {"10%", m.critical10}}},
            {"rejects_unit_root_at_5pct", m.rejectsUnitRoot5}};
    }
    return j;
}

void printFit(std::ostream& os, const cal::FitResult& f, const cal::DataInfo& data) {
    os << "model " << f.model << " fitted to " << data.file << " [" << data.column << "], "
       << cal::formatIsoDate(data.firstDay) << " .. " << cal::formatIsoDate(data.lastDay) << ", "
       << (data.frequency == cal::Frequency::Daily ? std::string("every row")
                                                   : cal::toString(data.frequency))
       << ", " << cal::toString(data.timeBasis) << " clock, " << data.prices << " prices ("
       << f.observations << " transitions)\n";
    os << "  " << pad("parameter", 12) << pad("estimate", 14) << "std.error\n";
    for (const auto& p : f.parameters)
        os << "  " << pad(p.name, 12) << pad(fmt(p.value), 14)
           << (p.fixed ? "(fixed)" : fmt(p.stdError, 3)) << '\n';
    for (const auto& s : f.state)
        os << "  " << pad(s.name + "(T)", 12) << pad(fmt(s.value), 14) << fmt(s.stdError, 3)
           << " (filtered state at the last date; sd)\n";
    os << "  log-likelihood " << fmt(f.logLikelihood, 9) << "   AIC " << fmt(f.aic, 9) << "   BIC "
       << fmt(f.bic, 9) << "   k = " << f.freeParameters << '\n';
    const auto& d = f.diagnostics;
    os << "  residuals: Ljung-Box(" << d.lags << ") Q = " << fmt(d.ljungBox, 4)
       << " (p = " << fmt(d.ljungBoxP, 3) << "); on squares Q = " << fmt(d.ljungBoxSquared, 4)
       << " (p = " << fmt(d.ljungBoxSquaredP, 3) << "); Jarque-Bera = " << fmt(d.jarqueBera, 4)
       << " (p = " << fmt(d.jarqueBeraP, 3) << "), skewness " << fmt(d.skewness, 3)
       << ", excess kurtosis " << fmt(d.excessKurtosis, 3) << '\n';
    if (f.model == "ou" && std::isfinite(f.stdError("kappa"))) {
        const cal::MeanReversionTest m = cal::meanReversionTest(f);
        os << "  mean reversion: half-life " << fmt(m.halfLife, 3)
           << " years, long-run level e^theta = " << fmt(std::exp(f.value("theta")), 4)
           << "; Dickey-Fuller tau = " << fmt(m.tau, 3) << " vs critical values "
           << fmt(m.critical5, 3) << " (5%), " << fmt(m.critical10, 3) << " (10%): "
           << (m.rejectsUnitRoot5
                   ? "mean reversion is significant at 5%"
                   : "no significant evidence of mean reversion (unit root not rejected)")
           << '\n';
    }
    os << "  spot (last price) " << fmt(f.lastPrice) << " on " << cal::formatIsoDate(data.lastDay)
       << "; status: " << f.status << '\n';
}

/// A series whose log returns are all equal (a constant price) identifies no volatility: every
/// model's fit is degenerate (sigma 0, an undefined likelihood), so it is refused up front.
void requireVaryingReturns(const cal::TimeSeries& s) {
    if (s.size() < 3) return;
    for (double v : s.values)
        if (!(v > 0)) return;  // the fit reports non-positive prices itself
    const double first = std::log(s.values[1] / s.values[0]);
    for (std::size_t i = 2; i < s.size(); ++i)
        if (std::log(s.values[i] / s.values[i - 1]) != first) return;
    ::kp::detail::throwInvalid(s.file, ": ", s.column, ": the log returns of the ", s.size(),
                               " prices are all equal (", first == 0 ? "a constant series" : "a constant growth rate",
                               "), but must vary: no model can be fitted to them");
}

/// A fit that failed (did not converge, undefined likelihood, a non-finite estimate) gives no
/// parameter file: exit 2 with the reason.
void requireUsableFit(const cal::FitResult& f, const std::string& out) {
    std::string why;
    if (!f.converged) why = f.status;
    else if (!std::isfinite(f.logLikelihood) || f.logLikelihood <= -1e99) why = "the likelihood is undefined";
    for (const auto& p : f.parameters)
        if (why.empty() && !std::isfinite(p.value)) why = "the estimate of " + p.name + " is not finite";
    if (!why.empty())
        ::kp::detail::throwInvalid("--out ", out, ": the ", f.model, " fit failed (", why,
                                   "), but must succeed for a parameter file to be written; nothing was written");
}

int runFits(const CalibrateOptions& o) {
    KP_REQUIRE(o.columns.size() <= 1, "calibrate: --column is given ", o.columns.size(),
               " times for one --series, but must be given at most once");
    cal::SeriesRequest req;
    req.column = o.columns.empty() ? "" : o.columns.front();
    req.from = dateOption(o.from, "--from");
    req.to = dateOption(o.to, "--to");
    if (req.from && req.to)
        KP_REQUIRE(*req.from <= *req.to, "calibrate: --from is ", o.from,
                   ", but must not be later than --to (", o.to, ")");
    req.frequency = cal::parseFrequency(o.frequency);

    std::vector<cal::ModelKind> kinds;
    for (const auto& m : o.models.empty() ? std::vector<std::string>{"gbm"} : o.models) {
        if (m == "all") {
            for (auto k : {cal::ModelKind::Gbm, cal::ModelKind::ExpOu,
                           cal::ModelKind::SchwartzSmith, cal::ModelKind::MertonJump})
                kinds.push_back(k);
        } else {
            kinds.push_back(cal::parseModelKind(m));
        }
    }
    KP_REQUIRE(o.out.empty() || kinds.size() == 1, "calibrate: number of models is ", kinds.size(),
               " with --out, but must be 1 (a parameter file holds one model; compare first, then "
               "write the chosen one)");

    const cal::TimeSeries series = cal::readSeries(o.series.front(), req);
    requireVaryingReturns(series);
    cal::FitOptions fo;
    fo.timeBasis = cal::parseTimeBasis(o.timeBasis);
    const cal::DataInfo data = cal::describe(series, req.frequency, fo.timeBasis);
    fo.schwartzSmithRho = o.rho;
    fo.ljungBoxLags = o.lags;
    std::vector<cal::FitResult> fits;
    for (auto k : kinds) fits.push_back(cal::fitModel(k, series, fo));

    if (!o.out.empty()) {
        requireUsableFit(fits.front(), o.out);
        cal::writeParameterFile(o.out, fits.front(), data);
    }

    double bestAic = INFINITY, bestBic = INFINITY;
    for (const auto& f : fits) {
        bestAic = std::min(bestAic, f.aic);
        bestBic = std::min(bestBic, f.bic);
    }
    if (o.json) {
        if (fits.size() == 1) {
            std::cout << fitJson(fits.front(), data).dump(2) << '\n';
        } else {
            json all = {
                {"data", dataJson(data)}, {"fits", json::array()}, {"comparison", json::array()}};
            for (const auto& f : fits) {
                all["fits"].push_back(fitJson(f, data));
                all["comparison"].push_back({{"model", f.model},
                                             {"free_parameters", f.freeParameters},
                                             {"log_likelihood", num(f.logLikelihood)},
                                             {"aic", num(f.aic)},
                                             {"bic", num(f.bic)},
                                             {"delta_aic", num(f.aic - bestAic)},
                                             {"delta_bic", num(f.bic - bestBic)}});
            }
            std::cout << all.dump(2) << '\n';
        }
    } else {
        for (const auto& f : fits) {
            printFit(std::cout, f, data);
            std::cout << '\n';
        }
        if (fits.size() > 1) {
            std::cout << "comparison (same " << fits.front().observations
                      << " transitions; lower AIC/BIC is better)\n";
            std::cout << "  " << pad("model", 16) << pad("k", 4) << pad("log-lik", 14)
                      << pad("AIC", 14) << pad("BIC", 14) << pad("dAIC", 10) << pad("dBIC", 10)
                      << pad("LB p", 8) << "JB p\n";
            for (const auto& f : fits)
                std::cout << "  " << pad(f.model, 16) << pad(std::to_string(f.freeParameters), 4)
                          << pad(fmt(f.logLikelihood, 9), 14) << pad(fmt(f.aic, 9), 14)
                          << pad(fmt(f.bic, 9), 14) << pad(fmt(f.aic - bestAic, 4), 10)
                          << pad(fmt(f.bic - bestBic, 4), 10)
                          << pad(fmt(f.diagnostics.ljungBoxP, 2), 8)
                          << fmt(f.diagnostics.jarqueBeraP, 2) << '\n';
        }
        if (!o.out.empty()) std::cout << "parameters written to " << o.out << '\n';
    }
    return 0;
}

int runCorrelation(const CalibrateOptions& o) {
    KP_REQUIRE(
        o.models.empty(), "calibrate: --model is given with ", o.series.size(),
        " series, but must be omitted: several --series give their correlation matrix (fit each "
        "series on its own)");
    KP_REQUIRE(o.columns.size() <= 1 || o.columns.size() == o.series.size(),
               "calibrate: --column is given ", o.columns.size(), " times for ", o.series.size(),
               " series, but must be given once (for all) or once per --series");
    const auto from = dateOption(o.from, "--from");
    const auto to = dateOption(o.to, "--to");
    std::vector<cal::TimeSeries> all;
    for (std::size_t i = 0; i < o.series.size(); ++i) {
        cal::SeriesRequest req;
        req.column = o.columns.empty()       ? ""
                     : o.columns.size() == 1 ? o.columns.front()
                                             : o.columns[i];
        req.from = from;
        req.to = to;
        all.push_back(cal::readSeries(o.series[i], req));
    }
    const cal::CorrelationResult c =
        cal::correlateLogReturns(all, cal::parseFrequency(o.frequency));
    if (!o.out.empty()) cal::writeCorrelationFile(o.out, c);
    if (o.json) {
        auto matrix = [](const Eigen::MatrixXd& m) {
            json rows = json::array();
            for (Eigen::Index i = 0; i < m.rows(); ++i) {
                json row = json::array();
                for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(num(m(i, j)));
                rows.push_back(row);
            }
            return rows;
        };
        json j = {{"series", c.names},
                  {"observations", c.observations},
                  {"from", cal::formatIsoDate(c.firstDay)},
                  {"to", cal::formatIsoDate(c.lastDay)},
                  {"frequency", cal::toString(c.frequency)},
                  {"correlation", matrix(c.correlation)},
                  {"lower_95", matrix(c.lower95)},
                  {"upper_95", matrix(c.upper95)}};
        std::cout << j.dump(2) << '\n';
    } else {
        std::cout << "correlation of " << cal::toString(c.frequency)
                  << " log returns on common dates, " << cal::formatIsoDate(c.firstDay) << " .. "
                  << cal::formatIsoDate(c.lastDay) << ", " << c.observations
                  << " returns (95% interval, Fisher z)\n";
        for (std::size_t i = 0; i < c.names.size(); ++i)
            std::cout << "  [" << i + 1 << "] " << c.names[i] << '\n';
        for (Eigen::Index i = 0; i < c.correlation.rows(); ++i) {
            std::cout << "  [" << i + 1 << "]";
            for (Eigen::Index j = 0; j < c.correlation.cols(); ++j) {
                std::string cell = fmt(c.correlation(i, j), 3);
                if (i != j)
                    cell += " (" + fmt(c.lower95(i, j), 2) + ".." + fmt(c.upper95(i, j), 2) + ")";
                std::cout << "  " << pad(cell, 22);
            }
            std::cout << '\n';
        }
        if (!o.out.empty()) std::cout << "correlation matrix written to " << o.out << '\n';
    }
    return 0;
}

int runLearningCurve(const CalibrateOptions& o) {
    const cal::LearningCurveData d =
        cal::readLearningCurve(o.learningCurve, o.capacityColumn, o.costColumn);
    const cal::LearningCurveFit f = cal::fitLearningCurve(d.capacity, d.cost, o.confidence);
    if (!o.out.empty()) cal::writeLearningCurveFile(o.out, f, d);
    if (o.json) {
        json j = {
            {"learning_rate", num(f.learningRate)},
            {"learning_rate_interval", {num(f.learningRateLower), num(f.learningRateUpper)}},
            {"confidence", f.confidence},
            {"exponent", {{"value", num(f.exponent)}, {"std_error", num(f.exponentStdError)}}},
            {"intercept", {{"value", num(f.intercept)}, {"std_error", num(f.interceptStdError)}}},
            {"r_squared", num(f.rSquared)},
            {"residual_std_dev", num(f.residualStdDev)},
            {"observations", f.observations},
            {"data",
             {{"file", d.file},
              {"capacity_column", d.capacityColumn},
              {"cost_column", d.costColumn}}}};
        std::cout << j.dump(2) << '\n';
    } else {
        std::cout << "learning curve log(" << d.costColumn << ") = a + b log(" << d.capacityColumn
                  << "), " << f.observations << " points from " << d.file << '\n'
                  << "  b = " << fmt(f.exponent, 4) << " (std.error " << fmt(f.exponentStdError, 3)
                  << "), a = " << fmt(f.intercept, 5) << " (" << fmt(f.interceptStdError, 3)
                  << "), R^2 = " << fmt(f.rSquared, 4) << '\n'
                  << "  learning rate 1 - 2^b = " << fmt(100 * f.learningRate, 4)
                  << "% per doubling, " << fmt(100 * f.confidence, 3) << "% interval "
                  << fmt(100 * f.learningRateLower, 4) << "% .. "
                  << fmt(100 * f.learningRateUpper, 4) << "%\n";
        if (!o.out.empty()) std::cout << "learning curve written to " << o.out << '\n';
    }
    return 0;
}

int runFutures(const CalibrateOptions& o) {
    KP_REQUIRE(o.series.empty() && o.learningCurve.empty(),
               "calibrate: --series or --learning-curve is given with --futures, but must not be "
               "(run them separately)");
    for (const auto& m : o.models)
        KP_REQUIRE(m == "schwartz-smith", "calibrate: --model is '", m,
                   "' with --futures, but must be schwartz-smith (the only futures-curve model)");
    KP_REQUIRE(!o.rhoGiven, "calibrate: --rho is given with --futures, but must be omitted (the "
                            "futures panel identifies rho, which is estimated)");
    cal::FuturesRequest req;
    req.columns = o.columns;
    req.maturities = o.maturities;
    req.from = dateOption(o.from, "--from");
    req.to = dateOption(o.to, "--to");
    if (req.from && req.to)
        KP_REQUIRE(*req.from <= *req.to, "calibrate: --from is ", o.from,
                   ", but must not be later than --to (", o.to, ")");
    req.frequency = cal::parseFrequency(o.frequency);
    const cal::FuturesPanel panel = cal::readFuturesPanel(o.futures, req);
    cal::FuturesFitOptions fo;
    fo.timeBasis = cal::parseTimeBasis(o.timeBasis);
    fo.commonMeasurementError = o.commonError;
    fo.ljungBoxLags = o.lags;
    const cal::FuturesFit ff = cal::fitSchwartzSmithFutures(panel, fo);

    cal::DataInfo data;
    data.file = panel.file;
    for (std::size_t j = 0; j < panel.columns.size(); ++j)
        data.column += (j ? "," : "") + panel.columns[j];
    data.firstDay = panel.days.front();
    data.lastDay = panel.days.back();
    data.frequency = req.frequency;
    data.timeBasis = fo.timeBasis;
    data.prices = panel.size();
    data.maturities = panel.maturities;
    if (!o.out.empty()) {
        requireUsableFit(ff.fit, o.out);
        cal::writeParameterFile(o.out, ff.fit, data);
    }

    if (o.json) {
        json j = fitJson(ff.fit, data);
        j["data"]["maturities"] = panel.maturities;
        j["measurements"] = ff.measurements;
        json byMat = json::array();
        for (const auto& r : ff.byMaturity)
            byMat.push_back({{"column", r.column},
                             {"maturity", r.maturity},
                             {"residuals", r.residuals.size()},
                             {"diagnostics", diagnosticsJson(r.diagnostics)}});
        j["diagnostics_by_maturity"] = byMat;
        std::cout << j.dump(2) << '\n';
    } else {
        std::cout << "futures panel: " << panel.columns.size() << " maturities (";
        for (std::size_t k = 0; k < panel.maturities.size(); ++k)
            std::cout << (k ? ", " : "") << panel.columns[k] << " = "
                      << fmt(panel.maturities[k], 4) << " y";
        std::cout << "), " << ff.measurements << " prices after the first date\n";
        printFit(std::cout, ff.fit, data);
        std::cout << "  (spot = e^(chi + xi) at the last date; rho and the risk premia lambda_chi, "
                     "mu_xi_star are estimated from the cross-section)\n";
        std::cout << "  residuals by maturity (standardised given the previous dates):\n";
        for (const auto& r : ff.byMaturity)
            std::cout << "    " << pad(r.column, 12) << "Ljung-Box(" << r.diagnostics.lags
                      << ") p = " << pad(fmt(r.diagnostics.ljungBoxP, 3), 10)
                      << "Jarque-Bera p = " << fmt(r.diagnostics.jarqueBeraP, 3) << '\n';
        if (!o.out.empty()) std::cout << "parameters written to " << o.out << '\n';
    }
    return 0;
}

int runCalibrate(const CalibrateOptions& o) {
    if (!o.out.empty()) io::checkOutputFile(o.out, "--out");  // before any fit
    if (!o.futures.empty()) return runFutures(o);
    if (!o.learningCurve.empty()) {
        KP_REQUIRE(o.series.empty(),
                   "calibrate: --series is given with --learning-curve, but must not be "
                   "(run them separately)");
        return runLearningCurve(o);
    }
    KP_REQUIRE(!o.series.empty(),
               "calibrate: --series is missing, but must be given (or --futures or "
               "--learning-curve)");
    return o.series.size() == 1 ? runFits(o) : runCorrelation(o);
}

}  // namespace

void addCalibrateCommand(CLI::App& app, Action& action) {
    auto opt = std::make_shared<CalibrateOptions>();
    CLI::App* cmd = app.add_subcommand(
        "calibrate",
        "Fit factor models (gbm, ou, schwartz-smith, jump) to a price series by maximum "
        "likelihood; "
        "with several --series, their correlation matrix; with --futures, schwartz-smith on a "
        "futures panel; with --learning-curve, a learning rate.");
    cmd->add_option("--series", opt->series,
                    "CSV file: header row, an ISO date column, numeric price columns (repeat for "
                    "correlations)");
    cmd->add_option("--column", opt->columns,
                    "price column (default: the first numeric one); once, or once per --series; "
                    "with --futures, the futures columns (repeat or comma-separate; default: all)")
        ->delimiter(',');
    cmd->add_option("--model", opt->models,
                    "gbm | ou | schwartz-smith | jump | all (repeat or comma-separate)")
        ->delimiter(',');
    cmd->add_option("--from", opt->from, "first date used, YYYY-MM-DD");
    cmd->add_option("--to", opt->to, "last date used, YYYY-MM-DD");
    cmd->add_option("--frequency", opt->frequency,
                    "daily (every row) | weekly | monthly (last observation of each period)")
        ->capture_default_str();
    cmd->add_option("--time", opt->timeBasis,
                    "clock for time steps: calendar (ACT/365) | business (weekdays / 260.89, no "
                    "weekend time)")
        ->capture_default_str();
    cmd->add_option("--out", opt->out, "write the fitted parameters (YAML) for a case file");
    cmd->add_flag("--json", opt->json, "print JSON instead of tables");
    cmd->add_option("--rho", opt->rho,
                    "schwartz-smith: correlation of the two factors, held fixed (one series cannot "
                    "identify it)")
        ->capture_default_str();
    cmd->add_option("--lags", opt->lags, "Ljung-Box lags (default min(10, n/5))");
    cmd->add_option("--learning-curve", opt->learningCurve,
                    "CSV file of cumulative capacity and unit cost: fit a learning rate");
    cmd->add_option("--capacity-column", opt->capacityColumn,
                    "learning curve: capacity column (default: first numeric)");
    cmd->add_option("--cost-column", opt->costColumn,
                    "learning curve: cost column (default: second numeric)");
    cmd->add_option("--confidence", opt->confidence,
                    "learning curve: confidence level of the interval")
        ->capture_default_str();
    cmd->add_option("--futures", opt->futures,
                    "CSV file of futures prices, one column per constant maturity: fit "
                    "schwartz-smith to the panel (Kalman filter)");
    cmd->add_option("--maturities", opt->maturities,
                    "futures: time to maturity of each futures column in years, e.g. "
                    "0.25,0.5,1,2 (default: from the headers f_0.25, f_1, f_6m ...)")
        ->delimiter(',');
    cmd->add_flag("--common-error", opt->commonError,
                  "futures: one measurement-error s_e for all maturities (default: one each)");
    CLI::Option* rhoOption = cmd->get_option("--rho");
    cmd->callback([opt, &action, rhoOption] {
        opt->rhoGiven = rhoOption->count() > 0;
        action = [opt] { return runCalibrate(*opt); };
    });
}

}  // namespace kp::app
