#!/usr/bin/env bash
# Tesseract's English language data for OCR of burned-in text (issue 12). The engine itself
# comes with the tesserocr wheel; the data comes from Debian (tesseract-ocr, tesseract-ocr-eng).
# Installs them where missing and possible (root with apt-get); otherwise says what to do and
# exits 0: without OCR the site still runs, and keeps every image at risk in quarantine.
set -uo pipefail

have_data() {
  [ -n "${TESSDATA_PREFIX:-}" ] && [ -f "$TESSDATA_PREFIX/eng.traineddata" ] && return 0
  compgen -G "/usr/share/tesseract-ocr/*/tessdata/eng.traineddata" >/dev/null
}

if have_data; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "install_ocr: installing Debian's tesseract-ocr and tesseract-ocr-eng" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q tesseract-ocr tesseract-ocr-eng >/dev/null; then
    apt-get update -q >/dev/null && apt-get install -y -q tesseract-ocr tesseract-ocr-eng >/dev/null
  fi
fi
if have_data; then
  exit 0
fi
cat >&2 <<'MSG'
install_ocr: NOTICE: Tesseract's English data is not installed, so OCR of burned-in text is
off: every image at risk (ultrasound, screenshots, photos) waits for an editor with no
proposed boxes. Install it with:  sudo apt-get install tesseract-ocr tesseract-ocr-eng
(or set TESSDATA_PREFIX to a folder holding eng.traineddata).
MSG
exit 0
