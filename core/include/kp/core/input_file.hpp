#pragma once
/// \file input_file.hpp
/// Reading an input file whole, within a documented size limit (issue 16; README "Limits").
///
/// Every reader (case, loan, portfolio, scenario and parameter files, CSV series) goes through
/// readInputFile: a directory or an unreadable path is kp::InvalidInput (exit 2) naming the file;
/// a file larger than its limit is refused before it is parsed (a 50 MB YAML file once took 4 GB
/// before the reader rejected it). Pipes and devices are read up to the limit.
/// Tested by tests/cli/hostile_cli_test.sh.

#include <sys/stat.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <string>

#include "kp/core/errors.hpp"

namespace kp::io {

/// Largest YAML input (case, loan, portfolio, scenario, parameter file): 4 MiB. The examples are
/// under 16 KiB.
inline constexpr std::size_t kMaxYamlBytes = std::size_t{4} << 20;
/// Largest CSV input (price series, futures panels, learning curves): 64 MiB. The data files in
/// data/ are under 300 KiB.
inline constexpr std::size_t kMaxCsvBytes = std::size_t{64} << 20;

/// The whole of `path`, which a reader takes as `kind` ("case file", "CSV file"). Throws
/// kp::InvalidInput if it is missing, unreadable, a directory or larger than `maxBytes`.
inline std::string readInputFile(const std::string& path, const std::string& kind, std::size_t maxBytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        ::kp::detail::throwInvalid(path, ": the ", kind, " is not readable (", std::strerror(errno),
                                   "), but must be a readable file");
    if (S_ISDIR(st.st_mode))
        ::kp::detail::throwInvalid(path, ": the ", kind, " is a directory, but must be a file");
    if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > maxBytes)
        ::kp::detail::throwInvalid(path, ": the ", kind, " is ", st.st_size, " bytes, but must be at most ",
                                   maxBytes, " bytes (the input size limit, README \"Limits\")");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        ::kp::detail::throwInvalid(path, ": the ", kind, " is not readable (", std::strerror(errno),
                                   "), but must be a readable file");
    std::string text;
    char buf[65536];
    while (in) {
        in.read(buf, sizeof buf);
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > maxBytes)
            ::kp::detail::throwInvalid(path, ": the ", kind, " is more than ", maxBytes,
                                       " bytes, but must be at most ", maxBytes,
                                       " bytes (the input size limit, README \"Limits\")");
    }
    if (in.bad())
        ::kp::detail::throwInvalid(path, ": the ", kind, " could not be read (I/O error), but must be readable");
    return text;
}

}  // namespace kp::io
