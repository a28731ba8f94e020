"""Every number the simulator uses, in one place, each with where it comes from.

"DF5" means section 5 of ``research/domain-facts.md`` (parameters for simulating a
ministry's channels), "DF2" section 2 (engagement metrics), "DF3" section 3
(Indonesia). "assumption" means we chose the number ourselves so the data shows
a pattern the course teaches; the datasheet (``datasets/README.md``) lists them.

The ministry is fictional: the Ministry of Foreign Affairs of the Republic of
Maritima (code XM), modelled loosely on an archipelagic middle power.
"""

from __future__ import annotations

DEFAULT_SEED = 20160101  # assumption: any fixed number; the committed files use this one

# --- the decade ---------------------------------------------------------------
START_DATE = "2016-01-01"  # brief: ten years of activity
END_DATE = "2025-12-31"

# --- the ministry -------------------------------------------------------------
HOME_CODE = "XM"  # fictional ISO-style code (XM is not assigned to any real country)
HQ_CITY = "Port Selat"  # fictional capital
HQ_TIMEZONE = "Asia/Jakarta"  # assumption: an archipelago on Western Indonesia Time
HOME_LANGUAGE = "id"

PLATFORMS = ("x", "instagram", "facebook", "youtube", "tiktok")
TOPICS = ("consular", "economic", "public_cultural", "multilateral", "crisis", "ceremonial")
FORMATS = ("text", "image", "video", "link")
MISSION_TYPES = ("headquarters", "embassy", "consulate_general", "permanent_mission")

# country code -> (name, region, canonical time zone of its audience, main local languages)
# Real countries, real time zones; the audience's local time in the course uses this zone.
COUNTRIES: dict[str, tuple[str, str, str, str]] = {
    "XM": ("Maritima", "Southeast Asia", "Asia/Jakarta", "id"),
    "JP": ("Japan", "East Asia", "Asia/Tokyo", "ja"),
    "CN": ("China", "East Asia", "Asia/Shanghai", "zh"),
    "KR": ("South Korea", "East Asia", "Asia/Seoul", "ko"),
    "HK": ("Hong Kong", "East Asia", "Asia/Hong_Kong", "zh"),
    "SG": ("Singapore", "Southeast Asia", "Asia/Singapore", "en;ms;zh"),
    "MY": ("Malaysia", "Southeast Asia", "Asia/Kuala_Lumpur", "ms"),
    "TH": ("Thailand", "Southeast Asia", "Asia/Bangkok", "th"),
    "PH": ("Philippines", "Southeast Asia", "Asia/Manila", "tl"),
    "VN": ("Viet Nam", "Southeast Asia", "Asia/Ho_Chi_Minh", "vi"),
    "IN": ("India", "South Asia", "Asia/Kolkata", "hi"),
    "AU": ("Australia", "Oceania", "Australia/Sydney", "en"),
    "NZ": ("New Zealand", "Oceania", "Pacific/Auckland", "en"),
    "SA": ("Saudi Arabia", "Middle East", "Asia/Riyadh", "ar"),
    "AE": ("United Arab Emirates", "Middle East", "Asia/Dubai", "ar"),
    "QA": ("Qatar", "Middle East", "Asia/Qatar", "ar"),
    "TR": ("Türkiye", "Middle East", "Europe/Istanbul", "tr"),
    "EG": ("Egypt", "Africa", "Africa/Cairo", "ar"),
    "ZA": ("South Africa", "Africa", "Africa/Johannesburg", "en"),
    "KE": ("Kenya", "Africa", "Africa/Nairobi", "en;sw"),
    "NG": ("Nigeria", "Africa", "Africa/Lagos", "en"),
    "GB": ("United Kingdom", "Europe", "Europe/London", "en"),
    "FR": ("France", "Europe", "Europe/Paris", "fr"),
    "DE": ("Germany", "Europe", "Europe/Berlin", "de"),
    "NL": ("Netherlands", "Europe", "Europe/Amsterdam", "nl"),
    "BE": ("Belgium", "Europe", "Europe/Brussels", "fr;nl"),
    "CH": ("Switzerland", "Europe", "Europe/Zurich", "fr;de"),
    "RU": ("Russia", "Europe", "Europe/Moscow", "ru"),
    "IT": ("Italy", "Europe", "Europe/Rome", "it"),
    "US": ("United States", "Americas", "America/New_York", "en"),
    "CA": ("Canada", "Americas", "America/Toronto", "en;fr"),
    "MX": ("Mexico", "Americas", "America/Mexico_City", "es"),
    "BR": ("Brazil", "Americas", "America/Sao_Paulo", "pt"),
    "AR": ("Argentina", "Americas", "America/Argentina/Buenos_Aires", "es"),
    "PG": ("Papua New Guinea", "Oceania", "Pacific/Port_Moresby", "en"),
    "TL": ("Timor-Leste", "Southeast Asia", "Asia/Dili", "pt"),
    "BN": ("Brunei", "Southeast Asia", "Asia/Brunei", "ms"),
    "FJ": ("Fiji", "Oceania", "Pacific/Fiji", "en"),
    "PK": ("Pakistan", "South Asia", "Asia/Karachi", "ur"),
    "BD": ("Bangladesh", "South Asia", "Asia/Dhaka", "bn"),
}

