"""The Korean edition of the LSTM & GRU homework: the English notebook's code, checks and data,
with every instruction in Korean (``build.py`` writes its notebook from the English one)."""
