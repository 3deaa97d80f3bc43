#pragma once
/// \file loan.hpp
/// A term loan on a decarbonisation project: its terms, its contractual schedule (built with
/// QuantLib: Schedule, day counts, FixedRateLeg / IborLeg with amortising notionals, the base curve's
/// discount factors) and, per simulated path, what the bank receives: debt service, default, exposure,
/// recovery, the guarantee and the sustainability-linked margin ratchet.
///
/// Time: the loan is drawn on 1 January of `startYear` (t = 0 of the loan); period i runs over
/// calendar year startYear + i and its debt service (interest, fee, principal) is due on the first
/// TARGET business day of the next year. The project's cash flow of that calendar year serves it.
/// Money: nominal, in the loan currency (the app converts the case's real cash flows with
/// `inflation`).
///
/// Per path and period i (LoanPathView gives the cash flow CF_i, the emission intensity and the year
/// the plant closes):
///   DS_i   = outstanding_i x accrual_i x (base_i + margin + ratchet_i) + fee_i + principal_i
///            (at a closure: the whole outstanding instead of principal_i: the loan is accelerated);
///   payment default when CF_i + reserve + sponsor line < DS_i (the reserve is the debt-service
///            reserve account, funded at the start with `reserveYears` of the first debt service,
///            drawn and refilled; the sponsors' cash-deficiency line `sponsorSupport` is drawn after
///            the reserve and never refilled);
///   covenant breach when CF_i / DS_i < minDscr, cured by the sponsors (an equity cure from the same
///            line) while it lasts; a default when uncured in more than `cureYears` consecutive tests
///            (the year's debt service is paid, then the loan is accelerated);
///   exposure EAD = what is due and unpaid (outstanding plus the period's interest and fee, less any
///            part payment); recovery R = min(EAD, C_i (1 - haircut)) + unsecuredRecovery x the rest,
///            C_i the collateral: after straight-line depreciation (fixed collateral), or
///            collateralPlantShare x max(0, V_i) with V_i the plant's value on that path at the end of
///            period i (LoanPathView::plantValue: wrong-way risk); received recoveryLagYears later;
///   gross loss at default L = EAD - R x DF(t_d + lag) / DF(t_d); the guarantee pays g L, the bank
///            loses (1 - g) L (LGD = (1 - g) L / EAD);
///   grace years funded (graceFunded): in periods i < graceYears (no closure) the sponsors pay DS_i
///            outside the cash flow: no default, no covenant test, the reserve untouched;
///   completion support (completionSupport): the same in every period before the financed
///            investment operates on the path (LoanPathView::operationPeriod; a completion guarantee:
///            the sponsors service the debt, interest and principal, until completion, so the lenders
///            take operating risk only), a closure before then included (the sponsors repay the
///            accelerated loan); the reserve holds reserveYears of the first debt service the cash
///            flow serves on that path;
///   ratchet: after each test of the emission intensity against the target of its year, the margin
///            of the next period moves by -stepDown (target met) or +stepUp (missed); no test when
///            nothing was produced.
/// The bank's value: the upfront fee + sum DF_i x paid_i + DF(t_d) x (EAD - (1 - g) L), discounted on
/// the base curve (`value`) and on the base curve plus `requiredReturn` (`valueHurdle`; the
/// break-even margin makes its mean equal to the amount lent).
///
/// Drawing on investment: with LoanPathView::drawPeriod, path p draws the loan on 1 January of
/// startYear + drawPeriod[p] (its schedule: schedules[drawPeriod[p]], built by buildLoanSchedule with
/// that draw year) or never (drawPeriod[p] < 0: no exposure, no default, value 0). Money is then PV
/// at the origination (1 January of startYear): the draw's discount factor times the PV at the draw.
///
/// Tested in tests/instruments/loan_test.cpp (schedule against hand-checked annuity and linear
/// repayments and QuantLib's own coupons; no-uncertainty limits; the default year of a deterministic
/// shortfall; full guarantee; ratchet direction; DSCR sizing on a fixed cash-flow vector; no
/// exposure on paths that never draw; collateral = the plant's value on a constructed path).

#include <cstddef>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace kp {

enum class Amortisation { Bullet, Linear, Annuity, Custom };

/// A loan's contractual terms. Rates are per year, as decimals (0.015 = 150 bp).
struct LoanTerms {
    std::string name;
    std::string currency = "EUR";
    double amount = 0;          ///< principal lent at the start, > 0
    int startYear = 0;          ///< drawn on 1 January of this year
    int tenorYears = 0;         ///< periods; the last repayment is due at the start of startYear + tenorYears
    int graceYears = 0;         ///< interest-only periods before amortisation starts, < tenorYears
    Amortisation amortisation = Amortisation::Annuity;
    std::vector<double> repaymentShares;  ///< Custom: share of the amount repaid in each period (sums to 1)

