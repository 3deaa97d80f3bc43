//! \brief Tests the case file (cases/): every example in examples/*.yaml loads and reads back the
//! sourced numbers it states; each kind of bad input (unknown key with a did-you-mean, missing field,
//! wrong type, negative capex, negative price, probabilities outside [0, 1] or summing above 1, an
//! indefinite correlation matrix, a decision window outside the horizon, an unknown scenario, an
//! unknown infrastructure name, a factor missing for an energy use) throws kp::InvalidInput with the
//! exact message "<file>:<line>: <field>: <what> is <value>, but must be <constraint>" (bad files in
//! tests/data/case_file_test/); calibration parameter files in both formats; --set overrides; the four
//! scenario presets and a scenario file adjust the case as documented; the factors and correlation
//! build a kp::ModelSet. Deterministic: no random numbers.

#include <doctest/doctest.h>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "kp/cases/case_file.hpp"
#include "kp/cases/ngfs.hpp"
#include "kp/cases/factor_outlook.hpp"
#include "kp/models/anchored_gbm.hpp"
#include "kp/cases/scenario.hpp"
#include "kp/core/errors.hpp"
#include "kp/models/model_set.hpp"

namespace {

namespace kc = kp::cases;

const std::string kData = KP_TEST_DATA_DIR "/case_file_test/";
const std::string kExamples = KP_SOURCE_DIR "/examples/";

/// The message of the InvalidInput thrown by loading `file`, or "" if it loads.
std::string errorOf(const std::string& file, const kc::LoadOptions& o = {}) {
    try {
        (void)kc::loadCaseFile(file, o);
    } catch (const kp::InvalidInput& e) {
        return e.what();
    }
    return "";
}

std::vector<std::string> exampleFiles() {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(kExamples))
        if (e.path().extension() == ".yaml" && e.path().stem().string().find("loan") == std::string::npos &&
            e.path().stem().string().find("portfolio") == std::string::npos)  // loan files: loan_file_test
            files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

/// The option `name` of a loaded case (a test failure if it has none).
kp::Technology optionNamed(const kc::CaseFile& c, const std::string& name) {
    for (const kp::Technology& t : c.options)
        if (t.name == name) return t;
    FAIL("no option " << name);
    return kp::Technology{};
}

}  // namespace

