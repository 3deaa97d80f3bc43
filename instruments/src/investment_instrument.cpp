#include "kp/instruments/investment_instrument.hpp"

#include <algorithm>
#include <cmath>

#include "kp/core/errors.hpp"

namespace kp {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kBlockWidth = 64;  // paths a switching choice handles at a time (stack arrays)
constexpr int kNoSubsidy = 1 << 30;  // an operating year past any subsidy term

double priceOf(const PriceSource& s, const double* st, std::size_t n, std::size_t p, const double* lf) {
    switch (s.kind) {
        case PriceSource::Kind::Constant: return s.constant;
        case PriceSource::Kind::State: return st[s.stateIndex * n + p];
        default: {
            const double L = s.learningIndex >= 0 ? lf[p] : 1.0;
            const double src = s.sourceState ? st[s.stateIndex * n + p] : s.sourceConstant;
            return s.scale * (src / s.efficiency +
                              s.adder * ((1.0 - s.learningShare) + s.learningShare * L));
        }
    }
}

void need(std::vector<double>& v, std::size_t m) {
    if (v.size() < m) v.resize(m);
}

}  // namespace

InvestmentInstrument::InvestmentInstrument(const InvestmentProject& pr, std::size_t stateVariables)
    : pr_(pr), vars_(stateVariables) {
    KP_REQUIRE(pr.horizonYears >= 1 && pr.horizonYears <= 200, "InvestmentLsm: horizonYears is ",
               pr.horizonYears, ", but must be in [1, 200]");
    KP_REQUIRE(pr.periodsPerYear == 1 || pr.periodsPerYear == 4, "InvestmentLsm: periodsPerYear is ",
               pr.periodsPerYear, ", but must be 1 (annual) or 4 (quarterly)");
    const int P = pr.periodsPerYear;
    KP_REQUIRE(pr.discount.size() == static_cast<std::size_t>(pr.horizonYears * P),
               "InvestmentLsm: discount has ", pr.discount.size(), " factors, but must have horizonYears x ",
               "periodsPerYear = ", pr.horizonYears * P);
    for (double d : pr.discount)
        KP_REQUIRE(std::isfinite(d) && d > 0, "InvestmentLsm: a discount factor is ", d,
                   ", but must be positive");
    KP_REQUIRE(pr.infrastructureNames.size() <= 64, "InvestmentLsm: infrastructure has ",
               pr.infrastructureNames.size(), " entries, but must have at most 64");
    P_ = static_cast<std::size_t>(P);
    H_ = static_cast<std::size_t>(pr.horizonYears * P);
    J_ = pr.technologies.size();
    NS_ = pr.stages.size();
    JS_ = J_ + NS_;
    stageOf_.assign(J_, -1);
    NL_ = pr.learning.size();
    NI_ = pr.infrastructureNames.size();
    auto checkSource = [&](const PriceSource& ps, const char* name) {
        KP_REQUIRE(ps.kind == PriceSource::Kind::Constant ||
                       (ps.kind == PriceSource::Kind::Derived && !ps.sourceState) || ps.stateIndex < vars_,
                   "InvestmentLsm: ", name, " state index is ", ps.stateIndex, ", but must be below ", vars_);
        KP_REQUIRE(ps.kind != PriceSource::Kind::Derived || (ps.efficiency > 0 && std::isfinite(ps.adder)),
                   "InvestmentLsm: ", name, " efficiency is ", ps.efficiency, ", but must be positive");
        KP_REQUIRE(ps.learningIndex < static_cast<int>(NL_), "InvestmentLsm: ", name,
                   " learning index is ", ps.learningIndex, ", but must be below ", NL_);
    };
    checkSource(pr.co2, "co2");
    checkSource(pr.gas, "gas");
    checkSource(pr.power, "power");
    checkSource(pr.hydrogen, "hydrogen");
    checkSource(pr.product, "product");
    for (const auto& l : pr.learning)
        KP_REQUIRE(l.stateIndex < static_cast<int>(vars_), "InvestmentLsm: learning '", l.name,
                   "' state index is ", l.stateIndex, ", but must be below ", vars_);
    for (const auto& t : pr.technologies) {
        KP_REQUIRE(t.learningIndex < static_cast<int>(NL_), "InvestmentLsm: technology '", t.tech.name,
                   "' learning index is ", t.learningIndex, ", but must be below ", NL_);
        for (std::size_t i : t.infrastructure)
            KP_REQUIRE(i < NI_, "InvestmentLsm: technology '", t.tech.name, "' infrastructure index is ",
                       i, ", but must be below ", NI_);
        KP_REQUIRE(t.tech.requiresOption.empty(), "InvestmentLsm: technology '", t.tech.name,
                   "' is a stage (requires '", t.tech.requiresOption, "'), but must be given in stages");
        KP_REQUIRE(!t.tech.isRestart(), "InvestmentLsm: technology '", t.tech.name,
                   "' restarts a mothballed plant, but must be given as the mothball option's stage");
    }
    for (std::size_t st = 0; st < NS_; ++st) {
        const StageOption& so = pr.stages[st];
        KP_REQUIRE(so.parent < J_, "InvestmentLsm: stage '", so.option.tech.name, "' parent is ", so.parent,
                   ", but must be below ", J_);
        KP_REQUIRE(stageOf_[so.parent] < 0, "InvestmentLsm: technology '",
                   pr.technologies[so.parent].tech.name, "' has two stages, but may have at most one");
        KP_REQUIRE(!pr.technologies[so.parent].tech.isReline(), "InvestmentLsm: stage '", so.option.tech.name,
                   "' builds on a reline, but must build on a technology");
        KP_REQUIRE(so.option.tech.isRestart() == pr.technologies[so.parent].tech.isMothball(), "InvestmentLsm: stage '",
                   so.option.tech.name, "' builds on '", pr.technologies[so.parent].tech.name,
                   "', but a restart must build on a mothball option and a mothball option have only a restart");
        if (so.option.tech.abandons) {
            const Technology& a = pr.technologies[so.parent].tech;
            KP_REQUIRE(!a.retrofit && !a.sde && !a.isReline() && a.mothball == Technology::MothballRole::None,
                       "InvestmentLsm: stage '", so.option.tech.name, "' abandons '", a.name,
                       "', but only a replacement or a technology beside the plant without an operating subsidy "
                       "(sde) may be abandoned");
        }
        stageOf_[so.parent] = static_cast<int>(st);
        KP_REQUIRE(so.option.learningIndex < static_cast<int>(NL_), "InvestmentLsm: stage '",
                   so.option.tech.name, "' learning index is ", so.option.learningIndex, ", but must be below ", NL_);
        for (std::size_t i : so.option.infrastructure)
            KP_REQUIRE(i < NI_, "InvestmentLsm: stage '", so.option.tech.name, "' infrastructure index is ", i,
                       ", but must be below ", NI_);
    }
    for (std::size_t j = 0; j < JS_; ++j)
        KP_REQUIRE(optionAt(j).tech.grant.clawbackYear == 0 || (j < J_ && stageOf_[j] < 0), "InvestmentLsm: option '",
                   optionAt(j).tech.name, "' has a grant with a claw-back, but must then be a technology without a stage");
    // beside the plant: a technology (not a retrofit, reline or stage) without a claw-back; its licence
    // income runs while it or its stage operates
    licence_.assign(JS_, 0.0);
    for (std::size_t j = 0; j < JS_; ++j) {
        const Technology& t = optionAt(j).tech;
        KP_REQUIRE(t.licensingPerYear == 0 || (j < J_ && t.alongside), "InvestmentLsm: option '", t.name,
                   "' has licence income, but must then be a technology beside the plant (alongside)");
        if (!t.alongside) continue;
        KP_REQUIRE(j < J_ && !t.retrofit && !t.isReline() && t.grant.clawbackYear == 0, "InvestmentLsm: option '",
                   t.name, "' runs beside the plant, but must then be a technology that is not a retrofit, reline or ",
                   "stage and has no grant claw-back");
        licence_[j] = t.licensingPerYear;
        if (stageOf_[j] >= 0) licence_[J_ + static_cast<std::size_t>(stageOf_[j])] = t.licensingPerYear;
    }
    // a pilot (or its stage) is an installation of its own size: explicit activity levels of free
    // allocation and levy (the plant's) scaled by its output scale; everything else as the case's
    auto besideOf = [&](std::size_t j) {
        return j < J_ ? pr.technologies[j].tech.alongside : pr.technologies[pr.stages[j - J_].parent].tech.alongside;
    };
    for (std::size_t j = 0; j < JS_ && besidePolicy_.empty(); ++j)
        if (besideOf(j)) besidePolicy_.assign(JS_, pr.policy);
    for (std::size_t j = 0; j < besidePolicy_.size(); ++j) {
        if (!besideOf(j)) continue;
        const double k = optionAt(j).tech.outputScale;
        Policy& pol = besidePolicy_[j];
        if (pol.freeAllocation.activityTPerYear >= 0) pol.freeAllocation.activityTPerYear *= k;
        if (pol.levy.activityTPerYear >= 0) pol.levy.activityTPerYear *= k;
    }
    // continuous features: stochastic prices (co2 first), then learning factors
    std::vector<std::size_t> seen;
    for (const PriceSource* ps : {&pr.co2, &pr.gas, &pr.power, &pr.hydrogen, &pr.product})
        if (ps->kind == PriceSource::Kind::State &&
            std::find(seen.begin(), seen.end(), ps->stateIndex) == seen.end()) {
            seen.push_back(ps->stateIndex);
            contState_.push_back(ps->stateIndex);
        }
    for (std::size_t c = 0; c < NL_; ++c)
        if (pr.learning[c].stateIndex >= 0) contLearning_.push_back(static_cast<int>(c));
    NC_ = contState_.size() + contLearning_.size();
    F_ = NC_ + NI_;

    for (double d : pr.discountAfter)
        KP_REQUIRE(std::isfinite(d) && d > 0, "InvestmentLsm: a discount factor after the horizon is ", d,
                   ", but must be positive");
    afterSum_.assign(pr.discountAfter.size() + 1, 0.0);
    for (std::size_t i = 0; i < pr.discountAfter.size(); ++i) afterSum_[i + 1] = afterSum_[i] + pr.discountAfter[i];
    times_.resize(H_ + 1);
    for (std::size_t k = 0; k <= H_; ++k) times_[k] = static_cast<double>(k) / P;
    // best exit per date
    closeValue_.assign(H_, kNaN);
    for (std::size_t d = 0; d < H_; ++d) {
        const int year = yearOf(d);
        for (const auto& e : pr.exits)
            if (year >= e.earliestYear && year <= e.latestYear) {
                const double v = pr.discount[d] * (e.value - e.cost);
                if (!(v <= closeValue_[d])) closeValue_[d] = v;
            }
        // closing stops the plant: its decommissioning now, unless it has already been paid at L
        const double C = pr.plant.decommissioningCost;
        if (C != 0 && !std::isnan(closeValue_[d]) && static_cast<int>(d) <= periodsOf(pr.plant.remainingLifeYears))
            closeValue_[d] -= pr.discount[d] * C;
    }
    // technology risk: which options carry it, and room for their draws in the counter layout
    incidents_.assign(JS_, 0);
    ramp_.assign(JS_, 0);
    for (std::size_t j = 0; j < JS_; ++j) {
        const TechnologyRisk& r = optionAt(j).tech.risk;
        risky_ |= r.any();
        incidents_[j] = r.incidents() || r.premium() != 0;
        ramp_[j] = r.rampUp();
        KP_REQUIRE(!ramp_[j] || !optionAt(j).tech.sde || !optionAt(j).tech.sde->capped(), "InvestmentLsm: option '",
                   optionAt(j).tech.name, "' has a ramp-up and a subsidy with a budget, but may have only one of them");
        KP_REQUIRE(!ramp_[j] || !r.rampUpLearns || optionAt(j).learningIndex >= 0, "InvestmentLsm: option '",
                   optionAt(j).tech.name, "' has a first-of-a-kind ramp-up (learns), but no learning curve (maturity)");
        KP_REQUIRE(!r.any() || (!optionAt(j).tech.isReline() && optionAt(j).tech.mothball == Technology::MothballRole::None),
                   "InvestmentLsm: option '", optionAt(j).tech.name,
                   "' carries technology risk, but only an investment (not a reline or mothballing) may");
    }
    // operating flexibility: a hybrid's alternative mode, suspension
    flexible_.assign(JS_, 0);
    altTech_.resize(JS_);
    for (std::size_t j = 0; j < JS_; ++j) {
        const Technology& t = optionAt(j).tech;
        if (!t.operating.any()) continue;
        t.validate("InvestmentLsm: option '" + t.name + "'");
        KP_REQUIRE(!(j < J_ && t.sde && stageOf_[j] >= 0), "InvestmentLsm: option '", t.name,
                   "' has operating flexibility, a subsidy and a stage, but may not have all three (its subsidy runs "
                   "on under the stage, whose own running decides)");
        flexible_[j] = 1;
        if (t.operating.alternative) altTech_[j] = t.inMode(*t.operating.alternative);
    }
    anyFlexible_ = std::find(flexible_.begin(), flexible_.end(), char{1}) != flexible_.end();
    switchingModes();
    for (std::size_t j = 0; j < JS_; ++j)
        KP_REQUIRE(optionAt(j).tech.hedge.priced(), "InvestmentLsm: option '", optionAt(j).tech.name,
                   "' has an energy hedge without a price for every year of its window");
    anyIncidents_ = std::find(incidents_.begin(), incidents_.end(), char{1}) != incidents_.end();
    anyRamp_ = std::find(ramp_.begin(), ramp_.end(), char{1}) != ramp_.end();
    KP_REQUIRE(!anyIncidents_ || 3 * JS_ + JS_ * H_ * kIncidentDraws <= CounterLayout::kRiskDraws,
               "InvestmentLsm: incidents on ", JS_, " options over ", H_, " periods need ",
               3 * JS_ + JS_ * H_ * kIncidentDraws, " random draws a path, but at most ", CounterLayout::kRiskDraws,
               " are available (shorten the horizon or use annual periods)");
    allowed_.assign(JS_ * H_, 0);
    for (std::size_t j = 0; j < JS_; ++j)
        for (std::size_t d = 0; d < H_; ++d) {
            const int year = yearOf(d);
            const Technology& t = optionAt(j).tech;
            allowed_[j * H_ + d] = year >= t.earliestDecisionYear && year <= t.latestDecisionYear;
            // mothballing while the plant runs; restarting early enough to run before its end of life
            if (t.mothball != Technology::MothballRole::None &&
                static_cast<int>(d) + (t.isRestart() ? periodsOf(t.constructionYears) : 0) >= periodsOf(pr.plant.remainingLifeYears))
                allowed_[j * H_ + d] = 0;
        }
}

