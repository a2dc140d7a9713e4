#!/usr/bin/env bash
# Installs everything ncarpc needs to build and test on Debian 12, as root.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build pkg-config git
  antlr4 default-jre-headless libantlr4-runtime-dev uuid-dev
  libuv1-dev nlohmann-json3-dev catch2
  libkrb5-dev gss-ntlmssp gss-ntlmssp-dev nettle-dev   # authenticated RPC (nca_rpc_auth)
  clang libclang-rt-14-dev            # libFuzzer harnesses
  pybind11-dev python3-dev python3-pytest  # the ncarpc Python package (python/) and its tests
  # real peers for interop tests (rpcclient is in smbclient)
  samba samba-testsuite samba-common-bin smbclient python3-samba python3-impacket tshark iproute2
  samba-ad-provision samba-dsdb-modules samba-vfs-modules krb5-user  # a Samba AD DC as KDC (auth tests)
  libparse-yapp-perl                  # pidl, for the compile-time benchmark against it
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