# mission_id -> (mission_type, city, country_code, IANA time zone, size multiplier)
# Real cities (brief). Size multiplier: assumption, bigger where a large diaspora or
# busy bilateral agenda would be (Kuala Lumpur, Jeddah, Hong Kong, Tokyo...).
HQ_ID = "hq"
MISSIONS: dict[str, tuple[str, str, str, str, float]] = {
    "hq": ("headquarters", HQ_CITY, "XM", HQ_TIMEZONE, 1.0),
    "tokyo": ("embassy", "Tokyo", "JP", "Asia/Tokyo", 1.6),
    "beijing": ("embassy", "Beijing", "CN", "Asia/Shanghai", 1.0),
    "seoul": ("embassy", "Seoul", "KR", "Asia/Seoul", 1.3),
    "hong-kong": ("consulate_general", "Hong Kong", "HK", "Asia/Hong_Kong", 1.8),
    "singapore": ("embassy", "Singapore", "SG", "Asia/Singapore", 1.5),
    "kuala-lumpur": ("embassy", "Kuala Lumpur", "MY", "Asia/Kuala_Lumpur", 2.2),
    "bangkok": ("embassy", "Bangkok", "TH", "Asia/Bangkok", 0.8),
    "manila": ("embassy", "Manila", "PH", "Asia/Manila", 0.8),
    "hanoi": ("embassy", "Hanoi", "VN", "Asia/Ho_Chi_Minh", 0.6),
    "new-delhi": ("embassy", "New Delhi", "IN", "Asia/Kolkata", 0.7),
    "canberra": ("embassy", "Canberra", "AU", "Australia/Sydney", 0.9),
    "sydney": ("consulate_general", "Sydney", "AU", "Australia/Sydney", 1.0),
    "wellington": ("embassy", "Wellington", "NZ", "Pacific/Auckland", 0.4),
    "riyadh": ("embassy", "Riyadh", "SA", "Asia/Riyadh", 1.2),
    "jeddah": ("consulate_general", "Jeddah", "SA", "Asia/Riyadh", 2.0),
    "abu-dhabi": ("embassy", "Abu Dhabi", "AE", "Asia/Dubai", 0.9),
    "doha": ("embassy", "Doha", "QA", "Asia/Qatar", 0.7),
    "ankara": ("embassy", "Ankara", "TR", "Europe/Istanbul", 0.6),
    "cairo": ("embassy", "Cairo", "EG", "Africa/Cairo", 0.8),
    "pretoria": ("embassy", "Pretoria", "ZA", "Africa/Johannesburg", 0.4),
    "nairobi": ("embassy", "Nairobi", "KE", "Africa/Nairobi", 0.4),
    "abuja": ("embassy", "Abuja", "NG", "Africa/Lagos", 0.3),
    "london": ("embassy", "London", "GB", "Europe/London", 1.1),
    "paris": ("embassy", "Paris", "FR", "Europe/Paris", 0.8),
    "berlin": ("embassy", "Berlin", "DE", "Europe/Berlin", 0.8),
    "the-hague": ("embassy", "The Hague", "NL", "Europe/Amsterdam", 1.0),
    "brussels": ("embassy", "Brussels", "BE", "Europe/Brussels", 0.5),
    "geneva": ("permanent_mission", "Geneva", "CH", "Europe/Zurich", 0.6),
    "moscow": ("embassy", "Moscow", "RU", "Europe/Moscow", 0.5),
    "rome": ("embassy", "Rome", "IT", "Europe/Rome", 0.5),
    "new-york": ("permanent_mission", "New York", "US", "America/New_York", 0.9),
    "washington": ("embassy", "Washington", "US", "America/New_York", 1.1),
    "los-angeles": ("consulate_general", "Los Angeles", "US", "America/Los_Angeles", 0.7),
    "ottawa": ("embassy", "Ottawa", "CA", "America/Toronto", 0.5),
    "mexico-city": ("embassy", "Mexico City", "MX", "America/Mexico_City", 0.4),
    "brasilia": ("embassy", "Brasília", "BR", "America/Sao_Paulo", 0.4),
    "buenos-aires": ("embassy", "Buenos Aires", "AR", "America/Argentina/Buenos_Aires", 0.3),
}
MISSION_SIZE_LOG_SD = 0.3  # assumption: per-account noise around the size multiplier

