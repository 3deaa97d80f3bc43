// Loan and portfolio files (loan_file.hpp): read with the case file's checked YAML helpers, so a bad
// loan file gets the same "<file>:<line>: <field>: ... but must be ..." message as a bad case file.
#include "kp/cases/loan_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "kp/core/errors.hpp"
#include "yaml_reader.hpp"

namespace kp::cases {

using detail::Field;
using detail::MapReader;
using detail::Range;
using detail::Source;

namespace {

const Range kYear = Range::between(1900, 2200, "a year in [1900, 2200]");
const Range kRate = Range::between(-0.05, 0.5, "in [-0.05, 0.5] per year");

/// A number (in force from `firstYear`) or a map {year: number}.
std::map<int, double> readYearMap(const Field& f, int firstYear, const Range& r, const std::string& unit) {
    std::map<int, double> out;
    if (f.node().IsScalar()) {
        out[firstYear] = f.number(r, unit);
        return out;
    }
    if (!f.node().IsMap() || f.node().size() == 0) f.fail("the value", f.text(), "a number or a map {year: value}");
    for (const auto& kv : f.node()) {
        const Field yf(f.source(), kv.first, f.path() + "." + kv.first.Scalar(), f.line());
        const int y = yf.integer(kYear, "");
        out[y] = Field(f.source(), kv.second, yf.path(), yf.line()).number(r, unit);
    }
    return out;
}

int lineOf(MapReader& m, const std::string& key) {
    auto f = m.opt(key);
    return f ? f->line() : m.self().line();
}

class LoanReader {
public:
    LoanReader(const std::string& file, std::vector<std::string> overridden)
        : src_{file, std::move(overridden)} {}

    LoanFile read(const YAML::Node& rootNode) {
        MapReader root(Field(src_, rootNode, "", 1));
        LoanFile l;
        LoanTerms& t = l.terms;
        l.path = src_.file;
        t.name = root.string("name", std::filesystem::path(src_.file).stem().string());
        l.description = root.string("description", "");
        l.funds = root.string("funds", "plant");
        l.fundsLine = lineOf(root, "funds");
        readPolicy(root, l);
        readCashFlow(root, l);
        readSizing(root, l);
        if (!l.sizing) {
            t.amount = root.number("amount", Range::positive(), "currency");
        } else if (auto a = root.opt("amount")) {
            t.amount = a->number(Range::positive(), "currency (the cap of the sized amount)");
        } else {
            l.amountGiven = false;
        }
        t.currency = root.string("currency", "EUR");
        t.startYear = root.integer("start_year", kYear, "");
        l.startLine = lineOf(root, "start_year");
        t.tenorYears = root.integer("tenor_years", Range::between(1, 60, "in [1, 60]"), "years");
        l.tenorLine = lineOf(root, "tenor_years");
        if (auto g = root.opt("grace_years")) {
            t.graceYears = g->integer(Range::nonNegative(), "years");
            if (t.graceYears >= t.tenorYears)
                g->fail("the value", std::to_string(t.graceYears),
                        "below tenor_years (" + std::to_string(t.tenorYears) + ")");
        }
        // interest during construction: the grace years' debt service from the cash flow (as before)
        // or funded outside it (the sponsors' equity or capitalised, as project finance does)
        if (auto g = root.opt("grace_interest")) {
            t.graceFunded = g->choice({"cash_flow", "funded"}) == "funded";
            if (t.graceFunded && t.graceYears == 0) g->fail("the basis", "funded", "cash_flow without grace_years");
        }
        readCompletion(root, l);
        readConditions(root, l);
        readAmortisation(root, t);
        readDrawdown(root, l);
        readRate(root.map("rate", "type, base_curve, margin (and fixed_rate for a fixed loan)"), t);
        if (auto m = root.optMap("fees")) {
            t.upfrontFee = m->number("upfront", 0.0, Range::between(0, 0.2, "in [0, 0.2]"), "share of the amount");
            t.annualFee = m->number("annual", 0.0, Range::between(0, 0.2, "in [0, 0.2]"), "per year on the outstanding");
            m->finish();
        }
        if (auto m = root.optMap("covenant")) {
            t.minDscr = m->number("min_dscr", Range::between(0, 10, "in [0, 10]"), "cash flow / debt service");
            t.cureYears = m->integer("cure_years", 1, Range::between(0, 10, "in [0, 10]"), "years");
            l.noStagesLine = lineOf(*m, "no_stages");
            l.noStages = m->boolean("no_stages", false);
            if (l.noStages && l.funds == "plant")
                m->opt("no_stages")->fail("the value", "true",
                                          "false for a loan to the plant as is (funds: plant): the covenant holds back the "
                                          "stages of the financed option, so it needs funds: OPTION");
            m->finish();
        }
        t.sponsorSupport = root.number("sponsor_support", 0.0, Range::nonNegative(), "currency over the life");
        t.reserveYears = root.number("reserve_years", 0.0, Range::between(0, 5, "in [0, 5]"), "years of debt service");
        if (auto m = root.optMap("collateral")) {
            if (auto share = m->opt("plant_value_share")) {  // wrong-way risk: the plant's simulated value
                t.collateralFromPlant = true;
                t.collateralPlantShare = share->number(Range::unit(), "share of the plant's value");
                for (const char* fixed : {"value", "depreciation_per_year"})
                    if (auto f = m->opt(fixed))
                        f->fail("the field", fixed, "absent with plant_value_share (the collateral is then the plant's simulated value)");
            } else {
                t.collateralValue = m->number("value", Range::nonNegative(), "currency");
                t.collateralDepreciation = m->number("depreciation_per_year", 0.0, Range::unit(), "share of the value per year");
            }
            t.collateralHaircut = m->number("haircut", 0.0, Range::unit(), "forced-sale discount");
            m->finish();
        }
        if (auto m = root.optMap("recovery")) {
            t.unsecuredRecovery = m->number("unsecured_rate", 0.0, Range::unit(), "share of the unsecured exposure");
            t.recoveryLagYears = m->integer("lag_years", 1, Range::between(0, 10, "in [0, 10]"), "years");
            m->finish();
        }
        if (auto m = root.optMap("guarantee")) {
            t.guaranteeShare = m->number("share", Range::unit(), "share of the loss");
            l.guaranteeScheme = m->string("scheme", "");
            m->finish();
        }
        if (auto m = root.optMap("ratchet")) readRatchet(*m, t);
        if (auto m = root.optMap("bank")) {
            t.requiredReturn = m->number("required_return", 0.0, Range::between(0, 0.5, "in [0, 0.5] per year"), "per year");
            m->finish();
        }
        t.inflation = root.number("inflation", 0.0, Range::between(-0.1, 0.5, "in [-0.1, 0.5] per year"), "per year");
        root.finish();
        return l;
    }

private:
    Source src_;

