#pragma once
/// \file ngfs.hpp
/// NGFS Phase V carbon-price paths for the EU region, shipped with the binary: the rows of
/// data/ngfs_carbon_price_paths.csv from source `ngfs5_eu_maizmates` (REMIND-MAgPIE 3.3-4.8 EU 28,
/// GCAM 6.0 NGFS EU-15, MESSAGEix-GLOBIOM 2.0 Western Europe; seven scenarios; 2020-2050 every five
/// years; provenance in data/PROVENANCE.md, figures in data/FACTS.md section 15), compiled in by
/// cases/CMakeLists.txt so that `factors.co2.path: ngfs/<scenario>/<model>` works wherever the
/// binary runs.
///
/// Units: the source is US$2010 per tCO2; ngfsPath converts to EUR2022 per tCO2 with the factor the
/// source repository uses, 1 / 1.3257 (Eurostat USD per EUR, 2010) x 1.254 (euro-area HICP
/// 2022/2010) = 0.946 (FACTS.md 15, [secondary]). Not re-indexed to a case's price base year.
/// Caveat (FACTS.md 15): an IAM carbon price is a shadow price on all CO2 in the region, not an EUA
/// forecast; several paths are 0 in early years, so the case file floors them (docs/case-file.md).
/// Tested in tests/cases/case_file_test.cpp (a path read back against the CSV row and the factor).

#include <map>
#include <string>
#include <vector>

namespace kp::cases {

/// US$2010 -> EUR2022 (FACTS.md 15): 1.254 / 1.3257.
inline constexpr double kUsd2010ToEur2022 = 1.254 / 1.3257;

struct NgfsPath {
    std::string scenario, model;   ///< as in the CSV (e.g. "Net Zero 2050", "REMIND-MAgPIE 3.3-4.8")
    std::map<int, double> points;  ///< year -> EUR2022/tCO2; empty if the name is unknown
};

/// The path named "<scenario>/<model>", scenario one of ngfsScenarioNames() and model one of
/// ngfsModelNames() (e.g. "net-zero-2050/remind").
NgfsPath ngfsPath(const std::string& name);
std::vector<std::string> ngfsScenarioNames();  ///< net-zero-2050, below-2c, ...
std::vector<std::string> ngfsModelNames();     ///< remind, gcam, message

}  // namespace kp::cases
