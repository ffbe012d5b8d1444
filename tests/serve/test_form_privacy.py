"""The forms' personal-data gate: no NIP or employee name on a form page or in the form cache.

Stand-in data (no kernel, no browser) for the rules; one ``slow`` test pre-renders real report
sections of a hostile copy of the shared sample (an employee's name and NIP planted in labels)
and scans every file of the form cache with the forum gate.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from kinerja.protect import PersonalDataGate
from kinerja.serve import forms
from kinerja.serve.forms import Form, FormOptions, RenderCache, Section, Selection
from kinerja.serve.privacy import BLOCKED_NOTE, form_gate, safe_options
from kinerja.serve.render_cache import options_and_defaults

NIP = "198703152010012003"
NAME = "Rahmawati Kusumaningrum"
QUARANTINED = "Wiryo Susanto Hadiprojo"  # a name whose pegawai row was rejected at load


class FakeDataset:
    def __init__(self, tables, quarantine) -> None:
        self.file_hashes = {"opd.csv": "aaa", "pegawai.csv": "bbb"}
        self.tables = tables
        self.quarantine = quarantine


class FakeData:
    def __init__(self, opd_names=("Dinas Kesehatan", "Dinas Pendidikan")) -> None:
        self.tables = {
            "opd": pd.DataFrame({"kode_opd": ["1.02", "1.01"], "nama_opd": list(opd_names)}),
            "pegawai": pd.DataFrame({"nip": [NIP, "199001012015031001"], "nama": [NAME, "Ani"]}),
            "layanan": pd.DataFrame(
                {
                    "kode_opd": ["1.02", "1.02"],
                    "jenis_layanan": ["Izin Praktik", f"Titipan {NIP}"],
                    "mulai": pd.to_datetime(["2025-01-15", "2025-02-01"]),
                }
            ),
        }
        quarantine = {"pegawai": pd.DataFrame({"nip": ["12"], "nama": [QUARANTINED]})}
        self.dataset = FakeDataset(self.tables, quarantine)
        self.params = {"periode": "2025"}
        self.today = pd.Timestamp("2026-01-05")

    def periode(self, periode):
        from kinerja.domain.period import Periode

        return Periode.parse(periode or "2025")

    def check_opd(self, kode):
        return kode or "1.02"


def _html(text: str):
    from IPython.display import HTML

    return HTML(f"<p>{text}</p>")


def _form(data, sections, cache=None) -> Form:
    return Form(
        title="Uji",
        data=data,
        sections=sections,
        options=FormOptions.from_tables(data.tables),
        controls=("kode_opd", "periode"),
        defaults={"kode_opd": "1.02", "periode": "2025"},
        render_cache=cache,
    )


def _shown(form: Form, key: str) -> str:
    return " ".join(
        str(o["data"].get("text/html", "")) + str(o["data"].get("text/plain", ""))
        for o in form.outputs[key].outputs
    )


@pytest.mark.parametrize(
    "leak",
    [
        f"Petugas: {NAME}",
        f"NIP {NIP[:8]} {NIP[8:14]} {NIP[14]} {NIP[15:]}",
        f"pemohon dilayani oleh {QUARANTINED}",
    ],
)
def test_a_section_with_personal_data_is_blocked_and_never_stored(tmp_path, leak):
    data = FakeData()
    cache = RenderCache(
        tmp_path,
        form="uji",
        data_key=forms.data_key_of(data),
        sections=["bersih", "bocor"],
        gate=lambda: form_gate(data),
    )
    sections = [
        Section("bersih", "", lambda d, s: _html("IKM 82,5")),
        Section("bocor", "", lambda d, s: _html(leak)),
    ]
    form = _form(data, sections, cache)
    assert "IKM 82,5" in _shown(form, "bersih")
    shown = _shown(form, "bocor")
    assert BLOCKED_NOTE in shown and NIP not in shown and NAME not in shown
    assert not cache.has(form.selection)  # a blocked selection is rendered live, never stored
    assert not list(tmp_path.rglob("*.json")) or all(
        NAME not in p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.json")
    )


def test_text_drawn_in_a_chart_is_checked():
    import matplotlib.pyplot as plt

    def chart(d, s):
        fig, ax = plt.subplots()
        ax.bar([f"{NAME}"], [3])
        return fig

    form = _form(FakeData(), [Section("grafik", "", chart)])
    assert BLOCKED_NOTE in _shown(form, "grafik")


def test_render_cache_refuses_a_file_with_personal_data(tmp_path):
    data = FakeData()
    cache = RenderCache(
        tmp_path, form="uji", data_key="k", sections=["a"], gate=lambda: form_gate(data)
    )
    sel = Selection("1.02", "2025")
    bad = {"a": [{"output_type": "display_data", "data": {"text/plain": NAME}, "metadata": {}}]}
    assert cache.put(sel, bad) is False and not cache.has(sel)
    good = {"a": [{"output_type": "display_data", "data": {"text/plain": "12"}, "metadata": {}}]}
    assert cache.put(sel, good) is True and cache.has(sel)


def test_option_labels_never_carry_personal_data(tmp_path):
    data = FakeData(opd_names=(f"Kantor {NAME}", "Dinas Pendidikan"))
    options = safe_options(form_gate(data), FormOptions.from_tables(data.tables))
    labels = " ".join(lab for lab, _ in options.opd)
    assert NAME not in labels and "(1.02)" in labels  # masked, the OPD still selectable
    assert options.layanan["1.02"] == ["Izin Praktik"]  # the service named with a NIP is left out
    cache = RenderCache(
        tmp_path, form="uji", data_key="k", sections=["a"], gate=lambda: form_gate(data)
    )
    got, _ = options_and_defaults("uji", data, cache)
    assert NAME not in " ".join(lab for lab, _ in got.opd)
    for path in tmp_path.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert NAME not in text and NIP not in text


def test_the_gate_knows_quarantined_employees():
    gate = form_gate(FakeData())
    assert gate.scan(f"oleh {QUARANTINED}") and gate.scan(NAME.upper())


# ------------------------------------------------------------------------------ real sample


@pytest.mark.slow
def test_form_cache_of_the_sample_holds_no_employee_nip_or_name(sample_dir, tmp_path):
    """Hostile sample: an employee's name in an OPD name and a NIP and name in a service label.
    Every form-cache file the pre-render writes (sections and options) passes the forum gate."""
    from kinerja.data.dataset import load
    from kinerja.metrics import store as report

    data_dir = tmp_path / "data"
    shutil.copytree(sample_dir, data_dir)
    peg = pd.read_csv(data_dir / "pegawai.csv", dtype=str, keep_default_na=False)
    nip, name = peg["nip"].iloc[0], peg["nama"].iloc[0]
    opd = pd.read_csv(data_dir / "opd.csv", dtype=str, keep_default_na=False)
    layanan = pd.read_csv(data_dir / "layanan.csv", dtype=str, keep_default_na=False)
    kode = layanan["kode_opd"].value_counts().index[0]  # the OPD with the most service events
    opd.loc[opd["kode_opd"] == kode, "nama_opd"] = f"Dinas Uji {name}"
    opd.to_csv(data_dir / "opd.csv", index=False)
    first = layanan["jenis_layanan"].loc[layanan["kode_opd"] == kode].iloc[0]
    planted = f"Layanan {name} {nip}"
    layanan.loc[layanan["jenis_layanan"] == first, "jenis_layanan"] = planted
    layanan.to_csv(data_dir / "layanan.csv", index=False)

    ds = load(data_dir)
    data = report.ReportData(ds, today="2026-01-05")
    root = tmp_path / "formulir"
    defs = forms.form_definitions()
    statuses = []
    for name_form, sel in (
        ("laporan_opd", Selection(kode, "2025")),
        ("penjelajah_hambatan", Selection(kode, "2025", None)),
        ("penjelajah_hambatan", Selection(kode, "2025", planted)),
        ("ringkasan_kota", Selection(None, "2025")),
    ):
        statuses.append(forms.prerender_one(name_form, sel, data, root))
        cache = forms.render_cache_for(
            name_form, data, defs[name_form].sections(), {forms.ENV_FORM_CACHE: str(root)}
        )
        options_and_defaults(name_form, data, cache, kode_opd=kode)
    assert "ok" in statuses, statuses  # something was stored, so the scan below is not empty
    files = sorted(Path(root).rglob("*.json"))
    assert len(files) >= 2
    people = [ds.tables["pegawai"]]
    if ds.quarantine.get("pegawai") is not None:
        people.append(ds.quarantine["pegawai"][["nip", "nama"]])
    gate = PersonalDataGate.from_pegawai(pd.concat(people, ignore_index=True))
    for path in files:
        gate.check_file(path)  # raises PersonalDataLeak naming the file
        text = path.read_text(encoding="utf-8")
        assert nip not in text and name not in text, path
