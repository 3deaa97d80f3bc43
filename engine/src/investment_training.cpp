// Training of kp::InvestmentLsm: the training paths and the backward induction that fits the rule
// (investment_lsm.hpp has the method; investment_work.hpp the glossary).
#include <algorithm>
#include <cmath>
#include <limits>

#include "investment_work.hpp"

namespace kp::detail {

namespace {

/// Today's trigger. At the first date every training path has today's prices, so the rule there
/// compares means (as it should: the valuation starts from today's prices) and says nothing about
/// the CO2 price at which investing now would pay. A second, smaller training set (a third of the
/// rule's paths, after them on the training stream) therefore starts from the CO2 spot times
/// exp(kCo2Spread z), z one normal a path (x0.31 to x3.2 over its 1-99% range), and is trained on
/// its own, backwards from the horizon like the rule; its first date's fit, a regression of the
/// value of waiting and of investing now on the starting CO2 price, is InvestmentRule::firstDate,
/// from which the first date's trigger is read. The rule itself, and so every value, is untouched.
/// Measured against the exact oracle (oracle_agreement_test, docs/valuation.md "Trigger"). Tried
/// and dropped: spreading a third of the rule's own paths (every date's trigger within budget, but
/// the exact answer of the deterministic limit lost and a non-linear case's later triggers biased
/// when half the paths were spread); the spread paths decided by the rule fitted on unspread paths
/// (-8% on three technologies: the rule extrapolates); the rule priced from spread starts and its
/// values regressed (3.5-10% low).
constexpr double kCo2Spread = 0.5;

/// The backward induction over one set of training paths. Storage (TrainingStore): X features
/// [d][f][p]; I the value of investing I_j(d) [d][j][p] (a parent's includes its stage rule's value);
/// Bd the discounted carry-on cash flow D_d base[d] [d][p]; W the realised value of the rule from
/// the current date on [p]; Xs a stage's value now [d][s][p]; Rs the stage rule's realised value
/// from t on [s][t][p]; Xa the current date's selected features [f][p].
class Trainer {
public:
    /// Trains on nT paths of the training stream from path firstPath, their CO2 start spread by
    /// co2Spread (see kCo2Spread; 0: today's price).
    /// Relined state (c.relined): relinedW [d][p] is the relined rule's realised value from d on,
    /// on the same paths, and the reline's target is -D_d capex + relinedW. keepW (may be null):
    /// receives this rule's realised value from each date on, [d][p] (the relined rule's, for the
    /// project's rule).
    Trainer(const InvestmentContext& c, TrainingStore& st, RegressionWorkspace& rw, std::size_t nT,
            std::uint64_t firstPath = 0, double co2Spread = 0, const double* relinedW = nullptr,
            double* keepW = nullptr)
        : c_(c), in_(c.in), st_(st), rw_(rw), H_(in_.periods()), J_(in_.technologies()), NS_(in_.stages()),
          F_(in_.features()), NC_(in_.continuousFeatures()), nT_(nT), nbT_(blocksOf(nT_)), firstPath_(firstPath),
          co2Spread_(co2Spread), relinedW_(relinedW), keepW_(keepW) {
        for (std::size_t j = 0; j < J_; ++j) anyAlongside_ |= in_.isAlongside(j);
    }

