// Pricing of kp::InvestmentLsm: a trained rule (or a fixed policy) on fresh paths, block by block
// (investment_lsm.hpp has the method; investment_work.hpp the glossary).
#include <algorithm>
#include <cmath>

#include "investment_work.hpp"

namespace kp::detail {

namespace {

class Pricer {
public:
    Pricer(const InvestmentContext& c, const std::vector<InvestmentRule>& rules, PricingObserver* observer,
           const std::vector<BesidePolicy>& beside)
        : c_(c), in_(c.in), rules_(rules), observer_(observer), H_(in_.periods()), J_(in_.technologies()),
          NS_(in_.stages()), HY_(in_.years()), Pz_(in_.periodsPerYear()), nP_(c.s.paths) {
        policy_ = policyOf(c.s.fixedPolicy);
        for (const BesidePolicy& b : beside) beside_.push_back({policyOf(b.policy), b.observer});
    }

    PricingSums run() {
        PricingSums s;
        s.blocks = blocksOf(nP_);
        s.NM = 3 + 2 * J_ + 7;
        s.mom.resize(s.blocks * s.NM);
        s.counts.assign(s.blocks * (J_ + 1) * H_, 0.0);
        s.stageCounts.assign(s.blocks * NS_ * H_, 0.0);
        s.relinedThen.assign(s.blocks * 2, 0.0);
        s.emisSum.assign(s.blocks * HY_, 0.0);
        s.emisMom.resize(s.blocks);
        s.prodSum.assign(s.blocks * HY_ * 4, 0.0);
        s.emis.resize(HY_ * nP_);
        s.carbon.resize(HY_ * nP_);
        const PathSimulator sim(*c_.problem.factors, in_.times(), c_.s.seed, Stream::Pricing, c_.s.antithetic);
        bool paths = observer_ && observer_->needsPaths();
        for (const Beside& o : beside_) paths |= o.observer->needsPaths();
        forEachBlock(c_.arena, nP_, [&](std::size_t b, std::size_t first, std::size_t n) {
            InvestmentWork& w = c_.tls.local();
            w.reserve(in_, n, c_.maxColumns, paths);
            w.rule = &rules_[ruleOfBlock(b, s.blocks, rules_.size())];
            simulateBlock(c_, sim, Stream::Pricing, first, n, w, true, paths);
            applySwitching(c_, w.rule->switching, w);
            double* V = w.inv.data() + J_ * n;  // realised value of the policy
            startPolicy(w, V);
            stagePass(in_, *w.rule, 0, w);
            InvestmentWork* wr = relinedBlock(w, first, n, paths);
            for (std::size_t d = 0; d < H_; ++d) decide(d, b, w, wr, V, &s, policy_);
            moments(b, w, wr, V, s);
            emissions(first, b, w, wr, s);
            if (observer_) {
                if (observer_->needsPaths()) observe(b, first, w, wr, V, *observer_);
                else observer_->onBlock(countsOnly(b, first, n));
            }
            // the fixed policies beside: the same block from the decisions on (the stage rule's
            // values, the relined rule's and I_j(0), B0 do not depend on the policy)
            for (const Beside& o : beside_) {
                startPolicy(w, V);
                for (std::size_t d = 0; d < H_; ++d) decide(d, b, w, wr, V, nullptr, o.policy);
                if (o.observer->needsPaths()) {
                    plans(w, wr);
                    observe(b, first, w, wr, V, *o.observer);
                } else {
                    o.observer->onBlock(countsOnly(b, first, n));
                }
            }
        });
        return s;
    }

private:
    // a fixed policy (choose) or the rule's
    struct Policy {
        bool fixed = false;
        int technology = -1;
        std::size_t date = 0;  // its decision date; H: never
    };
    struct Beside {
        Policy policy;
        PricingObserver* observer;
    };

    Policy policyOf(const std::optional<FixedPolicy>& fp) const {
        Policy p;
        p.fixed = fp.has_value();
        p.technology = p.fixed ? fp->technology : -1;
        p.date = p.technology >= 0
                     ? static_cast<std::size_t>((fp->year - in_.project().startYear) * static_cast<int>(Pz_))
                     : H_;
        return p;
    }

    // no path has acted yet: V = 0, no action, no stage, no reline
    void startPolicy(InvestmentWork& w, double* V) const {
        const std::size_t n = w.block.n;
        std::fill_n(V, n, 0.0);
        std::fill_n(w.act.data(), n, -1);
        std::fill_n(w.actDate.data(), n, static_cast<int>(H_));
        std::fill_n(w.stageAt.data(), n, static_cast<int>(H_));
        std::fill_n(w.relineAt.data(), n, static_cast<int>(H_));
    }

