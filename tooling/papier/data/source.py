"""One entry for every kind of data file: CSV, Excel and LibreOffice Calc workbooks."""

from __future__ import annotations

from pathlib import Path

from papier.data.csvfile import csv_grid
from papier.data.datatable import DataTable
from papier.data.layout import PLAIN, ReadOptions, table_from_grid

SUFFIXES = (".xlsx", ".xlsm", ".ods")  # workbooks
DATA_SUFFIXES = (".csv", ".txt", ".tsv", *SUFFIXES)


def is_workbook(path: Path | str) -> bool:
    return str(path).lower().endswith(SUFFIXES)


def read_table(path: Path, shown: str, options: ReadOptions = PLAIN) -> DataTable:
    """The table in *path* (a CSV file or a workbook's sheet); DataError naming the file
    and line, or the sheet and cell, for what the author must fix."""
    if is_workbook(path):
        from papier.data.workbook import workbook_grid  # noqa: PLC0415 - lxml, openpyxl: only for workbooks

        grid = workbook_grid(path, shown, options)
    else:
        grid = csv_grid(path, shown)
    return table_from_grid(grid, path, shown, options)
