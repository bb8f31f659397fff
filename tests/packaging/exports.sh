#!/usr/bin/env bash
# The shared library exports its public API, whole, and nothing of its internal layers:
#   exports.sh <libterraform.so> <source dir>
# Every exported symbol of the library's namespace must name a class or function that
# the public headers declare, and every one they mark LIBTERRAFORM_EXPORT must be there.
set -euo pipefail
library=$1
headers=$2/include/libterraform

symbols=$(nm -DC --defined-only "$library" | cut -d' ' -f3-)

# The first name after the library's namespaces: "libterraform::detail::X::f(int)" -> X.
internal=$(sed -nE 's/^(typeinfo name for |typeinfo for |vtable for )?libterraform::((detail|specs)::)*([A-Za-z_][A-Za-z0-9_]*).*/\4/p' \
  <<<"$symbols" | sort -u |
  while read -r name; do
    grep -rqw -- "$name" "$headers" || echo "$name"
  done)
if [[ -n $internal ]]; then
  echo "exported, but declared in no public header:" $internal >&2
  exit 1
fi

# Each class and function the headers mark LIBTERRAFORM_EXPORT, with the exception
# types a program catches.
declared=$(grep -rhoE '(class|struct) LIBTERRAFORM_EXPORT [A-Za-z_]+|LIBTERRAFORM_EXPORT [^(]*\(' \
  "$headers" | sed -E 's/.* LIBTERRAFORM_EXPORT //; s/\($//; s/.*[ *&]//' | grep -vx method | sort -u)
for name in $declared; do
  grep -qE -- "libterraform::([A-Za-z_]+::)*$name(\(|::|\[|$)" <<<"$symbols" ||
    { echo "declared LIBTERRAFORM_EXPORT, not exported: $name" >&2; exit 1; }
done
for expected in 'typeinfo for libterraform::Error' 'libterraform::detail::specs::plan('; do
  grep -qF -- "$expected" <<<"$symbols" || { echo "not exported: $expected" >&2; exit 1; }
done
echo "$(grep -c '^libterraform::' <<<"$symbols") functions of the public API exported, nothing internal"