    void readPolicy(MapReader& root, LoanFile& l) {
        l.policyLine = lineOf(root, "policy");
        auto f = root.opt("policy");
        if (!f) return;
        if (f->node().IsScalar()) {
            f->choice({"optimal"});
            return;
        }
        MapReader m(*f);
        l.fixedPolicy = true;
        l.policyTechnology = m.get("technology", "an option of the case, or none").string();
        if (l.policyTechnology != "none") l.policyYear = m.integer("year", kYear, "");
        m.finish();
    }

    // the financed investment's incremental cash flow serves a loan on an option (project finance),
    // the whole plant's a loan to the plant as is
    void readCashFlow(MapReader& root, LoanFile& l) {
        l.cashFlowLine = lineOf(root, "cash_flow");
        const bool option = l.funds != "plant";
        l.incremental = root.choice("cash_flow", {"incremental", "plant"}, option ? "incremental" : "plant") == "incremental";
        if (l.incremental && !option)
            root.opt("cash_flow")->fail("the basis", "incremental",
                                           "plant for a loan to the plant as is (funds: plant); incremental needs funds: OPTION");
    }

    // conditions precedent: case-file overrides of an option's contracts, kept as "path=value" with
    // the value in YAML flow style (applied by the commands when they load the case for the loan)
    void readConditions(MapReader& root, LoanFile& l) {
        l.conditionsLine = lineOf(root, "conditions");
        auto f = root.opt("conditions");
        if (!f) return;
        if (!f->node().IsMap() || f->node().size() == 0)
            f->fail("the value", f->text(), "a map {options.<option>.<contract>[.field]: value}");
        static const std::set<std::string> contracts{"hedge", "ccfd", "sde", "capital_grant"};
        for (const auto& kv : f->node()) {
            const std::string key = kv.first.Scalar();
            const Field kf(f->source(), kv.first, "conditions." + key, f->line());
            const std::vector<std::string> parts = detail::splitDotted(key);
            const bool insurance = parts.size() >= 4 && parts[2] == "risk" && parts[3] == "insurance";
            if (parts.size() < 3 || parts[0] != "options" || (!contracts.count(parts[2]) && !insurance) ||
                std::find(parts.begin(), parts.end(), std::string()) != parts.end())
                kf.fail("the field", "'" + detail::excerpt(key) + "'",
                        "a case field options.<option>.<contract>[.field], the contract one of hedge, ccfd, sde, "
                        "capital_grant, risk.insurance (what a lender can require the borrower to sign)");
            l.conditionContracts.emplace_back(parts[1], insurance ? "risk.insurance" : parts[2]);
            YAML::Emitter e;
            e.SetMapFormat(YAML::Flow);
            e.SetSeqFormat(YAML::Flow);
            e << kv.second;
            l.conditions.push_back(key + "=" + e.c_str());
        }
    }