TEST_SUITE("cases") {

TEST_CASE("Every example loads, and the steelworks example exists") {
    const auto files = exampleFiles();
    REQUIRE(files.size() >= 5);
    bool steel = false;
    for (const auto& f : files) {
        CAPTURE(f);
        const std::string err = errorOf(f);
        CHECK(err == "");
        if (!err.empty()) continue;
        const kc::CaseFile c = kc::loadCaseFile(f);
        CHECK(!c.options.empty());
        CHECK(c.factors.front().name == "co2");
        CHECK(c.correlation.rows() == static_cast<Eigen::Index>(c.brownianNames.size()));
        steel = steel || std::filesystem::path(f).filename().string().find("steel") != std::string::npos;
    }
    CHECK(steel);
}

TEST_CASE("The steelworks example reads back its numbers") {
    const kc::CaseFile c = kc::loadCaseFile(kExamples + "steelworks_h2_dri.yaml");
    CHECK(c.valuation.startYear == 2026);
    CHECK(c.valuation.endYear() == 2056);
    CHECK(c.plant.outputTPerYear == 7.0e6);
    CHECK(c.plant.emissionIntensity == 1.51);  // EUTL installation + 75% of the residual gases' power plants
    CHECK(c.brownianNames == std::vector<std::string>{"co2", "gas", "power", "h2_dri", "electrolyser"});
    CHECK(c.correlation(0, 1) == 0.22);
    CHECK(c.correlation(2, 1) == 0.41);
    CHECK(c.correlation(3, 0) == 0.2);
    const kc::Factor* co2 = c.factor("co2");
    REQUIRE(co2);
    CHECK(co2->model == kc::FactorModel::Ou);  // deviations reverting to the analysts' median path
    CHECK(co2->ou.sigma == 0.415);
    CHECK(co2->ou.kappa == 0.53);
    CHECK(co2->path.levels == std::vector<double>{107.29, 110.90, 200});
    CHECK(co2->path.times == std::vector<double>{1, 2, 9});
    CHECK(c.policy.passThrough.share == 0.75);
    CHECK(c.policy.passThrough.referenceIntensity == 1.37);
    CHECK(c.policy.passThrough.exportShare == 0.2);
    const kc::Factor* gas = c.factor("gas");
    REQUIRE(gas);
    CHECK(gas->ou.meanLevels.at(0) == doctest::Approx(std::log(30.0)));
    const kc::Factor* h2 = c.factor("hydrogen");
    REQUIRE(h2);
    CHECK(h2->model == kc::FactorModel::Derived);
    // the electrolyser pays 0.571 of the power price (its 4,000 cheapest hours): 62.2 x 0.571 / 0.622 = 57.1
    CHECK(h2->powerPriceFactor == 0.571);
    CHECK(h2->derivedPrice(62.2) == doctest::Approx(57.1 + 101.0));
    CHECK(h2->adderMaturity == "electrolyser");
    // one doubling of electrolysis: 75% of the adder falls by 15%
    CHECK(h2->derivedPrice(62.2, 0.85) == doctest::Approx(57.1 + 101.0 * (0.25 + 0.75 * 0.85)));
    CHECK(c.policy.freeAllocation.phaseOut(2030) == 0.515);
    CHECK(c.policy.levy.rate(2026) == 78.67);
    CHECK(c.policy.levy.rate(2040) == 78.67);  // after_last_year: hold
    CHECK(c.policy.levy.benchmarkTPerT == 1.33);  // defaults to the free-allocation benchmark
    REQUIRE(c.options.size() == 3);
    const kp::Technology* sw = c.option("h2_switch");
    REQUIRE(sw);
    CHECK(sw->requiresOption == "ng_dri_eaf");
    CHECK(sw->infrastructure == std::vector<std::string>{"h2_backbone"});
    REQUIRE(sw->sde.has_value());
    CHECK(sw->sde->years == 10);
    CHECK(sw->grant.maxAmount == 2.0e9);  // policy.capital_grant is the default
    const kc::Infrastructure* bb = c.findInfrastructure("h2_backbone");
    REQUIRE(bb);
    CHECK(bb->arrival.cdf(2040) == doctest::Approx(0.9));  // 0.1 never
    const kc::Maturity* m = c.findMaturity("h2_dri");
    REQUIRE(m);
    CHECK(m->deployment.gbm.spot == 3.85);  // spot defaults to deployment0
    CHECK(c.alternatives.close.allowed);
    CHECK(c.simulation.paths == 100000);
}

TEST_CASE("Other examples: quarterly decisions, a discount curve, the levy ending after 2030") {
    const kc::CaseFile chem = kc::loadCaseFile(kExamples + "chemical_site_eboilers.yaml");
    CHECK(chem.valuation.frequency == kc::DecisionFrequency::Quarterly);
    CHECK(chem.valuation.datesPerYear() == 4);
    CHECK(chem.valuation.discount.rate(0) == doctest::Approx(0.07));
    CHECK(chem.valuation.discount.rate(7) == doctest::Approx(0.075));
    CHECK(chem.valuation.discount.rate(20) == doctest::Approx(0.08));
    CHECK(chem.valuation.discount.factor(2) == doctest::Approx(std::pow(1 + (0.07 + 0.01 * 2.0 / 14.0), -2.0)));
    CHECK(chem.policy.freeAllocation.phaseOut(2034) == 1.0);  // phase_out: none
    const kc::CaseFile ref = kc::loadCaseFile(kExamples + "refinery_hydrogen_ccs_porthos.yaml");
    CHECK(ref.policy.levy.rate(2030) == 78.67);
    CHECK(ref.policy.levy.rate(2031) == 0.0);  // after_last_year: zero
    const kp::Technology* ccs = ref.option("ccs");
    REQUIRE(ccs);
    CHECK(ccs->retrofit);
    CHECK(ccs->captureRate == 0.9);
}

TEST_CASE("The factors and the correlation matrix build a ModelSet") {
    const kc::CaseFile c = kc::loadCaseFile(kExamples + "steelworks_h2_dri.yaml");
    std::vector<kp::ModelPtr> models;
    for (const auto& f : c.factors)
        if (auto m = f.makeModel()) models.push_back(m);
    for (const auto& mt : c.maturity)
        if (auto m = mt.deployment.makeModel()) models.push_back(m);
    const kp::ModelSet set(models, c.correlation);
    CHECK(set.brownianDimensions() == c.brownianNames.size());
}

TEST_CASE("Bad input: each kind gives file, line, field and constraint") {
    struct Case {
        std::string file;
        std::string message;  // after "<path>"
    };
    const std::vector<Case> cases{
        {"unknown_key.yaml",
         ":3: valuation.horizn_years: the key 'horizn_years' is unknown, but must be a field of valuation "
         "(did you mean 'horizon_years'?)"},
        {"missing_field.yaml",
         ":11: plant.output_t_per_year: the field is missing, but must be given (a number > 0 (t/yr))"},
        {"wrong_type.yaml",
         ":3: valuation.horizon_years: the value is 'twenty', but must be an integer in [1, 100] (years)"},
        {"negative_capex.yaml",
         ":16: options.capture.capex: the value is -4.0e8, but must be >= 0 (EUR)"},
        {"negative_price.yaml", ":8: factors.co2.spot: the value is -70, but must be > 0"},
        {"probability_capture.yaml",
         ":18: options.capture.capture_rate: the value is 1.3, but must be in [0, 1] (share of direct "
         "emissions)"},
        {"probability_outside.yaml",
         ":27: infrastructure.co2_storage.arrival.probabilities.2030: the value is 1.2, but must be in "
         "[0, 1] (probability)"},
        {"probability_sum.yaml",
         ":27: infrastructure.co2_storage.arrival.probabilities: the sum of the probabilities is 1.3, but "
         "must be at most 1 (the rest is 'never')"},
        {"indefinite_correlation.yaml",
         ":25: correlations: the correlation matrix's smallest eigenvalue is -0.8, but must be >= 0 "
         "(positive semi-definite; the pairwise correlations are inconsistent)"},
        {"window_outside_horizon.yaml",
         ":21: options.capture.decision_window.latest: the latest decision year is 2050, but must be "
         "within the horizon [2026, 2045] and >= the earliest (2026)"},
        {"unknown_scenario.yaml",
         ":1: scenario: the scenario is 'acelerated', but must be one of stabilisation, relocation, "
         "innovation-hubs, accelerated or a .yaml file (did you mean 'accelerated'?)"},
        {"unknown_infrastructure.yaml",
         ":22: options.capture.infrastructure: the infrastructure is 'co2_storge', but must be one of "
         "co2_storage (did you mean 'co2_storage'?)"},
        {"missing_gas_factor.yaml",
         ":6: factors: factor 'gas' is missing, but must be given, because plant.gas_mwh_per_t is 1"},
    };
    for (const auto& k : cases) {
        const std::string path = kData + k.file;
        CAPTURE(k.file);
        CHECK_THROWS_AS((void)kc::loadCaseFile(path), kp::InvalidInput);
        CHECK(errorOf(path) == path + k.message);
    }
    CHECK(errorOf(kData + "valid_base.yaml") == "");
    CHECK(errorOf(kData + "no_such_file.yaml") ==
          kData + "no_such_file.yaml: the case file is not readable (No such file or directory), but must be a readable file");
}

TEST_CASE("A price path (factors.<name>.path): points sorted, the median followed, bad paths refused") {
    const kc::CaseFile c = kc::loadCaseFile(kData + "anchored_path.yaml");
    const kc::Factor& co2 = *c.factor("co2");
    REQUIRE(co2.hasPath());
    CHECK(co2.path.times == std::vector<double>{4.0, 14.0});  // 2030, 2040: sorted
    CHECK(co2.path.levels == std::vector<double>{130.0, 200.0});
    CHECK_FALSE(co2.path.mean);
    const kp::ModelPtr model = co2.makeModel();
    const auto* m = dynamic_cast<const kp::AnchoredGbm*>(model.get());
    REQUIRE(m != nullptr);
    CHECK(m->medianPrice(4.0) == doctest::Approx(130.0).epsilon(1e-12));
    CHECK(m->params().spot == 70.0);
    // the outlook the value command prints: the simulated median at 2030 and 2040 is the path
    // (20,000 paths: within 4 SE of a lognormal median, m s sqrt(pi / 2) / sqrt(n))
    const auto outlook = kc::factorOutlook(c, {2030, 2040, 2050});
    REQUIRE(outlook.size() == 1);
    REQUIRE(outlook[0].years.size() == 2);  // 2050 is past the 20-year horizon
    for (const auto& y : outlook[0].years) {
        const double t = y.year - 2026.0, path = m->medianPrice(t);
        const double se = path * 0.4 * std::sqrt(t) * std::sqrt(std::acos(-1.0) / 2) / std::sqrt(20000.0);
        CAPTURE(y.year);
        CHECK(std::abs(y.median - path) <= 4 * se);
    }
    CHECK(outlook[0].warning.empty());
    // a preset's CO2 anchor replaces the path: accelerated is NGFS net-zero-2050/remind (2030: 268 EUR/t)
    kc::LoadOptions o;
    o.scenario = "accelerated";
    const kc::CaseFile acc = kc::loadCaseFile(kData + "anchored_path.yaml", o);
    CHECK(acc.factor("co2")->pathSource == "ngfs/net-zero-2050/remind");
    CHECK(acc.factor("co2")->path.levels[0] == doctest::Approx(283.6971915680001 * 1.254 / 1.3257));
    CHECK(errorOf(kData + "path_with_mu.yaml") ==
          kData + "path_with_mu.yaml:9: factors.co2.parameters.mu: the field is given, but must be omitted when "
                  "factors.co2.path is given (the path sets the trend)");
    const std::string early = errorOf(kData + "path_start_year.yaml");
    CAPTURE(early);
    CHECK(early.find("factors.co2.path.points.2026: the value is 2026, but must be") != std::string::npos);
    CHECK(early.find("a year after start_year (2026)") != std::string::npos);
}

TEST_CASE("A price path from NGFS (built in) or a CSV file, with the floor and bad names refused") {
    const std::string base = kData + "anchored_path.yaml";
    auto withPath = [&](std::vector<std::string> sets) {
        sets.insert(sets.begin(), "factors.co2.path=null");
        return kc::loadCaseFile(base, {sets, ""});
    };
    // NGFS Phase V, REMIND-MAgPIE EU 28, Net Zero 2050 (FACTS.md 15: 284 / 711 US$2010 in 2030 / 2040),
    // in EUR2022 (x 1.254 / 1.3257); years after 2026 only; today's spot 70 as the floor
    const kc::CaseFile nz = withPath({"factors.co2.path=ngfs/net-zero-2050/remind"});
    const kc::Factor& f = *nz.factor("co2");
    CHECK(f.pathSource == "ngfs/net-zero-2050/remind");
    CHECK_FALSE(f.path.mean);
    REQUIRE(f.path.times == std::vector<double>{4, 9, 14, 19, 24});  // 2030 ... 2050
    CHECK(f.path.levels[0] == doctest::Approx(283.6971915680001 * 1.254 / 1.3257));
    CHECK(f.path.levels[2] == doctest::Approx(711.332794032 * 1.254 / 1.3257));
    CHECK(f.path.levels[2] == doctest::Approx(672.9).epsilon(1e-3));  // FACTS.md 15: "~673 EUR2022"
    // a path of zeros (GCAM's Current Policies for the EU) is held at the floor: the spot, or `floor`
    const kc::CaseFile cp = withPath({"factors.co2.path=ngfs/current-policies/gcam"});
    for (double v : cp.factor("co2")->path.levels) CHECK(v == 70.0);
    const kc::CaseFile cpf = withPath({"factors.co2.path={ngfs: current-policies/gcam, floor: 80, anchor: mean}"});
    for (double v : cpf.factor("co2")->path.levels) CHECK(v == 80.0);
    CHECK(cpf.factor("co2")->path.mean);
    // the same floor on an exp-OU factor (its spot is the OU's, not the GBM's)
    const kc::CaseFile ou = withPath({"factors.co2.model=ou", "factors.co2.parameters={kappa: 0.5, sigma: 0.4}",
                                      "factors.co2.path=ngfs/current-policies/gcam"});
    for (double v : ou.factor("co2")->path.levels) CHECK(v == 70.0);
    CHECK(kc::ngfsPath("below-2c/message").points.size() == 7);  // 2020-2050; the degree sign read right
    const std::string unknown = errorOf(base, {{"factors.co2.path=null", "factors.co2.path=ngfs/net-zero/remind"}, ""});
    CAPTURE(unknown);
    CHECK(unknown.find("factors.co2.path: the NGFS path is 'net-zero/remind', but must be <scenario>/<model> with "
                       "scenario one of net-zero-2050, below-2c") != std::string::npos);
    CHECK(unknown.find("model one of remind, gcam, message") != std::string::npos);
    // a CSV of year,price (relative to the case file), shorthand or as `file`
    const kc::CaseFile csv = withPath({"factors.co2.path=eua_path.csv"});
    CHECK(csv.factor("co2")->path.times == std::vector<double>{4, 9, 19});
    CHECK(csv.factor("co2")->path.levels == std::vector<double>{120, 150.5, 210});
    CHECK(withPath({"factors.co2.path={file: eua_path.csv, anchor: mean}"}).factor("co2")->path.mean);
    const std::string bad = errorOf(base, {{"factors.co2.path=null", "factors.co2.path=bad_path.csv"}, ""});
    CHECK(bad.find(kData + "bad_path.csv:3: the price is '-5', but must be a number > 0") == 0);
    CHECK(errorOf(base, {{"factors.co2.path=null", "factors.co2.path={points: {2030: 100}, file: eua_path.csv}"}, ""})
              .find("factors.co2.path: the path is 2 sources, but must be exactly one of points, file") !=
          std::string::npos);
    CHECK(errorOf(base, {{"factors.co2.path=null", "factors.co2.path={points: {2030: 100}, floor: 50}"}, ""})
              .find("factors.co2.path.floor: the key is 'floor', but must be given only with ngfs") !=
          std::string::npos);
}

TEST_CASE("A path on an exp-OU factor: deviations revert to it (kappa), no mean level of its own") {
    const std::string base = kData + "anchored_path.yaml";
    const kc::CaseFile c = kc::loadCaseFile(
        base, {{"factors.co2.model=ou", "factors.co2.parameters={kappa: 0.53, sigma: 0.415}"}, ""});
    const kc::Factor& f = *c.factor("co2");
    REQUIRE(f.hasPath());
    const kp::ModelPtr model = f.makeModel();
    const auto* m = dynamic_cast<const kp::AnchoredGbm*>(model.get());
    REQUIRE(m != nullptr);
    CHECK(m->params().kappa == 0.53);
    CHECK(m->params().vol == 0.415);
    CHECK(m->medianPrice(4.0) == doctest::Approx(130.0).epsilon(1e-12));
    // bounded spread: the long-run log variance is sigma^2 / (2 kappa), not sigma^2 t
    CHECK(m->logVariance(24.0) == doctest::Approx(0.415 * 0.415 / (2 * 0.53)).epsilon(1e-6));
    // a preset's CO2 anchor replaces the path (not a mean level) of an OU factor
    kc::LoadOptions o{{"factors.co2.model=ou", "factors.co2.parameters={kappa: 0.53, sigma: 0.415}"}, "accelerated"};
    CHECK(kc::loadCaseFile(base, o).factor("co2")->path.levels[0] == doctest::Approx(283.6971915680001 * 1.254 / 1.3257));
    CHECK(errorOf(base, {{"factors.co2.model=ou", "factors.co2.parameters={kappa: 0.5, sigma: 0.4, long_run_price: 90}"},
                         ""})
              .find("factors.co2.parameters.long_run_price: the field is given, but must be omitted when "
                    "factors.co2.path is given (the path is the level)") != std::string::npos);
    CHECK(errorOf(base, {{"factors.co2.model=constant", "factors.co2.value=70", "factors.co2.parameters=null"}, ""})
              .find("factors.co2.path: the key is 'path', but must be given only with model gbm, ou, schwartz-smith "
                    "or jump") != std::string::npos);
}

TEST_CASE("A path on a Schwartz-Smith factor: the long-term factor follows it; mu_xi and chi0 refused beside it") {
    const std::string base = kData + "anchored_path.yaml";
    const std::string model = "factors.co2.model=schwartz-smith",
                      params = "factors.co2.parameters={kappa: 1.5, sigma_chi: 0.3, sigma_xi: 0.15, rho: 0.3}";
    const kc::CaseFile c = kc::loadCaseFile(base, {{model, params}, ""});
    const kc::Factor& f = *c.factor("co2");
    REQUIRE(f.hasPath());
    CHECK(f.pathSource == "points");
    CHECK(f.spot() == doctest::Approx(70.0).epsilon(1e-14));
    const kp::ModelPtr mp = f.makeModel();
    const auto* m = dynamic_cast<const kp::SchwartzSmith*>(mp.get());
    REQUIRE(m != nullptr);
    CHECK(m->params().muXi == 0.0);
    CHECK(m->params().chi0 == 0.0);
    CHECK(m->path().times == std::vector<double>{4.0, 14.0});
    CHECK(std::exp(m->logMean(4.0)) == doctest::Approx(130.0).epsilon(1e-12));  // median anchor, chi0 = 0
    // the outlook's simulated median at 2030 and 2040 is the path (20,000 paths, within 4 SE of a
    // lognormal median, m sqrt(v) sqrt(pi / 2) / sqrt(n), v = Var log S(t))
    const auto outlook = kc::factorOutlook(c, {2030, 2040});
    REQUIRE(outlook.size() == 1);
    REQUIRE(outlook[0].years.size() == 2);
    for (const auto& y : outlook[0].years) {
        const double t = y.year - 2026.0, path = std::exp(m->logAnchor(t));
        const double se = path * std::sqrt(m->logVariance(t)) * std::sqrt(std::acos(-1.0) / 2) / std::sqrt(20000.0);
        CAPTURE(y.year);
        CAPTURE(y.median);
        CAPTURE(path);
        CAPTURE(se);
        CHECK(std::abs(y.median - path) <= 4 * se);
    }
    CHECK(outlook[0].warning.empty());
    // NGFS, floored at the spot: the model's path is the NGFS points
    const kc::CaseFile ng = kc::loadCaseFile(
        base, {{model, params, "factors.co2.path=null", "factors.co2.path=ngfs/net-zero-2050/remind"}, ""});
    const kc::Factor& g = *ng.factor("co2");
    CHECK(g.pathSource == "ngfs/net-zero-2050/remind");
    const kp::ModelPtr gp = g.makeModel();
    const auto* gm = dynamic_cast<const kp::SchwartzSmith*>(gp.get());
    REQUIRE(gm != nullptr);
    REQUIRE(g.path.times == std::vector<double>{4, 9, 14, 19, 24});
    CHECK(std::exp(gm->logAnchor(14.0)) == doctest::Approx(711.332794032 * 1.254 / 1.3257));
    // a preset's CO2 anchor replaces the path; the long-term factor starts at today's price, no own trend
    kc::LoadOptions o{{model, params}, "accelerated"};
    const kc::CaseFile acc = kc::loadCaseFile(base, o);
    const kc::Factor& af = *acc.factor("co2");
    CHECK(af.path.levels[0] == doctest::Approx(283.6971915680001 * 1.254 / 1.3257));
    CHECK(std::exp(af.schwartzSmith.xi0 + af.schwartzSmith.chi0) == doctest::Approx(70.0));
    CHECK(af.schwartzSmith.muXi == 0.0);
    CHECK_NOTHROW((void)af.makeModel());
    // parameters the path replaces
    const std::string muXi = errorOf(
        base, {{model, "factors.co2.parameters={kappa: 1.5, sigma_chi: 0.3, mu_xi: 0.02, sigma_xi: 0.15}"}, ""});
    CAPTURE(muXi);
    CHECK(muXi.find("factors.co2.parameters.mu_xi: the field is given, but must be omitted when factors.co2.path "
                    "is given (the path sets the trend)") != std::string::npos);
    const std::string chi0 = errorOf(base, {{model, params, "factors.co2.chi0=0.1"}, ""});
    CAPTURE(chi0);
    CHECK(chi0.find("factors.co2.chi0: the field is given, but must be omitted when factors.co2.path is given "
                    "(the path starts at the spot: chi0 = 0)") != std::string::npos);
}

TEST_CASE("A path on a jump factor: the mean path followed; a median path, mu and yield refused") {
    const std::string base = kData + "anchored_path.yaml";
    const std::string model = "factors.co2.model=jump",
                      params = "factors.co2.parameters={sigma: 0.2, lambda: 1.5, jump_mean: -0.08, jump_vol: 0.15}";
    const kc::CaseFile c = kc::loadCaseFile(base, {{model, params, "factors.co2.path.anchor=mean"}, ""});
    const kc::Factor& f = *c.factor("co2");
    REQUIRE(f.hasPath());
    CHECK(f.path.mean);
    const kp::ModelPtr mp = f.makeModel();
    const auto* m = dynamic_cast<const kp::MertonJump*>(mp.get());
    REQUIRE(m != nullptr);
    CHECK(m->params().drift == 0.0);
    CHECK(m->expectedPrice(4.0) == doctest::Approx(130.0).epsilon(1e-12));
    CHECK(m->expectedPrice(14.0) == doctest::Approx(200.0).epsilon(1e-12));
    // the outlook's simulated mean (20,000 paths) is the path within 4 of its standard errors
    const auto outlook = kc::factorOutlook(c, {2030, 2040});
    REQUIRE(outlook.size() == 1);
    REQUIRE(outlook[0].years.size() == 2);
    for (const auto& y : outlook[0].years) {
        const double path = m->expectedPrice(y.year - 2026.0);
        CAPTURE(y.year);
        CAPTURE(y.mean);
        CAPTURE(path);
        CAPTURE(y.meanStdError);
        CHECK(std::abs(y.mean - path) <= 4 * y.meanStdError);
    }
    CHECK(outlook[0].warning.empty());
    // NGFS as a mean path (the map form)
    const kc::CaseFile ng = kc::loadCaseFile(
        base, {{model, params, "factors.co2.path=null", "factors.co2.path={anchor: mean, ngfs: net-zero-2050/remind}"},
               ""});
    const kp::ModelPtr gp = ng.factor("co2")->makeModel();
    CHECK(gp->expectedPrice(4.0) == doctest::Approx(283.6971915680001 * 1.254 / 1.3257));
    // a preset's CO2 anchor replaces the path, as a mean path for a jump factor; the drift stays 0
    const kc::CaseFile acc = kc::loadCaseFile(base, {{model, params, "factors.co2.path.anchor=mean"}, "accelerated"});
    CHECK(acc.factor("co2")->path.levels[0] == doctest::Approx(283.6971915680001 * 1.254 / 1.3257));
    CHECK(acc.factor("co2")->path.mean);
    CHECK(acc.factor("co2")->jump.drift == 0.0);
    CHECK_NOTHROW((void)acc.factor("co2")->makeModel());
    // a median path: the anchor as written, the default, or a shorthand
    const std::string median = errorOf(base, {{model, params}, ""});
    CAPTURE(median);
    CHECK(median.find("factors.co2.path.anchor: the anchor is 'median', but must be 'mean' for model jump") !=
          std::string::npos);
    const std::string byDefault = errorOf(
        base, {{model, params, "factors.co2.path=null", "factors.co2.path={points: {2030: 130}}"}, ""});
    CAPTURE(byDefault);
    CHECK(byDefault.find("factors.co2.path: the anchor is 'median' (the default), but must be 'mean' for model jump") !=
          std::string::npos);
    const std::string shorthand = errorOf(
        base, {{model, params, "factors.co2.path=null", "factors.co2.path=ngfs/net-zero-2050/remind"}, ""});
    CAPTURE(shorthand);
    CHECK(shorthand.find("factors.co2.path: the path is 'ngfs/net-zero-2050/remind' (a median path), but must be a "
                         "map with anchor: mean for model jump, e.g. {anchor: mean, ngfs: net-zero-2050/remind}") !=
          std::string::npos);
    // parameters the path replaces
    for (const char* key : {"mu", "yield"}) {
        const std::string e = errorOf(base, {{model, params, "factors.co2.path.anchor=mean",
                                              std::string("factors.co2.parameters.") + key + "=0.03"},
                                             ""});
        CAPTURE(e);
        CHECK(e.find(std::string("factors.co2.parameters.") + key +
                     ": the field is given, but must be omitted when factors.co2.path is given (the path sets the "
                     "trend)") != std::string::npos);
    }
}

TEST_CASE("The outlook warns when a GBM's median falls against a positive drift (mu 0.03, sigma 0.415)") {
    const kc::CaseFile c = kc::loadCaseFile(kExamples + "minimal_case.yaml");
    const auto outlook = kc::factorOutlook(c);
    REQUIRE(outlook.size() == 1);
    CAPTURE(outlook[0].warning);
    // median 70 exp(-0.0561 x 24) = 18.2 EUR/t in 2050 against a spot of 70
    CHECK(outlook[0].warning.find("factors.co2: the median falls from 70 to") == 0);
    CHECK(outlook[0].warning.find("mu - sigma^2/2 = -5.6% a year") != std::string::npos);
    REQUIRE(outlook[0].years.size() == 2);  // 2030, 2040 (horizon to 2045)
    CHECK(outlook[0].years[1].median < 70 * std::exp(-0.0561 * 14) * 1.1);
    CHECK(outlook[0].years[1].mean > 70);  // while the mean grows at mu
    // a negative drift that falls is what the user wrote: no warning
    kc::LoadOptions o;
    o.overrides = {"factors.co2.parameters.mu=-0.01"};
    CHECK(kc::factorOutlook(kc::loadCaseFile(kExamples + "minimal_case.yaml", o))[0].warning.empty());
}

TEST_CASE("Calibration parameter files: the calibrate --out format and the {value, std_error} form") {
    const kc::CaseFile c = kc::loadCaseFile(kData + "params_files.yaml");
    const kc::Factor* co2 = c.factor("co2");
    REQUIRE(co2);
    CHECK(co2->model == kc::FactorModel::Gbm);
    CHECK(co2->gbm.spot == 69.5);    // from the file
    CHECK(co2->gbm.drift == 0.12);   // from the file
    CHECK(co2->gbm.vol == 0.40);     // inline wins over the file's 0.45
    CHECK(co2->stdErrors.at("mu") == 0.11);
    CHECK(co2->paramsFile == kData + "eua_gbm_params.yaml");
    const kc::Factor* gas = c.factor("gas");
    REQUIRE(gas);
    CHECK(gas->model == kc::FactorModel::Ou);
    CHECK(gas->ou.kappa == 0.34);
    CHECK(gas->ou.meanLevels.at(0) == 3.4);
    CHECK(gas->ou.spot == 36.2);
    CHECK(gas->stdErrors.at("kappa") == 0.1);
    // a model that contradicts the file
    const std::string err = errorOf(kData + "params_files.yaml", {{"factors.co2.model=ou"}, ""});
    CHECK(err.find("factors.co2.model: the model is 'ou', but must be the model of params_file ('gbm') or omitted") !=
          std::string::npos);
}

TEST_CASE("--set overrides: values, list elements, new keys, bad values") {
    YAML::Node n = YAML::Load("a: {b: 1, c: [1, 2, 3]}");
    kc::applyOverride(n, "a.b=5");
    kc::applyOverride(n, "a.c.1=7");
    kc::applyOverride(n, "a.d.e=[1, 2]");
    CHECK(n["a"]["b"].as<int>() == 5);
    CHECK(n["a"]["c"][1].as<int>() == 7);
    CHECK(n["a"]["d"]["e"].size() == 2);
    CHECK_THROWS_AS(kc::applyOverride(n, "a.b"), kp::InvalidInput);          // no '='
    CHECK_THROWS_AS(kc::applyOverride(n, "a.c.9=1"), kp::InvalidInput);      // index out of range
    CHECK_THROWS_AS(kc::applyOverride(n, "a.b.x=1"), kp::InvalidInput);      // below a scalar
    CHECK_THROWS_AS(kc::applyOverride(n, "a..b=1"), kp::InvalidInput);       // empty component

    const std::string base = kData + "valid_base.yaml";
    const kc::CaseFile c = kc::loadCaseFile(
        base, {{"options.capture.capex=5e8", "simulation.paths=2000", "policy.capital_grant.share=0.25"}, ""});
    CHECK(c.option("capture")->capex == 5e8);
    CHECK(c.option("capture")->grant.share == 0.25);
    CHECK(c.simulation.paths == 2000);
    const kc::CaseFile s = kc::loadCaseFile(kExamples + "steelworks_h2_dri.yaml", {{"correlations.0.2=0.3"}, ""});
    CHECK(s.correlation(0, 1) == 0.3);
    CHECK(errorOf(base, {{"valuation.horizon_years=abc"}, ""}) ==
          base + " (--set valuation.horizon_years): valuation.horizon_years: the value is 'abc', but must be "
                 "an integer in [1, 100] (years)");
    const std::string typo = errorOf(base, {{"options.capture.capx=1"}, ""});
    CHECK(typo.find(base + " (--set options.capture.capx): options.capture.capx: the key 'capx' is unknown") == 0);
    CHECK(typo.find("did you mean 'capex'?") != std::string::npos);
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    // power_price_factor: 1 is the power price itself (the default); outside (0, 2] refused
    const kc::CaseFile one = kc::loadCaseFile(steel, {{"factors.hydrogen.power_price_factor=1"}, ""});
    CHECK(one.factor("hydrogen")->derivedPrice(62.2) == doctest::Approx(100.0 + 101.0));
    CHECK(one.factor("hydrogen")->effectiveEfficiency() == 0.622);
    CHECK(errorOf(steel, {{"factors.hydrogen.power_price_factor=0"}, ""}).find(
              "factors.hydrogen.power_price_factor: the value is 0, but must be in (0, 2]") != std::string::npos);
    const std::string m = errorOf(steel, {{"factors.hydrogen.adder_maturity=electrolyzer"}, ""});
    CHECK(m.find("factors.hydrogen.adder_maturity: the maturity is 'electrolyzer', but must be one of h2_dri, "
                 "electrolyser (did you mean 'electrolyser'?)") != std::string::npos);
}

TEST_CASE("Carbon pass-through (policy.carbon_pass_through): fields, defaults, bad values") {
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    const kc::CaseFile none = kc::loadCaseFile(steel, {{"policy.carbon_pass_through=null"}, ""});
    CHECK(none.policy.passThrough.share == 0.0);  // off unless the case gives it
    const kc::CaseFile c = kc::loadCaseFile(
        steel, {{"policy.carbon_pass_through=null", "policy.carbon_pass_through.share=0.75",
                 "policy.carbon_pass_through.reference_intensity_t_per_t=1.37",
                 "policy.carbon_pass_through.export_share=0.2"},
                ""});
    const kp::CarbonPassThrough& pt = c.policy.passThrough;
    CHECK(pt.share == 0.75);
    CHECK(pt.referenceIntensity == 1.37);
    CHECK(pt.exportShare == 0.2);
    CHECK(pt.referenceBenchmark == 1.33);  // default: the plant's free-allocation benchmark
    CHECK(pt.referencePhaseOut.points == kp::FreeAllocation::cbamFactor().points);  // and its phase-out
    const kc::CaseFile n = kc::loadCaseFile(
        steel, {{"policy.carbon_pass_through=null", "policy.carbon_pass_through.share=1",
                 "policy.carbon_pass_through.reference_intensity_t_per_t=2",
                 "policy.carbon_pass_through.reference_phase_out=none"},
                ""});
    CHECK(n.policy.passThrough.perEua(2040) == doctest::Approx(2.0 - 1.33));  // free allocation kept
    CHECK(errorOf(steel, {{"policy.carbon_pass_through.share=1.5",
                           "policy.carbon_pass_through.reference_intensity_t_per_t=1.37"},
                          ""})
              .find("policy.carbon_pass_through.share: the value is 1.5, but must be in [0, 1]") != std::string::npos);
    CHECK(errorOf(steel, {{"policy.carbon_pass_through=null", "policy.carbon_pass_through.share=0.5"}, ""})
              .find("policy.carbon_pass_through.reference_intensity_t_per_t: the field is missing, but must be given") !=
          std::string::npos);
}

TEST_CASE("The plant's end: decommissioning cost and a reline option, fields and bad values") {
    const std::string minimal = kExamples + "minimal_case.yaml";
    const kc::CaseFile c = kc::loadCaseFile(
        minimal, {{"plant.decommissioning_cost=2.5e8",
                   "plant.reline={capex: 1.0e8, years_added: 15, decision_window: {earliest: 2040, latest: 2049}}"},
                  ""});
    CHECK(c.plant.decommissioningCost == 2.5e8);
    const kc::CaseFile j = kc::loadCaseFile(
        minimal, {{"plant.jobs=800", "options.capture.jobs=850", "leakage={foreign_intensity_t_per_t: 1.2}"}, ""});
    CHECK(j.plant.jobs == 800);
    CHECK(j.option("capture")->jobs == 850);
    CHECK(j.leakage);
    CHECK(j.plant.foreignIntensity == 1.2);
    CHECK_FALSE(kc::loadCaseFile(minimal).leakage);
    CHECK(kc::loadCaseFile(minimal).option("capture")->jobs < 0);  // as the plant
    CHECK(errorOf(minimal, {{"leakage={foreign_intensity_t_per_t: -1}"}, ""})
              .find("leakage.foreign_intensity_t_per_t: the value is -1, but must be in [0, 100]") != std::string::npos);
    CHECK(c.plant.reline);
    const kp::Technology* r = c.option("reline");
    REQUIRE(r != nullptr);
    CHECK(r->isReline());
    CHECK(r->retrofit);
    CHECK(r->captureRate == 0);
    CHECK(r->capex == 1e8);
    CHECK(r->relineYearsAdded == 15);
    CHECK(r->lifetimeYears == 25 + 15);  // the minimal plant's 25 years plus 15
    CHECK(r->earliestDecisionYear == 2040);
    CHECK(r->latestDecisionYear == 2049);
    CHECK(r->grant.share == 0);  // the policy's grant is for decarbonisation, not for relining
    const kc::CaseFile d = kc::loadCaseFile(minimal, {{"plant.reline={capex: 1.0e8, years_added: 15}"}, ""});
    CHECK(d.option("reline")->earliestDecisionYear == 2026);
    CHECK(d.option("reline")->latestDecisionYear == 2050);  // the last year the plant runs
    CHECK(d.plant.investAfterReline);  // decisions after the reline by default (plant.reline.invest_after)
    CHECK_FALSE(kc::loadCaseFile(minimal, {{"plant.reline={capex: 1.0e8, years_added: 15, invest_after: false}"}, ""})
                    .plant.investAfterReline);
    CHECK_FALSE(kc::loadCaseFile(minimal).plant.reline);

    CHECK(errorOf(minimal, {{"plant.decommissioning_cost=-1"}, ""})
              .find("plant.decommissioning_cost: the value is -1, but must be in [0, 1e13] EUR") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.reline={capex: 1.0e8, years_added: 15, decision_window: {latest: 2051}}"}, ""})
              .find("plant.reline.decision_window.latest: the value is 2051, but must be while the plant runs, in "
                    "[2026, 2050]") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.reline={capex: 1.0e8}"}, ""}).find("plant.reline.years_added") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.reline={capex: 1.0e8, years_added: 5}",
                             "options.reline={capex: 1.0e8, retrofit: true, capture_rate: 0.5, construction_years: 1, "
                             "lifetime_years: 10}"},
                            ""})
              .find("options.reline: the option name is 'reline', but must be another name: plant.reline adds an "
                    "option named 'reline'") != std::string::npos);
}

