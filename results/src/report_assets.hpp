#pragma once
/// \file report_assets.hpp
/// Files embedded into the report at build time (results/report/embed.cmake writes the definitions from
/// results/report/node_modules and the page's own script and styles).

namespace kp::results::assets {
extern const char kVegaJs[];       ///< vega/build/vega.min.js
extern const char kVegaLiteJs[];   ///< vega-lite/build/vega-lite.min.js
extern const char kVegaEmbedJs[];  ///< vega-embed/build/vega-embed.min.js
extern const char kReportJs[];     ///< results/report/report.js
extern const char kReportCss[];    ///< results/report/report.css
extern const char kVersions[];     ///< "vega 6.4.0, vega-lite 6.4.1, vega-embed 7.3.0"
}  // namespace kp::results::assets
