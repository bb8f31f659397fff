#!/usr/bin/env bash
# The Debian packages of a shared build, as a user gets them: cpack makes them, lintian
# finds no error or warning in them, and, unpacked into a temporary root, they declare
# their dependencies, build the consumer (find_package and pkg-config) and run tfrun.
#   tests/packaging/debs.sh <build dir of the shared preset> <source dir>
set -euo pipefail
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build_dir" && cpack -B "$work/packages" >/dev/null)
shopt -s nullglob
debs=("$work"/packages/*.deb)
names=$(for deb in "${debs[@]}"; do dpkg-deb -f "$deb" Package; done | sort | tr '\n' ' ')
[[ $names == "libterraform-dev libterraform-worker libterraform0.1 tfrun " ]] || { echo "packages: $names" >&2; exit 1; }

# Two warnings are expected and suppressed:
# - initial-upload-closes-no-bugs: the changelog closes no Debian bug (an "intent to
#   package"), which only an upload to Debian's archive has;
# - maintscript-calls-ldconfig: CPack 3.25 runs ldconfig from postinst and postrm as
#   well as through the ldconfig trigger the runtime package declares.
lintian --fail-on error,warning --suppress-tags initial-upload-closes-no-bugs,maintscript-calls-ldconfig \
  "${debs[@]}"

depends() { dpkg-deb -f "$work"/packages/"$1"_*.deb Depends; }
expect_dependency() {
  grep -qF -- "$2" <<<"$(depends "$1")" || { echo "$1 does not depend on $2" >&2; exit 1; }
}
expect_dependency libterraform0.1 libboost-filesystem1.81.0
expect_dependency libterraform-dev 'libterraform0.1 (= 0.1.0-1)'
expect_dependency libterraform-dev nlohmann-json3-dev
expect_dependency tfrun 'libterraform0.1 (= 0.1.0-1)'
expect_dependency libterraform-worker 'libterraform0.1 (= 0.1.0-1)'

root=$work/root
for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$root"; done
libdir=$(dirname "$(find "$root" -name 'libterraform.so.*.*.*')")

# find_package, then the compiler with pkg-config's flags, against the root alone.
cmake -S "$source_dir/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$root/usr" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer"
read -r -a flags <<<"$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs libterraform)"
c++ "$source_dir/tests/consumer/main.cpp" -o "$work/pkg-config-consumer" "${flags[@]}"
LD_LIBRARY_PATH=$libdir "$work/pkg-config-consumer"

# tfrun from the root, on the root's library, over the example tree.
export LD_LIBRARY_PATH=$libdir
tfrun=$root/usr/bin/tfrun
grep -qF "$libdir/libterraform.so" <<<"$(ldd "$tfrun")" ||
  { echo "the unpacked tfrun does not load the unpacked library" >&2; exit 1; }
cmp <(zcat "$root/usr/share/man/man1/tfrun.1.gz") "$source_dir/tools/tfrun/tfrun.1"
cmp "$root/usr/share/bash-completion/completions/tfrun" "$source_dir/tools/tfrun/tfrun.bash"
"$source_dir/tests/tools/example_tree.sh" "$tfrun" "$source_dir"

# The remote worker from the root: its man page, its version, and its greeting.
worker=$root/usr/bin/libterraform-worker
cmp <(zcat "$root/usr/share/man/man1/libterraform-worker.1.gz") \
  "$source_dir/tools/worker/libterraform-worker.1"
[[ $("$worker" --version) == "libterraform-worker 0.1.0" ]]
"$worker" </dev/null | head -c 30 | grep -qx "libterraform-worker protocol=5"
