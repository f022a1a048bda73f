"""The worked example, end to end: what ``rspcheck demo`` runs, usable without the CLI.

::

    from checker.demo import run_demo

    result = run_demo("rspcheck-demo")          # evaluate, sign, verify
    result.determination.gate.result            # 'block': the story, not a failure
    result.verification.ok                      # True

The steps: load ``policies/rspcheck-reference.yaml`` and ``examples/evidence.yaml``; evaluate
the ``candidate`` model with a matched-budget comparison against ``previous``; write
``determination.json``; make a development CA and signing key in ``DIR/keys/`` unless a key
is given (or reuse the ones a previous demo left there); render and sign
``determination.pdf``; verify it against the trust root and check that the JSON inside is
``determination.json`` byte for byte, and that the recorded input digests are those of the
policy and evidence files.

Attestations, waivers and prices are judged as of :data:`AS_OF`, the example's review date,
so the story (and the JSON, for a given seed and replicate count) is the same whenever the
demo runs. The signature is made now, with a fresh key: the signed PDF bytes differ per run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.budget import format_budget
from checker.errors import RspcheckError
from checker.files.outputs import check_outputs, output_folder, write_output
from checker.files.shipped import shipped_dir

if TYPE_CHECKING:
    from checker.determination import Determination
    from checker.sign.verify import InputCheck, VerificationReport

AS_OF = dt.date(2026, 12, 1)
"""The example's review date: attestations and waivers are judged on it."""
MODEL = "candidate"
"""The model under review."""
COMPARE_WITH = "previous"
"""The model it is compared with at matched budgets."""
POLICY = shipped_dir("policies") / "rspcheck-reference.yaml"
"""The reference policy the example is checked against."""
EVIDENCE = shipped_dir("examples") / "evidence.yaml"
"""The example's evidence manifest (its attempts files sit beside it)."""

Step = Callable[[str], AbstractContextManager[Any]]
"""``step(description)`` returns a context manager around one step (progress display)."""


