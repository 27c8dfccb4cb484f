"""Disclosure control: what makes a table of counts safe to publish.

A ``Table`` is a grid of counts (rows such as states, columns such as channels) with, when its
rows and columns partition one population ("partition" tables), row totals, column totals and a
grand total. ``protect`` runs, in order:

1. **Rare categories into "other"**: a column whose whole-table total is under the threshold
   joins the column "other" (NHTH groups unusual venues the same way).
2. **Primary suppression**: every cell, total or not, with 0 < count < threshold.
3. **Complementary suppression**: more cells, chosen so that no suppressed cell can be worked
   out from the totals. A cell's protection is measured by the **interval audit**: the smallest
   and largest values it can take (a linear program over all suppressed cells, counts >= 0,
   every published cell and every total equation, across all tables that share totals),
   solved with HiGHS (``highspy``, the solver behind ``scipy.optimize.linprog``). While some
   suppressed cell's interval is narrower than the threshold, the smallest published cell in
   its row or column is suppressed too.
4. If that cannot protect every cell, ``protect`` raises ``DisclosureError``: nothing is
   published.

Tables that share a margin (say, contacts by state and channel, and contacts by state and first
call type, whose row totals are both "contacts in the state") are audited together, and a total
suppressed in one is suppressed in all, so one table cannot undo another.

Suppressed cells are published all alike ("suppressed": fewer than the threshold, or withheld so
that such a cell cannot be worked out), so the pattern does not tell which were small. The LP is
the continuous relaxation of the attacker's integer problem: its intervals can only be wider than
the integer ones by less than one, and the audit demands a width of at least the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

TOTAL = "_total"
OTHER = "other"


class DisclosureError(Exception):
    """A table (or release) that cannot be made safe; ``problems`` lists why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Table:
    """Counts by (row, column). ``partition``: every unit is in exactly one cell, so totals are
    published and hold as equations. ``margin``: tables with the same margin key count the same
    population by the same rows, so their row totals are the same numbers."""

    key: str
    rows: list[str]
    cols: list[str]
    counts: dict[tuple[str, str], int]
    partition: bool = True
    margin: str = ""
    suppressed: set = field(default_factory=set)  # cells, totals included: (row, col)

    def value(self, cell) -> int:
        r, c = cell
        if r == TOTAL and c == TOTAL:
            return sum(self.counts.get((row, col), 0) for row in self.rows for col in self.cols)
        if c == TOTAL:
            return sum(self.counts.get((r, col), 0) for col in self.cols)
        if r == TOTAL:
            return sum(self.counts.get((row, c), 0) for row in self.rows)
        return self.counts.get(cell, 0)

    def cells(self, *, totals: bool = True):
        for r in self.rows:
            for c in self.cols:
                yield (r, c)
        if totals and self.partition:
            for r in self.rows:
                yield (r, TOTAL)
            if len(self.rows) > 1:  # one row: its total is the grand total
                for c in self.cols:
                    yield (TOTAL, c)
                yield (TOTAL, TOTAL)

    def equations(self):
        """(total cell, the cells that add up to it) for a partition table."""
        if not self.partition:
            return
        for r in self.rows:
            yield (r, TOTAL), [(r, c) for c in self.cols]
        if len(self.rows) > 1:
            for c in self.cols:
                yield (TOTAL, c), [(r, c) for r in self.rows]
            yield (TOTAL, TOTAL), [(r, TOTAL) for r in self.rows]
            yield (TOTAL, TOTAL), [(TOTAL, c) for c in self.cols]


def group_rare(table: Table, threshold: int) -> Table:
    """Columns whose total is under ``threshold`` become one column, "other" (kept last)."""
    totals = {c: table.value((TOTAL, c)) for c in table.cols}
    rare = [c for c in table.cols if 0 < totals[c] < threshold and c != OTHER]
    if not rare:
        return table
    keep = [c for c in table.cols if c not in rare and c != OTHER]
    counts: dict = defaultdict(int)
    for (r, c), n in table.counts.items():
        counts[(r, OTHER if c in rare or c == OTHER else c)] += n
    return Table(table.key, table.rows, [*keep, OTHER], dict(counts), table.partition,
                 table.margin)  # fmt: skip


def primary(table: Table, threshold: int) -> None:
    for cell in table.cells():
        if 0 < table.value(cell) < threshold:
            table.suppressed.add(cell)


# --- the interval audit -----------------------------------------------------------------------


def _var_key(table: Table, cell):
    """Cells that are the same number in every table of a margin share one LP variable."""
    r, c = cell
    if table.margin and c == TOTAL:
        return ("margin", table.margin, r)
    return (table.key, r, c)


@dataclass
class Interval:
    table: str
    cell: tuple
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