void InvestmentInstrument::reserve(ProjectBlock& b, std::size_t n, bool keepPrices) const {
    b.n = n;
    need(b.hist, (H_ + 1) * vars_ * n);
    need(b.arrival, std::max<std::size_t>(NI_, 1) * n);
    need(b.lf, std::max<std::size_t>(NL_, 1) * (H_ + 1) * n);
    need(b.base, H_ * n), need(b.ebase, H_ * n), need(b.cbase, H_ * n), need(b.baseLast, n);
    need(b.tech, JS_ * H_ * n), need(b.sde, JS_ * H_ * n), need(b.etech, JS_ * H_ * n);
    need(b.pb, (H_ + 1) * n), need(b.pt, JS_ * (H_ + 1) * n), need(b.ps, JS_ * (H_ + 1) * n);
    if (b.opFrom.size() < JS_ * n) b.opFrom.resize(JS_ * n);
    need(b.price, 6 * n), need(b.tmp, n);
    if (keepPrices) need(b.prices, 5 * H_ * n);
    if (risky_) {
        need(b.overrun, JS_ * n);
        if (b.delay.size() < JS_ * n) b.delay.resize(JS_ * n);
        if (b.count.size() < n) b.count.resize(n);
        if (anyIncidents_) need(b.loss, JS_ * H_ * n), need(b.claims, JS_ * H_ * n);
        if (anyRamp_) {
            need(b.rampX, JS_ * n), need(b.rampCash, JS_ * H_ * n), need(b.rampEm, JS_ * H_ * n);
            need(b.plantRun, n), need(b.plantRunE, n);
        }
    }
    if (anyFlexible_) {
        if (b.mode.size() < JS_ * H_ * n) b.mode.resize(JS_ * H_ * n);
        need(b.altCash, n), need(b.altEm, n);
    }
    if (anySwitching_) {
        need(b.modeCash, JS_ * kRunningModes * H_ * n), need(b.modeEm, JS_ * kRunningModes * H_ * n);
        if (b.next.size() < JS_ * H_ * kModes * n) b.next.resize(JS_ * H_ * kModes * n);
    }
    b.switchingSet = false;
}

