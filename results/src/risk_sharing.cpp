#include "kp/results/risk_sharing.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>

#include "kp/cases/case_problem.hpp"
#include "kp/core/errors.hpp"
#include "kp/results/csv_table.hpp"
#include "kp/results/json.hpp"

namespace kp::results {

SharedPayments::SharedPayments(std::size_t paths, const InvestmentProblem& problem, PricingObserver* next)
    : paths_(paths), discount_(problem.project.discount), next_(next), parts_(kParts * paths, 0.0) {}

void SharedPayments::onBlock(const PricingBlock& b) {
    KP_REQUIRE(b.first + b.n <= paths_ && b.years == discount_.size(), "SharedPayments: a block of paths ", b.first,
               "..", b.first + b.n, " with ", b.years, " periods, but must fit the ", paths_, " paths and ",
               discount_.size(), " periods it was made for");
    const double* from[kParts] = {b.subsidy, b.guarantee, b.grant, b.insured, b.premium};
    for (std::size_t q = 0; q < kParts; ++q) {
        double* out = parts_.data() + q * paths_ + b.first;
        for (std::size_t p = 0; p < b.n; ++p) {
            double pv = 0;
            for (std::size_t k = 0; k < b.years; ++k) pv += discount_[k] * from[q][k * b.n + p];
            out[p] = pv;
        }
    }
    if (next_) next_->onBlock(b);
}

std::vector<double> SharedPayments::state() const {
    std::vector<double> x(paths_);
    for (std::size_t p = 0; p < paths_; ++p) x[p] = part(Subsidy)[p] + part(Guarantee)[p] + part(Grant)[p];
    return x;
}

StateCost stateCost(const SharedPayments& s, const std::vector<PathRange>& batches, bool antithetic) {
    const std::size_t n = s.paths();
    const std::vector<double> total = s.state();
    StateCost c;
    c.total = sectionedMean(total.data(), n, batches, antithetic);
    c.subsidy = sectionedMean(s.part(SharedPayments::Subsidy), n, batches, antithetic);
    c.guarantee = sectionedMean(s.part(SharedPayments::Guarantee), n, batches, antithetic);
    c.grant = sectionedMean(s.part(SharedPayments::Grant), n, batches, antithetic);
    // the dear tail of the cost is the low tail of its negative: the downside's quantile and ES
    std::vector<double> negative(n);
    for (std::size_t p = 0; p < n; ++p) negative[p] = -total[p];
    const DownsideLevels l = downsideLevels(negative.data(), n, batches, antithetic);
    c.p99 = {0.0 - l.var99.value, l.var99.stdError};  // 0 - x: no -0 when nothing is paid
    c.es99 = {0.0 - l.es99.value, l.es99.stdError};
    return c;
}

InsurerCost insurerCost(const SharedPayments& s, const std::vector<PathRange>& batches, bool antithetic) {
    const std::size_t n = s.paths();
    return {sectionedMean(s.part(SharedPayments::Insured), n, batches, antithetic),
            sectionedMean(s.part(SharedPayments::Premium), n, batches, antithetic)};
}

const std::vector<std::string>& riskSharingInstruments() {
    static const std::vector<std::string> names{"as_written", "guarantee", "insurance", "ccfd", "combined", "no_insurance"};
    return names;
}

std::vector<std::string> instrumentList(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    std::string item;
    const auto& known = riskSharingInstruments();
    while (std::getline(in, item, ',')) {
        std::replace(item.begin(), item.end(), '-', '_');
        if (item.empty()) continue;
        if (std::find(known.begin(), known.end(), item) == known.end()) {
            std::string names;
            for (const auto& k : known) names.append(names.empty() ? "" : ", ").append(k);
            ::kp::detail::throwInvalid("--instruments names '", item, "', but must name instruments among ", names,
                                       " (comma-separated; '-' or '_')");
        }
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
    }
    KP_REQUIRE(!out.empty(), "--instruments is '", list, "', but must name at least one instrument");
    if (out.front() != "as_written") {  // the row the others are compared with
        out.erase(std::remove(out.begin(), out.end(), "as_written"), out.end());
        out.insert(out.begin(), "as_written");
    }
    return out;
}

namespace {

/// The shortest text that reads back as x.
std::string number(double x) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

/// An investment option (not a reline, mothballing or a technology beside the plant).
bool investment(const Technology& t) {
    return !t.isReline() && t.mothball == Technology::MothballRole::None && !t.alongside;
}

/// The options a CCfD goes to: those named (investment options of the case; one with a subsidy has
/// it replaced), or every investment option without a subsidy.
std::vector<const Technology*> ccfdOptions(const cases::CaseFile& c, const RiskSharingTerms& terms) {
    std::vector<const Technology*> out;
    std::string names;
    for (const Technology& t : c.options)
        if (investment(t)) names.append(names.empty() ? "" : ", ").append(t.name);
    for (const std::string& name : terms.ccfdOptions) {
        const auto it = std::find_if(c.options.begin(), c.options.end(),
                                     [&](const Technology& t) { return t.name == name && investment(t); });
        if (it == c.options.end())
            ::kp::detail::throwInvalid("--ccfd-options names '", name, "', but must name options of the case (", names, ")");
        out.push_back(&*it);
    }
    if (terms.ccfdOptions.empty())
        for (const Technology& t : c.options)
            if (investment(t) && !t.sde) out.push_back(&t);
    return out;
}

}  // namespace

std::vector<std::string> instrumentSets(const cases::CaseFile& c, const std::string& instrument,
                                        const RiskSharingTerms& terms, std::vector<std::string>* notes) {
    std::vector<std::string> sets;
    auto note = [&](const std::string& what) {
        if (notes) notes->push_back(what);
    };
    auto add = [&](const std::string& which) {
        const std::size_t before = sets.size();
        const std::string at = "options.";
        if (which == "guarantee") {
            for (const Technology& t : c.options)
                if (investment(t) && t.risk.overrun())
                    sets.push_back(at + t.name + ".risk.capex_overrun.state_share=" + number(terms.guaranteeShare));
            if (sets.size() == before) note("guarantee: no option has a capex overrun risk (options.<x>.risk.capex_overrun): it pays nothing");
        } else if (which == "insurance" || which == "no_insurance") {
            const bool on = which == "insurance";
            for (const Technology& t : c.options)
                if (investment(t) && (on ? t.risk.incidents() : t.risk.premium() != 0 || t.risk.insuredShare > 0))
                    sets.push_back(at + t.name + ".risk.insurance=" +
                                   (on ? "{share: " + number(terms.insuredShare) + ", deductible: " + number(terms.deductible) +
                                             ", limit: " + number(terms.limit) + ", loading: " + number(terms.loading) + "}"
                                       : std::string("{share: 0, loading: 0}")));
            if (sets.size() == before)
                note(which + (on ? ": no option has incidents (options.<x>.risk.incidents): nothing to insure"
                                 : ": no option is insured in the case: nothing to remove"));
        } else if (which == "ccfd") {
            for (const Technology* t : ccfdOptions(c, terms)) {
                if (t->sde && !t->sde->twoSided()) {  // an SDE++ (options.<x>.sde): the CCfD replaces it
                    sets.push_back(at + t->name + ".sde=null");
                    note("ccfd: replaces the SDE++ of " + t->name);
                }
                sets.push_back(at + t->name + ".ccfd={strike: " + number(terms.ccfdStrike) +
                               ", years: " + std::to_string(terms.ccfdYears) + "}");
            }
            if (sets.size() == before) note("ccfd: every investment option has a subsidy (sde or ccfd) already");
        }
    };
    if (instrument == "combined")
        for (const char* w : {"guarantee", "insurance", "ccfd"}) add(w);
    else
        add(instrument);
    return sets;
}

RiskSharingRow runRiskSharingRow(const std::string& path, const std::string& instrument,
                                 const std::vector<std::string>& sets, const std::vector<std::string>& instrumentSets,
                                 const cases::RunOverrides& overrides, const std::string& scenario,
                                 PricingObserver* observer) {
    RiskSharingRow row;
    row.instrument = instrument;
    row.sets = instrumentSets;
    std::vector<std::string> all = sets;
    all.insert(all.end(), instrumentSets.begin(), instrumentSets.end());
    row.run.scenario = instrument;
    row.run.c = loadScenarioCase(path, all, scenario);
    const InvestmentSettings s = cases::settingsFor(row.run.c, overrides);
    const InvestmentProblem pr = cases::toInvestmentProblem(row.run.c);
    row.shared = std::make_unique<SharedPayments>(s.paths, pr, observer);
    valueScenario(row.run, pr, s, false, row.shared.get());
    row.antithetic = s.antithetic;
    row.batches = downsideBatches(s.paths, row.run.r.rules, s.antithetic);
    row.downside = downside(*row.run.paths, row.run.r, s.antithetic, nullptr, nullptr, s.threads);
    row.state = stateCost(*row.shared, row.batches, s.antithetic);
    row.insurer = insurerCost(*row.shared, row.batches, s.antithetic);
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    row.ownerGain = row.stateExtra = {kNaN, kNaN};
    return row;
}

void compareToFirst(std::vector<RiskSharingRow>& rows) {
    if (rows.empty()) return;
    const RiskSharingRow& a = rows.front();
    const std::vector<double> stateA = a.shared->state();
    for (std::size_t i = 1; i < rows.size(); ++i) {
        RiskSharingRow& b = rows[i];
        const std::size_t n = b.shared->paths();
        KP_REQUIRE(n == a.shared->paths(), "compareToFirst: a row of ", n, " paths, but must have the first row's ",
                   a.shared->paths());
        const std::vector<double> stateB = b.shared->state();
        std::vector<double> d(n);
        for (std::size_t p = 0; p < n; ++p) d[p] = b.run.paths->option()[p] - a.run.paths->option()[p];
        b.ownerGain = sectionedMean(d.data(), n, b.batches, b.antithetic);
        for (std::size_t p = 0; p < n; ++p) d[p] = stateB[p] - stateA[p];
        b.stateExtra = sectionedMean(d.data(), n, b.batches, b.antithetic);
    }
}

std::vector<std::pair<std::string, double>> route(const InvestmentResult& r) {
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t j = 0; j < r.timing.size() && j < r.technologyNames.size(); ++j) {
        const bool other = (j < r.relines.size() && r.relines[j]) || (j < r.alongside.size() && r.alongside[j]) ||
                           (j < r.mothballs.size() && r.mothballs[j]);
        if (other) continue;
        double p = 0;
        for (double x : r.timing[j]) p += x;
        out.emplace_back(r.technologyNames[j], p);
    }
    for (std::size_t st = 0; st < r.stageTiming.size() && st < r.stageNames.size(); ++st) {
        double p = 0;
        for (double x : r.stageTiming[st]) p += x;
        out.emplace_back("then " + r.stageNames[st], p);
    }
    return out;
}

