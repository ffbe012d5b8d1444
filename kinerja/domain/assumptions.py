"""Register of the rules kinerja uses that are not (fully) confirmed by a primary source.

The domain reference marks each domain rule *confirmed*, *likely* or *unconfirmed*. Every rule the package applies that is not plainly confirmed by statute is listed
here once, with an id that metric modules quote in their ``catatan`` columns and docstrings, so an
evaluation forum can see which numbers rest on which assumption and how to change it.

Confidence values (Indonesian, user-facing):

``"terkonfirmasi"``
    confirmed by a retrieved (mostly secondary) source; listed here because it is a *system policy*
    or otherwise worth stating next to a result.
``"dugaan"``
    *likely*: one secondary source, or partial evidence agreeing with background knowledge.
``"belum terkonfirmasi"``
    *unconfirmed*: background knowledge only; must be checked against a primary source.
``"pilihan perancangan"``
    a design choice of this package where the regulation is silent (e.g. which year a training
    spanning New Year counts in); documented so it can be changed deliberately.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

Confidence = Literal["terkonfirmasi", "dugaan", "belum terkonfirmasi", "pilihan perancangan"]

__all__ = ["ASSUMPTIONS", "Assumption", "assumption_note", "assumptions_table", "get_assumption"]


@dataclass(frozen=True)
class Assumption:
    """One registered assumption.

    Parameters
    ----------
    id : str
        Stable key quoted by the modules (``"ikm-bobot"``).
    text : str
        The rule as applied, in Indonesian.
    reference : str
        The regulation (or other source) it rests on, as a reader would cite it: never a file
        of this project, an issue or an open-question number (it is shown in every report).
    confidence : {"terkonfirmasi", "dugaan", "belum terkonfirmasi", "pilihan perancangan"}
    used_in : str
        Where in kinerja it is applied (module.function / option).
    default : str
        The default the package uses.
    how_to_change : str
        The option or parameter file a pemda changes to apply another rule (Indonesian).
    """

    id: str
    text: str
    reference: str
    confidence: Confidence
    used_in: str
    default: str
    how_to_change: str


ASSUMPTIONS: tuple[Assumption, ...] = (
    # --- SKM / IKM -------------------------------------------------------------------------
    Assumption(
        id="ikm-bobot",
        text=(
            "Bobot tiap unsur SKM = 1/9 tepat (sama dengan rata-rata 9 NRR × 25). Angka bobot "
            "yang tercetak dalam PermenPANRB 14/2017 belum ditemukan; laporan yang beredar "
            "memakai 0,111 atau 0,11 (dengan bobot itu IKM maksimum 99,90 atau 99,00, bukan 100)."
        ),
        reference="PermenPANRB 14/2017, Lampiran (rumus IKM); angka bobot yang tercetak belum diperiksa pada salinan resmi",
        confidence="belum terkonfirmasi",
        used_in="kinerja.metrics.survey.ikm_table / ikm_elements (opsi weight)",
        default='weight="exact" (1/9)',
        how_to_change='weight="0.111" atau weight="0.11" untuk mencocokkan laporan lama',
    ),
    Assumption(
        id="ikm-pembulatan",
        text=(
            "IKM (skala 25–100) dibulatkan ke 2 desimal (angka 5 dibulatkan ke atas) hanya di "
            "akhir perhitungan, lalu mutu ditentukan dari nilai yang sudah dibulatkan "
            "dengan batas bawah inklusif: ≥ 88,31 A; ≥ 76,61 B; ≥ 65,00 C; selain itu D."
        ),
        reference="PermenPANRB 14/2017, Lampiran (tabel nilai persepsi, nilai interval dan mutu pelayanan); aturan pembulatan tidak disebut",
        confidence="pilihan perancangan",
        used_in="kinerja.metrics.survey.ikm_table, classify_ikm",
        default="half-up, 2 desimal, klasifikasi setelah pembulatan",
        how_to_change="tidak ada opsi; ubah kinerja.metrics.survey bila sumber primer menyatakan lain",
    ),
    Assumption(
        id="ikm-mutu-unsur",
        text=(
            "Mutu per unsur memakai NRR yang dibulatkan ke 4 desimal dengan batas "
            "≥ 3,5324 A; ≥ 3,0644 B; ≥ 2,60 C; selain itu D (batas nilai interval = batas "
            "nilai interval konversi dibagi 25). "
            "Varian 2 desimal (3,07/3,54) yang beredar tidak dipakai."
        ),
        reference="PermenPANRB 14/2017, Lampiran (tabel nilai interval dan mutu pelayanan)",
        confidence="pilihan perancangan",
        used_in="kinerja.metrics.survey.ikm_elements (kolom mutu)",
        default="NRR 4 desimal, batas NI tabel §1.5",
        how_to_change="tidak ada opsi; ubah kinerja.metrics.survey.NRR_THRESHOLDS",
    ),
    Assumption(
        id="ikm-permen-berlaku",
        text=(
            "PermenPANRB 14/2017 dianggap masih berlaku; apakah sudah diganti (mis. oleh "
            "PermenPANRB 4/2025) belum diperiksa pada sumber primer."
        ),
        reference="PermenPANRB 14/2017; status berlakunya belum diperiksa di jdih.menpan.go.id",
        confidence="belum terkonfirmasi",
        used_in="kinerja.metrics.survey (seluruh modul)",
        default="PermenPANRB 14/2017",
        how_to_change="periksa jdih.menpan.go.id sebelum rilis",
    ),
    Assumption(
        id="ikm-krejcie-morgan",
        text=(
            "Sampel minimum SKM dihitung dengan rumus Krejcie & Morgan (chi kuadrat 3,841; "
            "P 0,5; d 0,05; dibulatkan ke bilangan bulat terdekat) terhadap jumlah penerima "
            "layanan pada periode itu. IKM tetap dihitung; OPD dengan sampel di bawah minimum "
            "ditandai dan tidak diberi peringkat di ringkasan kota."
        ),
        reference="PermenPANRB 14/2017, Lampiran (penentuan besaran sampel, tabel Krejcie dan Morgan)",
        confidence="dugaan",
        used_in="kinerja.metrics.survey.krejcie_morgan, sample_adequacy",
        default="chi2=3,841; P=0,5; d=0,05; pembulatan ke terdekat",
        how_to_change="argumen populasi pada sample_adequacy; penanda dapat diabaikan",
    ),
    Assumption(
        id="ikm-sampel-minimum-lain",
        text=(
            "Aturan sampel minimum lain yang beredar ('minimal 25 responden per jenis layanan', "
            "'minimal 150 responden / 10%') tidak diberlakukan; hanya disebut sebagai catatan."
        ),
        reference="PermenPANRB 14/2017, Lampiran; aturan lain hanya beredar pada aplikasi daerah",
        confidence="belum terkonfirmasi",
        used_in="kinerja.metrics.survey.sample_adequacy (kolom catatan)",
        default="tidak diberlakukan",
        how_to_change="tidak ada opsi (sengaja)",
    ),
    # --- SKP -----------------------------------------------------------------------------------
    Assumption(
        id="skp-predikat-sumber",
        text=(
            "Distribusi predikat SKP dihitung dari predikat menurut matriks rating hasil "
            "kerja × rating perilaku kerja. Predikat yang tercatat hanya dibandingkan; perbedaan "
            "dilaporkan, tidak ditimpa."
        ),
        reference="PermenPANRB 6/2022 (matriks predikat kinerja pegawai)",
        confidence="pilihan perancangan",
        used_in="kinerja.metrics.skp.skp_distribution (opsi source)",
        default='source="matriks"',
        how_to_change='source="tercatat" memakai predikat tercatat (matriks bila kosong)',
    ),
    Assumption(
        id="skp-predikat-organisasi",
        text=(
            "Predikat kinerja organisasi: Istimewa / Baik / Butuh Perbaikan (Cukup) / Kurang / "
            "Sangat Kurang; 'Cukup' dibaca sama dengan 'Butuh Perbaikan'."
        ),
        reference="PermenPANRB 6/2022 (predikat kinerja organisasi)",
        confidence="dugaan",
        used_in="kinerja.metrics.skp.curve_warnings",
        default="lima predikat organisasi",
        how_to_change="tidak ada opsi",
    ),
    Assumption(
        id="skp-pola-distribusi",
        text=(
            "Pola distribusi predikat pegawai menurut predikat organisasi (mis. Sangat Kurang: "
            "≥ 60% Sangat Kurang, ≥ 10% Kurang/Misconduct dan/atau Butuh Perbaikan, tidak ada "
            "Sangat Baik) diterapkan sebagai PERINGATAN, bukan validasi. Sumber: artikel yang "
            "mengutip surat edaran MenPANRB (nomor belum diketahui); 'maksimal' vs 'minimal' 70% "
            "untuk Istimewa/Baik belum pasti."
        ),
        reference="PermenPANRB 6/2022 (kurva distribusi predikat); surat edaran MenPANRB yang nomornya belum diketahui",
        confidence="dugaan",
        used_in="kinerja.metrics.skp.curve_warnings (opsi CurveRules)",
        default="ambang dalam kinerja.metrics.skp.CurveRules()",
        how_to_change="curve_warnings(..., rules=CurveRules(...)) dengan ambang lain; None mematikan aturan",
    ),
    Assumption(
        id="pp30-pita-kurang",
        text=(
            "Skor PP 30/2019: Kurang 50 ≤ x < 70 dan Sangat Kurang x < 50. Kutipan sumber "
            "berhenti sebelum kedua pita ini."
        ),
        reference="PP 30/2019 Pasal 41",
        confidence="dugaan",
        used_in="kinerja.metrics.skp.pp30_score (kolom pita_dugaan)",
        default="50 dan 70",
        how_to_change="tidak ada opsi; hasil dengan pita ini ditandai pita_dugaan=True",
    ),
    Assumption(
        id="pp30-pembulatan",
        text=(
            "Nilai akhir PP 30/2019 dibulatkan ke 2 desimal (angka 5 dibulatkan ke atas) "
            "sebelum diberi predikat."
        ),
        reference="PP 30/2019 Pasal 41 (pembulatan tidak diatur)",
        confidence="pilihan perancangan",
        used_in="kinerja.metrics.skp.pp30_score",
        default="2 desimal, half-up",
        how_to_change="tidak ada opsi",
    ),
    # --- Pelatihan / JP ------------------------------------------------------------------------
    Assumption(
        id="jp-menit",
        text="1 JP = 45 menit (Peraturan LAN 10/2018; teksnya belum ditemukan).",
        reference="Peraturan LAN 10/2018",
        confidence="dugaan",
        used_in="kinerja.metrics.training.MENIT_PER_JP, minutes_to_jp",
        default="45 menit",
        how_to_change="minutes_to_jp(menit, menit_per_jp=...)",
    ),
    Assumption(
        id="jp-klasikal",
        text=(
            "Pemetaan jenis pelatihan ke bentuk klasikal / nonklasikal direkonstruksi dari "
            "Peraturan LAN 10/2018 (daftarnya belum ditemukan); dipakai HANYA bila kolom bentuk kosong."
        ),
        reference="Peraturan LAN 10/2018",
        confidence="belum terkonfirmasi",
        used_in="kinerja.metrics.training.classify_bentuk, training_mix",
        default="kinerja.metrics.training.BENTUK_KEYWORDS",
        how_to_change="classify_bentuk(jenis, mapping=...) / training_mix(..., mapping=...)",
    ),
    Assumption(
        id="jp-tahun-mulai",
        text=(
            "Pelatihan yang melewati pergantian tahun dihitung seluruh JP-nya pada tahun "
            "tanggal mulai pelatihan (tidak dibagi)."
        ),
        reference="PP 11/2017 jo. PP 17/2020 (hak 20 JP per tahun); pembagian antartahun tidak diatur",
        confidence="pilihan perancangan",
        used_in="kinerja.metrics.training.jp_per_pegawai, training_mix",
        default="tahun tanggal_mulai",
        how_to_change="tidak ada opsi",
    ),
    Assumption(
        id="jp-target-pppk",
        text=(
            "Hak 20 JP per tahun bersumber dari PP 11/2017 jo. PP 17/2020 untuk PNS; penerapannya "
            "pada PPPK (Peraturan LAN 15/2020) belum terkonfirmasi. Semua pegawai dihitung; status "
            "kepegawaian (PNS/PPPK) disertakan agar dapat dipilah."
        ),
        reference="PP 11/2017 jo. PP 17/2020; Peraturan LAN 15/2020",
        confidence="belum terkonfirmasi",
        used_in="kinerja.metrics.training.jp_per_pegawai",
        default="target 20 JP untuk semua pegawai",
        how_to_change="jp_per_pegawai(..., target_jp=...) atau saring status_kepegawaian",
    ),
    # --- Identitas, OPD ------------------------------------------------------------------------
    Assumption(
        id="nip-pppk",
        text=(
            "Susunan NI PPPK: tanggal lahir (8) + tahun TMT (4) + penanda PPPK '2' + tahap (1) + "
            "jenis kelamin (1) + nomor urut (3)."
        ),
        reference="susunan NI PPPK pada aplikasi kepegawaian (satu sumber sekunder)",
        confidence="dugaan",
        used_in="kinerja.domain.nip",
        default="susunan §5.2",
        how_to_change="tidak ada opsi",
    ),
    Assumption(
        id="opd-daftar",
        text=(
            "Daftar perangkat daerah Kota Salatiga lengkap belum terkonfirmasi (Perda 9/2016 jo. "
            "4/2020 dan 14/2021); daftar diambil dari berkas opd yang disediakan pengguna."
        ),
        reference="Perda Kota Salatiga 9/2016 jo. Perda 4/2020 dan Perda 14/2021",
        confidence="belum terkonfirmasi",
        used_in="kinerja.data.sample, berkas opd",
        default="berkas opd pada folder data",
        how_to_change="sunting berkas opd",
    ),
    # --- Pengaduan -----------------------------------------------------------------------------
    Assumption(
        id="pengaduan-lapor",
        text=(
            "Tenggat pengaduan: 3 hari kerja untuk verifikasi/penerusan dan 5 hari kerja untuk "
            "tindak lanjut instansi; laporan ditutup bila 10 hari kerja berlalu tanpa balasan "
            "(kebijakan sistem SP4N-LAPOR!, bukan undang-undang)."
        ),
        reference="kebijakan layanan SP4N-LAPOR! (Perpres 76/2013)",
        confidence="terkonfirmasi",
        used_in="kinerja.metrics.complaints (tenggat bawaan)",
        default="3 dan 5 hari kerja",
        how_to_change="parameter tenggat pengaduan per OPD di parameters/",
    ),
    Assumption(
        id="pengaduan-uu25",
        text=(
            "UU 25/2009 Pasal 50: tanggapan atas pengaduan tertulis dalam 14 hari dan penyelesaian "
            "dalam 60 hari; teks pasal belum ditemukan, tidak dipakai sebagai bawaan."
        ),
        reference="UU 25/2009 Pasal 50",
        confidence="belum terkonfirmasi",
        used_in="kinerja.metrics.complaints (hanya bila dipilih)",
        default="tidak dipakai",
        how_to_change="parameter tenggat pengaduan per OPD di parameters/",
    ),
    # --- Kalender ------------------------------------------------------------------------------
    Assumption(
        id="kalender-libur",
        text=(
            "Hari libur nasional dan cuti bersama diambil dari kalender libur yang dikirim "
            "bersama aplikasi (disusun dari SKB cuti bersama setiap tahun); kalender itulah "
            "yang berlaku dan dapat disunting pengguna di folder parameter."
        ),
        reference="SKB Menteri tentang hari libur nasional dan cuti bersama (setiap tahun)",
        confidence="pilihan perancangan",
        used_in="kinerja.domain.calendar.load_calendar",
        default="parameters/hari_libur.csv",
        how_to_change="sunting parameters/hari_libur.csv",
    ),
    Assumption(
        id="kalender-weekmask",
        text=(
            "Hari kerja Senin-Jumat; OPD tertentu (mis. RSUD, loket kecamatan) dapat diberi "
            "pola minggu kerja lain per OPD."
        ),
        reference="hari kerja Senin–Jumat yang berlaku umum; pola lain per OPD dipilih di sini",
        confidence="pilihan perancangan",
        used_in="kinerja.domain.calendar.WorkCalendar (weekmask)",
        default="1111100 (Senin-Jumat)",
        how_to_change="weekmask per OPD di parameters/",
    ),
    # --- Dampak pelatihan ----------------------------------------------------------------------
    Assumption(
        id="dampak-did",
        text=(
            "Dampak pelatihan dihitung dengan metode selisih-dari-selisih: tren waktu layanan OPD "
            "pembanding dianggap sejajar dengan OPD yang dilatih tanpa pelatihan, tidak ada "
            "perubahan lain pada jendela yang sama, dan tidak ada limpahan antar-OPD. Hasilnya "
            "keterkaitan dengan selang ketidakpastian (dari pengambilan sampel ulang), bukan "
            "bukti sebab-akibat."
        ),
        reference="metode selisih-dari-selisih (difference-in-differences), pilihan analisis, bukan ketentuan",
        confidence="pilihan perancangan",
        used_in="kinerja.metrics.impact.training_impact",
        default="DiD rerata hari kerja, bootstrap",
        how_to_change="opsi jendela dan pembanding pada training_impact",
    ),
    # --- Tindak lanjut -------------------------------------------------------------------------
    Assumption(
        id="tindaklanjut-program",
        text=(
            "Usulan program pembinaan per predikat (Butuh Perbaikan -> coaching dan pelatihan "
            "teknis; Kurang/Misconduct -> mentoring perilaku; Sangat Kurang -> mentoring dan "
            "pelatihan) adalah usulan lokal, bukan ketentuan PermenPANRB 6/2022."
        ),
        reference="PermenPANRB 6/2022 (tahap tindak lanjut); usulan program adalah usulan lokal",
        confidence="pilihan perancangan",
        used_in="kinerja.metrics.followup.mentoring_candidates (opsi program)",
        default="kinerja.metrics.followup.PROGRAM_USULAN",
        how_to_change="mentoring_candidates(..., program=...)",
    ),
    Assumption(
        id="tindaklanjut-terlambat",
        text=(
            "Tindak lanjut terlambat = belum selesai dan tenggat sebelum tanggal acuan (tenggat "
            "pada hari itu belum terlambat). Yang selesai sesudah tenggat dihitung terpisah sebagai "
            "'selesai sesudah tenggat'. Keterlambatan dalam hari kalender."
        ),
        reference="register tindak lanjut forum evaluasi; definisi dipilih di sini",
        confidence="pilihan perancangan",
        used_in="kinerja.metrics.followup.followup_status, overdue_items",
        default="seperti teks",
        how_to_change="tidak ada opsi",
    ),
)

_BY_ID = {a.id: a for a in ASSUMPTIONS}
if len(_BY_ID) != len(ASSUMPTIONS):  # pragma: no cover - guards edits of the register
    raise RuntimeError("Id asumsi ganda dalam kinerja.domain.assumptions.ASSUMPTIONS")


def get_assumption(assumption_id: str) -> Assumption:
    """Return the registered assumption ``assumption_id``; ``KeyError`` in Indonesian otherwise."""
    try:
        return _BY_ID[assumption_id]
    except KeyError:
        raise KeyError(f"Asumsi tidak terdaftar: {assumption_id!r}") from None


def assumption_note(ids: Iterable[str]) -> str:
    """Short Indonesian note naming the assumptions ``ids`` for a ``catatan`` column.

    Example: ``"Asumsi: ikm-bobot (belum terkonfirmasi); ikm-krejcie-morgan (dugaan)"``.
    """
    parts = [f"{a.id} ({a.confidence})" for a in (get_assumption(i) for i in ids)]
    return "Asumsi: " + "; ".join(parts) if parts else ""


def assumptions_table() -> pd.DataFrame:
    """All registered assumptions as a DataFrame (one row each, columns as the dataclass fields)."""
    return pd.DataFrame([asdict(a) for a in ASSUMPTIONS]).astype("str")
