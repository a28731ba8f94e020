"""What a valid copy of the course's tables looks like, and a check an instructor can run.

>>> from diplomacy_course.data.schema import validate_dir, check_dir
>>> validate_dir("datasets")      # [] when everything is fine, else one line per problem
>>> check_dir("datasets")         # raises DataValidationError listing the problems

Each table has a pandera ``DataFrameSchema`` (types, ranges, allowed values, unique
keys) applied to the table as :func:`load_table` returns it; ``cross_table_problems``
then checks keys between tables (posts.account_id in accounts, comments.post_id in
posts, platforms consistent, no post before its account opened, ...).
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from diplomacy_course.data import parameters as P
from diplomacy_course.data.load import TABLES, load_table, resolve_dir

END_EXCLUSIVE = pd.Timestamp(P.END_DATE) + pd.Timedelta(days=1)
COUNTRY_CODES = list(P.COUNTRIES)
LANGUAGE_LIST = r"^[a-z]{2}(;[a-z]{2})*$"


class DataValidationError(ValueError):
    """The datasets folder does not match the schema; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("The data failed validation:\n" + "\n".join(f"- {p}" for p in problems))


# --- column helpers ---------------------------------------------------------------


def _is_datetime(series: pd.Series, utc: bool) -> bool:
    if not pd.api.types.is_datetime64_any_dtype(series):
        return False
    tz = getattr(series.dt, "tz", None)
    return (str(tz) == "UTC") if utc else tz is None


def _timestamp(utc: bool, nullable: bool = False) -> pa.Column:
    """A datetime column (any resolution) inside the decade (or up to a month after, for replies)."""
    low = pd.Timestamp(P.START_DATE, tz="UTC" if utc else None)
    high = END_EXCLUSIVE.tz_localize("UTC") + pd.Timedelta(days=31) if utc else END_EXCLUSIVE
    kind = "a UTC datetime" if utc else "a naive date"
    return pa.Column(
        None,
        nullable=nullable,
        checks=[
            pa.Check(lambda s: _is_datetime(s, utc), element_wise=False, error=f"must be {kind}"),
            pa.Check(
                lambda s: (s >= low) & (s < high),
                ignore_na=True,
                error=f"must lie between {P.START_DATE} and {P.END_DATE}",
            ),
        ],
    )


def _count(nullable: bool = False) -> pa.Column:
    return pa.Column("Int64" if nullable else "int64", pa.Check.ge(0), nullable=nullable)


def _one_of(values, nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.isin(list(values)), nullable=nullable)


def _text(pattern: str | None = None, unique: bool = False) -> pa.Column:
    checks = [pa.Check.str_matches(pattern)] if pattern else []
    return pa.Column(str, checks, unique=unique)


VALID_TIMEZONES = zoneinfo.available_timezones()

# --- one schema per table ------------------------------------------------------------

ACCOUNTS = pa.DataFrameSchema(
    {
        "account_id": _text(r"^[a-z-]+-(x|instagram|facebook|youtube|tiktok)$", unique=True),
        "mission_id": _text(r"^[a-z-]+$"),
        "mission_name": _text(),
        "mission_type": _one_of(P.MISSION_TYPES),
        "city": _text(),
        "country_code": _one_of(COUNTRY_CODES),
        "timezone": _one_of(sorted(VALID_TIMEZONES)),
        "languages": _text(LANGUAGE_LIST),
        "platform": _one_of(P.PLATFORMS),
        "opened_on": pa.Column(
            None, pa.Check(lambda s: _is_datetime(s, utc=False), element_wise=False, error="must be a date")
        ),
    },
    strict=True,
    name="accounts",
)

_POST_COLUMNS = {
    "account_id": _text(),
    "platform": _one_of(P.PLATFORMS),
    "language": _text(r"^[a-z]{2}$"),
    "topic": _one_of(P.TOPICS),
    "format": _one_of(P.FORMATS),
    "target_country": _one_of(COUNTRY_CODES),
    "followers": pa.Column("int64", pa.Check.gt(0)),
    "impressions": _count(nullable=True),
    "reach": _count(nullable=True),
    "likes": _count(),
    "shares": _count(),
    "comments": _count(),
    "video_views": _count(nullable=True),
}


def _reach_within_impressions(df: pd.DataFrame) -> pd.Series:
    return (df.reach <= df.impressions).fillna(True).astype(bool)


def _views_only_on_videos(df: pd.DataFrame) -> pd.Series:
    return (df.video_views.isna() | (df.format == "video")).astype(bool)


POSTS = pa.DataFrameSchema(
    {
        "post_id": _text(r"^p\d{6}$", unique=True),
        **_POST_COLUMNS,
        "posted_at": _timestamp(utc=True),
        "video_views_definition": _one_of(["views_3s", "plays"], nullable=True),
    },
    checks=[
        pa.Check(_reach_within_impressions, error="reach must not exceed impressions"),
        pa.Check(_views_only_on_videos, error="video_views only on video posts"),
        pa.Check(
            lambda df: df.video_views.isna() == df.video_views_definition.isna(),
            error="video_views_definition given exactly when video_views is",
        ),
    ],
    strict=True,
    name="posts",
)