TEST_CASE("Mothballing (plant.mothball): the options 'mothball' and 'restart', defaults and bad values") {
    const std::string minimal = kExamples + "minimal_case.yaml";
    const kc::CaseFile c = kc::loadCaseFile(
        minimal, {{"plant.jobs=800",
                   "plant.mothball={cost_per_year: 1.5e7, restart_cost: 4.0e7, restart_years: 2, start_cost: 1e6, "
                   "jobs: 60, decision_window: {earliest: 2030, latest: 2040}}"},
                  ""});
    CHECK(c.plant.mothball);
    const kp::Technology* m = c.option("mothball");
    const kp::Technology* r = c.option("restart");
    REQUIRE(m != nullptr);
    REQUIRE(r != nullptr);
    CHECK(m->isMothball());
    CHECK(m->fixedOpex == 1.5e7);
    CHECK(m->capex == 1e6);
    CHECK(m->jobs == 60);
    CHECK(m->earliestDecisionYear == 2030);
    CHECK(m->latestDecisionYear == 2040);
    CHECK(m->grant.share == 0);
    CHECK(r->isRestart());
    CHECK(r->requiresOption == "mothball");
    CHECK(r->capex == 4e7);
    CHECK(r->constructionYears == 2);
    CHECK(r->lifetimeYears == 25);
    CHECK(r->grant.share == 0);
    const kc::CaseFile d = kc::loadCaseFile(
        minimal, {{"plant.jobs=800", "plant.mothball={cost_per_year: 1.5e7, restart_cost: 4.0e7}"}, ""});
    CHECK(d.option("restart")->constructionYears == 1);
    CHECK(d.option("mothball")->capex == 0);
    CHECK(d.option("mothball")->jobs == doctest::Approx(80));  // ASSUMPTION: a tenth of the plant's
    CHECK(d.option("mothball")->earliestDecisionYear == 2026);
    CHECK(d.option("mothball")->latestDecisionYear == 2050);
    CHECK_FALSE(kc::loadCaseFile(minimal).plant.mothball);
    CHECK(kc::loadCaseFile(minimal).option("mothball") == nullptr);

    CHECK(errorOf(minimal, {{"plant.mothball={restart_cost: 4.0e7}"}, ""}).find("plant.mothball.cost_per_year") !=
          std::string::npos);
    CHECK(errorOf(minimal, {{"plant.mothball={cost_per_year: -1, restart_cost: 4.0e7}"}, ""})
              .find("plant.mothball.cost_per_year: the value is -1, but must be in [0, 1e12] EUR/yr") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.remaining_life_years=20",
                             "plant.mothball={cost_per_year: 1e7, restart_cost: 4.0e7, restart_years: 20}"},
                            ""})
              .find("plant.mothball.restart_years: the restart time is 20 years, but must be shorter than the "
                    "plant's remaining life (20 years)") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.mothball={cost_per_year: 1e7, restart_cost: 4.0e7, restart_years: 25}"}, ""})
              .find("plant.mothball.restart_years: the value is 25, but must be in [0, 20]") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.mothball={cost_per_year: 1e7, restart_cost: 4.0e7, decision_window: {latest: 2051}}"}, ""})
              .find("plant.mothball.decision_window.latest: the value is 2051, but must be while the plant runs, in "
                    "[2026, 2050]") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.mothball={cost_per_year: 1e7, restart_cost: 4.0e7, cost: 3}"}, ""})
              .find("plant.mothball.cost") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.mothball={cost_per_year: 1e7, restart_cost: 4.0e7}",
                             "options.restart={capex: 1.0e8, retrofit: true, capture_rate: 0.5, construction_years: 1, "
                             "lifetime_years: 10}"},
                            ""})
              .find("options.restart: the option name is 'restart', but must be another name: plant.mothball adds the "
                    "options 'mothball' and 'restart'") != std::string::npos);
    CHECK(errorOf(minimal, {{"plant.mothball={cost_per_year: 1e7, restart_cost: 4.0e7}",
                             "options.h2={capex: 1.0e8, construction_years: 1, lifetime_years: 10, emission_intensity_t_per_t: 0.1, requires: mothball}"},
                            ""})
              .find("options.h2.requires: the required option is 'mothball' (mothballing), but must be a technology") !=
          std::string::npos);
    CHECK(errorOf(minimal, {{"plant.remaining_life_years=0", "plant.mothball={cost_per_year: 1e7, restart_cost: 4.0e7}"}, ""})
              .find("plant.mothball: mothballing is offered for a plant with no remaining life") != std::string::npos);
}

