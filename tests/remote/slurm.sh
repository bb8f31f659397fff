#!/usr/bin/env bash
# A private one-node Slurm cluster (munged, slurmctld, slurmd) for the remote worker
# tests; every file lives in DIR:
#   slurm.sh start DIR   start it (restart it, fresh, if DIR's cluster runs), print the srun prefix
#   slurm.sh stop DIR    stop it and its jobs; nothing to do when it is not running
# start writes DIR/srun-prefix, the argv to put before a command to run it as a job step,
# one argument per line (mapfile -t prefix <DIR/srun-prefix; "${prefix[@]}" CMD...), and
# prints it on stdout on one line. Ports are free ones, or SLURMCTLD_PORT and SLURMD_PORT.
# Needs root (slurmd starts tasks as the submitting user) and slurmctld, slurmd,
# slurm-client, munge.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

usage() { echo "usage: slurm.sh start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(realpath -m -- "$2")
# Client commands and the daemons find the cluster by it; the job steps inherit it from
# slurmd, which is how stop finds them.
export SLURM_CONF=$dir/slurm.conf
socket=$dir/munge/munge.socket
node=localhost

# Is PID one of DIR's daemons? (A pid file may outlive its process and the pid be reused.)
ours() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF -- "$dir/"; }

# The slurmstepd processes of DIR's cluster, found by the SLURM_CONF they inherit.
step_daemons() {
  local pid
  for pid in $(pgrep -x slurmstepd); do
    if tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "SLURM_CONF=$SLURM_CONF"; then
      echo "$pid"
    fi
  done
}

# kill_after SECONDS PID...: SIGKILL to those still running after SECONDS.
kill_after() {
  local tenths=$(($1 * 10)) i
  shift
  for ((i = 0; i < tenths; i++)); do
    [[ -n $(running "$@") ]] || return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}

stop() {
  # Jobs first. Pending ones are cancelled, so the sruns waiting for them exit.
  local pid
  pid=$(cat "$dir/pids/slurmctld.pid" 2>/dev/null) || true
  if [[ $pid =~ ^[0-9]+$ ]] && ours "$pid"; then
    timeout 5 scancel --state=PENDING --partition=test || true
  fi
  # slurmd leaves running job steps behind when it stops. Killing the tasks lets their
  # slurmstepd report it, so the sruns waiting for them exit too.
  local steps tasks
  mapfile -t steps < <(step_daemons)
  mapfile -t tasks < <(descendants "${steps[@]}")
  kill -KILL "${tasks[@]}" 2>/dev/null || true
  kill_after 3 "${steps[@]}"

  local name
  for name in slurmd slurmctld munged; do
    pid=$(cat "$dir/pids/$name.pid" 2>/dev/null) || continue
    if [[ $pid =~ ^[0-9]+$ ]] && ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      kill_after 5 "$pid"
    fi
    rm -f "$dir/pids/$name.pid"
  done
}

# spawn NAME COMMAND...: runs the daemon COMMAND in the foreground of its own session
# (the test's signals do not reach it), output to DIR/log/NAME.out, its pid in
# DIR/pids/NAME.pid. Descriptors above 2 are closed: munged keeps what it inherits, and a
# daemon holding the caller's pipe would hang a $(slurm.sh start ...).
spawn() {
  local name=$1
  shift
  (
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      if ((fd > 2)); then exec {fd}>&-; fi
    done
    exec setsid "$@" </dev/null >"$dir/log/$name.out" 2>&1
  ) &
  echo $! >"$dir/pids/$name.pid"
}

# fail MESSAGE: stops what started, shows the logs, exits.
fail() {
  echo "slurm.sh: $1" >&2
  tail -n 5 "$dir"/log/* "$dir/munge/munged.log" >&2 2>/dev/null || true
  stop
  exit 1
}

# wait_for WHAT COMMAND...: runs COMMAND until it succeeds, for up to 15 s, as long as
# the daemons started so far run.
wait_for() {
  local what=$1 deadline=$((SECONDS + 15)) name
  shift
  until "$@"; do
    for name in "$dir"/pids/*.pid; do
      [[ -n $(running "$(cat "$name")") ]] || fail "$(basename "$name" .pid) exited"
    done
    ((SECONDS < deadline)) || fail "no $what in 15 s"
    sleep 0.05
  done
}

# Is something listening on 127.0.0.1:PORT or the wildcard address? (/proc/net/tcp: state 0A.)
listening() { grep -qi "^ *[0-9]*: [0-9A-F]*:$(printf %04X "$1") [0-9A-F:]* 0A " /proc/net/tcp /proc/net/tcp6; }
munge_works() { munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1; }
node_idle() { [[ $(timeout 5 sinfo -h -n "$node" -o %T 2>/dev/null) == idle ]]; }

start() {
  stop
  # A fresh cluster every time: old jobs and job ids would otherwise come back.
  rm -rf "$dir/state" "$dir/spool" "$dir/log" "$dir/pids"
  mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/pids" "$dir/munge"
  # munged wants its socket's directories searchable by all (mktemp -d makes DIR 0700)
  # and its key private.
  chmod a+x "$dir"
  chmod 0755 "$dir/munge"
  [[ -f $dir/munge/munge.key ]] || mungekey --create --keyfile="$dir/munge/munge.key"
  chmod 0600 "$dir/munge/munge.key"
  local ctld_port=${SLURMCTLD_PORT:-$(free_port)}
  local slurmd_port=${SLURMD_PORT:-$(free_port "$ctld_port")}

  cat >"$SLURM_CONF" <<EOF
ClusterName=test
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/pids/slurmctld.pid
SlurmdPidFile=$dir/pids/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# No cgroups here: with proctrack/cgroup every job step fails.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# No accounting database.
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# Ends a job whose srun died without telling slurmctld; by default it would run forever.
InactiveLimit=15
# Seconds between a cancelled job's SIGTERM and SIGKILL (default 30).
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
# FORCE:8: up to 8 job steps share a CPU, so a pool may start more workers than CPUs.
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
EOF

  spawn munged /usr/sbin/munged -F --key-file="$dir/munge/munge.key" --socket="$socket" \
    --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" \
    --log-file="$dir/munge/munged.log"
  wait_for "munge credential" munge_works
  spawn slurmctld /usr/sbin/slurmctld -D -f "$SLURM_CONF"
  # Before it listens, a client command waits a second before it tries again.
  wait_for "slurmctld on port $ctld_port" listening "$ctld_port"
  # -N: the node is "localhost", which is not this host's name.
  spawn slurmd /usr/sbin/slurmd -D -N "$node" -f "$SLURM_CONF"
  wait_for "idle node" node_idle

  local prefix=(env "SLURM_CONF=$SLURM_CONF" srun -u -X --quiet -N1 -n1) line
  printf '%s\n' "${prefix[@]}" >"$dir/srun-prefix"
  printf -v line '%q ' "${prefix[@]}"
  echo "${line% }"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
