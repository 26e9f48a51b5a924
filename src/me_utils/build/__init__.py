"""Layer 4 — build: rebuilds ``processed/`` from ``raw/`` crash-safely (pipeline, manifest,
reconciliation of bodies and estimates) and loads the processed dataset.
"""
