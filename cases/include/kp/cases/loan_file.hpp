#pragma once
/// \file loan_file.hpp
/// The loan file (YAML): a loan a bank puts on a case, and the portfolio file that lists several
/// (case, loan) pairs valued on one shared set of factor paths. Documented field by field, with units,
/// in docs/loans.md; examples in examples/*loan*.yaml and examples/*portfolio*.yaml.
///
/// Errors are those of the case file (case_file.hpp): kp::InvalidInput with "<file>:<line>: <field
/// path>: <what> is <value>, but must be <constraint>", unknown keys with a did-you-mean, --set
/// overrides marked "(--set <path>)".
///
/// Tested in tests/cases/loan_file_test.cpp (the examples load; each kind of bad input gives its
/// message; the cross-checks against a case; the shared-market check of a portfolio).

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "kp/cases/case_file.hpp"
#include "kp/instruments/loan.hpp"

namespace kp::cases {

/// A checked loan file.
struct LoanFile {
    std::string path;
    std::string description;
    LoanTerms terms;
    std::string funds = "plant";  ///< the case option the loan finances, or "plant" (the plant as is)
    /// The borrower's policy: the engine's optimal one, or a fixed one (technology built in a year;
    /// technology "none": never invest).
    bool fixedPolicy = false;
    std::string policyTechnology;
    int policyYear = 0;
    /// The cash flow available for debt service (`cash_flow`): true (incremental, the default when
    /// the loan funds an option) the policy's cash flow minus never investing's on the same path,
    /// the financed investment's own; false (plant, the default for funds: plant) the whole plant's.
    bool incremental = false;
    std::string guaranteeScheme;  ///< free text (GO, BMKB-Groen, ...), for reports
    /// Debt sized to a minimum DSCR at origination (`sizing`): the amount is the largest whose
    /// debt service the sizing cash flows (mean or percentile over the drawing paths, per period
    /// from the draw) cover at minDscr in every period, capped by `amount` when given.
    struct Sizing {
        double minDscr = 0;
        double quantile = std::numeric_limits<double>::quiet_NaN();  ///< NaN: the mean
        std::string on = "mean";  ///< as written: mean, p50, p10, ...
    };
    std::optional<Sizing> sizing;
    bool amountGiven = true;  ///< false: the amount is the sized one
    /// `drawdown: {on: investment, until: Y}`: drawn on 1 January of the year the borrower's policy
    /// invests in `funds`, if that year is in [start_year, until]; never otherwise.
    bool drawOnInvestment = false;
    int drawUntil = 0;
    /// `covenant.no_stages: true`: a negative covenant, the borrower takes no stage of `funds` (nor a
    /// stage of one of its stages) before the loan's last year has passed (no change of the financed
    /// plant without the lenders' consent); the borrower's rule is trained knowing it (stagesLockedUntil).
    bool noStages = false;
    /// `conditions`: conditions precedent, the contracts the lenders require of the borrower before
    /// the first drawdown (an energy hedge, a CCfD, a subsidy or grant award, insurance), as case-file
    /// overrides "options.<x>.<contract>[.field]=<YAML value>" applied to the case the loan is put on
    /// (before any --set of the command line). Only options.<x>.{hedge, ccfd, sde, capital_grant,
    /// risk.insurance} may be given.
    std::vector<std::string> conditions;
    /// Per condition: the option and its contract (hedge, ccfd, sde, capital_grant, risk.insurance).
    std::vector<std::pair<std::string, std::string>> conditionContracts;
    int fundsLine = 1, policyLine = 1, startLine = 1, tenorLine = 1, drawLine = 1, sizingLine = 1,
        cashFlowLine = 1, completionLine = 1, noStagesLine = 1, conditionsLine = 1;  ///< for the cross-checks
    /// The first calendar year in which a stage of `funds` may be decided under `covenant.no_stages`:
    /// the year after the loan's last year (the last draw's, with drawdown on investment).
    int stagesLockedUntil() const { return (drawOnInvestment ? drawUntil : terms.startYear) + terms.tenorYears; }
    /// The loan is put on another case than the one valued: its conditions precedent or its covenant
    /// change it (the borrower's rules must then be trained on that case).
    bool changesCase() const { return noStages || !conditions.empty(); }
};

/// Reads and checks a loan file (`overrides`: "dotted.path=value", as for case files).
LoanFile loadLoanFile(const std::string& path, const std::vector<std::string>& overrides = {});

/// The case the loan is put on with `covenant.no_stages` applied: each stage of `loan.funds` (and
/// each stage of such a stage) may be decided from loan.stagesLockedUntil() on, and not at all if
/// that is after its latest decision year. Without the covenant, the case unchanged.
CaseFile withLoanCovenants(const CaseFile& c, const LoanFile& loan);

/// The contracts of the loan's conditions as signed at origination: `stressed` (a scenario's case,
/// loaded with the conditions) with each condition's contract of each option replaced by the
/// origination case's (its hedge with the forward resolved there, its `sde`/`ccfd` before the
/// scenario's `sde_scale`, its grant, its insurance terms). A scenario stresses the loan as
/// originated; it does not re-sign its contracts.
CaseFile withContractsAsSigned(const CaseFile& stressed, const CaseFile& origination, const LoanFile& loan);

/// Checks the loan against the case it is put on: the funded option and the policy's technology
/// exist, the loan's years lie inside the case's horizon. Throws kp::InvalidInput naming the loan
/// file's line.
void checkLoanAgainstCase(const LoanFile& loan, const CaseFile& c);

/// One loan of a portfolio: a case and a loan file (paths resolved against the portfolio file).
struct PortfolioEntry {
    std::string name;
    std::string casePath, loanPath;
    int line = 1;
};

struct PortfolioFile {
    std::string path;
    std::string name, description;
    std::string scenario;  ///< applied to every case ("" for each case's own)
    std::optional<std::size_t> paths;
    std::optional<std::uint64_t> seed;
    std::vector<PortfolioEntry> loans;
};

/// Reads and checks a portfolio file (at least one loan; the files must exist).
PortfolioFile loadPortfolioFile(const std::string& path);

/// One set of factor paths drives every case of a portfolio only if the cases' stochastic factors
/// (the factors with a Brownian driver: their names, order, models and parameters) and the
/// correlations among them agree; constant and derived prices (a plant's product price) may differ.
/// Throws kp::InvalidInput naming the portfolio entry and the first factor that differs.
void checkSharedMarket(const PortfolioFile& portfolio, const std::vector<CaseFile>& cases);

}  // namespace kp::cases
