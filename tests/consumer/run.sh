#!/usr/bin/env bash
# Builds tests/consumer against this checkout and runs it, one of three ways:
#   tests/consumer/run.sh <build dir> install        find_package of the installed package
#   tests/consumer/run.sh <build dir> subdirectory   add_subdirectory of the checkout
#   tests/consumer/run.sh <build dir> pkg-config     the compiler alone, with the flags
#                                                    `pkg-config --cflags --libs` gives
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$1
mode=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ $mode == pkg-config ]]; then
  cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
  PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name libterraform.pc)")
  export PKG_CONFIG_PATH
  read -r -a flags <<<"$(pkg-config --cflags --libs libterraform)"
  c++ "$source_dir/tests/consumer/main.cpp" -o "$work/consumer" "${flags[@]}"
  "$work/consumer"
  exit
fi

if [[ $mode == install ]]; then
  cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
  cmake -S "$source_dir/tests/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
else
  cmake -S "$source_dir/tests/consumer" -B "$work/build" -DLIBTERRAFORM_SOURCE_DIR="$source_dir" >/dev/null
fi
cmake --build "$work/build" -j2 >/dev/null
"$work/build/consumer"
