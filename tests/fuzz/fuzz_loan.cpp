// libFuzzer target: the loan-file and portfolio-file readers (kp::cases::loadLoanFile,
// loadPortfolioFile). See tests/fuzz/README.md.
#include "fuzz_input.hpp"
#include "kp/cases/loan_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = kp::fuzz::asFile(data, size, ".yaml");
    kp::fuzz::expectValidOrInvalidInput([&] { (void)kp::cases::loadLoanFile(path, {}); });
    kp::fuzz::expectValidOrInvalidInput([&] { (void)kp::cases::loadPortfolioFile(path); });
    return 0;
}
