"""Production en France marketplace: settings package and cross-cutting apps."""