    // the relined state (c.relined): the same paths on the relined instrument, and the relined rule
    // applied backwards on them (w.Vr, w.ra, w.rd, w.rs on the returned work); null without one
    InvestmentWork* relinedBlock(InvestmentWork& w, std::size_t first, std::size_t n, bool paths) const {
        if (!c_.relined) return nullptr;
        const InvestmentInstrument& ri = c_.relined->in;
        InvestmentWork& wr = c_.relined->tls.local();
        wr.reserve(ri, n, c_.maxColumns, paths);
        const std::size_t vars = in_.stateVariables();
        std::copy_n(w.block.hist.data(), (H_ + 1) * vars * n, wr.block.hist.data());
        std::copy_n(w.block.arrival.data(), in_.infrastructure() * n, wr.block.arrival.data());
        ri.drawRisks(wr.block, c_.s.seed, Stream::Pricing, first, c_.s.antithetic, wr.normal);
        ri.evaluate(wr.block, false, false);
        const InvestmentContext rc{c_.problem, ri, c_.s, c_.arena, c_.relined->tls, c_.maxColumns, nullptr, c_.relined->gone};
        relinedPass(rc, w.rule->afterReline.front(), 0, wr);
        return &wr;
    }

    // the action the rule (or the fixed policy) chooses at d on every path, into w.choice
    // (-1 wait, j technology, J exit); false when the rule has nothing to choose at d
    bool choose(std::size_t d, InvestmentWork& w, const Policy& policy) const {
        if (policy.fixed) {
            const bool now = d == policy.date && in_.allowed(static_cast<std::size_t>(policy.technology), d);  // date H: never
            std::fill_n(w.choice.data(), w.block.n, now ? policy.technology : -1);
            return true;
        }
        return chooseByRule(c_, *w.rule, d, w);
    }

    // date d of the block: the paths that have not acted act on the choice; V gains what they realise;
    // counted in s (null: a policy beside, not counted)
    void decide(std::size_t d, std::size_t b, InvestmentWork& w, const InvestmentWork* wr, double* V, PricingSums* s,
                const Policy& policy) const {
        const std::size_t n = w.block.n, H = H_;
        const double* base = in_.carryOn(d, w.block);
        const double D = in_.discount(d);
        if (!choose(d, w, policy)) {
            for (std::size_t p = 0; p < n; ++p)
                if (w.act[p] < 0) V[p] += D * base[p];
            return;
        }
        double* cnt = s ? s->counts.data() + (b * (J_ + 1)) * H : nullptr;
        for (std::size_t p = 0; p < n; ++p) {
            if (w.act[p] >= 0) continue;
            const int a = w.choice[p];
            if (a < 0) {
                V[p] += D * base[p];
            } else {
                w.act[p] = a;
                w.actDate[p] = static_cast<int>(d);
                if (cnt) cnt[static_cast<std::size_t>(a) * H + d] += 1;
            }
        }
        // realised values of the paths that acted now
        const int di = static_cast<int>(d);
        for (std::size_t j = 0; j < J_; ++j) {
            const int ji = static_cast<int>(j);
            bool any = false;
            for (std::size_t p = 0; p < n; ++p) any |= w.act[p] == ji && w.actDate[p] == di;
            if (!any) continue;
            if (wr && j == c_.relined->reline) {
                relined(d, b, w, *wr, V, s);
                continue;
            }
            in_.investValue(j, d, w.block, w.est.data());
            const int st = in_.stageOf(j);
            for (std::size_t p = 0; p < n; ++p)
                if (w.act[p] == ji && w.actDate[p] == di) {
                    V[p] += w.est[p];
                    if (st < 0) continue;
                    const auto sA = static_cast<std::size_t>(in_.operationStart(j, d, w.block, p));
                    const std::size_t at = (static_cast<std::size_t>(st) * (H + 1) + sA) * n + p;
                    V[p] += w.R[at];
                    w.stageAt[p] = w.sdate[at];
                    if (s && w.sdate[at] < static_cast<int>(H))
                        s->stageCounts[(b * NS_ + static_cast<std::size_t>(st)) * H + static_cast<std::size_t>(w.sdate[at])] += 1;
                }
        }
        const int exit = static_cast<int>(J_);
        for (std::size_t p = 0; p < n; ++p)
            if (w.act[p] == exit && w.actDate[p] == di) V[p] += in_.closeValue(d);
    }

