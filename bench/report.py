"""The results: rows, the table (plain and markdown), and the verdict against the issue's targets."""

from dataclasses import dataclass

# The targets.
CACHED_VS_STATIC = 0.5  # cached article, as a fraction of nginx serving the same bytes
UNCACHED_MIN_RPS = 500  # uncached article: 5× the ~100 req/s the stack gave before
GROWTH_MAX = 1.2  # p50 at 100,000 articles / p50 at 1,000, per page

ARTICLE, UNCACHED, STATIC = "article", "article (uncached)", "static file (nginx)"
CEILING = "trivial WSGI app (granian)"
# Table order within a (backend, size) block; other pages keep the order they were measured in.
LEADING, TRAILING = (ARTICLE, UNCACHED), (CEILING, STATIC)
# Rows measuring the servers, not Caspian.
REFERENCES = (CEILING, STATIC)
COLUMNS = ("backend", "articles", "page", "req/s", "p50 ms", "p99 ms", "× static", "server CPU", "wrk CPU", "cache")


@dataclass
class Row:
    """One measured URL. ``size`` is the archive size asked for, ``articles`` the one the site had.

    ``result`` is None when the page could not be measured (``note`` says
    why); CPU figures are seconds used during the measurement.
    """

    backend: str
    size: int
    articles: int
    page: str
    url: str
    result: object = None
    cache: str = ""
    server_cpu_seconds: float = 0.0
    note: str = ""

    @property
    def block(self):
        return (self.backend, self.size)


def in_table_order(rows):
    """``rows`` by block (in the order measured), the article and uncached article first, the reference servers last."""
    blocks = list(dict.fromkeys(row.block for row in rows))

    def key(row):
        if row.page in LEADING:
            rank = LEADING.index(row.page)
        else:
            rank = len(LEADING) + (TRAILING.index(row.page) + 1 if row.page in TRAILING else 0)
        return blocks.index(row.block), rank

    return sorted(rows, key=key)


def static_figures(rows):
    """req/s of the static file per (backend, size) block."""
    return {row.block: row.result.requests_per_second for row in rows if row.page == STATIC and row.result}


def ratio(row, statics):
    """``row``'s req/s as a fraction of its block's static figure, or None."""
    static = statics.get(row.block)
    if not static or row.result is None:
        return None
    return row.result.requests_per_second / static


def cells(row, statics, seconds):
    """The row's table cells, as text, in :data:`COLUMNS` order."""
    head = [row.backend, f"{row.articles:,}", row.page]
    if row.result is None:
        return [*head, "-", "-", "-", "-", "-", "-", row.note]
    result, share = row.result, ratio(row, statics)
    cache = row.cache + (f"; {result.errors:,} errors in {result.requests:,}" if result.errors else "")
    if not result.requests:
        cache += "; no answer within the run"
    return [
        *head,
        f"{result.requests_per_second:,.0f}"
        if result.requests_per_second >= 100
        else f"{result.requests_per_second:.1f}",
        _ms(result.p50_ms),
        _ms(result.p99_ms),
        f"{share:.2f}×" if share is not None else "-",
        f"{row.server_cpu_seconds / seconds:.0%}",
        f"{result.wrk_cpu_seconds / seconds:.0%}",
        cache,
    ]


def _ms(value):
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def plain_table(rows, seconds):
    """The table as aligned text lines, for the terminal (numbers right-aligned)."""
    statics = static_figures(rows)
    lines = [cells(row, statics, seconds) for row in in_table_order(rows)]
    return aligned(COLUMNS, lines, numeric={1, 3, 4, 5, 6, 7, 8})


def aligned(columns, rows, numeric):
    """``rows`` of cells under ``columns`` as aligned text lines; the columns numbered in ``numeric`` right-aligned."""
    table = [list(columns), *rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    return [
        "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in table
    ]


def markdown_table(rows, seconds):
    """The table in markdown, ready to paste into bench/RESULTS.md."""
    statics = static_figures(rows)
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---", "---:", "---", *["---:"] * 6, "---"]) + "|"]
    lines += ["| " + " | ".join(cells(row, statics, seconds)) + " |" for row in in_table_order(rows)]
    return lines


# --- verdict ------------------------------------------------------------------


def verdict(rows):
    """One line per target and block: the figure, the target, PASS or FAIL (or why it was not measured)."""
    statics = static_figures(rows)
    lines = []
    for row in rows:
        label = f"{row.backend}, {row.articles:,} articles"
        if row.page in (ARTICLE, UNCACHED) and row.result is None:
            lines.append(f"- FAIL {row.page}: {row.note} ({label})")
        if row.page == ARTICLE and row.result:
            share = ratio(row, statics)
            if share is not None:
                lines.append(
                    f"{_mark(share >= CACHED_VS_STATIC)} cached article ≥ {CACHED_VS_STATIC}× static: "
                    f"{share:.2f}× ({label}{'' if row.cache == 'hit' else '; not served from the page cache'})"
                )
        if row.page == UNCACHED and row.result:
            rps = row.result.requests_per_second
            lines.append(
                f"{_mark(rps >= UNCACHED_MIN_RPS)} uncached article ≥ {UNCACHED_MIN_RPS} req/s: {rps:,.0f} ({label})"
            )
    return lines + _growth(rows)


def _growth(rows):
    """p50 at the largest archive over p50 at the smallest, per backend and page."""
    lines = []
    for backend in dict.fromkeys(row.backend for row in rows):
        measured = [
            row
            for row in rows
            if row.backend == backend and row.result and row.result.requests and row.page not in REFERENCES
        ]
        counts = sorted({row.articles for row in measured})
        if len(counts) < 2:
            lines.append(
                f"- archive growth ({backend}): not measured, the run had one archive size "
                f"({counts[0] if counts else 0:,} articles); it needs two, e.g. --sizes 1000,100000"
            )
            continue
        small, large = counts[0], counts[-1]
        p50 = {(row.page, row.articles): row.result.p50_ms for row in measured}
        for page in dict.fromkeys(row.page for row in measured):
            if (page, small) in p50 and (page, large) in p50:
                growth = p50[page, large] / p50[page, small]
                lines.append(
                    f"{_mark(growth <= GROWTH_MAX)} archive growth {small:,} → {large:,} changes p50 by ≤ "
                    f"{GROWTH_MAX}×: {growth:.2f}× ({backend}, {page})"
                )
    return lines


def _mark(passed):
    return "- PASS" if passed else "- FAIL"


def markdown_report(rows, facts, settings, verdict_lines, seconds, quick):
    """The whole results file: machine facts, how it was run, the table and the verdict."""
    title = f"# Caspian benchmark, {facts['date']}, {facts['host']}"
    if quick:
        title += " (quick smoke run: too short to quote)"
    facts_lines = [
        f"- Machine: {facts['cpu']}, {facts['memory']}; {facts['system']}",
        f"- Python {facts['python']}; {facts['software']}",
        f"- Code: {facts['code']}",
        f"- Load average (1 min): {facts['load']}",
        *(f"- {name}: {value}" for name, value in settings.items()),
    ]
    return "\n".join(
        [
            title,
            "",
            *facts_lines,
            "",
            *markdown_table(rows, seconds),
            "",
            "## Against the targets",
            "",
            *verdict_lines,
            "",
        ]
    )
