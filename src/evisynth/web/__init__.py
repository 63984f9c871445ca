"""The local web app (``evisynth serve``): Starlette pages over one project store.

Every page calls :mod:`evisynth.api` and renders its typed results with the Jinja2 templates in
``templates/``; the app holds no statistics of its own. Pages live one per module in
:mod:`evisynth.web.pages`, each exposing ``routes``; :func:`evisynth.web.app.create_app` collects them.
"""
