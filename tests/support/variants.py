"""Submissions generated from a solution notebook: one wrong answer, hostile changes, or the
fairness bank (``BANK``: answers in other correct styles and plausible mistakes, one cell at a time).

Questions are found from nbgrader's metadata, not hand-picked: an answer cell
(a code cell with ``solution: true``) owns the autograded test cells that follow
it, up to the next answer cell.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

import nbformat

from diplomacy_course.grading.feedback import HIDDEN_FAILURE

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


@dataclass(frozen=True)
class Question:
    answer_cell: int
    test_cells: tuple[int, ...]

    def grade_ids(self, notebook) -> set[str]:
        return {notebook.cells[i].metadata.nbgrader["grade_id"] for i in self.test_cells}


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_answer(cell) -> bool:
    return cell.cell_type == "code" and _nbgrader(cell).get("solution", False)


def is_autograded_test(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


def questions(notebook) -> list[Question]:
    found, current, tests = [], None, []
    for index, cell in enumerate(notebook.cells):
        if is_answer(cell):
            if current is not None and tests:
                found.append(Question(current, tuple(tests)))
            current, tests = index, []
        elif is_autograded_test(cell) and current is not None:
            tests.append(index)
    if current is not None and tests:
        found.append(Question(current, tuple(tests)))
    return found


def defined_names(source: str) -> list[str]:
    """Top-level names an answer cell defines (functions, classes, variables)."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return names


def with_answer(notebook, question: Question, how: str):
    """A copy of the notebook whose answer to ``question`` alone is wrong.

    how="stub": the answer is left as released (raises NotImplementedError);
    how="wrong_value": the answer runs, then every name it defines is replaced by
    a function or value that returns nothing useful, and any figure it drew is closed.
    """
    changed = copy.deepcopy(notebook)
    cell = changed.cells[question.answer_cell]
    if how == "stub":
        cell.source = STUB
    elif how == "wrong_value":
        sabotage = [
            f"{name} = (lambda *args, **kwargs: None) if callable({name}) else None"
            for name in defined_names(cell.source)
        ]
        assert sabotage, f"answer cell {question.answer_cell} defines no name to get wrong"
        undo_figures = "import matplotlib.pyplot as _plt\n_plt.close('all')"
        cell.source = cell.source + "\n\n" + "\n".join(sabotage) + "\n" + undo_figures
    else:
        raise ValueError(how)
    return changed


def read(path):
    return nbformat.read(path, as_version=4)


def hidden_test_lines(notebook, min_length: int = 12) -> list[str]:
    """Distinctive lines between nbgrader's hidden-test markers in a solution notebook, read
    here independently of the code under test (the feedback's own reader of these regions)."""
    lines = []
    for cell in notebook.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                inside = "BEGIN" in line
            elif inside and len(line.strip()) > min_length:
                lines.append(line.strip())
    return lines


def write(notebook, path) -> None:
    nbformat.write(notebook, path)


# ---------------------------------------------------------------------------------------------
# The fairness bank: answers written as other students would write them, one answer cell at a time.
# A correct variant must earn every point of its question (and cost no other question anything);
# a wrong one must lose at least one of its question's test cells. ``message`` is coaching the
# student must see in the feedback when the variant fails a visible test.


@dataclass(frozen=True)
class Variant:
    name: str
    assignment: str
    answer: str  # grade id of the answer cell the variant replaces
    source: str
    correct: bool
    warns: bool = False  # the answer prints a warning (which must not cost points)
    message: str = ""  # a visible test's message the feedback must show


def names_bound(source: str) -> set[str]:
    """Names a cell binds in the notebook's global namespace (not inside functions or comprehensions)."""
    bound: set[str] = set()
    scopes = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def visit(node) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(child.name)
            elif isinstance(child, scopes):
                continue
            else:
                if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                    bound.add(child.id)
                elif isinstance(child, ast.alias):
                    bound.add((child.asname or child.name).split(".")[0])
                elif isinstance(child, ast.ExceptHandler) and child.name:
                    bound.add(child.name)
                visit(child)

    visit(ast.parse(source))
    return bound


def answer_index(notebook, grade_id: str) -> int:
    matches = [i for i, c in enumerate(notebook.cells) if is_answer(c) and _nbgrader(c)["grade_id"] == grade_id]
    assert len(matches) == 1, f"no single answer cell {grade_id!r}"
    return matches[0]


def with_variant(notebook, variant: Variant):
    changed = copy.deepcopy(notebook)
    changed.cells[answer_index(changed, variant.answer)].source = variant.source
    return changed


def question_of(notebook, variant: Variant) -> Question:
    index = answer_index(notebook, variant.answer)
    return next(q for q in questions(notebook) if q.answer_cell == index)


A4_MEASURE_WITH_HELPER_NAMED_RATE = '''def rate(questions):
    """Share of the given questions that received a reply (a helper the later cells reuse)."""
    return float(questions["replied"].mean())


def measure(metric_name):
    if metric_name not in MEASURABLE_METRICS:
        raise ValueError(f"unknown metric: {metric_name!r}")
    questions = comments[comments["is_question"] & (comments["commented_at"].dt.year == 2025)]
    if metric_name == "question_reply_rate":
        return rate(questions)
    if metric_name == "median_response_hours":
        answered = questions[questions["replied"]]
        return float(((answered["replied_at"] - answered["commented_at"]) / pd.Timedelta(hours=1)).median())
    if metric_name == "consular_question_reply_rate":
        topic = questions["post_id"].map(posts.set_index("post_id")["topic"])
        return rate(questions[topic.isin(["consular", "crisis"])])
    if metric_name.endswith("_median_engagement_rate"):
        p = posts[posts["platform"] == metric_name.split("_")[0]][posts["posted_at"].dt.year == 2025]
        return float((p[["likes", "shares", "comments"]].sum(axis=1) / p["followers"]).median())
    if metric_name.startswith("asean"):
        a = audience[(audience["month"] == "2025-12-01") & audience["audience_country"].isin(ASEAN)]
        if metric_name == "asean_tiktok_followers":
            a = a[a["platform"] == "tiktok"]
        return int(a["followers"].sum())
    w = website[(website["month"].dt.year == 2025) & (website["section"] == "travel_advice")]
    return int(w["sessions"].sum())
'''

