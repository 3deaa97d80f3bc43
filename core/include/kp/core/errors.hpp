#pragma once
/// \file errors.hpp
/// Kruispunt's small exception hierarchy and the KP_REQUIRE check.
///
/// Three kinds of failure (STYLE.md section 5): bad user input throws InvalidInput at construction or
/// validation; numerical trouble in a run is reported as a status in the result with a fallback;
/// our own bugs are debug asserts. Messages read `<where>: <what> is <value>, but must be <constraint>`.

#include <sstream>
#include <stdexcept>
#include <string>

namespace kp {

/// Base of every error Kruispunt throws on purpose.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Bad user input: a parameter, file or option that violates a documented constraint.
struct InvalidInput : Error {
    using Error::Error;
};

/// An iterative method that did not reach its tolerance and has no fallback.
struct NotConverged : Error {
    using Error::Error;
};

namespace detail {
template <class... Parts>
[[noreturn, gnu::cold, gnu::noinline]] void throwInvalid(const Parts&... parts) {
    std::ostringstream os;
    os.precision(17);
    (os << ... << parts);
    throw InvalidInput(os.str());
}
}  // namespace detail

}  // namespace kp

/// Throws kp::InvalidInput built from the streamed parts when `cond` is false. The message is built
/// off the hot path, only on failure.
#define KP_REQUIRE(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) ::kp::detail::throwInvalid(__VA_ARGS__);                                      \
    } while (0)
