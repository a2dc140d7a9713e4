#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh build
# Until the stub generators exist, the demo compiles the shipped IDL files and prints what the
# compiler understood.
for idl in idl/*.idl; do
  build/compiler/ncaidl -I idl --summary "$idl"
done
