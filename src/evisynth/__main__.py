"""``python -m evisynth`` runs the command-line interface."""

from evisynth.cli.main import main

raise SystemExit(main())
