#include "kp/results/csv_table.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "kp/core/errors.hpp"

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

void CsvTable::write(const std::string& file, const std::string& option) const {
    namespace fs = std::filesystem;
    const fs::path tmp = file + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream f(tmp);
        KP_REQUIRE(static_cast<bool>(f), option, ": cannot write ", tmp.string(),
                   ", but its directory must exist and be writable");
        auto line = [&](const std::vector<std::string>& cells) {
            for (std::size_t i = 0; i < cells.size(); ++i) f << (i ? "," : "") << cell(cells[i]);
            f << "\n";
        };
        line(header_);
        for (const auto& r : rows_) line(r);
        f.close();
        KP_REQUIRE(static_cast<bool>(f), option, ": writing ", tmp.string(), " failed");
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) {
        fs::remove(tmp);
        ::kp::detail::throwInvalid(option, ": cannot write ", file, ": ", ec.message());
    }
}

std::string csvNumber(double x) {
    if (!std::isfinite(x)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", x);
    return buf;
}

}  // namespace kp::results