    // the paths that reline at d: the capex now and the relined rule's realised value from d on; the
    // later decision counted where it belongs (a technology's timing, closing, a stage's timing)
    void relined(std::size_t d, std::size_t b, InvestmentWork& w, const InvestmentWork& wr, double* V,
                 PricingSums* s) const {
        const std::size_t n = w.block.n, H = H_, r = c_.relined->reline;
        const RelinedProject& map = c_.relined->map;
        const int Jr = static_cast<int>(map.technology.size());
        const double D = in_.discount(d);
        for (std::size_t p = 0; p < n; ++p) {
            if (w.act[p] != static_cast<int>(r) || w.actDate[p] != static_cast<int>(d)) continue;
            const std::size_t at = d * n + p;
            V[p] += -D * in_.netCapex(r, d, w.block, p) + wr.Vr[at];
            w.relineAt[p] = static_cast<int>(d);
            const int a = wr.ra[at];
            if (a < 0 || !s) continue;
            const auto t = static_cast<std::size_t>(wr.rd[at]);
            const std::size_t into = a < Jr ? map.technology[static_cast<std::size_t>(a)] : J_;
            s->counts[(b * (J_ + 1) + into) * H + t] += 1;
            s->relinedThen[b * 2 + (a < Jr ? 0 : 1)] += 1;
            if (a < Jr && wr.rs[at] < static_cast<int>(H)) {
                const int st = c_.relined->in.stageOf(static_cast<std::size_t>(a));
                s->stageCounts[(b * NS_ + map.stage[static_cast<std::size_t>(st)]) * H + static_cast<std::size_t>(wr.rs[at])] += 1;
            }
        }
    }

    // after the reline at w.relineAt[p], what path p ends in: -1 nothing later, j' a relined
    // technology, J' closing
    int laterAction(const InvestmentWork& w, const InvestmentWork* wr, std::size_t p) const {
        if (!wr || w.relineAt[p] >= static_cast<int>(H_)) return -1;
        return wr->ra[static_cast<std::size_t>(w.relineAt[p]) * w.block.n + p];
    }

    // moments of V, B0, I_j(0) and the differences; I_j(0) into w.inv[j], B0 into w.best
    void moments(std::size_t b, InvestmentWork& w, const InvestmentWork* wr, const double* V, PricingSums& s) const {
        const std::size_t n = w.block.n, H = H_, J = J_;
        double* B0 = w.best.data();
        for (std::size_t p = 0; p < n; ++p) B0[p] = w.block.pb[H * n + p];
        for (std::size_t j = 0; j < J; ++j) {
            double* Ij = w.inv.data() + j * n;
            in_.investValue(j, 0, w.block, Ij);
            if (wr && j == c_.relined->reline)  // relining now, then the relined rule
                for (std::size_t p = 0; p < n; ++p) Ij[p] = -in_.discount(0) * in_.netCapex(j, 0, w.block, p) + wr->Vr[p];
            if (const int st = in_.stageOf(j); st >= 0)  // with the stage rule from the first operating period
                for (std::size_t p = 0; p < n; ++p)
                    Ij[p] += w.R[(static_cast<std::size_t>(st) * (H + 1) +
                                  static_cast<std::size_t>(in_.operationStart(j, 0, w.block, p))) * n + p];
        }
        const bool anti = c_.s.antithetic;
        Moments* m = s.mom.data() + b * s.NM;
        m[0] = pathMoments(0, n, anti, [&](std::size_t p) { return V[p]; });
        m[1] = pathMoments(0, n, anti, [&](std::size_t p) { return B0[p]; });
        m[2] = pathMoments(0, n, anti, [&](std::size_t p) { return V[p] - B0[p]; });
        for (std::size_t j = 0; j < J; ++j) {
            const double* Ij = w.inv.data() + j * n;
            m[3 + j] = pathMoments(0, n, anti, [&](std::size_t p) { return Ij[p]; });
            m[3 + J + j] = pathMoments(0, n, anti, [&](std::size_t p) { return V[p] - Ij[p]; });
        }
        // V on the paths of each outcome, indexed as Outcomes::shares(): invested, closed early, end
        // of life, running at the horizon, relined, piloted (a technology beside the plant), mothballed
        const bool endsInside = in_.plantEndPeriod() < H;
        const int exit = static_cast<int>(J);
        const int laterExit = c_.relined ? static_cast<int>(c_.relined->map.technology.size()) : -1;
        auto outcomeOf = [&](std::size_t p) {
            const int a = w.act[p];
            if (const int later = laterAction(w, wr, p); later >= 0) return later == laterExit ? 1 : 0;
            if (a >= 0 && a < exit) {
                const auto j = static_cast<std::size_t>(a);
                return in_.isReline(j) ? 4 : in_.isAlongside(j) ? 5 : in_.isMothball(j) ? 6 : 0;
            }
            return a == exit ? 1 : endsInside ? 2 : 3;
        };
        for (int o = 0; o < 7; ++o)
            m[3 + 2 * J + static_cast<std::size_t>(o)] =
                pathMoments(0, n, anti, [&](std::size_t p) { return outcomeOf(p) == o ? V[p] : 0.0; });
    }