def audit(tables: list[Table], enough: float | None = None) -> list[Interval]:
    """The tightest interval an attacker can derive for every suppressed cell of ``tables``
    (which are audited together: pass every table that shares a margin).

    The suppressed cells and the equations that touch them split into independent pieces
    (cells no equation links); each piece is one linear program, solved for the minimum and
    the maximum of each of its cells, warm-started from the previous solve.

    With ``enough`` (the threshold), a cell is not solved for once the solutions already
    found for other cells show it taking values at least ``enough`` apart: its interval is
    reported as that span, a lower bound of its true width, which is all the audit needs."""
    index: dict = {}
    where: dict = {}
    for t in tables:
        for cell in sorted(t.suppressed):
            key = _var_key(t, cell)
            if key not in index:
                index[key] = len(index)
                where[key] = (t.key, cell)
    if not index:
        return []
    equations = []  # ({variable: coefficient}, right-hand side)
    for t in tables:
        for total, parts in t.equations():
            coeffs: dict = {}
            constant = 0
            for cell, sign in [(total, -1), *((p, 1) for p in parts)]:
                if cell in t.suppressed:
                    i = index[_var_key(t, cell)]
                    coeffs[i] = coeffs.get(i, 0) + sign
                else:
                    constant += sign * t.value(cell)
            coeffs = {i: a for i, a in coeffs.items() if a}
            if coeffs:
                equations.append((coeffs, -constant))
    keys = list(index)
    bounds: dict = {}
    for variables, piece in _pieces(len(keys), equations):
        # a piece untouched since the last round has the same program: solved once. Its cells
        # are part of the signature: cells no equation touches (a table that is not a
        # partition) all have the same empty program, and each needs its own interval.
        signature = (enough, frozenset(keys[v] for v in variables),
                     tuple(sorted((tuple(sorted((keys[v], a) for v, a in coeffs.items())), b)
                                  for coeffs, b in piece)))  # fmt: skip
        if signature not in _SOLVED:
            solved = _solve(variables, piece, enough)
            _SOLVED[signature] = {keys[v]: ends for v, ends in solved.items()}
        bounds.update(_SOLVED[signature])
    return [Interval(*where[key], *bounds[key]) for key in keys]


_SOLVED: dict = {}  # cleared by ``protect``: a cache for one run of complementary suppression


def _pieces(n: int, equations):
    """Connected components: variables that share an equation, and those equations."""
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for coeffs, _ in equations:
        first, *rest = coeffs
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict = {}
    for i in range(n):
        groups.setdefault(find(i), ([], []))[0].append(i)
    for eq in equations:
        groups[find(next(iter(eq[0])))][1].append(eq)
    return list(groups.values())


