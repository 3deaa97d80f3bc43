// `kruispunt portfolio PORTFOLIO.yaml`: several loans on several cases, valued on one shared set of
// factor paths (same seed, paths and stochastic factors: checkSharedMarket), so that exposure to the
// same CO2 and energy prices shows up as correlated defaults. See docs/loans.md, "Portfolios".
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <sstream>

#include "case_run.hpp"
#include "cli_checks.hpp"
#include "commands.hpp"
#include "kp/core/errors.hpp"
#include "loan_run.hpp"

namespace kp::app {
namespace {

struct PortfolioOptions {
    std::string path;
    std::string scenario;
    std::optional<std::size_t> paths, threads;
    std::optional<std::uint64_t> seed;
    bool json = false, quiet = false;
};

/// One loan of the portfolio, priced on the shared paths.
struct PricedLoan {
    std::string name;
    cases::LoanFile loan;
    cases::CaseFile c;
    LoanTerms terms;         // as priced (the sized amount)
    LoanStatistics stats;    // with per-path losses and default periods
    double esContribution = 0;  // E[loss of this loan | portfolio loss in its 1% tail]
};

/// Probability that loans a and b both default within their tenors, and the default correlation.
double defaultCorrelation(const PricedLoan& a, const PricedLoan& b) {
    const auto Pa = static_cast<int>(a.stats.pdAnnual.size()), Pb = static_cast<int>(b.stats.pdAnnual.size());
    const std::size_t n = a.stats.defaultPeriod.size();
    double da = 0, db = 0, both = 0;
    for (std::size_t p = 0; p < n; ++p) {
        const bool x = a.stats.defaultPeriod[p] < Pa, y = b.stats.defaultPeriod[p] < Pb;
        da += x, db += y, both += x && y;
    }
    const double N = static_cast<double>(n), pa = da / N, pb = db / N;
    const double denom = std::sqrt(pa * (1 - pa) * pb * (1 - pb));
    return denom > 0 ? (both / N - pa * pb) / denom : std::numeric_limits<double>::quiet_NaN();
}

int runPortfolio(const PortfolioOptions& o) {
    const auto start = std::chrono::steady_clock::now();
    const cases::PortfolioFile pf = cases::loadPortfolioFile(o.path);
    const std::string scenario = o.scenario.empty() ? pf.scenario : o.scenario;
    CommonOptions common;
    common.paths = o.paths ? o.paths : pf.paths;
    common.seed = o.seed ? o.seed : pf.seed;
    common.threads = o.threads;
    std::vector<PricedLoan> loans;
    std::vector<cases::CaseFile> caseFiles;
    for (const auto& e : pf.loans) {
        PricedLoan l;
        l.name = e.name;
        l.loan = cases::loadLoanFile(e.loanPath);
        l.c = loadCaseForLoan(e.casePath, common, scenario, l.loan);  // with its conditions precedent
        cases::checkLoanAgainstCase(l.loan, l.c);
        caseFiles.push_back(l.c);
        loans.push_back(std::move(l));
    }
    cases::checkSharedMarket(pf, caseFiles);
    // one set of paths: the same number, seed and sampling for every case
    const InvestmentSettings first = settingsFor(loans[0].c, common);
    for (std::size_t i = 0; i < loans.size(); ++i) {
        InvestmentSettings s = settingsFor(loans[i].c, common);
        KP_REQUIRE(s.paths == first.paths && s.seed == first.seed && s.antithetic == first.antithetic, o.path, ":",
                   pf.loans[i].line, ": loans.", loans[i].name, ": the case's simulation (paths ", s.paths, ", seed ",
                   s.seed, ") differs from the first case's (paths ", first.paths, ", seed ", first.seed,
                   "), but must be the same: give simulation.paths and simulation.seed in the portfolio file");
        KP_REQUIRE(loans[i].loan.terms.currency == loans[0].loan.terms.currency, pf.loans[i].loanPath,
                   ": currency: the currency is ", loans[i].loan.terms.currency, ", but must be the portfolio's (",
                   loans[0].loan.terms.currency, ")");
        if (!o.quiet) std::cerr << "kruispunt portfolio: " << loans[i].name << " ...\n";
        const PreparedLoan prepared = prepareLoan(loans[i].c, loans[i].loan, s);
        loans[i].terms = prepared.terms;
        loans[i].stats =
            priceLoan(prepared.terms, prepared.schedules, {}, prepared.view, {s.antithetic, s.threads}, true);
    }
    const std::size_t n = first.paths;
    std::vector<double> total(n, 0.0);
    for (const auto& l : loans)
        for (std::size_t p = 0; p < n; ++p) total[p] += l.stats.loss[p];
    const Estimate el = meanOverPaths(total, {first.antithetic, first.threads});
    const TailRisk t99 = tailRisk(total, 0.99), t999 = tailRisk(total, 0.999);
    // contributions to ES 99%: each loan's mean loss over the portfolio's tail paths (they sum to ES)
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return total[a] < total[b]; });
    const auto tail = static_cast<std::size_t>(std::max(1.0, std::floor(static_cast<double>(n) * 0.01)));
    for (auto& l : loans) {
        double s = 0;
        for (std::size_t k = n - tail; k < n; ++k) s += l.stats.loss[order[k]];
        l.esContribution = s / static_cast<double>(tail);
    }
    // the same loans with their paths decoupled (loan i's path p paired with path p + i n / m of the
    // others): the marginals stay, the common factors' dependence goes
    std::vector<double> decoupled(n, 0.0);
    for (std::size_t i = 0; i < loans.size(); ++i) {
        const std::size_t shift = (i * n / loans.size()) & ~std::size_t{1};
        for (std::size_t p = 0; p < n; ++p) decoupled[p] += loans[i].stats.loss[(p + shift) % n];
    }
    const TailRisk d99 = tailRisk(decoupled, 0.99);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (o.json) {
        nlohmann::ordered_json j;
        j["portfolio"] = pf.name;
        j["scenario"] = scenario.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(scenario);
        j["currency"] = loans[0].loan.terms.currency;
        j["paths"] = n;
        j["seed"] = first.seed;
        j["expected_loss"] = results::estimateJson(el);
        j["var_99"] = results::estimateJson(t99.var);
        j["es_99"] = results::estimateJson(t99.es);
        j["var_999"] = results::estimateJson(t999.var);
        j["es_999"] = results::estimateJson(t999.es);
        j["decoupled"] = {{"var_99", results::estimateJson(d99.var)}, {"es_99", results::estimateJson(d99.es)}};
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& l : loans) {
            nlohmann::ordered_json e{{"name", l.name},
                                     {"case", l.c.name},
                                     {"loan", l.terms.name},
                                     {"amount", l.terms.amount},
                                     {"pd_cumulative", results::estimateJson(l.stats.pdCumulative)}};
            if (l.loan.incremental) e["cash_flow"] = "incremental";  // only then, as below
            if (l.terms.completionSupport) {
                e["completion"] = "sponsor";
                e["completion_late"] = results::estimateJson(l.stats.completionLate);
                e["sponsor_paid"] = results::estimateJson(l.stats.sponsorPaid);
            }
            if (l.loan.drawOnInvestment) {  // only then (the other files' output is unchanged)
                e["draw_probability"] = results::estimateJson(l.stats.drawProbability);
                e["pd_given_drawn"] = results::estimateJson(l.stats.pdGivenDrawn);
            }
            e["lgd"] = results::estimateJson(l.stats.lgd);
            e["expected_loss"] = results::estimateJson(l.stats.expectedLoss);
            e["var_99"] = results::estimateJson(l.stats.tail99.var);
            e["es_99"] = results::estimateJson(l.stats.tail99.es);
            e["es_99_contribution"] = l.esContribution;
            list.push_back(e);
        }
        j["loans"] = list;
        nlohmann::ordered_json corr = nlohmann::ordered_json::array();
        for (const auto& a : loans) {
            nlohmann::ordered_json row = nlohmann::ordered_json::array();
            for (const auto& b : loans) row.push_back(results::numberOrNull(defaultCorrelation(a, b)));
            corr.push_back(row);
        }
        j["default_correlation"] = corr;
        j["seconds"] = seconds;
        std::cout << j.dump() << '\n';
        return 0;
    }
    auto m = [](double x) {
        std::ostringstream s;
        s << std::fixed << std::setprecision(1) << x / 1e6;
        return s.str();
    };
    bool onInvestment = false;  // a loan drawn when the borrower invests is valued at its origination
    for (const auto& l : loans) onInvestment |= l.loan.drawOnInvestment;
    std::cout << "Portfolio " << pf.name << (scenario.empty() ? "" : " (scenario " + scenario + ")") << ", " << n
              << " shared paths, seed " << first.seed << "; " << loans[0].loan.terms.currency << " m, PV at each drawdown"
              << (onInvestment ? " (at origination for a loan drawn on investment)" : "") << "\n\n"
              << "  loan                  amount   PD cumul.  exp. loss   ES 99% alone   contribution to ES 99%\n";
    for (const auto& l : loans)
        std::cout << "  " << std::left << std::setw(20) << l.name << std::right << std::setw(8) << m(l.terms.amount)
                  << std::setw(11) << std::setprecision(2) << std::fixed << 100 * l.stats.pdCumulative.value << "%"
                  << std::setw(11) << m(l.stats.expectedLoss.value) << std::setw(15) << m(l.stats.tail99.es.value)
                  << std::setw(24) << m(l.esContribution) << "\n";
    std::cout << "\n  expected loss " << m(el.value) << " +- " << m(el.stdError) << "\n  VaR 99% " << m(t99.var.value)
              << " +- " << m(t99.var.stdError) << ", ES 99% " << m(t99.es.value) << " +- " << m(t99.es.stdError)
              << "\n  VaR 99.9% " << m(t999.var.value) << ", ES 99.9% " << m(t999.es.value)
              << "\n  with the loans' paths decoupled (no common factors): VaR 99% " << m(d99.var.value) << ", ES 99% "
              << m(d99.es.value) << "\n\n  default correlation\n";
    for (const auto& a : loans) {
        std::cout << "  " << std::left << std::setw(20) << a.name << std::right;
        for (const auto& b : loans) std::cout << std::setw(8) << std::setprecision(2) << defaultCorrelation(a, b);
        std::cout << "\n";
    }
    bool draws = false;
    for (const auto& l : loans) draws = draws || l.loan.drawOnInvestment;
    if (draws) {
        std::cout << "\n  drawn on investment      P(drawn)   PD given drawn\n";
        for (const auto& l : loans)
            if (l.loan.drawOnInvestment)
                std::cout << "  " << std::left << std::setw(22) << l.name << std::right << std::setw(9) << std::setprecision(2)
                          << 100 * l.stats.drawProbability.value << "%" << std::setw(15) << 100 * l.stats.pdGivenDrawn.value
                          << "% +- " << 100 * l.stats.pdGivenDrawn.stdError << "%\n";
    }
    std::cout << "\n" << std::setprecision(1) << seconds << " s\n";
    return 0;
}

}  // namespace

void addPortfolioCommand(CLI::App& app, Action& action) {
    static PortfolioOptions o;
    auto* c = app.add_subcommand("portfolio", "Loans on several cases on one shared set of factor paths: "
                                              "portfolio loss, VaR, ES, contributions (docs/loans.md)");
    c->add_option("portfolio", o.path, "Portfolio file (YAML, docs/loans.md)")->required();
    c->add_option("--scenario", o.scenario, "Scenario applied to every case (default: the portfolio's)");
    c->add_option("--paths", o.paths, "Pricing paths (default: the portfolio's simulation.paths)")
        ->check(wholeNumber(kMaxPaths));
    c->add_option("--seed", o.seed, "Random seed, non-zero (default: the portfolio's)")->check(wholeNumber(kMaxSeed));
    c->add_option("--threads", o.threads, "Threads, 0 = all cores")->check(wholeNumber(kMaxThreads));
    c->add_flag("--json", o.json, "Print one JSON object on stdout");
    c->add_flag("--quiet", o.quiet, "No progress output on stderr");
    c->callback([&action] { action = [] { return runPortfolio(o); }; });
}

}  // namespace kp::app
