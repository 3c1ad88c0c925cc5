"""H5P packages: validation and safe extraction of uploaded .h5p files (pure, no models)."""