TEST_CASE("Contracts for difference, subsidy rounds and claw-backs: fields and bad values") {
    const std::string minimal = kExamples + "minimal_case.yaml";
    const kc::CaseFile c = kc::loadCaseFile(
        minimal, {{"options.capture.ccfd={strike: 130, years: 12, max_volume_t_per_year: 8.0e5, "
                   "round: {open: 2027, deadline: 2030}}"},
                  ""});
    const kp::SdeSubsidy& cfd = *c.option("capture")->sde;
    CHECK(cfd.twoSided());
    CHECK(cfd.baseAmount == 130);
    CHECK(cfd.co2Coef == 1);
    CHECK(cfd.years == 12);
    CHECK(cfd.maxVolume == 8e5);
    CHECK(cfd.rate(200, 0, 0, 0) == -70);
    CHECK(cfd.openYear == 2027);
    CHECK(cfd.deadlineYear == 2030);
    const kc::CaseFile r = kc::loadCaseFile(
        minimal, {{"options.capture.sde={base_amount: 80, years: 15, round: {deadline: 2028}}"}, ""});
    CHECK(r.option("capture")->sde->openYear == 2026);  // opens at the start by default
    CHECK_FALSE(r.option("capture")->sde->twoSided());
    CHECK_FALSE(r.option("capture")->sde->capped());  // no budget by default
    const kc::CaseFile bud = kc::loadCaseFile(
        minimal, {{"options.capture.ccfd={strike: 130, years: 12, round: {budget: 5.0e8}}"}, ""});
    CHECK(bud.option("capture")->sde->budget == 5e8);
    CHECK(bud.option("capture")->sde->capped());
    CHECK(bud.option("capture")->sde->deadlineYear == 1'000'000);  // a budget without a deadline: open to the end
    CHECK(errorOf(minimal, {{"options.capture.sde={base_amount: 80, years: 15, round: {budget: -1}}"}, ""})
              .find("options.capture.sde.round.budget: the value is -1, but must be in [0, 1e15] EUR") !=
          std::string::npos);
    const kc::CaseFile g = kc::loadCaseFile(
        minimal, {{"options.capture.capital_grant={share: 0.5, clawback: {year: 2032, max_emissions_t: 5.0e5}}"}, ""});
    CHECK(g.option("capture")->grant.clawbackYear == 2032);
    CHECK(g.option("capture")->grant.clawbackMaxEmissions == 5e5);
    CHECK(g.option("capture")->grant.clawbackShare == 1.0);  // all of it by default

    CHECK(errorOf(minimal, {{"options.capture.sde={base_amount: 80, years: 15}",
                             "options.capture.ccfd={strike: 100, years: 10}"},
                            ""})
              .find("options.capture.ccfd: the contract is a ccfd beside an sde, but must be either sde or ccfd") !=
          std::string::npos);
    CHECK(errorOf(minimal, {{"options.capture.ccfd={strike: 100, years: 10, round: {open: 2030, deadline: 2028}}"}, ""})
              .find("options.capture.ccfd.round.deadline: the deadline is 2028, but must be >= the year the round "
                    "opens (2030)") != std::string::npos);
    CHECK(errorOf(minimal, {{"options.capture.capital_grant={share: 0.5, clawback: {year: 2060, max_emissions_t: 1}}"},
                            ""})
              .find("options.capture.capital_grant.clawback.year: the value is 2060, but must be within "
                    "the horizon [2026, 2045]") != std::string::npos);
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    CHECK(errorOf(steel, {{"options.ng_dri_eaf.capital_grant={share: 0.3, clawback: {year: 2032, max_emissions_t: 1}}"},
                          ""})
              .find("options.ng_dri_eaf.capital_grant.clawback: the claw-back is on an option with a stage "
                    "('h2_switch'), but must be on an option without a stage") != std::string::npos);
}

