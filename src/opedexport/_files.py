"""Writing output files: shared by the library's entry points and the exporters that write folders."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

from .errors import ExportError

__all__ = ["creation_mode", "write_atomic", "write_files"]


_UMASK_LOCK = threading.Lock()


def creation_mode() -> int:
    """The mode a new file gets here: 0666 less the process's umask (as ``open()`` and ``touch`` give).

    Read from ``/proc/self/status`` where Linux has it; elsewhere the umask is set and put back, under
    a lock (setting it is the only portable way to learn it).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    On any error the target keeps its old content (or stays absent) and no temporary file is left.
    A symbolic link at ``path`` is replaced, never written through.

    :raises ExportError: naming ``path`` when it cannot be written (no space left, a folder in the way …).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write the file: {exc.strerror or exc}", path=path) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, creation_mode())  # mkstemp's 0600 would hide it; 0644 would show it under umask 077
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write the file: {exc.strerror or exc}", path=path) from exc
        raise


def write_files(path: Path, files: dict[str, bytes]) -> list[Path]:
    """Write an export's files: the first to ``path``, the others at their relative POSIX paths in
    ``path``'s folder, each atomically (:func:`write_atomic`), the document last, so that it never
    refers to an asset not yet written.

    :returns: the paths written, the document first.
    :raises ExportError: naming ``path`` when a relative path is absolute or leaves the folder (an
        exporter's mistake: nothing is written), or when a file cannot be written.
    """
    if not files:
        raise ExportError("the exporter returned no file", path=path)
    document, *assets = files
    folder = path.parent
    targets: list[tuple[Path, bytes]] = []
    for name in assets:
        parts = name.split("/")
        if name.startswith("/") or (os.sep != "/" and "\\" in name) or any(p in ("", ".", "..") for p in parts):
            raise ExportError(f"the exporter named an asset outside the output folder: {name!r}", path=path)
        # a folder on the way that is a symbolic link would take the asset elsewhere: refuse it
        for depth in range(1, len(parts)):
            step = folder.joinpath(*parts[:depth])
            if step.is_symlink():
                raise ExportError(
                    f"{step.name} is a symbolic link: remove it, or write to another folder "
                    "(an asset is never written through a link)",
                    path=step,
                )
        targets.append((folder.joinpath(*parts), files[name]))
    for target, data in targets:
        write_atomic(target, data)
    write_atomic(path, files[document])
    return [path, *(target for target, _ in targets)]
