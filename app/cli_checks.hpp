#pragma once
/// \file cli_checks.hpp
/// Strict parsing of numeric command-line options (issue 16): CLI11 reads an unsigned option with
/// strtoull, which wraps "-1" to 2^64 - 1 and saturates "2^64"; these validators run on the text
/// first, so such values are a parse error (exit 2) naming the option.

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace kp::app {

/// A whole number written in decimal digits (an optional leading '+'), at most `max`.
inline CLI::Validator wholeNumber(std::uint64_t max) {
    return CLI::Validator(
        [max](std::string& s) -> std::string {
            std::size_t i = s.size() > 0 && s[0] == '+' ? 1 : 0;
            if (i == s.size()) return "is '" + s + "', but must be a whole number";
            for (std::size_t k = i; k < s.size(); ++k)
                if (s[k] < '0' || s[k] > '9') return "is '" + s + "', but must be a whole number in [0, " + std::to_string(max) + "]";
            errno = 0;
            const unsigned long long v = std::strtoull(s.c_str() + i, nullptr, 10);
            if (errno == ERANGE || v > max)
                return "is " + s + ", but must be at most " + std::to_string(max);
            return std::string();
        },
        "UINT");
}

/// A finite number (no nan, inf or overflow such as 1e309).
inline CLI::Validator finiteNumber() {
    return CLI::Validator(
        [](std::string& s) -> std::string {
            char* end = nullptr;
            errno = 0;
            const double v = std::strtod(s.c_str(), &end);
            if (end == s.c_str() || *end != '\0' || !std::isfinite(v) || errno == ERANGE)
                return "is '" + s + "', but must be a finite number";
            return std::string();
        },
        "NUMBER");
}

/// Largest --paths, --training-paths, --report-paths: 2^40 (far beyond any run's time; the memory
/// check refuses what would not fit well before that).
inline constexpr std::uint64_t kMaxPaths = std::uint64_t{1} << 40;
/// Largest --seed: 2^64 - 1 (a larger value is an error, not saturated).
inline constexpr std::uint64_t kMaxSeed = UINT64_MAX;
/// Largest --threads: 4096.
inline constexpr std::uint64_t kMaxThreads = 4096;

}  // namespace kp::app
