# The rpc level and the protocol engines (runtime/rpc/**, runtime/include/nca/rpc/**) must not
# depend on the endpoint mapper: no #include of nca/epm/, no epm:: in code, no nca_epm* target in
# their CMake files or in the link closure of their libraries (LINKS_FILE, written at configure
# time by tests/rpc/services/CMakeLists.txt). Comments may point to nca::epm. Run with
#   cmake -DSOURCE_DIR=<repo> -DLINKS_FILE=<file> -P check_layering.cmake
if(NOT SOURCE_DIR OR NOT LINKS_FILE)
  message(FATAL_ERROR "check_layering.cmake needs SOURCE_DIR and LINKS_FILE")
endif()

set(failures "")
file(GLOB_RECURSE sources
  ${SOURCE_DIR}/runtime/rpc/*.h ${SOURCE_DIR}/runtime/rpc/*.cpp ${SOURCE_DIR}/runtime/rpc/*CMakeLists.txt
  ${SOURCE_DIR}/runtime/include/nca/rpc/*.h)
list(LENGTH sources n)
if(n LESS 20)
  message(FATAL_ERROR "found only ${n} files under ${SOURCE_DIR}/runtime/rpc: wrong SOURCE_DIR?")
endif()
foreach(f IN LISTS sources)
  file(READ ${f} text)
  if(f MATCHES "CMakeLists\\.txt$")
    string(REGEX REPLACE "#[^\n]*" "" code "${text}")
    set(pattern "nca_epm")
  else()
    string(REGEX REPLACE "//[^\n]*" "" code "${text}")
    set(pattern "nca/epm/|epm::")
  endif()
  if(code MATCHES "${pattern}")
    file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
    string(APPEND failures "  ${rel} names the endpoint mapper (${CMAKE_MATCH_0})\n")
  endif()
endforeach()

file(STRINGS ${LINKS_FILE} lines)
list(LENGTH lines n)
if(n EQUAL 0)
  message(FATAL_ERROR "${LINKS_FILE} lists no library")
endif()
foreach(line IN LISTS lines)
  if(line MATCHES "^([^:]+): (.*)$")
    set(target ${CMAKE_MATCH_1})
    set(closure ${CMAKE_MATCH_2})
    foreach(dep IN LISTS closure)
      if(dep MATCHES "^nca_epm")
        string(APPEND failures "  ${target} links ${dep}\n")
      endif()
    endforeach()
  endif()
endforeach()

if(failures)
  message(FATAL_ERROR "the rpc level and the engines depend on the endpoint mapper:\n${failures}")
endif()
list(LENGTH sources n)
message(STATUS "layering: ${n} files and the libraries in ${LINKS_FILE} name no epm")
