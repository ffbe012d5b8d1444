"""The section registry: every report section declared once, and the notebooks built from them.

A section is a :class:`SectionSpec` in :data:`SECTIONS` (key, title, builder, the controls it
needs, the notebooks it belongs to); a notebook is a :class:`NotebookSpec` in :data:`NOTEBOOKS`
(title, controls, the function that assembles its whole static report, whether it is a Voila
form and whether the batch's metric warm-up builds it). Everything that lists sections reads
these two:

- the static reports: :func:`sections_opd` and :func:`sections_hambatan` iterate
  :func:`sections_for`; :func:`kinerja.report.notebook.show` runs a notebook's assembly;
- the Voila forms: :func:`kinerja.serve.definitions.form_definitions` makes one form section per
  :class:`SectionSpec` of each notebook with ``form=True``, and the pre-renderer renders those;
- the metric warm-up of the batch: :func:`warm` builds the notebooks with ``warm=True``.

To add a section: write its builder in :mod:`kinerja.report.sections` and add one
:class:`SectionSpec` here, listing its notebooks; it then appears in the static report, the form
and the pre-rendered pages, in declaration order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kinerja.domain.period import Periode
from kinerja.metrics.store import ReportData
from kinerja.report.blocks import (
    SUPPRESSED_MARK,
    Audience,
    Block,
    audience_line,
    bullets,
    heading,
    internal_banner_block,
    missing_table,
    note,
    title_block,
)
from kinerja.report.facts import temuan_utama
from kinerja.report.formatting import fmt_date
from kinerja.report.monitoring.section import section_pantau, sections_pantau
from kinerja.report.sections.dampak import DAMPAK_TITLE, section_dampak
from kinerja.report.sections.hambatan import (
    default_service,
    section_hambatan_alur,
    section_hambatan_lambat,
    section_hambatan_ringkasan,
    section_hambatan_tahap,
)
from kinerja.report.sections.ikhtisar import sections_ikhtisar
from kinerja.report.sections.ikm import section_ikm
from kinerja.report.sections.kinerja_harian import section_kinerja_harian
from kinerja.report.sections.kota import sections_kota
from kinerja.report.sections.layanan import section_layanan
from kinerja.report.sections.pelatihan import section_pelatihan
from kinerja.report.sections.pengaduan import section_pengaduan
from kinerja.report.sections.skp import section_skp
from kinerja.report.sections.tindak_lanjut import section_tindak_lanjut, sections_register

Control = Literal["kode_opd", "periode", "jenis_layanan"]

__all__ = [
    "NOTEBOOKS",
    "SECTIONS",
    "NotebookSpec",
    "SectionSpec",
    "notebook",
    "sections_for",
    "sections_hambatan",
    "sections_opd",
    "warm",
]


@dataclass(frozen=True)
class SectionSpec:
    """One report section, declared once.

    Attributes
    ----------
    key : str
        Identifier: the form's output area (CSS class ``kinerja-bagian-<key>``) and the key of
        its pre-rendered outputs.
    title : str
        The Indonesian heading the builder writes itself (``heading_level``); the form shows the
        builder's output as it is and adds no title of its own.
    builder : callable
        ``builder(data, *, <controls>, audience="forum", heading_level=2) -> list`` of display
        objects (see :mod:`kinerja.report.sections`).
    controls : tuple of {"kode_opd", "periode", "jenis_layanan"}
        The selection the builder takes (the form passes only these, plus the audience).
    notebooks : tuple of str
        The notebooks (keys of :data:`NOTEBOOKS`) that show it, in declaration order.
    """

    key: str
    title: str
    builder: Callable[..., list[Any]]
    controls: tuple[Control, ...]
    notebooks: tuple[str, ...]


_OPD: tuple[Control, ...] = ("kode_opd", "periode")
_SERVICE: tuple[Control, ...] = ("kode_opd", "jenis_layanan", "periode")

#: every section, in reading order within each notebook
SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("temuan_utama", "Temuan Utama", temuan_utama, _OPD, ("laporan_opd",)),
    SectionSpec("ikm", "Indeks Kepuasan Masyarakat (IKM)", section_ikm, _OPD, ("laporan_opd",)),
    SectionSpec("skp", "Predikat Kinerja Pegawai (SKP)", section_skp, _OPD, ("laporan_opd",)),
    SectionSpec(
        "kinerja_harian",
        "Laporan Kinerja Harian (e-Kinerja)",
        section_kinerja_harian,
        _OPD,
        ("laporan_opd",),
    ),
    SectionSpec(
        "layanan", "Waktu Layanan dan Tahap Hambatan", section_layanan, _OPD, ("laporan_opd",)
    ),
    SectionSpec("pengaduan", "Pengaduan Masyarakat", section_pengaduan, _OPD, ("laporan_opd",)),
    SectionSpec(
        "pelatihan", "Pengembangan Kompetensi (20 JP)", section_pelatihan, _OPD, ("laporan_opd",)
    ),
    SectionSpec(
        "tindak_lanjut",
        "Tindak Lanjut Forum Evaluasi",
        section_tindak_lanjut,
        _OPD,
        ("laporan_opd",),
    ),
    SectionSpec("dampak", DAMPAK_TITLE, section_dampak, _OPD, ("laporan_opd",)),
    SectionSpec(
        "hambatan_ringkasan",
        "Ringkasan Layanan",
        section_hambatan_ringkasan,
        _SERVICE,
        ("penjelajah_hambatan",),
    ),
    SectionSpec(
        "hambatan_tahap",
        "Waktu Tunggu dan Proses per Tahap",
        section_hambatan_tahap,
        _SERVICE,
        ("penjelajah_hambatan",),
    ),
    SectionSpec(
        "hambatan_alur",
        "Alur Permohonan",
        section_hambatan_alur,
        _SERVICE,
        ("penjelajah_hambatan",),
    ),
    SectionSpec(
        "hambatan_lambat",
        "Permohonan Paling Lambat",
        section_hambatan_lambat,
        _SERVICE,
        ("penjelajah_hambatan",),
    ),
    # whole-notebook sections: the city overview, the data overview and the register
    SectionSpec(
        "kota",
        "Kota Salatiga — seluruh perangkat daerah",
        sections_kota,
        ("periode",),
        ("ringkasan_kota",),
    ),
    SectionSpec(
        "ikhtisar",
        "Data evaluasi kinerja ASN Kota Salatiga",
        sections_ikhtisar,
        ("periode",),
        ("ikhtisar_data",),
    ),
    SectionSpec(
        "register",
        "Register tindak lanjut",
        sections_register,
        ("kode_opd",),
        ("register_tindak_lanjut",),
    ),
    SectionSpec("pantau", "Pemantauan bulanan", section_pantau, _OPD, ("pantau_bulanan",)),
)


def sections_for(notebook: str) -> list[SectionSpec]:
    """The sections of ``notebook``, in reading order.

    Parameters
    ----------
    notebook : str
        A key of :data:`NOTEBOOKS` (``"laporan_opd"``, ``"penjelajah_hambatan"``, ...).

    Returns
    -------
    list of SectionSpec
    """
    if notebook not in NOTEBOOKS:
        raise KeyError(f"Notebook tidak dikenal: {notebook!r}")
    return [s for s in SECTIONS if notebook in s.notebooks]


# ---------------------------------------------------------------------------------------------
# Assemblies that iterate the registry
# ---------------------------------------------------------------------------------------------
def _assumption_notes(ids: Sequence[str]) -> Block:
    from kinerja.domain.assumptions import get_assumption

    items = []
    for i in ids:
        a = get_assumption(i)
        items.append(f"{a.text} (Dasar: {a.reference}; keyakinan: {a.confidence}; kode {a.id}.)")
    return bullets(items, title="Asumsi yang dipakai (rincian di register asumsi)")


REPORT_ASSUMPTIONS = (
    "ikm-bobot",
    "ikm-pembulatan",
    "ikm-krejcie-morgan",
    "skp-predikat-sumber",
    "skp-pola-distribusi",
    "jp-menit",
    "jp-tahun-mulai",
    "pengaduan-lapor",
    "kalender-libur",
    "dampak-did",
    "tindaklanjut-terlambat",
)


def sections_opd(
    data: ReportData,
    *,
    kode_opd: str,
    periode: str | Periode | None = None,
    audience: Audience = "forum",
) -> list[Any]:
    """The whole per-OPD report, in reading order: title, banner, Temuan Utama, sections."""
    kode = data.check_opd(kode_opd)
    per = data.periode(periode)
    nama = data.opd_name(kode)
    out: list[Any] = []
    if audience == "internal":
        out.append(internal_banner_block(kode, nama))
    out.append(
        title_block(
            nama,
            f"Kode OPD {kode} · Periode {per.label} · {audience_line(audience)} · "
            f"disusun {fmt_date(data.today)}",
        )
    )
    for spec in sections_for("laporan_opd"):
        out.extend(spec.builder(data, kode_opd=kode, periode=per, audience=audience))
    out.append(heading("Catatan Metodologi", 2))
    out.append(_assumption_notes(REPORT_ASSUMPTIONS))
    if audience == "forum":
        out.append(
            note(
                f"Audiens forum: hanya angka agregat; kelompok kurang dari {data.k_pegawai} "
                f"pegawai atau {data.k_responden} responden disembunyikan ({SUPPRESSED_MARK}). "
                "Teks bebas warga dan pegawai tidak ditampilkan."
            )
        )
    return out


def sections_hambatan(
    data: ReportData,
    *,
    kode_opd: str | None = None,
    jenis_layanan: str | None = None,
    periode: str | Periode | None = None,
    audience: Audience = "forum",
) -> list[Any]:
    """Bottleneck explorer for one service (or all services of one OPD)."""
    per = data.periode(periode)
    if not data.has("layanan"):
        kode = data.check_opd(kode_opd)
        return [
            title_block(data.opd_name(kode), f"Periode {per.label}"),
            missing_table("layanan"),
        ]
    kode, layanan = default_service(data, kode_opd, jenis_layanan, per)
    out: list[Any] = [
        title_block(
            f"{layanan or 'Semua layanan'} — {data.opd_name(kode)}",
            f"Kode OPD {kode} · Periode {per.label} · {audience_line('forum')} · "
            f"disusun {fmt_date(data.today)}",
        )
    ]
    for spec in sections_for("penjelajah_hambatan"):
        out.extend(spec.builder(data, kode_opd=kode, jenis_layanan=layanan, periode=per))
    return out


# ---------------------------------------------------------------------------------------------
# Notebooks
# ---------------------------------------------------------------------------------------------
#: ``prepare(data, params) -> (keyword arguments of the assembly, summary info)``
Prepare = Callable[[ReportData, Mapping[str, Any]], tuple[dict[str, Any], dict[str, Any]]]


@dataclass(frozen=True)
class NotebookSpec:
    """One report notebook of ``notebooks/`` (its code cell calls ``show("<name>", ...)``).

    Attributes
    ----------
    name : str
        The notebook's file name without ``.ipynb``.
    title : str
        The Voila form's title.
    controls : tuple of {"kode_opd", "periode", "jenis_layanan"}
        The form's drop-downs (the selection parameters of the notebook).
    assemble : callable
        ``assemble(data, **kwargs) -> list``: the whole static report.
    prepare : callable
        ``prepare(data, params) -> (kwargs, info)``: resolves the notebook's parameters into the
        arguments of ``assemble`` and the ``info`` of its summary output (besides ``notebook``).
    audience : {"forum", "internal"} or None
        Default of the notebook's ``audience`` parameter; ``None`` when it has none (forum).
    form : bool
        Under Voila the notebook is a form (:mod:`kinerja.serve.definitions`).
    warm : bool
        The batch's metric warm-up (:func:`warm`) builds it once for the first OPD.
    """

    name: str
    title: str
    controls: tuple[Control, ...]
    assemble: Callable[..., list[Any]]
    prepare: Prepare
    audience: Audience | None = "forum"
    form: bool = False
    warm: bool = False
    prerender: bool = False


def _prepare_opd(data: ReportData, p: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    kode, per, aud = (
        data.check_opd(p.get("kode_opd")),
        data.periode(p.get("periode")),
        p["audience"],
    )
    args = {"kode_opd": kode, "periode": per, "audience": aud}
    return args, {"kode_opd": kode, "periode": str(per), "audience": aud}


def _prepare_hambatan(
    data: ReportData, p: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    kode, layanan, per = p.get("kode_opd"), p.get("jenis_layanan"), data.periode(p.get("periode"))
    args = {"kode_opd": kode, "jenis_layanan": layanan, "periode": per}
    info = {"kode_opd": kode, "jenis_layanan": layanan, "periode": str(per), "audience": "forum"}
    return args, info


def _prepare_kota(data: ReportData, p: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    per = data.periode(p.get("periode"))
    return {"periode": per, "audience": p["audience"]}, {"periode": str(per), "audience": "forum"}


def _prepare_ikhtisar(
    data: ReportData, p: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"periode": p.get("periode")}, {"periode": p.get("periode"), "audience": "forum"}


def _prepare_register(
    data: ReportData, p: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    kode, aud = data.check_opd(p.get("kode_opd")), p["audience"]
    args = {"kode_opd": kode, "audience": aud, "periode": p.get("periode")}
    return args, {"kode_opd": kode, "audience": aud}


#: every report notebook, by name
NOTEBOOKS: dict[str, NotebookSpec] = {
    spec.name: spec
    for spec in (
        NotebookSpec(
            "laporan_opd",
            "Laporan kinerja OPD",
            _OPD,
            sections_opd,
            _prepare_opd,
            form=True,
            warm=True,
            prerender=True,
        ),
        NotebookSpec(
            "penjelajah_hambatan",
            "Penjelajah hambatan layanan",
            _SERVICE,
            sections_hambatan,
            _prepare_hambatan,
            audience=None,
            form=True,
        ),
        NotebookSpec(
            "ringkasan_kota",
            "Ringkasan kinerja Kota Salatiga",
            ("periode",),
            sections_kota,
            _prepare_kota,
            form=True,
            warm=True,
            prerender=True,
        ),
        NotebookSpec(
            "ikhtisar_data",
            "Ikhtisar data",
            ("periode",),
            sections_ikhtisar,
            _prepare_ikhtisar,
            audience=None,
        ),
        NotebookSpec(
            "register_tindak_lanjut",
            "Register tindak lanjut",
            ("kode_opd",),
            sections_register,
            _prepare_register,
            audience="internal",
        ),
        NotebookSpec(
            "pantau_bulanan",
            "Pemantauan bulanan (sinyal dini)",
            _OPD,
            sections_pantau,
            _prepare_opd,
            form=True,
        ),
    )
}


def notebook(name: str) -> NotebookSpec:
    """The :class:`NotebookSpec` called ``name`` (a clear error for an unknown name)."""
    try:
        return NOTEBOOKS[name]
    except KeyError:
        raise KeyError(
            f"Notebook tidak dikenal: {name!r} (pilihan: {', '.join(NOTEBOOKS)})"
        ) from None


def _warm_one(spec: NotebookSpec, data: ReportData, per: Periode) -> None:
    kwargs: dict[str, Any] = {"periode": per}
    if "kode_opd" in spec.controls:
        if not len(data.opd):
            return
        kwargs["kode_opd"] = str(data.opd["kode_opd"].iloc[0])
    spec.assemble(data, **kwargs)


def warm(data: ReportData, periode: str | Periode | None = None) -> int:
    """Compute every metric table the reports of ``periode`` use (the batch's warm-up).

    Builds, in memory, each notebook with ``warm=True`` (the city overview, one OPD's report),
    which asks for exactly the all-OPD metric tables the notebooks need, then every other metric
    of :data:`kinerja.metrics.registry.METRICS` (:meth:`ReportData.warm`).

    Returns
    -------
    int
        How many metric tables are memoised.
    """
    order = sorted(
        (s for s in NOTEBOOKS.values() if s.warm), key=lambda s: "kode_opd" in s.controls
    )
    return data.warm(periode, builders=[functools.partial(_warm_one, s) for s in order])
