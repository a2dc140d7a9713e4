#!/usr/bin/env bash
# The README's second command: installs what is missing, builds, and runs every test, once in a
# plain build and once under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
jobs=$(nproc)

tools/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DNCA_SANITIZE=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$PWD/../tools/lsan.supp \
   ctest --output-on-failure -j"$jobs" --timeout 600)

tools/build.sh build
(cd build && ctest --output-on-failure -j"$jobs" --timeout 600)
