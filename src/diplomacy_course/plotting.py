"""One figure style for the book and the course's own figures.

Colours come from the Okabe-Ito palette, which stays distinguishable under the
common forms of colour-vision deficiency; every platform keeps its colour in
every figure so readers learn it once.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

PLATFORM_COLORS = {
    "x": OKABE_ITO["black"],
    "facebook": OKABE_ITO["blue"],
    "instagram": OKABE_ITO["reddish_purple"],
    "youtube": OKABE_ITO["vermillion"],
    "tiktok": OKABE_ITO["bluish_green"],
}

PLATFORM_LABELS = {
    "x": "X (Twitter)",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "tiktok": "TikTok",
}

# A sequential map that is readable in grey and by colour-blind readers, for heat maps.
SEQUENTIAL_CMAP = "cividis"

_CYCLE = [
    OKABE_ITO[name]
    for name in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "yellow", "black")
]


def use_course_style() -> None:
    """Apply the course style to every later matplotlib figure."""
    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=_CYCLE),
            "figure.figsize": (7.5, 4.2),
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titleweight": "bold",
            "font.size": 11,
            "legend.frameon": False,
            "image.cmap": SEQUENTIAL_CMAP,
        }
    )


def new_figure(**subplots_kwargs):
    """A figure and axes in the course style (a fresh pair, never the global one)."""
    use_course_style()
    return plt.subplots(**subplots_kwargs)
