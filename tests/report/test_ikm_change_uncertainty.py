"""The OPD report's IKM change sentence says "naik"/"turun" only beyond its 95 % margin
(issue 13, item 5 carried to the OPD reports).

Hand-built SKM answers for two quarters, 2025-TW3 and 2025-TW4; every respondent gives the same
answer to all nine elements, so a respondent's score is 25 × that answer and the IKM (PermenPANRB
14/2017: mean of the nine NRR × 25) is 25 × the mean answer. The margin of a change is the city
overview's (:func:`kinerja.metrics.city.ikm_movement`): t(0,975; min(n₁, n₂) − 1) ×
√(SE₁² + SE₂²), SE = s / √n of the respondent scores. Numbers are written id-ID (decimal comma).
"""

from __future__ import annotations

import pytest
from fixtures.builders import write_folder
from fixtures.section_data import DINAS, KEC, SKM_ELEMENTS, TODAY, section_tables, write_params

from kinerja.data.dataset import load
from kinerja.domain.params import default_params_dir
from kinerja.domain.settings import load_settings
from kinerja.metrics.store import ReportData
from kinerja.report import facts
from kinerja.report.registry import SECTIONS

TW3, TW4 = "2025-08-{:02d}", "2025-11-{:02d}"


def _rows(kode: str, day: str, answers: list[int], tag: str) -> list[dict[str, str]]:
    rows = []
    for n, a in enumerate(answers, start=1):
        row = {
            "id_responden": f"{tag}{n}",
            "kode_opd": kode,
            "jenis_layanan": "Izin A",
            "tanggal": day.format(n + 3),
        }
        row.update({e: str(a) for e in SKM_ELEMENTS})
        row.update(
            {"umur": "", "jenis_kelamin": "", "pendidikan": "", "pekerjaan": "", "saran": ""}
        )
        rows.append(row)
    return rows


def _data(tmp_path, skm: list[dict[str, str]]) -> ReportData:
    tables = section_tables()
    tables["skm"] = skm
    folder = write_folder(tmp_path / "data", tables)
    params = write_params(tmp_path / "parameters", default_params_dir() / "hari_libur.csv")
    return ReportData(
        load(folder), settings=load_settings(params), source="data uji tangan", today=TODAY
    )


def _ikm_sentence(data: ReportData, kode: str, periode: str = "2025-TW4") -> str:
    spec = next(s for s in SECTIONS if s.key == "temuan_utama")
    items = spec.builder(data, audience="forum", kode_opd=kode, periode=periode)
    html = "".join(getattr(i, "html", "") for i in items)
    start = html.index("IKM Triwulan")
    return html[start : html.index("</li>", start)]


# DINAS-UJI: TW3 five respondents answering 3 (scores 75: IKM 75,00, SE 0); TW4 answers
# 4, 4, 4, 4, 3, 3: IKM 25 × 22/6 = 91,666… → 91,67; scores 100 ×4 and 75 ×2, mean 91,667,
# squared deviations 4 × 8,333² + 2 × 16,667² = 833,33, s² = 833,33 / 5 = 166,67, s = 12,910,
# SE = 12,910 / √6 = 5,2705.
DINAS_TW3, DINAS_TW4 = [3] * 5, [4, 4, 4, 4, 3, 3]
# KEC-UJI: TW3 answers 3, 3, 3, 3, 4: IKM 80,00, scores 75 ×4 and 100, squared deviations
# 4 × 25 + 400 = 500, s² = 125, SE = √125 / √5 = 5,0; TW4 answers 3, 3, 3, 4, 4: IKM 85,00,
# squared deviations 3 × 100 + 2 × 225 = 750, s² = 187,5, SE = √187,5 / √5 = 6,1237.
KEC_TW3, KEC_TW4 = [3, 3, 3, 3, 4], [3, 3, 3, 4, 4]


