#!/usr/bin/env bash
# Builds tests/consumer against this checkout and runs it, one of three ways:
#   run.sh <build dir> <static|shared> install       find_package of the installed package
#   run.sh <build dir> <static|shared> subdirectory  add_subdirectory of the checkout
#   run.sh <build dir> <static|shared> pkg-config    the compiler alone, with the flags
#                                                    `pkg-config --cflags --libs` gives
# The kind is the build directory's library; the test fails when the consumer links
# the other kind.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$1
kind=$2
mode=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shared=OFF
if [[ $kind == shared ]]; then shared=ON; fi

if [[ $mode == pkg-config ]]; then
  cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
  pc_dir=$(dirname "$(find "$work/prefix" -name libterraform.pc)")
  export PKG_CONFIG_PATH=$pc_dir
  read -r -a flags <<<"$(pkg-config --cflags --libs libterraform)"
  c++ "$source_dir/tests/consumer/main.cpp" -o "$work/consumer" "${flags[@]}"
  # An installed shared library is found through the loader's path; this prefix is not on it.
  export LD_LIBRARY_PATH=$(dirname "$pc_dir")
  consumer=$work/consumer
else
  if [[ $mode == install ]]; then
    cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
    cmake -S "$source_dir/tests/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
  else
    cmake -S "$source_dir/tests/consumer" -B "$work/build" -DLIBTERRAFORM_SOURCE_DIR="$source_dir" \
      -DBUILD_SHARED_LIBS="$shared" >/dev/null
  fi
  cmake --build "$work/build" -j2 >/dev/null
  consumer=$work/build/consumer
fi

linked=$(ldd "$consumer" | grep -c 'libterraform\.so' || true)
if [[ $shared == ON && $linked -eq 0 ]]; then
  echo "the consumer does not load libterraform.so in a shared build" >&2
  exit 1
elif [[ $shared == OFF && $linked -ne 0 ]]; then
  echo "the consumer loads libterraform.so in a static build" >&2
  exit 1
fi
"$consumer"
