# Shell functions the service scripts share (sourced by sshd.sh and slurm.sh).

# The PIDs that still run; a zombie counts as gone.
running() {
  local pid stat
  for pid; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    [[ ${stat:0:1} == Z ]] || echo "$pid"
  done
}

# descendants PID...: their children, grandchildren, ...
descendants() {
  local pid child
  for pid; do
    for child in $(ps -o pid= --ppid "$pid"); do echo "$child"; descendants "$child"; done
  done
}

# A port in 10000-32767 (below the kernel's ephemeral range) that no socket uses and
# that is not one of the ports given as arguments.
free_port() {
  local port
  while :; do
    port=$((10000 + RANDOM % 22768))
    if [[ " $* " != *" $port "* ]] &&
      ! grep -qi "^ *[0-9]*: [0-9A-F]*:$(printf %04X "$port") " /proc/net/tcp /proc/net/tcp6; then
      echo "$port"
      return
    fi
  done
}
