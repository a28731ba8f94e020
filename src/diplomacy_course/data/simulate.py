"""Simulate ten years of the fictional Maritiman foreign ministry's digital channels.

One seeded ``numpy.random.Generator`` is created in :func:`generate_all` and passed
down to one function per table, always in the same order, so the same seed gives
the same tables and :func:`write_all` writes byte-identical files.

The model, in short (numbers in :mod:`parameters`, each with its source):

* an *event timeline* gives every account a daily crisis intensity (0 = calm);
* followers grow on a log scale, faster for young accounts and during crises;
* posts arrive as a Poisson process per account and day (busier in crises),
  at office hours in the posting account's local time;
* engagement = followers x platform rate x lognormal noise x effects of topic,
  format, the audience's local time, and crisis attention;
* comments, replies, meetings and website visits follow the same timeline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from diplomacy_course.data import parameters as P
from diplomacy_course.data.load import TABLES

# Each table's file name, as the loaders read it.
TABLE_FILES = {name: spec.file for name, spec in TABLES.items()}

DAY = np.timedelta64(1, "D")


# --- small helpers --------------------------------------------------------------


def _days() -> pd.DatetimeIndex:
    return pd.date_range(P.START_DATE, P.END_DATE, freq="D")


def _utc_iso(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """UTC timestamps as ``2020-02-02T03:15:00Z`` strings (NaT becomes "")."""
    naive = pd.DatetimeIndex(values).tz_convert("UTC").tz_localize(None)
    text = np.datetime_as_string(naive.values.astype("datetime64[s]"), unit="s").astype(object)
    text = text + "Z"
    text[naive.isna()] = ""
    return text


def _iso_date(values) -> np.ndarray:
    return np.datetime_as_string(pd.DatetimeIndex(values).values.astype("datetime64[D]"), unit="D")


def _draw_categories(rng: np.random.Generator, probs: np.ndarray, labels) -> np.ndarray:
    """One draw per row of a (rows x categories) probability matrix."""
    cumulative = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    picks = (rng.random(len(probs))[:, None] > cumulative).sum(axis=1)
    return np.asarray(labels, dtype=object)[np.minimum(picks, len(labels) - 1)]


def _years_since_start(timestamps: pd.DatetimeIndex) -> np.ndarray:
    start = pd.Timestamp(P.START_DATE, tz="UTC")
    return np.asarray((timestamps - start) / pd.Timedelta(days=365.25), dtype=float)


# --- reference tables ----------------------------------------------------------


def make_countries() -> pd.DataFrame:
    rows = [
        {"country_code": code, "country_name": name, "region": region, "timezone": tz, "languages": langs}
        for code, (name, region, tz, langs) in P.COUNTRIES.items()
    ]
    return pd.DataFrame(rows)


def make_events() -> pd.DataFrame:
    columns = ["event_id", "start_date", "end_date", "name", "kind", "country_code", "intensity", "description"]
    return pd.DataFrame(list(P.EVENTS), columns=columns)


def _event_effect(event: pd.Series, days: pd.DatetimeIndex) -> np.ndarray:
    """Daily effect of one event: its intensity, decaying while it lasts (attention fades)."""
    start, end = pd.Timestamp(event.start_date), pd.Timestamp(event.end_date)
    elapsed = np.asarray((days - start).days, dtype=float)
    time_constant = P.EVENT_DECAY_FRACTION * (end - start).days + P.EVENT_DECAY_EXTRA_DAYS
    effect = event.intensity * np.exp(-np.clip(elapsed, 0, None) / time_constant)
    return np.where((days >= start) & (days <= end), effect, 0.0)


def event_effects(events: pd.DataFrame, days: pd.DatetimeIndex, summit: bool) -> dict[str, np.ndarray]:
    """Daily effect summed per country code ("" = worldwide), crises or summits only."""
    chosen = events[(events.kind == "summit_hosting") == summit]
    effects: dict[str, np.ndarray] = {}
    for event in chosen.itertuples():
        effects.setdefault(event.country_code, np.zeros(len(days)))
        effects[event.country_code] += _event_effect(event, days)
    return effects


def account_intensity(accounts: pd.DataFrame, effects: dict[str, np.ndarray], n_days: int) -> np.ndarray:
    """(accounts x days) intensity: worldwide + own country + a share of the other side's events."""
    zero = np.zeros(n_days)
    worldwide = effects.get("", zero)
    home = effects.get(P.HOME_CODE, zero)
    foreign = sum((v for k, v in effects.items() if k not in ("", P.HOME_CODE)), zero)
    rows = []
    for account in accounts.itertuples():
        if account.mission_id == P.HQ_ID:
            rows.append(worldwide + home + P.FOREIGN_EVENT_WEIGHT_AT_HQ * foreign)
        else:
            own = effects.get(account.country_code, zero)
            rows.append(worldwide + own + P.HOME_EVENT_WEIGHT_AT_MISSIONS * home)
    return np.clip(np.vstack(rows), 0, P.MAX_CRISIS_INTENSITY)


