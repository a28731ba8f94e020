"""The simulated ministry's data: reproducible, valid, and showing what the course teaches."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from diplomacy_course.cli import app
from diplomacy_course.data import parameters as P
from diplomacy_course.data.load import TABLES, load_table
from diplomacy_course.data.schema import DataValidationError, check_dir, validate_dir
from diplomacy_course.data.simulate import TABLE_FILES, write_all, write_table
from tests.support.course import REPO

DATASETS = REPO / "datasets"

# The contract with the book chapters and assignments: names and order of columns.
EXPECTED_COLUMNS = {
    "accounts": [
        "account_id",
        "mission_id",
        "mission_name",
        "mission_type",
        "city",
        "country_code",
        "timezone",
        "languages",
        "platform",
        "opened_on",
    ],
    "posts": [
        "post_id",
        "account_id",
        "platform",
        "posted_at",
        "language",
        "topic",
        "format",
        "target_country",
        "followers",
        "impressions",
        "reach",
        "likes",
        "shares",
        "comments",
        "video_views",
        "video_views_definition",
    ],
    "posts_raw": [
        "post_id",
        "account_id",
        "platform",
        "posted_at",
        "language",
        "topic",
        "format",
        "target_country",
        "followers",
        "impressions",
        "reach",
        "likes",
        "shares",
        "comments",
        "video_views",
    ],
    "audience": ["month", "platform", "audience_country", "followers"],
    "comments": [
        "comment_id",
        "post_id",
        "account_id",
        "platform",
        "commented_at",
        "is_question",
        "language",
        "replied",
        "replied_at",
    ],
    "meetings": [
        "meeting_id",
        "date",
        "counterpart",
        "counterpart_country",
        "kind",
        "level",
        "format",
        "duration_minutes",
    ],
    "website": ["month", "visitor_country", "section", "sessions"],
    "events": ["event_id", "start_date", "end_date", "name", "kind", "country_code", "intensity", "description"],
    "countries": ["country_code", "country_name", "region", "timezone", "languages"],
}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: load_table(name, DATASETS) for name in TABLES}


@pytest.fixture(scope="module")
def posts(tables) -> pd.DataFrame:
    posts = tables["posts"].copy()
    posts["engagement"] = posts.likes + posts.shares + posts.comments
    posts["rate"] = posts.engagement / posts.followers
    return posts


@pytest.fixture(scope="module")
def corrupted(tmp_path_factory) -> Path:
    """A copy of the data with three planted errors: a negative like count, an unknown
    account in posts, and a comment on a post that does not exist."""
    folder = Path(shutil.copytree(DATASETS, tmp_path_factory.mktemp("corrupted") / "datasets"))

    def break_posts(df):
        df.loc[5, "likes"] = -3
        df.loc[10, "account_id"] = "atlantis-x"

    def break_comments(df):
        df.loc[0, "post_id"] = "p999999"

    _corrupt(folder, "posts", break_posts)
    _corrupt(folder, "comments", break_comments)
    return folder


def _corrupt(folder: Path, name: str, change) -> None:
    df = pd.read_csv(folder / TABLE_FILES[name], keep_default_na=False, na_values=[""])
    change(df)
    write_table(df, folder / TABLE_FILES[name])


# --- engineering: reproducible, typed, valid ---------------------------------------------


def test_regenerating_gives_byte_identical_files(tmp_path):
    written = write_all(tmp_path, seed=P.DEFAULT_SEED)
    assert set(written) == set(TABLE_FILES)
    for name, path in written.items():
        committed = DATASETS / TABLE_FILES[name]
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed.name} differs from a fresh generation: run `course data generate`"
        )


def test_every_table_has_the_agreed_columns_and_opens_with_plain_pandas():
    for name, columns in EXPECTED_COLUMNS.items():
        df = pd.read_csv(DATASETS / TABLE_FILES[name])
        assert list(df.columns) == columns, name
        assert len(df) > 0, name


def test_committed_data_fits_the_size_budget():
    total = sum((DATASETS / f).stat().st_size for f in TABLE_FILES.values())
    assert total < 12 * 1024**2


def test_load_table_gives_useful_types(tables):
    posts = tables["posts"]
    assert str(posts.posted_at.dt.tz) == "UTC"
    assert posts.impressions.dtype == "Int64" and posts.likes.dtype == "int64"
    assert tables["comments"].replied.dtype == bool
    assert pd.api.types.is_datetime64_any_dtype(tables["accounts"].opened_on)
    assert tables["posts_raw"].posted_at.str.endswith("Z").all()  # raw stays raw
    with pytest.raises(KeyError, match="known tables"):
        load_table("tweets", DATASETS)


def test_a_corrupted_copy_fails_with_clear_messages(corrupted):
    problems = validate_dir(corrupted)
    assert any("posts" in p and "'likes'" in p and "-3" in p for p in problems), problems
    assert any("posts.account_id not in accounts" in p and "atlantis-x" in p for p in problems), problems
    assert any("comments.post_id not in posts" in p and "p999999" in p for p in problems), problems
    with pytest.raises(DataValidationError, match="atlantis-x"):
        check_dir(corrupted)


def test_a_missing_file_is_reported(tmp_path):
    folder = tmp_path / "datasets"
    folder.mkdir()
    shutil.copy(DATASETS / "accounts.csv", folder)
    problems = validate_dir(folder)
    assert any("posts.csv.gz is missing" in p for p in problems), problems


def test_committed_data_validates_and_the_cli_exit_codes(corrupted):
    runner = CliRunner()
    ok = runner.invoke(app, ["data", "validate", "--dir", str(DATASETS)])
    assert ok.exit_code == 0, ok.output
    assert "all tables valid" in ok.output
    bad = runner.invoke(app, ["data", "validate", "--dir", str(corrupted)])
    assert bad.exit_code == 1
    assert "atlantis-x" in bad.output and "problem(s) found" in bad.output


# --- realism: what the chapters and assignments rely on ----------------------------------


def test_size_of_the_tables_is_as_planned(tables):
    assert 40_000 <= len(tables["posts"]) <= 60_000
    assert 50_000 <= len(tables["comments"]) <= 200_000
    assert 30 <= tables["accounts"].mission_id.nunique() <= 45


def test_platforms_arrive_over_time(tables):
    opened = tables["accounts"].groupby("platform").opened_on
    assert opened.max()["x"] < pd.Timestamp("2017-01-01")
    assert opened.min()["tiktok"] >= pd.Timestamp("2020-01-01")
    missions = tables["accounts"][tables["accounts"].mission_id != "hq"]
    assert missions[missions.platform == "tiktok"].opened_on.min() >= pd.Timestamp("2022-01-01")
    instagram = missions[missions.platform == "instagram"].opened_on.dt.year
    assert instagram.between(2016, 2019).all() and instagram.nunique() == 4


def test_engagement_is_heavy_tailed(posts):
    big = posts[posts.account_id.isin(["hq-instagram", "hq-facebook"])]
    log_sd = np.log1p(big.likes).groupby([big.account_id, big.posted_at.dt.year]).std()
    assert log_sd.median() == pytest.approx(1.2, abs=0.3)
    likes = posts.likes.sort_values(ascending=False)
    assert likes.head(len(likes) // 100).sum() / likes.sum() > 0.15


def test_likes_run_a_few_times_shares(posts):
    assert 3 < posts.likes.sum() / posts.shares.sum() < 10


def test_engagement_rate_by_followers_follows_the_platform_benchmarks(posts):
    median = posts.groupby("platform").rate.median()
    assert median["tiktok"] > median["instagram"] > median["facebook"] > median["x"]


def test_followers_grow_every_year_and_fastest_in_2020(tables):
    total = tables["audience"].groupby("month").followers.sum()
    december = total[total.index.month == 12]
    growth = (december / december.shift()).dropna()
    assert (growth > 1).all()
    assert growth[pd.Timestamp("2020-12-01")] > growth.median()


def test_home_is_the_largest_audience(tables):
    audience = tables["audience"]
    by_country = audience[audience.month == audience.month.max()].groupby("audience_country").followers.sum()
    assert by_country.idxmax() == "XM"


def _audience_local_time(posts, countries):
    zone = posts.target_country.map(countries.set_index("country_code").timezone)
    hour = pd.Series(0, index=posts.index)
    weekday = pd.Series(0, index=posts.index)
    for tz, idx in posts.groupby(zone).groups.items():
        local = posts.loc[idx, "posted_at"].dt.tz_convert(tz)
        hour[idx], weekday[idx] = local.dt.hour, local.dt.day_of_week
    return hour, weekday


def test_weekday_mornings_in_audience_time_engage_best(posts, tables):
    hour, weekday = _audience_local_time(posts, tables["countries"])
    # compare each post with its account's usual rate in that year, so account size drops out
    usual = posts.groupby([posts.account_id, posts.posted_at.dt.year]).rate.transform("median")
    relative = posts.rate / usual
    morning = relative[(weekday < 5) & hour.between(7, 10)].median()
    weekend = relative[weekday >= 5].median()
    night = relative[(hour >= 22) | (hour < 6)].median()
    assert morning > 1.15 * weekend and morning > 1.3 * night


def _utc_offset_hours(tz: str) -> float:
    return datetime(2021, 1, 15, tzinfo=ZoneInfo(tz)).utcoffset().total_seconds() / 3600


def test_far_away_audiences_get_posts_at_night(posts, tables):
    hour, _ = _audience_local_time(posts, tables["countries"])
    at_night = (hour >= 22) | (hour < 6)
    account_tz = posts.account_id.map(tables["accounts"].set_index("account_id").timezone)
    audience_tz = posts.target_country.map(tables["countries"].set_index("country_code").timezone)
    offsets = {tz: _utc_offset_hours(tz) for tz in set(account_tz) | set(audience_tz)}
    gap = (account_tz.map(offsets) - audience_tz.map(offsets)).abs()
    gap = np.minimum(gap, 24 - gap)
    assert at_night[gap >= 9].mean() > 3 * at_night[gap <= 3].mean()
    americas = tables["countries"].query("region == 'Americas'").country_code
    hq_to_americas = (posts.account_id.str.startswith("hq-")) & posts.target_country.isin(americas)
    assert at_night[hq_to_americas].mean() > 0.5


def test_crises_raise_volume_and_crisis_topics(posts, tables):
    daily = posts.set_index("posted_at").resample("D").size()
    spring = lambda year: daily[f"{year}-02-01" : f"{year}-04-30"].mean()  # noqa: E731
    assert spring(2020) > 1.5 * spring(2019)
    in_event = pd.Series(False, index=posts.index)
    for event in tables["events"].query("kind != 'summit_hosting'").itertuples():
        start = event.start_date.tz_localize("UTC")
        end = event.end_date.tz_localize("UTC") + pd.Timedelta(days=1)
        in_event |= posts.posted_at.between(start, end, inclusive="left")
    crisis = posts.topic == "crisis"
    assert crisis[in_event].mean() > 3 * crisis[~in_event].mean()


def test_replies_are_rare_but_improve(tables):
    comments = tables["comments"]
    year = comments.commented_at.dt.year
    rate = comments.groupby(year).replied.mean()
    assert rate[2016] < 0.1 and rate[2025] > rate[2016] + 0.1
    assert (rate.diff().dropna() > 0).sum() >= 6  # mostly rising, year on year
    by_question = comments.groupby("is_question").replied.mean()
    assert by_question[True] > 1.5 * by_question[False]
    hours = (comments.replied_at - comments.commented_at).dt.total_seconds() / 3600
    median_hours = hours.groupby(year).median()
    assert median_hours[2025] < median_hours[2016] / 2


def test_virtual_meetings_jump_in_2020_and_stay_above_before(tables):
    meetings = tables["meetings"]
    year = meetings.date.dt.year
    assert year.value_counts().between(300, 600).all()
    remote = (meetings.format != "in_person").groupby(year).mean()
    before = remote[remote.index < 2020]
    assert before.max() < 0.1 and remote[2020] > 0.5
    assert (remote[[2023, 2024, 2025]] > 2 * before.max()).all()
    assert remote[[2023, 2024, 2025]].between(0.15, 0.4).all()


def test_website_travel_advice_spikes_in_the_evacuation(tables):
    web = tables["website"]
    advice = web[web.section == "travel_advice"].groupby("month").sessions.sum()
    assert advice["2020-02-01"] > 2 * advice["2019-01-01":"2019-12-01"].mean()


# --- the blemishes planted in posts_raw -------------------------------------------------


def test_raw_export_holds_an_exact_repulled_batch(tables):
    raw, clean = tables["posts_raw"], tables["posts"]
    repeated = raw[raw.post_id.duplicated(keep=False)]
    assert 100 <= repeated.post_id.nunique() <= 1000
    assert raw.duplicated(keep=False).sum() == len(repeated)  # exact copies, every column
    later = raw.index[raw.post_id.duplicated()]
    first = raw.index[raw.post_id.duplicated(keep="last")]
    assert (later - first > 1000).all()  # the batch reappears further down the file
    assert len(raw.drop_duplicates()) == len(clean)


def test_missing_impressions_are_missing_not_zero(tables):
    for name in ("posts", "posts_raw"):
        df = tables[name]
        stamp = pd.to_datetime(df.posted_at, utc=True)
        x = df[df.platform == "x"]
        before = stamp[x.index] < pd.Timestamp(P.X_IMPRESSIONS_FROM, tz="UTC")
        assert x.impressions[before].isna().all()
        assert x.impressions[~before].notna().mean() > 0.9
        gaps = df[df.platform == "instagram"].impressions.isna().mean()
        assert 0.01 < gaps < 0.06  # API failures
        assert (df.impressions.dropna() > 0).all()


def test_instagram_video_views_change_definition(tables):
    raw = tables["posts_raw"].drop_duplicates()
    stamp = pd.to_datetime(raw.posted_at, utc=True)
    change = pd.Timestamp(P.INSTAGRAM_VIEWS_CHANGE_DATE, tz="UTC")
    videos = raw[(raw.platform == "instagram") & raw.video_views.notna()]
    per_follower = videos.video_views / videos.followers
    before = per_follower[stamp[videos.index].between(change - pd.Timedelta(days=365), change, inclusive="left")]
    after = per_follower[stamp[videos.index].between(change, change + pd.Timedelta(days=365))]
    assert 1.8 < after.median() / before.median() < 3.5
    clean = tables["posts"]
    labels = (
        clean[clean.platform == "instagram"]
        .groupby(clean.posted_at >= change)
        .video_views_definition.agg(lambda s: set(s.dropna()))
    )
    assert labels[False] == {"views_3s"} and labels[True] == {"plays"}