# --- which platforms, and when they opened ------------------------------------
# Probability that a mission runs an account on the platform (HQ runs all five).
# assumption, consistent with DF3 "Dec 2023: 133 missions, each with its own accounts".
PLATFORM_ADOPTION = {"x": 0.85, "instagram": 0.95, "facebook": 0.9, "youtube": 0.3, "tiktok": 0.3}
# Window (first, last) in which a mission's account opens; brief + assumption:
# X and Facebook mostly before 2016, Instagram spreads 2016-2019, TikTok late.
MISSION_OPENING_WINDOW = {
    "x": ("2011-01-01", "2016-09-30"),
    "facebook": ("2010-06-01", "2016-06-30"),
    "instagram": ("2016-01-01", "2019-12-31"),
    "youtube": ("2015-01-01", "2021-12-31"),
    "tiktok": ("2022-01-01", "2024-12-31"),
}
HQ_OPENED_ON = {  # DF3: @Kemlu_RI registered 2010; the rest assumption
    "x": "2010-05-03",
    "facebook": "2011-02-14",
    "instagram": "2014-03-10",
    "youtube": "2012-08-17",
    "tiktok": "2020-06-15",  # brief: TikTok 2020+ for HQ
}

# --- followers ----------------------------------------------------------------
# HQ followers on 2019-12-31. DF3: @Kemlu_RI ~164k on X around Dec 2019; Instagram
# ~210k in 2019; DF5: a Kemlu-sized ministry ~150-250k per platform around 2019.
HQ_FOLLOWERS_REF_DATE = "2019-12-31"
HQ_FOLLOWERS_AT_REF = {"x": 164_000, "instagram": 210_000, "facebook": 150_000, "youtube": 24_000}
# A typical mission's followers in Oct 2021: DF5, KBRI Beijing (Oct 2021): Instagram
# 11,300, Facebook 3,900, X 1,400, YouTube 208.
MISSION_FOLLOWERS_REF_DATE = "2021-10-31"
MISSION_FOLLOWERS_AT_REF = {"x": 1_400, "instagram": 11_300, "facebook": 3_900, "youtube": 208}
# Accounts that open after their reference date start from this many followers (assumption).
FOLLOWERS_AT_OPENING = {"hq": 3_000, "mission": 150}
# Yearly log-growth of followers for an established account (assumption; TikTok
# grows fastest, X slowest, in line with DF5 "leaders gained followers faster").
YEARLY_LOG_GROWTH = {"x": 0.07, "instagram": 0.16, "facebook": 0.05, "youtube": 0.15, "tiktok": 0.4}
YOUNG_ACCOUNT_BOOST = 2.0  # assumption: new accounts grow (1 + 2 e^(-age/1 yr)) times faster
YOUNG_ACCOUNT_DAYS = 365  # assumption: the "1 yr" above, the time constant of that boost, in days
CRISIS_GROWTH_BOOST = 1.5  # DF5: leaders gained followers faster during the pandemic; size assumption
FOLLOWER_GROWTH_NOISE_SD = 0.5  # assumption: day-to-day variation of the growth rate (gamma shape 4)