    // emissions under the policy and carbon costs never investing, per calendar year and path
    // the instrument and block of path p: the relined ones on a path that relined (its plan there)
    bool onRelined(const InvestmentWork& w, const InvestmentWork* wr, std::size_t p) const {
        return wr && w.relineAt[p] < static_cast<int>(H_);
    }
    const InvestmentInstrument& instrumentOf(const InvestmentWork& w, const InvestmentWork* wr, std::size_t p) const {
        return onRelined(w, wr, p) ? c_.relined->in : in_;
    }
    const ProjectBlock& blockOf(const InvestmentWork& w, const InvestmentWork* wr, std::size_t p) const {
        return onRelined(w, wr, p) ? wr->block : w.block;
    }

    // each path's plan under the policy's actions, into w.plans
    void plans(InvestmentWork& w, const InvestmentWork* wr) const {
        const std::size_t n = w.block.n;
        for (std::size_t p = 0; p < n; ++p) {
            if (onRelined(w, wr, p)) {  // the relined plant from the start (its flows before the reline are the plant's)
                const std::size_t at = static_cast<std::size_t>(w.relineAt[p]) * n + p;
                w.plans[p] = c_.relined->in.plan(wr->ra[at], wr->rd[at], wr->rs[at], wr->block, p);
            } else {
                w.plans[p] = in_.plan(w.act[p], w.actDate[p], w.stageAt[p], w.block, p);
            }
        }
    }

    void emissions(std::size_t first, std::size_t b, InvestmentWork& w, const InvestmentWork* wr, PricingSums& s) const {
        const std::size_t n = w.block.n;
        plans(w, wr);
        double* total = w.tmp.data();  // [p]: the path's emissions over the horizon
        std::fill_n(total, n, 0.0);
        for (std::size_t k = 0; k < H_; ++k) {
            double sumE = 0;
            for (std::size_t p = 0; p < n; ++p) {
                const double e = instrumentOf(w, wr, p).emissions(w.plans[p], k, blockOf(w, wr, p), p);
                total[p] += e;
                // summed over the periods of the calendar year
                float& ey = s.emis[(k / Pz_) * nP_ + first + p];
                float& cy = s.carbon[(k / Pz_) * nP_ + first + p];
                const double cb = w.block.cbase[k * n + p];
                const bool firstPeriod = k % Pz_ == 0;
                ey = static_cast<float>(firstPeriod ? e : ey + e);
                cy = static_cast<float>(firstPeriod ? cb : cy + cb);
                sumE += e;
            }
            s.emisSum[b * HY_ + k / Pz_] += sumE;
        }
        s.emisMom[b] = pathMoments(0, n, c_.s.antithetic, [&](std::size_t p) { return total[p]; });
        // production, production lost against the plant's nameplate output, jobs, paths operating
        const double qRef = in_.project().plant.outputTPerYear / static_cast<double>(Pz_);
        for (std::size_t y = 0; y < HY_; ++y) {
            double out = 0, lost = 0, jobs = 0, operating = 0;
            for (std::size_t p = 0; p < n; ++p) {
                double oy = 0;
                for (std::size_t k = y * Pz_; k < (y + 1) * Pz_; ++k) {
                    const InvestmentInstrument& ip = instrumentOf(w, wr, p);
                    const double o = ip.output(w.plans[p], k, blockOf(w, wr, p), p);
                    oy += o;
                    lost += std::max(0.0, qRef - o);
                    jobs += ip.jobs(w.plans[p], k, blockOf(w, wr, p), p);
                }
                out += oy;
                operating += oy > 0 ? 1.0 : 0.0;
            }
            double* ps = s.prodSum.data() + (b * HY_ + y) * 4;
            ps[0] = out, ps[1] = lost, ps[2] = jobs / static_cast<double>(Pz_), ps[3] = operating;
        }
    }