@dataclass(frozen=True)
class DemoResult:
    """What :func:`run_demo` made and found."""

    determination: Determination
    out: Path
    determination_json: Path
    determination_pdf: Path
    trust_root: Path
    """The certificate to give ``rspcheck verify --trust``."""
    dev_key: bool
    """Signed with a development key (verify needs ``--allow-dev-key``)."""
    keys_created: bool
    """A development CA and key were made by this run (not reused or given)."""
    policy: Path
    evidence: Path
    verification: VerificationReport
    """The signed PDF verified, with the policy and evidence files as its inputs."""
    json_matches: bool
    """The PDF's attached determination.json equals the file written, byte for byte."""
    input_checks: list[InputCheck]
    """The policy and evidence files against the digests the determination recorded."""
    replicates: int
    seed: int
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds per step."""

    @property
    def ok(self) -> bool:
        """The demo worked: the PDF and its inputs verify, and it carries the JSON written."""
        return self.verification.ok and self.json_matches

    def verify_command(self) -> str:
        """The ``rspcheck verify`` command line that re-checks the PDF and its inputs."""
        parts = [
            "rspcheck verify",
            _quote(self.determination_pdf),
            "--trust",
            _quote(self.trust_root),
        ]
        if self.dev_key:
            parts.append("--allow-dev-key")
        parts += ["--policy", _quote(self.policy), "--evidence", _quote(self.evidence)]
        return " ".join(parts)


def _quote(p: Path) -> str:
    import shlex

    return shlex.quote(str(p))


def example_files() -> tuple[Path, Path]:
    """The reference policy and the example's evidence manifest (shipped with rspcheck: see
    :mod:`checker.files.shipped`)."""
    missing = [p for p in (POLICY, EVIDENCE) if not p.is_file()]
    if missing:
        raise RspcheckError.one(
            "file-not-found",
            "the worked example's files are not where the demo looks for them: "
            + ", ".join(str(p) for p in missing),
            hint="reinstall rspcheck: a wheel carries them in checker/_shipped/, a checkout "
            "(pip install -e .) in policies/ and examples/ beside checker/",
        )
    return POLICY, EVIDENCE


@contextlib.contextmanager
def _no_progress(_description: str) -> Iterator[None]:
    yield


def run_demo(
    out: str | Path = "rspcheck-demo",
    *,
    replicates: int | None = None,
    seed: int | None = None,
    key: str | Path | None = None,
    cert: str | Path | None = None,
    trust: str | Path | None = None,
    passphrase: Any = None,
    step: Step | None = None,
) -> DemoResult:
    """Run the worked example into ``out`` and verify what it wrote.

    Args:
        replicates: Bootstrap replicates (default: the policy's, 1000).
        seed: Bootstrap seed (default: ``evaluate``'s).
        key: A signing key (PEM); with ``cert`` and ``trust``. Without them a development
            CA and key are made in ``out/keys/`` (or reused from an earlier demo there).
        passphrase: Unlocks ``key`` (a :class:`~checker.sign.keys.Secret`, str or bytes).
        step: Progress hook; each step runs inside ``step(description)``.

    Raises:
        RspcheckError: unreadable inputs, a key that does not load, a missing renderer, an
            ``out`` that cannot be written (its parent folder missing, not a folder, a
            file in it that is an input: see :mod:`checker.files.outputs`).
    """
    from checker.engine.evaluate import DEFAULT_SEED, evaluate
    from checker.evidence.load import load_evidence
    from checker.policy.load import load_policy

    step = step or _no_progress
    seed = DEFAULT_SEED if seed is None else seed
    if (key is None) != (cert is None) or (key is not None and trust is None):
        raise RspcheckError.one(
            "missing-key",
            "give --key, --cert and --trust together (or none, for a development key)",
            hint="--trust is the root certificate the signer's certificate chains to",
        )
    seconds: dict[str, float] = {}

    policy_path, evidence_path = example_files()
    # the outputs before the work: a wrong --out fails at once, not after the bootstrap
    out = output_folder(out)
    json_path = out / "determination.json"
    pdf_path = out / "determination.pdf"
    outputs = {"determination.json": json_path, "determination.pdf": pdf_path}
    inputs = [policy_path, evidence_path, *(Path(p) for p in (key, cert, trust) if p is not None)]
    check_outputs(outputs, inputs=inputs)
    t0 = time.perf_counter()
    with step("Loading the reference policy and the example's evidence"):
        loaded = load_policy(policy_path, today=AS_OF)
        evidence = load_evidence(evidence_path)
    inputs += [Path(name) for name, _ in evidence.files]  # the attempts files it names
    check_outputs(outputs, inputs=inputs)
    seconds["load"] = time.perf_counter() - t0

    reps = replicates if replicates is not None else loaded.policy.decision.bootstrap_replicates
    t0 = time.perf_counter()
    with step(f"Evaluating {MODEL!r} against the policy ({reps} bootstrap replicates)"):
        det = evaluate(
            loaded,
            evidence,
            model=MODEL,
            seed=seed,
            as_of=AS_OF,
            replicates=replicates,
            compare_with=COMPARE_WITH,
        )
    seconds["evaluate"] = time.perf_counter() - t0

    write_output(json_path, det.to_json(), inputs=inputs)

    t0 = time.perf_counter()
    created = False
    if key is None:
        with step(f"Preparing a development CA and signing key in {out / 'keys'}"):
            signer, root, created = _dev_signer(out / "keys")
        dev = True
    else:
        from checker.sign.keys import is_dev_certificate, load_signer

        signer = load_signer(key, cert, passphrase=passphrase)  # type: ignore[arg-type]
        root = Path(trust)  # type: ignore[arg-type]
        dev = is_dev_certificate(signer.signing_cert)
    seconds["keys"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with step("Rendering the report and signing determination.pdf"):
        render = _renderer()
        pdf = render(det, signer, reason="rspcheck demo", location="rspcheck demo")
        write_output(pdf_path, pdf, inputs=inputs)
    seconds["pdf"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with step("Verifying the signed PDF"):
        from checker.sign.keys import load_certificates
        from checker.sign.verify import verify_pdf

        report = verify_pdf(
            pdf_path.read_bytes(),
            load_certificates(root),
            inputs=[policy_path, evidence_path],
            allow_dev_key=dev,
            name=str(pdf_path),
        )
        inside = report.determination
        json_matches = inside is not None and inside == json_path.read_bytes()
    seconds["verify"] = time.perf_counter() - t0

    return DemoResult(
        determination=det,
        out=out,
        determination_json=json_path,
        determination_pdf=pdf_path,
        trust_root=root,
        dev_key=dev,
        keys_created=created,
        policy=policy_path,
        evidence=evidence_path,
        verification=report,
        json_matches=json_matches,
        input_checks=list(report.inputs),
        replicates=reps,
        seed=seed,
        seconds=seconds,
    )


def _dev_signer(keys: Path) -> tuple[Any, Path, bool]:
    """A signer from the development key in ``keys`` (made there unless a usable one is)."""
    from checker.sign.keys import DEV_CERT_FILE, DEV_KEY_FILE, DEV_ROOT_FILE, load_signer

    root, key, cert = keys / DEV_ROOT_FILE, keys / DEV_KEY_FILE, keys / DEV_CERT_FILE
    if root.is_file() and key.is_file() and cert.is_file():
        try:
            signer = load_signer(key, cert, passphrase=None)
        except RspcheckError:
            pass  # encrypted, damaged or mismatched: make a fresh one below
        else:
            now = dt.datetime.now(dt.UTC)
            c = signer.signing_cert
            if c is not None and c.not_valid_before <= now <= c.not_valid_after - dt.timedelta(
                days=1
            ):
                return signer, root, False
    from checker.sign.keys import make_dev_ca

    paths = make_dev_ca(keys, force=True)
    return load_signer(paths.signer_key, paths.signer_cert, passphrase=None), paths.root_cert, True


def _renderer() -> Callable[..., bytes]:
    """``signed_determination_pdf`` (the report renderer, then signing), imported only when
    needed."""
    try:
        import checker.report.render  # noqa: F401  (imported by signing when it renders)
        from checker.sign.signing import signed_determination_pdf
    except ImportError as exc:
        raise RspcheckError.one(
            "dependency-missing",
            f"the PDF renderer (checker.report.render) cannot be imported: {exc}",
            hint="the determination JSON was written; reinstall rspcheck with its "
            "dependencies (jinja2, weasyprint, matplotlib) to render the PDF",
        ) from None
    return signed_determination_pdf


def story(det: Determination) -> list[str]:
    """What to look at in the determination, in the order the example tells its story.

    Computed from the determination, so it stays true if the example or the policy changes.
    """
    out: list[str] = []
    for c in det.comparisons:
        if not c.difference:
            continue
        i = max(range(len(c.difference)), key=lambda j: c.difference[j])
        (ba, sa), (bb, sb) = c.own_max_a, c.own_max_b
        out.append(
            f"{c.eval}: at their own largest budgets {c.a} scores {sa:.2f} "
            f"({format_budget(ba, c.axis)} per task) and {c.b} {sb:.2f} "
            f"({format_budget(bb, c.axis)}): close. At a matched "
            f"{format_budget(c.budgets[i], c.axis)} per task {c.b} is ahead by "
            f"{c.difference[i]:+.2f} (interval {c.lower[i]:+.2f} to {c.upper[i]:+.2f})."
        )
        break  # the first eval (cyber) tells it; the rest are in the JSON and the PDF
    for t in det.thresholds:
        cb = t.crossing_budget
        if t.state == "crossed" and t.basis == "repeated_sampling":
            where = f" from about {format_budget(cb.estimate, t.axis)}" if cb.estimate else ""
            out.append(
                f"{t.id}: crossed only because repeated sampling is credited (a captured flag "
                f"proves itself, so best-of-k counts){where} per task; single attempts alone "
                "do not show it."
            )
        elif t.state == "crossed" and t.basis == "extrapolated" and _models_attempts(t):
            at = _first_crossed_budget(t)
            where = f" from about {format_budget(at, t.axis)} per task" if at else ""
            k_max = max((p.k for p in t.points), default=1)
            out.append(
                f"{t.id}: crossed by extrapolated repeated sampling{where}: no evaluated "
                f"configuration (best-of-{k_max} at most) reaches T, but pass@k modelled beyond "
                "the attempts drawn (Beta-binomial fits, within the policy's attempts cap) "
                "has its lower bound at T there."
            )
        elif t.state == "crossed":
            out.append(f"{t.id}: crossed ({t.basis.replace('_', ' ')}).")
    for t in det.thresholds:
        cov = t.coverage
        codes = {r.code for r in t.reasons}
        if t.state == "indeterminate" and "repeated-sampling-uncovered" in codes:
            out.append(_sampling_uncovered(t, det.settings.indeterminate_as))
        elif t.state == "indeterminate" and cov.uncovered > 0:
            # modelled repeated sampling can be "extrapolated" below the largest evaluated spend
            reach = max(v for v in (cov.extrapolation_max, cov.evidence_max, 0.0) if v is not None)
            out.append(
                f"{t.id}: indeterminate. The policy assesses it up to "
                f"{format_budget(cov.range_max, t.axis)} per task; evidence and the allowed "
                f"extrapolation reach {format_budget(reach, t.axis)}, so "
                f"{cov.uncovered:.0%} of the range (log scale) is uncovered."
            )
        if t.state == "indeterminate" and t.would_decide:
            out.append(f"{t.id}: what would decide it: {t.would_decide}.")
    for t in det.thresholds:
        if t.state == "not_crossed":
            head = ""
            if t.headroom_oom is not None:
                top = format_budget(t.coverage.range_max * 10**t.headroom_oom, t.axis)
                head = (
                    f"; headroom at least {t.headroom_oom:.2f} OOM beyond the range (to {top} "
                    "per task, where the evidence stops bounding what more spend reaches)"
                    if t.headroom_is_lower_bound
                    else f"; headroom {t.headroom_oom:.2f} OOM beyond the range (the upper "
                    f"bound meets T at {top} per task)"
                )
            out.append(
                f"{t.id}: not crossed, with {1 - t.coverage.uncovered:.0%} of its range "
                f"covered{head}."
            )
    g = det.gate
    missing = sorted({u.safeguard for u in g.unmet if u.safeguard})
    if g.result == "block":
        out.append(
            "gate: BLOCK. "
            + (
                f"Unmet safeguard(s): {', '.join(missing)}."
                if missing
                else "; ".join(u.reason for u in g.unmet)
            )
            + (f" Attested: {', '.join(g.satisfied)}." if g.satisfied else "")
        )
    else:
        out.append(f"gate: {g.result}.")
    return out


def _sampling_uncovered(t: Any, counted_as: str) -> str:
    """The story line of a threshold that sampling beyond the evidence leaves open: the
    evidence does not show a crossing, and past the cheapest run's (modelled) attempts
    nothing bounds what an actor reaches by sampling, so it cannot be ruled out either."""
    c, cov = t.curve, t.coverage
    rows = list(zip(c.budgets, c.lower, c.upper, c.threshold, strict=True))
    bounded = [b for b, _, up, _ in rows if up is not None]
    in_range = [
        (lo - tb, b, lo, tb)
        for b, lo, _, tb in rows
        if cov.range_min <= b <= cov.range_max and lo is not None
    ]
    closest = max(in_range, default=None)
    shown = (
        f"its lower bound stays below T (at best {closest[2]:.2f} against "
        f"{closest[3]:.2f} at {format_budget(closest[1], t.axis)} per task)"
        if closest is not None
        else "no evaluated configuration shows a crossing"
    )
    reach = cov.sampling_reach or (max(bounded) if bounded else None)
    beyond = (
        f"beyond about {format_budget(reach, t.axis)} per task"
        if reach
        else "anywhere in its range"
    )
    return (
        f"{t.id}: indeterminate (the gate counts it as {counted_as.replace('_', ' ')}). "
        f"Not shown crossed: {shown}. "
        f"Not ruled out: with repeated sampling credited, {beyond} an actor could sample the "
        "cheapest configuration more often than its attempts, or the Beta-binomial model "
        f"within the policy's attempts cap, cover ({cov.uncovered:.0%} of the range "
        "uncovered)."
    )


def _models_attempts(t: Any) -> bool:
    """The threshold's bounds used pass@k beyond the attempts drawn (F4/F5 fits kept)."""
    return any(f.kept and f.family in ("F4", "F5") for f in t.families)


def _first_crossed_budget(t: Any) -> float | None:
    """The smallest budget in the assessed range where the lower bound meets T (the budget
    the decision rests on; the crossing-budget estimate may lie below the range)."""
    c, cov = t.curve, t.coverage
    for b, lo, tb in zip(c.budgets, c.lower, c.threshold, strict=True):
        if cov.range_min <= b <= cov.range_max and lo is not None and lo >= tb:
            return b
    return None