    InvestmentRule run() {
        InvestmentRule out;
        out.periods = H_, out.periodsPerYear = in_.periodsPerYear(), out.technologies = J_, out.stages = NS_,
        out.features = F_, out.continuousFeatures = NC_;
        out.decisions.dates.assign(H_, DateRule{});
        out.decisions.trainingPaths = nT_;
        out.active.assign(H_, 0);
        out.featureMean.assign(H_, {});
        out.trigger.assign(H_, TriggerRange{});
        const std::size_t householder0 = rw_.householderFits, rankDeficient0 = rw_.rankDeficientFits;
        simulate();
        for (std::size_t dd = H_; dd-- > 0;) {
            fitDate(dd, out);
            if (keepW_) std::copy_n(st_.W.data(), nT_, keepW_ + dd * nT_);
        }
        out.decisions.householderFits = rw_.householderFits - householder0;
        out.decisions.rankDeficientFits = rw_.rankDeficientFits - rankDeficient0;
        return out;
    }

private:
    // ---- the training paths: features, I_j(d), D_d base[d], stage values, first operating periods
    void simulate() {
        const std::size_t nT = nT_, H = H_, J = J_, NS = NS_, F = F_;
        st_.X.resize(H * std::max<std::size_t>(F, 1) * nT);
        st_.I.resize(H * std::max<std::size_t>(J, 1) * nT);
        st_.Bd.resize(H * nT);
        st_.W.assign(nT, 0.0);
        st_.ones.assign(nT, 1.0);
        st_.Xa.resize(std::max<std::size_t>(F, 1) * nT);
        st_.Xs.resize(H * NS * nT);
        st_.Rs.assign(NS * (H + 1) * nT, 0.0);  // R(H) = 0
        st_.opT.resize(J * nT);
        st_.blockSums.resize(nbT_ * 4 * std::max<std::size_t>(F, 1));
        const PathSimulator sim(*c_.problem.factors, in_.times(), c_.s.seed, Stream::Training, c_.s.antithetic);
        forEachBlock(c_.arena, nT, [&](std::size_t, std::size_t first, std::size_t n) {
            InvestmentWork& w = c_.tls.local();
            w.reserve(in_, n, c_.maxColumns, false);
            simulateBlock(c_, sim, Stream::Training, firstPath_ + first, n, w, false, false, co2Spread_);
            if (c_.switching) applySwitching(c_, *c_.switching, w);
            const ProjectBlock& b = w.block;
            for (std::size_t d = 0; d < H; ++d) {
                in_.features(d, b, st_.X.data() + d * F * nT + first, nT);
                for (std::size_t j = 0; j < J; ++j) in_.investValue(j, d, b, st_.I.data() + (d * J + j) * nT + first);
                if (relinedW_) {  // relining at d, then the relined rule from d on
                    const std::size_t r = c_.relined->reline;
                    double* Ir = st_.I.data() + (d * J + r) * nT + first;
                    const double* Wr = relinedW_ + d * nT + first;
                    for (std::size_t p = 0; p < n; ++p) Ir[p] = -in_.discount(d) * in_.netCapex(r, d, b, p) + Wr[p];
                }
                const double* base = in_.carryOn(d, b);
                for (std::size_t p = 0; p < n; ++p) st_.Bd[d * nT + first + p] = in_.discount(d) * base[p];
                for (std::size_t st = 0; st < NS; ++st) in_.stageValue(st, d, b, st_.Xs.data() + (d * NS + st) * nT + first);
            }
            for (std::size_t j = 0; j < J; ++j) std::copy_n(b.opFrom.data() + j * n, n, st_.opT.data() + j * nT + first);
        });
    }

    // ---- one date, backwards: design, stage rules, fits, the decision and W ----------------------
    void fitDate(std::size_t dd, InvestmentRule& out) {
        DateRule& rule = out.decisions.dates[dd];
        rule.beta.assign(1 + J_ + 2 * NS_ + (anyAlongside_ ? J_ : 0), Eigen::VectorXd());
        bool anyTech = false;
        for (std::size_t j = 0; j < J_; ++j) anyTech |= in_.allowed(j, dd);
        const bool active = anyTech || !std::isnan(in_.closeValue(dd));
        out.active[dd] = active;
        bool resized = false;
        design(dd, rule.design, out.featureMean[dd], out.trigger[dd], resized);
        out.decisions.resizedDates += resized;
        const bool tooFew = nT_ < 2 * rule.design.columns();
        bool fitted = false;
        fitStages(dd, out, rule, tooFew, fitted);
        if (active) {
            const bool last = dd + 1 == H_;
            std::vector<const double*> ys;
            if (!last) ys.push_back(st_.W.data());
            for (std::size_t j = 0; j < J_; ++j)
                if (in_.allowed(j, dd) && !markStranded(dd, j)) ys.push_back(st_.I.data() + (dd * J_ + j) * nT_);
            const std::vector<Eigen::VectorXd> betas = fitAll(rule.design, ys, tooFew);
            fitted |= !ys.empty();
            std::size_t at = 0;
            if (!last) rule.beta[InvestmentRule::wait()] = betas[at++];
            for (std::size_t j = 0; j < J_; ++j) {
                if (!in_.allowed(j, dd)) continue;
                if (strandedAt_[j]) rule.beta[InvestmentRule::technology(j)] = fitWhereRuns(rule.design, j, dd, fitted);
                else rule.beta[InvestmentRule::technology(j)] = betas[at++];
            }
            fitOwnParts(dd, rule, tooFew);
        }
        if (tooFew && fitted) {
            rule.fallback = true;
            ++out.decisions.fallbackDates;
        }
        decideAndUpdate(dd, rule, active);
    }

