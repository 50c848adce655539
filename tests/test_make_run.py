"""The class bench and the purge test start the server `make run` starts: keep them the same."""

import re
from pathlib import Path

from bench.servers import MAKE_RUN_ARGUMENTS

MAKEFILE = (Path(__file__).resolve().parent.parent / "Makefile").read_text()


def _make_variable(name):
    return re.search(rf"^{name} \?= (\S+)$", MAKEFILE, re.MULTILINE).group(1)


def test_the_bench_serves_with_make_runs_gunicorn_arguments():
    run_recipe = MAKEFILE.split("\nrun: ", 1)[1].split("\n\n", 1)[0]
    arguments = dict(zip(MAKE_RUN_ARGUMENTS[::2], MAKE_RUN_ARGUMENTS[1::2], strict=True))

    assert f"-c {arguments['-c']}" in run_recipe
    assert "--workers $(WORKERS)" in run_recipe
    assert "--threads $(THREADS)" in run_recipe
    assert arguments["--workers"] == _make_variable("WORKERS")
    assert arguments["--threads"] == _make_variable("THREADS")
