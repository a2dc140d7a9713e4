# ncaidl_generate(TARGET t IDL files... [IMPORT_DIRS dirs...] [OUTPUT_DIR dir] [GENERATORS list]
#                 [PARAMS name=value...])
#
# Runs the ncaidl compiler over each IDL file into OUTPUT_DIR (default: the current binary dir's
# `t.gen/`) and builds the generated sources as the static library `t`, which links nca_ndr and
# nca_rpc and puts OUTPUT_DIR on its include path (`#include "foo_types.h"`).
#
# GENERATORS (default `types;ndr`) picks ncaidl's --gen list; `dump` adds foo_dump.cpp for
# ncadump (tools/ncadump/module.h). Each file is compiled by its own command with `--depfile`, so
# editing an imported or #included IDL file regenerates it (Ninja and Makefile generators).
#
# Works both inside this project (ncaidl is a target) and from an installed package (set
# NCAIDL_EXECUTABLE to the compiler).
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
  if(TARGET ncaidl)
    set(compiler $<TARGET_FILE:ncaidl>)
    set(compiler_dep ncaidl)
  elseif(NCAIDL_EXECUTABLE)
    set(compiler ${NCAIDL_EXECUTABLE})
    set(compiler_dep ${NCAIDL_EXECUTABLE})
  else()
    message(FATAL_ERROR "ncaidl_generate: no ncaidl target and NCAIDL_EXECUTABLE is not set")
  endif()
  list(JOIN ARG_GENERATORS "," gen_list)
  set(include_args)
  foreach(dir ${ARG_IMPORT_DIRS})
    get_filename_component(dir ${dir} ABSOLUTE)
    list(APPEND include_args -I ${dir})
  endforeach()
  set(param_args)
  foreach(p ${ARG_PARAMS})
    list(APPEND param_args --param ${p})
  endforeach()
  file(MAKE_DIRECTORY ${ARG_OUTPUT_DIR})

  set(sources)
  set(headers)
  foreach(idl ${ARG_IDL})
    get_filename_component(idl ${idl} ABSOLUTE)
    get_filename_component(stem ${idl} NAME_WE)
    set(outputs)
    if("types" IN_LIST ARG_GENERATORS)
      list(APPEND outputs ${ARG_OUTPUT_DIR}/${stem}_types.h)
    endif()
    if("ndr" IN_LIST ARG_GENERATORS)
      list(APPEND outputs ${ARG_OUTPUT_DIR}/${stem}_ndr.h ${ARG_OUTPUT_DIR}/${stem}_ndr.cpp)
    endif()
    if("dump" IN_LIST ARG_GENERATORS)
      list(APPEND outputs ${ARG_OUTPUT_DIR}/${stem}_dump.cpp)
    endif()
    # The stamp is the depfile's target: the outputs are only rewritten when their content
    # changes (Output::write_to_directory), the stamp always.
    set(stamp ${ARG_OUTPUT_DIR}/${stem}.stamp)
    set(depfile_args)
    if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
      set(depfile_args DEPFILE ${ARG_OUTPUT_DIR}/${stem}.d)
    endif()
    add_custom_command(
      OUTPUT ${stamp} ${outputs}
      COMMAND ${compiler} ${include_args} ${param_args} --gen=${gen_list} -o ${ARG_OUTPUT_DIR}
              --depfile ${ARG_OUTPUT_DIR}/${stem}.d --depfile-target ${stamp} ${idl}
      COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
      MAIN_DEPENDENCY ${idl}
      DEPENDS ${compiler_dep}
      ${depfile_args}
      COMMENT "ncaidl ${stem}.idl"
      VERBATIM)
    foreach(o ${outputs})
      if(o MATCHES "\\.cpp$")
        list(APPEND sources ${o})
      else()
        list(APPEND headers ${o})
      endif()
    endforeach()
  endforeach()

  add_library(${ARG_TARGET} STATIC ${sources} ${headers})
  target_include_directories(${ARG_TARGET} PUBLIC ${ARG_OUTPUT_DIR})
  target_link_libraries(${ARG_TARGET} PUBLIC nca_ndr nca_rpc)
  if("dump" IN_LIST ARG_GENERATORS)
    target_include_directories(${ARG_TARGET} PUBLIC ${PROJECT_SOURCE_DIR}/tools)
  endif()
endfunction()
