"""HTML → PDF/A-3b with attached files, byte for byte reproducible.

This module and :mod:`checker.report.parts` (a long document laid out in parallel parts) are
the only places rspcheck calls WeasyPrint. Two entry points:

* :func:`html_to_pdf` renders any HTML with any attachments (the primitive).
* :func:`determination_pdf` renders the determination's HTML with its JSON attached as
  ``determination.json`` (the one call the report writer needs); sign the result with
  :func:`checker.sign.signing.sign_pdf`.

Reproducibility. For the same HTML, attachments, ``created`` and ``identifier`` (and the same
WeasyPrint, fontTools and font files), the bytes are identical across runs and processes:

* the attachments' dates are ``created`` (WeasyPrint defaults them to *now*);
* the document's ``/CreationDate`` and ``/ModDate`` are ``created`` unless the HTML sets
  ``dcterms.created``/``dcterms.modified`` itself;
* ``/ID`` is the caller's ``identifier``;
* without ``libharfbuzz-subset0`` WeasyPrint subsets fonts with fontTools, which stamps each
  subset's ``head.modified`` with the current time unless ``SOURCE_DATE_EPOCH`` is set; so the
  write runs with ``SOURCE_DATE_EPOCH`` = ``created`` (process-wide, under a lock, restored
  after). With HarfBuzz subsetting the font's own dates are kept and the variable is harmless.

Resources. The HTML may load images and stylesheets only as ``data:`` URIs or as files inside
``base_url`` (a local directory). Anything else (``http:``, ``https:``, ``ftp:``, a ``file:``
outside the base, ``..`` escapes through symlinks) is refused and the render fails with
``pdf-resource-blocked``, so a template can neither phone home nor read ``~/.ssh``.

WeasyPrint is imported inside the functions: importing this module costs nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from checker.determination import DETERMINATION_NAME, parse_determination
from checker.errors import RspcheckError

#: The PDF variant rspcheck writes: PDF/A-3 allows arbitrary associated files (the JSON).
PDF_VARIANT = "pdf/a-3b"

_ENV_LOCK = threading.Lock()


class Attachment(NamedTuple):
    """A file to embed in the PDF as an associated file (a plain tuple works too)."""

    name: str
    """File name shown by PDF viewers and used to find it again, e.g. ``determination.json``."""
    data: bytes
    """The exact bytes; they come back out byte for byte."""
    description: str = ""
    """One line shown next to the file in viewers."""
    mime: str = "application/octet-stream"
    """MIME type, written as the embedded file's ``/Subtype``."""
    relationship: str = "Data"
    """PDF/A-3 ``/AFRelationship``: ``Data``, ``Source``, ``Alternative``, ``Supplement``…"""


#: A document, or its parts in order: each part a whole HTML document (same ``<head>``), or a
#: function returning one, called in the process that lays that part out.
Html = str | Sequence[str | Callable[[], str]]