# --- posting ------------------------------------------------------------------
# Posts per day at HQ. DF5: Kemlu Instagram ~0.7 posts/day; governments ~0.6/day
# on Facebook; X busier (assumption); YouTube and TikTok assumptions.
HQ_POSTS_PER_DAY = {"x": 1.3, "instagram": 0.7, "facebook": 0.6, "youtube": 0.08, "tiktok": 0.35}
# A size-1 mission posts this share of HQ's rate (assumption: small press teams;
# brands post 4-5 times a week per platform, DF5, embassies less).
MISSION_POSTING_SHARE = 0.12
POSTING_TREND_PER_YEAR = 0.04  # assumption: activity grows ~4%/year over the decade
CRISIS_VOLUME_BOOST = 1.2  # assumption: posting rate x (1 + 1.2 x intensity)
WEEKDAY_POSTING = (1.1, 1.1, 1.1, 1.1, 1.0, 0.5, 0.35)  # Mon..Sun; DF5: Sundays quieter
# Local hour at which staff post (office hours, a few evening and scheduled posts);
# relative weights, hours 0..23. assumption.
POSTING_HOUR_WEIGHTS = (
    0.2,
    0.1,
    0.1,
    0.1,
    0.2,
    0.5,
    1.0,
    2.5,
    5.0,
    7.0,
    7.0,
    6.0,
    4.0,
    4.5,
    5.0,
    4.5,
    3.5,
    2.5,
    2.0,
    2.0,
    1.5,
    1.0,
    0.5,
    0.3,
)

