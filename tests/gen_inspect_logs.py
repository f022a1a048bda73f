"""Write small, real Inspect AI logs for the ingest tests (run offline, seeded).

Usage (needs the ``dev`` extra, i.e. ``inspect-ai``)::

    python tests/gen_inspect_logs.py [--out tests/data/inspect]
    python tests/gen_inspect_logs.py --set budget     # tests/data/inspect-budget

A simulated model provider, registered with ``@modelapi(name="budgetsim")``, answers arithmetic
questions. Its accuracy and its token usage depend on the budget it is given: ``reasoning_effort``
sets how many reasoning tokens it spends (and so how often it is right), ``max_tokens`` truncates
it (a truncated answer is empty, hence wrong). Its prices are registered with ``set_model_info``
and a ``ModelCost``, so Inspect itself fills ``total_cost``. A second model,
``budgetsim/sim-grader``, is called by one scorer so that grader usage appears under its own key
in ``model_usage``.

The logs written (names are stable; Inspect's own names carry a timestamp and random ids):

* ``low_epochs3.eval``     reasoning_effort=low, 3 epochs, zstd .eval, two scorers
* ``high_limits.eval``     reasoning_effort=high with token_limit: many attempts hit the limit;
                           a model-graded scorer (grader usage under another model key)
* ``medium_maxtok.json``   reasoning_effort=medium, max_tokens cap, 2 epochs, JSON log format;
                           one question makes the provider fail (``fail_on_error=False``), so
                           its attempts carry an error and no score
* ``error_stopped.eval``   the provider raises on one question: the eval stops with status "error"
* ``crashed_started.eval`` the process dies mid-run (``os._exit``): only the journal remains,
                           status "started", no header.json or summaries.json

``--set budget`` writes tests/data/inspect-budget instead: one 40-question dataset, 2 epochs,
one scorer, at reasoning effort minimal, low, medium and high, and at medium effort with
``max_tokens=1500`` (attempts do not adapt: a longer answer is cut off and wrong) and with
``reasoning_tokens=1500`` (attempts adapt: the model reasons less and is as often right). The
curves and truncation tests and the README's worked example read them.

Randomness comes from a seeded hash of (question, config, call number), so reruns give the same
scores and usage (ids, uuids and timestamps differ).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SEED = 20261128
MODEL = "budgetsim/sim-reasoner-1"
GRADER = "budgetsim/sim-grader"
EFFORT_TOKENS = {"minimal": 40, "low": 300, "medium": 1500, "high": 6000}
EFFORT_SKILL = {"minimal": 0.3, "low": 0.6, "medium": 0.85, "high": 0.97}
FAMILIES = ("add", "mul", "mixed")


def _rng(*parts: object) -> random.Random:
    h = hashlib.sha256(repr((SEED, *parts)).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def _register() -> None:
    from inspect_ai.model import (
        ChatMessageAssistant,
        GenerateConfig,
        ModelAPI,
        ModelCost,
        ModelInfo,
        ModelOutput,
        ModelUsage,
        modelapi,
        set_model_info,
    )
    from inspect_ai.model._model_output import ChatCompletionChoice

    calls: dict[tuple[str, str], int] = {}
    crash_after = int(os.environ.get("BUDGETSIM_CRASH_AFTER", "0"))
    total_calls = [0]

    @modelapi(name="budgetsim")
    class BudgetSim(ModelAPI):  # registered as a side effect of the decorator
        def __init__(self, model_name: str, base_url=None, api_key=None, config=None, **model_args):
            super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())

        async def generate(self, input, tools, tool_choice, config):
            text = "\n".join(m.text for m in input)
            total_calls[0] += 1
            if crash_after and total_calls[0] > crash_after:
                os._exit(3)  # simulate a killed process: no log_finish, journal only
            if "BOOM" in text:
                raise RuntimeError("simulated provider failure on a poisoned question")
            n_in = max(8, len(text) // 4)
            if self.model_name == "sim-grader":
                verdict = "GRADE: C" if "CORRECT-LOOKING" in text else "GRADE: I"
                usage = ModelUsage(input_tokens=n_in, output_tokens=5, total_tokens=n_in + 5)
                return ModelOutput(
                    model=self.model_name,
                    choices=[
                        ChatCompletionChoice(
                            message=ChatMessageAssistant(content=verdict, model=self.model_name),
                            stop_reason="stop",
                        )
                    ],
                    usage=usage,
                    time=0.01,
                )
            effort = config.reasoning_effort or "minimal"
            key = (text, f"{effort}/{config.max_tokens}/{config.reasoning_tokens}")
            calls[key] = calls.get(key, 0) + 1
            rng = _rng(key, calls[key])
            want = int(EFFORT_TOKENS[effort] * rng.lognormvariate(0, 0.6))
            if config.reasoning_tokens:
                want = min(want, config.reasoning_tokens)
            m = re.search(r"What is (-?\d+) ([+*]) (-?\d+)", text)
            truth = 0
            if m:
                a, op, b = int(m[1]), m[2], int(m[3])
                truth = a + b if op == "+" else a * b
            right = rng.random() < EFFORT_SKILL[effort]
            answer = str(truth if right else truth + rng.choice([-10, -1, 1, 7]))
            out_tokens = want + 6
            stop = "stop"
            if config.max_tokens and out_tokens > config.max_tokens:
                out_tokens, answer, stop = config.max_tokens, "", "max_tokens"
            cache_read = (n_in // 2) if rng.random() < 0.5 else 0
            cache_write = 0 if cache_read else n_in // 4
            usage = ModelUsage(
                input_tokens=n_in - cache_read - cache_write,
                output_tokens=out_tokens,
                total_tokens=n_in + out_tokens,
                input_tokens_cache_read=cache_read,
                input_tokens_cache_write=cache_write,
                reasoning_tokens=min(want, out_tokens),
            )
            content = f"ANSWER: {answer}" if answer else ""
            return ModelOutput(
                model=self.model_name,
                choices=[
                    ChatCompletionChoice(
                        message=ChatMessageAssistant(content=content, model=self.model_name),
                        stop_reason=stop,
                    )
                ],
                usage=usage,
                time=round(0.002 + out_tokens / 2e5, 4),
            )

    set_model_info(
        MODEL,
        ModelInfo(
            organization="budgetsim",
            model="Sim Reasoner 1",
            context_length=200_000,
            output_tokens=64_000,
            reasoning=True,
            cost=ModelCost(input=1.0, output=4.0, input_cache_write=1.25, input_cache_read=0.1),
        ),
    )
    set_model_info(
        GRADER,
        ModelInfo(
            organization="budgetsim",
            model="Sim Grader",
            cost=ModelCost(input=0.2, output=0.8, input_cache_write=0.25, input_cache_read=0.02),
        ),
    )


def _task(
    n: int,
    *,
    with_grader: bool = False,
    poison: int | None = None,
    name: str = "arith",
    exact_only: bool = False,
):
    from inspect_ai import Task
    from inspect_ai.dataset import Sample
    from inspect_ai.model import get_model
    from inspect_ai.scorer import CORRECT, INCORRECT, Score, Target, accuracy, mean, scorer
    from inspect_ai.solver import TaskState, generate

    rng = _rng("dataset", name, n)
    samples = []
    for i in range(n):
        fam = FAMILIES[i % 3]
        a, b = rng.randint(10, 999), rng.randint(2, 99)
        op = "+" if fam == "add" else "*" if fam == "mul" else rng.choice("+*")
        truth = a + b if op == "+" else a * b
        q = f"What is {a} {op} {b}? Reply as 'ANSWER: <number>'."
        if poison is not None and i == poison:
            q += " BOOM"
        samples.append(
            Sample(
                id=f"{name}-{i:03d}",
                input=q,
                target=str(truth),
                metadata={"family": fam, "human_minutes": round(0.2 + 0.1 * len(str(truth)), 2)},
            )
        )

    def _answer(state: TaskState) -> str:
        m = re.search(r"ANSWER:\s*(-?\d+)", state.output.completion or "")
        return m[1] if m else ""

    @scorer(metrics=[accuracy()])
    def exact():
        async def score(state: TaskState, target: Target) -> Score:
            ans = _answer(state)
            return Score(value=CORRECT if ans == target.text else INCORRECT, answer=ans)

        return score

    @scorer(metrics=[mean()])
    def closeness():
        async def score(state: TaskState, target: Target) -> Score:
            ans = _answer(state)
            if not ans:
                return Score(value=0.0, answer=ans)
            err = abs(int(ans) - int(target.text))
            return Score(value=round(1.0 / (1.0 + err), 4), answer=ans)

        return score

    @scorer(metrics=[mean()])
    def abs_error():  # unbounded: for the score-out-of-range test
        async def score(state: TaskState, target: Target) -> Score:
            ans = _answer(state)
            return Score(value=float(abs(int(ans) - int(target.text))) if ans else 1000.0)

        return score

    @scorer(metrics=[accuracy()])
    def graded():
        async def score(state: TaskState, target: Target) -> Score:
            ans = _answer(state)
            tag = "CORRECT-LOOKING" if ans == target.text else "WRONG-LOOKING"
            out = await get_model(GRADER).generate(f"Grade this: {ans} vs {target.text} {tag}")
            return Score(value="C" if "GRADE: C" in out.completion else "I", answer=ans)

        return score

    scorers = [exact(), closeness(), abs_error()] + ([graded()] if with_grader else [])
    if exact_only:
        scorers = [exact()]
    return Task(dataset=samples, solver=[generate()], scorer=scorers, name=name, version=2)


def _run(kind: str, work: Path) -> Path:
    from inspect_ai import eval as inspect_eval

    _register()
    common = dict(
        model=MODEL,
        log_dir=str(work),
        display="none",
        max_samples=1,
        max_tasks=1,
        log_level="error",
        score_display=False,
    )
    if kind == "low_epochs3":
        logs = inspect_eval(
            _task(12), epochs=3, reasoning_effort="low", log_format="eval", time_limit=600, **common
        )
    elif kind == "high_limits":
        logs = inspect_eval(
            _task(10, with_grader=True),
            epochs=2,
            reasoning_effort="high",
            token_limit=6000,
            working_limit=300,
            log_format="eval",
            metadata={"budget_label": "high"},
            **common,
        )
    elif kind == "medium_maxtok":
        logs = inspect_eval(
            _task(8, poison=5),
            epochs=2,
            reasoning_effort="medium",
            max_tokens=2000,
            log_format="json",
            message_limit=10,
            fail_on_error=False,
            **common,
        )
    elif kind == "error_stopped":
        logs = inspect_eval(
            _task(10, poison=6),
            reasoning_effort="minimal",
            log_format="eval",
            fail_on_error=True,
            **common,
        )
    elif kind == "crashed_started":
        os.environ["BUDGETSIM_CRASH_AFTER"] = "7"
        _register()  # re-register with the crash armed
        logs = inspect_eval(
            _task(10), reasoning_effort="minimal", log_format="eval", log_buffer=3, **common
        )
    elif kind.startswith("budget_"):
        # One dataset at several budgets for the curves and truncation tests: reasoning
        # effort, an output cap the attempts do not adapt to (max_tokens: an answer cut off
        # is empty, hence wrong) and a reasoning budget they do adapt to (reasoning_tokens:
        # the model thinks less, and is as often right).
        caps = {"max_tokens": None, "reasoning_tokens": None}
        _, effort, *cap = kind.split("_", 2)
        if cap:
            name, _, value = cap[0].rpartition("_")
            caps[name] = int(value)
        logs = inspect_eval(
            _task(BUDGET_TASKS, name="arith", exact_only=True),
            epochs=2,
            reasoning_effort=effort,
            log_format="eval",
            **{k: v for k, v in caps.items() if v is not None},
            **common,
        )
    else:
        raise SystemExit(f"unknown kind {kind}")
    return Path(logs[0].location)


KINDS = ("low_epochs3", "high_limits", "medium_maxtok", "error_stopped", "crashed_started")
BUDGET_TASKS = 40
#: ``--set budget``: the logs of tests/data/inspect-budget (curves, truncation, the README).
BUDGET_KINDS = (
    "budget_minimal",
    "budget_low",
    "budget_medium",
    "budget_high",
    "budget_medium_max_tokens_1500",
    "budget_medium_reasoning_tokens_1500",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="folder (default tests/data/inspect or inspect-budget)")
    ap.add_argument(
        "--set",
        choices=("ingest", "budget"),
        default="ingest",
        help="ingest: the logs of the ingest tests; budget: one dataset at several budgets",
    )
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one kind in this process
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _run(args.one, Path(args.work))
        return
    folder = "inspect" if args.set == "ingest" else "inspect-budget"
    out = Path(args.out or Path(__file__).parent / "data" / folder)
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "INSPECT_DISPLAY": "none", "INSPECT_LOG_LEVEL": "error"}
    for kind in KINDS if args.set == "ingest" else BUDGET_KINDS:
        with tempfile.TemporaryDirectory() as work:
            # each run in its own process: the crash run kills its process on purpose
            subprocess.run(
                [sys.executable, __file__, "--one", kind, "--work", work],
                env=env,
                check=kind != "crashed_started",
            )
            made = sorted(Path(work).glob("*.eval")) + sorted(Path(work).glob("*.json"))
            made = [p for p in made if not p.name.startswith("logs")]
            if len(made) != 1:
                raise SystemExit(f"{kind}: expected one log, found {made}")
            ext = made[0].suffix
            shutil.copyfile(made[0], out / f"{kind}{ext}")
            print(f"{kind}{ext}: {made[0].stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
