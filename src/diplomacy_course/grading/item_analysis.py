"""Item analysis: which questions did the class struggle with?"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diplomacy_course.grading.gradebook import cell_scores


def scores_frame(records: list[dict]) -> pd.DataFrame:
    """The gradebook's cell scores, each also as a fraction of the cell's points."""
    scores = pd.DataFrame(records)
    if scores.empty:
        raise ValueError("No graded submissions yet: autograde the assignment first.")
    scores["fraction"] = scores["score"] / scores["max_score"].where(scores["max_score"] > 0)
    return scores


def question_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Per question: mean score, share of full marks and the score distribution."""
    grouped = scores.groupby(["notebook", "question"], sort=False)
    table = grouped.agg(
        autograded=("autograded", "first"),
        max_score=("max_score", "first"),
        students=("student_id", "nunique"),
        mean_score=("score", "mean"),
        full_marks_share=("fraction", lambda f: float((f >= 1 - 1e-9).mean())),
        zero_share=("fraction", lambda f: float((f <= 1e-9).mean())),
        median_fraction=("fraction", "median"),
    ).reset_index()
    table["mean_fraction"] = table["mean_score"] / table["max_score"].where(table["max_score"] > 0)
    return table.round(3)


def plot_questions(scores: pd.DataFrame, table: pd.DataFrame, out: Path) -> Path:
    """A figure: share of full marks per question, and each question's score distribution."""
    from diplomacy_course.plotting import OKABE_ITO, new_figure

    fig, (bars, boxes) = new_figure(ncols=2, figsize=(11, 0.45 * len(table) + 1.8))
    labels = table["question"]
    bars.barh(
        labels,
        table["full_marks_share"],
        color=[OKABE_ITO["blue"] if auto else OKABE_ITO["orange"] for auto in table["autograded"]],
    )
    bars.set_xlim(0, 1)
    bars.set_xlabel("share of students with full marks")
    bars.set_title("Full marks (blue: autograded, orange: rubric)")
    bars.invert_yaxis()
    fractions = [scores.loc[scores["question"] == q, "fraction"].dropna() for q in labels]
    boxes.boxplot(fractions, orientation="horizontal", tick_labels=list(labels))
    boxes.invert_yaxis()
    boxes.set_xlabel("score as a fraction of the question's points")
    boxes.set_title("Score distribution")
    fig.tight_layout()
    fig.savefig(out)
    return out


def item_analysis(db_url: str, assignment_id: str, out_dir: Path) -> tuple[Path, Path]:
    """Write <assignment>-items.csv and <assignment>-items.png into out_dir."""
    scores = scores_frame(cell_scores(db_url, assignment_id))
    table = question_table(scores)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"{assignment_id}-items.csv"
    table.to_csv(csv_path, index=False)
    return csv_path, plot_questions(scores, table, out_dir / f"{assignment_id}-items.png")
