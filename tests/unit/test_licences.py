"""Help ▸ About names whose work crmdesk runs on, from the installed packages themselves."""

from __future__ import annotations

from importlib import metadata

import pytest

from crmdesk import licences


def test_the_libraries_are_read_from_the_installed_packages() -> None:
    found = {lib.name.lower().replace("_", "-"): lib for lib in licences.libraries()}
    assert found["sqlalchemy"].licence == "MIT"
    assert found["sqlalchemy"].version == metadata.version("SQLAlchemy")
    assert "LGPL-3.0" in found["pyside6-essentials"].licence
    assert "shiboken6" in found  # a dependency's dependency
    for tool in ("pytest", "ruff", "mypy", "pyinstaller", "crmdesk"):
        assert tool not in found, tool  # (test and build tools are not shipped)
    assert all(lib.licence for lib in found.values())


def test_a_library_without_its_package_information_is_still_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = metadata.distribution

    def without_reportlab(name: str) -> metadata.Distribution:
        if name.lower() == "reportlab":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(licences.metadata, "distribution", without_reportlab)
    reportlab = next(lib for lib in licences.libraries() if lib.name.lower() == "reportlab")
    assert reportlab.version == "" and "not known here" in reportlab.licence


def test_every_shipped_font_licence_is_named() -> None:
    fonts = licences.font_licences()
    assert [f.file.name for f in fonts] == [
        "LICENSE-DejaVu.txt", "LICENSE-Noto.txt", "LICENSE-WenQuanYi.txt"
    ]  # fmt: skip
    assert [f.licence for f in fonts] == [
        "Bitstream Vera Fonts licence (and public domain changes)",
        "SIL Open Font License 1.1",
        "Apache License 2.0",
    ]
    assert fonts[0].fonts == "DejaVu fonts" and fonts[2].fonts.startswith("WenQuanYi Micro Hei")