# --- accounts and followers ----------------------------------------------------


def _mission_name(mission_type: str, city: str) -> str:
    return {
        "headquarters": f"Ministry of Foreign Affairs, {city}",
        "embassy": f"Embassy in {city}",
        "consulate_general": f"Consulate General in {city}",
        "permanent_mission": f"Permanent Mission in {city}",
    }[mission_type]


def _mission_languages(mission_id: str, country_code: str) -> str:
    if mission_id == P.HQ_ID:
        return f"{P.HOME_LANGUAGE};en"
    local = P.COUNTRIES[country_code][3].split(";")
    return ";".join(dict.fromkeys([P.HOME_LANGUAGE, "en", *local]))


def _opening_date(rng: np.random.Generator, mission_id: str, platform: str) -> pd.Timestamp:
    if mission_id == P.HQ_ID:
        return pd.Timestamp(P.HQ_OPENED_ON[platform])
    first, last = (pd.Timestamp(d) for d in P.MISSION_OPENING_WINDOW[platform])
    return first + pd.Timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def make_accounts(rng: np.random.Generator) -> pd.DataFrame:
    """One row per account; ``size_factor`` (hidden) scales followers and posting."""
    rows = []
    for mission_id, (mtype, city, country, tz, size) in P.MISSIONS.items():
        is_hq = mission_id == P.HQ_ID
        runs = {p: is_hq or rng.random() < P.PLATFORM_ADOPTION[p] for p in P.PLATFORMS}
        if not any(runs.values()):  # every mission keeps at least an Instagram account
            runs["instagram"] = True
        for platform in P.PLATFORMS:
            opened = _opening_date(rng, mission_id, platform)
            noise = 1.0 if is_hq else float(np.exp(rng.normal(0, P.MISSION_SIZE_LOG_SD)))
            if not runs[platform]:
                continue
            rows.append(
                {
                    "account_id": f"{mission_id}-{platform}",
                    "mission_id": mission_id,
                    "mission_name": _mission_name(mtype, city),
                    "mission_type": mtype,
                    "city": city,
                    "country_code": country,
                    "timezone": tz,
                    "languages": _mission_languages(mission_id, country),
                    "platform": platform,
                    "opened_on": opened,
                    "size_factor": size * noise,
                }
            )
    return pd.DataFrame(rows)


def _growth_rates(accounts, intensity, days, rng) -> np.ndarray:
    """Daily log-growth of followers, (accounts x days)."""
    yearly = accounts.platform.map(P.YEARLY_LOG_GROWTH).to_numpy()[:, None]
    age_days = (days.values[None, :] - accounts.opened_on.values[:, None]) / DAY
    young = 1 + P.YOUNG_ACCOUNT_BOOST * np.exp(-np.clip(age_days, 0, None) / P.YOUNG_ACCOUNT_DAYS)
    shape = 1 / P.FOLLOWER_GROWTH_NOISE_SD**2
    noise = rng.gamma(shape, 1 / shape, size=intensity.shape)
    return yearly / 365 * young * (1 + P.CRISIS_GROWTH_BOOST * intensity) * noise


def follower_matrix(accounts, intensity, days, rng) -> np.ndarray:
    """Followers of each account at the end of each day (NaN before it opened)."""
    cumulative = np.cumsum(_growth_rates(accounts, intensity, days, rng), axis=1)
    log_followers = np.empty_like(cumulative)
    for i, account in enumerate(accounts.itertuples()):
        is_hq = account.mission_id == P.HQ_ID
        ref_date = pd.Timestamp(P.HQ_FOLLOWERS_REF_DATE if is_hq else P.MISSION_FOLLOWERS_REF_DATE)
        at_ref = (P.HQ_FOLLOWERS_AT_REF if is_hq else P.MISSION_FOLLOWERS_AT_REF).get(account.platform)
        if at_ref is not None and account.opened_on <= ref_date:
            anchor_day, anchor_value = ref_date, at_ref * account.size_factor
        else:  # opened after the reference date: grow from a small start
            anchor_day = account.opened_on
            anchor_value = P.FOLLOWERS_AT_OPENING["hq" if is_hq else "mission"] * account.size_factor
        anchor = int(np.clip((anchor_day - days[0]).days, 0, len(days) - 1))
        log_followers[i] = np.log(anchor_value) + cumulative[i] - cumulative[i, anchor]
    followers = np.round(np.exp(log_followers))
    followers[days.values[None, :] < accounts.opened_on.values[:, None]] = np.nan
    return followers


# --- posts -----------------------------------------------------------------------


