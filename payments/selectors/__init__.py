"""Reads for payments, one module per concept: `orders` (orders scoped to who may see
them) and `dashboard` (a tutor's numbers). Querysets come back scoped and prefetched for
the caller; this package re-exports nothing.
"""
