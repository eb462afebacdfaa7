# build-aux/setup.sh — sourced by build-aux/run and build-aux/test:
# installs the Debian packages Saddle needs (if missing), then configures and builds.
set -eu

SADDLE_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SADDLE_BUILD=${SADDLE_BUILD:-$SADDLE_SRC/build}

SADDLE_PACKAGES="build-essential meson ninja-build pkg-config gettext python3 python3-numpy
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libepoxy-dev libcairo2-dev libpango1.0-dev zlib1g-dev libjson-glib-dev libzip-dev
  libopenblas-dev liblapacke-dev
  openmpi-bin libopenmpi-dev libscalapack-openmpi-dev libelpa-dev
  xvfb xauth dbus desktop-file-utils appstream imagemagick librsvg2-bin"

saddle_install_packages ()
{
  local missing=""
  local pkg
  for pkg in $SADDLE_PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing="$missing $pkg"
    fi
  done
  [ -z "$missing" ] && return 0

  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  echo "Installing Debian packages:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q -o DPkg::Lock::Timeout=600 \
    --no-install-recommends $missing
}

saddle_build ()
{
  if [ ! -f "$SADDLE_BUILD/build.ninja" ]; then
    meson setup "$SADDLE_BUILD" "$SADDLE_SRC"
  fi
  meson compile -C "$SADDLE_BUILD"
}
