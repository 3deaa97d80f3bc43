#include "kp/calibration/detail/csv.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "kp/core/errors.hpp"

namespace kp::calibration::detail {

namespace {
std::string trim(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
    return s.substr(b, e - b);
}
}  // namespace

std::vector<std::string> splitCsvLine(const std::string& text, const std::string& file,
                                      std::size_t line) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false, wasQuoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
            wasQuoted = true;
        } else if (c == ',') {
            cells.push_back(wasQuoted ? cell : trim(cell));
            cell.clear();
            wasQuoted = false;
        } else {
            cell += c;
        }
    }
    KP_REQUIRE(!quoted, file, ":", line,
               ": quoted field is not closed, but must end with '\"' on the same line");
    cells.push_back(wasQuoted ? cell : trim(cell));
    return cells;
}

CsvTable readCsv(std::istream& in, const std::string& file) {
    CsvTable t;
    std::string text;
    std::size_t line = 0;
    while (std::getline(in, text)) {
        ++line;
        if (!text.empty() && text.back() == '\r') text.pop_back();
        if (line == 1 && text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
            text.erase(0, 3);
        if (trim(text).empty()) continue;
        auto cells = splitCsvLine(text, file, line);
        if (t.header.empty()) {
            t.headerLine = line;
            t.header = std::move(cells);
        } else {
            t.rows.push_back({line, std::move(cells)});
        }
    }
    return t;
}

std::string shortest(double v) {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
}

std::optional<double> parseNumber(const std::string& cell) {
    if (cell.empty()) return std::nullopt;
    const char* begin = cell.c_str();
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end != begin + cell.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isMissing(const std::string& cell) {
    const std::string l = lower(cell);
    return l.empty() || l == "na" || l == "nan" || l == "n/a" || l == "null" || l == "-";
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
}

}  // namespace kp::calibration::detail
