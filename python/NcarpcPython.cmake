# ncarpc_python_generate(TARGET t IDL file [IMPORT_DIRS dirs...] [PACKAGE pkg] [MODULE_NAME name]
#                        [OUTPUT_DIR dir] [LIBRARY_OUTPUT_DIRECTORY dir] [TYPES lib] [PARAMS p...])
#
# Generates the Python bindings of one IDL file (ncaidl --gen python, python_generator.h) and
# builds them as the pybind11 extension module `t` (file name MODULE_NAME, default the IDL's stem),
# placed in LIBRARY_OUTPUT_DIRECTORY (default: the current binary dir). The module needs the
# ncarpc package at run time (it imports ncarpc._core) and, for each IDL file it imports, the
# module `PACKAGE.<stem>` (or `<stem>` without PACKAGE), built by another call.
#
# TYPES names an existing library holding the file's types and NDR code (an ncarpc_generate()
# target, built position-independent); without it the module compiles its own copy of them
# (then the types of imported files must come from TYPES of their own: give TYPES for those).
#
# Needs pybind11 (find_package(pybind11)) and the ncarpc targets nca_rpc, nca_ndr (inside this
# project) or their installed equivalents.
include_guard(GLOBAL)


function(ncarpc_python_generate)
  cmake_parse_arguments(A "" "TARGET;IDL;PACKAGE;MODULE_NAME;OUTPUT_DIR;LIBRARY_OUTPUT_DIRECTORY;TYPES"
                        "IMPORT_DIRS;PARAMS" ${ARGN})
  if(NOT A_TARGET OR NOT A_IDL)
    message(FATAL_ERROR "ncarpc_python_generate: TARGET and IDL are required")
  endif()
  get_filename_component(idl ${A_IDL} ABSOLUTE)
  get_filename_component(stem ${idl} NAME_WE)
  if(NOT A_MODULE_NAME)
    set(A_MODULE_NAME ${stem})
  endif()
  if(NOT A_OUTPUT_DIR)
    set(A_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/${A_TARGET}.gen)
  endif()
  if(TARGET ncaidl)
    set(compiler $<TARGET_FILE:ncaidl>)
    set(compiler_dep ncaidl)
  elseif(NCAIDL_EXECUTABLE)
    set(compiler ${NCAIDL_EXECUTABLE})
    set(compiler_dep ${NCAIDL_EXECUTABLE})
  else()
    message(FATAL_ERROR "ncarpc_python_generate: no ncaidl target and NCAIDL_EXECUTABLE is not set")
  endif()
  set(args --param python_module=${A_MODULE_NAME})
  if(A_PACKAGE)
    list(APPEND args --param python_package=${A_PACKAGE})
  endif()
  foreach(p ${A_PARAMS})
    list(APPEND args --param ${p})
  endforeach()
  foreach(dir ${A_IMPORT_DIRS})
    get_filename_component(dir ${dir} ABSOLUTE)
    list(APPEND args -I ${dir})
  endforeach()
  get_source_file_property(file_options ${idl} NCAIDL_OPTIONS)
  if(file_options)
    list(APPEND args ${file_options})
  endif()
  set(d ${A_OUTPUT_DIR})
  set(outputs ${d}/${stem}_python.cpp ${d}/${stem}_rpc.h ${d}/${stem}_server.h)
  set(gens server,python)
  set(sources ${d}/${stem}_python.cpp)
  if(NOT A_TYPES)
    set(gens types,ndr,server,python)
    list(APPEND outputs ${d}/${stem}_types.h ${d}/${stem}_ndr.h ${d}/${stem}_ndr.cpp)
    list(APPEND sources ${d}/${stem}_ndr.cpp)
  endif()
  file(MAKE_DIRECTORY ${d})
  set(stamp ${d}/${stem}.python.stamp)
  set(depfile_args)
  if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
    set(depfile_args DEPFILE ${d}/${stem}.python.d)
  endif()
  add_custom_command(
    OUTPUT ${stamp} ${outputs}
    COMMAND ${compiler} ${args} --gen=${gens} -o ${d}
            --depfile ${d}/${stem}.python.d --depfile-target ${stamp} ${idl}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    MAIN_DEPENDENCY ${idl}
    DEPENDS ${compiler_dep}
    ${depfile_args}
    COMMENT "ncaidl ${stem}.idl (${gens})"
    VERBATIM)

  pybind11_add_module(${A_TARGET} MODULE ${sources})
  set_target_properties(${A_TARGET} PROPERTIES OUTPUT_NAME ${A_MODULE_NAME})
  if(A_LIBRARY_OUTPUT_DIRECTORY)
    set_target_properties(${A_TARGET} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${A_LIBRARY_OUTPUT_DIRECTORY})
  endif()
  target_include_directories(${A_TARGET} PRIVATE ${d} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/include)
  target_link_libraries(${A_TARGET} PRIVATE ${A_TYPES} nca_rpc nca_ndr nlohmann_json::nlohmann_json)
endfunction()
