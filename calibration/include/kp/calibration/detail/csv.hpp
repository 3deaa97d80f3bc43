#pragma once
/// \file csv.hpp
/// A small CSV reader for the calibration inputs: comma-separated, double-quoted fields may hold
/// commas and doubled quotes (""), no line breaks inside fields. Blank lines are skipped; line
/// numbers are those of the file (1-based), for error messages.

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace kp::calibration::detail {

struct CsvRow {
    std::size_t line;                ///< 1-based line in the file
    std::vector<std::string> cells;  ///< fields, surrounding spaces removed
};

struct CsvTable {
    std::size_t headerLine = 0;
    std::vector<std::string> header;
    std::vector<CsvRow> rows;
};

/// Splits one line into fields. Throws InvalidInput "<file>:<line>: ..." on an unclosed quote.
std::vector<std::string> splitCsvLine(const std::string& text, const std::string& file,
                                      std::size_t line);

/// Reads the header (first non-blank line) and all data rows.
CsvTable readCsv(std::istream& in, const std::string& file);

/// Shortest text that reads back as `v` ("-3.85", not "-3.8500000000000001"), for messages.
std::string shortest(double v);

/// The number in `cell` if the whole cell is a finite number, else nullopt.
std::optional<double> parseNumber(const std::string& cell);

/// `s` in lower case (ASCII).
std::string lower(std::string s);

/// Whether a cell marks a missing value: empty, "NA", "NaN", "N/A", "null" or "-" (any case).
bool isMissing(const std::string& cell);

/// "a, b, c": column names for messages.
std::string joinNames(const std::vector<std::string>& names);

}  // namespace kp::calibration::detail
