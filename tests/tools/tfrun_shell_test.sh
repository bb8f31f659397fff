#!/usr/bin/env bash
# tfrun's man page and bash completion against tfrun itself: the options `--help`
# lists are the page's and the completion's, no more and no fewer; the page renders
# without warnings; the completion completes options, their values and the commands
# `tfrun --commands` prints.
#   tests/tools/tfrun_shell_test.sh <tfrun> <source dir>
set -euo pipefail
tfrun=$1
source_dir=$2
page=$source_dir/tools/tfrun/tfrun.1
completion=$source_dir/tools/tfrun/tfrun.bash
failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}

# "  -C,--root TEXT   The module tree" -> -C and --root
help_options=$("$tfrun" --help | sed -n 's/^  \(-[^ ]*\).*/\1/p' | tr ',' '\n' | sort -u)
# The flags on the .B/.BR lines of the page's OPTIONS section, unescaped.
page_options=$(sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$page" | grep -E '^\.BR? ' |
  sed 's/\\-/-/g' | grep -oE '(^|[ "])--?[A-Za-z][A-Za-z-]*' | sed 's/^[ "]//' | sort -u)
completion_options=$(sed -n '/local options="/,/"$/p' "$completion" | tr ' "' '\n\n' |
  grep -E '^-' | sort -u)
[[ $help_options == "$page_options" ]] ||
  fail "the man page's options differ from --help:" $'\n' "$(diff <(echo "$help_options") <(echo "$page_options"))"
[[ $help_options == "$completion_options" ]] ||
  fail "the completion's options differ from --help:" $'\n' "$(diff <(echo "$help_options") <(echo "$completion_options"))"

warnings=$(groff -man -ww -z -Tutf8 "$page" 2>&1)
[[ -z $warnings ]] || fail "the man page renders with warnings: $warnings"

# What the completion offers for a command line whose last word is being typed.
offered() {
  (
    # shellcheck source=/dev/null
    source "$completion"
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    _tfrun
    printf '%s\n' "${COMPREPLY[@]}"
  )
}
expect_offered() { # expected (newline-separated) -- words...
  local expected=$1
  shift
  local got
  got=$(offered "$@" | sort)
  [[ $got == "$expected" ]] || fail "completing '$*': expected [$expected], got [$got]"
}
expect_offered $'--include-dependencies\n--include-dependents' "$tfrun" --include-dep
expect_offered $'lines\nlive' "$tfrun" --progress l
expect_offered "plan" "$tfrun" -C infra pl
expect_offered "" "$tfrun" plan -- -var
# Read whole before grep: `grep -q` leaving early would break the pipe (pipefail).
st=$(offered "$tfrun" st)
grep -qx state_list <<<"$st" || fail "state_list is not offered for 'st'"
grep -qx state_mv <<<"$st" && fail "state_mv, which tfrun refuses, is offered"
commands=$("$tfrun" --commands)
[[ $(grep -cx apply <<<"$commands") == 1 ]] || fail "tfrun --commands does not list apply"

((failed == 0)) && echo "man page and completion agree with tfrun"
exit "$failed"
