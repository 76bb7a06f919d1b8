"""Start ``opedexport serve`` as a real subprocess on a free loopback port, and always stop it.

The server prints ``{"event": "listening", "port": N}`` first on standard error; every later line
there is the JSON access log, kept in :attr:`Server.log`. Readiness is a bounded poll of /healthz.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "source" / "000_ed708197f1b9d573.txt"


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Server:
    """One running server: ``url``, ``log`` (parsed access-log lines), ``statuses`` seen while waiting."""

    def __init__(self, *args: str, ready: bool = True) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "opedexport", "serve", "--host", "127.0.0.1", "--port", "0", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self.lines: list[str] = []
        self.port: int | None = None
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.statuses: list[int] = []
        try:
            if not self._listening.wait(60) or self.port is None:
                raise RuntimeError("the server did not start: " + "".join(self.lines))
            self.url = f"http://127.0.0.1:{self.port}"
            if ready:
                self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            if self.port is None and line.startswith("{"):
                with contextlib.suppress(ValueError, KeyError):
                    self.port = int(json.loads(line)["port"])
                    self._listening.set()
        self._listening.set()

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                status = httpx.get(self.url + "/healthz", timeout=5).status_code
                self.statuses.append(status)
                if status == 200:
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("the server never became ready: " + "".join(self.lines))

    @property
    def log(self) -> list[dict[str, Any]]:
        out = []
        for line in self.lines:
            with contextlib.suppress(ValueError):
                item = json.loads(line)
                if "path" in item:
                    out.append(item)
        return out

    def workers(self) -> list[int]:
        return children(self.proc.pid)

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, then wait; SIGKILL (the process and its children) if it does not end in time."""
        if self.proc.poll() is None:
            kids = children(self.proc.pid)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                for pid in kids:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                self.proc.kill()
                self.proc.wait(10)
        self._reader.join(10)
        return self.proc.returncode


@contextlib.contextmanager
def serving(*args: str, ready: bool = True) -> Iterator[Server]:
    server = Server(*args, ready=ready)
    try:
        yield server
    finally:
        server.stop()


def upload(path: Path = SAMPLE, name: str | None = None, data: bytes | None = None) -> dict[str, Any]:
    """``files=`` for httpx: the multipart field ``file``."""
    return {"file": (name or path.name, data if data is not None else path.read_bytes(), "application/octet-stream")}
