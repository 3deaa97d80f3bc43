#include "kp/results/csv_table.hpp"

#include <cmath>
#include <cstdio>

#include "kp/core/errors.hpp"
#include "kp/core/output_file.hpp"

namespace kp::results {

CsvTable::CsvTable(std::vector<std::string> header) : header_(std::move(header)) {}

void CsvTable::row(std::vector<std::string> cells) {
    KP_REQUIRE(cells.size() == header_.size(), "CsvTable: a row has ", cells.size(), " cells, but must have ",
               header_.size());
    rows_.push_back(std::move(cells));
}

namespace {
std::string cell(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char ch : s) o += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return o + "\"";
}
}  // namespace

std::string CsvTable::text() const {
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) out.append(i ? "," : "").append(cell(cells[i]));
        out += '\n';
    };
    line(header_);
    for (const auto& r : rows_) line(r);
    return out;
}

void CsvTable::write(const std::string& file, const std::string& option) const {
    io::writeFile(file, text(), option);
}

std::string csvNumber(double x) {
    if (!std::isfinite(x)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", x);
    return buf;
}

}  // namespace kp::results