    // technology j at dd: marks its stranded training paths (strandedPaths) into stranded_[j] and
    // returns whether it has any
    bool markStranded(std::size_t dd, std::size_t j) {
        strandedAt_.resize(J_, 0);
        stranded_.resize(J_ * nT_);
        char* m = stranded_.data() + j * nT_;
        const bool gone = strandedPaths(c_, j, dd, st_.X.data() + dd * F_ * nT_, nT_, nT_, m);
        strandedAt_[j] = gone && std::find(m, m + nT_, char{1}) != m + nT_;
        return strandedAt_[j] != 0;
    }

    // the value of investing in j at dd fitted on the paths where j can still run: on the others the
    // rule never invests in it (strandedPaths), so their values, the plant's flows without an exit,
    // would only bend the fit where it is used; too few such paths: their mean; none: not fitted
    Eigen::VectorXd fitWhereRuns(const DateDesign& dg, std::size_t j, std::size_t dd, bool& fitted) {
        const std::size_t nT = nT_;
        const char* m = stranded_.data() + j * nT;
        runs_.resize(nT);
        std::size_t count = 0;
        for (std::size_t p = 0; p < nT; ++p) count += (runs_[p] = m[p] ? 0.0 : 1.0) > 0;
        if (count == 0) return {};
        fitted = true;
        const double* y = st_.I.data() + (dd * J_ + j) * nT;
        if (count < 2 * dg.columns()) {
            Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(dg.columns()));
            double sumY = 0;
            for (std::size_t p = 0; p < nT; ++p) sumY += runs_[p] * y[p];
            beta(0) = sumY / static_cast<double>(count);  // the constant term is first
            return beta;
        }
        // the indicators of j's gone entries are 1 on every path it runs on (arrived): collinear with
        // the constant there, so they are left out of this fit (coefficient 0; the fitted values on
        // those paths are the same) instead of making it rank-deficient
        const std::size_t P = dg.columns(), pb = dg.basisColumns(), H = in_.periods();
        std::vector<char> keep(P, 1);
        for (std::size_t c = 0; c < dg.indicators.size(); ++c) {
            const std::size_t i = dg.indicators[c] - NC_;
            const auto& infra = in_.project().technologies[j].infrastructure;
            if (c_.gone[i * H + dd] && std::find(infra.begin(), infra.end(), i) != infra.end()) keep[pb + c] = 0;
        }
        const auto kept = static_cast<std::size_t>(std::count(keep.begin(), keep.end(), char{1}));
        if (kept == P) {
            const DesignFn fn = [&](const double* x, std::size_t fstride, std::size_t n, double* o) {
                dg.evaluate(x, fstride, n, o);
            };
            return fitLeastSquaresMany(P, fn, st_.Xa.data(), nT, nT, {y}, runs_.data(), c_.arena, rw_)[0];
        }
        const DesignFn fn = [&](const double* x, std::size_t fstride, std::size_t n, double* o) {
            thread_local std::vector<double> full;
            if (full.size() < P * n) full.resize(P * n);
            dg.evaluate(x, fstride, n, full.data());
            for (std::size_t c = 0, k = 0; c < P; ++c)
                if (keep[c]) std::copy_n(full.data() + c * n, n, o + (k++) * n);
        };
        const Eigen::VectorXd b = fitLeastSquaresMany(kept, fn, st_.Xa.data(), nT, nT, {y}, runs_.data(), c_.arena, rw_)[0];
        Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(P));
        for (std::size_t c = 0, k = 0; c < P; ++c)
            if (keep[c]) beta(static_cast<Eigen::Index>(c)) = b(static_cast<Eigen::Index>(k++));
        return beta;
    }

