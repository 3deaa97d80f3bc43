//! \brief kp::cases::toInvestmentProblem and settingsFor (cases/case_problem.hpp): the engine's view of the
//! example cases is the case file's content, index for index. Checked field by field against the
//! loaded CaseFile (not against copied numbers), on the steelworks example (stages, learning,
//! infrastructure and maturity availability, a derived hydrogen price) and the chemical site
//! (quarterly decisions, a discount curve).

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "kp/cases/case_problem.hpp"
#include "kp/core/errors.hpp"

namespace {

const std::string kExamples = KP_SOURCE_DIR "/examples/";

const kp::Technology& option(const kp::cases::CaseFile& c, const std::string& name) {
    for (const auto& t : c.options)
        if (t.name == name) return t;
    FAIL("no option " << name);
    throw;
}

}  // namespace

TEST_SUITE("cases") {

TEST_CASE("steelworks: technologies, the stage and its parent, learning, infrastructure") {
    const auto c = kp::cases::loadCaseFile(kExamples + "steelworks_h2_dri.yaml");
    const kp::InvestmentProblem problem = kp::cases::toInvestmentProblem(c);
    const kp::InvestmentProject& p = problem.project;
    CHECK(p.startYear == c.valuation.startYear);
    CHECK(p.horizonYears == c.valuation.horizonYears);
    CHECK(p.periodsPerYear == 1);
    REQUIRE(p.discount.size() == static_cast<std::size_t>(c.valuation.horizonYears));
    for (std::size_t k = 0; k < p.discount.size(); ++k)
        CHECK(p.discount[k] == c.valuation.discount.factor(static_cast<double>(k)));
    // every option that is not a stage is a technology, in file order; stages follow their parent
    std::size_t stages = 0;
    for (const auto& t : c.options) stages += !t.requiresOption.empty();
    REQUIRE(p.technologies.size() + p.stages.size() == c.options.size());
    REQUIRE(p.stages.size() == stages);
    REQUIRE(stages >= 1);
    for (const auto& st : p.stages) {
        const auto& src = option(c, st.option.tech.name);
        REQUIRE(st.parent < p.technologies.size());
        CHECK(p.technologies[st.parent].tech.name == src.requiresOption);
        CHECK(st.option.tech.requiresOption.empty());  // the engine keeps stages apart
        CHECK(st.option.tech.capex == src.capex);
    }
    for (const auto& o : p.technologies) {
        const auto& src = option(c, o.tech.name);
        CHECK(o.tech.capex == src.capex);
        CHECK(o.tech.constructionYears == src.constructionYears);
        // learning: the curve of the option's maturity entry, driven by its deployment state
        if (src.maturity.empty()) {
            CHECK(o.learningIndex == -1);
        } else {
            REQUIRE(o.learningIndex >= 0);
            CHECK(p.learning[static_cast<std::size_t>(o.learningIndex)].name == src.maturity);
            CHECK(p.learning[static_cast<std::size_t>(o.learningIndex)].stateIndex >= 0);
        }
        // infrastructure: each named entry, plus the maturity entry's availability when it has one
        for (const auto& name : src.infrastructure) {
            bool found = false;
            for (std::size_t i : o.infrastructure) found |= p.infrastructureNames[i] == name;
            CHECK_MESSAGE(found, o.tech.name, " needs ", name);
        }
    }
    // factors: CO2 is simulated; the exits of the case are there
    CHECK(p.co2.kind == kp::PriceSource::Kind::State);
    CHECK(problem.factors->stateSize() >= 1);
    CHECK(problem.arrivals.size() == p.infrastructureNames.size());
    CHECK(p.exits.size() == static_cast<std::size_t>(c.alternatives.close.allowed) +
                                static_cast<std::size_t>(c.alternatives.relocate.allowed));
}

TEST_CASE("chemical site: quarterly decisions give four periods a year and a quarterly discount") {
    const auto c = kp::cases::loadCaseFile(kExamples + "chemical_site_eboilers.yaml");
    REQUIRE(c.valuation.datesPerYear() == 4);
    const kp::InvestmentProblem problem = kp::cases::toInvestmentProblem(c);
    const kp::InvestmentProject& p = problem.project;
    CHECK(p.periodsPerYear == 4);
    REQUIRE(p.discount.size() == static_cast<std::size_t>(4 * c.valuation.horizonYears));
    CHECK(p.discount[0] == 1.0);
    CHECK(p.discount[4] == c.valuation.discount.factor(1.0));
    CHECK(p.discount[6] == c.valuation.discount.factor(1.5));
}

TEST_CASE("settings: the case's simulation section, overridden by the run options, checked") {
    const auto c = kp::cases::loadCaseFile(kExamples + "minimal_case.yaml");
    kp::cases::RunOverrides o;
    auto s = kp::cases::settingsFor(c, o);
    CHECK(s.paths == c.simulation.paths);
    CHECK(s.seed == c.simulation.seed);
    CHECK((s.basis == c.simulation.basis));
    CHECK(s.degree == c.simulation.degree);
    o.paths = 1000;
    o.seed = 5;
    o.threads = 1;
    s = kp::cases::settingsFor(c, o);
    CHECK(s.paths == 1000);
    CHECK(s.seed == 5);
    CHECK(s.threads == 1);
    o.seed = 0;
    CHECK_THROWS_AS(kp::cases::settingsFor(c, o), kp::InvalidInput);
    o.seed = 5;
    o.paths = 1001;  // odd with antithetic sampling
    CHECK_THROWS_AS(kp::cases::settingsFor(c, o), kp::InvalidInput);
}

}  // TEST_SUITE
