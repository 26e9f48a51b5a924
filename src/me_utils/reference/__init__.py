"""Layer 2 — reference data: the indicator catalogue, administrative units with the 2025
crosswalk, and the plan (bodies, assignments, obligations). Each has one cached loader that
reloads when its files change.
"""
