"""Exercise titles in the edition's language (a Sphinx extension, loaded after ``sphinx_exercise``).

An exercise's title is "Exercise 3.2 (<subtitle>)", the subtitle being the directive's argument. Sphinx's
gettext only extracts and translates text nodes that carry a source, a line and their raw text
(``sphinx.util.nodes.is_translatable``); sphinx-exercise builds the subtitle node without any of them,
so the subtitle never reached the catalogs and the Indonesian edition kept the English one. A transform
that ran later could not help: sphinx-exercise's post-transforms rebuild the title from that node, and
solutions take the exercise's title from a copy made when the directive ran, before any translation.

This extension fixes both ends:

- the ``exercise`` and ``exercise-start`` directives are sphinx-exercise's own, except that the subtitle
  node they build carries the argument's raw text, source and line: gettext extracts it into the page's
  catalog, and Sphinx's ``Locale`` transform (priority 20) translates it like any other sentence;
- after ``Locale``, the copy of each exercise in sphinx-exercise's registry gets the translated subtitle,
  so that "Solution to Exercise 3.2 (<subtitle>)" and links to the exercise use it too;
- the gettext builder extracts messages after the post-transforms, when sphinx-exercise has already
  replaced the title by a new node without a source: for that builder only, a copy of each subtitle is
  kept beside the title, where gettext finds it (the catalog builder draws nothing).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise import directive as exercise_directive
from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, exercise_subtitle


def _make_translatable(found: list[nodes.Node], directive: exercise_directive.ExerciseDirective) -> list[nodes.Node]:
    if not directive.arguments:
        return found
    source, line = directive.get_source_info()
    for node in found:
        for subtitle in node.findall(exercise_subtitle):
            subtitle.rawsource = directive.arguments[0]
            subtitle.source, subtitle.line = source, line
    return found


class ExerciseDirective(exercise_directive.ExerciseDirective):
    def run(self) -> list[nodes.Node]:
        return _make_translatable(super().run(), self)


class ExerciseStartDirective(exercise_directive.ExerciseStartDirective):
    def run(self) -> list[nodes.Node]:
        return _make_translatable(super().run(), self)


class RegisterTranslatedSubtitles(SphinxTransform):
    """Give the registry's copy of each exercise the subtitle as translated on the page."""

    default_priority = 25  # after sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in self.document.findall(lambda n: isinstance(n, exercise_node | exercise_enumerable_node)):
            entry = registry.get(node.get("label", ""))
            page_subtitles = list(node.children[0].findall(exercise_subtitle)) if node.children else []
            if not entry or not page_subtitles:
                continue
            for copied in list(entry["node"].children[0].findall(exercise_subtitle)):
                del copied[:]
                copied.extend(child.deepcopy() for child in page_subtitles[0].children)


class KeepSubtitlesForCatalogs(SphinxPostTransform):
    """For the gettext builder: a copy of each subtitle that survives sphinx-exercise's new title."""

    builders = ("gettext",)
    default_priority = 19  # before sphinx_exercise's ResolveTitlesInExercises (20)

    def run(self, **kwargs) -> None:
        for node in self.document.findall(lambda n: isinstance(n, exercise_node | exercise_enumerable_node)):
            for subtitle in list(node.children[0].findall(exercise_subtitle)) if node.children else []:
                kept = subtitle.deepcopy()
                kept.rawsource, kept.source, kept.line = subtitle.rawsource, subtitle.source, subtitle.line
                if hasattr(subtitle, "uid"):  # the catalog builder skips a node without one
                    kept.uid = subtitle.uid
                node.insert(1, kept)  # right after the title, where a reader of the catalog expects it


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_directive("exercise", ExerciseDirective, override=True)
    app.add_directive("exercise-start", ExerciseStartDirective, override=True)
    app.add_transform(RegisterTranslatedSubtitles)
    app.add_post_transform(KeepSubtitlesForCatalogs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
