// libFuzzer target: the scenario-file reader (kp::cases::loadScenario). See tests/fuzz/README.md.
#include "fuzz_input.hpp"
#include "kp/cases/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = kp::fuzz::asFile(data, size, ".yaml");
    kp::fuzz::expectValidOrInvalidInput([&] { (void)kp::cases::loadScenario(path, "--scenario"); });
    return 0;
}