    // feature means, deviations and ranges (per block, combined in block order), the features that
    // vary at dd (max > min over the training paths: a one-pass variance of a constant feature is
    // rounding noise, not variation), the design, the CO2 range and the carry-on line of the trigger,
    // and the date's features Xa
    void design(std::size_t dd, DateDesign& dg, std::vector<double>& featMean, TriggerRange& tr, bool& resized) {
        const std::size_t nT = nT_, F = F_;
        const double* Xd = st_.X.data() + dd * F * nT;
        double* blockSums = st_.blockSums.data();  // [b][f]: sum, sum of squares, min, max
        forEachBlock(c_.arena, nT, [&](std::size_t b, std::size_t first, std::size_t n) {
            for (std::size_t f = 0; f < F; ++f) {
                const double* x = Xd + f * nT + first;
                double* o = blockSums + (b * F + f) * 4;
                o[0] = sum(x, n);
                o[1] = dot(x, x, n);
                o[2] = *std::min_element(x, x + n);
                o[3] = *std::max_element(x, x + n);
            }
        });
        featMean.assign(F, 0.0);
        std::vector<double> sd(F, 0.0);
        std::vector<bool> laguerre;
        for (std::size_t f = 0; f < F; ++f) {
            double s1 = 0, s2 = 0, lo = blockSums[f * 4 + 2], hi = blockSums[f * 4 + 3];
            for (std::size_t b = 0; b < nbT_; ++b) {
                const double* o = blockSums + (b * F + f) * 4;
                s1 += o[0], s2 += o[1], lo = std::min(lo, o[2]), hi = std::max(hi, o[3]);
            }
            const double m = s1 / static_cast<double>(nT);
            featMean[f] = m;
            sd[f] = std::sqrt(std::max(s2 / static_cast<double>(nT) - m * m, 0.0));
            if (!(hi > lo) || !(sd[f] > 0)) continue;
            if (f < NC_) {
                dg.continuous.push_back(f);
                // weighted Laguerre functions where the feature spreads widely relative to its level
                laguerre.push_back(m > 0 && sd[f] >= kLaguerreSpread * m);
            } else {
                dg.indicators.push_back(f);
            }
        }
        if (in_.co2IsFeature() && J_ > 0) tr = triggerRange(dd, Xd);
        const std::size_t nc = dg.continuous.size(), ni = dg.indicators.size();
        if (nc > 0) {  // lowered degrees are counted: DecisionRule::resizedDates
            std::vector<double> m(nc), sdv(nc);
            for (std::size_t i = 0; i < nc; ++i) m[i] = featMean[dg.continuous[i]], sdv[i] = sd[dg.continuous[i]];
            resized = chooseBasis(c_.s, nT, m, sdv, laguerre, dg);
        }
        for (std::size_t i = 0; i < nc; ++i) std::copy_n(Xd + dg.continuous[i] * nT, nT, st_.Xa.data() + i * nT);
        for (std::size_t i = 0; i < ni; ++i) std::copy_n(Xd + dg.indicators[i] * nT, nT, st_.Xa.data() + (nc + i) * nT);
    }

    // the trigger's search range (1st to 99th percentile of CO2) and the least-squares line of
    // D_d base[d] in the CO2 price over the training paths (the cash flow is linear in the EUA price
    // at fixed other prices, up to the levy's kink)
    TriggerRange triggerRange(std::size_t dd, const double* Xd) const {
        const std::size_t nT = nT_;
        TriggerRange tr;
        std::vector<double> c(Xd, Xd + nT);
        const auto q = [&](double u) {
            const auto k = static_cast<std::ptrdiff_t>(u * static_cast<double>(nT - 1));
            std::nth_element(c.begin(), c.begin() + k, c.end());
            return c[static_cast<std::size_t>(k)];
        };
        tr.co2Lo = q(0.01);
        tr.co2Hi = q(0.99);
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (std::size_t p = 0; p < nT; ++p) {
            const double xc = Xd[p], yc = st_.Bd[dd * nT + p];
            sx += xc, sy += yc, sxx += xc * xc, sxy += xc * yc;
        }
        const double nn = static_cast<double>(nT);
        const double varx = sxx / nn - (sx / nn) * (sx / nn);
        tr.slope = varx > 0 ? (sxy / nn - (sx / nn) * (sy / nn)) / varx : 0.0;
        tr.intercept = sy / nn - tr.slope * sx / nn;
        return tr;
    }