A4_GOALS = """_q = comments[comments["is_question"] & (comments["commented_at"].dt.year == 2025)]
_answered = _q[_q["replied"]]
_hours = float(((_answered["replied_at"] - _answered["commented_at"]) / pd.Timedelta(hours=1)).median())
_dec = audience[(audience["month"] == "2025-12-01") & audience["audience_country"].isin(ASEAN)]
goals = [
    {"objective": "Answer most of the questions citizens ask us online", "target_audience": AUDIENCE,
     "metric": "question_reply_rate", "baseline": float(_q["replied"].mean()), "target": 0.6,
     "deadline": DEADLINE, "data_source": SOURCE},
    {"objective": "Answer citizens' questions faster", "target_audience": "Maritimans abroad asking questions",
     "metric": "median_response_hours", "baseline": _hours, "target": 2.0,
     "deadline": "2028-06-30", "data_source": "comments.csv.gz"},
    {"objective": "Grow a young audience in ASEAN on TikTok", "target_audience": "young TikTok users in ASEAN",
     "metric": "asean_tiktok_followers", "baseline": int(_dec.loc[_dec["platform"] == "tiktok", "followers"].sum()),
     "target": 40_000, "deadline": "2028-12-31", "data_source": "audience.csv"},
]
"""


def _a4_goals(audience: str = "Maritimans abroad", deadline: str = "2027-12-31", source: str = "comments.csv.gz"):
    return (
        f"AUDIENCE, DEADLINE, SOURCE = {audience!r}, {deadline!r}, {source!r}\n"
        + A4_GOALS
        + "del AUDIENCE, DEADLINE, SOURCE\n"
    )


A4_MEASURE_DISPATCH = """def _questions_2025():
    return comments[comments["is_question"] & comments["commented_at"].between(
        pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2026-01-01", tz="UTC"), inclusive="left")]


def _reply_hours():
    answered = _questions_2025().query("replied")
    return ((answered["replied_at"] - answered["commented_at"]) / pd.Timedelta(hours=1)).median()


def _consular_rate():
    q = _questions_2025().merge(posts[["post_id", "topic"]], on="post_id", how="left")
    return q.loc[q["topic"].isin(["consular", "crisis"]), "replied"].mean()


def _engagement(platform):
    p = posts[(posts["platform"] == platform) & (posts["posted_at"].dt.year == 2025)]
    return p[["likes", "shares", "comments"]].sum(axis=1).div(p["followers"]).median()


def _asean(platforms):
    a = audience[(audience["month"] == pd.Timestamp("2025-12-01")) & audience["audience_country"].isin(ASEAN)]
    return a.loc[a["platform"].isin(platforms), "followers"].sum()


def measure(metric_name):
    how = {
        "question_reply_rate": lambda: _questions_2025()["replied"].mean(),
        "median_response_hours": _reply_hours,
        "consular_question_reply_rate": _consular_rate,
        "tiktok_median_engagement_rate": lambda: _engagement("tiktok"),
        "instagram_median_engagement_rate": lambda: _engagement("instagram"),
        "asean_followers": lambda: _asean(audience["platform"].unique()),
        "asean_tiktok_followers": lambda: _asean(["tiktok"]),
        "travel_advice_sessions": lambda: website.query(
            "section == 'travel_advice' and month.dt.year == 2025")["sessions"].sum(),
    }
    if metric_name not in how:
        raise ValueError(metric_name + " is not a measurable metric")
    return float(how[metric_name]())
"""

# The helper-named-rate answer without its ValueError: an unknown name falls through and returns None.
A4_MEASURE_FORGETS_UNKNOWN_NAMES = (
    A4_MEASURE_WITH_HELPER_NAMED_RATE.replace("    if metric_name not in MEASURABLE_METRICS:\n", "")
    .replace('        raise ValueError(f"unknown metric: {metric_name!r}")\n', "")
    .replace(
        "    w = website[", '    if metric_name != "travel_advice_sessions":\n        return None\n    w = website['
    )
)

A4_GOALS_WITH_MEASURE = """goals = []
for _metric, _objective, _who, _target, _deadline, _source in [
    ("consular_question_reply_rate", "Answer the consular and crisis questions citizens ask us",
     "Maritimans travelling or working abroad", 0.95, "2027-06-30", "comments.csv.gz with posts.csv.gz"),
    ("asean_followers", "Grow our audience among our ASEAN neighbours",
     "young people in ASEAN member states", None, "2028-12-31", "audience.csv"),
    ("travel_advice_sessions", "Make sure travellers read current travel advice",
     "Maritiman travellers before a trip", None, "2028-12-31", "website.csv"),
]:
    _baseline = measure(_metric)
    goals.append({"objective": _objective, "target_audience": _who, "metric": _metric,
                  "baseline": round(_baseline, 3) if _baseline < 1 else _baseline,
                  "target": _target if _target is not None else round(1.5 * _baseline),
                  "deadline": _deadline, "data_source": _source})
"""


