"""What a batch shows on the console: progress bar, one line per report, final summary."""

from __future__ import annotations

import sys
from typing import Any

from kinerja.run.common import BatchResult


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def make_bar(total: int, progress: bool) -> Any:
    """The tqdm progress bar on stderr (a silent stand-in when ``progress`` is false)."""
    if not progress:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="Laporan", unit="notebook", file=sys.stderr, dynamic_ncols=True)


def make_echo(echo: bool) -> Any:
    """A function ``fn(bar, result)`` printing one line per finished report (nothing when off)."""

    def fn(bar: Any, res: dict[str, Any]) -> None:
        if not echo:
            return
        name = res["kode_opd"] or "ringkasan kota"
        dur = res.get("duration_s")
        dur_txt = f"{dur:.1f} dtk".replace(".", ",") if dur is not None else "-"
        line = f"[{res['status']}] {name} ({dur_txt})"
        if res.get("error"):
            line += f" — {res['error']}"
        if hasattr(bar, "write"):
            bar.write(line, file=sys.stdout)
        else:
            print(line, flush=True)

    return fn


def print_summary(result: BatchResult, duration: float) -> None:
    """Print the final summary of a batch: counts, failures, where the index and manifest are."""
    n_ok, n_bad = len(result.ok), len(result.failed)
    print(
        f"Selesai dalam {duration:.1f} dtk: {n_ok} laporan berhasil, {n_bad} gagal/tidak selesai.".replace(
            ".", ",", 1
        )
    )
    for r in result.failed:
        print(f"  - {r['kode_opd'] or 'ringkasan kota'}: {r['status']}: {r.get('error') or ''}")
    rekap = result.rekap or {}
    if rekap.get("status") == "gagal":
        gone = "; rekap.xlsx lama dihapus" if rekap.get("berkas_lama_dihapus") else ""
        print(f"Rekap forum (rekap.xlsx) tidak dibuat: {rekap.get('error') or ''}{gone}.")
    pdf = result.pdf or {}
    if pdf.get("status") == "tidak dibuat":
        print(f"PDF tidak dibuat: {pdf.get('alasan') or ''}")
    elif pdf.get("gagal"):
        print(f"PDF: {pdf.get('jumlah', 0)} dibuat, {pdf['gagal']} gagal (lihat manifest.json).")
    for note in result.notes:
        print(f"Perhatian: {note}")
    if result.interrupted:
        print(
            "Batch dihentikan (Ctrl-C); laporan yang sudah selesai tetap tersimpan, "
            "laporan lain tidak diubah. Jalankan ulang."
        )
    print(f"Indeks: {result.index_path}")
    print(f"Manifest: {result.manifest_path}")


__all__ = [
    "make_bar",
    "make_echo",
    "print_summary",
]
