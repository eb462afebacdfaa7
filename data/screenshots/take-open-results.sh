#!/usr/bin/env bash
# take-open-results.sh [BUILDDIR] — retakes open-results.png: a saddle-cli critical study
# (12 runs of a 1-8-1 ReLU net on 100 sinc points, weights saved beside it) opened in Saddle
# with `saddle FOLDER` on a 1440×900 Xvfb screen, its first point's loss slice recomputed
# from the saved weights (a click on Loss Slice). Needs xvfb-run, dbus-run-session, xdotool
# and ImageMagick's import.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)

if [ "${SADDLE_SCREENSHOT_INNER:-}" != 1 ]; then
  exec env SADDLE_SCREENSHOT_INNER=1 xvfb-run -a -s "-screen 0 1440x900x24" \
    dbus-run-session -- "$0" "$build"
fi

# A short fixed path: the window names the folder it opened.
work=/tmp/saddle-screenshot
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
"$build/src/cli/saddle-cli" critical --runs 12 --hidden 8 --samples 100 --epochs 100 \
  --descent-steps 200 --newton-steps 5 --still-steps 50 --quiet \
  --out "$work/critical-12" --save-weights "$work/critical-12/weights.txt" > /dev/null

# The window fills the screen: its size comes from settings in a scratch key file.
export XDG_CONFIG_HOME="$work/config" GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=keyfile
export GTK_A11Y=none LANG=C.UTF-8 LANGUAGE=en
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[io/github/saddlelab/Saddle]\nwindow-width=1440\nwindow-height=900\n' \
  > "$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"

"$build/src/app/saddle" "$work/critical-12" &
app=$!
# Under load the window can take a while to appear: wait for it, then for its first frames.
for _ in $(seq 120); do
  xdotool search --name '^Saddle$' > /dev/null 2>&1 && break
  sleep 0.5
done
sleep 8
xdotool mousemove 1380 416 click 1   # Loss Slice
sleep 8
/usr/bin/import -window root "$here/open-results.png"
gapplication action io.github.saddlelab.Saddle quit
wait "$app"
echo "$here/open-results.png"
