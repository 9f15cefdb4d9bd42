"""The LSTM & GRU homework: LSTM basics, a part-of-speech tagger, the GRU swap (see assignment.toml)."""
