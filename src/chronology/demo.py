"""``chronology demo`` / ``make demo``: run the worked examples and write their reports.

Steps, each printed as it runs: load each sample case (Cassie, Carlos, Camille), tag its themes, write
``reports/<case>.html`` (self-contained, offline) and ``reports/<case>.xlsx``; then, in a source checkout,
execute every notebook in ``notebooks/`` (jupytext ``.py`` files) and save the executed copies to
``reports/notebooks/`` so they can be opened with their outputs without committing any.
"""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["find_notebooks", "run_demo", "run_notebook"]


def _step(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def find_notebooks() -> list[Path]:
    """The jupytext notebooks of a source checkout (``notebooks/NN_*.py``), in order; [] when installed."""
    root = Path(__file__).resolve().parents[2] / "notebooks"
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("[0-9][0-9]_*.py"))


def run_notebook(path: Path, out_dir: Path, *, timeout: int = 600) -> Path:
    """Execute a jupytext notebook in its own folder and save the executed ``.ipynb`` in ``out_dir``.

    Raises :class:`~chronology.errors.ChronologyError` naming the notebook and the failing cell.
    """
    from .errors import ChronologyError, MissingDependencyError

    try:
        import jupytext
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "running the notebooks needs jupytext and nbclient",
            hint="pip install 'chronology[notebook]'",
        ) from exc
    nb = jupytext.read(path)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    import subprocess

    try:
        # the kernel (on loopback only) warns on stderr about plain TCP; cell errors still arrive
        # through the client and are raised below
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        first = str(exc).strip().splitlines()
        raise ChronologyError(
            "a notebook cell failed",
            file=path.name,
            value=first[-1] if first else None,
            hint="open it with `make lab` and run it cell by cell",
        ) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / (path.stem + ".ipynb")
    import nbformat

    nbformat.write(nb, out)
    return out


def run_demo(out_dir: Path = Path("reports"), *, notebooks: bool = True) -> int:
    """Write the three sample cases' reports and execute the notebooks. Returns an exit status."""
    from . import samples

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    t0 = time.perf_counter()
    names = samples.names()
    for i, name in enumerate(names, start=1):
        _step(f"[{i}/{len(names)}] {name}: reading the agency files")
        c = samples.load(name).tag()
        _step(f"[{i}/{len(names)}] {name}: {c!r}")
        for rec in c.provenance.to_dict("records"):
            where = rec["source"] + (f" [{rec['source_sheet']}]" if rec["source_sheet"] else "")
            print(
                f"      {where}: {rec['rows_read']} rows = {rec['events']} events + "
                f"{rec['rejects']} rejects + {rec['blank_rows'] + rec['repeated_headers']} blank/header"
            )
        written.append(c.to_html(out_dir / f"{name}.html"))
        written.append(c.to_excel(out_dir / f"{name}.xlsx"))
        _step(f"[{i}/{len(names)}] {name}: reports written")
    if notebooks:
        nbs = find_notebooks()
        if not nbs:
            _step("no notebooks/ folder here (installed package): skipping the notebooks")
        for j, nb in enumerate(nbs, start=1):
            _step(f"notebook [{j}/{len(nbs)}] {nb.name}: executing")
            written.append(run_notebook(nb, out_dir / "notebooks"))
    _step(f"done in {time.perf_counter() - t0:.0f} s. Open these (no network needed):")
    for p in written:
        print(f"    {p.resolve()}")
    return 0