    // the block as an observer that needs no per-path arrays sees it (a progress bar)
    PricingBlock countsOnly(std::size_t b, std::size_t first, std::size_t n) const {
        PricingBlock pb;
        pb.block = b, pb.first = first, pb.n = n, pb.years = H_, pb.periodsPerYear = Pz_, pb.technologies = J_;
        return pb;
    }

    // the block as `observer` sees it (w.plans filled by plans())
    void observe(std::size_t b, std::size_t first, InvestmentWork& w, const InvestmentWork* wr, const double* V,
                 PricingObserver& observer) const {
        const std::size_t n = w.block.n, H = H_;
        double* cf = w.obs.data();
        double* inv = cf + H * n;
        double* em = inv + H * n;
        double* out = em + H * n;
        double* shared[5] = {out + H * n, out + 2 * H * n, out + 3 * H * n, out + 4 * H * n, out + 5 * H * n};
        for (std::size_t p = 0; p < n; ++p) {
            const PathPlan& plan = w.plans[p];
            w.opStart[p] = static_cast<int>(plan.isTechnology() ? std::min(plan.s0, H) : H);
            for (std::size_t k = 0; k < H; ++k) {
                PeriodOutcome o = instrumentOf(w, wr, p).outcome(w.plans[p], k, blockOf(w, wr, p), p);
                if (onRelined(w, wr, p) && k == static_cast<std::size_t>(w.relineAt[p]))
                    o.investment += in_.netCapex(c_.relined->reline, k, w.block, p);
                cf[k * n + p] = o.cashFlow;
                inv[k * n + p] = o.investment;
                em[k * n + p] = o.emissions;
                out[k * n + p] = o.output;
                const double parts[5] = {o.subsidy, o.guarantee, o.grant, o.insured, o.premium};
                for (std::size_t i = 0; i < 5; ++i) shared[i][k * n + p] = parts[i];
            }
        }
        PricingBlock pb;
        pb.block = b, pb.first = first, pb.n = n, pb.years = H, pb.periodsPerYear = Pz_, pb.technologies = J_;
        pb.action = w.act.data(), pb.actionDate = w.actDate.data(), pb.stageDate = w.stageAt.data();
        if (wr) {  // a path that relined and then decided: that later decision (PricingBlock::action)
            int* act = w.ra.data();  // scratch of the project's work (its own Vr, ra, ... are unused)
            int* date = w.rd.data();
            int* stage = w.rs.data();
            const int Jr = static_cast<int>(c_.relined->map.technology.size());
            for (std::size_t p = 0; p < n; ++p) {
                act[p] = w.act[p], date[p] = w.actDate[p], stage[p] = w.stageAt[p];
                const int later = laterAction(w, wr, p);
                if (later < 0) continue;
                const std::size_t at = static_cast<std::size_t>(w.relineAt[p]) * n + p;
                act[p] = later < Jr ? static_cast<int>(c_.relined->map.technology[static_cast<std::size_t>(later)])
                                    : static_cast<int>(J_);
                date[p] = wr->rd[at], stage[p] = wr->rs[at];
            }
            pb.action = act, pb.actionDate = date, pb.stageDate = stage, pb.relineDate = w.relineAt.data();
        }
        pb.operationStart = w.opStart.data();
        pb.optionValue = V, pb.neverInvest = w.best.data(), pb.npvNow = w.inv.data();
        const double* pr = w.block.prices.data();
        pb.co2 = pr, pb.gas = pr + H * n, pb.power = pr + 2 * H * n, pb.hydrogen = pr + 3 * H * n,
        pb.product = pr + 4 * H * n;
        pb.cashFlow = cf, pb.investment = inv, pb.emissions = em, pb.output = out;
        pb.subsidy = shared[0], pb.guarantee = shared[1], pb.grant = shared[2], pb.insured = shared[3],
        pb.premium = shared[4];
        observer.onBlock(pb);
    }

    const InvestmentContext& c_;
    const InvestmentInstrument& in_;
    const std::vector<InvestmentRule>& rules_;
    PricingObserver* observer_;
    std::size_t H_, J_, NS_, HY_, Pz_, nP_;
    Policy policy_;
    std::vector<Beside> beside_;
};

}  // namespace

PricingSums pricePaths(const InvestmentContext& c, const std::vector<InvestmentRule>& rules, PricingObserver* observer,
                       const std::vector<BesidePolicy>& beside) {
    return Pricer(c, rules, observer, beside).run();
}

}  // namespace kp::detail
