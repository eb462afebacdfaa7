#!/usr/bin/env bash
# take-screenshots.sh [BUILDDIR] — retakes the AppStream screenshots in this folder.
#
# Each study runs with the default settings on a 1280×800 Xvfb screen (no window
# manager, so the window fills it) and is shot after a fixed time: the trajectories
# near their end, the gradient norm finished, the critical points part-way, with
# the first analysed point's spectrum shown. Needs xvfb-run, dbus-run-session and
# ImageMagick's import.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)

if [ "${SADDLE_SCREENSHOT_INNER:-}" != 1 ]; then
  exec env SADDLE_SCREENSHOT_INNER=1 xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- "$0" "$build"
fi

export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory GTK_A11Y=none
export LANG=C.UTF-8 LANGUAGE=en

# study, file name, seconds to wait
for shot in trajectories:trajectories:10 gradnorm:gradient-norm:40 critical:critical-points:60; do
  IFS=: read -r study name wait <<< "$shot"
  "$build/src/app/saddle" &
  app=$!
  sleep 4
  gapplication action io.github.saddlelab.Saddle run-study "'$study'"
  sleep "$wait"
  /usr/bin/import -window root "$here/$name.png"
  gapplication action io.github.saddlelab.Saddle quit
  wait "$app"
  echo "$here/$name.png"
done
