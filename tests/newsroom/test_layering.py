"""The newsroom is the ground floor: it imports no app above it, and its modules import one another in no circle.

Apps above it add to its pages through :mod:`caspian.newsroom.page_parts`;
its views declare their query parameters with :mod:`caspian.query_parameters`.
The checks read the source with ``ast``, so an import inside a function
counts as much as one at the top of a module (the circles: only those run
when a module is imported).
"""

import ast
from pathlib import Path

import pytest

import caspian.newsroom
from caspian.comments import display
from caspian.distribution import feeds
from caspian.newsroom import page_parts

pytestmark = pytest.mark.pure

NEWSROOM = Path(caspian.newsroom.__file__).parent
SRC = NEWSROOM.parent.parent
ABOVE = (
    "caspian.comments",
    "caspian.distribution",
    "caspian.search",
    "caspian.pagecache",
    "caspian.accounts",
    "caspian.api",
    "caspian.webhooks",
)


def module_name(path):
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree, module, is_package, at_import_time=False):
    """``(line, dotted name)`` of everything ``tree`` imports; a ``from X import y`` names both ``X`` and ``X.y``.

    With ``at_import_time``, only the imports run when the module is
    imported: not those inside functions.
    """
    package = module if is_package else module.rpartition(".")[0]
    nodes = [tree]
    while nodes:
        node = nodes.pop()
        if at_import_time and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        nodes.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from .x (level 1) is in the module's package, from ..x in the one above…
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            yield node.lineno, base
            yield from ((node.lineno, f"{base}.{alias.name}") for alias in node.names)


def newsroom_modules():
    """``{dotted name: (path, ast)}`` of every module under ``src/caspian/newsroom/``."""
    return {module_name(path): (path, ast.parse(path.read_text(), str(path))) for path in NEWSROOM.rglob("*.py")}


def from_above(imports):
    """The ``(line, name)`` pairs of ``imports`` that name an app above the newsroom."""
    return [(line, name) for line, name in imports if any(name == app or name.startswith(f"{app}.") for app in ABOVE)]


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("caspian.newsroom.listings", "from ..comments import display"),
        ("caspian.newsroom.views", "from .. import pagecache"),
        ("caspian.newsroom.models.articles", "def view():\n    from ...distribution import feeds"),
        ("caspian.newsroom.models.pages", "class Page:\n    def search(self):\n        import caspian.search.views"),
    ],
)
def test_an_import_from_above_is_seen_wherever_it_is(module, source):
    assert from_above(imported(ast.parse(source), module, is_package=False))


def test_a_relative_import_is_read_from_the_package_it_is_in():
    source = ast.parse("from ..comments import x\nfrom .articles import y")
    assert {name for _, name in imported(source, "caspian.newsroom.models", is_package=True)} == {
        "caspian.newsroom.comments",  # not the comments app: no import of it
        "caspian.newsroom.comments.x",
        "caspian.newsroom.models.articles",
        "caspian.newsroom.models.articles.y",
    }


def test_the_newsroom_imports_no_app_above_it():
    modules = newsroom_modules()
    assert len(modules) > 30
    offending = {  # one entry per import statement: the longest name it imports
        f"{path.relative_to(SRC)}:{line}": name
        for module, (path, tree) in modules.items()
        for line, name in sorted(from_above(imported(tree, module, path.name == "__init__.py")))
    }
    assert offending == {}


def test_no_circle_among_the_newsroom_modules_at_import_time():
    """Following what each module imports when it is imported never comes back to it.

    Importing ``a.b.c`` runs ``a.b`` first, so a module depends on the
    packages above what it imports too: except its own, which are the ones
    importing it.
    """
    modules = newsroom_modules()
    edges = {}
    for module, (path, tree) in modules.items():
        parts = module.split(".")
        own = {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
        edges[module] = set()
        for _, name in imported(tree, module, path.name == "__init__.py", at_import_time=True):
            names = name.split(".")
            edges[module] |= ({".".join(names[:end]) for end in range(1, len(names) + 1)} & modules.keys()) - own

    done = set()

    def circle_from(module, path):
        """A circle through ``module``, reached by ``path``, or ``None``."""
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for target in sorted(edges[module]):
            if circle := circle_from(target, [*path, module]):
                return circle
        done.add(module)
        return None

    circles = [circle for module in sorted(modules) if (circle := circle_from(module, []))]
    assert circles == [], " -> ".join(circles[0])


def test_the_apps_above_register_what_they_add_to_its_pages():
    assert page_parts.article_parts == {"comments": display.article_context}
    assert page_parts.corrections_parts == {"feeds": feeds.corrections_page_feeds}


def test_parts_are_merged_in_the_order_registered(monkeypatch):
    monkeypatch.setattr(page_parts, "article_parts", {})
    page_parts.add_to_article_page("first", lambda article, request: {"article": article, "last": "first"})
    page_parts.add_to_article_page("second", lambda article, request: {"request": request, "last": "second"})
    assert page_parts.article_context("a story", "a request") == {
        "article": "a story",
        "request": "a request",
        "last": "second",
    }
    # ready() run again: the part is replaced, in its place.
    page_parts.add_to_article_page("first", lambda article, request: {"last": "first again"})
    assert page_parts.article_context("a story", "a request") == {"request": "a request", "last": "second"}
