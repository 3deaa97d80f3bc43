#pragma once
/// \file fuzz_input.hpp
/// Shared by the libFuzzer targets (tests/fuzz/README.md): the fuzzer's bytes as a file (the
/// readers take paths, as the command line does), and the one exception a reader may throw on bad
/// input. Anything else (a crash, a sanitizer report, a leak, any other exception) is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "kp/core/errors.hpp"

namespace kp::fuzz {

/// Writes the input to a per-process file under $TMPDIR (default /tmp) and returns its path.
inline std::string asFile(const std::uint8_t* data, std::size_t size, const char* suffix) {
    const char* dir = std::getenv("TMPDIR");
    const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/kp-fuzz-" + std::to_string(::getpid()) + suffix;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
    return path;
}

/// Runs `read`; kp::InvalidInput (a message for the user, exit 2) is the expected outcome of bad input.
template <class F>
void expectValidOrInvalidInput(F&& read) {
    try {
        read();
    } catch (const kp::InvalidInput&) {
    }
}

}  // namespace kp::fuzz
