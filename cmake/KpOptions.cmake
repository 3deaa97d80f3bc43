# Compile options shared by every Kruispunt target, applied through kp_options().
add_library(kp_options INTERFACE)
add_library(kp::options ALIAS kp_options)
target_compile_options(kp_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  # The same arithmetic in vectorised loop bodies and scalar remainders: results do not depend
  # on where a path falls in a block, so they are bit-identical for any thread count.
  -ffp-contract=off
  # No errno from sqrt/log: lets the vectoriser use vsqrtpd; results are unchanged.
  -fno-math-errno
  # Lets GCC vectorise floor (vroundpd); values are unchanged.
  -fno-trapping-math)
# Threads are oneTBB's alone. Debian's QuantLib pkg-config flags add -fopenmp, with which Eigen runs
# its larger matrix products on an OpenMP team whose idle threads spin on the cores TBB is using
# (measured: 30% of a 1-thread steelworks valuation's CPU samples were libgomp spinning).
target_compile_definitions(kp_options INTERFACE EIGEN_DONT_PARALLELIZE)
if(KP_NATIVE)
  target_compile_options(kp_options INTERFACE -march=native)
endif()
if(KP_WARNINGS_AS_ERRORS)
  target_compile_options(kp_options INTERFACE -Werror)
  # GCC 12 reports '__Y may be used uninitialized' inside its own AVX-512 intrinsics when Eigen's
  # kernels are inlined (GCC bug 105593, fixed in GCC 12.3; Debian 12 has 12.2), and at -O1 (the test
  # suites, tests/CMakeLists.txt) '__Y is used uninitialized': keep both warnings, not errors.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(kp_options INTERFACE -Wno-error=maybe-uninitialized -Wno-error=uninitialized)
  endif()
endif()
# In a unity build GCC takes a .cpp's own classes for a header's and warns when they hold types of the
# file's anonymous namespace (-Wsubobject-linkage): true only of real headers, which are compiled
# file by file in the developers' builds, where the warning stays on.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(kp_options INTERFACE -Wno-subobject-linkage)
endif()
# KP_BUILD_FUZZERS: coverage instrumentation (-fsanitize=fuzzer-no-link) only where the fuzzers
# look for new paths, the readers (kp_core, kp_cases, and the CSV readers compiled into fuzz_csv):
# on every library it slowed the sanitizer test pass that shares the build by about half.
if(KP_SANITIZE)
  target_compile_options(kp_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                -fno-sanitize-recover=undefined)
  target_link_options(kp_options INTERFACE -fsanitize=address,undefined)
endif()

# kp_add_module(NAME SOURCES ... DEPS ...): one library target per module, include root <dir>/include.
function(kp_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(kp_${name} ${ARG_SOURCES})
  add_library(kp::${name} ALIAS kp_${name})
  target_include_directories(kp_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(kp_${name} PUBLIC ${ARG_DEPS} PRIVATE kp::options)
endfunction()
