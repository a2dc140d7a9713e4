#!/bin/sh
# Builds fuzz_pull as a real libFuzzer target with Debian's clang 14 (-fsanitize=fuzzer + ASan +
# UBSan) from the sources a g++ build already generated (the ANTLR runtime headers of Debian 12
# do not compile with clang 14, so ncaidl itself cannot be built by clang), and runs it briefly.
#
#   tests/fuzz/build_libfuzzer.sh BUILD_DIR [SECONDS]
set -eu
build=${1:?usage: build_libfuzzer.sh BUILD_DIR [SECONDS]}
secs=${2:-20}
src=$(cd "$(dirname "$0")/../.." && pwd)
out="$build/tests/fuzz/libfuzzer"
mkdir -p "$out"
clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I"$src/runtime/include" -I"$src/tools" -I"$build/generated/idl" -I"$src/tests/fuzz" \
  "$src"/runtime/ndr/*.cpp "$src"/runtime/rpc/status.cpp "$src"/runtime/rpc/uuid.cpp \
  "$build"/generated/idl/*_ndr.cpp "$build"/generated/idl/*_dump.cpp \
  "$build/tools/ncadump/builtin_modules.cpp" "$src/tests/fuzz/fuzz_pull.cpp" \
  -o "$out/fuzz_pull"
"$build/tests/fuzz/fuzz_make_corpus" "$build/tests/ndr_gen/vectors.txt" "$out/corpus"
"$out/fuzz_pull" -max_total_time="$secs" -rss_limit_mb=512 -timeout=10 "$out/corpus"
