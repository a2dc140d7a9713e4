# One golden test: runs ncaidl over DIR/NAME.idl and compares with DIR/NAME.<ast|stderr>.
#   KIND parse:     `ncaidl --dump-ast NAME.idl` standard output against NAME.ast
#   KIND diag_text: `ncaidl NAME.idl` diagnostics (standard error) against NAME.stderr
# Run in DIR with a relative file name, so the output names files the same everywhere.
if(KIND STREQUAL "parse")
  set(args --dump-ast ${NAME}.idl)
  set(golden ${DIR}/${NAME}.ast)
else()
  set(args --no-color ${NAME}.idl)
  set(golden ${DIR}/${NAME}.stderr)
endif()
execute_process(COMMAND ${NCAIDL} ${args} WORKING_DIRECTORY ${DIR}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(KIND STREQUAL "parse")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ncaidl failed on ${NAME}.idl (exit ${rc}):\n${err}")
  endif()
  set(actual "${out}")
else()
  if(rc EQUAL 0)
    message(FATAL_ERROR "ncaidl accepted ${NAME}.idl, which is meant to have errors")
  endif()
  set(actual "${err}")
endif()
if(NOT EXISTS ${golden})
  message(FATAL_ERROR "no golden ${golden}; create it with: tests/compiler/refresh_goldens.sh BUILD_DIR")
endif()
file(READ ${golden} expected)
if(NOT actual STREQUAL expected)
  file(WRITE ${OUT}/${NAME}.actual "${actual}")
  execute_process(COMMAND diff -u ${golden} ${OUT}/${NAME}.actual OUTPUT_VARIABLE diff)
  message(FATAL_ERROR "golden mismatch for ${KIND}/${NAME}.idl:\n${diff}\n"
                      "If the new output is right, refresh with: tests/compiler/refresh_goldens.sh BUILD_DIR")
endif()