TEST_CASE("A technology beside the plant (alongside) and its licence income: fields and bad values") {
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    const kc::CaseFile c = kc::loadCaseFile(
        steel, {{"options.h2_dri_eaf.alongside=true", "options.h2_dri_eaf.output_scale=0.1",
                 "options.h2_dri_eaf.licensing={eur_per_year: 1.0e7}"},
                ""});
    CHECK(c.option("h2_dri_eaf")->alongside);
    CHECK(c.option("h2_dri_eaf")->licensingPerYear == 1e7);
    CHECK_FALSE(c.option("ng_dri_eaf")->alongside);
    // a retrofit already runs the plant on
    CHECK(errorOf(kExamples + "minimal_case.yaml", {{"options.capture.alongside=true"}, ""})
              .find("options.capture.alongside: the option is alongside and a retrofit, but must be one of them") !=
          std::string::npos);
    // a stage runs where its parent runs
    CHECK(errorOf(steel, {{"options.h2_switch.alongside=true"}, ""})
              .find("options.h2_switch.alongside: the option is alongside and a stage (requires 'ng_dri_eaf'), but "
                    "must be a technology") != std::string::npos);
    CHECK(errorOf(steel, {{"options.ng_dri_eaf.licensing={eur_per_year: 1.0e7}"}, ""})
              .find("options.ng_dri_eaf.licensing: the licence income is on an option not beside the plant, but must "
                    "be on an option with alongside: true") != std::string::npos);
    CHECK(errorOf(steel, {{"options.h2_dri_eaf.alongside=true", "options.h2_dri_eaf.licensing={eur_per_year: -1}"}, ""})
              .find("options.h2_dri_eaf.licensing.eur_per_year: the value is -1, but must be in [0, 1e12]") !=
          std::string::npos);
    CHECK(errorOf(steel, {{"options.h2_dri_eaf.alongside=true",
                           "options.h2_dri_eaf.capital_grant={share: 0.3, clawback: {year: 2032, max_emissions_t: 1}}"},
                          ""})
              .find("options.h2_dri_eaf.capital_grant.clawback: the claw-back is on an option beside the plant") !=
          std::string::npos);
    CHECK(errorOf(steel, {{"options.h2_dri_eaf.alongside=maybe"}, ""}).find("options.h2_dri_eaf.alongside") !=
          std::string::npos);
    // the preset innovation-hubs builds every replacement beside the plant, its stage stays a stage
    const kc::CaseFile h = kc::loadCaseFile(steel, {{}, "innovation-hubs"});
    CHECK(h.option("ng_dri_eaf")->alongside);
    CHECK(h.option("h2_dri_eaf")->alongside);
    CHECK_FALSE(h.option("h2_switch")->alongside);
    CHECK(h.option("ng_dri_eaf")->licensingPerYear == 1e7);
    CHECK(h.option("ng_dri_eaf")->outputScale == doctest::Approx(0.1));
}

