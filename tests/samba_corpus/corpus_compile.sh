#!/usr/bin/env bash
# Builds tests/samba_corpus/compile: every generator's output for every file of ACCEPTED, with
# -Wall -Wextra. Fails on any compile error; prints the warning count and fails on warnings too
# unless NCA_CORPUS_ALLOW_WARNINGS=1.
#
#   corpus_compile.sh NCAIDL SOURCE_CACHE ACCEPTED BUILD_DIR [CXX]
set -uo pipefail
ncaidl=$1 cache=$2 accepted=$3 build=$4 cxx=${5:-c++}
here=$(cd "$(dirname "$0")" && pwd)
tree=$("$here/../../tools/samba_source.sh" "$cache")
rc=$?
[[ $rc -eq 0 ]] || exit $rc
cmake -S "$here/compile" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} \
  -DNCAIDL="$ncaidl" -DSAMBA_TREE="$tree" -DACCEPTED="$accepted" \
  -DNCA_SOURCE_DIR="$(cd "$here/../.." && pwd)" -DNCA_WARNING_FLAGS="-Wall -Wextra" >/dev/null || exit 1
log="$build/build.log"
cmake --build "$build" -- -k 0 >"$log" 2>&1
status=$?
files=$(grep -vc '^#' "$accepted")
# ncaidl's own diagnostics (IDL file locations) are not C++ warnings.
warnings=$(grep 'warning:' "$log" | grep -vc '\.idl:[0-9]')
errors=$(grep -c 'error:' "$log")
echo "samba corpus compile: $files IDL files, $(grep -c '^\[' "$log") build steps," \
     "$errors errors, $warnings warnings (log: $log)"
grep -E 'error:|warning:' "$log" | grep -v '\.idl:[0-9].*warning:' | sed -E 's/^[^ ]*\/gen\///' |
  sort | uniq -c | sort -rn | head -40
[[ $status -eq 0 ]] || exit 1
[[ $warnings -eq 0 || "${NCA_CORPUS_ALLOW_WARNINGS:-0}" == 1 ]]