def html_to_pdf(
    html: Html,
    *,
    attachments: Sequence[Attachment | tuple[Any, ...]] = (),
    created: dt.datetime,
    identifier: bytes,
    base_url: str | os.PathLike[str] | None = None,
) -> bytes:
    """Render ``html`` to PDF/A-3b bytes with ``attachments`` as associated files.

    Args:
        html: The whole document, or its parts (see :data:`Html` and
            :mod:`checker.report.parts`): parts are laid out in parallel where the machine allows,
            numbered as one document (``counter(page)`` runs on, ``counter(pages)`` is the total)
            and joined. Each part starts a new page. The first part's ``<title>`` and ``<meta
            name=author|description|keywords|generator>`` become the PDF's metadata. The bytes
            do not depend on how many processes did the work (``RSPCHECK_PDF_WORKERS``).
        attachments: :class:`Attachment` objects or ``(name, data, description, mime)`` tuples.
        created: The document's time (timezone-aware). It fixes every date in the file.
        identifier: The file's ``/ID``: the same inputs with the same identifier give the
            same bytes. :func:`determination_pdf` derives it from the JSON.
        base_url: A local directory the HTML may load files from (relative URLs resolve
            against it). ``None``: only ``data:`` URIs.

    Raises:
        RspcheckError: ``pdf-resource-blocked`` when the HTML asks for a URL outside what
            is allowed; ``pdf-render-failed`` when WeasyPrint cannot render it; ``invalid-value``
            for a naive ``created``, an empty identifier or a malformed attachment.
    """
    if created.tzinfo is None or created.utcoffset() is None:
        raise RspcheckError.one(
            "invalid-value",
            "html_to_pdf needs a timezone-aware `created` datetime",
            hint="pass e.g. datetime.now(timezone.utc)",
        )
    if not isinstance(identifier, bytes) or not identifier:
        raise RspcheckError.one("invalid-value", "html_to_pdf needs a non-empty bytes identifier")
    created = created.astimezone(dt.UTC).replace(microsecond=0)
    atts = [_as_attachment(a) for a in attachments]
    names = [a.name for a in atts]
    if len(set(names)) != len(names):
        raise RspcheckError.one("duplicate-id", f"two attachments share a name: {names}")
    given = [html] if isinstance(html, str) else list(html)
    if not given:
        raise RspcheckError.one("invalid-value", "html_to_pdf needs a document or its parts")
    builds = [_constant(b) if isinstance(b, str) else b for b in given]

    import weasyprint  # lazy: ~1.5 s to import

    from checker.report import parts

    base = None if base_url is None else str(Path(base_url).resolve()) + os.sep
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")

    def layout(text: str) -> Any:
        fetcher = _restricted_fetcher(base_url)
        try:
            with _no_cyclic_gc():
                document = weasyprint.HTML(string=text, base_url=base, url_fetcher=fetcher).render()
        except RspcheckError:
            raise
        except Exception as exc:  # WeasyPrint raises many types; the user needs one message
            raise _render_failed(exc) from exc
        fetcher.check()
        meta = document.metadata
        meta.created = meta.created or stamp
        meta.modified = meta.modified or stamp
        return document

    def write(document: Any, index: int) -> bytes:
        fetcher = _restricted_fetcher(base_url)
        w_atts = [
            weasyprint.Attachment(
                url=_data_url(a.data, a.mime),
                url_fetcher=fetcher,
                name=a.name,
                description=a.description,
                created=created,
                modified=created,
                relationship=a.relationship,
            )
            for a in (atts if index == 0 else ())  # the joined PDF keeps the first part's
        ]
        try:
            with _source_date_epoch(int(created.timestamp())), _no_cyclic_gc():
                pdf = document.write_pdf(
                    attachments=w_atts, pdf_identifier=identifier, pdf_variant=PDF_VARIANT
                )
        except Exception as exc:
            raise _render_failed(exc) from exc
        fetcher.check()
        return bytes(pdf)

    if len(builds) > 1 and not parts.supported():
        raise RspcheckError.one(
            "pdf-render-failed",
            f"WeasyPrint {weasyprint.__version__} cannot lay a document out in parts",
            hint="render it as one document (pass one HTML string), or install the "
            "WeasyPrint version rspcheck's pyproject.toml allows",
        )
    pdfs = parts.render(builds, layout, write, workers=parts.workers_for(len(builds)))
    return parts.join(pdfs)


def _constant(text: str) -> Callable[[], str]:
    """A part's build function for HTML that is already written."""
    return lambda: text


