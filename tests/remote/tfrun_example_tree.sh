#!/usr/bin/env bash
# tfrun over the example tree with two SSH workers and two Slurm workers and no local
# ones, through the services the fixtures started in REMOTE_DIR:
#   tfrun_example_tree.sh REMOTE_DIR TFRUN WORKER SOURCE_DIR
set -euo pipefail
remote_dir=$1 tfrun=$2 worker=$3 source_dir=$4
mapfile -t ssh <"$remote_dir/sshd/ssh-prefix"
mapfile -t srun <"$remote_dir/slurm/srun-prefix"
# The srun prefix is `env SLURM_CONF=... srun ...`: tfrun's --slurm runs plain srun, which
# finds the cluster through the environment.
export "${srun[1]}"
"$source_dir/tests/tools/example_tree.sh" "$tfrun" "$source_dir" \
  --worker "${ssh[*]}" --worker "${ssh[*]}" --slurm 2 --worker-program "$worker"
