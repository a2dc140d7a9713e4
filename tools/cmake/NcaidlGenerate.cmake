# ncaidl_generate(TARGET t IDL files... [IMPORT_DIRS dirs...] [OUTPUT_DIR dir] [GENERATORS list]
#                 [PARAMS name=value...])
#
# Runs the ncaidl compiler over each IDL file into OUTPUT_DIR (default: the current binary dir's
# `t.gen/`) and builds the generated sources as the static library `t`, which links nca_ndr and
# nca_rpc and puts OUTPUT_DIR on its include path (`#include "foo_types.h"`).
#
# GENERATORS (default `types;ndr`) picks ncaidl's --gen list; `dump` adds foo_dump.cpp for
# ncadump (tools/ncadump/module.h); `client`, `server` and `template` add the stub headers
# (foo_rpc.h, foo_client.h, foo_server.h, foo_template.h; see ncaidl_stubs() for stubs beside an
# existing types library). Each file is compiled by its own command with `--depfile`, so editing
# an imported or #included IDL file regenerates it (Ninja and Makefile generators).
#
# Options for one file (for example a -Wno-ID for a warning the file is known to draw) go in its
# source-file property NCAIDL_OPTIONS, set in the directory that calls ncaidl_generate().
#
# Works both inside this project (ncaidl is a target) and from an installed package (set
# NCAIDL_EXECUTABLE to the compiler).
include_guard(GLOBAL)

# The files ncaidl's generators write for `stem` (GENERATED_CODE.md), into `out_var`.
function(_ncaidl_outputs dir stem generators out_var)
  set(outs)
  if("types" IN_LIST generators)
    list(APPEND outs ${dir}/${stem}_types.h)
  endif()
  if("ndr" IN_LIST generators)
    list(APPEND outs ${dir}/${stem}_ndr.h ${dir}/${stem}_ndr.cpp)
  endif()
  if("dump" IN_LIST generators)
    list(APPEND outs ${dir}/${stem}_dump.cpp)
  endif()
  if("client" IN_LIST generators OR "server" IN_LIST generators)
    list(APPEND outs ${dir}/${stem}_rpc.h)
  endif()
  foreach(g client server template)
    if(g IN_LIST generators)
      list(APPEND outs ${dir}/${stem}_${g}.h)
    endif()
  endforeach()
  set(${out_var} ${outs} PARENT_SCOPE)
endfunction()

# _ncaidl_command(IDL file OUTPUT_DIR dir GENERATORS list [IMPORT_DIRS dirs] [PARAMS p]
#                 OUTPUTS_VAR var)
# The custom command that runs ncaidl once over one IDL file; sets `var` to the files it writes.
# Both ncaidl_generate() and ncaidl_stubs() go through it.
function(_ncaidl_command)
  cmake_parse_arguments(A "" "IDL;OUTPUT_DIR;OUTPUTS_VAR" "GENERATORS;IMPORT_DIRS;PARAMS" ${ARGN})
  if(TARGET ncaidl)
    set(compiler $<TARGET_FILE:ncaidl>)
    set(compiler_dep ncaidl)
  elseif(NCAIDL_EXECUTABLE)
    set(compiler ${NCAIDL_EXECUTABLE})
    set(compiler_dep ${NCAIDL_EXECUTABLE})
  else()
    message(FATAL_ERROR "ncaidl: no ncaidl target and NCAIDL_EXECUTABLE is not set")
  endif()
  get_filename_component(idl ${A_IDL} ABSOLUTE)
  get_filename_component(stem ${idl} NAME_WE)
  list(JOIN A_GENERATORS "," gen_list)
  list(JOIN A_GENERATORS "_" gen_tag)
  set(args)
  foreach(dir ${A_IMPORT_DIRS})
    get_filename_component(dir ${dir} ABSOLUTE)
    list(APPEND args -I ${dir})
  endforeach()
  foreach(p ${A_PARAMS})
    list(APPEND args --param ${p})
  endforeach()
  get_source_file_property(file_options ${idl} NCAIDL_OPTIONS)
  if(file_options)
    list(APPEND args ${file_options})
  endif()
  file(MAKE_DIRECTORY ${A_OUTPUT_DIR})
  _ncaidl_outputs(${A_OUTPUT_DIR} ${stem} "${A_GENERATORS}" outputs)
  # The stamp is the depfile's target: the outputs are only rewritten when their content
  # changes (Output::write_to_directory), the stamp always.
  set(stamp ${A_OUTPUT_DIR}/${stem}.${gen_tag}.stamp)
  set(depfile ${A_OUTPUT_DIR}/${stem}.${gen_tag}.d)
  set(depfile_args)
  if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
    set(depfile_args DEPFILE ${depfile})
  endif()
  add_custom_command(
    OUTPUT ${stamp} ${outputs}
    COMMAND ${compiler} ${args} --gen=${gen_list} -o ${A_OUTPUT_DIR}
            --depfile ${depfile} --depfile-target ${stamp} ${idl}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    MAIN_DEPENDENCY ${idl}
    DEPENDS ${compiler_dep}
    ${depfile_args}
    COMMENT "ncaidl ${stem}.idl (${gen_list})"
    VERBATIM)
  set(${A_OUTPUTS_VAR} ${outputs} PARENT_SCOPE)
endfunction()

function(ncaidl_generate)
  cmake_parse_arguments(ARG "" "TARGET;OUTPUT_DIR" "IDL;IMPORT_DIRS;GENERATORS;PARAMS" ${ARGN})
  if(NOT ARG_TARGET OR NOT ARG_IDL)
    message(FATAL_ERROR "ncaidl_generate: TARGET and IDL are required")
  endif()
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}.gen)
  endif()
  if(NOT ARG_GENERATORS)
    set(ARG_GENERATORS types ndr)
  endif()
  set(files)
  foreach(idl ${ARG_IDL})
    _ncaidl_command(IDL ${idl} OUTPUT_DIR ${ARG_OUTPUT_DIR} GENERATORS ${ARG_GENERATORS}
                    IMPORT_DIRS ${ARG_IMPORT_DIRS} PARAMS ${ARG_PARAMS} OUTPUTS_VAR outputs)
    list(APPEND files ${outputs})
  endforeach()

  add_library(${ARG_TARGET} STATIC ${files})
  target_include_directories(${ARG_TARGET} PUBLIC ${ARG_OUTPUT_DIR})
  target_link_libraries(${ARG_TARGET} PUBLIC nca_ndr nca_rpc)
  if("dump" IN_LIST ARG_GENERATORS)
    target_include_directories(${ARG_TARGET} PUBLIC ${PROJECT_SOURCE_DIR}/tools)
  endif()
endfunction()
