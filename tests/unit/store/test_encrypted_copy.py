"""The encrypted copy's file format: a round trip, and every kind of change refused.

Small chunks (4 KiB) so that a real demo database spans many of them; a cheap scrypt so
the tests run fast (the cost is in the header: the reader uses what the file says).
"""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from pathlib import Path

import pytest

from crmdesk.errors import (
    ChangedCopyError,
    NewerSchemaError,
    NotADatabaseError,
    WrongPassphraseError,
)
from crmdesk.store import encrypted_copy
from crmdesk.store.encrypted_copy import HEADER_SIZE, KdfParams, decrypt_file, encrypt_file
from crmdesk.store.gate import inspect_file, is_encrypted_copy

CHEAP = KdfParams(log2_n=10, r=8, p=1)
SMALL = 12  # log2 of the chunk size: 4 KiB
PART = 12 + (1 << SMALL) + 16  # one whole chunk in the file: nonce, ciphertext, tag
PASS = "marmalade on Tuesdays"


@pytest.fixture
def sealed(demo_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy.crmdesk-encrypted"
    encrypt_file(demo_path, target, PASS, params=CHEAP, chunk_log2=SMALL)
    return target


def parts(path: Path) -> tuple[bytes, list[bytes]]:
    data = path.read_bytes()
    body = data[HEADER_SIZE:]
    return data[:HEADER_SIZE], [body[i : i + PART] for i in range(0, len(body), PART)]


def test_a_demo_database_round_trips(demo_path: Path, sealed: Path, tmp_path: Path) -> None:
    out = tmp_path / "back.crmdesk"
    digest = decrypt_file(sealed, out, PASS)
    assert out.read_bytes() == demo_path.read_bytes()
    assert digest == hashlib.sha256(demo_path.read_bytes()).digest()
    assert inspect_file(out).exists  # a crmdesk database again
    assert is_encrypted_copy(sealed) and not is_encrypted_copy(demo_path)
    size = demo_path.stat().st_size
    chunks = max(1, -(-size // (1 << SMALL)))  # (the last may be full: no empty one after)
    assert sealed.stat().st_size == HEADER_SIZE + size + chunks * 28


def test_nothing_of_the_database_is_readable_in_the_copy(demo_path: Path, sealed: Path) -> None:
    data = sealed.read_bytes()
    assert b"SQLite format 3" not in data
    for name in (b"CREATE TABLE", b"clients", b"@example"):
        assert name in demo_path.read_bytes()
        assert name not in data
    again = sealed.with_name("again")
    encrypt_file(demo_path, again, PASS, params=CHEAP, chunk_log2=SMALL)
    assert again.read_bytes()[20:36] != data[20:36]  # a new salt for every file


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 3 * 4096])
def test_sizes_at_and_around_a_chunk_boundary(size: int, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(os.urandom(size))
    encrypt_file(plain, tmp_path / "sealed", PASS, params=CHEAP, chunk_log2=SMALL)
    decrypt_file(tmp_path / "sealed", tmp_path / "out", PASS)
    assert (tmp_path / "out").read_bytes() == plain.read_bytes()


def test_a_passphrase_is_the_same_however_its_accents_were_typed(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"data")
    encrypt_file(plain, tmp_path / "sealed", "Crème brûlée 42", params=CHEAP)  # composed
    decomposed = "Cre\u0300me bru\u0302le\u0301e 42"
    assert decrypt_file(tmp_path / "sealed", None, decomposed)


def test_a_wrong_passphrase_is_refused(sealed: Path, tmp_path: Path) -> None:
    with pytest.raises(WrongPassphraseError, match="another passphrase") as caught:
        decrypt_file(sealed, tmp_path / "out", PASS + "!")
    assert caught.value.path == sealed
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_every_flipped_byte_is_refused_as_a_change(sealed: Path, tmp_path: Path) -> None:
    """Every byte of the header (after the magic), of the first chunk's nonce and tag and
    of the last chunk's tag, and bytes spread over the rest."""
    data = sealed.read_bytes()
    places = [*range(len(encrypted_copy.MAGIC), HEADER_SIZE + 12)]
    places += [*range(HEADER_SIZE + PART - 16, HEADER_SIZE + PART)]
    places += [*range(len(data) - 16, len(data))]
    places += list(range(HEADER_SIZE + 12, len(data), len(data) // 40))
    for at in places:
        changed = bytearray(data)
        changed[at] ^= 0x01
        sealed.write_bytes(changed)
        with pytest.raises(ChangedCopyError, match="changed or damaged after it was written"):
            decrypt_file(sealed, None, PASS)


def test_a_flipped_byte_of_the_magic_is_no_copy_at_all(sealed: Path) -> None:
    changed = bytearray(sealed.read_bytes())
    changed[3] ^= 0x01
    sealed.write_bytes(changed)
    assert not is_encrypted_copy(sealed)
    with pytest.raises(NotADatabaseError):
        decrypt_file(sealed, None, PASS)


@pytest.mark.parametrize(
    "change",
    [
        "swap two chunks",
        "drop a chunk",
        "drop the last chunk",
        "cut at a chunk boundary",
        "cut inside a chunk",
        "cut inside the header",
        "only the header",
        "append bytes",
        "append a chunk",
        "chunk from another file",
    ],
)
def test_chunks_cannot_be_moved_dropped_cut_or_added(
    change: str, sealed: Path, demo_path: Path
) -> None:
    header, chunks = parts(sealed)
    assert len(chunks) > 10
    if change == "swap two chunks":
        chunks[2], chunks[3] = chunks[3], chunks[2]
    elif change == "drop a chunk":
        del chunks[4]
    elif change == "drop the last chunk":
        del chunks[-1]
    elif change == "cut at a chunk boundary":
        chunks = chunks[:5]
    elif change == "cut inside a chunk":
        chunks[-2] = chunks[-2][:100]
        del chunks[-1]
    elif change == "cut inside the header":
        header, chunks = header[:40], []
    elif change == "only the header":
        chunks = []
    elif change == "append bytes":
        chunks.append(b"\x00" * 7)
    elif change == "append a chunk":
        chunks.append(chunks[1])
    else:  # the same passphrase, another file: its chunk 1 in place of ours
        other = sealed.with_name("other")
        encrypt_file(demo_path, other, PASS, params=CHEAP, chunk_log2=SMALL)
        chunks[1] = parts(other)[1][1]
    sealed.write_bytes(header + b"".join(chunks))
    with pytest.raises(ChangedCopyError, match="changed or damaged after it was written"):
        decrypt_file(sealed, None, PASS)


def test_a_newer_format_asks_for_a_newer_crmdesk(sealed: Path) -> None:
    data = bytearray(sealed.read_bytes())
    data[12] = 2  # version 2, with a header checksum that holds
    data[68:84] = hashlib.sha256(bytes(data[:68])).digest()[:16]
    sealed.write_bytes(data)
    with pytest.raises(NewerSchemaError, match="newer version of crmdesk"):
        decrypt_file(sealed, None, PASS)


def test_memory_stays_flat_on_a_larger_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    with plain.open("wb") as f:
        for _ in range(48):
            f.write(os.urandom(1 << 20))
    tracemalloc.start()
    try:
        encrypt_file(plain, tmp_path / "sealed", PASS, params=CHEAP)
        _, peak_write = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        decrypt_file(tmp_path / "sealed", tmp_path / "out", PASS)
        _, peak_read = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_write < 8 << 20 and peak_read < 8 << 20  # a few chunks, never the 48 MiB
    assert (tmp_path / "out").stat().st_size == 48 << 20


@pytest.mark.parametrize(
    ("log2_n", "r", "p"),
    [(22, 32, 16), (19, 8, 1), (18, 16, 1), (17, 8, 8), (0, 8, 1)],
    ids=["16 GiB", "N too big", "512 MiB", "p too big", "N of 1"],
)
def test_a_header_asking_for_huge_key_work_is_refused_before_any(
    sealed: Path, log2_n: int, r: int, p: int
) -> None:
    """The header's checksum is not secret: a hostile copy can carry any scrypt cost. One
    asking for more than crmdesk ever writes is refused at once, before scrypt runs."""
    import time

    data = bytearray(sealed.read_bytes())
    data[16:19] = bytes([log2_n, r, p])
    data[68:84] = hashlib.sha256(bytes(data[:68])).digest()[:16]
    sealed.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(ChangedCopyError):
        decrypt_file(sealed, None, PASS)
    assert time.monotonic() - started < 0.5
