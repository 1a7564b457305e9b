"""Encrypted copies for another machine: the file format, written and read as a stream.

A copy on a stick holds every client's personal data, so it can be encrypted with a
passphrase. The file is never loaded whole (a copy can be gigabytes): it is written and read
one chunk at a time.

Format, version 1 (all integers big-endian)::

    offset size
     0     12  magic  b"\\x89CRMDESK\\r\\n\\x1a\\n" (PNG-style: a text-mode transfer breaks it)
    12      1  format version (1)
    13      2  header length in bytes (84), this field included
    15      1  key derivation: 1 = scrypt
    16      1  scrypt log2(N) (17: 128 MiB of memory, about a third of a second)
    17      1  scrypt r (8)
    18      1  scrypt p (1)
    19      1  log2(chunk size) (20: 1 MiB of the database per chunk)
    20     16  salt, random for every file
    36     32  key check: HMAC-SHA256(mac key, bytes 0-35)
    68     16  header checksum: SHA-256(bytes 0-67), first 16 bytes
    84         chunks, to the end of the file

scrypt(passphrase as NFC UTF-8, salt) gives 64 bytes: the AES-256-GCM key, then the
mac key. Each chunk is a 12-byte random nonce, the chunk's ciphertext (the size of its
plaintext: a full chunk, except the last, which may be shorter or empty) and GCM's 16-byte
tag. The associated data of chunk i is SHA-256(header) ‖ i (8 bytes) ‖ 1 if it is the last
chunk else 0, so a chunk cannot be changed, moved, dropped or taken from another file, the
file cannot be cut short at a chunk boundary (the new last chunk was not written as last),
and nothing can follow the last chunk.

Every later version keeps the first 15 bytes and the trailing header checksum, so a reader
tells a damaged header ("changed or damaged") from a newer format ("update crmdesk") and
from a wrong passphrase (the checksum holds but the key check does not).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from crmdesk.errors import (
    BackupError,
    ChangedCopyError,
    NewerSchemaError,
    NotADatabaseError,
    WrongPassphraseError,
)
from crmdesk.store import disk_errors
from crmdesk.store.backup import fsync_path, write_snapshot
from crmdesk.store.gate import ENCRYPTED_MAGIC, not_a_whole_copy
from crmdesk.store.scratch import working_folder

MAGIC = ENCRYPTED_MAGIC
VERSION = 1
_SCRYPT = 1
_FIELDS = struct.Struct(">12sBHBBBBB16s")  # magic … salt: bytes 0-35
_CHECK_AT, _SUM_AT, HEADER_SIZE = 36, 68, 84
_NONCE, _TAG = 12, 16
_PREFIX = 15  # magic, version, header length: the same in every version

# what a reader accepts from a header: a damaged or hostile one could ask for terabytes
# of memory or hours of work before the passphrase can even be checked. scrypt takes
# 128·r·N bytes and p times the work; we write N = 2^17, r = 8, p = 1 (128 MiB).
_MAX_LOG2_N, _MAX_R, _MAX_P = 18, 16, 4
_MAX_SCRYPT_MEMORY = 256 * 1024 * 1024
_CHUNK_LOG2 = range(12, 25)

Progress = Callable[[int], None]  # bytes of the copy done so far


@dataclass(frozen=True)
class KdfParams:
    """scrypt's cost. The default takes about a third of a second and 128 MiB here; tests
    use a cheaper one."""

    log2_n: int = 17
    r: int = 8
    p: int = 1


@dataclass(frozen=True)
class _Header:
    raw: bytes
    params: KdfParams
    chunk_size: int
    salt: bytes
    key_check: bytes


def write_encrypted_snapshot(
    source: Path,
    target: Path,
    passphrase: str,
    scratch: Path,
    *,
    params: KdfParams | None = None,
) -> Path:
    """An encrypted, checked copy of the database `source` at `target`.

    The consistent snapshot is made and checked in `scratch` (a folder on this machine's
    disk: the data in the clear never touches the stick), encrypted to `target`.partial,
    flushed, decrypted back and compared, and only then renamed to `target`; the snapshot
    in the clear is removed in any case.
    """
    if target.exists():
        raise BackupError(f"{target} already exists. Choose another name; nothing was written.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with working_folder("copy", scratch) as tmp:
        plain = write_snapshot(source, Path(tmp) / f"snapshot{source.suffix}")
        try:
            written = encrypt_file(plain, partial, passphrase, params=params)
            try:
                same = decrypt_file(partial, None, passphrase) == written
            except (ChangedCopyError, WrongPassphraseError):
                same = False
            if not same:
                raise BackupError(
                    f"The copy {target} did not read back as it was written (the disk or "
                    "stick may be failing); it was removed."
                )
            partial.replace(target)
            fsync_path(target.parent)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise disk_errors.about_copy(exc, source, target) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return target


def encrypt_file(
    source: Path,
    target: Path,
    passphrase: str,
    *,
    params: KdfParams | None = None,
    chunk_log2: int = 20,
    progress: Progress | None = None,
) -> bytes:
    """Write `source` encrypted with `passphrase` to `target` (made or replaced); return the
    SHA-256 of what was encrypted, for checking it reads back the same."""
    params = params or KdfParams()
    salt = os.urandom(16)
    key, mac_key = _derive(passphrase, salt, params)
    fields = _FIELDS.pack(
        MAGIC, VERSION, HEADER_SIZE, _SCRYPT, params.log2_n, params.r, params.p, chunk_log2, salt
    )
    check = hmac.new(mac_key, fields, hashlib.sha256).digest()
    header = fields + check + hashlib.sha256(fields + check).digest()[:16]
    aead, bound, size = AESGCM(key), hashlib.sha256(header).digest(), 1 << chunk_log2
    digest = hashlib.sha256()
    with Path(source).open("rb") as src, Path(target).open("wb") as out:
        out.write(header)
        block, index, done = src.read(size), 0, 0
        while True:
            following = src.read(size) if len(block) == size else b""
            last = not following
            digest.update(block)
            nonce = os.urandom(_NONCE)
            out.write(nonce)
            out.write(aead.encrypt(nonce, block, _associated(bound, index, last)))
            done += len(block)
            if progress is not None:
                progress(done)
            if last:
                break
            block, index = following, index + 1
        out.flush()
        os.fsync(out.fileno())
    return digest.digest()


def decrypt_file(
    source: Path,
    target: Path | None,
    passphrase: str,
    *,
    progress: Progress | None = None,
    outcome: str = "Nothing was merged.",
) -> bytes:
    """Decrypt the copy at `source` into `target` (None: only check it); return the SHA-256
    of its content. Raises (naming `source`) NotADatabaseError if it is no encrypted copy,
    NewerSchemaError for a newer format, WrongPassphraseError, ChangedCopyError if any part
    fails its authentication (`outcome` ends their message: what was not done). A wrong
    passphrase is found before `target` is made; otherwise `target` may hold a part of the
    content: the caller removes it."""
    source = Path(source)
    digest = hashlib.sha256()
    with source.open("rb") as f:
        header = _read_header(f, source, outcome)
        key, mac_key = _derive(passphrase, header.salt, header.params)
        expected = hmac.new(mac_key, header.raw[:_CHECK_AT], hashlib.sha256).digest()
        if not hmac.compare_digest(expected, header.key_check):
            raise WrongPassphraseError(
                source, "is encrypted with another passphrase: the one given does not open it."
            )
        aead, bound = AESGCM(key), hashlib.sha256(header.raw).digest()
        full = _NONCE + header.chunk_size + _TAG
        out: BinaryIO | None = target.open("wb") if target is not None else None
        try:
            block, index, done = f.read(full), 0, 0
            while True:
                following = f.read(full) if len(block) == full else b""
                last = not following
                if len(block) < _NONCE + _TAG:
                    raise _changed(source, index, "it ends in the middle of a part", outcome)
                view = memoryview(block)
                try:
                    plain = aead.decrypt(
                        view[:_NONCE], view[_NONCE:], _associated(bound, index, last)
                    )
                except InvalidTag:
                    raise _changed(
                        source, index, "it does not match what was written", outcome
                    ) from None
                digest.update(plain)
                if out is not None:
                    out.write(plain)
                done += len(plain)
                if progress is not None:
                    progress(done)
                if last:
                    break
                block, index = following, index + 1
            if out is not None:
                out.flush()
                os.fsync(out.fileno())
        finally:
            if out is not None:
                out.close()
    return digest.digest()


def _derive(passphrase: str, salt: bytes, params: KdfParams) -> tuple[bytes, bytes]:
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = Scrypt(salt=salt, length=64, n=1 << params.log2_n, r=params.r, p=params.p)
    both = kdf.derive(secret)
    return both[:32], both[32:]


def _associated(bound: bytes, index: int, last: bool) -> bytes:
    return bound + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def _read_header(f: BinaryIO, path: Path, outcome: str) -> _Header:
    prefix = f.read(_PREFIX)
    if problem := not_a_whole_copy(path, prefix[: len(MAGIC)]):
        raise problem
    if not prefix.startswith(MAGIC):
        raise NotADatabaseError(path, "is not an encrypted crmdesk copy.")
    if len(prefix) < _PREFIX:
        raise _changed_header(path, outcome)
    version = prefix[12]
    length = int.from_bytes(prefix[13:15], "big")
    if not _PREFIX + 16 <= length <= 4096:
        raise _changed_header(path, outcome)
    raw = prefix + f.read(length - _PREFIX)
    if len(raw) < length or hashlib.sha256(raw[:-16]).digest()[:16] != raw[-16:]:
        raise _changed_header(path, outcome)
    if version > VERSION:
        raise NewerSchemaError(
            path,
            f"is an encrypted copy written by a newer version of crmdesk (format {version}). "
            + outcome,
        )
    if version < VERSION or length != HEADER_SIZE:
        raise _changed_header(path, outcome)
    _magic, _v, _len, kdf, log2_n, r, p, chunk_log2, salt = _FIELDS.unpack(raw[:_CHECK_AT])
    sane = (
        1 <= log2_n <= _MAX_LOG2_N
        and 1 <= r <= _MAX_R
        and 1 <= p <= _MAX_P
        and 128 * r * (1 << log2_n) <= _MAX_SCRYPT_MEMORY
    )
    if kdf != _SCRYPT or not sane or chunk_log2 not in _CHUNK_LOG2:
        raise _changed_header(path, outcome)
    return _Header(raw, KdfParams(log2_n, r, p), 1 << chunk_log2, salt, raw[_CHECK_AT:_SUM_AT])


def _changed(path: Path, index: int, how: str, outcome: str) -> ChangedCopyError:
    return ChangedCopyError(
        path,
        f"was changed or damaged after it was written: part {index + 1} fails its check "
        f"({how}). {outcome}",
    )


def _changed_header(path: Path, outcome: str) -> ChangedCopyError:
    return ChangedCopyError(
        path,
        f"was changed or damaged after it was written: its header fails its check. {outcome}",
    )