void InvestmentInstrument::switchingModes() {
    switching_.assign(JS_, 0);
    modeOpen_.assign(JS_ * kModes, 0);
    cost_.assign(JS_ * kModes * kModes, kInf);
    for (std::size_t j = 0; j < JS_; ++j) {
        const OperatingFlexibility& o = optionAt(j).tech.operating;
        switching_[j] = o.switching();
        if (!switching_[j]) continue;
        KP_REQUIRE(j < J_ && stageOf_[j] < 0, "InvestmentLsm: option '", optionAt(j).tech.name,
                   "' has switching costs and a stage (or is one), but may not (abandoning is then one of its modes)");
        char* open = modeOpen_.data() + j * kModes;
        open[kRun] = 1, open[kAlternative] = o.alternative.has_value(), open[kIdle] = o.suspend,
        open[kAbandoned] = o.abandonNet.has_value();
        auto running = [](std::size_t m) { return m == kRun || m == kAlternative; };
        for (std::size_t m = 0; m < kModes; ++m)
            for (std::size_t m2 = 0; m2 < kModes; ++m2) {
                double& c = cost_[(j * kModes + m) * kModes + m2];
                if (!open[m] || !open[m2] || (m == kAbandoned && m2 != kAbandoned)) continue;  // absorbing
                if (m == m2) c = 0;
                else if (m2 == kAbandoned) c = *o.abandonNet;
                else if (m2 == kIdle) c = o.suspendCost;
                else if (m == kIdle) c = o.restartCost;
                else if (running(m) && running(m2)) c = o.switchCost;
            }
    }
    anySwitching_ = std::find(switching_.begin(), switching_.end(), char{1}) != switching_.end();
}

void InvestmentInstrument::switchingFlows(ProjectBlock& b, std::size_t k, const PriceColumns& cols) const {
    const std::size_t n = b.n;
    const double f = 1.0 / static_cast<double>(P_);
    for (std::size_t j = 0; j < JS_; ++j) {
        if (!switching_[j]) continue;
        const Technology& t = optionAt(j).tech;
        auto cash = [&](std::size_t m) { return b.modeCash.data() + ((j * kRunningModes + m) * H_ + k) * n; };
        auto em = [&](std::size_t m) { return b.modeEm.data() + ((j * kRunningModes + m) * H_ + k) * n; };
        // no subsidy, licence or hedge with switching costs (Technology::validate)
        yearCashFlows(pr_.plant, &t, pr_.policy, yearOf(k), kNoSubsidy, cols, n, cash(kRun), em(kRun));
        if (hasMode(j, kAlternative))
            yearCashFlows(pr_.plant, &altTech_[j], pr_.policy, yearOf(k), kNoSubsidy, cols, n, cash(kAlternative),
                          em(kAlternative));
        std::fill_n(cash(kIdle), n, -t.operating.idleCostPerYear);
        std::fill_n(em(kIdle), n, 0.0);
        const double premium = risky_ && incidents_[j] ? t.risk.premium() * f : 0.0;
        const double* L = risky_ && incidents_[j] ? b.loss.data() + (j * H_ + k) * n : nullptr;
        for (std::size_t m = 0; m < kRunningModes; ++m) {
            double *c = cash(m), *e = em(m);
            for (std::size_t p = 0; p < n; ++p) {
                c[p] = c[p] * f - premium - (L && m != kIdle ? L[p] : 0.0);  // idle: no incident
                e[p] *= f;
            }
        }
    }
}

void InvestmentInstrument::chooseSwitch(std::size_t j, std::size_t k, const double* const* cash, const double* const* C,
                                        std::size_t n, std::size_t stride, unsigned char* next, double* G) const {
    const double D = pr_.discount[k];
    double now[kModes][kBlockWidth], realised[kModes][kBlockWidth];  // per mode m2: D cash + C, and D cash + G
    for (std::size_t p0 = 0; p0 < n; p0 += kBlockWidth) {
        const std::size_t w = std::min(kBlockWidth, n - p0);
        for (std::size_t m2 = 0; m2 < kModes; ++m2) {
            if (!hasMode(j, m2)) continue;
            for (std::size_t i = 0; i < w; ++i) {
                const std::size_t p = p0 + i;
                const double flow = m2 == kAbandoned ? 0.0 : D * cash[m2][p];
                now[m2][i] = flow + (m2 == kAbandoned ? 0.0 : C[m2][p]);
                realised[m2][i] = G ? flow + G[m2 * stride + p] : 0.0;
            }
        }
        for (std::size_t m = 0; m < kModes; ++m) {
            if (!hasMode(j, m)) continue;
            unsigned char* out = next + m * stride + p0;
            for (std::size_t i = 0; i < w; ++i) {
                std::size_t best = m;
                double v = now[m][i];
                for (std::size_t m2 = 0; m2 < kModes; ++m2) {
                    const double c = switchCost(j, m, m2);
                    if (m2 == m || std::isinf(c)) continue;
                    const double x = now[m2][i] - D * c;
                    if (x > v) v = x, best = m2;
                }
                out[i] = static_cast<unsigned char>(best);
            }
        }
        if (!G) continue;
        for (std::size_t m = 0; m < kModes; ++m) {
            if (!hasMode(j, m)) continue;
            const unsigned char* out = next + m * stride + p0;
            for (std::size_t i = 0; i < w; ++i) {
                const std::size_t m2 = out[i];
                G[m * stride + p0 + i] = realised[m2][i] - D * switchCost(j, m, m2);
            }
        }
    }
}

double InvestmentInstrument::switchingFlow(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p) const {
    Mode prev = kRun;
    const Mode m = modeAt(plan.j, plan.s0, k, b, p, &prev);
    return modeFlow(b.modeCash, plan.j, m, k, b, p) - switchCost(plan.j, prev, m);
}

bool InvestmentInstrument::standsStill(const PathPlan& plan, std::size_t j, std::size_t k, const ProjectBlock& b,
                                       std::size_t p) const {
    if (!switching(j)) return idle(j, k, b, p);
    const Mode m = modeAt(j, plan.s0, k, b, p);
    return m == kIdle || m == kAbandoned;
}

Mode InvestmentInstrument::modeAt(std::size_t j, std::size_t s0, std::size_t k, const ProjectBlock& b, std::size_t p,
                                  Mode* prev) const {
    requireSwitchingSet(j, b);
    Mode m = kRun, before = kRun;
    for (std::size_t t = s0; t <= k; ++t) before = m, m = nextMode(j, t, m, b, p);
    if (prev) *prev = before;
    return m;
}

void InvestmentInstrument::requireSwitchingSet(std::size_t j, const ProjectBlock& b) const {
    KP_REQUIRE(b.switchingSet, "InvestmentInstrument: option '", optionAt(j).tech.name,
               "' has switching costs, but the block's switching rule has not been applied");
}

double InvestmentInstrument::switchingValue(std::size_t j, std::size_t S, std::size_t E, const ProjectBlock& b,
                                            std::size_t p, Mode* last) const {
    requireSwitchingSet(j, b);
    Mode m = kRun;
    double v = 0;
    for (std::size_t k = S; k < E; ++k) {
        const Mode m2 = nextMode(j, k, m, b, p);
        v += pr_.discount[k] * (modeFlow(b.modeCash, j, m2, k, b, p) - switchCost(j, m, m2));
        m = m2;
    }
    if (last) *last = m;
    return v;
}

double InvestmentInstrument::abandonedAfter(std::size_t j, std::size_t S, Mode last, const ProjectBlock& b,
                                            std::size_t p) const {
    if (last != kAbandoned || !afterHorizon()) return 0.0;
    const std::size_t end = S + static_cast<std::size_t>(lifeOf(j, static_cast<long>(S)));
    return end > H_ ? b.tech[(j * H_ + H_ - 1) * b.n + p] * after(std::max(S, H_), end) : 0.0;
}

