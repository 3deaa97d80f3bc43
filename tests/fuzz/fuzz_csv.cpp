// libFuzzer target: the CSV readers of `kruispunt calibrate` (price series, futures panels,
// learning curves). See tests/fuzz/README.md.
#include "fuzz_input.hpp"
#include "kp/calibration/futures_panel.hpp"
#include "kp/calibration/learning_curve.hpp"
#include "kp/calibration/time_series.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace cal = kp::calibration;
    const std::string path = kp::fuzz::asFile(data, size, ".csv");
    kp::fuzz::expectValidOrInvalidInput([&] { (void)cal::readSeries(path, cal::SeriesRequest{}); });
    kp::fuzz::expectValidOrInvalidInput([&] {
        cal::SeriesRequest weekly;
        weekly.frequency = cal::Frequency::Weekly;
        (void)cal::readSeries(path, weekly);
    });
    kp::fuzz::expectValidOrInvalidInput([&] { (void)cal::readFuturesPanel(path, cal::FuturesRequest{}); });
    kp::fuzz::expectValidOrInvalidInput([&] { (void)cal::readLearningCurve(path, "", ""); });
    return 0;
}