TEST_CASE("Scenario presets: names, each applies to every example, documented adjustments") {
    const auto names = kc::scenarioNames();
    CHECK(names == std::vector<std::string>{"stabilisation", "relocation", "innovation-hubs", "accelerated"});
    for (const auto& n : names) {
        const kc::Scenario s = kc::loadScenario(n);
        CHECK(s.name == n);
        CHECK(!s.summary.empty());
        CHECK(kc::scenarioText(n).find("ASSUMPTION") != std::string::npos);  // assumptions are labelled
        for (const auto& f : exampleFiles()) {
            CAPTURE(n);
            CAPTURE(f);
            if (f.find("lsm_real_options_of") != std::string::npos)  // a canonical problem with no CO2 price:
                CHECK(errorOf(f, {{}, n}).find("anchors.co2_path is given, but the case's co2 factor must be") !=
                      std::string::npos);  // the Dutch storylines do not apply, refused by name
            else
                CHECK(errorOf(f, {{}, n}) == "");
        }
    }
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    const kc::CaseFile base = kc::loadCaseFile(steel);
    // the CO2 path of the case after a preset is the NGFS path it names (REMIND-MAgPIE EU 28), floored
    // at the case's spot (70), for the years after the start year (2030 ... 2050)
    auto ngfsFloored = [](const std::string& name) {
        std::vector<double> v;
        for (const auto& [y, eur] : kc::ngfsPath(name).points)
            if (y > 2026) v.push_back(std::max(eur, 70.0));
        return v;
    };
    for (const auto& pp : std::vector<std::pair<std::string, std::string>>{
             {"stabilisation", "current-policies/remind"},
             {"relocation", "delayed-transition/remind"},
             {"innovation-hubs", "below-2c/remind"},
             {"accelerated", "net-zero-2050/remind"}}) {
        const std::string& preset = pp.first;  // no structured binding: clang 14 cannot CAPTURE one
        const std::string& path = pp.second;
        CAPTURE(preset);
        const kc::CaseFile c = kc::loadCaseFile(steel, {{}, preset});
        const kc::Factor& co2 = *c.factor("co2");
        CHECK(co2.pathSource == "ngfs/" + path);
        CHECK(co2.path.times == std::vector<double>{4, 9, 14, 19, 24});
        const auto want = ngfsFloored(path);
        REQUIRE(co2.path.levels.size() == want.size());
        for (std::size_t i = 0; i < want.size(); ++i) CHECK(co2.path.levels[i] == doctest::Approx(want[i]));
        CHECK(c.plant.outputTPerYear == 7.0e6);  // production is an outcome of every storyline, not an input
    }
    const kc::CaseFile acc = kc::loadCaseFile(steel, {{}, "accelerated"});
    CHECK(acc.scenario == "accelerated");
    CHECK(acc.factor("co2")->ou.sigma == doctest::Approx(0.415 * 0.85));
    CHECK(acc.findInfrastructure("h2_backbone")->arrival.years.front() == 2028);  // 2030 - 2
    CHECK(acc.findInfrastructure("grid_connection")->arrival.start == doctest::Approx(2024));
    CHECK(acc.option("h2_switch")->sde->baseAmount == doctest::Approx(400 * 1.25));
    CHECK(acc.option("ng_dri_eaf")->grant.share == doctest::Approx(0.35 * 1.5));
    CHECK(acc.findMaturity("h2_dri")->deployment.gbm.drift == doctest::Approx(0.15 * 1.5));
    CHECK(acc.factor("hydrogen")->scale == doctest::Approx(0.9));
    // stabilisation: production kept (a reline offered), minimal compliance
    const kc::CaseFile stab = kc::loadCaseFile(steel, {{}, "stabilisation"});
    for (double l : stab.factor("co2")->path.levels) CHECK(l == 70.0);  // Current Policies is below the floor
    CHECK_FALSE(stab.policy.levy.enabled);
    CHECK(stab.policy.freeAllocation.phaseOut(2029) == 0.775);
    CHECK(stab.policy.freeAllocation.phaseOut(2040) == 0.515);  // held at the 2030 level
    CHECK(stab.policy.passThrough.referencePhaseOut(2040) == 0.515);  // the price setter's allocation too
    CHECK(base.policy.freeAllocation.phaseOut(2040) == 0.0);
    CHECK(stab.policy.greenPremium.eurPerT == doctest::Approx(59));
    REQUIRE(stab.option("reline") != nullptr);
    CHECK(stab.plant.reline);
    CHECK(stab.option("reline")->capex == doctest::Approx(50 * 7.0e6));
    CHECK(stab.option("reline")->relineYearsAdded == 15);
    CHECK(stab.option("reline")->lifetimeYears == 30);
    CHECK(stab.option("reline")->latestDecisionYear == 2040);
    CHECK(stab.option("reline")->grant.share == 0.0);
    CHECK(base.option("reline") == nullptr);
    // relocation: closing cheaper and worth more, less pass-through, dearer power
    const kc::CaseFile rel = kc::loadCaseFile(steel, {{}, "relocation"});
    CHECK(rel.alternatives.close.value == doctest::Approx(5.0e8 * 1.5));
    CHECK(rel.alternatives.close.cost == doctest::Approx(1.5e9 * 0.5));
    CHECK(rel.policy.passThrough.share == doctest::Approx(0.75 * 0.5));
    CHECK(rel.factor("power")->ou.spot == doctest::Approx(87.3 * 1.15));
    CHECK(rel.factor("power")->ou.meanLevels.at(0) == doctest::Approx(std::log(75.0 * 1.15)));
    CHECK(base.factor("power")->ou.spot == 87.3);
    // innovation hubs: the replacements at pilot scale (a tenth, capex x 0.1^0.6), pilot grants of 50%
    const kc::CaseFile hub = kc::loadCaseFile(steel, {{}, "innovation-hubs"});
    for (const std::string o : {"ng_dri_eaf", "h2_switch", "h2_dri_eaf"}) {
        CAPTURE(o);
        CHECK(hub.option(o)->outputScale == doctest::Approx(0.1));
        CHECK(hub.option(o)->capex == doctest::Approx(base.option(o)->capex * std::pow(0.1, 0.6)));
        CHECK(hub.option(o)->fixedOpex == doctest::Approx(base.option(o)->fixedOpex * std::pow(0.1, 0.6)));
        CHECK(hub.option(o)->grant.share == 0.5);
    }
    CHECK(hub.option("h2_dri_eaf")->sde->maxVolume == doctest::Approx(5.0e5));
    CHECK(hub.plant.outputTPerYear == 7.0e6);
    // a retrofit at pilot scale captures a tenth
    const kc::CaseFile ref = kc::loadCaseFile(kExamples + "refinery_hydrogen_ccs_porthos.yaml");
    const kc::CaseFile refHub = kc::loadCaseFile(kExamples + "refinery_hydrogen_ccs_porthos.yaml", {{}, "innovation-hubs"});
    for (std::size_t j = 0; j < ref.options.size(); ++j)
        if (ref.options[j].retrofit) CHECK(refHub.options[j].captureRate == doctest::Approx(ref.options[j].captureRate * 0.1));
    CHECK(errorOf(steel, {{}, "acelerated"}) ==
          "--scenario: the scenario is 'acelerated', but must be one of stabilisation, relocation, "
          "innovation-hubs, accelerated or a .yaml file (did you mean 'accelerated'?)");
}

