// libFuzzer target: the case-file reader (kp::cases::loadCaseFile: YAML scan, duplicate keys,
// validation, params_file and scenario references). See tests/fuzz/README.md.
#include "fuzz_input.hpp"
#include "kp/cases/case_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = kp::fuzz::asFile(data, size, ".yaml");
    kp::fuzz::expectValidOrInvalidInput([&] { (void)kp::cases::loadCaseFile(path); });
    return 0;
}
