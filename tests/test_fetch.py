"""The fetcher: the one door for outside resources, closed by default."""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import DATA
from loopback import Listener, listening
from opedexport.errors import ResourceRefusedWarning
from opedexport.fetch import Fetcher, Refused

PNG = (DATA / "images" / "chart.png").read_bytes()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "article"
    (folder / "images").mkdir(parents=True)
    shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
    (folder / "note.txt").write_text("inside", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    return folder


def refused(fetcher: Fetcher, url: str) -> str:
    """Fetch ``url`` expecting a refusal; return its message (the warning is checked too)."""
    with pytest.warns(ResourceRefusedWarning) as caught, pytest.raises(Refused) as info:
        fetcher.fetch(url)
    ours = [w for w in caught if issubclass(w.category, ResourceRefusedWarning)]
    assert len(ours) == 1 and str(info.value) in str(ours[0].message), [str(w.message) for w in caught]
    assert fetcher.refused and str(info.value) in fetcher.refused[-1]
    return str(info.value)


# --------------------------------------------------------------------------- files


def test_reads_files_under_its_roots(root: Path) -> None:
    fetcher = Fetcher([root])
    data, mime = fetcher.fetch(fetcher.to_url("images/chart.png", root))
    assert data == PNG and mime == "image/png"
    assert fetcher.fetch((root / "note.txt").as_uri()) == (b"inside", "text/plain")
    assert fetcher.refused == []


def test_roots_may_include_none(root: Path) -> None:
    assert Fetcher([None, root]).roots == (root.resolve(),)


@pytest.mark.parametrize(
    "ref",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "../secret.txt",
        "images/../../secret.txt",
        "../" * 40 + "etc/passwd",
        "%2e%2e/secret.txt",
    ],
)
def test_refuses_files_outside_its_roots(root: Path, ref: str) -> None:
    fetcher = Fetcher([root])
    message = refused(fetcher, fetcher.to_url(ref, root))
    assert "outside" in message


def test_refuses_a_symlink_that_leads_out(root: Path) -> None:
    link = root / "images" / "innocent.png"
    try:
        os.symlink(root.parent / "secret.txt", link)
    except OSError:  # pragma: no cover - no symlinks on this file system
        pytest.skip("symlinks are not available")
    fetcher = Fetcher([root])
    assert "outside" in refused(fetcher, link.as_uri())


def test_a_refusal_does_not_tell_whether_an_outside_file_exists(root: Path) -> None:
    fetcher = Fetcher([root])
    there = refused(fetcher, (root.parent / "secret.txt").as_uri())
    not_there = refused(fetcher, (root.parent / "no-such-file.txt").as_uri())
    assert there == not_there


def test_refuses_missing_files_and_folders_inside(root: Path) -> None:
    fetcher = Fetcher([root])
    assert "no such file" in refused(fetcher, (root / "nope.png").as_uri())
    assert "not a file" in refused(fetcher, (root / "images").as_uri())


def test_refuses_what_is_too_large(root: Path) -> None:
    fetcher = Fetcher([root], max_bytes=10)
    assert "limit" in refused(fetcher, (root / "images" / "chart.png").as_uri())


def test_refuses_a_file_that_claims_to_be_an_image_but_is_not(root: Path) -> None:
    (root / "fake.png").write_bytes(b"not a PNG at all")
    fetcher = Fetcher([root])
    assert "image" in refused(fetcher, (root / "fake.png").as_uri())


# --------------------------------------------------------------------------- schemes


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x.png",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/x",
        "jar:file:///etc/passwd!/x",
    ],
)
def test_refuses_other_schemes(root: Path, url: str) -> None:
    assert "scheme" in refused(Fetcher([root]), url)


def test_relative_reference_without_a_base_stays_relative_and_is_refused(root: Path) -> None:
    fetcher = Fetcher([root])
    assert fetcher.to_url("images/chart.png", None) == "images/chart.png"
    with pytest.warns(ResourceRefusedWarning, match="scheme"):
        assert fetcher.fetch_or_none("images/chart.png") is None


def test_data_urls_are_read(root: Path) -> None:
    fetcher = Fetcher([root])
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert fetcher.fetch(url) == (PNG, "image/png")
    assert fetcher.fetch("data:text/plain,hello%20world") == (b"hello world", "text/plain")
    assert "limit" in refused(Fetcher([root], max_bytes=4), "data:text/plain,hello%20world")


def test_to_url_leaves_urls_alone_and_resolves_paths(root: Path) -> None:
    fetcher = Fetcher([root])
    assert fetcher.to_url("https://example.org/a.png", root) == "https://example.org/a.png"
    assert fetcher.to_url("images/chart.png", root) == (root / "images" / "chart.png").resolve().as_uri()
    assert fetcher.to_url(str(root / "note.txt"), None) == (root / "note.txt").resolve().as_uri()


def test_fetch_or_none_warns_and_returns_none(root: Path) -> None:
    fetcher = Fetcher([root])
    with pytest.warns(ResourceRefusedWarning, match="outside"):
        assert fetcher.fetch_or_none("file:///etc/passwd") is None


# --------------------------------------------------------------------------- the network


@pytest.fixture
def server() -> Iterator[Listener]:
    with listening() as listener:
        yield listener


def test_network_is_off_by_default(server: Listener) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/chart.png"
    assert "network access is off" in refused(Fetcher([]), url)
    assert "network access is off" in refused(Fetcher([], allow_hosts=["example.org"]), url)
    assert server.connections == 0


def test_an_allowed_host_is_fetched(server: Listener) -> None:
    fetcher = Fetcher([], allow_hosts=["127.0.0.1"])
    assert fetcher.fetch(f"http://127.0.0.1:{server.server_address[1]}/chart.png") == (PNG, "image/png")
    assert server.connections == 1


def test_redirects_and_errors_are_refused(server: Listener) -> None:
    fetcher = Fetcher([], allow_hosts=["127.0.0.1"])
    port = server.server_address[1]
    refused(fetcher, f"http://127.0.0.1:{port}/moved")
    refused(fetcher, f"http://127.0.0.1:{port}/missing.png")
    assert server.connections == 2  # the redirect was not followed


def test_allowed_host_is_still_bound_by_the_size_limit(server: Listener) -> None:
    fetcher = Fetcher([], allow_hosts=["127.0.0.1"], max_bytes=100)
    assert "limit" in refused(fetcher, f"http://127.0.0.1:{server.server_address[1]}/chart.png")


# --------------------------------------------------------------------------- what a stylesheet may ask for


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///etc/../etc/passwd",
        "file:///proc/self/environ",
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "https://[::1]/x.css",
    ],
)
def test_urls_a_theme_stylesheet_might_name_are_refused(url: str) -> None:
    # What a user theme's print.css.j2 could put in url(): the PDF exporter asks this same fetcher.
    from opedexport.theme import Theme, themes_dir

    theme = Theme.load("default")
    fetcher = Fetcher([*theme.template_dirs, themes_dir()])
    refused(fetcher, url)


def test_image_over_the_pixel_limit_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("L", (300, 200)).save(tmp_path / "wide.png")
    fetcher = Fetcher([tmp_path], max_pixels=50_000)
    with pytest.warns(ResourceRefusedWarning, match=r"300×200 pixels is over the limit of 50000"):
        assert fetcher.fetch_or_none((tmp_path / "wide.png").as_uri()) is None
    assert Fetcher([tmp_path]).fetch((tmp_path / "wide.png").as_uri())[1] == "image/png"
