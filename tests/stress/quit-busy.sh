#!/usr/bin/env bash
# quit-busy.sh BUILD_DIR [COUNT]: Quit the app COUNT times (default 100) while its worker is
# busy in LAPACK (a 5,181-parameter Hessian's eigensolve) or in the ‖∇L‖² descent, at random
# moments, and count the crashes. Run it under a display (xvfb-run -a); prints one line
# "N quits, N crashes" and exits 1 if any crashed. Too slow for CI (about 10 s a quit).
set -u
build=$(cd "${1:?usage: quit-busy.sh BUILD_DIR [COUNT]}" && pwd)
count=${2:-100}
export GSETTINGS_SCHEMA_DIR=$build/data GTK_A11Y=none GSETTINGS_BACKEND=keyfile LANG=C.UTF-8
export XDG_CONFIG_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
schema=io.github.saddlelab.Saddle.Critical
gsettings set io.github.saddlelab.Saddle study critical
gsettings set $schema hidden '70,70'
gsettings set $schema runs 4
crashes=0
for i in $(seq 1 "$count"); do
  # Half the quits in the eigensolve (no descent), half during the descent.
  if [ $((i % 2)) -eq 0 ]; then
    gsettings set $schema descent-steps 0; gsettings set $schema newton-steps 0
  else
    gsettings set $schema descent-steps 100000; gsettings set $schema newton-steps 0
  fi
  dbus-run-session -- bash -c '
    "$0/src/app/saddle" & app=$!
    sleep 2
    gapplication action io.github.saddlelab.Saddle run-study "'"'"'critical'"'"'"
    sleep $((3 + RANDOM % 8))
    gapplication action io.github.saddlelab.Saddle quit
    wait $app' "$build" 2>/dev/null
  status=$?
  if [ $status -ge 128 ]; then
    crashes=$((crashes + 1))
    echo "quit $i: killed by signal $((status - 128))" >&2
  fi
done
echo "$count quits, $crashes crashes"
[ $crashes -eq 0 ]
