#!/usr/bin/env bash
# Fetches and unpacks the source package of the installed Samba (Debian's), as
# ../shared/design/PEERS.md ("Samba's sources") describes, without touching the system's apt
# configuration: private deb-src lists under DEST, then `apt-get source --download-only`.
#
#   tools/samba_source.sh DEST
#
# Prints the unpacked tree (DEST/samba-VERSION) on standard output and exits 0. Only the folders
# tests need are unpacked: librpc, the source3/source4 IDL, source4/torture/ndr, pidl and the
# win32 MIDL tests. Idempotent: a second run with the tree in place does nothing (a stamp file
# names the Debian version unpacked). Exit status 77 (CTest's "skipped") when Samba is not
# installed or the package cannot be fetched (no network), so tests that use it skip instead of
# failing on a machine without the peer.
#
# NCA_SAMBA_ORIG_TARBALL=FILE uses an already downloaded samba_*.orig.tar.xz instead of apt.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DEST" >&2
  exit 2
fi
dest=$1
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

version=$(dpkg-query -W -f='${Version}' samba 2>/dev/null || true)
if [[ -z "$version" ]]; then
  echo "samba_source: Samba is not installed (dpkg-query samba); nothing to fetch" >&2
  exit 77
fi
# 2:4.17.12+dfsg-0+deb12u4 -> 4.17.12 (the tarball's top folder is samba-UPSTREAM).
upstream=${version#*:}
upstream=${upstream%%-*}
upstream=${upstream%%+*}
tree="$dest/samba-$upstream"
stamp="$tree/.nca-unpacked"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
  echo "$tree"
  exit 0
fi

# One process at a time per DEST (parallel CTest runs share the cache).
exec 9>"$dest/.lock"
flock 9
if [[ -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
  echo "$tree"
  exit 0
fi

tarball=${NCA_SAMBA_ORIG_TARBALL:-}
if [[ -z "$tarball" ]]; then
  tarball=$(ls "$dest"/samba_*.orig.tar.xz 2>/dev/null | head -n1 || true)
fi
if [[ -z "$tarball" ]]; then
  apt_dir="$dest/apt"
  mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial"
  : >"$apt_dir/empty.list"
  # A deb-src twin of every deb822 sources file the system has.
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    sed -e 's/^Types:.*/Types: deb-src/' "$f" >"$apt_dir/parts/$(basename "$f")"
  done
  # One-line lists as well (deb URL SUITE COMPONENTS -> deb-src ...).
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    sed -n -e 's/^deb \(.*\)/deb-src \1/p' "$f" >>"$apt_dir/parts/oneline.list"
  done
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/empty.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
            -o "Dir::State::Lists=$apt_dir/lists" -o "Debug::NoLocking=1")
  if ! apt-get -qq "${apt_opts[@]}" update >&2; then
    echo "samba_source: apt-get update of the private deb-src lists failed (no network?)" >&2
    exit 77
  fi
  if ! (cd "$dest" && apt-get -qq "${apt_opts[@]}" source --download-only "samba=$version" >&2); then
    echo "samba_source: apt-get source --download-only samba=$version failed" >&2
    exit 77
  fi
  tarball=$(ls "$dest"/samba_*.orig.tar.xz | head -n1)
fi

rm -rf "$tree"
tar -xJf "$tarball" -C "$dest" --wildcards \
  "samba-$upstream/librpc/*" \
  "samba-$upstream/source3/librpc/idl/*" \
  "samba-$upstream/source4/librpc/idl/*" \
  "samba-$upstream/source4/torture/ndr/*" \
  "samba-$upstream/pidl/*" \
  "samba-$upstream/testprogs/win32/midltests/*"
echo "$version" >"$stamp"
echo "$tree"
