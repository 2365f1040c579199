"""The machinery of a build: cache, output folder, paths, progress, environment, templates."""
