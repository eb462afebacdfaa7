#!/usr/bin/env bash
# app-vs-cli.sh BUILD_DIR [STUDY…]: times each study (default: trajectories gradnorm critical,
# with the app's default settings) in the app under a display (run it under xvfb-run -a) and in
# saddle-cli with the same settings, and prints "STUDY app S cli S ratio R" a line. The app's
# time is its own, from the study's start to its results on screen ("Study shown … after it
# started" in its debug log); the CLI's is the process's wall time, loading and writing
# included. That line also says when to quit the app: tail follows the log by inotify. (A
# D-Bus poll every 0.1 s used to: its gdbus, grep and sleep processes took 0.5 CPU s of a 2 s
# study on 2 cores, measured with perf -a, and slowed the app it measured.)
# SETTING="SCHEMA KEY VALUE" sets one
# GSettings key of the app first (e.g. "io.github.saddlelab.Saddle.Trajectories epochs 300"),
# and CLI_ARGS gives saddle-cli the same setting (e.g. "--epochs 300"): without it the two
# would run different studies, so the script refuses.
# APP_LOG=FILE keeps the app's debug log there (appended), with its chart redraws a second
# while the study runs ("Chart redraws: N a second", counted where the chart is drawn). A
# benchmark, not a test.
set -u
build=$(cd "${1:?usage: app-vs-cli.sh BUILD_DIR [STUDY…]}" && pwd)
shift
studies=${*:-trajectories gradnorm critical}
export GSETTINGS_SCHEMA_DIR=$build/data GTK_A11Y=none GSETTINGS_BACKEND=keyfile LANG=C.UTF-8
export XDG_CONFIG_HOME=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME" "$out"' EXIT
APP=io.github.saddlelab.Saddle
PATH_=/io/github/saddlelab/Saddle

if [ -n "${SETTING:-}" ] && [ -z "${CLI_ARGS:-}" ]; then
  echo "app-vs-cli.sh: SETTING changes the app only; give saddle-cli the same in CLI_ARGS" >&2
  exit 2
fi
[ -n "${SETTING:-}" ] && gsettings set $SETTING
for study in $studies; do
  log=$out/$study.log
  debug=saddle-window
  [ -n "${APP_LOG:-}" ] && debug=all
  dbus-run-session -- bash -c '
    APP='$APP'
    G_MESSAGES_DEBUG=$3 "$0/src/app/saddle" >"$2" 2>&1 & app=$!
    sleep 3
    # Wait for the line "Study shown": tail follows the log by inotify, so the waiting
    # costs nothing while the study runs.
    exec 7< <(tail -n +1 -F "$2" 2>/dev/null); follower=$!
    gapplication action $APP run-study "'"'"'$1'"'"'"
    grep -q -m1 "Study shown" <&7
    kill $follower; exec 7<&-
    gapplication action $APP quit; wait $app' "$build" "$study" "$log" "$debug"
  [ -n "${APP_LOG:-}" ] && cat "$log" >>"$APP_LOG"
  app_s=$(sed -n 's/.*Study shown \([0-9.]*\) s after it started.*/\1/p' "$log" | tail -1)
  if [ -z "$app_s" ]; then
    echo "$study: the app logged no \"Study shown\" line" >&2
    continue
  fi
  cli_start=$(date +%s.%N)
  # shellcheck disable=SC2086 # CLI_ARGS is a list of options
  "$build/src/cli/saddle-cli" "$study" ${CLI_ARGS:-} --out "$out/$study" --quiet >/dev/null 2>&1
  cli_s=$(echo "$(date +%s.%N) - $cli_start" | bc)
  printf '%s app %.2f s cli %.2f s ratio %.2f\n' "$study" "$app_s" "$cli_s" \
    "$(echo "$app_s / $cli_s" | bc -l)"
done
