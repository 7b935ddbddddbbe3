"""The real datasets the project ships in data/, each loaded by one of the importers.

A dataset is a list of files and the importer (settings.CHANCERY_IMPORTERS) that reads them;
its SOURCE.md in data/ says where the files come from, their licence and the line to cite.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from trade.series import citation

HSG_CITATION = "Source: U.S. Department of State, Office of the Historian"
HSG_LICENCE = "Public domain in the US, CC0 elsewhere"


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    importer: str  # a key of settings.CHANCERY_IMPORTERS
    folder: str  # under settings.DATA_DIR; holds the SOURCE.md
    patterns: tuple[str, ...]  # globs under DATA_DIR, read in this order
    citation: str
    licence: str

    def files(self, data_dir: Path | None = None) -> list[Path]:
        data_dir = data_dir or settings.DATA_DIR
        found: list[Path] = []
        for pattern in self.patterns:
            matches = sorted(data_dir.glob(pattern), key=_natural)
            if not matches:
                raise FileNotFoundError(f"{self.name}: no file matches {data_dir / pattern}")
            found.extend(matches)
        return found

    @property
    def source_file(self) -> Path:
        return settings.DATA_DIR / self.folder / "SOURCE.md"


def _natural(path: Path) -> tuple:
    """DOTS_9 before DOTS_10: numbers in names compared as numbers."""
    stem = path.stem
    digits = "".join(ch for ch in stem if ch.isdigit())
    return (stem.rstrip("0123456789"), int(digits) if digits else -1, path.name)


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="hsg-travels",
        title="Office of the Historian: presidents' travels abroad",
        importer="hsg-travels",
        folder="hsg",
        # presidents.xml first: it dates the presidents' terms the trips are checked against.
        patterns=("hsg/presidents.xml", "hsg/president-travels/*.xml"),
        citation=HSG_CITATION,
        licence=HSG_LICENCE,
    ),
    Dataset(
        name="hsg-visits",
        title="Office of the Historian: visits by foreign leaders to the United States",
        importer="hsg-visits",
        folder="hsg",
        patterns=("hsg/visits/*.xml",),
        citation=HSG_CITATION,
        licence=HSG_LICENCE,
    ),
    Dataset(
        name="comtrade",
        title="UN Comtrade: goods exports by partner, 2021",
        importer="trade",
        folder="comtrade",
        patterns=("comtrade/comtrade_all_exports_2021A.csv",),
        citation=citation("comtrade"),
        licence="Figures: UN Comtrade (cite); files: MIT (github.com/pcd15/Econ-Sanctions)",
    ),
    Dataset(
        name="imf-dots",
        title="IMF Direction of Trade Statistics: 7 reporters' exports and imports by partner, 1960-2020, "
        "and every reporter's 2021 exports",
        importer="trade",
        folder="imf-dots",
        patterns=("imf-dots/DOTS_*.xlsx", "comtrade/imf_total_exports_2021A.csv"),
        citation=citation("imf-dots"),
        licence="IMF terms: copy and redistribute with attribution, no endorsement implied",
    ),
)

BY_NAME = {dataset.name: dataset for dataset in DATASETS}
