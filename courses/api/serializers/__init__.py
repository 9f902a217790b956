"""Serializers of the courses API, one module per concept (the same names as
`courses/api/`), plus `fields` for the fields they share. They shape and validate data
only: no queries beyond the caller-scoped lookups of ids, no side effects."""
