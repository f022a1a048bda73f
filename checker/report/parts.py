"""One PDF laid out in parts: in parallel where the machine allows, numbered as one, joined.

WeasyPrint lays a document out on one core, page after page, and a large determination
(40 thresholds, ~70 pages) spent ~5 s there. The report is a run of sections that each start
a new page, so it can be cut between sections into parts that are laid out independently,
each in its own process, and joined afterwards. Only one thing crosses the cut: page numbers
("Page 37 of 71"), which a part cannot know until every part before it has been laid out.

So a part is laid out with its margin boxes (running header, page numbers) *deferred*: the
layout records what it would have drawn there and stops. Once every part's page count is
known, each part's margin boxes are made with its page counter shifted by the pages before
it and the total set to the whole document's; then each part is written and the PDFs are
joined in order (pypdf). The first part carries the document-level objects (metadata,
output intent, attachments); the others contribute pages and their outline entries.

The bytes do not depend on how many processes did the work: :func:`render` in one process
(``workers=1``, or where forking is unsafe) and in several gives the same parts, page numbers
and bytes. They do depend on how the document is cut, which the caller decides from its
content.

Deferring margin boxes hooks one WeasyPrint internal, ``weasyprint.layout.make_margin_boxes``
(stable since WeasyPrint 53); :func:`supported` checks that it is there and is called the way
this module expects. When it is not, the report is rendered as one part (slower, the same
pages; :func:`checker.report.render.render_pdf`).
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import io
import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from checker.errors import RspcheckError
from checker.files.workers import available_cpus, can_fork

#: Environment variable: how many processes lay parts out (default: the usable cores, at
#: most the number of parts; 1 lays them out one after another in this process).
WORKERS_ENV = "RSPCHECK_PDF_WORKERS"

_CAPTURE: contextvars.ContextVar[list[_Deferred] | None] = contextvars.ContextVar(
    "rspcheck_deferred_margins", default=None
)


class _Deferred(NamedTuple):
    context: Any  # WeasyPrint's LayoutContext for the part
    page: Any  # the laid-out PageBox
    state: Any  # its page state (quote depth, counter values, ...)
    number: int  # the page's number within its part (1-based)


@functools.cache  # reads WeasyPrint's source once; the answer cannot change in a process
def supported() -> bool:
    """Whether this WeasyPrint lets margin boxes be deferred (see the module docstring)."""
    try:
        import inspect

        import weasyprint.layout as wl
    except ImportError:
        return False
    fn = getattr(wl, "make_margin_boxes", None)
    fn = getattr(fn, "__rspcheck_original__", fn)
    if not callable(fn) or not callable(getattr(wl, "layout_backgrounds", None)):
        return False
    try:
        params = list(inspect.signature(fn).parameters)
        source = inspect.getsource(wl.layout_document)
    except (TypeError, ValueError, OSError):
        return False
    return params == ["context", "page", "state"] and "make_margin_boxes(" in source


def workers_for(parts: int) -> int:
    """How many processes :func:`render` uses for ``parts`` parts: ``RSPCHECK_PDF_WORKERS``
    if set, else the cores this process may use; never more than ``parts``, and 1 where
    forking is unsafe (:func:`checker.files.workers.can_fork`; forking is what makes a worker
    cheap: no re-import, no pickling of the determination)."""
    if parts <= 1 or not can_fork():
        return 1
    env = os.environ.get(WORKERS_ENV)
    if env is not None:
        try:
            wanted = int(env)
        except ValueError:
            raise RspcheckError.one(
                "invalid-value",
                f"{WORKERS_ENV}={env!r} is not a whole number",
                hint=f"unset it, or set e.g. {WORKERS_ENV}=2 (1 renders in this process)",
            ) from None
    else:
        wanted = available_cpus()
    return max(1, min(parts, wanted))


def render(
    builds: Sequence[Callable[[], str]],
    layout: Callable[[str], Any],
    write: Callable[[Any, int], bytes],
    *,
    workers: int = 1,
) -> list[bytes]:
    """Lay out and write the parts of one document; return each part's PDF, in order.

    Args:
        builds: One function per part returning its HTML, called in the process that lays
            that part out (so charts are drawn in parallel too).
        layout: HTML → a WeasyPrint ``Document`` (``HTML(...).render()``).
        write: ``(document, part index)`` → PDF bytes (``document.write_pdf(...)``).
        workers: Processes to use (see :func:`workers_for`); parts are dealt to them in
            contiguous runs, the first run laid out in this process.
    """
    n = len(builds)
    if n == 0:
        raise ValueError("render needs at least one part")
    if n == 1:
        return [write(layout(builds[0]()), 0)]  # nothing to number across parts
    workers = max(1, min(workers, n))
    runs = _runs(n, workers)
    children = [_Child.start(run, builds, layout, write) for run in runs[1:]]
    ok = False
    try:
        own = _Group(runs[0], builds, layout)
        counts = [own.counts, *(child.recv("counts") for child in children)]
        flat = [c for group in counts for c in group]
        total = sum(flat)
        starts = [sum(flat[:k]) for k in range(n)]
        for child, run in zip(children, runs[1:], strict=True):
            child.send(("number", [starts[k] for k in run], total))
        own.number([starts[k] for k in runs[0]], total)
        pdfs = own.write(write)
        for child in children:
            pdfs.extend(child.recv("pdfs"))
        ok = True
        return pdfs
    finally:
        for child in children:
            child.close(abort=not ok)


def join(pdfs: Sequence[bytes]) -> bytes:
    """One PDF from parts written by :func:`render`: the first part's document (catalog,
    metadata, output intent, attachments, ``/ID``) with every later part's pages and outline
    appended. Deterministic: the same parts give the same bytes."""
    if len(pdfs) == 1:
        return pdfs[0]
    from pypdf import PdfReader, PdfWriter

    log = logging.getLogger("pypdf")
    level = log.level
    # WeasyPrint's trailer /Size undercounts objects in compressed object streams; pypdf
    # warns about it on every read, and it is harmless (pypdf rebuilds the count).
    log.setLevel(logging.ERROR)
    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdfs[0])))
        for data in pdfs[1:]:
            writer.append(PdfReader(io.BytesIO(data)))
        out = io.BytesIO()
        writer.write(out)
    finally:
        log.setLevel(level)
    return out.getvalue()


@contextlib.contextmanager
def deferred_margins() -> Iterator[list[_Deferred]]:
    """Within this block, WeasyPrint layouts in this context record their pages' margin boxes
    instead of making them; :func:`number_pages` makes them later."""
    _install()
    captured: list[_Deferred] = []
    token = _CAPTURE.set(captured)
    try:
        yield captured
    finally:
        _CAPTURE.reset(token)


def number_pages(captured: Sequence[_Deferred], before: int, total: int) -> None:
    """Make the margin boxes deferred by :func:`deferred_margins`, numbering the part's pages
    from ``before + 1`` in a document of ``total`` pages."""
    import weasyprint.layout as wl

    make = wl.make_margin_boxes.__rspcheck_original__
    for d in captured:
        state = copy.deepcopy(d.state)
        counters = state[1] if isinstance(state, list | tuple) and len(state) > 1 else None
        if not isinstance(counters, dict) or not isinstance(counters.get("page"), list):
            raise RspcheckError.one(
                "pdf-render-failed",
                "this WeasyPrint keeps page counters where rspcheck does not expect them, so a "
                "report laid out in parts cannot be numbered",
                hint="install the WeasyPrint version rspcheck's pyproject.toml allows, or report "
                "this with the output of `pip show weasyprint`",
            )
        counters["page"] = [v + before for v in counters["page"]]
        counters["pages"] = [total]
        d.context.current_page = d.number  # margin boxes look up string-set by it
        d.page.children = (*d.page.children, *make(d.context, d.page, state))
        wl.layout_backgrounds(d.page, d.context.get_image_from_uri)


# -- internals -----------------------------------------------------------------------------


def _install() -> None:
    import weasyprint.layout as wl

    current = wl.make_margin_boxes
    if hasattr(current, "__rspcheck_original__"):
        return

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        captured = _CAPTURE.get()
        if captured is None:  # someone else's render: untouched
            return current(context, page, state)
        captured.append(_Deferred(context, page, state, context.current_page))
        return ()

    make_margin_boxes.__rspcheck_original__ = current  # type: ignore[attr-defined]
    wl.make_margin_boxes = make_margin_boxes


def _runs(n: int, workers: int) -> list[list[int]]:
    """Parts 0..n-1 dealt to ``workers`` in contiguous runs as even as possible."""
    size, extra = divmod(n, workers)
    runs, k = [], 0
    for w in range(workers):
        m = size + (1 if w < extra else 0)
        runs.append(list(range(k, k + m)))
        k += m
    return runs


class _Group:
    """Some consecutive parts laid out in one process, waiting to be numbered and written."""

    def __init__(self, run: list[int], builds: Sequence[Callable[[], str]], layout: Any):
        self.run = run
        self.docs: list[Any] = []
        self.captured: list[list[_Deferred]] = []
        # every part's HTML (and charts) first: drawing next to a laid-out document would
        # make each garbage collection walk its ~10^5 live boxes
        htmls = [builds[k]() for k in run]
        for html in htmls:
            with deferred_margins() as captured:
                self.docs.append(layout(html))
            self.captured.append(captured)
        self.counts = [len(doc.pages) for doc in self.docs]

    def number(self, starts: list[int], total: int) -> None:
        for captured, before in zip(self.captured, starts, strict=True):
            number_pages(captured, before, total)

    def write(self, write: Callable[[Any, int], bytes]) -> list[bytes]:
        return [write(doc, k) for doc, k in zip(self.docs, self.run, strict=True)]


class _Child:
    """A forked process laying out a run of parts; talks to the parent over a pipe."""

    def __init__(self, process: Any, conn: Any):
        self.process = process
        self.conn = conn

    @classmethod
    def start(
        cls,
        run: list[int],
        builds: Sequence[Callable[[], str]],
        layout: Any,
        write: Any,
    ) -> _Child:
        ctx = multiprocessing.get_context("fork")
        parent_end, child_end = ctx.Pipe()
        proc = ctx.Process(
            target=_child_main, args=(child_end, run, builds, layout, write), daemon=True
        )
        proc.start()
        child_end.close()
        return cls(proc, parent_end)

    def send(self, message: Any) -> None:
        self.conn.send(message)

    def recv(self, expected: str) -> Any:
        try:
            kind, payload = self.conn.recv()
        except EOFError:
            self.process.join(5)
            raise RspcheckError.one(
                "pdf-render-failed",
                f"a PDF worker process died (exit code {self.process.exitcode})",
                hint=f"retry with {WORKERS_ENV}=1 to render in one process",
            ) from None
        if kind == "error":
            raise payload
        assert kind == expected, (kind, expected)
        return payload

    def close(self, *, abort: bool) -> None:
        """Wait for a finished child; kill one that is still working when the render failed."""
        if abort and self.process.is_alive():
            self.process.kill()
        self.conn.close()
        self.process.join()


def _child_main(conn: Any, run: list[int], builds: Any, layout: Any, write: Any) -> None:
    try:
        group = _Group(run, builds, layout)
        conn.send(("counts", group.counts))
        kind, starts, total = conn.recv()
        if kind != "number":
            return
        group.number(starts, total)
        conn.send(("pdfs", group.write(write)))
    except BaseException as exc:  # the parent re-raises it; nothing is printed here
        with contextlib.suppress(OSError, ValueError):  # the parent may be gone
            conn.send(("error", _picklable(exc)))
    finally:
        conn.close()


def _picklable(exc: BaseException) -> BaseException:
    """The worker's exception as the parent will raise it: rspcheck's own errors as they are
    (they pickle, codes and all), anything else as a RuntimeError carrying its traceback."""
    if isinstance(exc, RspcheckError):
        return exc
    return RuntimeError(
        f"in a PDF worker process: {type(exc).__name__}: {exc}\n"
        + "".join(traceback.format_exception(exc))
    )
