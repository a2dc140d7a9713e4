#!/bin/sh
# Builds a fuzz harness as a real libFuzzer target with Debian's clang 14 (-fsanitize=fuzzer +
# ASan + UBSan) from the sources a g++ build already generated (the ANTLR runtime headers of
# Debian 12 do not compile with clang 14, so ncaidl itself cannot be built by clang), and runs it
# for SECONDS on its seed corpus.
#
#   tests/fuzz/build_libfuzzer.sh BUILD_DIR [SECONDS] [pull|cn_pdu|dg_pdu] [SEED_DIR]
#
#   pull    fuzz_pull.cpp: every pull entry point of idl/ (runtime/ndr + generated *_ndr.cpp);
#           seeds from BUILD_DIR/tests/ndr_gen/vectors.txt (fuzz_make_corpus) unless SEED_DIR
#   cn_pdu  fuzz_cn_pdu.cpp: the CO PDU decoder (runtime/rpc/cn/pdu.cpp + generated dcerpc
#           code); seeds from tests/rpc/cn/samba_pdu_golden.py unless SEED_DIR
#   dg_pdu  fuzz_dg_pdu.cpp: the DG PDU decoder (runtime/rpc/dg/pdu.cpp + generated dcerpc
#           code); seeds from SEED_DIR (fuzz_dg_corpus)
#
# Exit status: 0 when the run ends without a finding; non-zero when clang is missing (never a
# silent skip: tools/setup.sh installs clang and libclang-rt-14-dev), when the build fails, or
# on any crash, sanitizer report, leak, timeout (10 s per input) or out-of-memory. New inputs go
# to OUT/work-TARGET (OUT = BUILD_DIR/tests/fuzz/libfuzzer), never into SEED_DIR. Objects are
# compiled one file at a time, through ccache when it is installed, two at a time.
set -eu
build=${1:?usage: build_libfuzzer.sh BUILD_DIR [SECONDS] [pull|cn_pdu|dg_pdu] [SEED_DIR]}
secs=${2:-20}
target=${3:-pull}
seeds=${4:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
out="$build/tests/fuzz/libfuzzer"
gen="$build/generated/idl"

cxx=clang++-14
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "FAIL: $cxx not found (tools/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi
launcher=
if command -v ccache >/dev/null 2>&1; then launcher=ccache; fi

common="$src/runtime/base/*.cpp $src/runtime/ndr/*.cpp $src/runtime/rpc/status.cpp"
case "$target" in
  pull)
    sources="$common $gen/*_ndr.cpp $gen/*_dump.cpp $build/tools/ncadump/builtin_modules.cpp $src/tests/fuzz/fuzz_pull.cpp"
    libs=
    ;;
  cn_pdu)
    sources="$common $src/runtime/rpc/cn/pdu.cpp $gen/dcerpc_ndr.cpp $gen/misc_ndr.cpp $src/tests/fuzz/fuzz_cn_pdu.cpp"
    libs=
    ;;
  dg_pdu)
    # The decoder only: the engine mode needs nca_net and the server core, which the g++ build
    # of fuzz_dg_pdu covers (NCA_FUZZ_DG_ENGINE).
    sources="$common $src/runtime/rpc/dg/pdu.cpp $gen/dcerpc_ndr.cpp $gen/misc_ndr.cpp $src/tests/fuzz/fuzz_dg_pdu.cpp"
    libs=
    ;;
  *)
    echo "usage: build_libfuzzer.sh BUILD_DIR [SECONDS] [pull|cn_pdu|dg_pdu] [SEED_DIR]" >&2
    exit 2
    ;;
esac

objdir="$out/obj-$target"
mkdir -p "$objdir" "$out/work-$target"
flags="-std=c++20 -O1 -gline-tables-only -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
includes="-I$src/runtime/include -I$src/tools -I$gen -I$src/tests/fuzz -I$src/tests/rpc/cn"
objects=
# One object per source, named after its whole path (runtime/rpc/status.cpp and
# runtime/net/status.cpp both exist).
obj_of() { echo "$objdir/$(echo "$1" | sed 's|^/||; s|/|_|g; s|\.cpp$|.o|')"; }
rm -f "$objdir"/*.o
for f in $sources; do
  [ -f "$f" ] || { echo "FAIL: $f is missing (build the g++ build first: nca_idl, ncadump)" >&2; exit 1; }
  objects="$objects $(obj_of "$f")"
done
# Two compilers at a time; xargs fails when any of them does.
for f in $sources; do echo "$f $(obj_of "$f")"; done |
  CCACHE_BASEDIR=${CCACHE_BASEDIR:-/} xargs -P2 -L1 sh -c "exec $launcher $cxx $flags $includes -c \"\$0\" -o \"\$1\""
$cxx -fsanitize=fuzzer,address,undefined $objects $libs -o "$out/fuzz_$target"

if [ -z "$seeds" ]; then
  seeds="$out/seeds-$target"
  mkdir -p "$seeds"
  if [ "$target" = pull ]; then
    "$build/tests/fuzz/fuzz_make_corpus" "$build/tests/ndr_gen/vectors.txt" "$seeds"
  elif [ "$target" = dg_pdu ]; then
    "$build/tests/fuzz/fuzz_dg_corpus" "$seeds"
  else
    /usr/bin/python3 "$src/tests/rpc/cn/samba_pdu_golden.py" --corpus "$seeds"
  fi
fi
# A finding is written to OUT/crash-* (or leak-*, timeout-*, oom-*); reproduce it with
# OUT/fuzz_TARGET FILE.
exec "$out/fuzz_$target" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$out/" "$out/work-$target" "$seeds"
