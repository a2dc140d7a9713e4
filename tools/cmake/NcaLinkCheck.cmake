# nca_forbid_links(TARGET t FORBIDDEN names... [REASON text])
#
# A configure-time check of the build graph: fails the configuration if `t` links any of the
# FORBIDDEN targets, directly or through the libraries it links (PUBLIC, PRIVATE and the
# link-only dependencies static libraries pass on). Call it after every target involved exists,
# i.e. at the end of the top CMakeLists.txt. Library names that are not targets (-lfoo, paths)
# are compared as written.
#
# nca_link_closure(t OUT_VAR): every library `t` links, transitively (without `t` itself); the
# layering test of tests/rpc/services writes these down for its check.
include_guard(GLOBAL)

function(nca_link_closure target out_var)
  set(seen)
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue t)
    # $<LINK_ONLY:x> is how a static library passes on its PRIVATE dependencies.
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" t "${t}")
    if(t STREQUAL "" OR t IN_LIST seen OR t MATCHES "^\\$<")
      continue()
    endif()
    list(APPEND seen ${t})
    if(TARGET ${t})
      get_target_property(type ${t} TYPE)
      set(links)
      if(NOT type STREQUAL "INTERFACE_LIBRARY")
        get_target_property(direct ${t} LINK_LIBRARIES)
        if(direct)
          list(APPEND links ${direct})
        endif()
      endif()
      get_target_property(iface ${t} INTERFACE_LINK_LIBRARIES)
      if(iface)
        list(APPEND links ${iface})
      endif()
      list(APPEND queue ${links})
    endif()
  endwhile()
  list(REMOVE_ITEM seen ${target})
  set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

function(nca_forbid_links)
  cmake_parse_arguments(A "" "TARGET;REASON" "FORBIDDEN" ${ARGN})
  if(NOT TARGET ${A_TARGET})
    message(FATAL_ERROR "nca_forbid_links: no target '${A_TARGET}'")
  endif()
  nca_link_closure(${A_TARGET} closure)
  foreach(f ${A_FORBIDDEN})
    if(f IN_LIST closure)
      message(FATAL_ERROR "${A_TARGET} must not link ${f}: ${A_REASON}\n"
                          "  it links (transitively): ${closure}")
    endif()
  endforeach()
endfunction()
