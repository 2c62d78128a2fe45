"""Whether two ingests of the same raw data made the same processed data.

``python benchmarks/compare_processed.py BEFORE AFTER`` compares two ``processed/`` folders:
the same files; every Parquet table with the same schema (names, types, pandas metadata)
and the same rows in the same order; ``ingest_report.csv`` and every ``rejected/*.csv``
byte for byte. It prints each difference and exits 1 when there is one, 0 when the folders
hold the same data. How the Parquet files are cut into row groups and pages may differ.

``content_digests`` gives a short fingerprint of each file's content in the same sense
(``tests/test_ingest_reference.py`` keeps those of a small demo as known answers).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def processed_files(folder: Path) -> list[str]:
    """The data files of a processed folder, relative to it (logs and hidden files left out)."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(".") and path.suffix in {".parquet", ".csv"}
    )


def differences(before: Path, after: Path) -> list[str]:
    """What differs between two processed folders; empty when they hold the same data."""
    names_before, names_after = processed_files(before), processed_files(after)
    found = [f"only in {before}: {name}" for name in names_before if name not in names_after]
    found += [f"only in {after}: {name}" for name in names_after if name not in names_before]
    for name in sorted(set(names_before) & set(names_after)):
        if name.endswith(".parquet"):
            found += [f"{name}: {d}" for d in _table_differences(before / name, after / name)]
        elif (before / name).read_bytes() != (after / name).read_bytes():
            found.append(f"{name}: the files differ")
    return found


def _table_differences(before: Path, after: Path) -> list[str]:
    old, new = pq.read_table(before), pq.read_table(after)
    if old.schema != new.schema:
        return [f"schema {old.schema} against {new.schema}"]
    if old.schema.metadata != new.schema.metadata:
        return ["the pandas metadata differs"]
    if old.num_rows != new.num_rows:
        return [f"{old.num_rows} rows against {new.num_rows}"]
    return [
        f"column {name!r} differs from row {_first_difference(old[name], new[name])}"
        for name in old.column_names
        if not old[name].equals(new[name])
    ]


def _first_difference(old: pa.ChunkedArray, new: pa.ChunkedArray) -> int:
    same = pc.equal(old, new).combine_chunks()
    both_missing = pc.and_(old.is_null(), new.is_null()).combine_chunks()
    unequal = pc.invert(pc.or_kleene(same, both_missing).fill_null(False))
    return int(pc.index(unequal, True).as_py())


def content_digests(folder: Path) -> dict[str, str]:
    """A fingerprint per data file: of a table its schema, its pandas metadata (without the
    libraries' versions) and its rows as text (so not of how the file is cut into row
    groups); of a CSV its bytes. Meant for small folders."""
    digests = {}
    for name in processed_files(folder):
        path = folder / name
        if name.endswith(".parquet"):
            table = pq.read_table(path)
            text = str(table.schema.remove_metadata()) + _pandas_metadata(table.schema)
            content = text.encode() + table.to_pandas().to_csv(index=False).encode()
        else:
            content = path.read_bytes()
        digests[name] = hashlib.sha256(content).hexdigest()[:16]
    return digests


def _pandas_metadata(schema: pa.Schema) -> str:
    """The pandas metadata of ``schema`` without the versions of the libraries that wrote it."""
    metadata = json.loads((schema.metadata or {}).get(b"pandas", b"{}"))
    for versions in ("creator", "pandas_version"):
        metadata.pop(versions, None)
    return json.dumps(metadata, sort_keys=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    before, after = map(Path, argv)
    found = differences(before, after)
    for line in found:
        print(line)
    count = len(processed_files(before))
    print(f"{count} files compared: " + (f"{len(found)} differences" if found else "the same"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
