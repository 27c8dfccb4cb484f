"""Disclosure control on hand-made tables: a naive threshold leaks through the totals and the
audit catches it; protected tables leave every suppressed cell an interval at least the
threshold wide, also across tables that share a margin; rare categories become "other"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.stats.disclosure import (
    OTHER,
    TOTAL,
    DisclosureError,
    Table,
    audit,
    group_rare,
    primary,
    protect,
    published,
)


def grid(key, data: dict[str, dict[str, int]], margin="") -> Table:
    rows = list(data)
    cols = list(next(iter(data.values())))
    counts = {(r, c): n for r, row in data.items() for c, n in row.items()}
    return Table(key, rows, cols, counts, margin=margin)


def test_a_naive_threshold_leaks_through_the_totals_and_the_audit_catches_it():
    table = grid("contacts", {"NV": {"phone": 1, "sms": 10}, "TX": {"phone": 5, "sms": 7}})
    primary(table, 3)
    assert table.suppressed == {("NV", "phone")}
    # NV's total (11) and NV's texts (10) are published: the hidden cell is 11 - 10 = 1
    [interval] = audit([table])
    assert (interval.low, interval.high) == (1, 1)
    protected, intervals = protect([table], 3)
    assert all(i.width >= 3 for i in intervals)
    shown = published(protected[0])
    assert shown[("NV", "phone")] is None
    assert shown[("NV", TOTAL)] == 11 and shown[(TOTAL, TOTAL)] == 23


def test_the_audit_checks_totals_that_are_small_themselves():
    table = grid("t", {"AK": {"a": 1, "b": 1}, "CA": {"a": 9, "b": 14}, "TX": {"a": 8, "b": 6}})
    protected, intervals = protect([table], 3)
    t = protected[0]
    assert ("AK", TOTAL) in t.suppressed  # 2 contacts in the state is itself small
    assert all(i.width >= 3 for i in intervals)


def test_a_total_suppressed_in_one_table_is_suppressed_in_every_table_of_its_margin():
    by_channel = grid("by_channel", {"VT": {"phone": 2, "sms": 0}, "CA": {"phone": 30, "sms": 12},
                                     "NY": {"phone": 25, "sms": 9}}, margin="contacts")  # fmt: skip
    by_type = grid("by_type", {"VT": {"tip": 1, "info": 1}, "CA": {"tip": 20, "info": 22},
                               "NY": {"tip": 17, "info": 17}}, margin="contacts")  # fmt: skip
    protected, intervals = protect([by_channel, by_type], 3)
    assert all(("VT", TOTAL) in t.suppressed for t in protected)
    assert all(i.width >= 3 for i in intervals)
    # audited together: one variable for the shared total, and both tables' equations on it
    joint = audit(protected)
    assert len([i for i in joint if i.cell == ("VT", TOTAL)]) == 1


def test_a_total_published_by_another_table_would_undo_the_suppression():
    """What the joint audit exists for: alone, each table looks safe."""
    left = grid("left", {"VT": {"a": 1, "b": 4}, "CA": {"a": 4, "b": 12}}, margin="m")
    right = grid("right", {"VT": {"x": 5, "y": 0}, "CA": {"x": 9, "y": 7}}, margin="m")
    primary(left, 3)
    assert ("VT", TOTAL) not in left.suppressed  # 5 is not small
    protected, intervals = protect([left, right], 3)
    assert all(i.width >= 3 for i in intervals)


def test_rare_categories_become_other():
    table = grid("venues", {"TX": {"farm": 6, "hotel": 1, "circus": 1, "other": 0},
                            "CA": {"farm": 9, "hotel": 0, "circus": 0, "other": 2}})  # fmt: skip
    grouped = group_rare(table, 3)
    assert grouped.cols == ["farm", OTHER]
    assert grouped.counts[("TX", OTHER)] == 2 and grouped.counts[("CA", OTHER)] == 2


def test_suppressed_cells_of_tables_without_totals_each_get_their_interval():
    """Two tables that are not partitions (a case counts in several columns) each suppress a
    cell no equation touches: the second once took the first's cached interval (KeyError)."""
    tables = []
    for key, rare in (("methods", "m"), ("services", "s")):
        table = grid(key, {"all": {rare: 1, "common": 40}})
        table.partition = False
        tables.append(table)
    _protected, intervals = protect(tables, 3)
    assert [(i.table, i.cell, i.low) for i in intervals] == [
        ("methods", ("all", "other"), 0), ("services", ("all", "other"), 0)
    ]  # fmt: skip
    assert all(i.width >= 3 for i in intervals)


def test_a_table_left_unprotected_is_refused():
    from lantern.stats.disclosure import complementary

    table = grid("t", {"A": {"w": 1, "x": 1, "y": 8, "z": 1}, "B": {"w": 0, "x": 30, "y": 1,
                 "z": 8}, "C": {"w": 30, "x": 8, "y": 1, "z": 5}})  # fmt: skip
    primary(table, 3)
    with pytest.raises(DisclosureError, match="only"):
        complementary([table], 3, max_rounds=0)  # no rounds allowed: it cannot finish
    protected, intervals = protect(
        [
            grid(
                "t",
                {
                    "A": {"w": 1, "x": 1, "y": 8, "z": 1},
                    "B": {"w": 0, "x": 30, "y": 1, "z": 8},
                    "C": {"w": 30, "x": 8, "y": 1, "z": 5},
                },
            )
        ],
        3,
    )
    assert all(i.width >= 3 for i in intervals)


counts = st.integers(min_value=0, max_value=25)


@settings(max_examples=60, deadline=None)
@given(
    data=st.integers(min_value=2, max_value=5).flatmap(
        lambda n_rows: st.integers(min_value=2, max_value=4).flatmap(
            lambda n_cols: st.lists(
                st.lists(counts, min_size=n_cols, max_size=n_cols),
                min_size=n_rows, max_size=n_rows,
            )
        )
    ),
    threshold=st.sampled_from([3, 5, 10]),
)  # fmt: skip
def test_protected_tables_never_let_a_suppressed_cell_be_narrowed(data, threshold):
    rows = [f"r{i}" for i in range(len(data))]
    cols = [f"c{j}" for j in range(len(data[0]))]
    table = Table("t", rows, cols, {(r, c): data[i][j] for i, r in enumerate(rows)
                                    for j, c in enumerate(cols)})  # fmt: skip
    try:
        protected, intervals = protect([table], threshold)
    except DisclosureError:
        return  # refusing is allowed; publishing something narrow is not
    t = protected[0]
    for cell, shown in published(t).items():
        value = t.value(cell)
        if shown is not None:
            assert shown == value and not 0 < value < threshold
    assert {i.cell for i in intervals} == t.suppressed
    assert all(i.width >= threshold for i in intervals)
    # the exact audit (no early stop): true intervals, each holding the true value
    for i in audit(protected):
        assert i.width >= threshold and i.low - 1e-6 <= t.value(i.cell) <= i.high + 1e-6
