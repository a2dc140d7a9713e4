#!/usr/bin/env bash
# Runs ncaidl over every IDL file Samba ships (librpc/idl, source3/librpc/idl,
# source4/librpc/idl of the installed Samba's source package, fetched by tools/samba_source.sh)
# and checks that at least the files named in ACCEPTED still compile, both with --dump-ir and with
# every generator (--gen all). Prints the counts; a file that newly passes is reported, a listed
# file that fails is a test failure naming it and its first error.
#
#   corpus_accept.sh NCAIDL SOURCE_CACHE ACCEPTED OUTDIR
set -uo pipefail
ncaidl=$1 cache=$2 accepted=$3 out=$4
tree=$("$(dirname "$0")/../../tools/samba_source.sh" "$cache")
rc=$?
[[ $rc -eq 0 ]] || exit $rc

rm -rf "$out" && mkdir -p "$out"
incs=(-I "$tree/librpc/idl" -I "$tree/source3/librpc/idl" -I "$tree/source4/librpc/idl")
declare -A want=()
while read -r f; do [[ -z "$f" || "$f" == \#* ]] || want[$f]=1; done <"$accepted"

total=0 ir_ok=0 gen_ok=0 failed=0 new=()
for dir in librpc/idl source3/librpc/idl source4/librpc/idl; do
  for path in "$tree/$dir"/*.idl; do
    rel="$dir/$(basename "$path")"
    total=$((total + 1))
    ok=1
    if "$ncaidl" "${incs[@]}" --no-color --dump-ir "$path" >/dev/null 2>"$out/err.txt"; then
      ir_ok=$((ir_ok + 1))
      gen_dir="$out/gen/$(basename "$path" .idl)"
      mkdir -p "$gen_dir"
      if "$ncaidl" "${incs[@]}" --no-color --gen all -o "$gen_dir" "$path" 2>"$out/err.txt"; then
        gen_ok=$((gen_ok + 1))
      else
        ok=0
      fi
    else
      ok=0
    fi
    if [[ $ok -eq 1 && -z "${want[$rel]:-}" ]]; then new+=("$rel"); fi
    if [[ $ok -eq 0 && -n "${want[$rel]:-}" ]]; then
      echo "REGRESSION: $rel is no longer accepted:" >&2
      grep -m3 -E "error" "$out/err.txt" >&2
      failed=$((failed + 1))
    fi
  done
done
echo "samba corpus: $total files, $ir_ok accepted by --dump-ir, $gen_ok by every generator" \
     "(${#want[@]} required by $(basename "$accepted"))"
for f in "${new[@]}"; do echo "newly accepted (add to $(basename "$accepted")): $f"; done
[[ $failed -eq 0 ]]