def _posting_rates(accounts, intensity, summit, days) -> np.ndarray:
    """Expected posts per account and day."""
    base = accounts.platform.map(P.HQ_POSTS_PER_DAY).to_numpy(float)
    is_mission = (accounts.mission_id != P.HQ_ID).to_numpy()
    base = np.where(is_mission, base * P.MISSION_POSTING_SHARE * accounts.size_factor, base)
    years = np.arange(len(days)) / 365.25
    trend = np.exp(P.POSTING_TREND_PER_YEAR * years)
    weekday = np.asarray(P.WEEKDAY_POSTING)[days.day_of_week]
    rates = base[:, None] * (trend * weekday)[None, :] * (1 + P.CRISIS_VOLUME_BOOST * (intensity + summit))
    # first posts the day after opening, so that even in UTC+13 no post predates opened_on
    rates[days.values[None, :] <= accounts.opened_on.values[:, None]] = 0.0
    return rates


def _local_to_utc(local: pd.Series, timezones: pd.Series) -> pd.Series:
    """Naive local datetimes, each in its own IANA zone, to UTC."""
    out = pd.Series(pd.NaT, index=local.index, dtype="datetime64[ns, UTC]")
    for tz, idx in local.groupby(timezones.to_numpy()).groups.items():
        stamps = pd.DatetimeIndex(local.loc[idx])
        aware = stamps.tz_localize(tz, ambiguous=np.zeros(len(stamps), bool), nonexistent="shift_forward")
        out.loc[idx] = aware.tz_convert("UTC")
    return out


