# What `cmake --install` puts under the prefix, in Debian's layout (GNUInstallDirs: the libraries
# in the multiarch lib dir when the prefix is /usr or CMAKE_INSTALL_LIBDIR says so):
#   bin/                       ncaidl and the tools (NCA_INSTALLED_TOOLS)
#   LIBDIR/libncarpc.so.0.1.0  the runtime, shared (SONAME libncarpc.so.0), and libncarpc.a
#   LIBDIR/cmake/ncarpc/       the CMake package: ncarpc::runtime, ncarpc::runtime_static,
#                              ncarpc::ncaidl, ncarpc_generate()
#   LIBDIR/pkgconfig/ncarpc.pc
#   include/nca/               the runtime's headers
#   include/ncarpc/idl/        the generated headers of the shipped IDL (misc_types.h, ...)
#   include/ncarpc/ncadump/    module.h, for ncadump modules (--gen dump)
#   share/ncarpc/idl/          the shipped IDL (import "misc.idl" finds it)
#   share/man/man1/            a page per program (man/*.1)
# and, when the Python bindings are built, python/CMakeLists.txt's rules: the `ncarpc` package in
# the Python site directory (lib/python3/dist-packages), include/ncarpc_py/, and
# LIBDIR/cmake/ncarpc/NcarpcPython.cmake.
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

# The programs installed beside the compiler: adding one is adding its target here.
set(NCA_INSTALLED_TOOLS ncadump ncaecho-server ncaecho-client ncaepmd ncaepmdump ncacall)

# The runtime's layers, in dependency order; libncarpc is made of their object files (and of the
# shipped IDL's generated code), so nothing is compiled twice: the layers are compiled as
# position-independent code once, and the in-tree tools keep linking them as they are.
set(NCA_RUNTIME_PARTS nca_base nca_ndr nca_net nca_rpc nca_rpc_loop nca_rpc_mgmt nca_rpc_cn nca_rpc_dg
                      nca_rpc_auth
                      nca_epm nca_epm_server nca_epm_cn nca_epm_dg nca_idl)

set(nca_runtime_objects)
foreach(part ${NCA_RUNTIME_PARTS})
  set_target_properties(${part} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  list(APPEND nca_runtime_objects $<TARGET_OBJECTS:${part}>)
endforeach()

set(NCA_PACKAGE_INCLUDE_DIRS ${CMAKE_INSTALL_INCLUDEDIR} ${CMAKE_INSTALL_INCLUDEDIR}/ncarpc/idl)
foreach(kind shared static)
  if(kind STREQUAL "shared")
    set(target ncarpc)
    add_library(${target} SHARED ${nca_runtime_objects})
    set_target_properties(${target} PROPERTIES EXPORT_NAME runtime VERSION ${PROJECT_VERSION}
                          SOVERSION ${PROJECT_VERSION_MAJOR})
    # A shared library carries its own dependencies: whatever outside library a layer links.
    set(externals)
    foreach(part ${NCA_RUNTIME_PARTS})
      get_target_property(libs ${part} LINK_LIBRARIES)
      if(NOT libs)
        continue()
      endif()
      foreach(l ${libs})
        if(NOT l MATCHES "^nca_" AND NOT l MATCHES "^\\$<")
          list(APPEND externals ${l})
        endif()
      endforeach()
    endforeach()
    list(REMOVE_DUPLICATES externals)
    target_link_libraries(${target} PRIVATE ${externals})
  else()
    set(target ncarpc_static)
    add_library(${target} STATIC ${nca_runtime_objects})
    set_target_properties(${target} PROPERTIES EXPORT_NAME runtime_static OUTPUT_NAME ncarpc)
    # An installed user finds libuv by its library name (Debian's libuv ships no CMake package).
    # A layer that gains an outside dependency must add it here too (and to ncarpc.pc).
    target_link_libraries(${target} INTERFACE $<BUILD_INTERFACE:PkgConfig::LIBUV>
                          $<INSTALL_INTERFACE:uv> Threads::Threads)
    # nca_rpc_auth's GSSAPI providers: MIT's GSSAPI and nettle.
    target_link_libraries(${target} INTERFACE
                          $<BUILD_INTERFACE:PkgConfig::NCA_GSSAPI> $<BUILD_INTERFACE:PkgConfig::NCA_NETTLE>
                          $<INSTALL_INTERFACE:gssapi_krb5> $<INSTALL_INTERFACE:krb5>
                          $<INSTALL_INTERFACE:nettle>)
  endif()
  target_link_libraries(${target} INTERFACE nlohmann_json::nlohmann_json)
  target_compile_features(${target} INTERFACE cxx_std_20)
  target_include_directories(${target} INTERFACE
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/runtime/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated/idl>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/ncarpc/idl>)
endforeach()

install(TARGETS ${NCA_INSTALLED_TOOLS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ncaidl ncarpc ncarpc_static EXPORT ncarpcTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
set_target_properties(ncaidl PROPERTIES EXPORT_NAME ncaidl)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/nca DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_BINARY_DIR}/generated/idl/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ncarpc/idl
        FILES_MATCHING PATTERN "*_types.h" PATTERN "*_ndr.h")
install(FILES ${PROJECT_SOURCE_DIR}/tools/ncadump/module.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ncarpc/ncadump)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/idl/ DESTINATION ${CMAKE_INSTALL_DATADIR}/ncarpc/idl
        FILES_MATCHING PATTERN "*.idl")
file(GLOB nca_man_pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.1)
install(FILES ${nca_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The CMake package (relocatable: every path is relative to the installed config file).
set(NCA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ncarpc)
install(EXPORT ncarpcTargets NAMESPACE ncarpc:: DESTINATION ${NCA_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ncarpcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ncarpcConfig.cmake INSTALL_DESTINATION ${NCA_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ncarpcConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ncarpcConfig.cmake ${PROJECT_BINARY_DIR}/ncarpcConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/NcarpcGenerate.cmake
        DESTINATION ${NCA_CMAKE_DIR})

# pkg-config: relocatable too (prefix found from the .pc file's own directory).
file(RELATIVE_PATH NCA_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${CMAKE_CURRENT_LIST_DIR}/ncarpc.pc.in ${PROJECT_BINARY_DIR}/ncarpc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ncarpc.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