TEST_CASE("A scenario file: relative adjustments, an OU drift, and its own bad keys") {
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    const kc::CaseFile c = kc::loadCaseFile(steel, {{}, kData + "my_scenario.yaml"});
    CHECK(c.scenario == "test-scenario");
    CHECK(c.factor("co2")->ou.spot == doctest::Approx(140));
    CHECK(c.factor("co2")->ou.sigma == doctest::Approx(0.2075));
    CHECK(c.factor("co2")->path.levels.front() == doctest::Approx(107.29 * 2 * std::exp(0.01)));
    CHECK(c.plant.outputTPerYear == doctest::Approx(3.5e6));
    const auto& gas = c.factor("gas")->ou;
    REQUIRE(gas.meanLevels.size() == 30);  // annual pieces over the horizon
    CHECK(gas.meanLevels[5] - gas.meanLevels[0] == doctest::Approx(0.1));
    CHECK(c.findInfrastructure("h2_backbone")->arrival.years.front() == 2033);
    // the storyline keys: anchors, a reline offer, pilot-scale options, exit costs, pass-through, a phase-out schedule
    const kc::CaseFile st = kc::loadCaseFile(steel, {{}, kData + "storyline_scenario.yaml"});
    CHECK(st.factor("co2")->pathSource == "points");
    CHECK(st.factor("co2")->path.times == std::vector<double>{4, 14});
    CHECK(st.factor("co2")->path.levels == std::vector<double>{90, 150});
    CHECK(st.option("ng_dri_eaf")->grant.share == 0.4);
    CHECK(st.defaultGrant.share == 0.4);
    CHECK(st.option("ng_dri_eaf")->outputScale == doctest::Approx(0.5));
    CHECK(st.option("ng_dri_eaf")->capex == doctest::Approx(6.15e9 * 0.5));
    CHECK(st.option("reline")->capex == doctest::Approx(20 * 7.0e6));
    CHECK(st.option("reline")->relineYearsAdded == 10);
    CHECK(st.alternatives.close.cost == doctest::Approx(1.5e9 * 0.2));
    CHECK(st.policy.passThrough.share == doctest::Approx(0.75 * 0.4));
    CHECK(st.policy.freeAllocation.phaseOut(2028) == 0.8);
    CHECK(st.policy.freeAllocation.phaseOut(2035) == 0.3);
    const std::string bad = kData + "bad_scenario_key.yaml";
    CHECK(errorOf(steel, {{}, bad}) ==
          bad + ":3: adjust.co2.levl_scale: the key 'levl_scale' is unknown, but must be one of level_scale, "
                "drift_add, vol_scale (did you mean 'level_scale'?)");
}

TEST_CASE("A scenario file's storyline keys refuse bad values with file, line, field and what they must be") {
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    struct Bad {
        std::string file, message;
    };
    for (const Bad& b : std::vector<Bad>{
             {"bad_scenario_ngfs.yaml",
              ":3: anchors.co2_path: the NGFS path is 'net-zero/remind', but must be <scenario>/<model> with scenario "
              "one of net-zero-2050, below-2c, low-demand, delayed-transition, fragmented-world, ndcs, "
              "current-policies and model one of remind, gcam, message"},
             {"bad_scenario_scale.yaml", ":3: adjust.options.scale: the value is 0, but must be in (0, 1]"},
             {"bad_scenario_floor.yaml", ":3: anchors.co2_path.floor: the key is 'floor', but must be given only with ngfs"},
             {"bad_scenario_reline.yaml",
              ":4: adjust.plant.reline.years_added: the value is 0, but must be in [1, 100] (years)"},
             {"bad_scenario_share.yaml",
              ":4: adjust.policy.free_allocation_phase_out.2030: the value is 1.5, but must be in [0, 1] (share)"},
             {"bad_scenario_past.yaml",
              ": anchors.co2_path (points) has no year after the case's start_year (2026), but must have at least one"}}) {
        const std::string path = kData + b.file;
        CAPTURE(path);
        CHECK(errorOf(steel, {{}, path}) == path + b.message);
    }
}

TEST_CASE("Edit distance") {
    CHECK(kc::editDistance("kitten", "sitting") == 3);
    CHECK(kc::editDistance("", "abc") == 3);
    CHECK(kc::editDistance("capex", "capex") == 0);
}

}  // TEST_SUITE

TEST_CASE("Technology risk (options.<x>.risk): fields, defaults, bad values") {
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    const std::string R = "options.h2_dri_eaf.risk.";
    const auto option = optionNamed;
    CHECK(!option(kc::loadCaseFile(steel, {{}, ""}), "h2_dri_eaf").risk.any());  // none unless given
    const kc::CaseFile c = kc::loadCaseFile(
        steel, {{R + "capex_overrun.mean=0.4", R + "capex_overrun.sd=0.5", R + "delay_years=[0.5, 0.3, 0.2]",
                 R + "incidents.frequency_per_year=0.01", R + "incidents.severity.mean=2e8",
                 R + "incidents.severity.sd=4e8", R + "insurance.share=0.8", R + "insurance.deductible=1e7",
                 R + "insurance.limit=5e8", R + "insurance.loading=1.4"},
                ""});
    const kp::TechnologyRisk r = option(c, "h2_dri_eaf").risk;
    CHECK(r.overrunMean == 0.4);
    CHECK(r.overrunSd == 0.5);
    CHECK(r.delayProbabilities == std::vector<double>{0.5, 0.3, 0.2});
    CHECK(r.incidentFrequency == 0.01);
    CHECK(r.severityMean == 2e8);
    CHECK(r.severitySd == 4e8);
    CHECK(r.insuredShare == 0.8);
    CHECK(r.deductible == 1e7);
    CHECK(r.limit == 5e8);
    CHECK(r.premiumLoading == 1.4);
    CHECK(r.premiumPerYear == -1.0);
    CHECK(!option(c, "ng_dri_eaf").risk.any());
    auto fails = [&](std::vector<std::string> sets, const std::string& expect) {
        const std::string m = errorOf(steel, {std::move(sets), ""});
        CAPTURE(m);
        CHECK(m.find("steelworks_h2_dri.yaml") != std::string::npos);
        CHECK(m.find(expect) != std::string::npos);
    };
    fails({R + "delay_years=[0.5, 0.4]"}, R + "delay_years: the probabilities' sum is 0.9, but must be 1");
    fails({R + "delay_years=0.5"}, "a list of 1 to 11 probabilities");
    fails({R + "incidents.frequency_per_year=3", R + "incidents.severity.mean=1e8"},
          R + "incidents.frequency_per_year: the value is 3, but must be in [0, 2]");
    fails({R + "incidents.frequency_per_year=0.1"}, R + "incidents.severity: the field is missing");
    fails({R + "incidents.frequency_per_year=0.1", R + "incidents.severity.mean=0", R + "incidents.severity.sd=1e8"},
          "0 when the mean loss is 0");
    fails({R + "insurance.share=0.5", R + "insurance.loading=1.2", R + "insurance.premium_per_year=1e6"},
          "one of them");
    fails({R + "capex_overrun.mean=-1"}, R + "capex_overrun.mean: the value is -1, but must be in [-0.99, 100]");
    fails({R + "capex_overrun.meen=0.3"}, "meen");
    // ramp-up: availabilities, the shortfall's spread, first of a kind on an option with a maturity
    const kc::CaseFile u = kc::loadCaseFile(
        steel, {{R + "ramp_up.availability=[0.6, 0.85]", R + "ramp_up.sd=0.5", R + "ramp_up.first_of_a_kind=true"}, ""});
    const kp::TechnologyRisk ur = option(u, "h2_dri_eaf").risk;
    CHECK(ur.rampUpAvailability == std::vector<double>{0.6, 0.85});
    CHECK(ur.rampUpSd == 0.5);
    CHECK(ur.rampUpLearns);
    CHECK(ur.rampUp());
    CHECK(option(kc::loadCaseFile(steel, {{R + "capex_overrun.mean=0.4", R + "capex_overrun.state_share=0.5"}, ""}),
                 "h2_dri_eaf").risk.overrunStateShare == 0.5);
    fails({R + "capex_overrun.mean=0.4", R + "capex_overrun.state_share=2"},
          R + "capex_overrun.state_share: the value is 2, but must be in [0, 1]");
    fails({R + "ramp_up.availability=[0.6, 1.2]"}, R + "ramp_up.availability.1: the value is 1.2, but must be in [0, 1]");
    fails({R + "ramp_up.sd=0.5"}, R + "ramp_up.availability: the field is missing");
    fails({"options.ng_dri_eaf.risk.ramp_up.availability=[0.5]", "options.ng_dri_eaf.risk.ramp_up.first_of_a_kind=true"},
          "on an option without a maturity");
}