def _solve(variables: list[int], equations, enough=None) -> dict[int, tuple[float, float]]:
    """Min and max of each variable subject to ``equations``, variables >= 0 (HiGHS); with
    ``enough``, a variable already seen that far apart in earlier solutions is not solved."""
    if not equations:
        return {v: (0.0, float("inf")) for v in variables}
    import highspy
    import numpy as np

    column = {v: j for j, v in enumerate(variables)}
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(variables), len(equations)
    lp.col_cost_ = np.zeros(len(variables))
    lp.col_lower_ = np.zeros(len(variables))
    lp.col_upper_ = np.full(len(variables), highspy.kHighsInf)
    rhs = np.array([float(b) for _, b in equations])
    lp.row_lower_, lp.row_upper_ = rhs, rhs
    starts, idx, vals = [0], [], []
    for coeffs, _ in equations:
        for v, a in coeffs.items():
            idx.append(column[v])
            vals.append(float(a))
        starts.append(len(idx))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(idx, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(vals)
    h = _highs()
    h.setOptionValue("presolve", "off")  # only the costs change between solves: warm starts
    h.passModel(lp)
    seen_low = np.full(len(variables), np.inf)  # the values seen in solutions so far
    seen_high = np.full(len(variables), -np.inf)
    out = {}
    previous = None
    for v, j in column.items():
        if enough is not None and seen_high[j] - seen_low[j] >= enough:
            out[v] = (float(seen_low[j]), float(seen_high[j]))
            continue
        if previous is not None:
            h.changeColCost(previous, 0.0)
        h.changeColCost(j, 1.0)
        previous = j
        ends = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                ends.append(h.getInfo().objective_function_value)
                point = np.array(h.getSolution().col_value)
                np.minimum(seen_low, point, out=seen_low)
                np.maximum(seen_high, point, out=seen_high)
            elif sense == highspy.ObjSense.kMaximize:
                ends.append(float("inf"))  # unbounded above: nothing pins it
                seen_high[j] = np.inf
            else:
                raise DisclosureError([f"the audit's program could not be solved: {status}"])
        out[v] = (max(0.0, ends[0]), ends[1])
    return out


def _highs():
    """A silent HiGHS solver (its first start prints a banner on standard output)."""
    import os
    import sys

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.silent()
    return h


# --- complementary suppression ----------------------------------------------------------------


def _candidates(tables: list[Table], table: Table, cell):
    """(table, cell) pairs that, suppressed too, give ``cell`` room: its row and its column,
    and for a shared total the rows of every table of the margin."""
    if table.margin and cell[1] == TOTAL:
        return [(t, x) for t in tables if t.margin == table.margin
                for x in _line(t, cell)]  # fmt: skip
    return [(table, x) for x in _line(table, cell)]


def _cost(option) -> tuple:
    """Totals last (readers need them most), then zeros (they give no room), then the smallest
    count (it hides the cell at the least cost to the reader)."""
    table, cell = option
    value = table.value(cell)
    return (TOTAL in cell, value == 0, value)


def _line(table: Table, cell):
    r, c = cell
    if r == TOTAL and c == TOTAL:
        return []
    if c == TOTAL:  # a row total: another row's total, and a cell in the row
        line = [(row, TOTAL) for row in table.rows if row != r] if len(table.rows) > 1 else []
        line += [(r, col) for col in table.cols]
    elif r == TOTAL:
        line = [(TOTAL, col) for col in table.cols if col != c]
        line += [(row, c) for row in table.rows]
    else:
        line = [(r, col) for col in table.cols if col != c]
        line += [(row, c) for row in table.rows if row != r]
        line += [(r, TOTAL)] + ([(TOTAL, c)] if len(table.rows) > 1 else [])  # last resort
    return [x for x in line if x not in table.suppressed]


def _suppress(tables: list[Table], table: Table, cell) -> None:
    """Suppress ``cell``; a shared total goes in every table of its margin."""
    table.suppressed.add(cell)
    if table.margin and cell[1] == TOTAL:
        for other in tables:
            if other.margin == table.margin:
                other.suppressed.add(cell)


def _two_per_equation(tables: list[Table]) -> None:
    """The cheap part first: an equation with exactly one suppressed cell gives it away, so
    suppress the cheapest other cell of each such equation until none is left. Necessary, not
    sufficient: the audit still decides."""
    changed = True
    while changed:
        changed = False
        for t in tables:
            for total, parts in t.equations():
                members = [total, *parts]
                hidden = [c for c in members if c in t.suppressed]
                if len(hidden) != 1:
                    continue
                options = [(t, c) for c in members if c not in t.suppressed]
                if options:
                    table, cell = min(options, key=_cost)
                    _suppress(tables, table, cell)
                    changed = True


def complementary(tables: list[Table], threshold: int, max_rounds: int = 200) -> None:
    by_key = {t.key: t for t in tables}
    _two_per_equation(tables)
    for _ in range(max_rounds):
        weak = [i for i in audit(tables, threshold) if i.width < threshold]
        if not weak:
            return
        progressed = False
        for interval in weak:
            options = _candidates(tables, by_key[interval.table], interval.cell)
            if not options:
                continue
            table, cell = min(options, key=_cost)
            _suppress(tables, table, cell)
            progressed = True
        if not progressed:
            break
    weak = [i for i in audit(tables, threshold) if i.width < threshold]
    if weak:
        raise DisclosureError([f"{i.table} {i.cell}: only {i.low:g}..{i.high:g}" for i in weak])


def margin_groups(tables: list[Table]) -> list[list[Table]]:
    """Tables audited together: those sharing a margin key; the rest one by one."""
    groups: dict = defaultdict(list)
    for t in tables:
        groups[t.margin or ("alone", t.key)].append(t)
    return list(groups.values())


def protect(tables: list[Table], threshold: int) -> tuple[list[Table], list[Interval]]:
    """Group rare categories, suppress, audit. Returns the protected tables and every
    suppressed cell's interval; raises ``DisclosureError`` if any stays narrower than the
    threshold."""
    _SOLVED.clear()
    out = [group_rare(t, threshold) for t in tables]
    for t in out:
        primary(t, threshold)
    for group in margin_groups(out):
        for t in group:  # a total suppressed in one table of a margin is suppressed in all
            for cell in list(t.suppressed):
                if cell[1] == TOTAL:
                    _suppress(group, t, cell)
        if any(t.partition for t in group):
            complementary(group, threshold)
    intervals = [i for group in margin_groups(out) for i in audit(group, threshold)]
    narrow = [i for i in intervals if i.width < threshold]
    if narrow:
        raise DisclosureError([f"{i.table} {i.cell}: only {i.low:g}..{i.high:g}" for i in narrow])
    return out, intervals


def published(table: Table) -> dict[tuple[str, str], int | None]:
    """Every cell as it is published: its count, or None where suppressed."""
    return {cell: None if cell in table.suppressed else table.value(cell) for cell in
            table.cells()}  # fmt: skip
