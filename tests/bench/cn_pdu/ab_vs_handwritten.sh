#!/bin/sh
# Times the generated codec against the hand-written one it replaced (commit 4261908), in one
# binary: the old pdu.h/pdu.cpp are taken from git with their namespace renamed nca::rpc::cn_old.
#   tests/bench/cn_pdu/ab_vs_handwritten.sh BUILD_DIR [ITERATIONS]
# BUILD_DIR: a Release build in which nca_rpc_cn and nca_idl are built.
set -eu
src=$(cd "$(dirname "$0")/../../.." && pwd)
build=$1
out=$(mktemp -d)
mkdir -p "$out/inc/nca/rpc/cn"
git -C "$src" show 4261908:runtime/include/nca/rpc/cn/pdu.h |
  sed 's/^namespace nca::rpc::cn {/namespace nca::rpc::cn_old {/' > "$out/inc/nca/rpc/cn/pdu_old.h"
git -C "$src" show 4261908:runtime/rpc/cn/pdu.cpp |
  sed 's/^namespace nca::rpc::cn {/namespace nca::rpc::cn_old {/; s|"nca/rpc/cn/pdu.h"|"nca/rpc/cn/pdu_old.h"|' > "$out/old.cpp"
flags="-O2 -DNDEBUG -std=c++20 -I$out/inc -I$src/runtime/include"
libs="$build/runtime/rpc/cn/libnca_rpc_cn.a $build/generated/libnca_idl.a $build/runtime/rpc/libnca_rpc.a $build/runtime/net/libnca_net.a $build/runtime/ndr/libnca_ndr.a"
g++ $flags -DBENCH_OLD_CODEC "$src/tests/bench/cn_pdu/bench_cn_pdu.cpp" "$out/old.cpp" $libs -luv -lpthread -o "$out/ab"
"$out/ab" "${2:-200000}"
