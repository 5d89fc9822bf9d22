#!/usr/bin/env bash
# The Debian packages Navigator needs beside its Python requirements. Each line below pairs a
# check with the package that satisfies it. Missing ones are installed when we can (root with
# apt); otherwise this stops with the exact command. Nothing is ever skipped.
#
#   usage: ensure_system_packages.sh run|test
#     run:  what the app itself needs (OCR, PDF rendering, fonts, gettext for the catalogues)
#     test: that plus what only the tests need (chromium for the browser tests, pdftoppm)
set -euo pipefail

MODE="${1:-test}"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

missing=()
need() {  # need PACKAGE CHECK...
  local package="$1"; shift
  if ! "$@" >/dev/null 2>&1; then missing+=("$package"); fi
}

# The app: OCR of scanned reports, PDF summaries (WeasyPrint needs Pango), and fonts for them.
need tesseract-ocr command -v tesseract
need tesseract-ocr-eng test -e /usr/share/tesseract-ocr/5/tessdata/eng.traineddata
# Orientation detection: a page scanned sideways or upside down is turned before it is read.
need tesseract-ocr-osd test -e /usr/share/tesseract-ocr/5/tessdata/osd.traineddata
need libpango-1.0-0 have_lib libpango-1.0.so.0
need libpangoft2-1.0-0 have_lib libpangoft2-1.0.so.0
need libharfbuzz-subset0 have_lib libharfbuzz-subset.so.0
need fonts-dejavu-core test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
need fonts-noto-cjk test -d /usr/share/fonts/opentype/noto
# GNU gettext: msgfmt compiles the message catalogues (locale/) for `make run` and `make test`;
# xgettext lets the catalogue test and `make messages` read the strings in the code.
need gettext command -v msgfmt
# Rasterising PDF pages: OCR of PDFs without a text layer, and the tests' look at rendered PDFs.
need poppler-utils command -v pdftoppm
if [ "$MODE" = "test" ]; then
  need chromium test -x "$CHROMIUM"
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

INSTALL_CMD="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[system packages] missing: ${missing[*]}; installing: $INSTALL_CMD"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exec "$0" "$MODE"  # check again: a package that installed but still fails the check is an error
fi

cat >&2 <<MSG
[system packages] ERROR: Navigator needs these Debian packages: ${missing[*]}
Install them with:

    sudo sh -c '$INSTALL_CMD'

(or, for the browser tests, set CHROMIUM_PATH to an existing chromium binary) and run again.
MSG
exit 1
