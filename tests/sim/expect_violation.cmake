# Runs a sim command that must find a violation: it must exit 1 (a violation, not a usage error or a
# crash of the runner) and its output must name the expected property.
#   cmake -DSIM=path/to/sim "-DARGS=--seeds;1..200;..." -DPROPERTY=regex -P expect_violation.cmake
execute_process(COMMAND ${SIM} ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status EQUAL 1)
  message(FATAL_ERROR "expected exit status 1 (a violation found), got '${status}'")
endif()
if(NOT "${out}${err}" MATCHES "FAILED: (${PROPERTY})")
  message(FATAL_ERROR "the violation found does not name '${PROPERTY}'")
endif()
