"""Publication-quality figures drawn from the typed results of an analysis (an ``AnalysisBundle``).

Every figure is made in two steps: a pure ``*_layout(bundle, ...)`` function computes rows,
labels, texts and axis limits (tested structurally, no matplotlib drawing involved), and
``draw(layout, fig=None)`` renders that layout on an explicit :class:`matplotlib.figure.Figure`
(never pyplot's global state, so figures can be rendered concurrently). Colours, fonts and
sizes live in :mod:`evisynth.plots._theme`; :mod:`evisynth.plots.export` writes PNG, SVG and PDF.

Modules: ``forest`` (RevMan-layout forest plot), ``funnel`` (contour-enhanced funnel with
trim-and-fill), ``bubble`` (meta-regression), ``sensitivity_plots`` (leave-one-out and
cumulative), ``baujat`` and ``radial`` (Galbraith), ``prisma`` (PRISMA 2020 flow diagram).
Layouts read result objects (``bundle.pooled``, ``bundle.studies``, ...), never the JSON document
(a saved one is read back with ``AnalysisBundle.from_dict``), and never fit a model or re-derive a
number: what a figure needs beyond the results (the fitted line of a bubble plot, Baujat's
coordinates) is computed by :mod:`evisynth.analyses.figure_data` and carried in ``bundle.figures``.
"""
