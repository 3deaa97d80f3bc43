// Per-path debt service, default and loss of a loan (see loan.hpp for the rules). Plain arrays only:
// this runs inside the parallel path loops.
#include "kp/instruments/loan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kp/core/errors.hpp"

namespace kp {

namespace {

/// The state of one loan on one path, period by period.
struct PathState {
    double reserve = 0;   // debt-service reserve balance
    double support = 0;   // what is left of the sponsors' cash-deficiency line
    double step = 0;      // ratchet adjustment of the current period's margin
    int breaches = 0;     // consecutive covenant breaches
    double value = 0, valueHurdle = 0;
    double sponsorPaid = 0;  // debt service paid by the sponsors outside the cash flow, PV at the draw
};

/// Recovery from the collateral (after depreciation, or the plant's value on the path, and the
/// haircut) and on the unsecured rest. `plantValue`: the plant's value at the default (nominal).
double recovery(const LoanTerms& t, std::size_t period, double ead, double plantValue) {
    const double collateral =
        t.collateralFromPlant
            ? t.collateralPlantShare * std::max(0.0, plantValue)
            : t.collateralValue * std::max(0.0, 1.0 - t.collateralDepreciation * static_cast<double>(period + 1));
    const double secured = std::min(ead, collateral * (1.0 - t.collateralHaircut));
    return secured + t.unsecuredRecovery * (ead - secured);
}

void evaluate(const LoanTerms& t, const LoanSchedule* schedules, std::size_t count, const LoanVariant& v,
              const LoanPathView& view, std::size_t first, std::size_t n, const LoanOutcomes& out);

}  // namespace

void evaluateLoan(const LoanTerms& t, const LoanSchedule& s, const LoanVariant& v, const LoanPathView& view,
                  std::size_t first, std::size_t n, const LoanOutcomes& out) {
    evaluate(t, &s, 1, v, view, first, n, out);
}

void evaluateLoan(const LoanTerms& t, const std::vector<LoanSchedule>& schedules, const LoanVariant& v,
                  const LoanPathView& view, std::size_t first, std::size_t n, const LoanOutcomes& out) {
    KP_REQUIRE(!schedules.empty(), "evaluateLoan: no schedule, but must have one per draw period");
    evaluate(t, schedules.data(), schedules.size(), v, view, first, n, out);
}

double sizeToDscr(const LoanSchedule& s, double amount, const std::vector<double>& cashFlow, double minDscr,
                  std::size_t firstPeriod) {
    KP_REQUIRE(amount > 0 && minDscr > 0 && cashFlow.size() >= s.periods(), "sizeToDscr: amount ", amount,
               ", min_dscr ", minDscr, " and ", cashFlow.size(), " cash flows for ", s.periods(),
               " periods, but must be > 0, > 0 and one per period");
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = firstPeriod; i < s.periods(); ++i) {
        const double service = (s.interest[i] + s.fee[i] + s.principal[i]) / amount;  // per unit lent
        if (service > 0 && !std::isnan(cashFlow[i])) best = std::min(best, cashFlow[i] / (minDscr * service));
    }
    return std::isfinite(best) ? std::max(0.0, best) : 0.0;
}