def _utc_to_local_parts(utc: pd.Series, timezones: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local hour and weekday (Mon=0) of UTC timestamps in given zones."""
    hour = np.zeros(len(utc), int)
    weekday = np.zeros(len(utc), int)
    for tz, positions in pd.Series(np.arange(len(utc))).groupby(timezones).groups.items():
        local = pd.DatetimeIndex(utc.iloc[positions]).tz_convert(tz)
        hour[positions] = local.hour
        weekday[positions] = local.day_of_week
    return hour, weekday


def _topic_probabilities(is_hq, crisis, summit) -> np.ndarray:
    base = np.array([[P.BASE_TOPIC_WEIGHTS["hq" if h else "mission"][t] for t in P.TOPICS] for h in is_hq])
    crisis_col, multilateral_col = P.TOPICS.index("crisis"), P.TOPICS.index("multilateral")
    base[:, crisis_col] += P.CRISIS_TOPIC_SHIFT * np.minimum(crisis, P.CRISIS_TOPIC_SHIFT_CAP)
    base[:, multilateral_col] += P.SUMMIT_MULTILATERAL_SHIFT * np.minimum(summit, P.SUMMIT_MULTILATERAL_SHIFT_CAP)
    return base


def _choose_targets(rng, posts: pd.DataFrame, accounts: pd.DataFrame) -> np.ndarray:
    """Audience country: HQ mostly home, missions their host (home for some consular posts)."""
    hosts = accounts[accounts.mission_id != P.HQ_ID].groupby("country_code").size_factor.sum()
    is_hq = (posts.mission_id == P.HQ_ID).to_numpy()
    u = rng.random(len(posts))
    foreign_for_hq = rng.choice(hosts.index.to_numpy(), size=len(posts), p=(hosts / hosts.sum()).to_numpy())
    home_share = np.where(
        posts.topic == "consular", P.MISSION_HOME_TARGET_SHARE["consular"], P.MISSION_HOME_TARGET_SHARE["other"]
    )
    hq_target = np.where(u < P.HQ_HOME_TARGET_SHARE, P.HOME_CODE, foreign_for_hq)
    mission_target = np.where(u < home_share, P.HOME_CODE, posts.country_code.to_numpy())
    return np.where(is_hq, hq_target, mission_target).astype(object)


def _choose_languages(rng, posts: pd.DataFrame) -> np.ndarray:
    """Home-audience posts in the home language; foreign audiences in English or a local language."""
    u = rng.random(len(posts))
    pick = rng.random(len(posts))
    language = np.empty(len(posts), dtype=object)
    for (account_languages, target), idx in posts.groupby(["languages", "target_country"]).indices.items():
        local = [lang for lang in account_languages.split(";") if lang not in (P.HOME_LANGUAGE, "en")]
        if target == P.HOME_CODE:
            choices, cut = [P.HOME_LANGUAGE, "en"], [P.HOME_AUDIENCE_IN_HOME_LANGUAGE]
        elif local:
            choices, cut = [P.HOME_LANGUAGE, "en", *local], list(P.HOST_AUDIENCE_LANGUAGE_CUTS)
        elif account_languages == f"{P.HOME_LANGUAGE};en":  # HQ addressing a foreign audience
            choices, cut = ["en", P.HOME_LANGUAGE], [P.HQ_FOREIGN_AUDIENCE_IN_ENGLISH]
        else:
            choices, cut = [P.HOME_LANGUAGE, "en"], [P.HOST_AUDIENCE_IN_HOME_LANGUAGE_NO_LOCAL]
        slot = np.searchsorted(cut, u[idx], side="right")
        # past the last cut point: pick uniformly among the remaining languages
        extra = len(choices) - len(cut)
        slot = np.where(slot == len(cut), len(cut) + (pick[idx] * extra).astype(int), slot)
        language[idx] = np.asarray(choices, dtype=object)[np.minimum(slot, len(choices) - 1)]
    return language


def _time_of_day_effect(hour: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    morning = (hour >= P.WEEKDAY_MORNING_HOURS[0]) & (hour < P.WEEKDAY_MORNING_HOURS[1])
    night = (hour >= P.NIGHT_HOURS[0]) | (hour < P.NIGHT_HOURS[1])
    weekend = weekday >= 5
    effect = np.where(night, P.TIME_ENGAGEMENT["night"], P.TIME_ENGAGEMENT["day"])
    effect = np.where(morning & ~weekend, P.TIME_ENGAGEMENT["weekday_morning"], effect)
    return np.where(weekend, effect * P.TIME_ENGAGEMENT["weekend"], effect)


def _post_skeleton(rng, accounts, rates, days) -> pd.DataFrame:
    """When each post was made: account, local day and office-hour time, converted to UTC."""
    counts = rng.poisson(rates)
    account_idx, day_idx = np.nonzero(counts)
    repeats = counts[account_idx, day_idx]
    account_idx, day_idx = np.repeat(account_idx, repeats), np.repeat(day_idx, repeats)
    weights = np.asarray(P.POSTING_HOUR_WEIGHTS) / sum(P.POSTING_HOUR_WEIGHTS)
    hour = rng.choice(24, size=len(account_idx), p=weights)
    minute = rng.integers(0, 60, size=len(account_idx))
    local = pd.Series(days.values[day_idx] + (hour * 60 + minute).astype("timedelta64[m]"))
    posts = accounts.iloc[account_idx].reset_index(drop=True)
    posts["account_idx"], posts["day_idx"] = account_idx, day_idx
    posts["posted_at"] = _local_to_utc(local, posts.timezone)
    inside = (posts.posted_at >= pd.Timestamp(P.START_DATE, tz="UTC")) & (
        posts.posted_at < pd.Timestamp(P.END_DATE, tz="UTC") + pd.Timedelta(days=1)
    )
    return posts[inside].sort_values(["posted_at", "account_id"], kind="stable").reset_index(drop=True)


def _describe_posts(rng, posts, accounts, crisis, summit) -> pd.DataFrame:
    """Topic, audience, language and format of each post."""
    a, d = posts.account_idx.to_numpy(), posts.day_idx.to_numpy()
    posts["crisis_level"], posts["summit_level"] = crisis[a, d], summit[a, d]
    probs = _topic_probabilities(
        (posts.mission_id == P.HQ_ID).to_numpy(), posts.crisis_level.to_numpy(), posts.summit_level.to_numpy()
    )
    posts["topic"] = _draw_categories(rng, probs, P.TOPICS)
    posts["target_country"] = _choose_targets(rng, posts, accounts)
    posts["language"] = _choose_languages(rng, posts)
    format_probs = np.array([[P.FORMAT_WEIGHTS[p][f] for f in P.FORMATS] for p in P.PLATFORMS])
    platform_idx = posts.platform.map({p: i for i, p in enumerate(P.PLATFORMS)}).to_numpy()
    posts["format"] = _draw_categories(rng, format_probs[platform_idx], P.FORMATS)
    return posts


def _engagement(rng, posts, followers_now) -> tuple[np.ndarray, ...]:
    """Likes, shares, comments and the post's latent popularity (log scale)."""
    audience_tz = posts.target_country.map({c: v[2] for c, v in P.COUNTRIES.items()}).to_numpy()
    hour, weekday = _utc_to_local_parts(posts.posted_at, audience_tz)
    rate = (
        posts.platform.map(P.ENGAGEMENT_RATE).to_numpy()
        * (followers_now / P.ENGAGEMENT_SIZE_REFERENCE) ** P.ENGAGEMENT_SIZE_ELASTICITY
    )
    popularity = rng.normal(0, P.ENGAGEMENT_LOG_SD, len(posts))
    viral = rng.random(len(posts)) < P.VIRAL_PROBABILITY
    popularity += np.where(viral, np.log(rng.uniform(*P.VIRAL_MULTIPLIER_RANGE, len(posts))), 0.0)
    expected = (
        followers_now
        * rate
        * np.exp(popularity)
        * posts.topic.map(P.TOPIC_ENGAGEMENT).to_numpy()
        * posts.format.map(P.FORMAT_ENGAGEMENT).to_numpy()
        * _time_of_day_effect(hour, weekday)
        * (1 + P.CRISIS_ATTENTION_BOOST * (posts.crisis_level + posts.summit_level).to_numpy())
    )
    total = rng.poisson(expected)
    split = P.ENGAGEMENT_SPLIT
    likes = rng.binomial(total, split["likes"])
    shares = rng.binomial(total - likes, split["shares"] / (split["shares"] + split["comments"]))
    return likes, shares, total - likes - shares, popularity


def _impressions_and_reach(rng, posts, followers_now, popularity):
    per_follower = posts.platform.map(P.IMPRESSIONS_PER_FOLLOWER).to_numpy(float)  # NaN: not reported
    impressions = (
        followers_now
        * per_follower
        * np.exp(P.IMPRESSIONS_ENGAGEMENT_LINK * popularity + rng.normal(0, P.IMPRESSIONS_LOG_SD, len(posts)))
    )
    engagements = (posts.likes + posts.shares + posts.comments).to_numpy()
    impressions = np.maximum(np.round(impressions), engagements)
    not_yet = (posts.platform == "x") & (posts.posted_at < pd.Timestamp(P.X_IMPRESSIONS_FROM, tz="UTC"))
    api_failure = rng.random(len(posts)) < P.API_FAILURE_RATE
    impressions[not_yet.to_numpy() | api_failure] = np.nan
    frequency = rng.uniform(*P.REACH_FREQUENCY_RANGE, len(posts))
    reach = np.where(posts.platform.isin(["instagram", "facebook"]), np.round(impressions / frequency), np.nan)
    return pd.array(impressions, dtype="Int64"), pd.array(reach, dtype="Int64")


def _video_views(rng, posts, followers_now, popularity):
    """Plays of video posts; Instagram reported only 3-second views before the change date."""
    plays = np.round(
        followers_now
        * posts.platform.map(P.VIDEO_VIEWS_PER_FOLLOWER).to_numpy()
        * np.exp(P.VIDEO_VIEWS_POPULARITY_LINK * popularity + rng.normal(0, P.VIDEO_VIEWS_LOG_SD, len(posts)))
    )
    old_definition = (
        (posts.platform == "instagram") & (posts.posted_at < pd.Timestamp(P.INSTAGRAM_VIEWS_CHANGE_DATE, tz="UTC"))
    ).to_numpy()
    reported = np.where(old_definition, rng.binomial(plays.astype(np.int64), P.INSTAGRAM_3S_SHARE_OF_PLAYS), plays)
    is_video = (posts.format == "video").to_numpy()
    views = pd.array(np.where(is_video, reported, np.nan), dtype="Int64")
    definition = np.where(is_video, np.where(old_definition, "views_3s", "plays"), "")
    return views, definition


POST_COLUMNS = [
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
]


def make_posts(rng, accounts, followers, crisis, summit, days) -> pd.DataFrame:
    """All posts, plus working columns (indices, crisis levels) the comments simulation reuses."""
    posts = _post_skeleton(rng, accounts, _posting_rates(accounts, crisis, summit, days), days)
    posts = _describe_posts(rng, posts, accounts, crisis, summit)
    followers_now = followers[posts.account_idx, posts.day_idx]
    posts["followers"] = followers_now.astype(np.int64)
    likes, shares, comments, popularity = _engagement(rng, posts, followers_now)
    posts["likes"], posts["shares"], posts["comments"] = likes, shares, comments
    posts["impressions"], posts["reach"] = _impressions_and_reach(rng, posts, followers_now, popularity)
    posts["video_views"], posts["video_views_definition"] = _video_views(rng, posts, followers_now, popularity)
    posts["post_id"] = [f"p{i:06d}" for i in range(1, len(posts) + 1)]
    return posts


def make_posts_raw(posts: pd.DataFrame) -> pd.DataFrame:
    """The export as pulled: a re-pulled batch appears twice; definitions unlabelled."""
    raw = posts[[c for c in POST_COLUMNS if c != "video_views_definition"]]
    first = int(posts.posted_at.searchsorted(pd.Timestamp(P.DUPLICATE_BATCH_START, tz="UTC")))
    batch = raw.iloc[first : first + P.DUPLICATE_BATCH_SIZE]
    insert_at = int(posts.posted_at.searchsorted(pd.Timestamp(P.DUPLICATE_INSERT_AFTER, tz="UTC")))
    return pd.concat([raw.iloc[:insert_at], batch, raw.iloc[insert_at:]], ignore_index=True)


# --- audience ----------------------------------------------------------------------


def _country_weights(accounts: pd.DataFrame) -> pd.Series:
    """Where 'other' followers live: mission host countries by size, plus a little everywhere."""
    weights = pd.Series(P.AUDIENCE_BASE_COUNTRY_WEIGHT, index=[c for c in P.COUNTRIES if c != P.HOME_CODE])
    hosts = accounts[accounts.mission_id != P.HQ_ID].groupby("country_code").size_factor.sum()
    return weights.add(hosts / hosts.mean(), fill_value=0.0)


def _audience_shares(rng, accounts) -> np.ndarray:
    """(accounts x countries) share of each account's followers living in each country."""
    codes = list(P.COUNTRIES)
    weights = _country_weights(accounts)
    shares = np.zeros((len(accounts), len(codes)))
    for i, account in enumerate(accounts.itertuples()):
        is_hq = account.mission_id == P.HQ_ID
        others = weights.drop(account.country_code, errors="ignore")
        spread = rng.dirichlet(others.to_numpy() * P.AUDIENCE_SPREAD_CONCENTRATION)
        home = P.HQ_HOME_AUDIENCE_SHARE if is_hq else P.MISSION_AUDIENCE_SHARES["home"]
        rest = 1 - home - (0 if is_hq else P.MISSION_AUDIENCE_SHARES["host"])
        shares[i, [codes.index(c) for c in others.index]] = rest * spread
        shares[i, codes.index(P.HOME_CODE)] += home
        if not is_hq:
            shares[i, codes.index(account.country_code)] += P.MISSION_AUDIENCE_SHARES["host"]
    return shares


def make_audience(rng, accounts, followers, days) -> pd.DataFrame:
    month_ends = pd.date_range(P.START_DATE, P.END_DATE, freq="ME")
    end_idx = np.searchsorted(days.values, month_ends.values)
    at_month_end = np.nan_to_num(followers[:, end_idx])  # accounts x months
    shares = _audience_shares(rng, accounts)
    frames = []
    for platform in P.PLATFORMS:
        mask = (accounts.platform == platform).to_numpy()
        by_country = at_month_end[mask].T @ shares[mask]  # months x countries
        frame = pd.DataFrame(np.round(by_country).astype(np.int64), columns=list(P.COUNTRIES))
        frame.insert(0, "month", _iso_date(month_ends.to_period("M").to_timestamp()))
        frame = frame.melt(id_vars="month", var_name="audience_country", value_name="followers")
        frame.insert(1, "platform", platform)
        frames.append(frame[frame.followers > 0])
    audience = pd.concat(frames, ignore_index=True)
    return audience.sort_values(["month", "platform", "audience_country"], kind="stable").reset_index(drop=True)


# --- comments ------------------------------------------------------------------------


def _comment_sampling_probability(comment_counts: np.ndarray) -> float:
    """Sampling share that gives about COMMENT_SAMPLE_TARGET comments after the per-post cap."""
    low, high = 0.0, 1.0
    for _ in range(40):
        mid = (low + high) / 2
        expected = np.minimum(comment_counts * mid, P.COMMENT_SAMPLE_CAP_PER_POST).sum()
        low, high = (mid, high) if expected < P.COMMENT_SAMPLE_TARGET else (low, mid)
    return (low + high) / 2


def _reply_probability(commented_at, is_question, topic, platform, crisis) -> np.ndarray:
    progress = np.clip(_years_since_start(pd.DatetimeIndex(commented_at)) / P.REPLY_TREND_YEARS, 0, 1)
    logit = (
        P.REPLY_LOGIT_2016
        + (P.REPLY_LOGIT_2025 - P.REPLY_LOGIT_2016) * progress
        + P.REPLY_QUESTION_BOOST * is_question
        + P.REPLY_CONSULAR_BOOST * (topic == "consular")
        + P.REPLY_CRISIS_BOOST * crisis
        + platform.map(P.REPLY_PLATFORM_BOOST).to_numpy()
    )
    return 1 / (1 + np.exp(-logit))


def _reply_delay_minutes(rng, commented_at) -> np.ndarray:
    progress = np.clip(_years_since_start(pd.DatetimeIndex(commented_at)) / P.REPLY_TREND_YEARS, 0, 1)
    by_year = P.REPLY_DELAY_MEDIAN_HOURS
    first, last = by_year[min(by_year)], by_year[max(by_year)]
    median_hours = np.exp(np.log(first) + (np.log(last) - np.log(first)) * progress)
    delay = median_hours * 60 * np.exp(rng.normal(0, P.REPLY_DELAY_LOG_SD, len(progress)))
    return np.maximum(np.round(delay), P.REPLY_DELAY_MIN_MINUTES).astype(np.int64)


def make_comments(rng, posts: pd.DataFrame) -> pd.DataFrame:
    """A sample of public comments on the posts, with the ministry's replies."""
    counts = posts.comments.to_numpy()
    sampled = np.minimum(rng.binomial(counts, _comment_sampling_probability(counts)), P.COMMENT_SAMPLE_CAP_PER_POST)
    parent = posts.iloc[np.repeat(np.arange(len(posts)), sampled)].reset_index(drop=True)
    delay = np.exp(rng.normal(np.log(P.COMMENT_DELAY_MEDIAN_HOURS * 60), P.COMMENT_DELAY_LOG_SD, len(parent)))
    commented_at = parent.posted_at + pd.to_timedelta(
        np.round(np.minimum(delay, P.COMMENT_DELAY_MAX_MINUTES)), unit="m"
    )
    question_share = parent.topic.map(P.QUESTION_SHARE).fillna(P.QUESTION_SHARE["other"]).to_numpy()
    is_question = rng.random(len(parent)) < question_share
    same_language = rng.random(len(parent)) < P.COMMENT_SAME_LANGUAGE_SHARE
    language = np.where(
        same_language, parent.language, np.where(parent.language == P.HOME_LANGUAGE, "en", P.HOME_LANGUAGE)
    )
    reply_p = _reply_probability(
        commented_at, is_question, parent.topic.to_numpy(), parent.platform, parent.crisis_level.to_numpy()
    )
    replied = rng.random(len(parent)) < reply_p
    replied_at = commented_at + pd.to_timedelta(_reply_delay_minutes(rng, commented_at), unit="m")
    comments = pd.DataFrame(
        {
            "post_id": parent.post_id,
            "account_id": parent.account_id,
            "platform": parent.platform,
            "commented_at": commented_at,
            "is_question": is_question,
            "language": language,
            "replied": replied,
            "replied_at": replied_at.where(replied),
        }
    )
    # the sample ends with the decade: later comments on late-December posts are not in the export
    comments = comments[comments.commented_at < pd.Timestamp(P.END_DATE, tz="UTC") + pd.Timedelta(days=1)]
    comments = comments.sort_values(["commented_at", "post_id"], kind="stable").reset_index(drop=True)
    comments.insert(0, "comment_id", [f"c{i:07d}" for i in range(1, len(comments) + 1)])
    return comments


# --- meetings ---------------------------------------------------------------------------


def _meeting_days(rng, days, summit_home) -> np.ndarray:
    year_factor = np.array([P.MEETINGS_YEAR_FACTOR.get(y, 1.0) for y in days.year])
    factor = P.MEETINGS_DAY_FACTOR
    weekday = np.where(
        days.day_of_week < 5, factor["weekday"], np.where(days.day_of_week == 5, factor["saturday"], factor["sunday"])
    )
    rate = P.MEETINGS_PER_YEAR / 365 * year_factor * weekday * (1 + summit_home)
    counts = rng.poisson(rate)
    return np.repeat(days.values, counts)


def _meeting_formats(rng, dates: pd.DatetimeIndex) -> np.ndarray:
    before_pandemic = dates < pd.Timestamp(P.PANDEMIC_REMOTE_FROM)
    pandemic_year = pd.Timestamp(P.PANDEMIC_REMOTE_FROM).year
    year = np.where(before_pandemic & (dates.year == pandemic_year), pandemic_year - 1, dates.year)
    virtual = np.array([P.REMOTE_SHARE_BY_YEAR[y][0] for y in year])
    hybrid = np.array([P.REMOTE_SHARE_BY_YEAR[y][1] for y in year])
    probs = np.column_stack([1 - virtual - hybrid, virtual, hybrid])
    return _draw_categories(rng, probs, ["in_person", "virtual", "hybrid"])


def make_meetings(rng, days, summit_home) -> pd.DataFrame:
    dates = pd.DatetimeIndex(_meeting_days(rng, days, summit_home))
    n = len(dates)
    in_summit_year = dates.year == P.SUMMIT_YEAR
    multilateral_share = np.where(
        in_summit_year, P.MULTILATERAL_SHARE + P.SUMMIT_YEAR_MULTILATERAL_BOOST, P.MULTILATERAL_SHARE
    )
    multilateral = rng.random(n) < multilateral_share
    org_weights = np.array([P.ORGANISATION_WEIGHTS.get(org, 1.0) for org in P.ORGANISATIONS])
    orgs = rng.choice(P.ORGANISATIONS, size=n, p=org_weights / org_weights.sum())
    country_codes = [c for c in P.COUNTRIES if c != P.HOME_CODE]
    partners = rng.choice(country_codes, size=n)
    counterpart = np.where(multilateral, orgs, [P.COUNTRIES[c][0] for c in partners])
    levels = _draw_categories(rng, np.tile(list(P.LEVEL_WEIGHTS.values()), (n, 1)), list(P.LEVEL_WEIGHTS))
    formats = _meeting_formats(rng, dates)
    median = pd.Series(formats).map({k: v[0] for k, v in P.DURATION_MINUTES.items()}).to_numpy()
    log_sd = pd.Series(formats).map({k: v[1] for k, v in P.DURATION_MINUTES.items()}).to_numpy()
    step = P.DURATION_STEP_MINUTES
    duration = np.maximum(np.round(median * np.exp(rng.normal(0, 1, n) * log_sd) / step) * step, P.DURATION_MIN_MINUTES)
    return pd.DataFrame(
        {
            "meeting_id": [f"m{i:05d}" for i in range(1, n + 1)],
            "date": _iso_date(dates),
            "counterpart": counterpart,
            "counterpart_country": np.where(multilateral, "", partners),
            "kind": np.where(multilateral, "multilateral", "bilateral"),
            "level": levels,
            "format": formats,
            "duration_minutes": duration.astype(np.int64),
        }
    )


# --- website ---------------------------------------------------------------------------


def make_website(rng, accounts, crisis_effects, days) -> pd.DataFrame:
    months = pd.date_range(P.START_DATE, P.END_DATE, freq="MS")
    month_of_day = days.to_period("M")
    codes = list(P.COUNTRIES)
    weights = _country_weights(accounts).reindex(codes).fillna(0.0)
    weights[P.HOME_CODE] = 0.0
    country_share = (1 - P.WEBSITE_HOME_SHARE) * weights / weights.sum()
    country_share[P.HOME_CODE] = P.WEBSITE_HOME_SHARE
    zero = np.zeros(len(days))
    worldwide = crisis_effects.get("", zero)
    foreign = sum((v for k, v in crisis_effects.items() if k not in ("", P.HOME_CODE)), zero)
    rows = []
    for code in codes:
        daily = (
            worldwide
            + crisis_effects.get(code, zero)
            + (P.WEBSITE_FOREIGN_CRISIS_AT_HOME * foreign if code == P.HOME_CODE else 0)
        )
        monthly = pd.Series(daily).groupby(month_of_day).mean().to_numpy()
        for section, weight in P.WEBSITE_SECTION_WEIGHTS.items():
            boost = 1 + P.WEBSITE_CRISIS_BOOST.get(section, 0.0) * monthly
            if section == "visa":  # nobody applies for visas while borders are closed
                boost = boost * (
                    1 - P.WEBSITE_VISA_CRISIS_DROP * pd.Series(worldwide).groupby(month_of_day).mean().to_numpy()
                )
            rows.append(
                pd.DataFrame(
                    {
                        "month": _iso_date(months),
                        "visitor_country": code,
                        "section": section,
                        "expected": weight * country_share[code] * boost,
                    }
                )
            )
    website = pd.concat(rows, ignore_index=True)
    years = (pd.DatetimeIndex(website.month) - pd.Timestamp(P.START_DATE)).days / 365.25
    expected = (
        P.WEBSITE_SESSIONS_PER_MONTH_2016
        * np.exp(P.WEBSITE_GROWTH_PER_YEAR * years)
        * website.expected
        * np.exp(rng.normal(0, P.WEBSITE_NOISE_LOG_SD, len(website)))
    )
    website["sessions"] = np.round(expected).astype(np.int64)
    website = website.drop(columns="expected")
    return website.sort_values(["month", "visitor_country", "section"], kind="stable").reset_index(drop=True)


# --- putting it together -------------------------------------------------------------------


def _public_accounts(accounts: pd.DataFrame) -> pd.DataFrame:
    out = accounts.drop(columns="size_factor").copy()
    out["opened_on"] = _iso_date(out.opened_on)
    return out


def _public_posts(posts: pd.DataFrame) -> pd.DataFrame:
    out = posts[POST_COLUMNS].copy()
    out["posted_at"] = _utc_iso(out.posted_at)
    return out


def _public_comments(comments: pd.DataFrame) -> pd.DataFrame:
    out = comments.copy()
    out["commented_at"] = _utc_iso(out.commented_at)
    out["replied_at"] = _utc_iso(out.replied_at)
    return out


def generate_all(seed: int = P.DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Every table of the fictional ministry, as DataFrames of strings and integers (as written)."""
    rng = np.random.default_rng(seed)
    days = _days()
    events = make_events()
    accounts = make_accounts(rng)
    crisis_effects = event_effects(events, days, summit=False)
    crisis = account_intensity(accounts, crisis_effects, len(days))
    summit = account_intensity(accounts, event_effects(events, days, summit=True), len(days))
    followers = follower_matrix(accounts, crisis + summit, days, rng)
    posts = make_posts(rng, accounts, followers, crisis, summit, days)
    comments = make_comments(rng, posts)
    summit_home = event_effects(events, days, summit=True).get(P.HOME_CODE, np.zeros(len(days)))
    public_posts = _public_posts(posts)
    return {
        "accounts": _public_accounts(accounts),
        "posts": public_posts,
        "posts_raw": make_posts_raw(public_posts.assign(posted_at=posts.posted_at)).assign(
            posted_at=lambda df: _utc_iso(df.posted_at)
        ),
        "audience": make_audience(rng, accounts, followers, days),
        "comments": _public_comments(comments),
        "meetings": make_meetings(rng, days, summit_home),
        "website": make_website(rng, accounts, crisis_effects, days),
        "events": make_events(),
        "countries": make_countries(),
    }


def write_table(df: pd.DataFrame, path: Path) -> None:
    """CSV with fixed float format and line endings; gzip without a timestamp (byte-identical)."""
    compression = {"method": "gzip", "mtime": 0} if path.suffix == ".gz" else None
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.4g", compression=compression)


def write_all(out_dir: Path | str | None = None, seed: int = P.DEFAULT_SEED) -> dict[str, Path]:
    """Generate every table and write it to ``out_dir`` (default: the repository's datasets/)."""
    from diplomacy_course.core.locations import datasets_dir

    out = Path(out_dir) if out_dir is not None else datasets_dir()
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, df in generate_all(seed).items():
        path = out / TABLE_FILES[name]
        write_table(df, path)
        written[name] = path
    return written
