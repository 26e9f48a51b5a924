"""Benchmark: `me report` against a naive sequential papermill loop, in one run.

    .venv/bin/python benchmarks/bench_reports.py [--data-root data/demo] [--units all|SL,MC,...]
                                                 [--jobs N] [--skip-cold] [--bracket]

Measures, on the same notebooks × units (province + every district for district-scope
notebooks):

1. start-up cost of one notebook run (median of 3): an empty notebook through the papermill
   API (kernel start/stop), and a notebook that only imports ``me_utils.reports.notebook`` and
   ``statsmodels.api`` (the libraries every report loads); plus the warm-kernel reset;
2. naive loop: one process, ``papermill.execute_notebook`` with defaults then nbconvert
   HTML export (exclude_input), sequentially;
3. ``me report --jobs N --no-warm`` (parallel, fresh kernel per run) unless ``--skip-cold``;
4. ``me report --jobs N --warm`` (parallel, warm kernels); with ``--bracket`` also once before
   the naive loop, and the ratio against the mean of the two warm runs is printed too (the
   machine's speed drifts over the minutes between the phases; a CPU probe before and after
   each phase shows by how much).

Wall times, ratios and peak memory (sum of the RSS of the process tree, sampled every
0.2 s) are printed and written to ``benchmarks/out/bench_reports.json``. The executed
notebooks of the naive loop (fresh kernels) are compared with those of the warm run to
show the outputs are identical. Outputs go to ``benchmarks/out/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

OUT = ROOT / "benchmarks" / "out"


# --------------------------------------------------------------------------- memory sampling


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _rss_tree(pid: int) -> int:
    """Sum of resident memory (bytes) of ``pid`` and all its descendants."""
    kids = _children_map()
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            pass
    return total


class PeakMemory:
    """Samples the RSS of a process tree in a thread; ``peak`` in bytes."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_tree(self.pid))
            self._stop.wait(self.every)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


# --------------------------------------------------------------------------- measurements