void InvestmentInstrument::chooseMode(std::size_t j, std::size_t k, int year, const PriceColumns& cols,
                                      const Policy& pol, ProjectBlock& b, double* tc, double* sd, double* et) const {
    const std::size_t n = b.n;
    const Technology& t = optionAt(j).tech;
    unsigned char* m = b.mode.data() + (j * H_ + k) * n;
    std::fill_n(m, n, kRun);
    if (t.operating.alternative) {  // the operating subsidy is the own mode's (granted for it)
        double *ac = b.altCash.data(), *ae = b.altEm.data();
        yearCashFlows(pr_.plant, &altTech_[j], pol, year, kNoSubsidy, cols, n, ac, ae);
        for (std::size_t p = 0; p < n; ++p)
            if (ac[p] > tc[p] + sd[p]) tc[p] = ac[p], sd[p] = 0, et[p] = ae[p], m[p] = kAlternative;
    }
    if (t.operating.suspend) {
        const double idleCash = -t.operating.idleCostPerYear;
        for (std::size_t p = 0; p < n; ++p)
            if (tc[p] + sd[p] < idleCash) tc[p] = idleCash, sd[p] = 0, et[p] = 0, m[p] = kIdle;
    }
}

void InvestmentInstrument::drawRisks(ProjectBlock& b, std::uint64_t seed, Stream stream, std::uint64_t first,
                                     bool antithetic, NormalScratch& scratch) const {
    if (!risky_) return;
    const std::size_t n = b.n;
    double* z = b.tmp.data();
    auto normals = [&](std::size_t draw) {
        fillNormals(seed, CounterLayout::technologyRisk(stream, draw), first, n, z, antithetic, scratch);
    };
    for (std::size_t j = 0; j < JS_; ++j) {
        const TechnologyRisk& r = optionAt(j).tech.risk;
        double* M = b.overrun.data() + j * n;
        if (r.overrunSd > 0) {
            normals(j);
            for (std::size_t p = 0; p < n; ++p) M[p] = r.overrunMultiplier(z[p]);
        } else {
            std::fill_n(M, n, 1.0 + r.overrunMean);
        }
        int* dl = b.delay.data() + j * n;
        std::fill_n(dl, n, 0);
        if (r.delay()) {
            normals(JS_ + j);
            const std::vector<double>& q = r.delayProbabilities;
            for (std::size_t p = 0; p < n; ++p) {
                const double u = normalCdf(z[p]);
                std::size_t y = 0;
                double cum = q[0];
                while (u > cum && y + 1 < q.size()) cum += q[++y];
                dl[p] = periodsOf(static_cast<int>(y));
            }
        }
        if (ramp_[j]) {
            double* X = b.rampX.data() + j * n;
            if (r.rampUpSd > 0) {
                normals(2 * JS_ + j);
                for (std::size_t p = 0; p < n; ++p) X[p] = r.rampUpMultiplier(z[p]);
            } else {
                std::fill_n(X, n, 1.0);
            }
        }
        if (!incidents_[j]) continue;
        const double lambda = r.incidents() ? r.incidentFrequency / static_cast<double>(P_) : 0.0;
        const double e0 = std::exp(-lambda);
        for (std::size_t k = 0; k < H_; ++k) {
            double* L = b.loss.data() + (j * H_ + k) * n;
            double* CL = b.claims.data() + (j * H_ + k) * n;
            std::fill_n(L, n, 0.0);
            std::fill_n(CL, n, 0.0);
            if (lambda == 0) continue;
            const std::size_t at = 3 * JS_ + (j * H_ + k) * kIncidentDraws;
            normals(at);
            int most = 0;
            for (std::size_t p = 0; p < n; ++p) {  // Poisson by inversion of the count's CDF
                const double u = normalCdf(z[p]);
                int N = 0;
                double pk = e0, cdf = e0;
                while (u > cdf && N + 1 < static_cast<int>(kIncidentDraws)) {
                    ++N;
                    pk *= lambda / N;
                    cdf += pk;
                }
                b.count[p] = N;
                most = std::max(most, N);
            }
            for (int m = 1; m <= most; ++m) {
                normals(at + static_cast<std::size_t>(m));
                for (std::size_t p = 0; p < n; ++p)
                    if (b.count[p] >= m) {
                        const double S = r.severity(z[p]), I = r.insured(S);
                        L[p] += S - I;
                        CL[p] += I;
                    }
            }
        }
    }
}

void InvestmentInstrument::evaluate(ProjectBlock& b, bool carbonCosts, bool keepPrices) const {
    learningFactors(b);
    firstOperatingPeriods(b);
    for (std::size_t k = 0; k < H_; ++k) periodFlows(b, k, carbonCosts, keepPrices);
    // the plant as it is after the horizon: its last period's cash flow for the rest of its life,
    // booked in the last period (every carry-on sum then counts it)
    double* last = b.base.data() + (H_ - 1) * b.n;
    const auto life = static_cast<std::size_t>(std::max(periodsOf(pr_.plant.remainingLifeYears), 0));
    if (afterHorizon()) std::copy_n(last, b.n, b.baseLast.data());
    if (afterHorizon() && life > H_) {
        const double f = after(H_, life) / pr_.discount[H_ - 1];
        for (std::size_t p = 0; p < b.n; ++p) last[p] += f * b.baseLast[p];
    }
    // the plant's decommissioning at the end of its life (base[L] is 0 before)
    if (const double C = pr_.plant.decommissioningCost; C != 0) {
        if (life < H_) {
            for (std::size_t p = 0; p < b.n; ++p) b.base[life * b.n + p] -= C;
        } else if (const double f = discountAt(life) / pr_.discount[H_ - 1]; f != 0) {
            for (std::size_t p = 0; p < b.n; ++p) last[p] -= f * C;
        }
    }
    prefixSums(b);
}

double InvestmentInstrument::after(std::size_t from, std::size_t to) const {
    if (to <= from) return 0.0;
    const std::size_t M = afterSum_.size() - 1;
    return afterSum_[std::min(to - H_, M)] - afterSum_[std::min(from - H_, M)];
}

