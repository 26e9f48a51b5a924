"""Benchmark: ``me demo`` (illustrative demo data, all files for 2020-2025).

Run: ``.venv/bin/python benchmarks/bench_demo.py [repeats]``. Goal: under 5 s for a full
``me demo`` on this machine. Prints the import time, the wall time of each generation step
(best of ``repeats``), the time of ``generate`` (render + write + swap into a temporary
folder) and the process peak RSS (ru_maxrss, includes the interpreter and libraries).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

t0 = time.perf_counter()
from me_utils.demo import generate as demo  # noqa: E402
from me_utils.demo import submissions as S  # noqa: E402

T_IMPORT = time.perf_counter() - t0


def best(fn, repeats: int) -> tuple[float, object]:
    """Best wall time of ``repeats`` calls and the last result."""
    times, res = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t)
    return min(times), res


def main(repeats: int = 3) -> None:
    seed = demo.DEFAULT_SEED
    print(f"import me_utils.demo.generate          {T_IMPORT:6.2f} s")
    t, specs = best(demo.load_specs, repeats)
    print(f"load catalogue                {t:6.2f} s")
    t, tables = best(lambda: demo.build_tables(seed), repeats)
    print(f"generate tables               {t:6.2f} s  ({len(tables['register'])} register rows)")
    t, rows = best(lambda: S.indicator_rows(seed, specs, tables), repeats)
    print(f"submission figures            {t:6.2f} s  ({len(rows)} rows)")
    t, files = best(lambda: demo.render(seed), repeats)
    print(
        f"render all files (in memory)  {t:6.2f} s  ({len(files)} files, {sum(map(len, files.values())) / 1e6:.1f} MB)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        t, _ = best(lambda: demo.generate(Path(tmp) / "demo", seed), repeats)
    print(f"me demo (generate, write)     {t:6.2f} s   goal < 5 s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS                      {peak:6.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
