"""Every patch in kinerja.compat is reversible: apply, then undo, restores the original object."""

from __future__ import annotations

import sys

import pytest

from kinerja.compat import jsonschema as jsonschema_compat
from kinerja.compat import jupyter_client as jupyter_patch
from kinerja.compat import traitlets as traitlets_compat
from kinerja.compat import voila as voila_compat
from kinerja.compat.versions import installed_version, version_in


def test_installed_version_parses_release_numbers():
    assert installed_version("pytest") is not None
    assert installed_version("bukan-paket-yang-ada") is None
    assert version_in("bukan-paket-yang-ada", (0,), (99,)) == (False, None)


def test_jupyter_client_patch_is_undoable():
    from jupyter_client.channels import AsyncZMQSocketChannel

    was_applied = jupyter_patch.is_applied()
    jupyter_patch.undo()
    original = AsyncZMQSocketChannel.get_msg
    if not jupyter_patch.needed():
        assert jupyter_patch.apply() is False  # unknown version: left alone
        assert AsyncZMQSocketChannel.get_msg is original
        return
    assert jupyter_patch.apply() is True
    assert AsyncZMQSocketChannel.get_msg is not original
    assert jupyter_patch.undo() is True
    assert AsyncZMQSocketChannel.get_msg is original
    assert jupyter_patch.undo() is False
    if was_applied:
        jupyter_patch.apply()  # leave the process as it was


def test_voila_patch_is_undoable():
    handler = pytest.importorskip("voila.tornado.handler").TornadoVoilaHandler
    original = handler.get
    if not voila_compat.needed():
        assert voila_compat.apply() is False
        assert handler.get is original
        return
    assert voila_compat.apply() is True
    assert handler.get is not original and voila_compat.is_applied()
    assert voila_compat.apply() is False  # idempotent
    assert voila_compat.undo() is True
    assert handler.get is original and not voila_compat.is_applied()
    assert voila_compat.undo() is False


def test_jsonschema_import_block_is_undoable(monkeypatch):
    name = "kinerja_uji_modul_tak_terpakai"
    monkeypatch.setattr(jsonschema_compat, "needed", lambda: True)
    assert name not in sys.modules
    assert jsonschema_compat.apply([name]) == [name]
    assert sys.modules[name] is None
    with pytest.raises(ImportError):
        __import__(name)
    assert name in jsonschema_compat.blocked()
    assert name in jsonschema_compat.undo()
    assert name not in sys.modules
    # an already imported module is never blocked
    assert jsonschema_compat.apply(["json"]) == []
    assert sys.modules["json"] is not None


def test_jsonschema_block_skipped_for_unknown_versions(monkeypatch):
    monkeypatch.setattr(jsonschema_compat, "needed", lambda: False)
    assert jsonschema_compat.apply(["kinerja_uji_modul_lain"]) == []
    assert "kinerja_uji_modul_lain" not in sys.modules


def test_traitlets_singleton_release_is_undoable():
    from traitlets.config import Application

    class UjiApp(Application):
        pass

    if Application._instance is not None:  # pragma: no cover - another test left one
        pytest.skip("sudah ada Application terdaftar")
    app = UjiApp.instance()
    try:
        if not traitlets_compat.needed():
            assert traitlets_compat.release_application_singleton() is None
            return
        assert traitlets_compat.release_application_singleton() is app
        assert Application._instance is None and UjiApp._instance is None
        assert traitlets_compat.restore_application_singleton(app) is True
        assert Application._instance is app and UjiApp._instance is app
        assert UjiApp.instance() is app
        with traitlets_compat.released_application_singleton() as released:
            assert released is app and Application._instance is None
        assert Application._instance is app
        assert traitlets_compat.restore_application_singleton(app) is False  # nothing to undo
    finally:
        UjiApp.clear_instance()
