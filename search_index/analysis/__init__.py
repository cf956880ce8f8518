"""CJK-aware analysis shared by every backend: every engine indexes the same terms.

``folding`` folds text (traditional → simplified Chinese with OpenCC, comparison keys);
``terms`` turns values into index and query terms (Han runs as character bigrams plus jieba
words, Latin words folded, stop-filtered and stemmed, identifiers in every written form,
CLC numbers with their hierarchy). Importing this package loads neither jieba nor OpenCC.
"""

# Raise when a change of ``terms`` or ``folding`` changes the terms a value yields in a way
# the declared analyzer chains do not show (the index's content version includes it, so an
# index written before the change is rebuilt).
# 2: variant characters folded (锺 → 钟), Latin shingles for phrases
# 3: Han beyond the Basic Multilingual Plane (𪽪, and what OpenCC folds to it) is Han: bigrams,
#    no longer a Latin word or a shingle's half
ANALYSIS_VERSION = 3
