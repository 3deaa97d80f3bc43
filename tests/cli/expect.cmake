# Runs a command and checks its exit code and output (ctest helper for the command line).
# -DCMD="prog;arg;..." -DEXPECT_CODE=N -DEXPECT_REGEX=... [-DEXPECT_STDOUT_EMPTY=ON]
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL EXPECT_CODE)
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_CODE}\nstdout: ${out}\nstderr: ${err}")
endif()
if(DEFINED EXPECT_REGEX AND NOT "${out}${err}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "output does not match '${EXPECT_REGEX}'\nstdout: ${out}\nstderr: ${err}")
endif()
if(EXPECT_STDOUT_EMPTY AND NOT "${out}" STREQUAL "")
  message(FATAL_ERROR "expected no output on stdout, got: ${out}")
endif()
