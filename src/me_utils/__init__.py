"""Gender-equality M&E workbench for Son La (me_utils)."""
__version__ = "0.1.0"