    // the regressions of one date share their design: fitted together, one pair of passes over the
    // training paths serves them all; with fewer paths than twice the design, each target's mean
    // (the constant term is first)
    std::vector<Eigen::VectorXd> fitAll(const DateDesign& dg, const std::vector<const double*>& ys, bool tooFew) {
        const std::size_t P = dg.columns(), nT = nT_;
        if (!tooFew) {
            const DesignFn fn = [&](const double* x, std::size_t fstride, std::size_t n, double* o) {
                dg.evaluate(x, fstride, n, o);
            };
            return fitLeastSquaresMany(P, fn, st_.Xa.data(), nT, nT, ys, st_.ones.data(), c_.arena, rw_);
        }
        std::vector<Eigen::VectorXd> betas;
        for (const double* y : ys) {
            Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(P));
            double m = 0;
            for (std::size_t p = 0; p < nT; ++p) m += y[p];
            beta(0) = m / static_cast<double>(nT);
            betas.push_back(std::move(beta));
        }
        return betas;
    }

    // the design of date dd on training paths [first, first + n), evaluated once for its targets
    BlockEstimator estimator(const DateDesign& dg, std::size_t first, std::size_t n, InvestmentWork& w) const {
        return BlockEstimator(dg, st_.Xa.data() + first, nT_, n, w.phi.data());
    }

    template <class Body>
    void overTrainingBlocks(Body&& body) {
        forEachBlock(c_.arena, nT_, [&](std::size_t, std::size_t first, std::size_t n) {
            InvestmentWork& w = c_.tls.local();
            w.reserve(in_, n, c_.maxColumns, false);
            body(first, n, w);
        });
    }

    // stages: the stage rule at dd (decide now if its value beats the rule's from dd + 1), then each
    // parent's I(dd) gains the stage rule's realised value from the parent's first operating period
    void fitStages(std::size_t dd, const InvestmentRule& out, DateRule& rule, bool tooFew, bool& fitted) {
        const std::size_t nT = nT_, H = H_, NS = NS_, J = J_;
        std::vector<const double*> ys;
        for (std::size_t st = 0; st < NS; ++st) {
            if (!in_.allowed(J + st, dd)) continue;
            ys.push_back(st_.Xs.data() + (dd * NS + st) * nT);           // exercise value
            ys.push_back(st_.Rs.data() + (st * (H + 1) + dd + 1) * nT);  // continuation
        }
        const std::vector<Eigen::VectorXd> betas = fitAll(rule.design, ys, tooFew);
        fitted |= !ys.empty();
        std::size_t at = 0;
        for (std::size_t st = 0; st < NS; ++st) {
            if (!in_.allowed(J + st, dd)) continue;
            rule.beta[out.stageExercise(st)] = betas[at++];
            rule.beta[out.stageContinue(st)] = betas[at++];
        }
        for (std::size_t st = 0; st < NS; ++st) {
            double* Rt = st_.Rs.data() + (st * (H + 1) + dd) * nT;
            const double* Rn = Rt + nT;
            const double* Xv = st_.Xs.data() + (dd * NS + st) * nT;
            if (!in_.allowed(J + st, dd)) {
                std::copy_n(Rn, nT, Rt);
                continue;
            }
            const Eigen::VectorXd& ex = rule.beta[out.stageExercise(st)];
            const Eigen::VectorXd& co = rule.beta[out.stageContinue(st)];
            overTrainingBlocks([&](std::size_t first, std::size_t n, InvestmentWork& w) {
                BlockEstimator e = estimator(rule.design, first, n, w);
                e.estimate(ex, w.est.data());
                e.estimate(co, w.best.data());
                for (std::size_t p = 0; p < n; ++p) Rt[first + p] = w.est[p] > w.best[p] ? Xv[first + p] : Rn[first + p];
            });
        }
        for (std::size_t st = 0; st < NS; ++st) {
            const std::size_t a = in_.stageParent(st);
            const int c = in_.project().technologies[a].tech.constructionYears * static_cast<int>(in_.periodsPerYear());
            double* Ia = st_.I.data() + (dd * J + a) * nT;
            const double* R0 = st_.Rs.data() + st * (H + 1) * nT;
            const int* of = st_.opT.data() + a * nT;
            for (std::size_t p = 0; p < nT; ++p) {
                const auto sA = static_cast<std::size_t>(std::min(std::max(static_cast<int>(dd) + c, of[p]), static_cast<int>(H)));
                Ia[p] += R0[sA * nT + p];
            }
        }
    }

    // a technology beside the plant: its own part, I_j(dd) minus never investing from dd (the
    // discounted carry-on flows from dd to the end, summed backwards as the dates are fitted)
    void fitOwnParts(std::size_t dd, DateRule& rule, bool tooFew) {
        if (!anyAlongside_) return;
        const std::size_t nT = nT_, J = J_;
        if (tail_.size() != nT) tail_.assign(nT, 0.0), tailFrom_ = H_;
        for (; tailFrom_ > dd; --tailFrom_)
            for (std::size_t p = 0; p < nT; ++p) tail_[p] += st_.Bd[(tailFrom_ - 1) * nT + p];
        ownY_.resize(J * nT);
        std::vector<const double*> ys;
        for (std::size_t j = 0; j < J; ++j) {
            if (!in_.allowed(j, dd) || !in_.isAlongside(j)) continue;
            const double* Ij = st_.I.data() + (dd * J + j) * nT;
            double* y = ownY_.data() + j * nT;
            for (std::size_t p = 0; p < nT; ++p) y[p] = Ij[p] - tail_[p];
            ys.push_back(y);
        }
        const std::vector<Eigen::VectorXd> betas = fitAll(rule.design, ys, tooFew);
        std::size_t at = 0;
        for (std::size_t j = 0; j < J; ++j)
            if (in_.allowed(j, dd) && in_.isAlongside(j)) rule.beta[ownPart(j)] = betas[at++];
    }

    // the rule's decision on the training paths at dd, and W updated with its realised value
    void decideAndUpdate(std::size_t dd, const DateRule& rule, bool active) {
        const std::size_t nT = nT_, J = J_;
        const bool last = dd + 1 == H_;
        const double close = in_.closeValue(dd);
        overTrainingBlocks([&](std::size_t first, std::size_t n, InvestmentWork& w) {
            const double* bd = st_.Bd.data() + dd * nT + first;
            double* wv = st_.W.data() + first;
            if (!active) {
                for (std::size_t p = 0; p < n; ++p) wv[p] += bd[p];
                return;
            }
            double* best = w.best.data();
            double* val = w.tmp.data();  // realised value of the chosen action
            BlockEstimator e = estimator(rule.design, first, n, w);
            if (last) std::fill_n(best, n, 0.0);
            else e.estimate(rule.beta[InvestmentRule::wait()], best);
            for (std::size_t p = 0; p < n; ++p) {
                best[p] += bd[p];
                val[p] = bd[p] + wv[p];
            }
            for (std::size_t j = 0; j < J; ++j) {
                const Eigen::VectorXd& beta = rule.beta[InvestmentRule::technology(j)];
                if (beta.size() == 0) continue;
                e.estimate(beta, w.est.data());
                if (j < strandedAt_.size() && strandedAt_[j]) {
                    const char* m = stranded_.data() + j * nT + first;
                    for (std::size_t p = 0; p < n; ++p)
                        if (m[p]) w.est[p] = -std::numeric_limits<double>::infinity();
                }
                const double* Ij = st_.I.data() + (dd * J + j) * nT + first;
                if (const std::size_t o = ownPart(j); o < rule.beta.size() && rule.beta[o].size() > 0) {
                    // beside the plant: only where its own part is estimated to pay (InvestmentRule::ownPart)
                    e.estimate(rule.beta[o], w.own.data());
                    for (std::size_t p = 0; p < n; ++p)
                        if (w.est[p] > best[p] && w.own[p] > 0) best[p] = w.est[p], val[p] = Ij[p];
                    continue;
                }
                for (std::size_t p = 0; p < n; ++p)
                    if (w.est[p] > best[p]) best[p] = w.est[p], val[p] = Ij[p];
            }
            if (!std::isnan(close))
                for (std::size_t p = 0; p < n; ++p)
                    if (close > best[p]) best[p] = close, val[p] = close;
            std::copy_n(val, n, wv);
        });
    }

    const InvestmentContext& c_;
    const InvestmentInstrument& in_;
    TrainingStore& st_;
    RegressionWorkspace& rw_;
    std::size_t H_, J_, NS_, F_, NC_, nT_, nbT_;
    std::uint64_t firstPath_;
    double co2Spread_;
    const double* relinedW_;
    double* keepW_;
    // technologies beside the plant (fitOwnParts): never investing from the date on, [p], summed
    // from the end down to tailFrom_; the own parts' regression targets [j][p]
    bool anyAlongside_ = false;
    std::vector<double> tail_, ownY_;
    std::size_t tailFrom_ = 0;
    // stranded technologies at the current date (markStranded): any path [j], the paths [j][p], and
    // the weights of a fit on the others
    std::vector<char> strandedAt_, stranded_;
    std::vector<double> runs_;
    std::size_t ownPart(std::size_t j) const { return 1 + J_ + 2 * NS_ + j; }  // InvestmentRule::ownPart
};