    bool floating = false;      ///< floating: base = the 12-month Euribor forward on the base curve
    double fixedRate = 0;       ///< fixed: the rate before the margin
    std::map<int, double> baseCurve;  ///< calendar year -> zero rate (annual compounding, Act/365F)
    double margin = 0;          ///< contractual margin over the base rate
    double upfrontFee = 0;      ///< share of the amount, paid to the bank at drawdown
    double annualFee = 0;       ///< per year on the outstanding, paid with the interest

    /// The grace years' interest and fees are funded outside the cash flow (interest during
    /// construction in the project's sources and uses: the sponsors' equity or capitalised), as in
    /// project finance: no payment default and no covenant test in them; the reserve holds
    /// reserveYears of the first repayment year's debt service; sizing covers the repayment years.
    bool graceFunded = false;
    /// Completion support: the sponsors pay every debt service (interest, fee and principal) due
    /// before the financed investment operates on the path, outside the cash flow, and repay the
    /// loan if the plant closes before then (needs LoanPathView::operationPeriod); the cash flow
    /// serves the debt from the first operating year.
    bool completionSupport = false;
    double minDscr = 0;         ///< covenant: minimum CF / DS; 0 for none
    int cureYears = 1;          ///< consecutive breaches tolerated before a covenant default
    double reserveYears = 0;    ///< debt-service reserve, in years of debt service (sponsor-funded)
    double sponsorSupport = 0;  ///< the sponsors' cash-deficiency line over the life, currency (nominal)

    double collateralValue = 0;         ///< at the start, currency (fixed collateral)
    bool collateralFromPlant = false;   ///< collateral = collateralPlantShare x the plant's value on the path
    double collateralPlantShare = 1;    ///< share of the plant's simulated value pledged, in [0, 1]
    double collateralDepreciation = 0;  ///< share of the initial value lost per year (straight line)
    double collateralHaircut = 0;       ///< forced-sale discount, in [0, 1]
    double unsecuredRecovery = 0;       ///< recovery rate on the exposure above the collateral
    int recoveryLagYears = 1;           ///< recoveries arrive this many years after the default
    double guaranteeShare = 0;          ///< share of the loss the guarantor pays, in [0, 1]

    std::map<int, double> kpiTarget;  ///< calendar year -> tCO2 per t of product (step: the latest year <= y)
    double ratchetStepDown = 0;       ///< margin cut for the period after a met target
    double ratchetStepUp = 0;         ///< margin rise for the period after a missed target

    double requiredReturn = 0;  ///< the bank's required return over the base curve, per year
    double inflation = 0;       ///< converts the case's real money to nominal: (1 + i)^(year - price base year)

    int endYear() const { return startYear + tenorYears; }
    bool hasRatchet() const { return !kpiTarget.empty() && (ratchetStepDown != 0 || ratchetStepUp != 0); }
    /// The KPI target in force in `year` (NaN before the first target year).
    double kpiTargetFor(int year) const {
        auto it = kpiTarget.upper_bound(year);
        return it == kpiTarget.begin() ? std::numeric_limits<double>::quiet_NaN() : std::prev(it)->second;
    }
};

/// The contractual schedule, one entry per period (QuantLib builds it: buildLoanSchedule).
struct LoanSchedule {
    std::vector<int> years;             ///< calendar year of period i
    std::vector<std::string> paymentDates;  ///< ISO date of the payment of period i
    std::vector<double> paymentTime;    ///< years from the drawdown to the payment (Act/365F)
    std::vector<double> outstanding;    ///< principal outstanding during period i
    std::vector<double> principal;      ///< repaid at the end of period i
    std::vector<double> accrual;        ///< year fraction of period i (Act/360 floating, 30/360 fixed)
    std::vector<double> baseRate;       ///< Euribor forward (floating) or the fixed rate
    std::vector<double> interest;       ///< QuantLib's coupon at the contractual margin
    std::vector<double> fee;            ///< annual fee of period i
    std::vector<double> discount;       ///< base-curve discount factor of the payment date
    std::vector<double> hurdleDiscount; ///< base curve plus the required return
    double annuityRate = 0;             ///< rate the annuity was computed with (Annuity only)
    std::vector<double> lagFactor;      ///< DF(t_i + recoveryLagYears) / DF(t_i) on the base curve
    double drawDiscount = 1;            ///< DF from the origination (1 Jan startYear) to the drawdown
    double drawHurdleDiscount = 1;      ///< the same on the hurdle curve
    std::size_t periods() const { return years.size(); }
};

