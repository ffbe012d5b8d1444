"""Deterministic synthetic sample data for Kota Salatiga (``kinerja sample``).

``generate(out_dir, seed=2026, scale=1.0, year=2025, fmt="csv")`` writes one file per table of the
data contract (``../shared/domain/data-contract.md``): ``opd``, ``pegawai``, ``penilaian_skp``,
``laporan_kinerja``, ``layanan``, ``standar_layanan``, ``skm``, ``pengaduan``, ``pelatihan`` and
``tindak_lanjut``. Every value is fictitious; NIPs and names refer to no real person.

What is real and what is invented
---------------------------------
The editable reference data in ``kinerja/data/reference_data/`` (see its README) drives the generator:
the 4 kecamatan and 23 kelurahan of reference.md §6.1; the OPDs confirmed in §6.2 plus a plausible,
**unconfirmed** set of further dinas/badan; services with their stages and published standards
(only KTP-el through the kecamatan, 1 hari kerja and free, is confirmed, §6.4); a training
catalogue; Javanese-flavoured names. Working days are Monday–Friday minus Indonesian national
holidays and cuti bersama from the ``holidays`` package (``Indonesia``, categories ``public`` and
``government``) plus ``reference_data/hari_libur_tambahan.csv``.

Volumes and ``scale``
---------------------
At ``scale=1``: about 4,500 ASN, ~1 M daily activity reports, ~92 k service requests (~325 k stage
events), ~4 k SKM respondents, ~1.2 k complaints. ``scale`` multiplies the transaction volumes
(service requests, SKM respondents, complaints) linearly, so ``scale=31`` gives ~10 M service
events for benchmarks. The ASN population (and with it SKP, activity reports, training and the
follow-up register) scales with ``min(scale, 1)``: a city does not hire more staff because a
benchmark wants more events, but a small ``scale`` gives small, fast test folders. Every unit
keeps its head and at least one more ASN whatever the scale, so small groups always exist
(kelurahan have 6–9 ASN at scale 1; Bakesbangpol 9 and BPBD 8).

The planted story (``PLANTED_STORY``, read by the tests)
--------------------------------------------------------
In DPMPTSP, the ``Verifikasi Administrasi`` stage of the business permits ("Sertifikat Standar
Usaha", "Izin Usaha Toko Modern") is slow from January until the training: the stage takes a
median of six working days, so most requests miss their published standard (5 and 7 hari kerja).
"Pelayanan lambat" complaints about DPMPTSP pile up in the same months. All DPMPTSP staff attend
"Pelatihan Penyederhanaan Proses Perizinan" (Pelatihan Teknis, klasikal, 24 JP) on three working
days from the first Monday on or after 14 June of ``year``; an evaluation forum in April recorded
the finding and the training as its follow-up. After the training the stage takes a median of
2.5 working hours and most requests meet the standard; complaints about slowness fall back.
No other OPD's services change over the year.

Other planted features
----------------------
- ``PLANTED_IKM``: OPDs whose IKM (PermenPANRB 14/2017, reference.md §1.4–1.5, exact weight 1/9)
  lands just above or below the grade boundaries 88.31 / 76.61 / 65.00; answer sums are tuned per
  element so the score is met to within a few hundredths whatever the seed.
- ``SKP_PREDIKAT_DISAGREEMENTS``: exactly this many ``penilaian_skp`` rows carry a ``predikat``
  that disagrees with the §2.3 matrix (annual rows where the matrix says "Baik" but "Sangat Baik"
  was typed) — a warning for the loader, never a rejection. About a third of the
  "Kurang/Misconduct" predikat are spelled "Kurang", as some systems store them.
- About 20 % of ASN stay below 20 JP of training in the year (reference.md §3); some have none.
- Some ASN rarely file activity reports; some reports are late; some supervisors verify slowly
  and a few never do (``menunggu``).
- Service logs contain rework (a stage repeated after the file was returned), skipped optional
  stages (process variants) and, at the export cut-off, stages still in progress (blank
  ``selesai``) and requests not yet at their last stage (backlog).

Determinism: every table draws from its own ``numpy.random.Generator`` seeded with
``(seed, table number)``; the same arguments give byte-identical files.

Modules
-------
One module per stream of tables: :mod:`~kinerja.data.sample.people` (``opd``, ``pegawai``),
:mod:`~kinerja.data.sample.performance` (``penilaian_skp``, ``laporan_kinerja``),
:mod:`~kinerja.data.sample.services` (``standar_layanan``, ``layanan``),
:mod:`~kinerja.data.sample.citizens` (``skm``, ``pengaduan``),
:mod:`~kinerja.data.sample.training` (``pelatihan``), :mod:`~kinerja.data.sample.followup`
(``tindak_lanjut``); :mod:`~kinerja.data.sample.reference` holds the reference data, calendar and
planted story, :mod:`~kinerja.data.sample.arrow` the shared column helpers, and
:mod:`~kinerja.data.sample.build` assembles and writes the folder.
"""

from __future__ import annotations

from kinerja.data.sample.build import build_tables, cli_sample, generate
from kinerja.data.sample.citizens import PLANTED_IKM
from kinerja.data.sample.performance import SKP_PREDIKAT_DISAGREEMENTS
from kinerja.data.sample.reference import (
    DEFAULT_SEED,
    DEFAULT_YEAR,
    PLANTED_STORY,
    REFERENCE_DIR,
    TABLE_ORDER,
    SampleDataError,
    planted_story,
    sample_workdays,
)

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_YEAR",
    "PLANTED_IKM",
    "PLANTED_STORY",
    "REFERENCE_DIR",
    "SampleDataError",
    "SKP_PREDIKAT_DISAGREEMENTS",
    "TABLE_ORDER",
    "build_tables",
    "cli_sample",
    "generate",
    "planted_story",
    "sample_workdays",
]
