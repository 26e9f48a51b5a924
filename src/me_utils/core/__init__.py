"""Layer 1 — core: codes, one exception hierarchy with one located finding, the bilingual label
catalogue, number and date formatting, paths, atomic writes, formula-safe csv. Imports nothing
from the other layers.
"""
