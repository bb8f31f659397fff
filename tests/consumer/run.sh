#!/usr/bin/env bash
# Builds tests/consumer against this checkout, installed or as a subdirectory, and runs
# it: tests/consumer/run.sh <build dir> install|subdirectory
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$1
mode=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ $mode == install ]]; then
  cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
  cmake -S "$source_dir/tests/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
else
  cmake -S "$source_dir/tests/consumer" -B "$work/build" -DLIBTERRAFORM_SOURCE_DIR="$source_dir" >/dev/null
fi
cmake --build "$work/build" -j2 >/dev/null
"$work/build/consumer"
