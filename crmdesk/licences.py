"""Whose work crmdesk is built on, for Help ▸ About: the libraries it runs with (read from the
installed packages' own metadata, never a hand list) and the fonts it ships (their licence
files in resources/fonts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from crmdesk import paths

APP = "crmdesk"


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str  # "MIT", "LGPL-3.0-only OR GPL-2.0-only …", or "not stated"
    home: str = ""


@dataclass(frozen=True)
class FontLicence:
    file: Path
    fonts: str  # which fonts, from where (the licence file's first line)
    licence: str  # "SIL Open Font License 1.1", "Apache License 2.0", "Bitstream Vera"


_LICENCE_NAMES = (  # (words in the licence file, its name), the first found names it
    ("crmdesk uses it under the Apache License 2.0", "Apache License 2.0"),
    ("SIL Open Font License", "SIL Open Font License 1.1"),
    ("License: bitstream-vera", "Bitstream Vera Fonts licence (and public domain changes)"),
    ("Apache License", "Apache License 2.0"),
)


def _licence_of(dist: metadata.Distribution) -> str:
    meta: Any = dist.metadata  # (an email.message.Message)
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [c.rpartition(" :: ")[2] for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]  # fmt: skip
    if classifiers:
        return ", ".join(dict.fromkeys(classifiers))
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 80:
        return text
    return "not stated"


def _home_of(dist: metadata.Distribution) -> str:
    meta: Any = dist.metadata  # (an email.message.Message)
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in {"homepage", "home", "source", "repository"}:
            return url.strip()
    return str(meta.get("Home-page") or "")


def _requirement_names(dist: metadata.Distribution) -> list[tuple[str, bool]]:
    """(name, needed everywhere) of what `dist` requires: a requirement with a marker
    ("; sys_platform == 'win32'", "; python_version < '3.11'") may not apply here."""
    names = []
    for line in dist.requires or []:
        if "extra ==" in line:
            continue  # (test and build tools are not shipped)
        match = re.match(r"[A-Za-z0-9._-]+", line)
        if match:
            names.append((match.group(0), ";" not in line))
    return names


def libraries() -> list[Library]:
    """Every package crmdesk runs with: its dependencies and theirs, by name. Where crmdesk's
    own metadata is missing (a bundle without it), every package installed beside it."""
    try:
        start = [metadata.distribution(APP)]
    except metadata.PackageNotFoundError:
        start = []
    seen: dict[str, metadata.Distribution] = {}
    unread: dict[str, str] = {}  # required, but its metadata is not here (a bundle without it)
    if start:
        todo = _requirement_names(start[0])
        while todo:
            name, everywhere = todo.pop()
            key = name.lower().replace("_", "-")
            if key in seen or key in unread:
                continue
            try:
                dist = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                if everywhere:  # (else: for another system or Python, most likely)
                    unread[key] = name
                continue
            seen[key] = dist
            todo += _requirement_names(dist)
    else:
        seen = {d.metadata["Name"].lower(): d for d in metadata.distributions()}
    out = [
        Library(d.metadata["Name"], d.version, _licence_of(d), _home_of(d))
        for key, d in seen.items()
        if key != APP
    ]
    out += [Library(name, "", "not known here (its package information was not installed)")
            for name in unread.values()]  # fmt: skip
    return sorted(out, key=lambda lib: lib.name.casefold())


def font_licences() -> list[FontLicence]:
    """The shipped fonts' licence files: which fonts each covers, and under which licence."""
    out = []
    for file in sorted((paths.resources_dir() / "fonts").glob("LICENSE-*.txt")):
        text = file.read_text(encoding="utf-8")
        lines = text.splitlines()
        first = next((line for line in lines if line.strip()), "").strip()
        if first.startswith("Format:"):  # a Debian copyright file: its Upstream-Name
            first = next((ln.partition(":")[2].strip() for ln in lines
                          if ln.startswith("Upstream-Name:")), file.stem)  # fmt: skip
        licence = next((name for words, name in _LICENCE_NAMES if words in text), file.name)
        out.append(FontLicence(file, first, licence))
    return out
