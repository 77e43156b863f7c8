"""papier data inspect: how papier reads a data file, before an author writes the block."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from papier.data.layout import ReadOptions
from papier.data.source import read_table
from papier.data.symbols import EXPLAINED
from papier.data.tables import TableMaker

KINDS = {"csv": "CSV", "xlsx": "Excel workbook", "ods": "LibreOffice Calc workbook"}
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}
SHOWN_ROWS = 5


def _lines(numbers: list[int], word: str) -> str:
    if not numbers:
        return ""
    span = f"{numbers[0]}" if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
    return f"{word} {span}" if len(numbers) == 1 else f"{word}s {span}"


def _src(path: Path) -> str:
    """The path a block writes: data/x.csv inside a paper, else the path as given."""
    parts = path.parts
    if "data" in parts:
        return "/".join(parts[parts.index("data"):])
    return path.as_posix()


def inspect(path: Path, sheet: str = "", lang: str = "de-DE") -> str:
    """The report: format, where title, header, table and footer are, the columns with their
    types and units, the special values, the first rows as a table shows them, and a block
    to start from. DataError for a file papier cannot read (its message has the fix)."""
    shown = path.as_posix()
    data = read_table(path, shown, ReadOptions(sheet=sheet))
    word = "line" if data.kind == "csv" else "row"
    out = [shown]
    if data.kind == "csv":
        delimiter = {"\t": "tab"}.get(data.delimiter, data.delimiter)
        out.append(f"  read as:  CSV, {ENCODINGS.get(data.encoding, data.encoding)}, delimiter "
                   f"'{delimiter}', decimal separator '{data.decimal}'")
    else:
        others = ", ".join(f"'{s}'" for s in data.sheets)
        out.append(f"  read as:  {KINDS[data.kind]}, sheet '{data.sheet}' (sheets: {others}), "
                   f"cells {data.layout.area}; numbers are the saved values, formats from the cells")
        if data.macros:
            out.append("  macros:   present; papier reads the values only and never runs them")
    layout = data.layout
    if layout.title_lines:
        out.append(f"  title:    {_lines(layout.title_lines, word)}: „{data.title}“ (caption=\"auto\")")
    header = _lines(layout.header_lines, word)
    if layout.unit_line is not None:
        header += f" (names, then units in {word} {layout.unit_line})"
    out.append(f"  header:   {header}")
    out.append(f"  table:    {_lines([data.lines[0], data.lines[-1]] if data.rows else [], word)}, "
               f"{len(data.rows)} row(s)")
    if layout.footer_lines:
        note = f" -> source note „{data.source}“" if data.source else ""
        out.append(f"  footer:   {_lines(layout.footer_lines, word)}{note}")
    out.append("  columns:")
    counts: Counter[str] = Counter()
    width = max(len(n) for n in data.header)
    for i, name in enumerate(data.header):
        numeric = data.is_numeric(name) and not data.is_years(name)
        if not numeric:
            kind = "years" if data.is_years(name) else "text"
            out.append(f"    {name.ljust(width)}  {kind}")
            continue
        marks = Counter(m for m in data.marks(name) if m)
        counts.update(marks)
        fmt = data.formats[i]
        parts = ["number"]
        if data.units[i]:
            parts.append(f"unit {data.units[i]}")
        if fmt is not None and fmt.kind:
            parts.append({"%": "percent", "€": "euro"}[fmt.kind])
        parts.append(f"{data.decimals(name)} decimal(s)")
        if marks:
            parts.append("special values " + ", ".join(f"{m}: {n}" for m, n in sorted(marks.items())))
        out.append(f"    {name.ljust(width)}  {', '.join(parts)}")
    if counts:
        listed = "; ".join(f"{s}: {counts[s]} ({EXPLAINED[s][0]})" for s in EXPLAINED if s in counts)
        out.append(f"  special values: {listed}; kept in tables, left out of sums and charts")
    maker = TableMaker(data, {}, lang, (shown, 0), _src(path))
    columns = maker.columns()
    rows = [[text for text, _ in row.cells] for row in maker.rows(columns)[:SHOWN_ROWS]]
    out.append(f"  first rows as a table shows them ({min(SHOWN_ROWS, len(data.rows))} of "
               f"{len(data.rows)}):")
    out.append("    | " + " | ".join(c.heading[-1] for c in columns) + " |")
    out += ["    | " + " | ".join(row) + " |" for row in rows]
    options = f' sheet="{data.sheet}"' if data.kind != "csv" and data.sheet != data.sheets[0] else ""
    caption = ' caption="auto"' if data.title else ' caption="…"'
    out.append(f"  block:    ::: {{.table src=\"{_src(path)}\"{options}{caption}}}")
    return "\n".join(out)