/// The rule on nT training paths from firstPath (co2Spread: see kCo2Spread); with a relined state,
/// the relined rule first, on the same paths, then the project's rule with the reline valued by it.
InvestmentRule trainOn(const InvestmentContext& c, TrainingStore& store, RegressionWorkspace& regression,
                       std::size_t nT, std::uint64_t firstPath, double co2Spread) {
    if (!c.relined) return Trainer(c, store, regression, nT, firstPath, co2Spread).run();
    if (!store.relined) store.relined = std::make_unique<TrainingStore>();
    store.Wr.resize(c.in.periods() * nT);
    const InvestmentContext rc{c.problem, c.relined->in, c.s, c.arena, c.tls, c.maxColumns, nullptr, c.relined->gone};
    InvestmentRule relined =
        Trainer(rc, *store.relined, regression, nT, firstPath, co2Spread, nullptr, store.Wr.data()).run();
    InvestmentRule rule = Trainer(c, store, regression, nT, firstPath, co2Spread, store.Wr.data()).run();
    rule.afterReline.push_back(std::move(relined));
    return rule;
}

}  // namespace

bool chooseBasis(const InvestmentSettings& s, std::size_t nT, const std::vector<double>& mean,
                 const std::vector<double>& sd, const std::vector<bool>& laguerre, DateDesign& dg) {
    const std::size_t nc = dg.continuous.size(), ni = dg.indicators.size();
    std::size_t spread = 0;
    for (bool b : laguerre) spread += b;
    auto columns = [&](int deg) { return Basis::sizeFor(s.basis, deg, nc, 0, spread); };
    int degree = s.degree;
    while (degree > 1 && (columns(degree) > Basis::kMaxSize || nT < kPathsPerColumn * (columns(degree) + ni))) --degree;
    dg.basis.emplace(s.basis, degree, nc, 0, s.basis == BasisType::Hybrid ? laguerre : std::vector<bool>{});
    dg.scaling = dg.basis->scaling(mean, sd);
    return degree != s.degree;
}

