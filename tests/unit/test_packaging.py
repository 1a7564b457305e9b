"""The packaging files agree with the package: one version everywhere, and the icons
rendered from the SVG in every size the desktops ask for."""

from __future__ import annotations

import plistlib
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

import crmdesk
from crmdesk import paths

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def test_every_packaging_file_names_the_packages_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert crmdesk.__version__ == version
    metainfo = ET.parse(PACKAGING / "linux" / "org.crmdesk.crmdesk.metainfo.xml")
    newest = metainfo.getroot().find("releases/release")
    assert newest is not None and newest.get("version") == version
    plist = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    assert plist["CFBundleShortVersionString"] == version
    iss = (PACKAGING / "windows" / "crmdesk.iss").read_text()
    assert re.search(r'#define AppVersion "([^"]+)"', iss)[1] == version  # type: ignore[index]


def test_the_icons_are_drawn_in_every_size() -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(paths.icons_dir() / f"crmdesk-{size}.png") as png:
            assert png.size == (size, size)
            assert png.getpixel((size // 2, size // 2))[3] == 255  # drawn, not transparent
            assert png.getpixel((0, 0))[3] == 0  # a rounded tile: its corner is empty
    with Image.open(PACKAGING / "windows" / "crmdesk.ico") as ico:
        assert (256, 256) in ico.info["sizes"] and (16, 16) in ico.info["sizes"]


def test_the_desktop_entry_opens_both_kinds_of_file() -> None:
    entry = (PACKAGING / "linux" / "org.crmdesk.crmdesk.desktop").read_text()
    assert "Exec=crmdesk %f" in entry
    mime = ET.parse(PACKAGING / "linux" / "org.crmdesk.crmdesk.mime.xml").getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    types = {t.get("type"): t for t in mime.findall("m:mime-type", ns)}
    assert set(types) == {"application/x-crmdesk", "application/x-crmdesk-copy"}
    for kind in types:
        assert kind in entry
    globs = {t: [g.get("pattern") for g in e.findall("m:glob", ns)] for t, e in types.items()}
    assert globs == {
        "application/x-crmdesk": ["*.crmdesk"],
        "application/x-crmdesk-copy": ["*.crmdesk-encrypted"],
    }
