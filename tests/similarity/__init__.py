"""A class of hand-ins of the lstm_gru assignment for the code/answer similarity report."""
