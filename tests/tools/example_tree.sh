#!/usr/bin/env bash
# The README's main job without a terminal: tfrun over scripts/example-tree.
#   example_tree.sh TFRUN SOURCE_DIR [TFRUN FLAGS...]
set -euo pipefail
tfrun=$1
source_dir=$2
shift 2
tree=$(mktemp -d)
config=$(mktemp)
trap 'rm -rf "$tree" "$config"' EXIT
"$source_dir/scripts/example-tree" "$tree" 0
export TF_CLI_CONFIG_FILE=$config CHECKPOINT_DISABLE=1
"$tfrun" -C "$tree" --progress lines "$@" init > /dev/null
"$tfrun" -C "$tree" --progress lines "$@" --yes --report "$tree/report.json" apply > "$tree/apply.log"
grep -q '^\[monitoring\] ok ' "$tree/apply.log"
set +e
"$tfrun" -C "$tree" --progress lines "$@" plan -- -detailed-exitcode > /dev/null
code=$?
set -e
[[ $code -eq 0 ]] || { echo "plan after apply: exit code $code, expected 0"; exit 1; }
echo "example tree: 12 modules applied in order, nothing left to change"
