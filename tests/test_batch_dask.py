"""export_many on a Dask LocalCluster gives the same bytes as the local process pool."""

from __future__ import annotations

from pathlib import Path

import pytest

import opedexport

distributed = pytest.importorskip("distributed")

SOURCE = Path(__file__).resolve().parents[1] / "source"


def test_dask_cluster_gives_the_same_bytes_as_the_local_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # inherited by the cluster's worker processes
    formats = ["pdf", "epub", "docx"]
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = opedexport.export_many([SOURCE], formats, tmp_path / "dask", executor=client.get_executor())
    local = opedexport.export_many([SOURCE], formats, tmp_path / "local")
    assert on_dask.failed == local.failed == 0
    names = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert len(names) == 3 * len(local.results) >= 6
    for name in names:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
