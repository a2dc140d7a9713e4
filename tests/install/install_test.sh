#!/usr/bin/env bash
# Installs the plain build into a fresh prefix (no rebuild: `cmake --install` copies what the
# build made) and checks what a user gets there:
#  1. the layout (Debian's: multiarch lib dir, versioned SONAME, CMake package, ncarpc.pc, the
#     shipped IDL, man pages that `man` finds through MANPATH, --version of every program);
#  2. examples/calc built with CMake (find_package + ncarpc_generate), its client run against its
#     server; then calc_types.idl touched: ninja must rerun ncaidl for calc_types.idl and
#     calc.idl (which imports it) and for nothing else, and a second build must do nothing;
#  3. the same example built with make and pkg-config, its client against its server.
# usage: install_test.sh BUILD_DIR SOURCE_DIR WORK_DIR [COMPILER_LAUNCHER]
set -euo pipefail
build=$1 src=$2 work=$3 launcher=${4:-}
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
arch=$(gcc -print-multiarch)
lib=$prefix/lib/$arch

# 1. layout
for f in bin/ncaidl bin/ncadump bin/ncaecho-server bin/ncaecho-client bin/ncaepmd bin/ncaepmdump \
         lib/$arch/libncarpc.a lib/$arch/pkgconfig/ncarpc.pc \
         lib/$arch/cmake/ncarpc/ncarpcConfig.cmake lib/$arch/cmake/ncarpc/NcarpcGenerate.cmake \
         include/nca/rpc/binding_handle.h include/nca/rpc/interceptor.h \
         include/ncarpc/idl/misc_types.h include/ncarpc/ncadump/module.h \
         share/ncarpc/idl/misc.idl share/ncarpc/idl/epmapper.idl share/man/man1/ncaidl.1; do
  [ -e "$prefix/$f" ] || fail "$f is not installed"
done
soname=$(readelf -d "$lib/libncarpc.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libncarpc.so.0 ] || fail "SONAME is '$soname', not libncarpc.so.0"
[ -e "$lib/libncarpc.so.0" ] || fail "libncarpc.so.0 missing"
for tool in ncaidl ncadump ncaecho-server ncaecho-client ncaepmd ncaepmdump ncacall; do
  "$prefix/bin/$tool" --version | grep -q "^$tool [0-9]" || fail "$tool --version"
  page=$(MANPATH=$prefix/share/man man -w "$tool") || fail "man -w $tool"
  case $page in "$prefix"/*) ;; *) fail "man finds $tool at $page, not in the prefix" ;; esac
done
MANPATH=$prefix/share/man MANWIDTH=100 man -P cat ncaidl 2>/dev/null | grep -q "ncaidl - compile DCE/RPC" ||
  fail "man ncaidl does not show the page"
echo "layout OK"

# 1b. the Python package (when the build made it): imported from the prefix alone, one call
# through it to the installed ncaecho-server.
if [ -d "$build/python/ncarpc" ]; then
  pydir=$prefix/$(/usr/bin/python3 -c "import sysconfig; s = 'deb_system' if 'deb_system' in sysconfig.get_scheme_names() else 'posix_prefix'; print(sysconfig.get_path('platlib', s, vars={'platbase': 'PREFIX', 'base': 'PREFIX'})[len('PREFIX/'):])")
  for f in include/ncarpc_py/bindings.h lib/$arch/cmake/ncarpc/NcarpcPython.cmake; do
    [ -e "$prefix/$f" ] || fail "$f is not installed"
  done
  "$prefix/bin/ncaecho-server" --listen "ncacn_ip_tcp:127.0.0.1[0]" > "$work/py-server.out" &
  spid=$!
  for _ in $(seq 100); do grep -q ncacn_ip_tcp "$work/py-server.out" && break; sleep 0.1; done
  binding=$(head -n1 "$work/py-server.out")
  out=$(cd "$work" && PYTHONPATH=$pydir /usr/bin/python3 -c "
import sys, ncarpc, ncarpc.rpcecho
assert ncarpc.__file__.startswith(sys.argv[1]), ncarpc.__file__
assert ncarpc.rpcecho.__file__.startswith(sys.argv[1]), ncarpc.rpcecho.__file__
print(ncarpc.rpcecho.rpcecho(ncarpc.connect(sys.argv[2], timeout=10)).echo_AddOne(41))
" "$pydir" "$binding" 2>&1) || { kill $spid; fail "Python from the prefix: $out"; }
  kill $spid; wait $spid 2>/dev/null || true
  [ "$out" = 42 ] || fail "Python echo_AddOne(41) from the prefix gave: $out"
  echo "Python package OK ($pydir)"
fi

cp -r "$src/examples/calc" "$work/src"

# Runs calc-server from $1 on ncalrpc in a directory of its own, then calc-client against it.
run_pair() {
  local bin=$1 sock=$work/sock-$(basename "$1")
  mkdir -p "$sock"
  "$bin/calc-server" --ncalrpc-dir "$sock" ncalrpc:[calc] > "$sock/server.out" 2> "$sock/server.log" &
  local pid=$!
  for _ in $(seq 100); do grep -q "ncalrpc" "$sock/server.out" && break; sleep 0.1; done
  local out
  out=$("$bin/calc-client" --ncalrpc-dir "$sock" ncalrpc:[calc] 40 2 2>"$sock/client.log") ||
    { kill $pid; cat "$sock/client.log" "$sock/server.log" >&2; fail "calc-client from $bin failed"; }
  kill $pid; wait $pid 2>/dev/null || true
  grep -q "^40 + 2 = 42$" <<<"$out" || fail "calc-client from $bin printed: $out"
  grep -q "^40 \* 2 = 80$" <<<"$out" || fail "calc-client from $bin printed: $out"
  grep -q "op=calc_Add status=ok" "$sock/server.log" || fail "the server's log has no calc_Add line"
}

# 2. CMake
cmake -S "$work/src" -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
      ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher} >/dev/null
cmake --build "$work/cmake" > "$work/cmake-build.log" || { cat "$work/cmake-build.log"; fail "CMake build"; }
run_pair "$work/cmake"
echo "CMake build OK"
ninja -C "$work/cmake" | grep -q "no work to do" || fail "a second build is not a no-op"
sleep 1  # a coarse file system timestamp must move
touch "$work/src/idl/calc_types.idl"
ninja -C "$work/cmake" > "$work/touch.log"
ran=$(sed -n 's/^\[[0-9]*\/[0-9]*\] ncaidl \([A-Za-z_0-9]*\)\.idl.*/\1/p' "$work/touch.log" | sort | tr '\n' ' ')
[ "$ran" = "calc calc_types " ] || { cat "$work/touch.log"; fail "after touching calc_types.idl ncaidl ran for: '$ran'"; }
ninja -C "$work/cmake" | grep -q "no work to do" || fail "the build after the touch is not a no-op"
echo "touch calc_types.idl reran ncaidl for: $ran"

# 3. pkg-config and make
PKG_CONFIG_PATH=$lib/pkgconfig make -s -j2 -f "$work/src/Makefile" O="$work/make" \
  CXX="${launcher:+$launcher }g++" > "$work/make.log" 2>&1 || { cat "$work/make.log"; fail "make build"; }
LD_LIBRARY_PATH=$lib run_pair "$work/make"
echo "pkg-config build OK"
