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
)
