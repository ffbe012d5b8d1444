"""The ``standar_layanan`` and ``layanan`` tables: published standards and stage event logs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kinerja.data.sample.arrow import arrow_table, dict_column, lognormal, to_arrow
from kinerja.data.sample.reference import DAY_MINUTES, OPEN_MINUTE, SampleDataError, read_reference


def service_units(opd_ref: pd.DataFrame) -> pd.DataFrame:
    """One row per (kode_opd, jenis_layanan), expanding ``*kecamatan`` / ``*kelurahan``."""
    ref = read_reference("layanan_salatiga.csv")
    rows = []
    for r in ref.itertuples(index=False):
        if r.kode_opd.startswith("*"):
            units = opd_ref.loc[opd_ref["jenis_opd"] == r.kode_opd[1:], "kode_opd"].tolist()
        else:
            units = [r.kode_opd]
        for u in units:
            rows.append({**r._asdict(), "kode_opd": u})
    out = pd.DataFrame(rows)
    unknown = set(out["kode_opd"]) - set(opd_ref["kode_opd"])
    if unknown:
        raise SampleDataError(
            f"layanan_salatiga.csv: kode_opd {sorted(unknown)} tidak ada di opd_salatiga.csv"
        )
    return out


def make_standar(units: pd.DataFrame) -> pa.Table:
    """The ``standar_layanan`` table: published lead time and cost of each service."""
    biaya = pd.to_numeric(units["biaya"].replace("", None)).to_numpy(dtype=float)
    return arrow_table(
        {
            "kode_opd": units["kode_opd"].to_numpy(),
            "jenis_layanan": units["jenis_layanan"].to_numpy(),
            "jangka_waktu_hari_kerja": units["jangka_waktu_hari_kerja"].astype(int).to_numpy(),
            "biaya": biaya,
        }
    )


def _clock_to_timestamp(t: np.ndarray, wd: np.ndarray) -> np.ndarray:
    """Working-minute clock (480 minutes per working day from 08.00) → ``datetime64[s]``."""
    minutes = np.round(t).astype(np.int64)
    day, within = np.divmod(minutes, DAY_MINUTES)
    base = wd.astype("datetime64[s]").astype(np.int64) + OPEN_MINUTE * 60
    return (base[day] + within * 60).view("datetime64[s]")


def make_layanan(
    units: pd.DataFrame,
    peg: pd.DataFrame,
    rng: np.random.Generator,
    wd: np.ndarray,
    scale: float,
    year: int,
    story: dict,
) -> pa.Table:
    """The ``layanan`` table: stage events of service requests, with the planted DPMPTSP slowdown.

    Parameters
    ----------
    units : pandas.DataFrame
        Service units (:func:`~kinerja.data.sample.services.service_units`).
    peg : pandas.DataFrame
        The ``pegawai`` table made by :func:`~kinerja.data.sample.people.make_pegawai`.
    rng : numpy.random.Generator
        The table's own stream (:func:`~kinerja.data.sample.arrow.table_rng`).
    wd : numpy.ndarray
        Working days of ``year`` and ``year + 1`` (``sample_workdays``).
    scale : float
        Volume multiplier (see :func:`~kinerja.data.sample.build.build_tables`).
    year : int
        Calendar year of the data.
    story : dict
        :func:`~kinerja.data.sample.reference.planted_story` of ``year``.
    """
    stages = read_reference("layanan_tahap.csv")
    for c in ("urutan", "jeda_menit", "durasi_menit", "p_lewati", "p_ulang"):
        stages[c] = pd.to_numeric(stages[c])
    stages = stages.sort_values(["jenis_layanan", "urutan"], kind="stable")
    missing = set(units["jenis_layanan"]) - set(stages["jenis_layanan"])
    if missing:
        raise SampleDataError(f"layanan_tahap.csv: tidak ada tahapan untuk {sorted(missing)}")
    n_year = int((wd < np.datetime64(f"{year + 1}-01-01")).sum())
    cutoff = n_year * DAY_MINUTES  # end of the last working day of ``year``
    wd_index = {d: i for i, d in enumerate(wd.tolist())}
    t_start = wd_index[story["training_start"]] * DAY_MINUTES
    t_end = (wd_index[story["training_end"]] + 1) * DAY_MINUTES

    tahap_names = sorted(set(stages["tahap"]))
    tahap_code = {t: i for i, t in enumerate(tahap_names)}
    jenis_names = sorted(set(units["jenis_layanan"]))
    kode_names = sorted(set(units["kode_opd"]))
    peg_kode = peg["kode_opd"].to_numpy()
    staff = peg["jenis_jabatan"].isin(["pelaksana", "fungsional"]).to_numpy()

    ev_req, ev_tahap, ev_mulai, ev_selesai, ev_petugas = [], [], [], [], []
    req_kode, req_jenis, req_num = [], [], []
    per_kode_counter: dict[str, int] = {}
    offset = 0
    for u in units.itertuples(index=False):
        n = max(3, round(float(u.permohonan_per_tahun) * scale))
        pool = np.flatnonzero((peg_kode == u.kode_opd) & staff)
        if pool.size == 0:
            pool = np.flatnonzero(peg_kode == u.kode_opd)
        # arrivals spread evenly over the working days, in day order (O(n), no sort)
        day = np.repeat(np.arange(n_year), rng.multinomial(n, np.full(n_year, 1.0 / n_year)))
        t = day * DAY_MINUTES + rng.random(n) * float(u.jam_buka_menit)
        req = offset + np.arange(n)
        story_service = (
            u.kode_opd == story["kode_opd"] and u.jenis_layanan in story["jenis_layanan"]
        )
        for st in stages[stages["jenis_layanan"] == u.jenis_layanan].itertuples(index=False):
            active = np.ones(n, dtype=bool) if st.urutan == 1 else rng.random(n) >= st.p_lewati
            repeat = rng.random(n) < st.p_ulang
            for occ in (0, 1):
                act = active if occ == 0 else active & repeat
                if occ == 0:
                    wait = lognormal(rng, st.jeda_menit, 0.7, n) if st.jeda_menit > 0 else 0.0
                else:  # file returned: the applicant completes it, then the stage runs again
                    wait = lognormal(rng, 720.0, 0.6, n)
                mulai = t + wait
                median = np.full(n, float(st.durasi_menit))
                if story_service and st.tahap == story["tahap"]:
                    median = np.where(
                        mulai < t_end, story["median_menit_sebelum"], story["median_menit_sesudah"]
                    )
                    # the training itself takes the staff away: nothing finishes during it
                    median = np.where((mulai >= t_start) & (mulai < t_end), median * 1.2, median)
                dur = np.maximum(lognormal(rng, median, 0.45, n), 1.0)
                selesai = mulai + dur
                keep = act & (mulai < cutoff)
                ev_req.append(req[keep])
                ev_tahap.append(np.full(int(keep.sum()), tahap_code[st.tahap], dtype=np.int32))
                ev_mulai.append(mulai[keep])
                ev_selesai.append(selesai[keep])
                pet = pool[rng.integers(0, pool.size, n)][keep]
                if st.urutan == 1 and occ == 0:  # some registrations are made online, no officer
                    pet = np.where(rng.random(pet.size) < 0.03, -1, pet)
                ev_petugas.append(pet)
                t = np.where(act, selesai, t)
        start_num = per_kode_counter.get(u.kode_opd, 0)
        per_kode_counter[u.kode_opd] = start_num + n
        req_kode.append(np.full(n, kode_names.index(u.kode_opd), dtype=np.int32))
        req_jenis.append(np.full(n, jenis_names.index(u.jenis_layanan), dtype=np.int32))
        req_num.append(pa.array(np.arange(start_num + 1, start_num + n + 1)))
        offset += n

    ev_req_a = np.concatenate(ev_req)
    order = np.argsort(ev_req_a, kind="stable")
    ev_req_a = ev_req_a[order]
    mulai = np.concatenate(ev_mulai)[order]
    selesai = np.concatenate(ev_selesai)[order]
    in_progress = selesai > cutoff
    mulai_ts = _clock_to_timestamp(mulai, wd)
    selesai_ts = _clock_to_timestamp(np.where(in_progress, mulai, selesai), wd)
    selesai_ts = np.where(in_progress, np.datetime64("NaT"), selesai_ts)
    petugas = np.concatenate(ev_petugas)[order]

    # request ids: <kode_opd>-<year>-<nnnnnn>, numbered per OPD in arrival order per service
    kode_req = np.concatenate(req_kode)
    kode_strings = pa.array(kode_names).take(pa.array(kode_req))
    numbers = pc.utf8_lpad(pc.cast(pa.concat_arrays(req_num), pa.string()), 6, "0")
    ids = pc.binary_join_element_wise(kode_strings, pa.scalar(str(year)), numbers, "-")
    return pa.table(
        {
            # plain strings: a dictionary as long as the column is slower to write as parquet
            "id_permohonan": ids.take(pa.array(ev_req_a)),
            "kode_opd": dict_column(kode_req[ev_req_a], kode_names),
            "jenis_layanan": dict_column(np.concatenate(req_jenis)[ev_req_a], jenis_names),
            "tahap": dict_column(np.concatenate(ev_tahap)[order], tahap_names),
            "mulai": to_arrow(mulai_ts),
            "selesai": to_arrow(selesai_ts),
            "nip_petugas": dict_column(
                np.maximum(petugas, 0), peg["nip"].tolist(), mask=petugas < 0
            ),
        }
    )
