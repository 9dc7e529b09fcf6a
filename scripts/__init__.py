"""Developer scripts: the demo and its helpers."""
