# ncaidl_stubs(TARGET t IDL file [IMPORT_DIRS dirs...] [TYPES types_target])
#
# Runs the ncaidl stub generators (client, server, template) over one IDL file into the build
# tree and makes the INTERFACE library `t`: the generated headers foo_rpc.h, foo_client.h,
# foo_server.h and foo_template.h (header-only) on its include path, linked to `types_target`
# (the ncaidl_generate() library holding foo_types.h / foo_ndr.h / foo_ndr.cpp) and nca_rpc.
# A make-style depfile makes edits to imported IDL files regenerate.
include_guard(GLOBAL)

function(ncaidl_stubs)
  cmake_parse_arguments(A "" "TARGET;IDL;TYPES" "IMPORT_DIRS" ${ARGN})
  if(NOT A_TARGET OR NOT A_IDL)
    message(FATAL_ERROR "ncaidl_stubs: TARGET and IDL are required")
  endif()
  get_filename_component(idl ${A_IDL} ABSOLUTE)
  get_filename_component(stem ${idl} NAME_WE)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${A_TARGET}_stubs)
  set(outs ${dir}/${stem}_rpc.h ${dir}/${stem}_client.h ${dir}/${stem}_server.h ${dir}/${stem}_template.h)
  set(includes)
  foreach(d ${A_IMPORT_DIRS})
    list(APPEND includes -I ${d})
  endforeach()
  add_custom_command(
    OUTPUT ${outs}
    COMMAND ncaidl ${includes} --gen client,server,template -o ${dir}
            --depfile ${dir}/${stem}_stubs.d --depfile-target ${dir}/${stem}_rpc.h ${idl}
    DEPENDS ncaidl ${idl}
    DEPFILE ${dir}/${stem}_stubs.d
    COMMENT "ncaidl: stubs for ${stem}.idl"
    VERBATIM)
  add_custom_target(${A_TARGET}_generate DEPENDS ${outs})
  add_library(${A_TARGET} INTERFACE)
  add_dependencies(${A_TARGET} ${A_TARGET}_generate)
  target_include_directories(${A_TARGET} INTERFACE ${dir})
  target_link_libraries(${A_TARGET} INTERFACE ${A_TYPES} nca_rpc)
endfunction()
