# ncaidl_stubs(TARGET t IDL file [IMPORT_DIRS dirs...] [TYPES types_target])
#
# Runs the ncaidl stub generators (client, server, template) over one IDL file into the build
# tree and makes the INTERFACE library `t`: the generated headers foo_rpc.h, foo_client.h,
# foo_server.h and foo_template.h (header-only) on its include path, linked to `types_target`
# (the ncaidl_generate() library holding foo_types.h / foo_ndr.h / foo_ndr.cpp) and nca_rpc.
# The command is ncaidl_generate()'s (NcaidlGenerate.cmake), depfile included.
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/NcaidlGenerate.cmake)

function(ncaidl_stubs)
  cmake_parse_arguments(A "" "TARGET;IDL;TYPES" "IMPORT_DIRS" ${ARGN})
  if(NOT A_TARGET OR NOT A_IDL)
    message(FATAL_ERROR "ncaidl_stubs: TARGET and IDL are required")
  endif()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${A_TARGET}_stubs)
  _ncaidl_command(IDL ${A_IDL} OUTPUT_DIR ${dir} GENERATORS client server template
                  IMPORT_DIRS ${A_IMPORT_DIRS} OUTPUTS_VAR outs)
  add_custom_target(${A_TARGET}_generate DEPENDS ${outs})
  add_library(${A_TARGET} INTERFACE)
  add_dependencies(${A_TARGET} ${A_TARGET}_generate)
  target_include_directories(${A_TARGET} INTERFACE ${dir})
  target_link_libraries(${A_TARGET} INTERFACE ${A_TYPES} nca_rpc)
endfunction()