InvestmentRule trainRule(const InvestmentContext& call, TrainingStore& store, RegressionWorkspace& regression) {
    const std::size_t nT = trainingPathsOf(call.s);
    KP_REQUIRE(!call.in.anySwitching() || !call.relined, "InvestmentLsm: an option has switching costs and the plant a ",
               "relined state (decisions after a reline), but only one of them may be given");
    // switching costs: the operating modes' rule first, on the same training paths, applied to them
    SwitchingRule switching = trainSwitching(call, nT, regression);
    InvestmentContext c = call;
    c.switching = switching.empty() ? nullptr : &switching;
    InvestmentRule rule = trainOn(c, store, regression, nT, 0, 0);
    // today's trigger: the first date's fit of a smaller training set with spread CO2 starts
    const std::size_t nA = (nT / 3) & ~std::size_t{1};  // even: antithetic pairs
    if (c.in.co2IsFeature() && c.in.technologies() > 0 && nA > 0) {
        const std::size_t householder = regression.householderFits, rankDeficient = regression.rankDeficientFits;
        const InvestmentRule spread = trainOn(c, store, regression, nA, blocksOf(nT) * kBlock, kCo2Spread);
        regression.householderFits = householder, regression.rankDeficientFits = rankDeficient;  // not the rule's
        rule.firstDate = spread.decisions.dates[0];
        rule.firstRange = spread.trigger[0];
    }
    rule.switching = std::move(switching);
    return rule;
}

}  // namespace kp::detail
