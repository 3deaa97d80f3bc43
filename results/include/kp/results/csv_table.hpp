#pragma once
/// \file csv_table.hpp
/// One CSV table written as a spreadsheet opens it cleanly: a header row (units in the column
/// names), one row per record, numbers with a '.' decimal point and up to 10 significant digits,
/// empty cells for missing values, cells with a comma or quote quoted; written whole or not at all
/// (kp::io::writeFile: a temporary file in the same directory, checked, fsynced and renamed).

#include <string>
#include <vector>

namespace kp::results {

class CsvTable {
public:
    explicit CsvTable(std::vector<std::string> header);
    /// One row, as many cells as the header.
    void row(std::vector<std::string> cells);
    /// The table as CSV text.
    std::string text() const;
    /// Writes the table to `file`; `option` names the command-line option in error messages.
    void write(const std::string& file, const std::string& option) const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

/// A number as a CSV cell: "" if not finite, else up to 10 significant digits.
std::string csvNumber(double x);

}  // namespace kp::results