# Topic mix (assumption; DF3: Kemlu Instagram 2019 mostly events/achievements/greetings).
BASE_TOPIC_WEIGHTS = {
    "hq": {
        "consular": 0.14,
        "economic": 0.16,
        "public_cultural": 0.2,
        "multilateral": 0.24,
        "crisis": 0.04,
        "ceremonial": 0.22,
    },
    "mission": {
        "consular": 0.2,
        "economic": 0.2,
        "public_cultural": 0.3,
        "multilateral": 0.06,
        "crisis": 0.03,
        "ceremonial": 0.21,
    },
}
CRISIS_TOPIC_SHIFT = 0.45  # assumption: crisis share rises by 0.45 x intensity (DF5: COVID top topic Q1 2020)
SUMMIT_MULTILATERAL_SHIFT = 0.35  # assumption: hosting year tilts towards multilateral posts
# Intensities above these caps shift the topic mix no further (assumption: a ministry keeps some
# routine posts even in its worst crisis or busiest summit week).
CRISIS_TOPIC_SHIFT_CAP = 1.2
SUMMIT_MULTILATERAL_SHIFT_CAP = 1.0
# Format mix per platform (assumption).
FORMAT_WEIGHTS = {
    "x": {"text": 0.45, "image": 0.35, "video": 0.1, "link": 0.1},
    "instagram": {"text": 0.0, "image": 0.72, "video": 0.28, "link": 0.0},
    "facebook": {"text": 0.12, "image": 0.5, "video": 0.18, "link": 0.2},
    "youtube": {"text": 0.0, "image": 0.0, "video": 1.0, "link": 0.0},
    "tiktok": {"text": 0.0, "image": 0.0, "video": 1.0, "link": 0.0},
}
# Target audience (brief): HQ mostly home; missions their host, sometimes home.
HQ_HOME_TARGET_SHARE = 0.85
MISSION_HOME_TARGET_SHARE = {"consular": 0.35, "other": 0.05}
# Language of a post (assumption; brief: home audiences read the home language, foreign ones
# English or a local language). Each share is a cut point on one uniform draw.
HOME_AUDIENCE_IN_HOME_LANGUAGE = 0.92  # the rest in English
HQ_FOREIGN_AUDIENCE_IN_ENGLISH = 0.85  # HQ addressing a foreign audience; the rest in the home language
# A mission addressing a host with local languages: below 0.15 the home language, below 0.55
# English, above that one of the host's languages (45%, split evenly among them).
HOST_AUDIENCE_LANGUAGE_CUTS = (0.15, 0.55)
HOST_AUDIENCE_IN_HOME_LANGUAGE_NO_LOCAL = 0.2  # hosts whose only local language is English: rest English

# --- engagement ---------------------------------------------------------------
# Median engagements / followers per post. DF2: Rival IQ 2023 medians by followers:
# TikTok 5.69%, Instagram 0.47%, Facebook 0.06%, X 0.035%. YouTube: assumption.
ENGAGEMENT_RATE = {"x": 0.00035, "instagram": 0.0047, "facebook": 0.0006, "youtube": 0.002, "tiktok": 0.0569}
ENGAGEMENT_SIZE_ELASTICITY = -0.15  # assumption: small accounts engage a larger share of followers
ENGAGEMENT_SIZE_REFERENCE = 150_000  # followers at which the rates above apply (DF5 scale)
ENGAGEMENT_LOG_SD = 1.15  # DF5: lognormal with log-SD about 1-1.5
VIRAL_PROBABILITY = 0.004  # assumption: a few viral posts ...
VIRAL_MULTIPLIER_RANGE = (8.0, 40.0)  # ... reaching 8-40 times their usual engagement
# Split of engagements: DF5 "likes run a few times shares".
ENGAGEMENT_SPLIT = {"likes": 0.8, "shares": 0.13, "comments": 0.07}
TOPIC_ENGAGEMENT = {
    "consular": 0.9,
    "economic": 0.8,
    "public_cultural": 1.25,
    "multilateral": 0.85,
    "crisis": 1.5,
    "ceremonial": 1.0,
}  # assumption
FORMAT_ENGAGEMENT = {"text": 0.7, "image": 1.0, "video": 1.3, "link": 0.6}  # assumption
# Audience local time (DF5: weekday mornings do best for government accounts; Sundays quieter).
WEEKDAY_MORNING_HOURS = (7, 11)  # inclusive start, exclusive end, audience local time
NIGHT_HOURS = (22, 6)  # 22:00-06:00 audience local time
TIME_ENGAGEMENT = {"weekday_morning": 1.35, "day": 1.0, "night": 0.55, "weekend": 0.8}
CRISIS_ATTENTION_BOOST = 0.8  # assumption: engagement x (1 + 0.8 x intensity)