/// Builds the schedule with QuantLib. Throws kp::InvalidInput for inconsistent terms.
LoanSchedule buildLoanSchedule(const LoanTerms& terms);

/// The schedule of the loan drawn on 1 January of `drawYear` >= terms.startYear (the same terms, the
/// tenor from the draw), on the base curve as seen at the origination (1 January of startYear):
/// discount factors are from the drawdown, drawDiscount from the origination to it. For drawYear =
/// startYear it is buildLoanSchedule(terms).
LoanSchedule buildLoanSchedule(const LoanTerms& terms, int drawYear);

/// The largest amount whose debt service the cash flows cover at `minDscr` in every period (a level
/// sizing: the schedule's repayment profile, scaled). DS_i(A) = A / amount x (interest_i + fee_i +
/// principal_i) of `schedule`, built for any amount (the schedule is linear in it); the amount is
/// A = min over periods with DS_i > 0 of cashFlow_i / (minDscr x DS_i(1)), floored at 0.
/// `cashFlow[i]`: the cash flow available for debt service in period i (the sizing case).
/// `firstPeriod`: the periods before it are not sized on (grace years funded outside the cash flow);
/// nor is a period whose cash flow is NaN (no path operates then, under completion support).
double sizeToDscr(const LoanSchedule& schedule, double amount, const std::vector<double>& cashFlow,
                  double minDscr, std::size_t firstPeriod = 0);

/// One path set as the loan sees it: arrays over periods, [i * stride + p].
struct LoanPathView {
    std::size_t paths = 0, stride = 0;
    const double* cashFlow = nullptr;  ///< cash flow available for debt service in period i (nominal)
    const double* kpi = nullptr;       ///< emission intensity in period i, tCO2/t (NaN: nothing produced)
    const int* closePeriod = nullptr;  ///< [p] period in which the plant closes (>= periods: never)
    /// [p] period (from startYear) in which path p draws the loan, < 0: never; null: every path
    /// draws in period 0. Periods of the view then run from startYear; cash flows are needed for
    /// the draw's period + the tenor.
    const int* drawPeriod = nullptr;
    std::size_t periods = 0;  ///< periods in the view (0: the schedule's)
    /// [i * stride + p] the plant's value at the end of period i (nominal; PV of its later cash flows
    /// under the policy); needed with collateralFromPlant
    const double* plantValue = nullptr;
    /// [p] period (from startYear) in which the financed investment first operates (>= periods:
    /// never); needed with completionSupport
    const int* operationPeriod = nullptr;
};

/// What to price: the terms as written, or without the guarantee or the ratchet, or at another margin.
struct LoanVariant {
    bool guarantee = true;
    bool ratchet = true;
    double margin = std::numeric_limits<double>::quiet_NaN();  ///< NaN: the contractual margin
};

/// Per-path results (caller-owned arrays of view.paths entries; indexed by path).
struct LoanOutcomes {
    int* defaultPeriod = nullptr;  ///< period of default (from startYear), the view's periods for none
    double* exposure = nullptr;    ///< EAD at default (0 without default)
    double* lossAtDefault = nullptr;  ///< the bank's loss after the guarantee, PV at the default date
    double* loss = nullptr;        ///< the same, discounted to the drawdown (base curve)
    double* value = nullptr;       ///< PV of everything the bank receives (base curve)
    double* valueHurdle = nullptr; ///< the same on the hurdle curve
    double* lentHurdle = nullptr;  ///< PV of the amount lent on the hurdle curve (0 if never drawn)
    /// PV at the origination (base curve) of the debt service the sponsors pay outside the cash flow
    /// (funded grace years and completion support)
    double* sponsorPaid = nullptr;
};

/// Evaluates paths [first, first + n) of `view` (outcome arrays are indexed by path, not by block).
void evaluateLoan(const LoanTerms& terms, const LoanSchedule& schedule, const LoanVariant& variant,
                  const LoanPathView& view, std::size_t first, std::size_t n, const LoanOutcomes& out);

/// The same with a schedule per draw period (schedules[d]: drawn in startYear + d; view.drawPeriod
/// selects it; without drawPeriod only schedules[0] is used).
void evaluateLoan(const LoanTerms& terms, const std::vector<LoanSchedule>& schedules, const LoanVariant& variant,
                  const LoanPathView& view, std::size_t first, std::size_t n, const LoanOutcomes& out);

std::string toString(Amortisation a);

}  // namespace kp
