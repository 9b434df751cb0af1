#!/usr/bin/env bash
# Install everything dutydocs needs on Debian/Ubuntu: fonts, the HarfBuzz subsetter, poppler,
# LibreOffice (for checking the Word edition), a virtual environment and the package itself.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  fontconfig
  fonts-noto-cjk            # Noto Serif/Sans CJK SC: 宋体、黑体 fallbacks
  texlive-lang-chinese      # ships FandolFang / FandolKai: 仿宋、楷体 fallbacks
  fonts-arphic-ukai         # AR PL UKai: another 楷体
  libharfbuzz-subset0       # fast font subsetting in WeasyPrint (seconds instead of tens of seconds)
  libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint's text layout
  poppler-utils             # pdftotext, pdffonts, pdftoppm: the tests read the PDF back
  libreoffice-writer        # converts the Word edition to PDF; not -nogui: that lacks Writer's UI files, and
                            # LibreOffice 7.4 aborts opening any .docx with a comment through UNO (annotation.ui)
  libreoffice-calc-nogui    # prints the Excel edition to PDF when checking how it prints
  python3-uno               # drives LibreOffice from the tests: accept / reject tracked changes (tests/lo_uno.py)
  chromium                  # the tests print the HTML edition with headless Chromium (landscape list, page numbers)
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)  # the tests run the HTML edition's filter script
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "安装系统软件包：${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Fandol fonts live in TeX's tree; tell fontconfig (and so WeasyPrint and LibreOffice) about them.
FANDOL=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
CONF=/etc/fonts/conf.d/09-dutydocs-fandol.conf
if [ -d "$FANDOL" ] && [ ! -f "$CONF" ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>%s</dir></fontconfig>\n' "$FANDOL" | $SUDO tee "$CONF" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
fi

# Map the official font names (仿宋_GB2312, 方正小标宋简体 …) to the free fonts, so that LibreOffice
# shows the Word edition in 仿宋/黑体 shapes too (WeasyPrint names its fallbacks itself).
ALIASES=/etc/fonts/conf.d/35-dutydocs-aliases.conf
if ! cmp -s templates/fonts.conf "$ALIASES" 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO install -m644 templates/fonts.conf "$ALIASES"
  fc-cache -f >/dev/null 2>&1 || true
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
# constraints.txt pins the versions the tests passed on; bash scripts/update_constraints.sh moves them up.
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
echo "dutydocs 已安装：.venv/bin/dutydocs"
