# bash completion of tfrun: its options, their values, and the commands it runs
# (`tfrun --commands`, so the list is always the installed tfrun's own).
_tfrun() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} i
  # After `--` come terraform's own arguments: nothing to offer.
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ ${COMP_WORDS[i]} == -- ]] && return 0
  done
  case $prev in
    -C | --root | --module | --log-dir | --plugin-cache)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return 0
      ;;
    --report | --html | --retry | --binary | --worker-program)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
    --stop-escalation)
      mapfile -t COMPREPLY < <(compgen -W "interrupt terminate kill none" -- "$cur")
      return 0
      ;;
    --progress)
      mapfile -t COMPREPLY < <(compgen -W "auto live lines" -- "$cur")
      return 0
      ;;
    -p | --parallelism | --include | --exclude | --changed-since | --timeout | --stop-grace | --heartbeat | --worker | --slurm | --path-map)
      return 0 # a value of the user's own
      ;;
  esac
  if [[ $cur == -* ]]; then
    local options="-h --help -C --root --module -p --parallelism --worker --slurm
      --worker-program --path-map --include --exclude
      --include-dependencies --include-dependents --changed-since --retry --fail-fast
      --ignore-errors --dry-run --report --html --log-dir --plugin-cache --timeout
      --stop-escalation --stop-grace --progress --heartbeat --binary -y --yes --version
      --report-schema --commands"
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" --commands 2>/dev/null)" -- "$cur")
  fi
  return 0
}
complete -F _tfrun tfrun