TEST_CASE("Energy hedge (options.<x>.hedge): fields, forward prices, bad values") {
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    const std::string H = "options.ng_dri_eaf.hedge.";
    auto ng = [](const kc::CaseFile& c) {
        for (const kp::Technology& t : c.options)
            if (t.name == "ng_dri_eaf") return t.hedge;
        FAIL("no ng_dri_eaf");
        return kp::EnergyHedge{};
    };
    CHECK(!ng(kc::loadCaseFile(steel, {{}, ""})).any());
    const kc::CaseFile c = kc::loadCaseFile(
        steel, {{H + "from=2031", H + "to=2035", H + "gas.share=0.8", H + "gas.price=forward", H + "power.share=0.5",
                 H + "power.price=80"},
                ""});
    const kp::EnergyHedge h = ng(c);
    CHECK(h.fromYear == 2031);
    CHECK(h.toYear == 2035);
    CHECK(h.gasShare == 0.8);
    CHECK(h.powerPrice == std::vector<double>(5, 80.0));
    // forward: the case's mean gas price of each year (the factor outlook's, 20,000 paths, seed 1)
    const auto outlook = kc::factorOutlook(c, {2031, 2032, 2033, 2034, 2035});
    std::vector<double> means;
    for (const auto& o : outlook)
        if (o.name == "gas")
            for (const auto& y : o.years) means.push_back(y.mean);
    REQUIRE(means.size() == 5);
    CHECK(h.gasPrice == means);
    CHECK(h.priced());
    auto fails = [&](std::vector<std::string> sets, const std::string& expect) {
        const std::string m = errorOf(steel, {std::move(sets), ""});
        CAPTURE(m);
        CHECK(m.find(expect) != std::string::npos);
    };
    fails({H + "from=2040", H + "to=2031", H + "gas.share=1", H + "gas.price=30"}, H + "to: the last year is 2031");
    fails({H + "gas.share=1", H + "gas.price=cheap"}, H + "gas.price");
    fails({H + "gas.share=1.5", H + "gas.price=30"}, H + "gas.share: the value is 1.5, but must be in [0, 1]");
    fails({H + "gas.share=1"}, H + "gas.price: the field is missing");
}

TEST_CASE("Operating flexibility (options.<x>.operating): fields, defaults, bad values") {
    const std::string steel = kExamples + "steelworks_h2_dri.yaml";
    const std::string O = "options.h2_switch.operating.";
    const auto option = optionNamed;
    CHECK(!option(kc::loadCaseFile(steel, {{}, ""}), "h2_switch").operating.any());
    // the switched shaft may run on natural gas again: NG-DRI's gas and emissions, its own power
    const kc::CaseFile c = kc::loadCaseFile(
        steel, {{O + "alternative.name=natural_gas", O + "alternative.gas_mwh_per_t=2.78", O + "alternative.hydrogen_mwh_per_t=0",
                 O + "alternative.emission_intensity_t_per_t=0.75", O + "suspend.idle_cost_per_year=5.0e7",
                 "options.ng_dri_eaf.operating.suspend={}"},
                ""});
    const kp::Technology h = option(c, "h2_switch");
    REQUIRE(h.operating.alternative.has_value());
    const kp::OperatingMode& m = *h.operating.alternative;
    CHECK(m.name == "natural_gas");
    CHECK(m.gasMwhPerT == 2.78);
    CHECK(m.hydrogenMwhPerT == 0);
    CHECK(m.emissionIntensity == 0.75);
    CHECK(m.powerMwhPerT == h.powerMwhPerT);  // not given: the option's own
    CHECK(m.feedstockCostPerT == h.feedstockCostPerT);
    CHECK(m.variableOpex == h.variableOpex);
    CHECK(h.operating.suspend);
    CHECK(h.operating.idleCostPerYear == 5.0e7);
    const kp::Technology ng = option(c, "ng_dri_eaf");
    CHECK(ng.operating.suspend);
    CHECK(ng.operating.idleCostPerYear == 0);
    CHECK(!ng.operating.alternative);
    auto fails = [&](const std::string& file, std::vector<std::string> sets, const std::string& expect) {
        const std::string msg = errorOf(file, {std::move(sets), ""});
        CAPTURE(msg);
        CHECK(msg.find(expect) != std::string::npos);
    };
    fails(steel, {O + "suspend.idle_cost_per_year=-1"}, O + "suspend.idle_cost_per_year: the value is -1");
    fails(steel, {O + "alternative.gas_mwh_per_t=lots"}, O + "alternative.gas_mwh_per_t");
    fails(steel, {O + "alternative.coal=1"}, O + "alternative.coal");
    fails(steel, {O + "suspend={}", "options.h2_switch.risk.ramp_up.availability=[0.5]"},
          "operating flexibility and a ramp-up risk (risk.ramp_up) are given together");
    fails(steel, {O + "sleep=true"}, O + "sleep");
    fails(kExamples + "refinery_hydrogen_ccs_porthos.yaml", {"options.ccs.operating.suspend={}"},
          "options.ccs.operating: operating flexibility is on a retrofit");
    // abandoning: a stage "<x>_abandon" at the cost net of salvage, with the option's lifetime
    const std::string A = "options.h2_dri_eaf.operating.abandon.";
    const kc::CaseFile ab = kc::loadCaseFile(steel, {{"options.h2_dri_eaf.sde=null", A + "cost=5.0e8", A + "salvage=1.0e8"}, ""});
    const kp::Technology st = option(ab, "h2_dri_eaf_abandon");
    CHECK(st.abandons);
    CHECK(st.requiresOption == "h2_dri_eaf");
    CHECK(st.capex == 4.0e8);
    CHECK(st.lifetimeYears == option(ab, "h2_dri_eaf").lifetimeYears);
    CHECK(st.constructionYears == 0);
    CHECK(!option(ab, "h2_dri_eaf").operating.any());
    fails(steel, {A + "cost=5.0e8"}, "options.h2_dri_eaf.operating.abandon: abandoning is an option with an operating subsidy");
    fails(steel, {"options.ng_dri_eaf.operating.abandon.cost=5.0e8"}, "an option with a stage ('h2_switch')");
    fails(steel, {"options.h2_dri_eaf.sde=null", A + "salvage=1"}, A + "cost: the field is missing");
    fails(steel, {"options.h2_switch.operating={}"}, "options.h2_switch.operating: operating flexibility is empty");
}

TEST_CASE("Switching costs (operating.suspend.suspend_cost, restart_cost, alternative.switch_cost): fields, abandoning as a mode, refusals") {
    const std::string methanol = kExamples + "methanol_waste_gasification.yaml";
    const std::string O = "options.e_methanol.operating.";
    const auto option = optionNamed;
    const kc::CaseFile c = kc::loadCaseFile(
        methanol, {{O + "suspend.idle_cost_per_year=5.0e6", O + "suspend.suspend_cost=2.0e6", O + "suspend.restart_cost=3.0e6",
                    O + "alternative.hydrogen_mwh_per_t=0", O + "alternative.gas_mwh_per_t=8", O + "alternative.switch_cost=1.0e6",
                    O + "abandon.cost=4.0e7", O + "abandon.salvage=1.0e7"},
                   ""});
    const kp::Technology t = option(c, "e_methanol");
    CHECK(t.operating.suspendCost == 2.0e6);
    CHECK(t.operating.restartCost == 3.0e6);
    CHECK(t.operating.switchCost == 1.0e6);
    CHECK(t.operating.switching());
    REQUIRE(t.operating.abandonNet.has_value());
    CHECK(*t.operating.abandonNet == 3.0e7);  // a mode of the switching problem, net of salvage
    for (const auto& o : c.options) CHECK(o.name != "e_methanol_abandon");  // not a stage
    // without switching costs abandoning stays a stage, the costs default to 0
    const kc::CaseFile plain = kc::loadCaseFile(methanol, {{O + "suspend={}", O + "abandon.cost=4.0e7"}, ""});
    CHECK(!option(plain, "e_methanol").operating.switching());
    CHECK(!option(plain, "e_methanol").operating.abandonNet);
    CHECK(option(plain, "e_methanol_abandon").abandons);
    auto fails = [&](const std::string& file, std::vector<std::string> sets, const std::string& expect) {
        const std::string msg = errorOf(file, {std::move(sets), ""});
        CAPTURE(msg);
        CHECK(msg.find(expect) != std::string::npos);
    };
    fails(methanol, {O + "suspend.suspend_cost=-1"}, O + "suspend.suspend_cost: the value is -1");
    fails(methanol, {O + "alternative.switch_cost=lots"}, O + "alternative.switch_cost");
    fails(kExamples + "steelworks_h2_dri.yaml", {"options.h2_dri_eaf.operating.suspend.restart_cost=1e7"},
          "switching costs are given with an operating subsidy (sde)");
}
