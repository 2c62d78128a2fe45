"""Property: any mix of delimiter, encoding, date format, line ends and header spelling of a
valid table reads back the same rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibanalyse.cleaning import clean_file
from bibanalyse.cleaning.columns import Context
from bibanalyse.reading import read_raw
from bibanalyse.sources import SOURCES

CONTEXT = Context(
    {"heemstede": "Heemstede", "haarlem centrum": "Haarlem Centrum"},
    {"heemstede": "Heemstede", "haarlem": "Haarlem"},
    b"key",
)
HEADERS = ["Datum", "Vestiging", "Kanaal", "Bereik"]
DATE_FORMATS = {
    "dd-mm-jjjj": lambda d: d.strftime("%d-%m-%Y"),
    "d-m-jjjj": lambda d: f"{d.day}-{d.month}-{d.year}",
    "jjjj-mm-dd": lambda d: d.isoformat(),
}
SPELLINGS = [
    lambda h: h,
    str.upper,
    str.lower,
    lambda h: f"  {h} ",
    lambda h: h.replace("a", "á").replace("e", "é"),
]

rows = st.lists(
    st.tuples(
        st.dates(dt.date(2019, 1, 1), dt.date(2027, 12, 31)),
        st.sampled_from(["Heemstede", "Haarlem Centrum"]),
        st.sampled_from(["website", "Café-krant", "poster/flyer", "nieuwsbrief; wekelijks", "x,y"]),
        st.one_of(st.none(), st.integers(0, 10**6)),
    ),
    min_size=1,
    max_size=30,
)


@pytest.mark.slow  # many spellings of many exports: 8 s
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=rows,
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    date_format=st.sampled_from(sorted(DATE_FORMATS)),
    spellings=st.lists(st.sampled_from(range(len(SPELLINGS))), min_size=4, max_size=4),
    line_end=st.sampled_from(["\n", "\r\n"]),
    title_line=st.booleans(),
    trailing_columns=st.integers(0, 2),
)
def test_any_valid_spelling_reads_back_the_same_rows(
    tmp_path_factory,
    rows,
    delimiter,
    encoding,
    date_format,
    spellings,
    line_end,
    title_line,
    trailing_columns,
):
    buffer = io.StringIO()
    if title_line:
        buffer.write(f"Communicatielog Bibliotheek{line_end}{line_end}")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    header = [SPELLINGS[s](h) for s, h in zip(spellings, HEADERS, strict=True)]
    writer.writerow(header + [""] * trailing_columns)
    for date, branch, channel, reach in rows:
        fields = [DATE_FORMATS[date_format](date), branch, channel, "" if reach is None else reach]
        writer.writerow(fields + [""] * trailing_columns)
    path = tmp_path_factory.mktemp("prop") / "communicatie.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))

    source = SOURCES["communicatie"]
    cleaned = clean_file(read_raw(path, source), source, CONTEXT, path.name)

    assert cleaned.rejected.empty
    kept = cleaned.kept
    assert [d.date() for d in kept["datum"]] == [row[0] for row in rows]
    assert kept["vestiging"].tolist() == [row[1] for row in rows]
    assert kept["kanaal"].tolist() == [row[2] for row in rows]
    reach = kept["bereik"].astype(object).where(kept["bereik"].notna(), None)
    assert reach.tolist() == [row[3] for row in rows]
    first_data_line = 4 if title_line else 2
    assert list(kept["regel"]) == list(range(first_data_line, first_data_line + len(rows)))
