"""CJK-aware analysis shared by every backend: every engine indexes the same terms.

``folding`` folds text (traditional → simplified Chinese with OpenCC, comparison keys);
``terms`` turns values into index and query terms (Han runs as character bigrams plus jieba
words, Latin words folded, stop-filtered and stemmed, identifiers in every written form,
CLC numbers with their hierarchy). Importing this package loads neither jieba nor OpenCC.
"""

# Raise when a change of ``terms`` or ``folding`` changes the terms a value yields in a way
# the declared analyzer chains do not show (the index's content version includes it, so an
# index written before the change is rebuilt).
ANALYSIS_VERSION = 2  # 2: variant characters folded (锺 → 钟), Latin shingles for phrases
