"""What a batch costs beyond laying out its articles, counted rather than timed (issue 19, case b):
the collector in processes of our own, and the EPUB cover drawn once per theme.
"""

from __future__ import annotations

import gc
import subprocess
import sys

from opedexport._processes import GC_THRESHOLDS


def test_a_pool_worker_collects_less_often_with_the_fork_servers_modules_frozen() -> None:
    # A fresh interpreter: the pool's fork server belongs to the process that starts it.
    probe = (
        "import gc\n"
        "from opedexport.batch import default_executor\n"
        "pool = default_executor(1)\n"
        "print(pool.submit(gc.get_threshold).result(), pool.submit(gc.get_freeze_count).result() > 0)\n"
        "pool.shutdown()\n"
        "print(gc.get_threshold())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    worker, caller = done.stdout.splitlines()
    assert worker == f"{GC_THRESHOLDS} True"
    # The process that made the pool is the caller's: its collector is left alone.
    assert caller == str(gc.get_threshold())


def test_the_program_collects_less_often_but_a_caller_of_main_does_not() -> None:
    probe = (
        "import contextlib, gc, io, sys\n"
        "from opedexport import cli\n"
        "before = gc.get_threshold()\n"
        "sys.argv = ['opedexport', 'formats']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['formats'])\n"
        "    untouched = gc.get_threshold() == before and gc.get_freeze_count() == 0\n"
        "    cli.run()\n"
        "print(untouched, gc.get_threshold(), gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == f"True {GC_THRESHOLDS} True"


def test_the_programs_exit_leaves_what_it_made_out_of_the_last_collections_but_still_shuts_down() -> None:
    # What main() made (here: a laid-out document's worth of small objects) is frozen when run()
    # returns, so shutdown's full collections do not trace it; atexit handlers and the flush of the
    # standard streams still happen.
    probe = (
        "import atexit, gc, sys\n"
        "from opedexport import cli\n"
        "kept = []\n"
        "def fake_main(argv=None):\n"
        "    kept.extend([i] for i in range(50_000))\n"
        "    fake_main.frozen_during = gc.get_freeze_count()\n"
        "    return 3\n"
        "cli.main = fake_main\n"
        "atexit.register(lambda: print('atexit ran', flush=True))\n"
        "status = cli.run()\n"
        "print(status, gc.get_freeze_count() - fake_main.frozen_during >= 50_000, end=' ')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout == "3 True atexit ran\n"