long InvestmentInstrument::startAfter(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const {
    const int of = b.opFrom[j * b.n + p];
    if (of >= static_cast<int>(H_)) return -1;
    return std::max(static_cast<long>(d) + periodsOf(optionAt(j).tech.constructionYears) + delayOf(j, b, p),
                    static_cast<long>(of));
}

double InvestmentInstrument::afterValue(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p,
                                        int parent) const {
    if (!afterHorizon()) return 0.0;
    const long s = startAfter(j, d, b, p);
    if (s < 0) return 0.0;
    const std::size_t n = b.n, S = static_cast<std::size_t>(s), from = std::max(S, H_);
    const Technology& t = optionAt(j).tech;
    double run = b.tech[(j * H_ + H_ - 1) * n + p];
    if (parent >= 0) run -= b.tech[(static_cast<std::size_t>(parent) * H_ + H_ - 1) * n + p];
    double v = run * after(from, S + static_cast<std::size_t>(lifeOf(j, s)));
    if (t.sde && !t.sde->capped()) v += subsidyAfter(j, d, b, p, S);  // a capped one: budgetedSubsidy
    if (parent < 0 && S >= H_ && !t.alongside) {
        // construction ends after the horizon: the plant runs until then, not for its whole life
        const auto life = static_cast<std::size_t>(std::max(periodsOf(pr_.plant.remainingLifeYears), 0));
        v -= b.baseLast[p] * after(std::min(S, std::max(life, H_)), std::max(life, H_));
    }
    return v;
}

double InvestmentInstrument::budgetedSubsidy(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p,
                                             double* afterValue, std::size_t paidAt) const {
    const long s = startAfter(j, d, b, p);
    const int term = subsidyPeriods(j, d);
    if (s < 0 || term <= 0) return 0.0;
    const std::size_t n = b.n, S = static_cast<std::size_t>(s), ES = S + static_cast<std::size_t>(term);
    const double budget = optionAt(j).tech.sde->budget;
    const double* sd = b.sde.data() + j * H_ * n;
    double paid = 0, inside = 0;
    auto pay = [&](double due) {  // what is paid of `due` with the budget left, and book it
        const double left = budget - paid;
        const double x = due < left ? due : left;
        paid += x;
        return x;
    };
    for (std::size_t k = S; k < std::min(ES, H_); ++k) {
        const double x = pay(sd[k * n + p]);
        if (k == paidAt) return x;
        inside += pr_.discount[k] * x;
    }
    if (paidAt != kAll) return 0.0;
    if (afterValue && afterHorizon() && ES > H_) {
        const double due = sd[(H_ - 1) * n + p];
        const std::size_t M = pr_.discountAfter.size();
        for (std::size_t k = std::max(S, H_); k < ES && k - H_ < M; ++k) *afterValue += pr_.discountAfter[k - H_] * pay(due);
    }
    return inside;
}

InvestmentInstrument::Decommissioning InvestmentInstrument::decommissioning(std::size_t j, std::size_t d,
                                                                          const ProjectBlock& b, std::size_t p) const {
    Decommissioning x{H_};
    const double C = pr_.plant.decommissioningCost;
    if (optionAt(j).tech.alongside) return x;  // the plant runs on beside it, as in base
    const long s = C != 0 ? startAfter(j, d, b, p) : -1;
    const auto L = static_cast<long>(plantEndPeriod());
    if (s < 0 || s > L) return x;  // the plant runs on as in base (and pays at L there)
    const Technology& t = optionAt(j).tech;
    const bool runsOn = t.retrofit || t.mothball != Technology::MothballRole::None;  // paid at its end
    const auto at = static_cast<std::size_t>(runsOn ? s + lifeOf(j, s) : s);
    if (at < H_) x.k = at, x.amount = -C;
    else x.after -= C * discountAt(at);
    // base's own charge at L (in base[H - 1], after the horizon) is in the sums only when s >= H
    if (static_cast<std::size_t>(L) >= H_ && static_cast<std::size_t>(s) >= H_) x.after += C * discountAt(static_cast<std::size_t>(L));
    return x;
}

// learning factors on the running maximum of deployment
void InvestmentInstrument::learningFactors(ProjectBlock& b) const {
    const std::size_t n = b.n;
    for (std::size_t c = 0; c < NL_; ++c) {
        const LearningSource& ls = pr_.learning[c];
        double* lf = b.lf.data() + c * (H_ + 1) * n;
        double* runMax = b.tmp.data();
        for (std::size_t p = 0; p < n; ++p) runMax[p] = ls.curve.deployment0;
        for (std::size_t p = 0; p < n; ++p) lf[p] = ls.curve.factor(runMax[p]);
        for (std::size_t k = 0; k <= H_; ++k) {
            if (ls.stateIndex >= 0) {
                const double* x = b.hist.data() + (k * vars_ + static_cast<std::size_t>(ls.stateIndex)) * n;
                // the factor (a pow) only where the running maximum moved: the same value otherwise
                for (std::size_t p = 0; p < n; ++p) {
                    const double m = std::max(runMax[p], x[p]);
                    lf[k * n + p] = k > 0 && m == runMax[p] ? lf[(k - 1) * n + p] : ls.curve.factor(m);
                    runMax[p] = m;
                }
            } else if (k > 0) {
                std::copy_n(lf, n, lf + k * n);
            }
        }
    }
}

// the first period each technology and stage can operate: all its infrastructure arrived
void InvestmentInstrument::firstOperatingPeriods(ProjectBlock& b) const {
    const std::size_t n = b.n;
    const double P = static_cast<double>(P_);
    for (std::size_t j = 0; j < JS_; ++j) {
        int* of = b.opFrom.data() + j * n;
        for (std::size_t p = 0; p < n; ++p) {
            double latest = pr_.startYear;
            for (std::size_t i : optionAt(j).infrastructure) latest = std::max(latest, b.arrival[i * n + p]);
            const double k = std::ceil((latest - pr_.startYear) * P);
            of[p] = k >= static_cast<double>(H_) || !std::isfinite(k) ? static_cast<int>(H_)
                                                                       : std::max(0, static_cast<int>(k));
        }
    }
}

// the cash flows of period k (a year's flow / P at the period's prices)
void InvestmentInstrument::periodFlows(ProjectBlock& b, std::size_t k, bool carbonCosts, bool keepPrices) const {
    const std::size_t n = b.n;
    double* co2 = b.price.data();
    double* ref = co2 + n;
    double* gas = ref + n;
    double* pow = gas + n;
    double* h2 = pow + n;
    double* prod = h2 + n;
    const PriceColumns cols{co2, ref, gas, pow, h2, prod};
    const double* st = b.hist.data() + k * vars_ * n;
    const double* stPrev = b.hist.data() + (k >= P_ ? k - P_ : 0) * vars_ * n;  // a year earlier
    const double* lh = pr_.hydrogen.learningIndex >= 0
                           ? b.lf.data() + (static_cast<std::size_t>(pr_.hydrogen.learningIndex) * (H_ + 1) + k) * n
                           : nullptr;
    for (std::size_t p = 0; p < n; ++p) {
        co2[p] = priceOf(pr_.co2, st, n, p, nullptr);
        ref[p] = priceOf(pr_.co2, stPrev, n, p, nullptr);
        gas[p] = priceOf(pr_.gas, st, n, p, nullptr);
        pow[p] = priceOf(pr_.power, st, n, p, nullptr);
        h2[p] = priceOf(pr_.hydrogen, st, n, p, lh);
        prod[p] = priceOf(pr_.product, st, n, p, nullptr);
    }
    if (keepPrices) {
        const double* from[5] = {co2, gas, pow, h2, prod};
        for (std::size_t c = 0; c < 5; ++c) std::copy_n(from[c], n, b.prices.data() + (c * H_ + k) * n);
    }
    const int year = yearOf(k);
    double* base = b.base.data() + k * n;
    double* eb = b.ebase.data() + k * n;
    double* cb = b.cbase.data() + k * n;
    if (static_cast<int>(k) < periodsOf(pr_.plant.remainingLifeYears)) {
        yearCashFlows(pr_.plant, nullptr, pr_.policy, year, 0, cols, n, base, eb);
        if (carbonCosts) {
            const double q = pr_.plant.outputTPerYear;
            const double alloc = pr_.policy.freeAllocation.allowances(year, q);
            for (std::size_t p = 0; p < n; ++p)
                cb[p] = co2[p] * (eb[p] - alloc) + pr_.policy.levy.amount(year, q, eb[p], ref[p]);
        }
    } else {
        std::fill_n(base, n, 0.0);
        std::fill_n(eb, n, 0.0);
        if (carbonCosts) std::fill_n(cb, n, 0.0);
    }
    for (std::size_t j = 0; j < JS_; ++j) {
        const Technology& t = optionAt(j).tech;
        double* tc = b.tech.data() + (j * H_ + k) * n;
        double* sd = b.sde.data() + (j * H_ + k) * n;
        double* et = b.etech.data() + (j * H_ + k) * n;
        if (t.abandons) {  // the parent abandoned: nothing runs
            std::fill_n(tc, n, 0.0);
            std::fill_n(et, n, 0.0);
            std::fill_n(sd, n, 0.0);
            continue;
        }
        if (t.mothball != Technology::MothballRole::None) {
            // idle: care and maintenance only; restarted: the plant as it is (base before its charge)
            if (t.isMothball()) {
                std::fill_n(tc, n, -t.fixedOpex);
                std::fill_n(et, n, 0.0);
            } else {
                std::copy_n(base, n, tc);
                std::copy_n(eb, n, et);
            }
            std::fill_n(sd, n, 0.0);
            continue;
        }
        const Policy& pol = besidePolicy_.empty() ? pr_.policy : besidePolicy_[j];
        yearCashFlows(pr_.plant, &t, pol, year, kNoSubsidy, cols, n, tc, et);
        if (t.sde) {
            yearCashFlows(pr_.plant, &t, pol, year, 0, cols, n, sd, nullptr);
            for (std::size_t p = 0; p < n; ++p) sd[p] -= tc[p];
        } else {
            std::fill_n(sd, n, 0.0);
        }
        if (anyFlexible_ && flexible_[j]) chooseMode(j, k, year, cols, pol, b, tc, sd, et);
        if (const double fee = licence_[j]; fee != 0)
            for (std::size_t p = 0; p < n; ++p) tc[p] += fee;
        if (ramp_[j]) {  // what a whole shortfall takes off: the flows that scale with output
            double* g = b.rampCash.data() + (j * H_ + k) * n;
            double* ge = b.rampEm.data() + (j * H_ + k) * n;
            if (t.retrofit) {  // capture lost: the plant as it is (after its life too) instead
                const double* pf = base;
                const double* pe = eb;
                if (static_cast<int>(k) >= periodsOf(pr_.plant.remainingLifeYears)) {
                    yearCashFlows(pr_.plant, nullptr, pr_.policy, year, 0, cols, n, b.plantRun.data(), b.plantRunE.data());
                    pf = b.plantRun.data(), pe = b.plantRunE.data();
                }
                for (std::size_t p = 0; p < n; ++p) g[p] = tc[p] - pf[p] + t.fixedOpex, ge[p] = pe[p] - et[p];
            } else {
                for (std::size_t p = 0; p < n; ++p) g[p] = tc[p] + t.fixedOpex - licence_[j], ge[p] = -et[p];
            }
        }
        if (t.hedge.any() && t.hedge.covers(year)) {  // the swap: share x volume x (spot - price)
            const EnergyHedge& h = t.hedge;
            const auto y = static_cast<std::size_t>(year - h.fromYear);
            const double q = pr_.plant.outputTPerYear * (t.retrofit ? 1.0 : t.outputScale);
            const double vg = h.gasShare > 0 ? h.gasShare * t.gasMwhPerT * q : 0.0;
            const double vp = h.powerShare > 0 ? h.powerShare * t.powerMwhPerT * q : 0.0;
            const double kg = vg > 0 ? h.gasPrice[y] : 0.0, kp = vp > 0 ? h.powerPrice[y] : 0.0;
            for (std::size_t p = 0; p < n; ++p) tc[p] += vg * (gas[p] - kg) + vp * (pow[p] - kp);
        }
    }
    if (P_ > 1) {  // per period
        const double f = 1.0 / static_cast<double>(P_);
        auto scale = [&](double* x) {
            for (std::size_t p = 0; p < n; ++p) x[p] *= f;
        };
        scale(base), scale(eb);
        if (carbonCosts) scale(cb);
        for (std::size_t j = 0; j < JS_; ++j) {
            for (auto* v : {&b.tech, &b.sde, &b.etech}) scale(v->data() + (j * H_ + k) * n);
            if (ramp_[j])
                for (auto* v : {&b.rampCash, &b.rampEm}) scale(v->data() + (j * H_ + k) * n);
        }
    }
    if (anySwitching_) switchingFlows(b, k, cols);
    // technology risk: the premium and the owner's incident losses while the option runs
    for (std::size_t j = 0; j < JS_ && risky_; ++j) {
        if (!incidents_[j]) continue;
        const double premium = optionAt(j).tech.risk.premium() / static_cast<double>(P_);
        double* tc = b.tech.data() + (j * H_ + k) * n;
        const double* L = b.loss.data() + (j * H_ + k) * n;
        for (std::size_t p = 0; p < n; ++p) tc[p] -= premium + (idle(j, k, b, p) ? 0.0 : L[p]);  // idle: no incident
    }
}

// prefix sums of discounted cash flows
void InvestmentInstrument::prefixSums(ProjectBlock& b) const {
    const std::size_t n = b.n;
    const std::vector<double>& D = pr_.discount;
    auto prefix = [&](const double* cf, double* out) {
        std::fill_n(out, n, 0.0);
        for (std::size_t k = 0; k < H_; ++k)
            for (std::size_t p = 0; p < n; ++p) out[(k + 1) * n + p] = out[k * n + p] + D[k] * cf[k * n + p];
    };
    prefix(b.base.data(), b.pb.data());
    for (std::size_t j = 0; j < JS_; ++j) {
        prefix(b.tech.data() + j * H_ * n, b.pt.data() + j * (H_ + 1) * n);
        prefix(b.sde.data() + j * H_ * n, b.ps.data() + j * (H_ + 1) * n);
    }
}

double InvestmentInstrument::capexAt(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const {
    const TechnologyOption& o = optionAt(j);
    const Technology& t = o.tech;
    double capex = t.capex;
    if (o.learningIndex >= 0 && t.learningShare != 0) {
        const double lf = b.lf[(static_cast<std::size_t>(o.learningIndex) * (H_ + 1) + d) * b.n + p];
        capex = t.capex * ((1.0 - t.learningShare) + t.learningShare * lf);
    }
    return capex;
}

double InvestmentInstrument::netCapex(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const {
    const double capex = capexAt(j, d, b, p);
    // an overrun is the owner's, less what a state guarantee pays of it
    const double paid = risky_ ? capex * optionAt(j).tech.risk.ownerMultiplier(b.overrun[j * b.n + p]) : capex;
    return paid - optionAt(j).tech.grant.amount(capex);
}

std::size_t InvestmentInstrument::clawbackPeriod(std::size_t j) const {
    const CapitalGrant& g = optionAt(j).tech.grant;
    if (g.clawbackYear == 0 || g.clawbackShare == 0 || g.clawbackYear < pr_.startYear) return H_;
    const auto k = static_cast<std::size_t>(periodsOf(g.clawbackYear - pr_.startYear));
    return k < H_ ? k : H_;
}

double InvestmentInstrument::clawback(std::size_t j, std::size_t d, std::size_t S, std::size_t E,
                                      const ProjectBlock& b, std::size_t p) const {
    const std::size_t k0 = clawbackPeriod(j);
    if (k0 >= H_) return 0.0;
    const std::size_t n = b.n;
    double emitted = 0;  // over the milestone year: the plant until S, then j until E
    for (std::size_t k = k0; k < std::min(k0 + P_, H_); ++k)
        emitted += k < S ? b.ebase[k * n + p] : (k < E ? b.etech[(j * H_ + k) * n + p] : 0.0);
    const CapitalGrant& g = optionAt(j).tech.grant;
    return emitted > g.clawbackMaxEmissions ? g.clawbackShare * g.amount(capexAt(j, d, b, p)) : 0.0;
}

double InvestmentInstrument::shortfall(std::size_t j, std::size_t d, std::size_t y, const ProjectBlock& b,
                                       std::size_t p) const {
    const TechnologyOption& o = optionAt(j);
    const std::vector<double>& a = o.tech.risk.rampUpAvailability;
    if (!ramp_[j] || y >= a.size()) return 0.0;
    double sf = (1.0 - a[y]) * b.rampX[j * b.n + p];
    if (o.tech.risk.rampUpLearns)  // the track record at the decision
        sf *= b.lf[(static_cast<std::size_t>(o.learningIndex) * (H_ + 1) + d) * b.n + p];
    return std::min(sf, 1.0);
}

double InvestmentInstrument::rampLoss(std::size_t j, std::size_t d, std::size_t S, std::size_t E, std::size_t ES,
                                      const ProjectBlock& b, std::size_t p) const {
    const std::size_t n = b.n, R = optionAt(j).tech.risk.rampUpAvailability.size() * P_;
    const std::size_t to = std::min({E, S + R, H_});
    double loss = 0;
    for (std::size_t k = S; k < to; ++k) {
        const double sf = shortfall(j, d, (k - S) / P_, b, p);
        if (sf == 0) continue;
        const std::size_t at = (j * H_ + k) * n + p;
        loss += pr_.discount[k] * sf * (b.rampCash[at] + (k < ES ? b.sde[at] : 0.0));
    }
    return loss;
}

double InvestmentInstrument::runningShortfall(const PathPlan& plan, Running r, std::size_t k, const ProjectBlock& b,
                                             std::size_t p) const {
    if (r == Running::Technology) return shortfall(plan.j, plan.d, (k - plan.s0) / P_, b, p);
    if (r == Running::Stage) return shortfall(plan.js, plan.dS, (k - plan.sS) / P_, b, p);
    return 0.0;
}

int InvestmentInstrument::operationStart(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const {
    const int c = periodsOf(optionAt(j).tech.constructionYears) + delayOf(j, b, p);
    return std::min(std::max(static_cast<int>(d) + c, b.opFrom[j * b.n + p]), static_cast<int>(H_));
}

void InvestmentInstrument::investValue(std::size_t j, std::size_t d, const ProjectBlock& b, double* out) const {
    const std::size_t n = b.n;
    const std::vector<double>& D = pr_.discount;
    const int subsidyYears = subsidyPeriods(j, d);
    const int Hi = static_cast<int>(H_);
    const double* pb = b.pb.data();
    const double* pt = b.pt.data() + j * (H_ + 1) * n;
    const double* ps = b.ps.data() + j * (H_ + 1) * n;
    const std::size_t kc = clawbackPeriod(j);
    const bool cap = capped(j);
    const bool decommissions = pr_.plant.decommissioningCost != 0;
    const bool beside = optionAt(j).tech.alongside;  // the plant runs on as it is: base to the end
    for (std::size_t p = 0; p < n; ++p) {
        const double net = netCapex(j, d, b, p);
        const int s0 = operationStart(j, d, b, p);
        const int e = std::min(s0 + lifeOf(j, s0), Hi), es = std::min(s0 + subsidyYears, Hi);
        const auto S = static_cast<std::size_t>(s0), E = static_cast<std::size_t>(e),
                   ES = static_cast<std::size_t>(es);
        double later = 0;  // a capped subsidy after the horizon (afterValue has an uncapped one)
        const double subsidy = cap ? budgetedSubsidy(j, d, b, p, &later) : ps[ES * n + p] - ps[S * n + p];
        const std::size_t plantTo = beside ? H_ : S;
        double running = pt[E * n + p] - pt[S * n + p];
        if (switching(j)) {  // under the switching rule, less the value after the horizon if it abandons
            Mode last = kRun;
            running = switchingValue(j, S, E, b, p, &last) - abandonedAfter(j, S, last, b, p);
        }
        out[p] = -D[d] * net + (pb[plantTo * n + p] - pb[d * n + p]) + running + subsidy + later;
        if (kc < H_) out[p] -= D[kc] * clawback(j, d, S, E, b, p);
        if (ramp_[j]) out[p] -= rampLoss(j, d, S, E, ES, b, p);
        if (decommissions) {
            const Decommissioning x = decommissioning(j, d, b, p);
            if (x.k < H_) out[p] += D[x.k] * x.amount;
            out[p] += x.after;
        }
    }
    if (afterHorizon())
        for (std::size_t p = 0; p < n; ++p) out[p] += afterValue(j, d, b, p, -1);
}

void InvestmentInstrument::stageValue(std::size_t st, std::size_t t, const ProjectBlock& b, double* out) const {
    const std::size_t j = J_ + st, a = pr_.stages[st].parent;
    const std::size_t n = b.n;
    const int Hi = static_cast<int>(H_);
    const double* ptS = b.pt.data() + j * (H_ + 1) * n;
    const double* ptA = b.pt.data() + a * (H_ + 1) * n;
    const double* psS = b.ps.data() + j * (H_ + 1) * n;
    const bool cap = capped(j);
    for (std::size_t p = 0; p < n; ++p) {
        const int s0 = operationStart(j, t, b, p);
        const auto S = static_cast<std::size_t>(s0),
                   E = static_cast<std::size_t>(std::min(s0 + lifeOf(j, s0), Hi)),
                   ES = static_cast<std::size_t>(std::min(s0 + subsidyPeriods(j, t), Hi));
        double later = 0;  // a capped subsidy after the horizon
        const double subsidy = cap ? budgetedSubsidy(j, t, b, p, &later) : psS[ES * n + p] - psS[S * n + p];
        out[p] = -pr_.discount[t] * netCapex(j, t, b, p) + (ptS[E * n + p] - ptS[S * n + p]) -
                 (ptA[E * n + p] - ptA[S * n + p]) + subsidy + later;
        if (ramp_[j]) out[p] -= rampLoss(j, t, S, E, ES, b, p);
    }
    if (afterHorizon())
        for (std::size_t p = 0; p < n; ++p) out[p] += afterValue(j, t, b, p, static_cast<int>(a));
}

void InvestmentInstrument::features(std::size_t d, const ProjectBlock& b, double* out, std::size_t stride) const {
    const std::size_t n = b.n;
    const double* st = b.hist.data() + d * vars_ * n;
    std::size_t f = 0;
    for (std::size_t v : contState_) std::copy_n(st + v * n, n, out + (f++) * stride);
    for (int c : contLearning_)
        std::copy_n(b.lf.data() + (static_cast<std::size_t>(c) * (H_ + 1) + d) * n, n, out + (f++) * stride);
    const double year = pr_.startYear + static_cast<double>(d) / static_cast<double>(P_);  // the date, in years
    for (std::size_t i = 0; i < NI_; ++i, ++f) {
        const double* a = b.arrival.data() + i * n;
        double* o = out + f * stride;
        for (std::size_t p = 0; p < n; ++p) o[p] = a[p] <= year ? 1.0 : 0.0;
    }
}

PathPlan InvestmentInstrument::plan(int action, int actionDate, int stageDate, const ProjectBlock& b,
                                    std::size_t p) const {
    PathPlan pl;
    pl.a = action;
    pl.d = static_cast<std::size_t>(actionDate);
    pl.J = J_;
    if (!pl.isTechnology()) return pl;
    pl.j = static_cast<std::size_t>(pl.a);
    pl.alongside = pr_.technologies[pl.j].tech.alongside;
    pl.s0 = static_cast<std::size_t>(operationStart(pl.j, pl.d, b, p));
    pl.e0 = std::min<std::size_t>(pl.s0 + static_cast<std::size_t>(lifeOf(pl.j, static_cast<long>(pl.s0))), H_);
    pl.es0 = std::min<std::size_t>(pl.s0 + static_cast<std::size_t>(subsidyPeriods(pl.j, pl.d)), H_);
    const int st = stageOf_[pl.j];
    if (st >= 0 && stageDate < static_cast<int>(H_)) {
        pl.js = J_ + static_cast<std::size_t>(st);
        pl.dS = static_cast<std::size_t>(stageDate);
        pl.sS = static_cast<std::size_t>(operationStart(pl.js, pl.dS, b, p));
        pl.eS = std::min<std::size_t>(pl.sS + static_cast<std::size_t>(lifeOf(pl.js, static_cast<long>(pl.sS))), H_);
        pl.esS = std::min<std::size_t>(pl.sS + static_cast<std::size_t>(subsidyPeriods(pl.js, pl.dS)), H_);
    }
    return pl;
}

double InvestmentInstrument::emissions(const PathPlan& plan, std::size_t k, const ProjectBlock& b,
                                       std::size_t p) const {
    const std::size_t n = b.n;
    auto of = [&](Running r) {
        switch (r) {
            case Running::Plant: return b.ebase[k * n + p];
            case Running::Technology:
            case Running::Stage: {
                const std::size_t j = r == Running::Stage ? plan.js : plan.j, at = (j * H_ + k) * n + p;
                if (switching(j)) return modeFlow(b.modeEm, j, modeAt(j, plan.s0, k, b, p), k, b, p);
                return b.etech[at] + (ramp_[j] ? runningShortfall(plan, r, k, b, p) * b.rampEm[at] : 0.0);
            }
            default: return 0.0;
        }
    };
    if (plan.alongside) return of(Running::Plant) + of(plan.beside(k));
    return of(plan.running(k));
}

double InvestmentInstrument::output(const PathPlan& plan, std::size_t k) const {
    const double q = pr_.plant.outputTPerYear / static_cast<double>(P_);  // per period
    auto outputOf = [&](std::size_t j) {
        const Technology& t = optionAt(j).tech;
        if (t.isMothball() || t.abandons) return 0.0;
        return q * (t.retrofit ? 1.0 : t.outputScale);
    };
    auto of = [&](Running r) {
        switch (r) {
            case Running::Plant: return k < plantEndPeriod() ? q : 0.0;
            case Running::Technology: return outputOf(plan.j);
            case Running::Stage: return outputOf(plan.js);
            default: return 0.0;
        }
    };
    if (plan.alongside) return of(Running::Plant) + of(plan.beside(k));
    return of(plan.running(k));
}

double InvestmentInstrument::output(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p) const {
    double o = output(plan, k);
    if ((!risky_ && !anyFlexible_) || !plan.isTechnology()) return o;
    const Running r = plan.alongside ? plan.beside(k) : plan.running(k);
    if (r != Running::Technology && r != Running::Stage) return o;
    const std::size_t j = r == Running::Stage ? plan.js : plan.j;
    const Technology& t = optionAt(j).tech;
    if (t.retrofit) return o;  // a retrofit's shortfall is in its capture (and it cannot idle)
    // an idle option makes nothing (beside the plant: the plant's output only); a ramp-up its shortfall less
    const double sf = standsStill(plan, j, k, b, p) ? 1.0 : runningShortfall(plan, r, k, b, p);
    return o - pr_.plant.outputTPerYear / static_cast<double>(P_) * t.outputScale * sf;
}

double InvestmentInstrument::jobs(const PathPlan& plan, std::size_t k) const {
    const double plant = pr_.plant.jobs;
    auto jobsOf = [&](std::size_t j) {
        const Technology& t = optionAt(j).tech;
        if (t.abandons) return 0.0;
        if (t.jobs >= 0) return t.jobs;
        return plan.alongside ? plant * t.outputScale : plant;  // a pilot: the plant's jobs per tonne
    };
    auto of = [&](Running r) {
        switch (r) {
            case Running::Plant: return k < plantEndPeriod() ? plant : 0.0;
            case Running::Technology: return jobsOf(plan.j);
            case Running::Stage: return jobsOf(plan.js);
            default: return 0.0;
        }
    };
    if (plan.alongside) return of(Running::Plant) + of(plan.beside(k));
    return of(plan.running(k));
}

double InvestmentInstrument::jobs(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p) const {
    if (plan.isTechnology() && switching(plan.j) && plan.running(k) == Running::Technology &&
        modeAt(plan.j, plan.s0, k, b, p) == kAbandoned)
        return 0.0;  // no plant left (an option with switching costs is not beside the plant)
    return jobs(plan, k);
}

PeriodOutcome InvestmentInstrument::outcome(const PathPlan& plan, std::size_t k, const ProjectBlock& b,
                                            std::size_t p) const {
    const std::size_t n = b.n;
    double c = 0, i = 0;
    // the parent's subsidy runs its term whatever runs (investment_project.hpp: stages)
    auto subsidy = [&](std::size_t j, std::size_t d, std::size_t s0, std::size_t es) {
        return subsidyIn(j, d, s0, es, k, b, p);
    };
    const double sdeJ = plan.isTechnology() ? subsidy(plan.j, plan.d, plan.s0, plan.es0) : 0.0;
    // the ramp-up's shortfall of the cash flow and own subsidy of option j decided at d, from s0
    auto ramped = [&](Running r, std::size_t j, double ownSubsidy) {
        if (!ramp_[j]) return 0.0;
        return runningShortfall(plan, r, k, b, p) * (b.rampCash[(j * H_ + k) * n + p] + ownSubsidy);
    };
    auto flowOf = [&](Running r) {
        switch (r) {
            case Running::Plant: return b.base[k * n + p];
            case Running::Technology:
                if (switching(plan.j)) return switchingFlow(plan, k, b, p);
                return b.tech[(plan.j * H_ + k) * n + p] + sdeJ - ramped(r, plan.j, sdeJ);
            case Running::Stage: {
                const double own = subsidy(plan.js, plan.dS, plan.sS, plan.esS);
                return b.tech[(plan.js * H_ + k) * n + p] + own + sdeJ - ramped(r, plan.js, own);
            }
            default:
                return plan.exited() && k == plan.d ? closeValue_[plan.d] / pr_.discount[plan.d] : 0.0;
        }
    };
    // beside the plant: the plant as it is, plus the pilot (or its stage) while it runs
    c = plan.alongside ? flowOf(Running::Plant) + (plan.beside(k) == Running::Nothing ? 0.0 : flowOf(plan.beside(k)))
                       : flowOf(plan.running(k));
    // after the horizon (booked in the last period; the plant's own is in base already)
    if (afterHorizon() && k + 1 == H_ && plan.isTechnology()) {
        double v = afterValue(plan.j, plan.d, b, p, -1);
        if (capped(plan.j)) (void)budgetedSubsidy(plan.j, plan.d, b, p, &v);
        if (switching(plan.j) && plan.s0 < H_) v -= abandonedAfter(plan.j, plan.s0, modeAt(plan.j, plan.s0, H_ - 1, b, p), b, p);
        if (plan.hasStage()) {
            v += afterValue(plan.js, plan.dS, b, p, static_cast<int>(plan.j));
            if (capped(plan.js)) (void)budgetedSubsidy(plan.js, plan.dS, b, p, &v);
        }
        c += v / pr_.discount[k];
    }
    if (plan.isTechnology() && pr_.plant.decommissioningCost != 0) {
        const Decommissioning x = decommissioning(plan.j, plan.d, b, p);
        if (k == x.k) c += x.amount;
        if (k + 1 == H_) c += x.after / pr_.discount[k];
    }
    if (plan.isTechnology() && k == plan.d) i += netCapex(plan.j, plan.d, b, p);
    if (plan.isTechnology() && k == clawbackPeriod(plan.j)) i += clawback(plan.j, plan.d, plan.s0, plan.e0, b, p);
    if (plan.hasStage() && k == plan.dS) i += netCapex(plan.js, plan.dS, b, p);
    PeriodOutcome r;
    r.cashFlow = c;
    r.investment = i;
    r.emissions = emissions(plan, k, b, p);
    r.output = output(plan, k, b, p);
    sharedParts(plan, k, b, p, r);
    return r;
}

double InvestmentInstrument::guaranteePaid(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const {
    if (!risky_) return 0.0;
    const TechnologyRisk& r = optionAt(j).tech.risk;
    return r.overrunStateShare == 0 ? 0.0
                                    : capexAt(j, d, b, p) * r.overrunStateShare * std::max(b.overrun[j * b.n + p] - 1.0, 0.0);
}

void InvestmentInstrument::sharedParts(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p,
                                       PeriodOutcome& r) const {
    if (!plan.isTechnology()) return;
    // while the option (or its stage) runs: its subsidy less the ramp-up's shortfall of it (as in
    // outcome's cash flow), the parent's subsidy beside a stage, and the insurance of its incidents
    const Running run = plan.alongside ? plan.beside(k) : plan.running(k);
    if (run == Running::Technology || run == Running::Stage) {
        const bool stage = run == Running::Stage;
        const std::size_t j = stage ? plan.js : plan.j;
        const double parent = subsidyIn(plan.j, plan.d, plan.s0, plan.es0, k, b, p);
        const double own = stage ? subsidyIn(plan.js, plan.dS, plan.sS, plan.esS, k, b, p) : parent;
        const double sf = ramp_[j] ? runningShortfall(plan, run, k, b, p) : 0.0;
        r.subsidy = (stage ? parent : 0.0) + own * (1.0 - sf);
        if (risky_ && incidents_[j]) {
            const bool gone = switching(j) && modeAt(j, plan.s0, k, b, p) == kAbandoned;  // nothing left to insure
            r.premium = gone ? 0.0 : optionAt(j).tech.risk.premium() / static_cast<double>(P_);
            r.insured = b.claims.empty() || standsStill(plan, j, k, b, p) ? 0.0 : b.claims[(j * H_ + k) * b.n + p];  // idle: none
        }
    }
    // after the horizon (booked in the last period, as outcome books the value after it)
    auto later = [&](std::size_t j, std::size_t d) {
        const long s = startAfter(j, d, b, p);
        if (!optionAt(j).tech.sde || s < 0) return 0.0;
        double v = 0;
        if (capped(j)) (void)budgetedSubsidy(j, d, b, p, &v);
        else v = subsidyAfter(j, d, b, p, static_cast<std::size_t>(s));
        return v;
    };
    if (afterHorizon() && k + 1 == H_)
        r.subsidy += (later(plan.j, plan.d) + (plan.hasStage() ? later(plan.js, plan.dS) : 0.0)) / pr_.discount[k];
    // at the decisions: the guarantee's share of the overrun and the grant; a claw-back repaid
    auto decided = [&](std::size_t j, std::size_t d) {
        r.guarantee += guaranteePaid(j, d, b, p);
        r.grant += optionAt(j).tech.grant.amount(capexAt(j, d, b, p));
    };
    if (k == plan.d) decided(plan.j, plan.d);
    if (plan.hasStage() && k == plan.dS) decided(plan.js, plan.dS);
    if (k == clawbackPeriod(plan.j)) r.grant -= clawback(plan.j, plan.d, plan.s0, plan.e0, b, p);
}

}  // namespace kp
