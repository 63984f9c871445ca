"""Everything that builds the bundled example: the demo pipeline, the synthetic rTMS data and
its generator, the synthetic four-database search and the example project store.

The example review is SYNTHETIC (see ``evisynth/data/rtms/README.md``).
"""