    // completion support: the sponsors service the debt until the financed investment operates
    void readCompletion(MapReader& root, LoanFile& l) {
        l.completionLine = lineOf(root, "completion");
        auto m = root.optMap("completion");
        if (!m) return;
        l.terms.completionSupport = m->choice("guarantee", {"none", "sponsor"}, "none") == "sponsor";
        if (l.terms.completionSupport && l.funds == "plant")
            m->opt("guarantee")->fail("the guarantee", "sponsor",
                                      "none for a loan to the plant as is (funds: plant): completion support waits "
                                      "for the financed investment to operate, so it needs funds: OPTION");
        m->finish();
    }

    void readSizing(MapReader& root, LoanFile& l) {
        l.sizingLine = lineOf(root, "sizing");
        auto m = root.optMap("sizing");
        if (!m) return;
        LoanFile::Sizing z;
        z.minDscr = m->number("min_dscr", Range::between(1, 10, "in [1, 10]"), "cash flow / debt service");
        if (auto f = m->opt("on")) {
            z.on = f->string();
            const bool mean = z.on == "mean";
            int pct = 0;
            if (!mean) {
                std::size_t used = 0;
                try {
                    if (z.on.size() >= 2 && z.on[0] == 'p') pct = std::stoi(z.on.substr(1), &used);
                } catch (const std::exception&) {
                    pct = 0;
                }
                if (used + 1 != z.on.size() || pct < 1 || pct > 99)
                    f->fail("the basis", "'" + detail::excerpt(z.on) + "'",
                            "mean or a percentile p1 ... p99 (pNN: the cash flow exceeded on NN% of the paths that draw; "
                            "p50: the median, p90: the downside case)");
                z.quantile = (100 - pct) / 100.0;  // exceeded on pct% of the paths: the (100 - pct)th percentile
            }
        }
        m->finish();
        l.sizing = z;
    }

    void readDrawdown(MapReader& root, LoanFile& l) {
        l.drawLine = lineOf(root, "drawdown");
        auto m = root.optMap("drawdown");
        if (!m) return;
        l.drawOnInvestment = m->choice("on", {"start", "investment"}, "start") == "investment";
        l.drawUntil = l.terms.startYear;
        if (auto f = m->opt("until")) {
            l.drawUntil = f->integer(kYear, "");
            if (l.drawUntil < l.terms.startYear)
                f->fail("the year", std::to_string(l.drawUntil),
                        "at least start_year (" + std::to_string(l.terms.startYear) + ")");
            if (!l.drawOnInvestment) f->fail("the field", "until", "given only with on: investment");
        }
        m->finish();
    }

    void readAmortisation(MapReader& root, LoanTerms& t) {
        const std::string a = root.choice("amortisation", {"bullet", "linear", "annuity", "schedule"}, "annuity");
        t.amortisation = a == "bullet" ? Amortisation::Bullet
                         : a == "linear" ? Amortisation::Linear
                         : a == "annuity" ? Amortisation::Annuity
                                          : Amortisation::Custom;
        if (t.amortisation != Amortisation::Custom) return;
        const Field r = root.get("repayments", "a map {year: share of the amount repaid at the end of that year}");
        const auto shares = readYearMap(r, t.startYear, Range::unit(), "share of the amount");
        t.repaymentShares.assign(static_cast<std::size_t>(t.tenorYears), 0.0);
        double sum = 0;
        for (const auto& [year, share] : shares) {
            if (year < t.startYear || year >= t.endYear())
                r.fail("the year", std::to_string(year),
                       "inside the loan's years [" + std::to_string(t.startYear) + ", " +
                           std::to_string(t.endYear() - 1) + "]");
            t.repaymentShares[static_cast<std::size_t>(year - t.startYear)] = share;
            sum += share;
        }
        if (std::abs(sum - 1.0) > 1e-9) r.fail("the sum of the shares", detail::formatNumber(sum), "1");
    }