def determination_pdf(
    html: Html,
    determination_json: bytes,
    *,
    created: dt.datetime,
    extra_attachments: Sequence[Attachment | tuple[Any, ...]] = (),
    base_url: str | os.PathLike[str] | None = None,
) -> bytes:
    """Render a determination: ``html`` (a document or its parts, as for :func:`html_to_pdf`)
    with ``determination_json`` attached as ``determination.json`` (``/AFRelationship /Data``,
    ``application/json``).

    The JSON must meet :func:`checker.determination.parse_determination`'s contract (what
    :func:`checker.sign.verify.verify_pdf` requires). The ``/ID`` is derived from the JSON's
    sha256, so the same determination and HTML always give the same bytes.

    Raises:
        RspcheckError: ``not-a-determination`` when the JSON does not meet the contract,
            plus whatever :func:`html_to_pdf` raises.
    """
    parse_determination(determination_json)  # raises not-a-determination
    digest = hashlib.sha256(determination_json).digest()
    att = Attachment(
        DETERMINATION_NAME,
        bytes(determination_json),
        "rspcheck determination (machine-readable; the signed source of this report)",
        "application/json",
        "Data",
    )
    return html_to_pdf(
        html,
        attachments=[att, *extra_attachments],
        created=created,
        identifier=b"rspcheck-" + digest[:16].hex().encode(),
        base_url=base_url,
    )


def canonical_json(obj: Any) -> bytes:
    """The byte form rspcheck uses for JSON it attaches: sorted keys, UTF-8, trailing newline."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


# -- internals -----------------------------------------------------------------------------


def _as_attachment(a: Attachment | tuple[Any, ...]) -> Attachment:
    try:
        att = a if isinstance(a, Attachment) else Attachment(*a)
    except TypeError as exc:
        raise RspcheckError.one("invalid-value", f"malformed attachment: {exc}") from None
    if not isinstance(att.name, str) or not att.name or "/" in att.name:
        raise RspcheckError.one("invalid-value", f"bad attachment name {att.name!r}")
    if not isinstance(att.data, bytes | bytearray | memoryview):
        raise RspcheckError.one("wrong-type", f"attachment {att.name!r}: data must be bytes")
    if "/" not in att.mime or any(c in att.mime for c in " ;,\n"):
        raise RspcheckError.one("invalid-value", f"attachment {att.name!r}: bad MIME {att.mime!r}")
    return att._replace(data=bytes(att.data))


def _render_failed(exc: Exception) -> RspcheckError:
    return RspcheckError.one("pdf-render-failed", f"WeasyPrint could not render the HTML: {exc}")


def _data_url(data: bytes, mime: str) -> str:
    # WeasyPrint takes the attachment's MIME type from its source's Content-Type; a data:
    # URL carries it exactly and needs no file or network.
    import base64

    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while WeasyPrint works: it allocates hundreds of
    thousands of long-lived objects, and the collector's repeated full passes over them cost
    ~20% of a large report's render (measured: 1 s of 7 for 73 pages). Reference counting
    still frees everything acyclic; the collector runs again as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _source_date_epoch(seconds: int) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` for the duration of a write (process-wide, hence the lock)."""
    with _ENV_LOCK:
        old = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = old


def _restricted_fetcher(base_url: str | os.PathLike[str] | None) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and files under ``base_url`` only."""
    from weasyprint.urls import URLFetcher

    root = None if base_url is None else Path(base_url).resolve()

    class _Restricted(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
            self.blocked: list[str] = []
            self.failed: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            shown = url if len(url) < 120 else url[:60] + "…"
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file" and root is not None:
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(root):
                    try:
                        return super().fetch(path.as_uri(), headers)
                    except Exception:
                        self.failed.append(shown)
                        raise
            self.blocked.append(shown)
            raise ValueError(f"rspcheck does not allow fetching {shown}")

        def check(self) -> None:
            """Raise for what was refused or unreadable (WeasyPrint only logs it and goes on)."""
            if self.blocked:
                raise RspcheckError.one(
                    "pdf-resource-blocked",
                    "the HTML asks for resources outside the allowed base: "
                    + ", ".join(sorted(set(self.blocked))),
                    hint="inline them as data: URIs, or put them inside base_url",
                )
            if self.failed:
                raise RspcheckError.one(
                    "pdf-render-failed",
                    "the HTML refers to resources that could not be read: "
                    + ", ".join(sorted(set(self.failed))),
                )

    return _Restricted()
