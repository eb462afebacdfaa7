#!/usr/bin/env bash
# app-vs-cli.sh BUILD_DIR [STUDY…]: times each study (default: trajectories gradnorm critical,
# with the app's default settings) in the app under a display (run it under xvfb-run -a) and in
# saddle-cli with the same settings, and prints "STUDY app S cli S ratio R" a line. The app is
# timed from the run-study action to its stop action turning disabled (it is enabled exactly
# while a study runs), polled every 0.1 s over D-Bus. SETTING="SCHEMA KEY VALUE" sets one
# GSettings key first (e.g. "io.github.saddlelab.Saddle.Trajectories surface-resolution 0").
# APP_LOG=FILE keeps the app's debug log there (appended), with its chart redraws a second
# while the study runs ("Chart redraws: N a second"). A benchmark, not a test.
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

stop_enabled ()
{
  gdbus call --session --dest $APP --object-path $PATH_ --method org.gtk.Actions.Describe stop \
    2>/dev/null | grep -q '(true,'
}

[ -n "${SETTING:-}" ] && gsettings set $SETTING
for study in $studies; do
  app_s=$(dbus-run-session -- bash -c '
    APP='$APP'; PATH_='$PATH_'
    stop_enabled () { gdbus call --session --dest $APP --object-path $PATH_ --method org.gtk.Actions.Describe stop 2>/dev/null | grep -q "(true,"; }
    if [ -n "${APP_LOG:-}" ]; then
      G_MESSAGES_DEBUG=all "$0/src/app/saddle" >>"$APP_LOG" 2>&1 & app=$!
    else
      "$0/src/app/saddle" >/dev/null 2>&1 & app=$!
    fi
    sleep 3
    start=$(date +%s.%N)
    gapplication action $APP run-study "'"'"'$1'"'"'"
    # The action is enabled within a frame of run-study; then poll until it is not.
    sleep 0.1
    while stop_enabled; do sleep 0.1; done
    end=$(date +%s.%N)
    gapplication action $APP quit; wait $app
    echo "$end - $start" | bc' "$build" "$study")
  cli_start=$(date +%s.%N)
  "$build/src/cli/saddle-cli" "$study" --out "$out/$study" --quiet >/dev/null 2>&1
  cli_s=$(echo "$(date +%s.%N) - $cli_start" | bc)
  printf '%s app %.1f s cli %.1f s ratio %.2f\n' "$study" "$app_s" "$cli_s" \
    "$(echo "$app_s / $cli_s" | bc -l)"
done
