"""Imported by the helpers' fork server (``processes.helper_context``): loads the analysis'
dictionaries there once, for every helper forked from it."""
from search_index.analysis.terms import load_dictionaries

load_dictionaries()
