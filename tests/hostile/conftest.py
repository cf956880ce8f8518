"""The hostile-input corpus: every input class of issue #16 as a regression test."""