POSTS_RAW = pa.DataFrameSchema(
    {
        "post_id": _text(r"^p\d{6}$"),  # not unique: the re-pulled batch is a planted blemish
        **_POST_COLUMNS,
        "posted_at": _text(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"),
    },
    checks=[pa.Check(_reach_within_impressions, error="reach must not exceed impressions")],
    strict=True,
    name="posts_raw",
)

AUDIENCE = pa.DataFrameSchema(
    {
        "month": _timestamp(utc=False),
        "platform": _one_of(P.PLATFORMS),
        "audience_country": _one_of(COUNTRY_CODES),
        "followers": _count(),
    },
    checks=[pa.Check(lambda df: df.month.dt.day == 1, error="month must be the first of a month")],
    unique=["month", "platform", "audience_country"],
    strict=True,
    name="audience",
)

COMMENTS = pa.DataFrameSchema(
    {
        "comment_id": _text(r"^c\d{7}$", unique=True),
        "post_id": _text(r"^p\d{6}$"),
        "account_id": _text(),
        "platform": _one_of(P.PLATFORMS),
        "commented_at": _timestamp(utc=True),
        "is_question": pa.Column(bool),
        "language": _text(r"^[a-z]{2}$"),
        "replied": pa.Column(bool),
        "replied_at": _timestamp(utc=True, nullable=True),
    },
    checks=[
        pa.Check(lambda df: df.replied == df.replied_at.notna(), error="replied_at given exactly when replied"),
        pa.Check(
            lambda df: df.replied_at.isna() | (df.replied_at >= df.commented_at),
            error="a reply cannot come before its comment",
        ),
    ],
    strict=True,
    name="comments",
)

MEETINGS = pa.DataFrameSchema(
    {
        "meeting_id": _text(r"^m\d{5}$", unique=True),
        "date": _timestamp(utc=False),
        "counterpart": _text(),
        "counterpart_country": _one_of(COUNTRY_CODES, nullable=True),
        "kind": _one_of(["bilateral", "multilateral"]),
        "level": _one_of(list(P.LEVEL_WEIGHTS)),
        "format": _one_of(["in_person", "virtual", "hybrid"]),
        "duration_minutes": pa.Column("int64", pa.Check.in_range(5, 600)),
    },
    checks=[
        pa.Check(
            lambda df: (df.kind == "bilateral") == df.counterpart_country.notna(),
            error="bilateral meetings name a counterpart country, multilateral ones do not",
        )
    ],
    strict=True,
    name="meetings",
)

WEBSITE = pa.DataFrameSchema(
    {
        "month": _timestamp(utc=False),
        "visitor_country": _one_of(COUNTRY_CODES),
        "section": _one_of(list(P.WEBSITE_SECTION_WEIGHTS)),
        "sessions": _count(),
    },
    unique=["month", "visitor_country", "section"],
    strict=True,
    name="website",
)

EVENTS = pa.DataFrameSchema(
    {
        "event_id": _text(r"^ev\d{2}$", unique=True),
        "start_date": _timestamp(utc=False),
        "end_date": _timestamp(utc=False),
        "name": _text(),
        "kind": _text(r"^[a-z_]+$"),
        "country_code": _one_of(COUNTRY_CODES, nullable=True),
        "intensity": pa.Column(float, pa.Check.in_range(0, 1)),
        "description": _text(),
    },
    checks=[pa.Check(lambda df: df.start_date <= df.end_date, error="an event must end after it starts")],
    strict=True,
    name="events",
)

COUNTRIES = pa.DataFrameSchema(
    {
        "country_code": _text(r"^[A-Z]{2}$", unique=True),
        "country_name": _text(),
        "region": _text(),
        "timezone": _one_of(sorted(VALID_TIMEZONES)),
        "languages": _text(LANGUAGE_LIST),
    },
    strict=True,
    name="countries",
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "accounts": ACCOUNTS,
    "posts": POSTS,
    "posts_raw": POSTS_RAW,
    "audience": AUDIENCE,
    "comments": COMMENTS,
    "meetings": MEETINGS,
    "website": WEBSITE,
    "events": EVENTS,
    "countries": COUNTRIES,
}


# --- turning pandera's failures into sentences ------------------------------------------


def _describe_failures(table: str, error: SchemaErrors, limit: int = 3) -> list[str]:
    """One sentence per failed check: where, which check, how many rows, a few examples."""
    cases = error.failure_cases
    problems = []
    row_checks = cases.schema_context == "DataFrameSchema"
    for (column, check), group in cases[~row_checks].groupby(["column", "check"], dropna=False, sort=False):
        examples = ", ".join(repr(v) for v in group.failure_case.head(limit))
        rows = sorted({int(i) for i in group["index"].dropna()})
        at_rows = f" at rows {rows[:limit]}" if rows else ""
        problems.append(f"{table}: column {column!r} failed {check}: {len(group)} value(s), e.g. {examples}{at_rows}")
    for check, group in cases[row_checks].groupby("check", sort=False):
        rows = sorted({int(i) for i in group["index"].dropna()})
        if rows:
            problems.append(f"{table}: {check}: {len(rows)} row(s) fail, e.g. rows {rows[:limit]}")
        else:
            problems.append(f"{table}: {check}: {', '.join(map(str, group.failure_case.head(limit)))}")
    return problems


def table_problems(name: str, df: pd.DataFrame) -> list[str]:
    try:
        SCHEMAS[name].validate(df, lazy=True)
    except SchemaErrors as error:
        return _describe_failures(name, error)
    return []


# --- keys between tables -----------------------------------------------------------------


def _missing_keys(child: pd.Series, parent: pd.Series, what: str) -> list[str]:
    child = child.dropna()
    missing = sorted(child[~child.isin(parent.dropna().unique())].unique())
    if not missing:
        return []
    return [f"{what}: {len(missing)} unknown value(s), e.g. {missing[:3]}"]


def _mismatches(merged: pd.DataFrame, mask: pd.Series, what: str, key: str) -> list[str]:
    bad = merged.loc[mask.fillna(False).astype(bool), key]
    return [f"{what}: {len(bad)} row(s), e.g. {list(bad.head(3))}"] if len(bad) else []


def _post_problems(t: dict[str, pd.DataFrame]) -> list[str]:
    accounts, posts = t["accounts"], t["posts"]
    problems = _missing_keys(posts.account_id, accounts.account_id, "posts.account_id not in accounts")
    merged = posts.merge(
        accounts[["account_id", "platform", "opened_on"]], on="account_id", how="inner", suffixes=("", "_account")
    )
    problems += _mismatches(
        merged,
        merged.platform != merged.platform_account,
        "posts.platform differs from its account's platform",
        "post_id",
    )
    opened = merged.opened_on.dt.tz_localize("UTC")
    problems += _mismatches(
        merged, merged.posted_at < opened, "posts made before the account opened (opened_on)", "post_id"
    )
    return problems


def _comment_problems(t: dict[str, pd.DataFrame]) -> list[str]:
    posts, comments = t["posts"], t["comments"]
    problems = _missing_keys(comments.post_id, posts.post_id, "comments.post_id not in posts")
    merged = comments.merge(
        posts[["post_id", "account_id", "platform", "posted_at"]], on="post_id", how="inner", suffixes=("", "_post")
    )
    problems += _mismatches(
        merged,
        (merged.account_id != merged.account_id_post) | (merged.platform != merged.platform_post),
        "comments whose account_id/platform differ from their post's",
        "comment_id",
    )
    problems += _mismatches(
        merged, merged.commented_at < merged.posted_at, "comments made before their post", "comment_id"
    )
    return problems


def _raw_problems(t: dict[str, pd.DataFrame]) -> list[str]:
    raw, posts = t["posts_raw"], t["posts"]
    problems = _missing_keys(raw.post_id, posts.post_id, "posts_raw.post_id not in posts")
    problems += _missing_keys(posts.post_id, raw.post_id, "posts.post_id missing from posts_raw")
    return problems


def _code_problems(t: dict[str, pd.DataFrame]) -> list[str]:
    codes = t["countries"].country_code
    pairs = [
        ("accounts", "country_code"),
        ("posts", "target_country"),
        ("audience", "audience_country"),
        ("website", "visitor_country"),
        ("meetings", "counterpart_country"),
        ("events", "country_code"),
    ]
    problems = []
    for table, column in pairs:
        problems += _missing_keys(t[table][column], codes, f"{table}.{column} not in countries")
    return problems


def cross_table_problems(tables: dict[str, pd.DataFrame]) -> list[str]:
    return (
        _post_problems(tables)
        + _comment_problems(tables)
        + _raw_problems(tables)
        + _code_problems(tables)
        + _missing_keys(
            tables["audience"].platform, tables["accounts"].platform, "audience.platform with no account on it"
        )
    )


# --- the entry points --------------------------------------------------------------------


def validate_dir(path: Path | str | None = None) -> list[str]:
    """Every problem found in the folder's tables, one sentence each ([] means valid)."""
    folder = resolve_dir(path)
    tables, problems = {}, []
    for name in TABLES:
        try:
            tables[name] = load_table(name, folder)
        except FileNotFoundError:
            problems.append(f"{name}: file {TABLES[name].file} is missing from {folder}")
            continue
        except (ValueError, TypeError) as error:  # wrong types or unparsable dates
            problems.append(f"{name}: cannot be read with the expected types: {error}")
            continue
        problems += table_problems(name, tables[name])
    if len(tables) == len(TABLES):  # keys between tables, once every table could be read
        try:
            problems += cross_table_problems(tables)
        except Exception as error:  # a broken table can break a join; say so rather than crash
            problems.append(f"keys between tables could not be checked: {error!r}")
    return problems


def check_dir(path: Path | str | None = None) -> None:
    """Raise :class:`DataValidationError` listing every problem, or return quietly."""
    problems = validate_dir(path)
    if problems:
        raise DataValidationError(problems)