def cpu_probe() -> float:
    """Seconds of a fixed pure-Python loop (best of 3): the machine's speed at that moment.
    On this shared 2-core machine it drifts by up to 2× within minutes, and the two phases run
    minutes apart; the probe before and after each phase shows how much of a ratio is drift."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        sum(i * i for i in range(2_000_000))
        best = min(best, time.perf_counter() - t)
    return round(best, 3)


def startup_costs(workdir: Path) -> dict:
    import nbformat
    import papermill
    from nbformat.v4 import new_code_cell, new_notebook

    from me_utils.runner import WarmKernel

    def nb_with(code: str, name: str) -> Path:
        nb = new_notebook(cells=[new_code_cell(code)] if code else [])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        p = workdir / name
        nbformat.write(nb, p)
        return p

    empty = nb_with("", "empty.ipynb")
    imports = nb_with("import me_utils.reports.notebook\nimport statsmodels.api", "imports.ipynb")
    res = {}
    for label, path in (("empty_notebook_s", empty), ("imports_notebook_s", imports)):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            papermill.execute_notebook(
                str(path),
                str(workdir / "o.ipynb"),
                kernel_name="python3",
                progress_bar=False,
                shutdown_kernel="immediate",
            )
            times.append(time.perf_counter() - t)
        res[label] = round(statistics.median(times), 3)
    res["library_import_s"] = round(res["imports_notebook_s"] - res["empty_notebook_s"], 3)
    k = WarmKernel(str(workdir))
    try:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            k.reset()
            times.append(time.perf_counter() - t)
        res["warm_reset_s"] = round(statistics.median(times), 3)
    finally:
        k.close()
    return res


def naive_loop(jobs, out: Path) -> dict:
    """The baseline: what one would write first — sequential papermill, then nbconvert."""
    import papermill
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True)
    failed = []
    for j in jobs:
        nb_out = out / "nb" / j.lang / j.unit / f"{j.stem}.ipynb"
        nb_out.parent.mkdir(parents=True, exist_ok=True)
        try:
            nb = papermill.execute_notebook(
                j.notebook, str(nb_out), parameters=j.params, kernel_name="python3", progress_bar=False, cwd=j.cwd
            )
        except Exception as exc:  # same behaviour as the runner: record and go on
            failed.append(f"{j.unit}/{j.stem}: {type(exc).__name__}")
            continue
        html, _ = exporter.from_notebook_node(nb)
        p = out / "html" / j.lang / j.unit / f"{j.stem}.html"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(html, encoding="utf-8")
    return {"failed": failed}


def run_pipeline(
    args_extra: list[str], reports: Path, data_root: Path, units: str, jobs: int, sdc_cache: Path | None = None
) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "me_utils.cli",
        "report",
        "--data-root",
        str(data_root),
        "--reports",
        str(reports),
        "--units",
        units,
        "--jobs",
        str(jobs),
        "--no-progress",
        *args_extra,
    ]
    env = dict(os.environ)
    if sdc_cache is not None:
        env["ME_SDC_CACHE"] = str(sdc_cache)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with PeakMemory(proc.pid) as mem:
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    return {
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(mem.peak / 2**20, 1),
        "exit": proc.returncode,
        "summary": stdout.strip().splitlines()[-1:],
        "stderr_tail": stderr.strip().splitlines()[-5:],
    }


def compare(nb_root_a: Path, nb_root_b: Path, jobs) -> dict:
    """Executed notebooks under two roots (``<root>/<lang>/<unit>/<stem>.ipynb``) compared
    with :func:`me_utils.runner.comparable_outputs`."""
    import nbformat

    from me_utils.runner import comparable_outputs

    same, differ, missing = 0, [], 0
    for j in jobs:
        a = nb_root_a / j.lang / j.unit / f"{j.stem}.ipynb"
        b = nb_root_b / j.lang / j.unit / f"{j.stem}.ipynb"
        if not (a.exists() and b.exists()):
            missing += 1
            continue
        if comparable_outputs(nbformat.read(a, as_version=4)) == comparable_outputs(nbformat.read(b, as_version=4)):
            same += 1
        else:
            differ.append(f"{j.unit}/{j.stem}")
    return {"identical": same, "different": differ, "not_compared": missing}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-root", default=str(ROOT / "data" / "demo"))
    ap.add_argument("--units", default="all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-cold", action="store_true", help="skip `me report --no-warm`")
    ap.add_argument(
        "--bracket",
        action="store_true",
        help="also run `me report --warm` before the naive loop; the ratio against the mean of the "
        "two warm runs cancels a steady drift of the machine's speed",
    )
    args = ap.parse_args(argv)

    from me_utils import runner
    from me_utils.core import paths
    from me_utils.render import export
    from me_utils.reports import notebook

    data_root = Path(args.data_root).resolve()
    manifest = notebook.read_manifest(data_root)
    if not manifest:
        print(f"no processed data in {data_root}: run `make build` first", file=sys.stderr)
        return 2
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    units = None if args.units == "all" else args.units.split(",")
    nbs = runner.discover(paths.project_root() / "notebooks")
    jobs = runner.plan_jobs(
        nbs,
        units=units,
        topics=None,
        period=(2021, 2025),
        lang="vi",
        data_root=data_root,
        reports_dir=OUT / "naive_unused",
        extra={},
        timeout=600,
        pdf=False,
        manifest=manifest,
        git=export.git_revision(ROOT),
        max_bytes=export.MAX_REPORT_BYTES,
    )
    # Side files of the naive loop go to its own folder.
    for j in jobs:
        if "output_dir" in j.params:
            j.params["output_dir"] = str(OUT / "naive" / "side" / j.unit)
            Path(j.params["output_dir"]).mkdir(parents=True, exist_ok=True)
    result = {
        "runs": len(jobs),
        "notebooks": sorted({j.stem for j in jobs}),
        "jobs": args.jobs,
        "cpus": os.cpu_count(),
        "load_avg_at_start": os.getloadavg(),
    }
    sys.stdout.reconfigure(line_buffering=True)
    print(f"{len(jobs)} runs over {len(result['notebooks'])} notebooks; {args.jobs} workers; load {os.getloadavg()}")

    work = OUT / "startup"
    work.mkdir()
    result["startup"] = startup_costs(work)
    print("start-up:", result["startup"])

    # Each phase starts with its own empty cache of GBV suppression patterns: otherwise the
    # phase that runs second would reuse what the first computed.
    result["cpu_probe_s"] = {}
    if args.bracket:
        result["cpu_probe_s"]["before_warm_first"] = cpu_probe()
        result["parallel_warm_first"] = run_pipeline(
            ["--warm"], OUT / "reports_warm_first", data_root, args.units, args.jobs, OUT / "sdc_warm_first"
        )
        print("me report --warm (before the naive loop):", result["parallel_warm_first"])
    os.environ["ME_SDC_CACHE"] = str(OUT / "sdc_naive")
    result["cpu_probe_s"]["before_naive"] = cpu_probe()
    t = time.perf_counter()
    with PeakMemory(os.getpid()) as mem:
        naive = naive_loop(jobs, OUT / "naive")
    result["naive"] = {
        "wall_s": round(time.perf_counter() - t, 2),
        "peak_rss_mb": round(mem.peak / 2**20, 1),
        "failed": naive["failed"],
    }
    print("naive sequential papermill loop:", result["naive"])
    result["cpu_probe_s"]["after_naive"] = cpu_probe()

    if not args.skip_cold:
        result["parallel_fresh"] = run_pipeline(
            ["--no-warm"], OUT / "reports_fresh", data_root, args.units, args.jobs, OUT / "sdc_fresh"
        )
        print("me report --no-warm:", result["parallel_fresh"])
    result["parallel_warm"] = run_pipeline(
        ["--warm"], OUT / "reports_warm", data_root, args.units, args.jobs, OUT / "sdc_warm"
    )
    print("me report --warm:", result["parallel_warm"])
    result["cpu_probe_s"]["after_warm"] = cpu_probe()
    print("CPU probe (s, lower is faster):", result["cpu_probe_s"])

    base = result["naive"]["wall_s"]
    result["ratio_warm"] = round(base / result["parallel_warm"]["wall_s"], 2)
    if "parallel_fresh" in result:
        result["ratio_fresh"] = round(base / result["parallel_fresh"]["wall_s"], 2)
    if "parallel_warm_first" in result:
        mean = (result["parallel_warm_first"]["wall_s"] + result["parallel_warm"]["wall_s"]) / 2
        result["ratio_warm_first"] = round(base / result["parallel_warm_first"]["wall_s"], 2)
        result["ratio_warm_bracketed"] = round(base / mean, 2)
    # Fresh-kernel runs against warm-kernel runs. The naive loop ran minutes earlier: if the
    # package changed meanwhile (shared working tree) that comparison also shows code changes.
    result["identity_naive_vs_warm"] = compare(OUT / "naive" / "nb", OUT / "reports_warm" / "_restricted", jobs)
    if "parallel_fresh" in result:
        result["identity_fresh_vs_warm"] = compare(
            OUT / "reports_fresh" / "_restricted", OUT / "reports_warm" / "_restricted", jobs
        )
    result["load_avg_at_end"] = os.getloadavg()
    (OUT / "bench_reports.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps({k: result[k] for k in result if k.startswith(("ratio", "identity"))}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
