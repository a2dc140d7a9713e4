#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh build
# What the compiler understood of the shipped IDL files.
for idl in idl/*.idl; do
  build/compiler/ncaidl -I idl --summary "$idl"
done
# A generated client calling a generated server: every rpcecho operation through the loopback
# handle (NDR both ways, in this process; a socket transport comes with the protocol engines).
build/tools/ncaecho/ncaecho-client
