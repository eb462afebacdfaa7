#!/usr/bin/env bash
# take-screenshots.sh [BUILDDIR [WIDTHxHEIGHT]] — retakes the AppStream screenshots in this
# folder; with a size, shoots every view at that screen size into the folder WIDTHxHEIGHT/.
#
# Each study runs with the default settings on a 1280×800 Xvfb screen (no window
# manager, so the window fills it) and is shot after a fixed time: the trajectories
# near their end, the gradient norm finished, the critical points part-way, with
# the first analysed point's spectrum shown. Needs xvfb-run, dbus-run-session and
# ImageMagick's import.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
size=${2:-}
out=$here
if [ -n "$size" ]; then
  out=$here/$size
  mkdir -p "$out"
fi

if [ "${SADDLE_SCREENSHOT_INNER:-}" != 1 ]; then
  exec env SADDLE_SCREENSHOT_INNER=1 xvfb-run -a -s "-screen 0 ${size:-1280x800}x24" \
    dbus-run-session -- "$here/$(basename "$0")" "$build" $size
fi

export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory GTK_A11Y=none
if [ -n "$size" ]; then
  # Without a window manager the window keeps its own size: give it the screen's.
  export GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME
  XDG_CONFIG_HOME=$(mktemp -d)
  trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
  gsettings set io.github.saddlelab.Saddle window-width "${size%x*}"
  gsettings set io.github.saddlelab.Saddle window-height "${size#*x}"
fi
export LANG=C.UTF-8 LANGUAGE=en

# study, file name, seconds to wait
for shot in trajectories:trajectories:10 gradnorm:gradient-norm:40 critical:critical-points:60; do
  IFS=: read -r study name wait <<< "$shot"
  "$build/src/app/saddle" &
  app=$!
  sleep 4
  gapplication action io.github.saddlelab.Saddle run-study "'$study'"
  sleep "$wait"
  /usr/bin/import -window root "$out/$name.png"
  gapplication action io.github.saddlelab.Saddle quit
  wait "$app"
  echo "$out/$name.png"
done
