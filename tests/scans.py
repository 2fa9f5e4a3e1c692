"""Image-only copies of a real PDF, as a scanner would make them: each page rendered by
PDFium at a resolution, then the images put back together as a PDF with no text layer."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pypdfium2 as pdfium


def image_only_pdf(data: bytes, dpi: int, pages: Sequence[int] | None = None) -> bytes:
    """``pages`` (0-based; all by default) of the PDF ``data`` rasterised at ``dpi`` in grey,
    rebuilt as an image-only PDF of the same page size."""
    pdf = pdfium.PdfDocument(data)
    try:
        chosen = range(len(pdf)) if pages is None else pages
        images = []
        for index in chosen:
            page = pdf[index]
            images.append(page.render(scale=dpi / 72, grayscale=True).to_pil())
            page.close()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    first, *rest = images
    first.save(buffer, "PDF", resolution=float(dpi), save_all=True, append_images=rest)
    return buffer.getvalue()
