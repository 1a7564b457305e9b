"""The pages of the files a scanner or a phone wrote: PNG, JPEG, TIFF (every page of a
multi-page one) and PDF (every page, rendered), each as a greyscale image, one at a time so
a batch of a thousand pages holds one page in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence

from crmdesk.errors import CrmError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUFFIXES = (*IMAGE_SUFFIXES, ".pdf")
PDF_DPI = 200  # a scanner's PDF page rendered at this: enough for boxes and the QR code
Image.MAX_IMAGE_PIXELS = 20_000 * 20_000  # an A4 page at 1,200 dpi fits; a bomb does not


@dataclass(frozen=True)
class Page:
    file: Path
    number: int  # 1 for the first page of its file
    image: Image.Image  # greyscale ("L")


def files_in(paths: Iterable[Path]) -> list[Path]:
    """The files to read: each file given, and the image and PDF files of each folder given
    (by name). A missing file or one of another kind is a CrmError naming it."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        elif not path.exists():
            raise CrmError(f"There is no file {path}.")
        elif path.suffix.lower() not in SUFFIXES:
            raise CrmError(
                f"{path.name} is not a scan crmdesk reads: give PNG, JPEG, TIFF or PDF files."
            )
        else:
            found.append(path)
    return found


def count_pages(path: Path) -> int:
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)
        try:
            return len(pdf)
        finally:
            pdf.close()
    with Image.open(path) as image:
        return int(getattr(image, "n_frames", 1))


def pages(path: Path) -> Iterator[Page]:
    """Every page of one file, in order. A file that cannot be read is a CrmError."""
    try:
        if path.suffix.lower() == ".pdf":
            yield from _pdf_pages(path)
        else:
            yield from _image_pages(path)
    except (OSError, ValueError) as exc:  # Pillow and pdfium say so for a broken file
        raise CrmError(f"{path.name} could not be read as an image or PDF ({exc}).") from exc


def _image_pages(path: Path) -> Iterator[Page]:
    with Image.open(path) as image:
        for n, frame in enumerate(ImageSequence.Iterator(image), 1):
            # a phone's JPEG stands the right way up only after its EXIF orientation
            upright = ImageOps.exif_transpose(frame)
            yield Page(path, n, (upright if upright is not None else frame).convert("L"))


def _pdf_pages(path: Path) -> Iterator[Page]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        for n in range(len(pdf)):
            page = pdf[n]
            try:
                image = page.render(scale=PDF_DPI / 72, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            yield Page(path, n + 1, image)
    finally:
        pdf.close()