namespace {

void evaluate(const LoanTerms& t, const LoanSchedule* schedules, std::size_t count, const LoanVariant& v,
              const LoanPathView& view, std::size_t first, std::size_t n, const LoanOutcomes& out) {
    const std::size_t viewPeriods = view.periods ? view.periods : schedules[0].periods();
    const double margin = std::isnan(v.margin) ? t.margin : v.margin;
    const double guarantee = v.guarantee ? t.guaranteeShare : 0.0;
    const bool ratchet = v.ratchet && t.hasRatchet() && view.kpi != nullptr;
    const double upfront = t.upfrontFee * t.amount;
    KP_REQUIRE(!t.completionSupport || view.operationPeriod != nullptr, "evaluateLoan: ", t.name,
               " has completion support, but the path view has no operation period per path");
    std::vector<std::vector<double>> kpiTargets(count);  // per schedule, per period
    for (std::size_t d = 0; d < count; ++d)
        for (int year : schedules[d].years) kpiTargets[d].push_back(t.kpiTargetFor(year));

    for (std::size_t p = first; p < first + n; ++p) {
        const int draw = view.drawPeriod ? view.drawPeriod[p] : 0;
        if (draw < 0 || static_cast<std::size_t>(draw) >= count) {  // never drawn: no exposure
            if (out.defaultPeriod) out.defaultPeriod[p] = static_cast<int>(viewPeriods);
            for (double* o : {out.exposure, out.lossAtDefault, out.loss, out.value, out.valueHurdle, out.lentHurdle,
                              out.sponsorPaid})
                if (o) o[p] = 0.0;
            continue;
        }
        const auto d = static_cast<std::size_t>(draw);
        const LoanSchedule& s = schedules[d];
        const std::size_t P = s.periods();
        auto contractualService = [&](std::size_t i) {
            return s.outstanding[i] * s.accrual[i] * (s.baseRate[i] + margin) + s.fee[i] + s.principal[i];
        };
        const std::vector<double>& kpiTarget = kpiTargets[d];
        const std::size_t offset = d * view.stride;  // the view's periods run from startYear
        // grace years funded outside the cash flow (interest during construction): not served by it
        const std::size_t grace = t.graceFunded ? std::min(static_cast<std::size_t>(t.graceYears), P) : 0;
        // completion support: the sponsors serve the debt until the investment operates (a closure
        // before then included: they repay the outstanding)
        const std::size_t completion =
            t.completionSupport
                ? static_cast<std::size_t>(std::clamp(view.operationPeriod[p] - draw, 0, static_cast<int>(P)))
                : 0;
        const std::size_t funded = std::max(grace, completion);
        PathState st;
        st.reserve = t.reserveYears * contractualService(funded < P ? funded : 0);
        st.support = t.sponsorSupport;
        st.value = st.valueHurdle = upfront;
        const std::size_t close =
            view.closePeriod ? static_cast<std::size_t>(std::max(0, view.closePeriod[p] - draw)) : P;
        auto updateRatchet = [&](std::size_t i) {
            const double kpi = view.kpi[offset + i * view.stride + p];
            st.step = std::isfinite(kpi) && std::isfinite(kpiTarget[i])
                          ? (kpi <= kpiTarget[i] ? -t.ratchetStepDown : t.ratchetStepUp)
                          : 0.0;
        };
        std::size_t defaulted = P;
        double ead = 0, paid = 0;
        for (std::size_t i = 0; i < P; ++i) {
            const double cf = view.cashFlow[offset + i * view.stride + p];
            const double interest = s.outstanding[i] * s.accrual[i] * (s.baseRate[i] + margin + st.step);
            const bool closing = i == close;  // a closure accelerates the loan
            const double due = interest + s.fee[i] + (closing ? s.outstanding[i] : s.principal[i]);
            if ((i < funded && !closing) || i < completion) {  // paid by the sponsors outside the cash flow
                st.value += s.discount[i] * due;
                st.valueHurdle += s.hurdleDiscount[i] * due;
                st.sponsorPaid += s.discount[i] * due;
                if (closing) break;  // before completion: the sponsors repay the accelerated loan
                if (ratchet) updateRatchet(i);
                continue;
            }
            if (cf + st.reserve + st.support < due) {  // cannot pay, even from the reserve and the
                defaulted = i;                              // sponsors: the loan is accelerated
                paid = std::max(0.0, cf + st.reserve + st.support);
                ead = interest + s.fee[i] + s.outstanding[i] - paid;
                break;
            }
            st.value += s.discount[i] * due;
            st.valueHurdle += s.hurdleDiscount[i] * due;
            if (closing) break;
            // a shortfall is drawn from the reserve, then from the sponsors' line; a surplus refills
            // the reserve up to next period's target
            const double target = i + 1 < P ? t.reserveYears * contractualService(i + 1) : 0.0;
            double injected = 0;  // drawn from the sponsors' line this period
            if (cf < due) {
                const double fromReserve = std::min(st.reserve, due - cf);
                st.reserve -= fromReserve;
                injected = due - cf - fromReserve;
                st.support -= injected;
            } else {
                st.reserve = std::min(st.reserve + (cf - due), target);
            }
            if (t.minDscr > 0 && due > 0 && cf < t.minDscr * due) {
                const double cure = std::max(0.0, t.minDscr * due - cf - injected);
                if (cure <= st.support) {
                    st.support -= cure;  // equity cure
                    st.breaches = 0;
                } else if (++st.breaches > t.cureYears && i + 1 < P) {  // not cured: accelerated
                    defaulted = i;
                    ead = s.outstanding[i] - s.principal[i];
                    paid = 0;
                    break;
                }
            } else {
                st.breaches = 0;
            }
            if (ratchet) updateRatchet(i);
        }
        double lossAtDefault = 0, loss = 0;
        if (defaulted < P) {
            const std::size_t i = defaulted;
            const double plant = view.plantValue ? view.plantValue[offset + i * view.stride + p] : 0.0;
            const double gross = ead - recovery(t, i, ead, plant) * s.lagFactor[i];
            lossAtDefault = (1.0 - guarantee) * gross;
            loss = s.discount[i] * lossAtDefault;
            st.value += s.discount[i] * (paid + ead - lossAtDefault);
            st.valueHurdle += s.hurdleDiscount[i] * (paid + ead - lossAtDefault);
        }
        // PV at the origination: the draw's discount factor (exactly 1 for a draw at the start)
        if (out.defaultPeriod) out.defaultPeriod[p] = static_cast<int>(defaulted < P ? d + defaulted : viewPeriods);
        if (out.exposure) out.exposure[p] = ead;
        if (out.lossAtDefault) out.lossAtDefault[p] = lossAtDefault;
        if (out.loss) out.loss[p] = s.drawDiscount * loss;
        if (out.value) out.value[p] = s.drawDiscount * st.value;
        if (out.valueHurdle) out.valueHurdle[p] = s.drawHurdleDiscount * st.valueHurdle;
        if (out.lentHurdle) out.lentHurdle[p] = s.drawHurdleDiscount * t.amount;
        if (out.sponsorPaid) out.sponsorPaid[p] = s.drawDiscount * st.sponsorPaid;
    }
}

}  // namespace

}  // namespace kp
