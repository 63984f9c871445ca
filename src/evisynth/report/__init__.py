"""Words about results: plain-language summaries, tables and the accuracy checker.

Sub-packages are imported on demand; ``import evisynth.report`` loads nothing else.
"""