const char* const kRiskSharingConvention =
    "each row is the case with the instrument added by its `sets` (kruispunt value CASE --set ... reproduces it), "
    "valued on the same paths (same seed: the same prices and technology-risk draws); money is present value at the "
    "valuation date in the case currency; owner: the optimal strategy's NPV downside (downside.convention); state: "
    "the discounted payments per path of the SDE++ or CCfD (net of paybacks), the guarantee's share of the capex "
    "overrun and the capital grant (less claw-backs), p99 = the ceil(0.01 n)-th dearest path, es_99 = the mean of "
    "the dearest 1%; insurer: the discounted claims it pays and the premium it earns; owner_gain and state.extra: "
    "the change against the first row, pathwise; +- sectioning standard errors";

nlohmann::ordered_json riskSharingJson(const std::vector<RiskSharingRow>& rows, const RiskSharingTerms& t) {
    nlohmann::ordered_json j;
    j["convention"] = kRiskSharingConvention;
    j["terms"] = {{"guarantee", {{"state_share", t.guaranteeShare}}},
                  {"insurance",
                   {{"share", t.insuredShare}, {"deductible", t.deductible}, {"limit", t.limit}, {"loading", t.loading}}},
                  {"ccfd", {{"strike", t.ccfdStrike}, {"years", t.ccfdYears}, {"options", t.ccfdOptions}}}};
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const RiskSharingRow& row : rows) {
        const InvestmentResult& r = row.run.r;
        nlohmann::ordered_json x;
        x["instrument"] = row.instrument;
        x["sets"] = row.sets;
        x["notes"] = row.notes;
        const nlohmann::ordered_json summary = scenarioRunJson(row.run);  // decision, option value, timing ...
        for (const auto& [key, value] : summary.items())
            if (key != "scenario" && key != "paths" && key != "seconds") x[key] = value;
        x["owner_gain"] = estimateJson(row.ownerGain);
        nlohmann::ordered_json rt = nlohmann::ordered_json::object();
        for (const auto& [name, p] : route(r)) rt[name] = p;
        x["route"] = rt;
        const DownsideLevels& o = row.downside.strategies.front().npv;  // the optimal strategy's
        x["owner"] = {{"p_loss", estimateJson(o.pLoss)}, {"var_95", estimateJson(o.var95)}, {"es_95", estimateJson(o.es95)},
                      {"var_99", estimateJson(o.var99)}, {"es_99", estimateJson(o.es99)}};
        const StateCost& s = row.state;
        x["state"] = {{"cost", estimateJson(s.total)},     {"subsidy", estimateJson(s.subsidy)},
                      {"guarantee", estimateJson(s.guarantee)}, {"grant", estimateJson(s.grant)},
                      {"p99", estimateJson(s.p99)},        {"es_99", estimateJson(s.es99)},
                      {"extra", estimateJson(row.stateExtra)}};
        x["insurer"] = {{"claims", estimateJson(row.insurer.claims)}, {"premium", estimateJson(row.insurer.premium)}};
        x["paths"] = r.paths;
        x["seconds"] = r.seconds;
        a.push_back(x);
    }
    j["rows"] = a;
    return j;
}

