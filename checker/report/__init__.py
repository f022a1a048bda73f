"""Rendering: the determination as HTML (jinja2) and as a reproducible PDF/A-3b with its JSON
attached (WeasyPrint), charts (matplotlib). Signing and verifying are :mod:`checker.sign`'s.

::

    from checker.report import render_pdf

    pdf = render_pdf(det)                          # reproducible bytes, determination.json attached
    pdf = html_to_pdf(html, attachments=[...], created=when)   # the primitive

Importing this package is cheap: WeasyPrint and matplotlib are imported inside the functions
that need them.
"""

from checker.report.pdf import Attachment, canonical_json, determination_pdf, html_to_pdf
from checker.report.render import render_determination, render_pdf

__all__ = [
    "Attachment",
    "canonical_json",
    "determination_pdf",
    "html_to_pdf",
    "render_determination",
    "render_pdf",
]
