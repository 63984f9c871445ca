"""Publication-quality figures drawn from an analysis document (``AnalysisBundle.to_dict()``).

Every figure is made in two steps: a pure ``*_layout(doc, ...)`` function computes rows,
labels, texts and axis limits (tested structurally, no matplotlib drawing involved), and
``draw(layout, fig=None)`` renders that layout on an explicit :class:`matplotlib.figure.Figure`
(never pyplot's global state, so figures can be rendered concurrently). Colours, fonts and
sizes live in :mod:`evisynth.plots._theme`; :mod:`evisynth.plots.export` writes PNG, SVG and PDF.

Modules: ``forest`` (RevMan-layout forest plot), ``funnel`` (contour-enhanced funnel with
trim-and-fill), ``bubble`` (meta-regression), ``sensitivity_plots`` (leave-one-out and
cumulative), ``baujat`` and ``radial`` (Galbraith), ``prisma`` (PRISMA 2020 flow diagram).
Plots never fit a model: anything the document lacks is computed by :mod:`evisynth.analyses.figure_data` and passed in.
"""