std::string riskSharingCsv(const std::vector<RiskSharingRow>& rows, const std::string& cur) {
    std::vector<std::string> head{"instrument", "decision", "technology"};
    const std::vector<std::string> money{"option_value", "owner_gain", "value_of_waiting", "owner_es_95", "owner_es_99",
                                         "state_cost", "state_subsidy", "state_guarantee", "state_grant", "state_p99",
                                         "state_es_99", "state_extra", "insurer_claims", "insurer_premium"};
    for (const std::string& m : money) head.push_back(m + "_" + cur), head.push_back(m + "_se_" + cur);
    for (const char* p : {"invest_by_2030_probability", "invest_by_2035_probability"})
        head.push_back(p), head.push_back(std::string(p) + "_se");
    head.push_back("sets");
    CsvTable t(head);
    for (const RiskSharingRow& row : rows) {
        const InvestmentResult& r = row.run.r;
        const DownsideLevels& o = row.downside.strategies.front().npv;
        std::vector<std::string> cells{row.instrument, toString(r.decision),
                                       r.technology >= 0 ? r.technologyNames[static_cast<std::size_t>(r.technology)] : ""};
        const Estimate by2030{row.run.investBy2030, row.run.investBy2030Se}, by2035{row.run.investBy2035, row.run.investBy2035Se};
        for (const Estimate* e : {&r.optionValue, &row.ownerGain, &r.valueOfWaiting, &o.es95, &o.es99, &row.state.total,
                                  &row.state.subsidy, &row.state.guarantee, &row.state.grant, &row.state.p99,
                                  &row.state.es99, &row.stateExtra, &row.insurer.claims, &row.insurer.premium, &by2030,
                                  &by2035}) {
            cells.push_back(csvNumber(e->value));
            cells.push_back(csvNumber(e->stdError));
        }
        std::string sets;
        for (const std::string& s : row.sets) {
            if (!sets.empty()) sets += ' ';
            sets.append("--set ").append(s);
        }
        cells.push_back(sets);
        t.row(cells);
    }
    return t.text();
}

}  // namespace kp::results
