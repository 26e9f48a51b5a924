"""Layer 6 — the evidence base: every figure and assessment computed once per build, gated,
stored under ``processed/evidence/`` and read by every view.
"""