    void readRate(MapReader m, LoanTerms& t) {
        t.floating = m.get("type", "fixed or floating").choice({"fixed", "floating"}) == "floating";
        if (!t.floating) t.fixedRate = m.number("fixed_rate", kRate, "per year");
        t.baseCurve = readYearMap(m.get("base_curve", "a zero rate or a map {year: zero rate} (annual compounding)"),
                                  t.startYear, kRate, "per year");
        t.margin = m.number("margin", Range::between(-0.05, 0.5, "in [-0.05, 0.5] per year"), "per year");
        m.finish();
    }

    void readRatchet(MapReader& m, LoanTerms& t) {
        m.choice("kpi", {"emission_intensity"}, "emission_intensity");
        t.kpiTarget = readYearMap(m.get("targets", "a map {year: tCO2 per tonne of product}"), t.startYear,
                                  Range::nonNegative(), "tCO2 per t of product");
        const Range step = Range::between(0, 0.05, "in [0, 0.05] per year");
        t.ratchetStepDown = m.number("step_down", 0.0, step, "margin cut per year");
        t.ratchetStepUp = m.number("step_up", 0.0, step, "margin rise per year");
        m.finish();
    }
};

std::string resolveBeside(const std::string& file, const std::string& rel) {
    namespace fs = std::filesystem;
    if (fs::path(rel).is_absolute()) return rel;
    return (fs::path(file).parent_path() / rel).lexically_normal().string();
}

}  // namespace

LoanFile loadLoanFile(const std::string& path, const std::vector<std::string>& overrides) {
    std::vector<std::string> overridden;
    const YAML::Node root = detail::loadYaml(path, "loan file", overrides, overridden);
    return LoanReader(path, overridden).read(root);
}

CaseFile withLoanCovenants(const CaseFile& c, const LoanFile& loan) {
    if (!loan.noStages) return c;
    CaseFile out = c;
    const int from = loan.stagesLockedUntil();
    // the stages of funds, and the stages of those, to any depth
    std::set<std::string> held{loan.funds};
    for (bool grew = true; grew;) {
        grew = false;
        for (auto& o : out.options) {
            if (o.requiresOption.empty() || !held.count(o.requiresOption) || held.count(o.name)) continue;
            held.insert(o.name);
            grew = true;
        }
    }
    for (auto& o : out.options) {
        if (o.name == loan.funds || !held.count(o.name) || o.earliestDecisionYear >= from) continue;
        if (from <= o.latestDecisionYear) {
            o.earliestDecisionYear = from;
        } else {  // never within its window: a window after the horizon, so no date allows it
            o.earliestDecisionYear = o.latestDecisionYear = c.valuation.endYear();
        }
    }
    return out;
}

CaseFile withContractsAsSigned(const CaseFile& stressed, const CaseFile& origination, const LoanFile& loan) {
    CaseFile out = stressed;
    for (const auto& [name, contract] : loan.conditionContracts) {
        const Technology* from = origination.option(name);
        Technology* to = nullptr;
        for (auto& o : out.options)
            if (o.name == name) to = &o;
        KP_REQUIRE(from != nullptr && to != nullptr, loan.path, ":", loan.conditionsLine, ": conditions: the option is '",
                   name, "', but must be an option of ", stressed.path);
        if (contract == "hedge") {
            to->hedge = from->hedge;
        } else if (contract == "ccfd" || contract == "sde") {
            to->sde = from->sde;
        } else if (contract == "capital_grant") {
            to->grant = from->grant;
        } else {  // risk.insurance: the insurer's terms (the incidents stay the scenario's)
            to->risk.insuredShare = from->risk.insuredShare, to->risk.deductible = from->risk.deductible;
            to->risk.limit = from->risk.limit, to->risk.premiumLoading = from->risk.premiumLoading;
            to->risk.premiumPerYear = from->risk.premiumPerYear;
        }
    }
    return out;
}

void checkLoanAgainstCase(const LoanFile& l, const CaseFile& c) {
    auto at = [&](int line, const std::string& field) { return l.path + ":" + std::to_string(line) + ": " + field; };
    std::vector<std::string> names;
    for (const auto& o : c.options) names.push_back(o.name);
    if (l.funds != "plant" && !c.option(l.funds)) {
        names.push_back("plant");
        const std::string dym = detail::didYouMean(l.funds, names);
        ::kp::detail::throwInvalid(at(l.fundsLine, "funds"), ": the option is '", l.funds,
                                   "', but must be an option of ", c.path, " (", detail::joinNames(names), ") or plant",
                                   dym.empty() ? "" : " (" + dym + ")");
    }
    if (l.fixedPolicy && l.policyTechnology != "none") {
        const Technology* tech = c.option(l.policyTechnology);
        KP_REQUIRE(tech != nullptr, at(l.policyLine, "policy.technology"), ": the option is '", l.policyTechnology,
                   "', but must be an option of ", c.path, " (", detail::joinNames(names), ") or none");
        KP_REQUIRE(l.policyYear >= c.valuation.startYear && l.policyYear < c.valuation.endYear(),
                   at(l.policyLine, "policy.year"), ": the year is ", l.policyYear, ", but must be inside the case's horizon [",
                   c.valuation.startYear, ", ", c.valuation.endYear() - 1, "]");
    }
    KP_REQUIRE(l.terms.startYear >= c.valuation.startYear, at(l.startLine, "start_year"), ": the year is ",
               l.terms.startYear, ", but must be at least the case's start year ", c.valuation.startYear, " (", c.path, ")");
    KP_REQUIRE(l.terms.endYear() <= c.valuation.endYear(), at(l.tenorLine, "tenor_years"),
               ": the loan ends in ", l.terms.endYear(), ", but must end by the case's horizon end ",
               c.valuation.endYear(), " (", c.path, ")");
    if (l.drawOnInvestment) {
        KP_REQUIRE(l.funds != "plant", at(l.drawLine, "drawdown.on"),
                   ": the loan funds 'plant', but must fund an option of ", c.path,
                   " to be drawn on investment (funds: OPTION)");
        KP_REQUIRE(l.drawUntil + l.terms.tenorYears <= c.valuation.endYear(), at(l.drawLine, "drawdown.until"),
                   ": a loan drawn in ", l.drawUntil, " ends in ", l.drawUntil + l.terms.tenorYears,
                   ", but must end by the case's horizon end ", c.valuation.endYear(), " (", c.path, ")");
    }
    KP_REQUIRE(l.terms.currency == c.valuation.currency, l.path, ": currency: the currency is ", l.terms.currency,
               ", but must be the case's (", c.valuation.currency, ")");
}

PortfolioFile loadPortfolioFile(const std::string& path) {
    std::vector<std::string> overridden;
    const YAML::Node rootNode = detail::loadYaml(path, "portfolio file", {}, overridden);
    const Source src{path, {}};
    MapReader root(Field(src, rootNode, "", 1));
    PortfolioFile p;
    p.path = path;
    p.name = root.string("name", std::filesystem::path(path).stem().string());
    p.description = root.string("description", "");
    p.scenario = root.string("scenario", "");
    if (auto m = root.optMap("simulation")) {
        if (auto f = m->opt("paths")) p.paths = static_cast<std::size_t>(f->integer(Range::between(2, 1e8, "in [2, 1e8]"), "paths"));
        if (auto f = m->opt("seed")) p.seed = static_cast<std::uint64_t>(f->integer(Range::between(1, 2e9, "in [1, 2e9]"), ""));
        m->finish();
    }
    MapReader loans = root.map("loans", "a map {name: {case: CASE.yaml, loan: LOAN.yaml}}");
    constexpr std::size_t kMaxLoans = 256;  // README "Limits"
    if (loans.keys().size() > kMaxLoans)
        loans.self().fail("the number of loans", std::to_string(loans.keys().size()),
                          "at most " + std::to_string(kMaxLoans) + " (the limit in README \"Limits\")");
    for (const auto& name : loans.keys()) {
        MapReader e = loans.map(name, "");
        PortfolioEntry entry;
        entry.name = name;
        entry.line = e.self().line();
        for (auto [key, target] : {std::pair{"case", &entry.casePath}, std::pair{"loan", &entry.loanPath}}) {
            const Field f = e.get(key, std::string("a ") + key + " file");
            *target = resolveBeside(path, f.string());
            if (!std::filesystem::is_regular_file(*target))
                f.fail("the file", "'" + *target + "'", "a readable file");
        }
        e.finish();
        p.loans.push_back(entry);
    }
    if (p.loans.empty()) loans.self().fail("the map", "empty", "at least one loan");
    root.finish();
    return p;
}

namespace {

/// "gbm(spot 70 mu 0.03 yield 0 sigma 0.415)": the parameters that identify a stochastic factor's paths.
std::string describe(const Factor& f) {
    std::ostringstream os;
    os.precision(12);
    // a price path (factors.<f>.path) is the level: its anchor and points identify the paths
    auto path = [&] {
        os << " path " << (f.path.mean ? "mean" : "median");
        for (std::size_t i = 0; i < f.path.times.size(); ++i) os << ' ' << f.path.times[i] << ':' << f.path.levels[i];
    };
    switch (f.model) {
        case FactorModel::Gbm:
            if (f.hasPath()) {
                os << "gbm(spot " << f.gbm.spot << " sigma " << f.gbm.vol;
                path();
                break;
            }
            os << "gbm(spot " << f.gbm.spot << " mu " << f.gbm.drift << " yield " << f.gbm.yield << " sigma " << f.gbm.vol;
            break;
        case FactorModel::Ou:
            os << "ou(spot " << f.ou.spot << " kappa " << f.ou.kappa << " sigma " << f.ou.sigma;
            if (f.hasPath()) {
                path();
                break;
            }
            os << " log levels";
            for (std::size_t i = 0; i < f.ou.meanLevels.size(); ++i) os << ' ' << f.ou.meanTimes[i] << ':' << f.ou.meanLevels[i];
            break;
        case FactorModel::SchwartzSmith: {
            const auto& s = f.schwartzSmith;
            os << "schwartz-smith(chi0 " << s.chi0 << " xi0 " << s.xi0 << " kappa " << s.kappa << " sigma_chi "
               << s.sigmaChi << " mu_xi " << s.muXi << " sigma_xi " << s.sigmaXi << " rho " << s.rho;
            if (f.hasPath()) path();
            break;
        }
        case FactorModel::Jump: {
            const auto& j = f.jump;
            os << "jump(spot " << j.spot << " mu " << j.drift << " sigma " << j.vol << " lambda " << j.intensity
               << " jump_mean " << j.jumpMean << " jump_vol " << j.jumpVol;
            if (f.hasPath()) path();
            break;
        }
        default: return "";
    }
    os << ')';
    return os.str();
}

}  // namespace

void checkSharedMarket(const PortfolioFile& p, const std::vector<CaseFile>& cases) {
    if (cases.empty()) return;
    auto stochastic = [](const CaseFile& c) {
        std::vector<const Factor*> out;
        for (const auto& f : c.factors)
            if (f.brownianDimensions() > 0) out.push_back(&f);
        return out;
    };
    const auto ref = stochastic(cases[0]);
    for (std::size_t i = 1; i < cases.size(); ++i) {
        const auto other = stochastic(cases[i]);
        const std::string where = p.path + ":" + std::to_string(p.loans[i].line) + ": loans." + p.loans[i].name;
        const std::string why = ", but must be the same as in " + cases[0].path +
                                " (one set of factor paths drives every case of a portfolio)";
        KP_REQUIRE(other.size() == ref.size(), where, ": the case ", cases[i].path, " has ", other.size(),
                   " stochastic factors", why, ": ", ref.size());
        for (std::size_t k = 0; k < ref.size(); ++k) {
            KP_REQUIRE(other[k]->name == ref[k]->name && describe(*other[k]) == describe(*ref[k]), where,
                       ": the factor ", other[k]->name, " of ", cases[i].path, " is ", describe(*other[k]), why,
                       ": ", ref[k]->name, " ", describe(*ref[k]));
        }
        // the correlations among the stochastic factors: the leading block of each matrix
        std::size_t dims = 0;
        for (const Factor* f : ref) dims += f->brownianDimensions();
        for (std::size_t a = 0; a < dims; ++a)
            for (std::size_t b = 0; b < a; ++b) {
                const auto ia = static_cast<Eigen::Index>(a), ib = static_cast<Eigen::Index>(b);
                KP_REQUIRE(cases[i].correlation(ia, ib) == cases[0].correlation(ia, ib), where,
                           ": the correlation of ", cases[i].brownianNames[a], " and ", cases[i].brownianNames[b],
                           " in ", cases[i].path, " is ", cases[i].correlation(ia, ib), why, ": ",
                           cases[0].correlation(ia, ib));
            }
    }
}

}  // namespace kp::cases
