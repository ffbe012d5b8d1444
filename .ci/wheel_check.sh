#!/usr/bin/env bash
# Wheel check (issue 11, item 5): build the wheel, install it (not editable) into a fresh venv,
# and run one OPD's report from a folder outside the repository.
#
#   .ci/wheel_check.sh [KODE_OPD]          # default RSUD (its per-OPD weekmask is 1111110)
#
# Environment: PYTHON (interpreter that builds and creates the venv; default .venv/bin/python,
# else python3), KEEP=1 keeps the temp folder, WHEEL_CHECK_DIR picks it (default mktemp -d).
# Dependencies are installed at the versions of requirements.lock. Exit 0 only when the report
# exists and the manifest says it succeeded.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
OPD="${1:-RSUD}"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$REPO/.venv/bin/python" ]]; then PYTHON="$REPO/.venv/bin/python"; else PYTHON=python3; fi
fi
WORK="${WHEEL_CHECK_DIR:-$(mktemp -d -t kinerja-wheel-XXXXXX)}"
mkdir -p "$WORK"
cleanup() { if [[ "${KEEP:-0}" != "1" ]]; then rm -rf "$WORK"; else echo "folder kerja: $WORK"; fi; }
trap cleanup EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
step() { echo; echo "== $* ($(date +%H:%M:%S))"; }

step "salin sumber (berkas git, tanpa data/ dan reports/) ke $WORK/src"
mkdir -p "$WORK/src"
(cd "$REPO" && git ls-files -co --exclude-standard) | "$PYTHON" -c '
import shutil, sys
from pathlib import Path
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
skip = ("data/", "reports/", "bench/_work/")
for line in sys.stdin:
    rel = line.rstrip("\n")
    if not rel or rel.startswith(skip) or not (src / rel).is_file():
        continue  # deleted in the work tree, or generated data
    (dst / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / rel, dst / rel)
' "$REPO" "$WORK/src"

step "bangun wheel"
# setuptools warns that the data folders (templates, reference_data) look like packages; they
# ship as package data, the log keeps the warnings out of the CI output
"$PYTHON" -m pip wheel "$WORK/src" --no-deps -w "$WORK/dist" -q >"$WORK/wheel.log" 2>&1 \
  || { cat "$WORK/wheel.log"; exit 1; }
WHEEL="$(ls "$WORK"/dist/kinerja-*.whl)"
echo "$WHEEL"
"$PYTHON" - "$WHEEL" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
need = ["kinerja/domain/_shipped/notebooks/laporan_opd.ipynb", "kinerja/domain/_shipped/notebooks/ringkasan_kota.ipynb",
        "kinerja/domain/_shipped/parameters/default.yaml", "kinerja/domain/_shipped/parameters/hari_libur.csv",
        "kinerja/domain/_shipped/parameters/opd/RSUD.yaml", "kinerja/domain/resources.py"]
missing = [n for n in need if n not in names]
if missing:
    sys.exit(f"wheel tidak memuat: {missing}")
print(f"{len(names)} berkas di wheel; notebook dan parameter bawaan ada")
PY

step "pasang wheel ke venv baru $WORK/venv"
"$PYTHON" -m venv "$WORK/venv"
# the dependencies at the locked versions (requirements.lock, hashes checked), then the wheel itself
{ "$WORK/venv/bin/python" -m pip install -q "uv==${UV_VERSION:-0.13.9}" \
  && "$WORK/venv/bin/uv" pip install -q --python "$WORK/venv/bin/python" --require-hashes \
       -r "$REPO/requirements.lock" \
  && "$WORK/venv/bin/uv" pip install -q --python "$WORK/venv/bin/python" --no-deps "$WHEEL"; } \
  >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; exit 1; }
KINERJA="$WORK/venv/bin/kinerja"

# outside the repository, no parameters/ or notebooks/ in the working folder
RUN="$WORK/run"
mkdir -p "$RUN"
cd "$RUN"
case "$PWD/" in "$REPO"/*) echo "folder kerja ada di dalam repositori: $PWD" >&2; exit 1;; esac
export KINERJA_FOLDER_CACHE="$WORK/cache"

step "kinerja sample --out S --scale 0.05"
"$KINERJA" sample --out S --scale 0.05

step "kinerja batch --data S --opd $OPD --out R"
"$KINERJA" batch --data S --opd "$OPD" --out R --jobs 1

step "periksa laporan"
"$WORK/venv/bin/python" - "$OPD" <<'PY'
import json, sys
from pathlib import Path
code = sys.argv[1]
out = Path("R")
html = out / "opd" / f"{code}.html"
if not html.is_file() or html.stat().st_size < 10_000:
    sys.exit(f"laporan tidak ada atau terlalu kecil: {html}")
manifest = json.loads((out / "manifest.json").read_text())
summary = manifest.get("summary") or {}
print(f"{html} ({html.stat().st_size:,} bita); manifest: {json.dumps(summary)}")
if not summary.get("ok") or summary.get("gagal") or summary.get("tidak_selesai"):
    sys.exit("manifest: ada laporan yang gagal atau tidak selesai")
import kinerja
if "site-packages" not in kinerja.__file__:
    sys.exit(f"kinerja diimpor dari {kinerja.__file__}, bukan dari wheel")
PY
echo
echo "wheel_check: OK ($OPD)"
