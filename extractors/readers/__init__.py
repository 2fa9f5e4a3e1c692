"""Per-genre readers: turn a loaded document into prose (and cards, articles) for the figure
engine. Readers know documents; the engine (extractors/figures) knows neither them nor sources."""