# Impressions and reach.
# Impressions per follower (median, assumption) and who reports them (brief: X view
# counts from 2023-01-01; TikTok reports views, not impressions).
IMPRESSIONS_PER_FOLLOWER = {"x": 0.25, "instagram": 0.35, "facebook": 0.12, "youtube": 0.5}
X_IMPRESSIONS_FROM = "2023-01-01"
IMPRESSIONS_LOG_SD = 0.45  # assumption: own noise beyond what engagement explains
IMPRESSIONS_ENGAGEMENT_LINK = 0.7  # assumption: viral posts are also seen more
API_FAILURE_RATE = 0.03  # brief: ~3% of reported metrics missing from API failures
REACH_FREQUENCY_RANGE = (1.1, 1.6)  # assumption: impressions / reach (Instagram, Facebook)
# Video views per follower (assumption) and Instagram's definition change (brief).
VIDEO_VIEWS_PER_FOLLOWER = {"x": 0.08, "instagram": 0.3, "facebook": 0.1, "youtube": 0.4, "tiktok": 1.2}
VIDEO_VIEWS_POPULARITY_LINK = 0.8  # assumption: popular posts are also watched more (log scale)
VIDEO_VIEWS_LOG_SD = 0.4  # assumption: own noise of views beyond what engagement explains
INSTAGRAM_VIEWS_CHANGE_DATE = "2021-07-01"
INSTAGRAM_3S_SHARE_OF_PLAYS = 0.4  # brief: raw values jump x~2.5 at the change

# --- raw export blemishes -----------------------------------------------------
DUPLICATE_BATCH_SIZE = 320  # brief: a few hundred rows re-pulled
DUPLICATE_BATCH_START = "2019-03-01"  # the re-pulled batch starts at this post date ...
DUPLICATE_INSERT_AFTER = "2021-05-01"  # ... and reappears just before the posts of this date

# --- audience by country ------------------------------------------------------
HQ_HOME_AUDIENCE_SHARE = 0.72  # assumption: home the largest share (brief)
MISSION_AUDIENCE_SHARES = {"host": 0.5, "home": 0.3, "other": 0.2}  # assumption
# Where the "other" followers live (assumption): every country gets this base weight, host
# countries of missions more by the missions' size ...
AUDIENCE_BASE_COUNTRY_WEIGHT = 0.15
# ... and each account's split among them is a Dirichlet draw around those weights; the larger
# this concentration, the closer accounts stay to the weights (assumption).
AUDIENCE_SPREAD_CONCENTRATION = 20

# --- comments and replies -----------------------------------------------------
COMMENT_SAMPLE_TARGET = 110_000  # brief: 100k-200k rows max; a sample of public comments
COMMENT_SAMPLE_CAP_PER_POST = 40  # assumption: keeps viral posts from dominating the sample
QUESTION_SHARE = {"consular": 0.45, "crisis": 0.4, "other": 0.15}  # assumption
# Reply probability, logit scale. DF5: governments rarely reply; Kemlu showed little
# two-way interaction; US municipalities answered 38% of Twitter requests. Brief:
# ~5% in 2016 rising to ~20-25% by 2025.
REPLY_LOGIT_2016 = -3.9
REPLY_LOGIT_2025 = -1.8
# Years from START_DATE to where the 2025 values apply (mid-2025); the trend is linear in between.
REPLY_TREND_YEARS = 9.5
REPLY_QUESTION_BOOST = 1.4  # questions more likely answered (assumption)
REPLY_CONSULAR_BOOST = 0.5  # consular posts get more attention (assumption)
REPLY_CRISIS_BOOST = 0.6  # per unit crisis intensity (assumption)
REPLY_PLATFORM_BOOST = {"x": 0.0, "instagram": 0.1, "facebook": 0.3, "youtube": -0.6, "tiktok": -0.3}
REPLY_DELAY_MEDIAN_HOURS = {2016: 26.0, 2025: 3.0}  # assumption: faster replies over time
REPLY_DELAY_LOG_SD = 1.0
REPLY_DELAY_MIN_MINUTES = 2  # assumption: no reply is typed faster than this
COMMENT_DELAY_MEDIAN_HOURS = 1.5  # DF2: ~55% of retweets within an hour; comments a little slower
COMMENT_DELAY_LOG_SD = 1.3
COMMENT_DELAY_MAX_MINUTES = 30 * 24 * 60  # assumption: comments come within 30 days of the post
COMMENT_SAME_LANGUAGE_SHARE = 0.75  # assumption: the rest switch between English and the home language

