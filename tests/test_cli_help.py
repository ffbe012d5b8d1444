"""The command line explains itself: Indonesian help with an example for every option,
``kinerja --version``, no developer-file references in what it prints, and the period line.
"""

from __future__ import annotations

import argparse
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from fixtures.builders import valid_tables, write_folder

from kinerja.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
#: what a user does not have: the project's developer documents and issue tracker
DEVELOPER_REFS = re.compile(r"reference\.md|data-contract|§|docs/|\bissue\b|\.md\b", re.I)


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _options():
    for name, p in _subparsers().items():
        for action in p._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
                continue
            yield name, action


@pytest.mark.parametrize(
    ("command", "action"), list(_options()), ids=lambda x: getattr(x, "dest", x)
)
def test_every_option_has_an_indonesian_help_with_an_example(command, action):
    text = action.help or ""
    assert text.strip(), f"{command} {action.dest}: no help text"
    assert "contoh" in text.lower(), f"{command} {action.dest}: no example in {text!r}"
    assert not DEVELOPER_REFS.search(text), text


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_subcommand_has_examples_and_indonesian_help(command, capsys):
    p = _subparsers()[command]
    assert p.epilog and p.epilog.startswith("Contoh:\n  kinerja ")
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Penggunaan: kinerja {command}")
    assert "opsi:" in out and "tampilkan bantuan ini lalu keluar" in out
    assert "usage:" not in out and "show this help" not in out
    assert not DEVELOPER_REFS.search(out), out


def test_top_level_help_and_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0 and "perintah:" in out and "kinerja PERINTAH --help" in out
    assert not DEVELOPER_REFS.search(out)
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"kinerja {version('kinerja')}"


def test_usage_errors_are_indonesian(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["batch", "--jobs", "dua"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "galat: --jobs: harus bilangan bulat, bukan 'dua'" in err
    assert "Bantuan: kinerja batch --help" in err
    with pytest.raises(SystemExit):
        main(["rekap"])
    assert "argumen wajib belum diisi: DATA, --out" in capsys.readouterr().err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The small valid folder of the data tests: rows from May to November 2026."""
    return write_folder(tmp_path / "data", valid_tables())


@pytest.mark.slow  # loads a folder (pandera validation)
def test_validate_names_the_period_and_no_developer_file(folder, tmp_path, capsys):
    code = main(["validate", str(folder), "--quarantine", str(tmp_path / "karantina")])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code in (0, 1)
    # no complete quarter in the folder: the year of its latest month
    assert "Periode: 2026 (data terakhir: November 2026)" in text.splitlines()
    assert "NI PPPK diperiksa" in text  # the note that used to cite "reference.md §5.2"
    assert not DEVELOPER_REFS.search(text), text


@pytest.mark.slow  # loads a folder (pandera validation)
def test_an_empty_period_stops_rekap_and_batch_with_exit_2(folder, tmp_path, capsys):
    code = main(["rekap", str(folder), "--out", str(tmp_path / "r.json"), "--periode", "2024"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "r.json").exists()
    assert "Tidak ada data sama sekali pada periode 2024 (Tahun 2024)" in err
    assert "  - permohonan layanan: 2026" in err and "  - penilaian SKP: 2026" in err
    code = main(
        ["batch", "--data", str(folder), "--out", str(tmp_path / "out"), "--periode", "2025-TW2"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "Tidak ada data sama sekali pada periode 2025-TW2 (Triwulan II 2025)" in err
    assert "  - pengaduan: 2026-TW4" in err
    assert not list((tmp_path / "out").glob("opd/*.html"))


@pytest.mark.slow
def test_validate_on_the_sample_speaks_plainly(tmp_path, capsys):
    sample = ROOT / "data" / "sampel"
    if not (sample / "opd.csv").is_file():
        pytest.skip("data sampel belum dibuat (make sample)")
    main(["validate", str(sample), "--quarantine", str(tmp_path / "q")])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Periode: 2025 (data terakhir: Desember 2025)" in text.splitlines()
    assert not DEVELOPER_REFS.search(text), text
