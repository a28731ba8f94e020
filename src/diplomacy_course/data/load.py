"""Read the course's tables from ``datasets/`` with the right types.

>>> from diplomacy_course.data import load_table
>>> posts = load_table("posts")          # posted_at is a UTC datetime, impressions Int64

Every file also opens with plain ``pandas.read_csv(path)``; this function only
saves you the type conversions. ``posts_raw`` is deliberately left raw: its
timestamps stay strings, because parsing them is part of the cleaning lesson.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# pandas' ISO-8601 fast path: ~15x quicker than an explicit strftime pattern
UTC_FORMAT = "ISO8601"  # files hold 2020-02-02T03:15:00Z
DATE_FORMAT = "ISO8601"  # files hold 2020-02-02


@dataclass(frozen=True)
class TableSpec:
    file: str
    dtypes: dict[str, str] = field(default_factory=dict)
    dates: tuple[str, ...] = ()  # YYYY-MM-DD, naive
    timestamps: tuple[str, ...] = ()  # UTC ISO-8601, tz-aware
    key: str | None = None


_COUNTS = {
    "likes": "int64",
    "shares": "int64",
    "comments": "int64",
    "followers": "int64",
    "impressions": "Int64",
    "reach": "Int64",
    "video_views": "Int64",
}

TABLES: dict[str, TableSpec] = {
    "accounts": TableSpec("accounts.csv", dates=("opened_on",), key="account_id"),
    "posts": TableSpec("posts.csv.gz", dtypes=_COUNTS, timestamps=("posted_at",), key="post_id"),
    "posts_raw": TableSpec("posts_raw.csv.gz", dtypes=_COUNTS),
    "audience": TableSpec("audience.csv", dtypes={"followers": "int64"}, dates=("month",)),
    "comments": TableSpec(
        "comments.csv.gz",
        dtypes={"is_question": "bool", "replied": "bool"},
        timestamps=("commented_at", "replied_at"),
        key="comment_id",
    ),
    "meetings": TableSpec("meetings.csv", dtypes={"duration_minutes": "int64"}, dates=("date",), key="meeting_id"),
    "website": TableSpec("website.csv", dtypes={"sessions": "int64"}, dates=("month",)),
    "events": TableSpec(
        "events.csv", dtypes={"intensity": "float64"}, dates=("start_date", "end_date"), key="event_id"
    ),
    "countries": TableSpec("countries.csv", key="country_code"),
}


def resolve_dir(root: Path | str | None = None) -> Path:
    """The folder holding the files: ``root`` itself, its ``datasets/`` subfolder, or the repo's."""
    if root is None:
        from diplomacy_course.core.locations import datasets_dir

        return datasets_dir()
    root = Path(root)
    if not (root / TABLES["accounts"].file).exists() and (root / "datasets").is_dir():
        return root / "datasets"
    return root


def load_table(name: str, root: Path | str | None = None) -> pd.DataFrame:
    """Load one table by name (see ``TABLES``) from ``root`` (default: the repository's datasets/)."""
    if name not in TABLES:
        raise KeyError(f"Unknown table {name!r}; known tables: {', '.join(TABLES)}")
    spec = TABLES[name]
    # keep_default_na=False + na_values=[""]: only empty cells are missing ("NA" could be a code)
    df = pd.read_csv(resolve_dir(root) / spec.file, dtype=spec.dtypes, keep_default_na=False, na_values=[""])
    for column in spec.dates:
        df[column] = pd.to_datetime(df[column], format=DATE_FORMAT)
    for column in spec.timestamps:
        df[column] = pd.to_datetime(df[column], format=UTC_FORMAT, utc=True)
    return df