# --- meetings -----------------------------------------------------------------
MEETINGS_PER_YEAR = 430  # brief: ~300-600 a year
SUMMIT_YEAR = 2022  # the IPOF presidency (events ev09 and ev10 below)
MEETINGS_YEAR_FACTOR = {2020: 0.85, SUMMIT_YEAR: 1.2}  # assumption: pandemic dip; summit-hosting year
# Meetings per weekday relative to the yearly average (assumption: few at weekends).
MEETINGS_DAY_FACTOR = {"weekday": 1.35, "saturday": 0.12, "sunday": 0.04}
# Share of meetings held virtually / hybrid by year (brief: almost none before 2020,
# majority in 2020, settling at 20-30% virtual+hybrid by 2023-25).
REMOTE_SHARE_BY_YEAR = {
    2016: (0.01, 0.0),
    2017: (0.01, 0.0),
    2018: (0.015, 0.005),
    2019: (0.02, 0.005),
    2020: (0.62, 0.06),
    2021: (0.52, 0.1),
    2022: (0.2, 0.12),
    2023: (0.13, 0.11),
    2024: (0.12, 0.12),
    2025: (0.11, 0.13),
}
PANDEMIC_REMOTE_FROM = "2020-03-01"  # before this 2020 uses the 2019 shares
MULTILATERAL_SHARE = 0.35  # assumption
SUMMIT_YEAR_MULTILATERAL_BOOST = 0.15  # assumption: the presidency year adds multilateral meetings
ORGANISATIONS = ("ASEAN", "UN", "G20", "OIC", "WHO", "WTO", "APEC", "IORA", "IPOF")
ORGANISATION_WEIGHTS = {"IPOF": 0.5}  # relative to 1 for the others (assumption: a small forum)
LEVEL_WEIGHTS = {"head_of_state": 0.08, "minister": 0.32, "vice_minister": 0.2, "senior_official": 0.4}
DURATION_MINUTES = {"in_person": (75, 0.4), "virtual": (55, 0.35), "hybrid": (90, 0.35)}  # median, log-SD
DURATION_STEP_MINUTES = 5  # minutes are booked in steps of 5 (assumption) ...
DURATION_MIN_MINUTES = 15  # ... and no meeting is shorter than this

# --- website ------------------------------------------------------------------
WEBSITE_SESSIONS_PER_MONTH_2016 = 260_000  # assumption: ministry-wide, all countries
WEBSITE_HOME_SHARE = 0.6  # assumption
WEBSITE_GROWTH_PER_YEAR = 0.07  # assumption
WEBSITE_SECTION_WEIGHTS = {
    "news": 0.22,
    "consular_services": 0.2,
    "travel_advice": 0.12,
    "visa": 0.22,
    "about": 0.08,
    "press_releases": 0.16,
}
WEBSITE_CRISIS_BOOST = {"travel_advice": 6.0, "consular_services": 3.0, "news": 1.0}  # x intensity
WEBSITE_NOISE_LOG_SD = 0.12  # assumption
WEBSITE_FOREIGN_CRISIS_AT_HOME = 0.5  # assumption: home visitors also follow crises in host countries
WEBSITE_VISA_CRISIS_DROP = 0.6  # assumption: worldwide crises (closed borders) cut visa visits by up to 60%

