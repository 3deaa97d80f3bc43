// Per-path debt service, default and loss of a loan (see loan.hpp for the rules). Plain arrays only:
// this runs inside the parallel path loops.
#include "kp/instruments/loan.hpp"

#include <algorithm>
#include <cmath>

namespace kp {

namespace {

/// The state of one loan on one path, period by period.
struct PathState {
    double reserve = 0;   // debt-service reserve balance
    double support = 0;   // what is left of the sponsors' cash-deficiency line
    double step = 0;      // ratchet adjustment of the current period's margin
    int breaches = 0;     // consecutive covenant breaches
    double value = 0, valueHurdle = 0;
};

/// Recovery from the collateral (after depreciation and the haircut) and on the unsecured rest.
double recovery(const LoanTerms& t, std::size_t period, double ead) {
    const double depreciated =
        t.collateralValue * std::max(0.0, 1.0 - t.collateralDepreciation * static_cast<double>(period + 1));
    const double secured = std::min(ead, depreciated * (1.0 - t.collateralHaircut));
    return secured + t.unsecuredRecovery * (ead - secured);
}

}  // namespace

void evaluateLoan(const LoanTerms& t, const LoanSchedule& s, const LoanVariant& v, const LoanPathView& view,
                  std::size_t first, std::size_t n, const LoanOutcomes& out) {
    const std::size_t P = s.periods();
    const double margin = std::isnan(v.margin) ? t.margin : v.margin;
    const double guarantee = v.guarantee ? t.guaranteeShare : 0.0;
    const bool ratchet = v.ratchet && t.hasRatchet() && view.kpi != nullptr;
    auto contractualService = [&](std::size_t i) {
        return s.outstanding[i] * s.accrual[i] * (s.baseRate[i] + margin) + s.fee[i] + s.principal[i];
    };
    std::vector<double> kpiTarget(P);
    for (std::size_t i = 0; i < P; ++i) kpiTarget[i] = t.kpiTargetFor(s.years[i]);
    const double upfront = t.upfrontFee * t.amount;

    for (std::size_t p = first; p < first + n; ++p) {
        PathState st;
        st.reserve = t.reserveYears * contractualService(0);
        st.support = t.sponsorSupport;
        st.value = st.valueHurdle = upfront;
        const std::size_t close =
            view.closePeriod ? static_cast<std::size_t>(std::max(0, view.closePeriod[p])) : P;
        std::size_t defaulted = P;
        double ead = 0, paid = 0;
        for (std::size_t i = 0; i < P; ++i) {
            const double cf = view.cashFlow[i * view.stride + p];
            const double interest = s.outstanding[i] * s.accrual[i] * (s.baseRate[i] + margin + st.step);
            const bool closing = i == close;  // a closure accelerates the loan
            const double due = interest + s.fee[i] + (closing ? s.outstanding[i] : s.principal[i]);
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
            if (ratchet) {
                const double kpi = view.kpi[i * view.stride + p];
                st.step = std::isfinite(kpi) && std::isfinite(kpiTarget[i])
                              ? (kpi <= kpiTarget[i] ? -t.ratchetStepDown : t.ratchetStepUp)
                              : 0.0;
            }
        }
        double lossAtDefault = 0, loss = 0;
        if (defaulted < P) {
            const std::size_t i = defaulted;
            const double gross = ead - recovery(t, i, ead) * s.lagFactor[i];
            lossAtDefault = (1.0 - guarantee) * gross;
            loss = s.discount[i] * lossAtDefault;
            st.value += s.discount[i] * (paid + ead - lossAtDefault);
            st.valueHurdle += s.hurdleDiscount[i] * (paid + ead - lossAtDefault);
        }
        if (out.defaultPeriod) out.defaultPeriod[p] = static_cast<int>(defaulted);
        if (out.exposure) out.exposure[p] = ead;
        if (out.lossAtDefault) out.lossAtDefault[p] = lossAtDefault;
        if (out.loss) out.loss[p] = loss;
        if (out.value) out.value[p] = st.value;
        if (out.valueHurdle) out.valueHurdle[p] = st.valueHurdle;
    }
}

}  // namespace kp
