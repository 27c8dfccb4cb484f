"""The statistics app's raw SQL, in one place. Only constants (a table's name, a vendor's
function) go into the text; every value travels as a parameter."""

# a row counts once in every value its JSON list ``{column}`` records; ``{table}`` is the table,
# ``{time}`` the column a period is measured on, ``{where}`` a constant condition, ``{expand}`` one
# of EXPAND_JSON_LIST
BY_JSON_LIST = (
    "SELECT m.value, COUNT(DISTINCT c.id) FROM {table} AS c, {expand} "
    "WHERE c.{time} >= %s AND c.{time} < %s AND {where} "
    "GROUP BY m.value"
)
EXPAND_JSON_LIST = {
    "sqlite": "json_each(c.{column}) AS m",
    "postgresql": "jsonb_array_elements_text(c.{column}) AS m(value)",
}
