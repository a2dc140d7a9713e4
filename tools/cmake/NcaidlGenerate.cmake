# ncaidl_generate(TARGET t IDL files... IMPORT_DIRS dirs...)
#
# Runs the ncaidl compiler over the IDL files into the build tree and builds the generated
# sources as the static library `t`. The compiler writes a make-style depfile listing every
# imported and #included file, so editing an imported IDL regenerates.
#
# Filled in by the NDR back end (issue 3); until then it is a declared, empty seam.
function(ncaidl_generate)
  message(FATAL_ERROR "ncaidl_generate: the code generators are not built yet")
endfunction()