BANK: tuple[Variant, ...] = (
    # A1 Q1: re-pulled rows are copies by post_id; in the course data they happen to be whole-row copies.
    Variant(
        "a1-dedupe-mask",
        "a1",
        "drop_repulled",
        'def drop_repulled(df):\n    return df[~df["post_id"].duplicated()].reset_index(drop=True)\n',
        correct=True,
    ),
    Variant(
        "a1-dedupe-groupby-head",
        "a1",
        "drop_repulled",
        'def drop_repulled(df):\n    return df.groupby("post_id", sort=False).head(1).reset_index(drop=True)\n',
        correct=True,
    ),
    Variant(
        "a1-dedupe-whole-rows",
        "a1",
        "drop_repulled",
        "def drop_repulled(df):\n    return df.drop_duplicates().reset_index(drop=True)\n",
        correct=False,
        message="find copies by post_id, not by whole rows",
    ),
    Variant(
        "a1-dedupe-keep-last",
        "a1",
        "drop_repulled",
        'def drop_repulled(df):\n    return df.drop_duplicates("post_id", keep="last").reset_index(drop=True)\n',
        correct=False,
        message="keep the first copy of each re-pulled post, not the last",
    ),
    # A1 Q5: rates per 1,000 followers.
    Variant(
        "a1-kaushik-loop",
        "a1",
        "add_kaushik_rates",
        "def add_kaushik_rates(df):\n    out = df.copy()\n"
        "    for rate, count in [('applause_rate', 'likes'), ('amplification_rate', 'shares'),"
        " ('conversation_rate', 'comments')]:\n"
        "        out[rate] = out[count].astype(float) * 1000 / out['followers']\n    return out\n",
        correct=True,
    ),
    Variant(
        "a1-kaushik-by-impressions",
        "a1",
        "add_kaushik_rates",
        "def add_kaushik_rates(df):\n    out = df.copy()\n"
        "    for rate, count in [('applause_rate', 'likes'), ('amplification_rate', 'shares'),"
        " ('conversation_rate', 'comments')]:\n"
        "        out[rate] = out[count] * 1000 / out['impressions'].astype(float)\n    return out\n",
        correct=False,
        message="divide by followers, not by impressions",
    ),
    # A1 Q9: the figure needs a title, and the visible test says so.
    Variant(
        "a1-figure-one-platform",
        "a1",
        "engagement_figure",
        "_m = rated[rated['platform'] == 'instagram'].groupby('topic')['er_followers'].median().sort_values()\n"
        "fig, ax = plt.subplots()\nax.barh(_m.index, _m.to_numpy() * 100)\n"
        "ax.set_xlabel('median engagement rate (% of followers)')\nax.set_ylabel('topic')\n"
        "ax.set_title('Instagram: median engagement rate by topic')\n",
        correct=True,
    ),
    Variant(
        "a1-figure-without-title",
        "a1",
        "engagement_figure",
        "_m = rated[rated['platform'] == 'instagram'].groupby('topic')['er_followers'].median().sort_values()\n"
        "fig, ax = plt.subplots()\nax.barh(_m.index, _m.to_numpy() * 100)\n"
        "ax.set_xlabel('median engagement rate (% of followers)')\nax.set_ylabel('topic')\n",
        correct=False,
        message="give the figure a title",
    ),
    # A2 Q8: the heat map's title is checked by a visible test.
    Variant(
        "a2-heatmap-pcolormesh",
        "a2",
        "heatmap_figure",
        "fig, ax = plt.subplots()\n_mesh = ax.pcolormesh(heat_table.to_numpy(dtype=float))\n"
        "ax.set_xlabel('local hour')\nax.set_ylabel('weekday')\nfig.suptitle('Engagement by weekday and hour')\n"
        "fig.colorbar(_mesh, ax=ax, label='median engagement index')\n",
        correct=True,
    ),
    Variant(
        "a2-heatmap-without-title",
        "a2",
        "heatmap_figure",
        "fig, ax = plt.subplots()\n_image = ax.imshow(heat_table.to_numpy(dtype=float), aspect='auto')\n"
        "ax.set_xlabel('local hour')\nax.set_ylabel('weekday')\n"
        "fig.colorbar(_image, ax=ax, label='median engagement index')\n",
        correct=False,
        message="give the heat map a title",
    ),
    # A3 Q3: a group without questions has no rate (NaN is right, 0 is not).
    Variant(
        "a3-rate-apply-nan-groups",
        "a3",
        "q3_response_rate",
        "def response_rate(comments, by):\n"
        "    return comments.groupby(by).apply(lambda g: g.loc[g['is_question'], 'replied'].mean())\n",
        correct=True,
    ),
    Variant(
        "a3-rate-every-comment",
        "a3",
        "q3_response_rate",
        "def response_rate(comments, by):\n    return comments.groupby(by)['replied'].mean()\n",
        correct=False,
        message="count questions only, not every comment",
    ),
    # A3 Q6: counting ids (the toy tables carry them), and a chained mask that prints a warning.
    Variant(
        "a3-window-counts-ids-and-warns",
        "a3",
        "q6_window_summary",
        "def window_summary(posts, comments, start, stop):\n"
        "    in_window = posts[posts['posted_at'] >= start][posts['posted_at'] < stop]\n"
        "    q = comments[comments['is_question']]\n"
        "    q = q[(q['commented_at'] >= start) & (q['commented_at'] < stop)]\n"
        "    answered = q[q['replied']]\n"
        "    hours = (answered['replied_at'] - answered['commented_at']) / pd.Timedelta(hours=1)\n"
        "    return {'posts': int(in_window['post_id'].count()), 'questions': int(q['comment_id'].nunique()),\n"
        "            'response_rate': float(q['replied'].mean()), 'median_response_hours': float(hours.median())}\n",
        correct=True,
        warns=True,
    ),
    Variant(
        "a3-window-closed",
        "a3",
        "q6_window_summary",
        "def window_summary(posts, comments, start, stop):\n"
        "    in_window = posts[posts['posted_at'].between(start, stop)]\n"
        "    q = comments[comments['is_question'] & comments['commented_at'].between(start, stop)]\n"
        "    answered = q[q['replied']]\n"
        "    hours = (answered['replied_at'] - answered['commented_at']) / pd.Timedelta(hours=1)\n"
        "    return {'posts': len(in_window), 'questions': len(q),\n"
        "            'response_rate': float(q['replied'].mean()), 'median_response_hours': float(hours.median())}\n",
        correct=False,
        message="the stop time itself is outside",
    ),
    # A4 Q1: a helper named like a test variable (`rate`), used again by later calls; a chained mask warns.
    Variant(
        "a4-measure-helper-named-rate",
        "a4",
        "q1_measure",
        A4_MEASURE_WITH_HELPER_NAMED_RATE,
        correct=True,
        warns=True,
    ),
    # A4 Q2: the form of the records is stated and checked by visible tests.
    Variant("a4-goals-other-values", "a4", "q2_goals", _a4_goals(), correct=True),
    Variant(
        "a4-goals-one-word-audience",
        "a4",
        "q2_goals",
        _a4_goals(audience="citizens"),
        correct=False,
        message="name the target audience more precisely",
    ),
    Variant(
        "a4-goals-date-in-words",
        "a4",
        "q2_goals",
        _a4_goals(deadline="December 2027"),
        correct=False,
        message="write the deadline as an ISO date string",
    ),
    Variant(
        "a4-goals-source-not-a-file",
        "a4",
        "q2_goals",
        _a4_goals(source="the comments table"),
        correct=False,
        message="name the file it is computed from exactly",
    ),
    # A1 Q3 and Q7: shares, not counts; medians, not means.
    Variant(
        "a1-missing-apply",
        "a1",
        "missing_impressions",
        'missing_impressions = posts.groupby("platform")["impressions"].apply(lambda s: s.isna().mean())\n',
        correct=True,
    ),
    Variant(
        "a1-missing-count",
        "a1",
        "missing_impressions",
        'missing_impressions = posts["impressions"].isna().groupby(posts["platform"]).sum()\n',
        correct=False,
        message="not a count",
    ),
    Variant(
        "a1-median-pivot",
        "a1",
        "median_rates",
        'def median_rates(df, by):\n    return df.pivot_table(index=by, values=RATES, aggfunc="median")[RATES]\n',
        correct=True,
    ),
    Variant(
        "a1-median-means",
        "a1",
        "median_rates",
        "def median_rates(df, by):\n    return df.groupby(by)[RATES].mean()\n",
        correct=False,
        message="these look like means",
    ),
    # A2 Q3: local waking hours, 22:00 excluded.
    Variant(
        "a2-waking-crosstab",
        "a2",
        "waking_share",
        'waking_share = pd.crosstab(local["target_country"], local["local_hour"].between(7, 21), normalize="index")'
        "[True].sort_values()\n",
        correct=True,
    ),
    Variant(
        "a2-waking-utc",
        "a2",
        "waking_share",
        'waking_share = local["posted_at"].dt.hour.between(7, 21).groupby(local["target_country"]).mean()'
        ".sort_values()\n",
        correct=False,
        message="these shares use the UTC hour",
    ),
    # A3 Q1: hybrid meetings are remote too.
    Variant(
        "a3-remote-crosstab",
        "a3",
        "q1_remote_share_by_year",
        "def remote_share_by_year(meetings):\n"
        '    remote = meetings["format"] != "in_person"\n'
        '    return pd.crosstab(meetings["date"].dt.year, remote, normalize="index")[True]\n',
        correct=True,
    ),
    Variant(
        "a3-remote-virtual-only",
        "a3",
        "q1_remote_share_by_year",
        "def remote_share_by_year(meetings):\n"
        '    return meetings["format"].eq("virtual").groupby(meetings["date"].dt.year).mean()\n',
        correct=False,
        message="hybrid meetings count as remote too",
    ),
    # A4 Q1: shares, not percentages.
    Variant(
        "a4-measure-percentages",
        "a4",
        "q1_measure",
        A4_MEASURE_WITH_HELPER_NAMED_RATE.replace('/ p["followers"]).median())', '/ p["followers"] * 100).median())'),
        correct=False,
        message="not percentages",
    ),
    # A1 Q2, Q4, Q6: time zones kept, rows kept, shares not percentages.
    Variant(
        "a1-parse-assign-iso",
        "a1",
        "parse_posted_at",
        "def parse_posted_at(df):\n"
        '    return df.assign(posted_at=pd.to_datetime(df["posted_at"], format="ISO8601", utc=True))\n',
        correct=True,
    ),
    Variant(
        "a1-parse-naive",
        "a1",
        "parse_posted_at",
        'def parse_posted_at(df):\n    return df.assign(posted_at=pd.to_datetime(df["posted_at"].str.rstrip("Z")))\n',
        correct=False,
        message="posted_at should know its time zone (UTC)",
    ),
    Variant(
        "a1-harmonise-mask",
        "a1",
        "harmonise_views",
        "def harmonise_views(df):\n"
        '    old = df["platform"].eq("instagram") & (df["posted_at"] < pd.Timestamp("2021-07-01T00:00Z"))\n'
        '    return df.assign(video_views=df["video_views"].mask(old))\n',
        correct=True,
    ),
    Variant(
        "a1-harmonise-drops-rows",
        "a1",
        "harmonise_views",
        "def harmonise_views(df):\n"
        '    old = df["platform"].eq("instagram") & (df["posted_at"] < pd.Timestamp("2021-07-01T00:00Z"))\n'
        "    return df[~old].copy()\n",
        correct=False,
        message="keep every row: set the old views to missing instead of dropping posts",
    ),
    Variant(
        "a1-engagement-sum",
        "a1",
        "add_engagement_rates",
        "def add_engagement_rates(df):\n"
        '    engagements = df[["likes", "shares", "comments"]].sum(axis=1)\n'
        '    return df.assign(er_followers=engagements / df["followers"],\n'
        '                     er_impressions=engagements / df["impressions"].astype("float64"))\n',
        correct=True,
    ),
    Variant(
        "a1-engagement-percent",
        "a1",
        "add_engagement_rates",
        "def add_engagement_rates(df):\n"
        '    engagements = df[["likes", "shares", "comments"]].sum(axis=1)\n'
        '    return df.assign(er_followers=100 * engagements / df["followers"],\n'
        '                     er_impressions=100 * engagements / df["impressions"].astype("float64"))\n',
        correct=False,
        message="give the rate as a share (0.01), not a percentage (1.0)",
    ),
    # A2 Q5: medians by local hour.
    Variant(
        "a2-hourly-pivot",
        "a2",
        "hourly_engagement",
        'hourly_engagement = local.pivot_table(index="local_hour", values="engagement_index", aggfunc="median")'
        '["engagement_index"]\n',
        correct=True,
    ),
    Variant(
        "a2-hourly-means",
        "a2",
        "hourly_engagement",
        'hourly_engagement = local.groupby("local_hour")["engagement_index"].mean()\n',
        correct=False,
        message="these look like means: use the median engagement index",
    ),
    # A3 Q4 and Q5: hours, not seconds; reusing Q3 and Q4.
    Variant(
        "a3-hours-timedelta-division",
        "a3",
        "q4_median_response_hours",
        "def median_response_hours(comments, by):\n"
        '    answered = comments.loc[comments["is_question"] & comments["replied"]]\n'
        '    hours = (answered["replied_at"] - answered["commented_at"]) / pd.Timedelta(hours=1)\n'
        "    return hours.groupby(answered[by]).median()\n",
        correct=True,
    ),
    Variant(
        "a3-hours-in-seconds",
        "a3",
        "q4_median_response_hours",
        "def median_response_hours(comments, by):\n"
        '    answered = comments.loc[comments["is_question"] & comments["replied"]]\n'
        '    seconds = (answered["replied_at"] - answered["commented_at"]).dt.total_seconds()\n'
        "    return seconds.groupby(answered[by]).median()\n",
        correct=False,
        message="use hours (not seconds or a Timedelta)",
    ),
    Variant(
        "a3-dialogue-reuses-functions",
        "a3",
        "q5_dialogue_by_year",
        '_q = comments[comments["is_question"]].assign(year=comments["commented_at"].dt.year)\n'
        'dialogue_by_year = pd.DataFrame({"questions": _q.groupby("year").size(),\n'
        '                                 "response_rate": response_rate(_q, "year"),\n'
        '                                 "median_hours": median_response_hours(_q, "year")})\n',
        correct=True,
    ),
    # ---- Added for issue #15 (7): every answer cell has two other correct styles and two plausible mistakes.
    # A1 Q2: a stated format then a time zone; a function that parses its input in place.
    Variant(
        "a1-parse-format-localize",
        "a1",
        "parse_posted_at",
        "def parse_posted_at(df):\n    out = df.copy()\n"
        '    out["posted_at"] = pd.to_datetime(out["posted_at"], format="%Y-%m-%dT%H:%M:%SZ").dt.tz_localize("UTC")\n'
        "    return out\n",
        correct=True,
    ),
    Variant(
        "a1-parse-in-place",
        "a1",
        "parse_posted_at",
        'def parse_posted_at(df):\n    df["posted_at"] = pd.to_datetime(df["posted_at"], utc=True)\n    return df\n',
        correct=False,
        message="parse_posted_at changed its input; parse a copy",
    ),
    # A1 Q3: a normalised cross-table; zeros taken for missing values.
    Variant(
        "a1-missing-crosstab",
        "a1",
        "missing_impressions",
        'missing_impressions = pd.crosstab(posts["platform"], posts["impressions"].isna(), normalize="index")[True]\n',
        correct=True,
    ),
    Variant(
        "a1-missing-zeros",
        "a1",
        "missing_impressions",
        'missing_impressions = posts["impressions"].eq(0).groupby(posts["platform"]).mean()\n',
        correct=False,
        message="are NaNs counted as missing?",
    ),
    # A1 Q4: .loc with a date string; every platform's old views removed.
    Variant(
        "a1-harmonise-loc-string-date",
        "a1",
        "harmonise_views",
        "def harmonise_views(df):\n    out = df.copy()\n"
        '    before = out["posted_at"] < "2021-07-01T00:00:00+00:00"\n'
        '    out.loc[(out["platform"] == "instagram") & before, "video_views"] = None\n    return out\n',
        correct=True,
    ),
    Variant(
        "a1-harmonise-every-platform",
        "a1",
        "harmonise_views",
        "def harmonise_views(df):\n    out = df.copy()\n"
        '    out.loc[out["posted_at"] < pd.Timestamp("2021-07-01", tz="UTC"), "video_views"] = np.nan\n'
        "    return out\n",
        correct=False,
        message="only Instagram changed its definition: keep other platforms' views",
    ),
    # A1 Q5: assign with keyword arguments; a rate per follower.
    Variant(
        "a1-kaushik-assign",
        "a1",
        "add_kaushik_rates",
        "def add_kaushik_rates(df):\n"
        '    thousands = df["followers"] / 1_000\n'
        '    return df.assign(applause_rate=df["likes"] / thousands, amplification_rate=df["shares"] / thousands,\n'
        '                     conversation_rate=df["comments"] / thousands)\n',
        correct=True,
    ),
    Variant(
        "a1-kaushik-per-follower",
        "a1",
        "add_kaushik_rates",
        "def add_kaushik_rates(df):\n    out = df.copy()\n"
        '    out["applause_rate"] = out["likes"] / out["followers"]\n'
        '    out["amplification_rate"] = out["shares"] / out["followers"]\n'
        '    out["conversation_rate"] = out["comments"] / out["followers"]\n    return out\n',
        correct=False,
        message="not per follower: multiply the share by 1,000",
    ),
    # A1 Q6: Series.div on the nullable impressions; likes alone.
    Variant(
        "a1-engagement-div-nullable",
        "a1",
        "add_engagement_rates",
        "def add_engagement_rates(df):\n    out = df.copy()\n"
        '    total = out["likes"].add(out["shares"]).add(out["comments"])\n'
        '    out["er_followers"] = total.div(out["followers"])\n'
        '    out["er_impressions"] = total.div(out["impressions"])\n    return out\n',
        correct=True,
    ),
    Variant(
        "a1-engagement-likes-only",
        "a1",
        "add_engagement_rates",
        "def add_engagement_rates(df):\n"
        '    return df.assign(er_followers=df["likes"] / df["followers"],\n'
        '                     er_impressions=df["likes"] / df["impressions"].astype(float))\n',
        correct=False,
        message="engagements are likes + shares + comments, not likes alone",
    ),
    # A1 Q7: agg with a dict; the platform hard-coded instead of `by`.
    Variant(
        "a1-median-agg-dict",
        "a1",
        "median_rates",
        'def median_rates(df, by):\n    return df.groupby(by).agg({rate: "median" for rate in RATES})\n',
        correct=True,
    ),
    Variant(
        "a1-median-ignores-by",
        "a1",
        "median_rates",
        'def median_rates(df, by):\n    return df.groupby("platform")[RATES].median()\n',
        correct=False,
        message="group by the column named in `by`",
    ),
    # A1 Q9: pandas' own plotting; no x-axis label (pandas labels only the y axis here).
    Variant(
        "a1-figure-pandas-plot",
        "a1",
        "engagement_figure",
        "_tiktok = rated[rated['platform'] == 'tiktok'].groupby('topic')['er_followers'].median().sort_values()\n"
        "ax = (_tiktok * 100).plot.barh(title='TikTok: median engagement rate by followers, by topic')\n"
        "ax.set_xlabel('median engagement rate (% of followers)')\nfig = ax.figure\n",
        correct=True,
    ),
    Variant(
        "a1-figure-pandas-no-xlabel",
        "a1",
        "engagement_figure",
        "_tiktok = rated[rated['platform'] == 'tiktok'].groupby('topic')['er_followers'].median().sort_values()\n"
        "ax = (_tiktok * 100).plot.barh(title='TikTok: median engagement rate by followers, by topic')\n"
        "fig = ax.figure\n",
        correct=False,
        message="every axis with data needs an x-axis label",
    ),
    # A2 Q1: mode per country; a Counter per country; the last account's zone; a Series, not a dict.
    Variant(
        "a2-zones-mode",
        "a2",
        "audience_timezones",
        "def audience_timezones(accounts):\n"
        '    return accounts.groupby("country_code")["timezone"].agg(lambda z: z.mode().iloc[0]).to_dict()\n',
        correct=True,
    ),
    Variant(
        "a2-zones-counter",
        "a2",
        "audience_timezones",
        "from collections import Counter, defaultdict\n\n\ndef audience_timezones(accounts):\n"
        "    seen = defaultdict(Counter)\n"
        '    for country, zone in zip(accounts["country_code"], accounts["timezone"]):\n'
        "        seen[country][zone] += 1\n"
        "    return {country: zones.most_common(1)[0][0] for country, zones in seen.items()}\n",
        correct=True,
    ),
    Variant(
        "a2-zones-last-account",
        "a2",
        "audience_timezones",
        'def audience_timezones(accounts):\n    return dict(zip(accounts["country_code"], accounts["timezone"]))\n',
        correct=False,
        message=HIDDEN_FAILURE,
    ),
    Variant(
        "a2-zones-series",
        "a2",
        "audience_timezones",
        "def audience_timezones(accounts):\n"
        '    return accounts.groupby("country_code")["timezone"].agg(lambda z: z.value_counts().index[0])\n',
        correct=False,
        message="audience_timezones should return a dict",
    ),
    # A2 Q2: row by row; zone by zone with concat; the UTC clock; the UTC weekday.
    Variant(
        "a2-local-apply-rows",
        "a2",
        "add_local_time",
        "def add_local_time(df, zones):\n    out = df.copy()\n"
        '    out["local_time"] = pd.to_datetime(out.apply(\n'
        '        lambda row: row["posted_at"].tz_convert(zones[row["target_country"]]).tz_localize(None), axis=1))\n'
        '    out["local_hour"] = out["local_time"].dt.hour\n'
        '    out["local_weekday"] = out["local_time"].dt.weekday\n    return out\n',
        correct=True,
    ),
    Variant(
        "a2-local-concat-zones",
        "a2",
        "add_local_time",
        "def add_local_time(df, zones):\n    parts = []\n"
        '    for zone, rows in df.groupby(df["target_country"].map(zones)):\n'
        '        parts.append(rows["posted_at"].dt.tz_convert(zone).dt.tz_localize(None))\n'
        "    local_time = pd.concat(parts).reindex(df.index)\n"
        "    return df.assign(local_time=local_time, local_hour=local_time.dt.hour,\n"
        "                     local_weekday=local_time.dt.weekday)\n",
        correct=True,
    ),
    Variant(
        "a2-local-utc-clock",
        "a2",
        "add_local_time",
        "def add_local_time(df, zones):\n    out = df.copy()\n"
        '    out["local_time"] = out["posted_at"].dt.tz_localize(None)\n'
        '    out["local_hour"] = out["posted_at"].dt.hour\n'
        '    out["local_weekday"] = out["posted_at"].dt.weekday\n    return out\n',
        correct=False,
        message="local_hour is still the UTC hour",
    ),
    Variant(
        "a2-local-utc-weekday",
        "a2",
        "add_local_time",
        "def add_local_time(df, zones):\n    out = df.copy()\n"
        '    local = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")\n'
        '    for country, rows in out.groupby("target_country").groups.items():\n'
        '        local.loc[rows] = out.loc[rows, "posted_at"].dt.tz_convert(zones[country]).dt.tz_localize(None)\n'
        '    out["local_time"] = local\n'
        '    out["local_hour"] = local.dt.hour\n'
        '    out["local_weekday"] = out["posted_at"].dt.weekday\n    return out\n',
        correct=False,
        message="the weekday must be the local one",
    ),
    # A2 Q3: a comparison per group; the result left unsorted.
    Variant(
        "a2-waking-apply",
        "a2",
        "waking_share",
        'waking_share = local.groupby("target_country")["local_hour"].apply(lambda h: ((h >= 7) & (h < 22)).mean())'
        ".sort_values()\n",
        correct=True,
    ),
    Variant(
        "a2-waking-unsorted",
        "a2",
        "waking_share",
        'waking_share = local["local_hour"].between(7, 21).groupby(local["target_country"]).mean()\n',
        correct=False,
        message="sort waking_share from the lowest share to the highest",
    ),
    # A2 Q5: a dict comprehension over the hours; medians by UTC hour.
    Variant(
        "a2-hourly-comprehension",
        "a2",
        "hourly_engagement",
        'hourly_engagement = pd.Series({h: local.loc[local["local_hour"] == h, "engagement_index"].median()\n'
        "                               for h in range(24)})\n",
        correct=True,
    ),
    Variant(
        "a2-hourly-utc",
        "a2",
        "hourly_engagement",
        'hourly_engagement = local.groupby(local["posted_at"].dt.hour)["engagement_index"].median()\n',
        correct=False,
        message="these medians are by UTC hour",
    ),
    # A2 Q6: text slicing with apply; dates with where; every month added up; rows counted.
    Variant(
        "a2-abroad-text-apply",
        "a2",
        "abroad_share",
        '_dec = audience[audience["month"].str.endswith("-12-01")]\n'
        '_by_year = _dec.groupby(_dec["month"].str[:4].astype(int))\n'
        'abroad_share = _by_year.apply(lambda g: g.loc[g["audience_country"] != "XM", "followers"].sum()\n'
        '                                        / g["followers"].sum())\n',
        correct=True,
    ),
    Variant(
        "a2-abroad-dates-where",
        "a2",
        "abroad_share",
        '_when = pd.to_datetime(audience["month"])\n'
        "_dec = audience[_when.dt.month == 12]\n"
        "_year = _when[_when.dt.month == 12].dt.year\n"
        '_abroad = _dec["followers"].where(_dec["audience_country"].ne("XM"), 0)\n'
        'abroad_share = _abroad.groupby(_year).sum() / _dec["followers"].groupby(_year).sum()\n',
        correct=True,
    ),
    Variant(
        "a2-abroad-every-month",
        "a2",
        "abroad_share",
        '_year = pd.to_datetime(audience["month"]).dt.year\n'
        '_abroad = audience["followers"].where(audience["audience_country"] != "XM", 0)\n'
        'abroad_share = _abroad.groupby(_year).sum() / audience["followers"].groupby(_year).sum()\n',
        correct=False,
        message=HIDDEN_FAILURE,
    ),
    Variant(
        "a2-abroad-rows",
        "a2",
        "abroad_share",
        '_dec = audience[pd.to_datetime(audience["month"]).dt.month == 12]\n'
        'abroad_share = _dec["audience_country"].ne("XM").groupby(pd.to_datetime(_dec["month"]).dt.year).mean()\n',
        correct=False,
        message=HIDDEN_FAILURE,
    ),
    # A2 Q7: groupby then unstack; crosstab with values; means; hours as rows.
    Variant(
        "a2-heat-unstack",
        "a2",
        "heat",
        'heat = local.groupby(["local_weekday", "local_hour"])["engagement_index"].median().unstack()\n',
        correct=True,
    ),
    Variant(
        "a2-heat-crosstab",
        "a2",
        "heat",
        'heat = pd.crosstab(local["local_weekday"], local["local_hour"], values=local["engagement_index"],\n'
        '                   aggfunc="median")\n',
        correct=True,
    ),
    Variant(
        "a2-heat-means",
        "a2",
        "heat",
        'heat = local.pivot_table(index="local_weekday", columns="local_hour", values="engagement_index",\n'
        '                         aggfunc="mean")\n',
        correct=False,
        message=HIDDEN_FAILURE,
    ),
    Variant(
        "a2-heat-transposed",
        "a2",
        "heat",
        'heat = local.pivot_table(index="local_hour", columns="local_weekday", values="engagement_index",\n'
        '                         aggfunc="median")\n',
        correct=False,
        message="heat should have 7 rows (weekdays) and 24 columns (hours)",
    ),
    # A2 Q8: matshow on a figure made by hand; no y-axis label.
    Variant(
        "a2-heatmap-matshow",
        "a2",
        "heatmap_figure",
        "fig = plt.figure(figsize=(10, 4))\nax = fig.add_subplot()\n"
        "_shown = ax.matshow(heat_table.to_numpy(dtype=float))\n"
        "ax.set_yticks(range(7), heat_table.index)\nax.set_xlabel('local hour')\nax.set_ylabel('weekday')\n"
        "ax.set_title('Median engagement index, weekday by local hour')\n"
        "fig.colorbar(_shown, ax=ax, label='median engagement index')\n",
        correct=True,
    ),
    Variant(
        "a2-heatmap-no-ylabel",
        "a2",
        "heatmap_figure",
        "fig, ax = plt.subplots()\n_image = ax.imshow(heat_table.to_numpy(dtype=float), aspect='auto')\n"
        "ax.set_xlabel('local hour')\nax.set_title('Engagement by weekday and hour')\n"
        "fig.colorbar(_image, ax=ax, label='median engagement index')\n",
        correct=False,
        message="label the y axis",
    ),
    # A3 Q1: a loop over the years; percentages.
    Variant(
        "a3-remote-loop",
        "a3",
        "q1_remote_share_by_year",
        "def remote_share_by_year(meetings):\n    shares = {}\n"
        '    for year in sorted(meetings["date"].dt.year.unique()):\n'
        '        formats = meetings.loc[meetings["date"].dt.year == year, "format"]\n'
        '        shares[int(year)] = formats.isin(["virtual", "hybrid"]).sum() / len(formats)\n'
        "    return pd.Series(shares)\n",
        correct=True,
    ),
    Variant(
        "a3-remote-percent",
        "a3",
        "q1_remote_share_by_year",
        "def remote_share_by_year(meetings):\n"
        '    remote = meetings["format"].isin(["virtual", "hybrid"])\n'
        '    return remote.groupby(meetings["date"].dt.year).mean() * 100\n',
        correct=False,
        message="the shares should be between 0 and 1, not percentages",
    ),
    # A3 Q2: pd.cut into periods; a loop over date strings; yearly shares averaged; percentages.
    Variant(
        "a3-period-cut",
        "a3",
        "q2_remote_share_by_period",
        '_period = pd.cut(meetings["date"], [pd.Timestamp("1900-01-01"), pd.Timestamp("2020-01-01"),\n'
        '                                    pd.Timestamp("2022-01-01"), pd.Timestamp("2100-01-01")],\n'
        '                 right=False, labels=["before", "pandemic", "after"])\n'
        'remote_share_by_period = (meetings["format"] != "in_person").groupby(_period, observed=True)'
        ".mean().to_dict()\n",
        correct=True,
    ),
    Variant(
        "a3-period-loop",
        "a3",
        "q2_remote_share_by_period",
        "remote_share_by_period = {}\n"
        'for _name, _from, _to in [("before", "1900-01-01", "2020-01-01"), ("pandemic", "2020-01-01", "2022-01-01"),\n'
        '                         ("after", "2022-01-01", "2100-01-01")]:\n'
        '    _m = meetings[(meetings["date"] >= _from) & (meetings["date"] < _to)]\n'
        '    remote_share_by_period[_name] = (_m["format"] != "in_person").mean()\n',
        correct=True,
    ),
    Variant(
        "a3-period-mean-of-years",
        "a3",
        "q2_remote_share_by_period",
        '_yearly = meetings["format"].isin(["virtual", "hybrid"]).groupby(meetings["date"].dt.year).mean()\n'
        'remote_share_by_period = {"before": _yearly[_yearly.index < 2020].mean(),\n'
        '                          "pandemic": _yearly[(_yearly.index >= 2020) & (_yearly.index <= 2021)].mean(),\n'
        '                          "after": _yearly[_yearly.index >= 2022].mean()}\n',
        correct=False,
        message=HIDDEN_FAILURE,
    ),
    Variant(
        "a3-period-percent",
        "a3",
        "q2_remote_share_by_period",
        '_remote = meetings["format"].isin(["virtual", "hybrid"])\n_year = meetings["date"].dt.year\n'
        'remote_share_by_period = {"before": 100 * _remote[_year < 2020].mean(),\n'
        '                          "pandemic": 100 * _remote[_year.between(2020, 2021)].mean(),\n'
        '                          "after": 100 * _remote[_year >= 2022].mean()}\n',
        correct=False,
        message="value should be a share between 0 and 1",
    ),
    # A3 Q3: sum over size; percentages.
    Variant(
        "a3-rate-sum-over-count",
        "a3",
        "q3_response_rate",
        "def response_rate(comments, by):\n"
        '    questions = comments[comments["is_question"]]\n'
        '    return questions.groupby(by)["replied"].agg(lambda replied: replied.sum() / len(replied))\n',
        correct=True,
    ),
    Variant(
        "a3-rate-percent",
        "a3",
        "q3_response_rate",
        "def response_rate(comments, by):\n"
        '    return 100 * comments[comments["is_question"]].groupby(by)["replied"].mean()\n',
        correct=False,
        message="the response rate should be a share of questions, between 0 and 1",
    ),
    # A3 Q4: a pivot table of hours; every answered comment, questions or not.
    Variant(
        "a3-hours-pivot",
        "a3",
        "q4_median_response_hours",
        "def median_response_hours(comments, by):\n"
        '    answered = comments.query("is_question and replied")\n'
        '    answered = answered.assign(hours=(answered["replied_at"] - answered["commented_at"]).dt.total_seconds()'
        " / 3600)\n"
        '    return answered.pivot_table(index=by, values="hours", aggfunc="median")["hours"]\n',
        correct=True,
    ),
    Variant(
        "a3-hours-every-comment",
        "a3",
        "q4_median_response_hours",
        "def median_response_hours(comments, by):\n"
        '    answered = comments[comments["replied"]]\n'
        '    hours = (answered["replied_at"] - answered["commented_at"]) / pd.Timedelta(hours=1)\n'
        "    return hours.groupby(answered[by]).median()\n",
        correct=False,
        message="leave out comments that are not questions",
    ),
    # A3 Q5: a loop over the years; every comment counted as a question; mean hours.
    Variant(
        "a3-dialogue-loop",
        "a3",
        "q5_dialogue_by_year",
        "_rows = []\n"
        '_questions = comments[comments["is_question"]]\n'
        'for _year, _g in _questions.groupby(_questions["commented_at"].dt.year):\n'
        '    _a = _g[_g["replied"]]\n'
        '    _rows.append({"year": int(_year), "questions": len(_g), "response_rate": _g["replied"].mean(),\n'
        '                  "median_hours": ((_a["replied_at"] - _a["commented_at"]).dt.total_seconds() / 3600)'
        ".median()})\n"
        'dialogue_by_year = pd.DataFrame(_rows).set_index("year")\n',
        correct=True,
    ),
    Variant(
        "a3-dialogue-every-comment",
        "a3",
        "q5_dialogue_by_year",
        '_year = comments["commented_at"].dt.year\n'
        '_q = comments[comments["is_question"]]\n'
        '_a = _q[_q["replied"]]\n'
        'dialogue_by_year = pd.DataFrame({"questions": comments.groupby(_year).size(),\n'
        '                                 "response_rate": _q.groupby(_year)["replied"].mean(),\n'
        '                                 "median_hours": ((_a["replied_at"] - _a["commented_at"])'
        " / pd.Timedelta(hours=1)).groupby(_year).median()})\n",
        correct=False,
        message="the yearly numbers of questions should add up to all the questions",
    ),
    Variant(
        "a3-dialogue-mean-hours",
        "a3",
        "q5_dialogue_by_year",
        '_q = comments[comments["is_question"]].assign(year=comments["commented_at"].dt.year)\n'
        '_q["hours"] = (_q["replied_at"] - _q["commented_at"]) / pd.Timedelta(hours=1)\n'
        'dialogue_by_year = _q.groupby("year").agg(questions=("comment_id", "size"),\n'
        '                                          response_rate=("replied", "mean"),\n'
        '                                          median_hours=("hours", "mean"))\n',
        correct=False,
        message=HIDDEN_FAILURE,
    ),
    # A3 Q6: half-open between; every comment counted.
    Variant(
        "a3-window-between-left",
        "a3",
        "q6_window_summary",
        "def window_summary(posts, comments, start, stop):\n"
        '    n_posts = int(posts["posted_at"].between(start, stop, inclusive="left").sum())\n'
        '    q = comments[comments["is_question"] & comments["commented_at"].between(start, stop, inclusive="left")]\n'
        '    hours = (q["replied_at"] - q["commented_at"]).dt.total_seconds() / 3600\n'
        '    return dict(posts=n_posts, questions=len(q), response_rate=q["replied"].sum() / len(q),\n'
        "                median_response_hours=hours[q['replied']].median())\n",
        correct=True,
    ),
    Variant(
        "a3-window-every-comment",
        "a3",
        "q6_window_summary",
        "def window_summary(posts, comments, start, stop):\n"
        '    in_posts = posts[(posts["posted_at"] >= start) & (posts["posted_at"] < stop)]\n'
        '    c = comments[(comments["commented_at"] >= start) & (comments["commented_at"] < stop)]\n'
        '    answered = c[c["replied"]]\n'
        '    hours = (answered["replied_at"] - answered["commented_at"]) / pd.Timedelta(hours=1)\n'
        '    return {"posts": len(in_posts), "questions": len(c), "response_rate": float(c["replied"].mean()),\n'
        '            "median_response_hours": float(hours.median())}\n',
        correct=False,
        message="count only comments that are questions",
    ),
    # A4 Q1: a table of small functions; no ValueError for an unknown name.
    Variant(
        "a4-measure-dispatch-table",
        "a4",
        "q1_measure",
        A4_MEASURE_DISPATCH,
        correct=True,
    ),
    Variant(
        "a4-measure-no-valueerror",
        "a4",
        "q1_measure",
        A4_MEASURE_FORGETS_UNKNOWN_NAMES,
        correct=False,
        message="measure should raise a ValueError for a name not in MEASURABLE_METRICS",
    ),
    # A4 Q2: other metrics, baselines from measure(), one rounded; a misspelt key.
    Variant("a4-goals-with-measure", "a4", "q2_goals", A4_GOALS_WITH_MEASURE, correct=True),
    Variant(
        "a4-goals-misspelt-key",
        "a4",
        "q2_goals",
        A4_GOALS_WITH_MEASURE.replace('"data_source": _source', '"datasource": _source'),
        correct=False,
        message="should have exactly the keys",
    ),
)
