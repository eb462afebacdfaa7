#!/usr/bin/env bash
# check-translations.sh PO_DIR SOURCE_ROOT
#
# Fails unless every language in PO_DIR/LINGUAS translates every message of the
# sources as they are now: msgfmt --check must pass and report no fuzzy or
# untranslated message, both for the .po file as committed and after merging it
# with a template freshly extracted from the files in POTFILES.in (so a string
# added to the app without running saddle-update-po is caught too).
set -u

podir=$1
srcroot=$2
status=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# $1: .po file; $2: how to name it in messages. Prints msgfmt's statistics.
check_po ()
{
  local stats
  if ! stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$1" 2>&1); then
    printf '%s: msgfmt --check failed:\n%s\n' "$2" "$stats"
    return 1
  fi
  printf '%s: %s\n' "$2" "$stats"
  case $stats in
    *fuzzy*|*untranslated*)
      return 1 ;;
    "0 translated"*)
      printf '%s: no translated message at all\n' "$2"
      return 1 ;;
  esac
  return 0
}

# The same keywords and flags as meson's i18n 'glib' preset, which builds saddle.pot.
if ! (cd "$srcroot" && LC_ALL=C xgettext --from-code=UTF-8 --add-comments \
        --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
        --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
        --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
        --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
        --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
        --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
        --flag=g_markup_printf_escaped:1:c-format --flag=g_printerr:1:c-format \
        --files-from="$podir/POTFILES.in" --output="$tmp/current.pot"); then
  echo "xgettext failed: is every file in po/POTFILES.in present?"
  exit 1
fi

languages=$(sed -e 's/#.*//' "$podir/LINGUAS")
if [ -z "${languages//[[:space:]]/}" ]; then
  echo "po/LINGUAS names no language"
  exit 1
fi

for lang in $languages; do
  po="$podir/$lang.po"
  if [ ! -f "$po" ]; then
    echo "$lang is in LINGUAS but $po does not exist"
    status=1
    continue
  fi
  check_po "$po" "$lang.po" || status=1

  if ! LC_ALL=C msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/$lang.po" \
         "$po" "$tmp/current.pot"; then
    echo "$lang.po: msgmerge with the current sources failed"
    status=1
    continue
  fi
  if ! check_po "$tmp/$lang.po" "$lang.po merged with the current sources"; then
    echo "$lang.po is out of date or incomplete: run 'meson compile -C BUILDDIR saddle-update-po'" \
         "and translate every empty or fuzzy message"
    status=1
  fi
done

exit $status
