#!/usr/bin/env bash
# A private sshd on 127.0.0.1 for the remote worker tests; every file lives in DIR:
#   sshd.sh start DIR   start it (restart it if DIR's sshd runs), print the ssh prefix
#   sshd.sh stop DIR    stop it and the sessions it runs; nothing to do when it is not running
# start writes DIR/ssh-prefix, the ssh argv to put before a remote command, one argument
# per line (mapfile -t prefix <DIR/ssh-prefix; "${prefix[@]}" CMD...), and prints it on
# stdout on one line. The port is a free one, or SSHD_PORT. Needs root (sshd wants
# /run/sshd) and openssh-server, openssh-client. The remote command runs through the
# login shell, so the user's ~/.bashrc runs first.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

usage() { echo "usage: sshd.sh start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(realpath -m -- "$2")
pid_file=$dir/sshd.pid
config=$dir/sshd_config

# Is PID the sshd started from DIR? (A pid file may outlive its process and the pid be
# reused.) sshd rewrites its command line into one string, so compare with spaces.
ours() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF -- "-f $config "; }

# terminate PID...: SIGTERM, then SIGKILL to those still running after 3 s.
terminate() {
  kill -TERM "$@" 2>/dev/null || true
  for _ in {1..30}; do
    [[ -n $(running "$@") ]] || return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}

stop() {
  local pid procs
  pid=$(cat "$pid_file" 2>/dev/null) || return 0
  if [[ $pid =~ ^[0-9]+$ ]] && ours "$pid"; then
    # Each connection's sshd is in a session of its own and outlives the listener, and a
    # remote command that does not read stdin outlives its connection: stop them all.
    mapfile -t procs < <(echo "$pid"; descendants "$pid")
    terminate "${procs[@]}"
  fi
  rm -f "$pid_file"
}

start() {
  stop
  mkdir -p "$dir" /run/sshd
  [[ -f $dir/host_key ]] || ssh-keygen -q -t ed25519 -N '' -C sshd.sh-host -f "$dir/host_key"
  [[ -f $dir/client_key ]] || ssh-keygen -q -t ed25519 -N '' -C sshd.sh-client -f "$dir/client_key"
  cp "$dir/client_key.pub" "$dir/authorized_keys"
  local port=${SSHD_PORT:-$(free_port)}

  # Absolute paths: sshd changes to / and re-executes itself for every connection.
  # No AcceptEnv: a remote command sees sshd's environment only, not the test's.
  cat >"$config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $pid_file
# DIR is usually below /tmp, which is world-writable: StrictModes would refuse the keys.
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
PrintMotd no
# The default, 10:30:100, drops handshakes when a pool connects many workers at once.
MaxStartups 100:30:200
# The default key exchange, sntrup761x25519, costs ~130 ms more per connection.
KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org
EOF
  /usr/sbin/sshd -t -f "$config"

  # -D: no fork, so the pid file names the process to stop. setsid: the test's signals
  # do not reach it. Descriptors above 2 are closed: a daemon holding the caller's pipe
  # would hang a $(sshd.sh start ...).
  : >"$dir/sshd.log"
  (
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      if ((fd > 2)); then exec {fd}>&-; fi
    done
    # shellcheck disable=SC2094 # sshd and its early errors both append to the log
    exec setsid /usr/sbin/sshd -D -f "$config" -E "$dir/sshd.log" </dev/null >>"$dir/sshd.log" 2>&1
  ) &
  local launched=$!
  # The same pid sshd writes once it listens; written now so that stop works whatever happens.
  echo "$launched" >"$pid_file"

  local prefix=(ssh -T -e none -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
    -i "$dir/client_key" -p "$port" 127.0.0.1)
  # Ready when a real login works, not merely when the port listens.
  local output deadline=$((SECONDS + 10))
  until output=$(timeout 5 "${prefix[@]}" true </dev/null 2>&1); do
    if [[ -z $(running "$launched") ]] || ((SECONDS >= deadline)); then
      echo "sshd.sh: no login to 127.0.0.1:$port: $output" >&2
      cat "$dir/sshd.log" >&2
      stop
      exit 1
    fi
    sleep 0.05
  done
  # The login shell's rc files run before every remote command; what they print
  # precedes the command's own output.
  if [[ -n $output ]]; then echo "sshd.sh: a remote 'true' printed: $output" >&2; fi

  printf '%s\n' "${prefix[@]}" >"$dir/ssh-prefix"
  local line
  printf -v line '%q ' "${prefix[@]}"
  echo "${line% }"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