@pytest.fixture(scope="module")
def rising(tmp_path_factory):
    return _data(
        tmp_path_factory.mktemp("ikm_naik"),
        _rows(DINAS, TW3, DINAS_TW3, "A")
        + _rows(DINAS, TW4, DINAS_TW4, "B")
        + _rows(KEC, TW3, KEC_TW3, "C")
        + _rows(KEC, TW4, KEC_TW4, "D"),
    )


def test_a_rise_beyond_its_margin_is_called_naik(rising):
    # 91,667 − 75,000 = 16,667 → 16,67 poin; margin t(0,975; min(6, 5) − 1 = 4) = 2,7764 ×
    # √(5,2705² + 0²) = 14,633 → ±14,63 < 16,67: a real rise
    assert _ikm_sentence(rising, DINAS) == (
        "IKM Triwulan IV 2025 sebesar 91,67 (mutu A, Sangat Baik) dari 6 responden; naik "
        "16,67 poin dibanding Triwulan III 2025, melebihi ketidakpastian sampel ±14,63 poin "
        "(selang kepercayaan 95%)."
    )


def test_a_change_within_its_margin_is_not_called_a_rise(rising):
    # 85,00 − 80,00 = +5,00; margin 2,7764 × √(5,0² + 6,1237²) = 2,7764 × √62,5 = 2,7764 ×
    # 7,9057 = 21,949 → ±21,95 > 5,00: within the sampling margin
    sentence = _ikm_sentence(rising, KEC)
    assert sentence == (
        "IKM Triwulan IV 2025 sebesar 85,00 (mutu B, Baik) dari 5 responden; dibanding "
        "Triwulan III 2025 tidak berbeda bermakna: selisih +5,00 poin masih dalam ketidakpastian "
        "sampel ±21,95 poin (selang kepercayaan 95%)."
    )
    assert " naik " not in sentence and " turun " not in sentence


def test_same_margin_as_the_city_overview(rising):
    mv, cur, prev = facts.ikm_movement(rising, facts.Periode.parse("2025-TW4"))
    m = mv.set_index("kode_opd")
    assert (cur.label, prev.label) == ("Triwulan IV 2025", "Triwulan III 2025")
    assert m.loc[DINAS, "margin_selisih"] == pytest.approx(2.7764 * 5.2705, abs=2e-3)
    assert m.loc[KEC, "margin_selisih"] == pytest.approx(2.7764 * 62.5**0.5, abs=2e-3)
    assert list(m.loc[[DINAS, KEC], "arah"]) == ["naik", "tidak berubah nyata"]


def test_a_fall_beyond_its_margin_is_called_turun(tmp_path):
    # the DINAS quarters swapped: 75,00 − 91,667 = −16,67, same margin ±14,63
    data = _data(tmp_path, _rows(DINAS, TW3, DINAS_TW4, "A") + _rows(DINAS, TW4, DINAS_TW3, "B"))
    assert _ikm_sentence(data, DINAS) == (
        "IKM Triwulan IV 2025 sebesar 75,00 (mutu C, Kurang Baik) dari 5 responden; turun "
        "16,67 poin dibanding Triwulan III 2025, melebihi ketidakpastian sampel ±14,63 poin "
        "(selang kepercayaan 95%)."
    )


def test_no_margin_no_direction(rising, monkeypatch):
    # a margin that cannot be computed (e.g. no respondent-level scores): the change is
    # quoted, but neither "naik" nor "turun" is claimed
    def no_margin(data, per):
        mv, cur, prev = _real(data, per)
        return mv.assign(margin_selisih=float("nan")), cur, prev

    _real = facts.ikm_movement
    monkeypatch.setattr(facts, "ikm_movement", no_margin)
    assert _ikm_sentence(rising, DINAS).endswith(
        "dari 6 responden; selisih +16,67 poin dibanding Triwulan III 2025, tetapi "
        "ketidakpastian sampelnya tidak dapat dihitung, jadi belum dapat disebut naik atau "
        "turun."
    )
