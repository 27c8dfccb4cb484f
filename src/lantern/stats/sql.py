"""The statistics app's raw SQL, in one place. Only constants (a table's name, a vendor's
function) go into the text; every value travels as a parameter."""

# a case counts once in every method its JSON list records; ``{cases}`` is the table, ``{expand}``
# one of EXPAND_JSON_LIST
CASES_BY_CONTROL_METHOD = (
    "SELECT m.value, COUNT(DISTINCT c.id) FROM {cases} AS c, {expand} "
    "WHERE c.created_at >= %s AND c.created_at < %s AND c.merged_into_id IS NULL "
    "GROUP BY m.value"
)
EXPAND_JSON_LIST = {
    "sqlite": "json_each(c.control_methods) AS m",
    "postgresql": "jsonb_array_elements_text(c.control_methods) AS m(value)",
}
