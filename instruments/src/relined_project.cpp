#include "kp/instruments/relined_project.hpp"

#include "kp/core/errors.hpp"

namespace kp {

namespace {

/// A technology the relined plant may still take: a decarbonisation of the plant itself.
bool decarbonises(const Technology& t) {
    return !t.isReline() && !t.alongside && t.mothball == Technology::MothballRole::None;
}

}  // namespace

int relineIndex(const InvestmentProject& pr) {
    for (std::size_t j = 0; j < pr.technologies.size(); ++j)
        if (pr.technologies[j].tech.isReline()) return static_cast<int>(j);
    return -1;
}

bool hasRelinedState(const InvestmentProject& pr) {
    if (!pr.plant.investAfterReline || relineIndex(pr) < 0) return false;
    if (!pr.exits.empty()) return true;
    for (const auto& t : pr.technologies)
        if (decarbonises(t.tech)) return true;
    return false;
}

RelinedProject relinedProject(const InvestmentProject& pr, std::size_t reline) {
    KP_REQUIRE(reline < pr.technologies.size() && pr.technologies[reline].tech.isReline(),
               "relinedProject: option ", reline, " is not a reline, but must be one (Technology::isReline)");
    RelinedProject out;
    out.project = pr;
    InvestmentProject& rp = out.project;
    rp.plant.remainingLifeYears += pr.technologies[reline].tech.relineYearsAdded;
    rp.plant.reline = false;
    rp.plant.mothball = false;
    rp.technologies.clear();
    rp.stages.clear();
    std::vector<int> newIndex(pr.technologies.size(), -1);
    for (std::size_t j = 0; j < pr.technologies.size(); ++j) {
        if (!decarbonises(pr.technologies[j].tech)) continue;
        newIndex[j] = static_cast<int>(rp.technologies.size());
        rp.technologies.push_back(pr.technologies[j]);
        out.technology.push_back(j);
    }
    for (std::size_t st = 0; st < pr.stages.size(); ++st) {
        const int parent = newIndex[pr.stages[st].parent];
        if (parent < 0) continue;
        StageOption so = pr.stages[st];
        so.parent = static_cast<std::size_t>(parent);
        rp.stages.push_back(so);
        out.stage.push_back(st);
    }
    return out;
}

}  // namespace kp
