"""The analysis's stages, in the order :func:`vision.analysis.analyze_sequence` runs them.

Each stage is a pure function from typed inputs to a frozen result that carries its own
findings (:class:`vision.findings.Finding`); no stage changes another's result.
"""
