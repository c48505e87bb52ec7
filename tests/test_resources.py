"""slm_analytics.resources in a source checkout: the repository's top-level datasets/ and notebooks/.

The installed layout (the same files inside the package) is tested on a built wheel in test_package.py.
"""

from pathlib import Path

from slm_analytics.data import data_root, dataset_path
from slm_analytics.resources import datasets_dir, notebook_path

ROOT = Path(__file__).resolve().parent.parent


def test_source_checkout_uses_the_repository_folders():
    assert datasets_dir() == ROOT / "datasets"
    review = ROOT / "notebooks" / "reports" / "service-review.ipynb"
    assert notebook_path("reports/service-review.ipynb") == review
    assert notebook_path("02-slo-risk-forecast.ipynb") == ROOT / "notebooks" / "02-slo-risk-forecast.ipynb"


def test_bundled_files_exist():
    assert (datasets_dir() / "catalog.yaml").is_file()
    assert notebook_path("reports/service-review.ipynb").is_file()
    assert notebook_path("02-slo-risk-forecast.ipynb").is_file()


def test_data_root_defaults_to_the_bundled_datasets(monkeypatch, tmp_path):
    monkeypatch.delenv("SLM_DATASETS", raising=False)
    assert data_root() == datasets_dir()
    assert data_root("") == datasets_dir()
    assert dataset_path("catalog") == datasets_dir() / "catalog.yaml"
    # $SLM_DATASETS and data_dir still come first
    monkeypatch.setenv("SLM_DATASETS", str(tmp_path))
    assert data_root() == tmp_path
    assert data_root(ROOT) == ROOT