# --- events: the timeline the simulation follows ------------------------------
# (event_id, start, end, name, kind, country_code or "" for worldwide, intensity, description)
# Apart from the COVID-19 pandemic, these events are invented for the fictional
# ministry; real places are only settings.
EVENTS = (
    (
        "ev01",
        "2016-06-20",
        "2016-07-24",
        "Trawler Bintang Selat hostage crisis",
        "consular_crisis",
        "PH",
        0.5,
        "Seven crew of a Maritiman fishing trawler are held hostage at sea; the ministry negotiates their release.",
    ),
    (
        "ev02",
        "2017-09-04",
        "2017-09-22",
        "Migrant workers' wage dispute in Jeddah",
        "consular_crisis",
        "SA",
        0.35,
        "Hundreds of Maritiman workers ask the consulate general for help over unpaid wages.",
    ),
    (
        "ev03",
        "2018-06-18",
        "2018-07-08",
        "Earthquake in western Japan",
        "natural_disaster",
        "JP",
        0.45,
        "An earthquake near Osaka; the embassy traces Maritiman students and trainees.",
    ),
    (
        "ev04",
        "2019-04-15",
        "2019-05-05",
        "Regional election tension",
        "political_tension",
        "MY",
        0.3,
        "Protests around a contested election in a neighbouring state; travel advice updated.",
    ),
    (
        "ev05",
        "2019-11-08",
        "2019-11-30",
        "Typhoon Kirana",
        "natural_disaster",
        "XM",
        0.55,
        "A typhoon hits the Selat islands; partners offer relief and missions relay aid.",
    ),
    (
        "ev06",
        "2020-01-20",
        "2021-12-31",
        "COVID-19 pandemic",
        "pandemic",
        "",
        1.0,
        "The pandemic: border closures, stranded citizens, repatriation flights, remote diplomacy.",
    ),
    (
        "ev07",
        "2020-01-30",
        "2020-02-16",
        "Operation Pulang: evacuation from Wuhan",
        "evacuation",
        "CN",
        0.9,
        "About 240 Maritiman citizens are flown home from Wuhan and observed for 14 days.",
    ),
    (
        "ev08",
        "2020-10-01",
        "2021-06-30",
        "Vaccine diplomacy drive",
        "vaccine_drive",
        "",
        0.5,
        "The ministry negotiates vaccine supplies and co-chairs a vaccine-access group.",
    ),
    (
        "ev09",
        "2022-01-01",
        "2022-12-31",
        "IPOF presidency",
        "summit_hosting",
        "XM",
        0.25,
        "Maritima holds the rotating presidency of the (fictional) Indo-Pacific Ocean Forum.",
    ),
    (
        "ev10",
        "2022-11-14",
        "2022-11-18",
        "IPOF summit in Port Selat",
        "summit_hosting",
        "XM",
        0.9,
        "Leaders' summit week of the Indo-Pacific Ocean Forum, hosted in Port Selat.",
    ),
    (
        "ev11",
        "2023-10-09",
        "2023-11-05",
        "Evacuation from a conflict zone via Cairo",
        "evacuation",
        "EG",
        0.6,
        "Maritiman citizens leave a conflict zone overland and are flown home via Cairo.",
    ),
    (
        "ev12",
        "2024-06-10",
        "2024-06-30",
        "Pilgrimage season heatwave",
        "consular_crisis",
        "SA",
        0.45,
        "Extreme heat during the pilgrimage; the consulate general searches for missing pilgrims.",
    ),
    (
        "ev13",
        "2025-03-03",
        "2025-03-20",
        "Volcanic ash cloud over Port Selat",
        "natural_disaster",
        "XM",
        0.4,
        "Flights grounded for days; stranded travellers abroad ask missions for help.",
    ),
)
FOREIGN_EVENT_WEIGHT_AT_HQ = 0.6  # assumption: HQ also covers crises in host countries
HOME_EVENT_WEIGHT_AT_MISSIONS = 0.3  # assumption: missions relay crises at home
EVENT_DECAY_FRACTION = 0.5  # assumption: attention decays with time constant 0.5 x duration + 7 days
EVENT_DECAY_EXTRA_DAYS = 7  # the "+ 7 days" above: short events still fade over about a week
MAX_CRISIS_INTENSITY = 1.5  # assumption: overlapping events add up, to at most this
