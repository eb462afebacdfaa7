#!/usr/bin/env bash
# check-icons.sh ICONS_DIR APP_ID
#
# The app icon must render at its design size and load through gdk-pixbuf, which
# is what GTK 4.8 uses for icons: it sniffs the format from the first bytes, so an
# XML comment before <svg> makes it "Unrecognized image file format". The symbolic
# one must be recolourable by GTK: fills only (GTK recolours fills, not strokes),
# all #2e3436.
set -u

dir=$1
app_id=$2
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# $1: svg, $2: expected size in pixels
renders ()
{
  local size
  if ! rsvg-convert --format=png --output="$tmp/icon.png" "$1"; then
    echo "$1: does not render"
    return 1
  fi
  # PNG width and height are the big-endian words at bytes 16 and 20.
  size=$(od -An -tu1 -j16 -N8 "$tmp/icon.png" | awk '{ print $3 * 256 + $4 "x" $7 * 256 + $8 }')
  if [ "$size" != "$2x$2" ]; then
    echo "$1: renders at $size, expected $2x$2"
    return 1
  fi
  echo "$1: renders at $size"

  if command -v gdk-pixbuf-thumbnailer > /dev/null; then
    if ! gdk-pixbuf-thumbnailer -s "$2" "$1" "$tmp/pixbuf.png"; then
      echo "$1: gdk-pixbuf (and so GTK) cannot load it"
      return 1
    fi
    echo "$1: loads through gdk-pixbuf"
  fi
}

full="$dir/hicolor/scalable/apps/$app_id.svg"
symbolic="$dir/hicolor/symbolic/apps/$app_id-symbolic.svg"

renders "$full" 128 || status=1
renders "$symbolic" 16 || status=1

if grep -q 'stroke' "$symbolic"; then
  echo "$symbolic: uses strokes; outline them into filled paths"
  status=1
fi
colours=$(grep -o '#[0-9a-fA-F]\{6\}' "$symbolic" | sort -u | tr '\n' ' ')
if [ "$colours" != "#2e3436 " ]; then
  echo "$symbolic: colours are '$colours', expected only #2e3436"
  status=1
fi

exit $status
