"""Tensor basics: a small PyTorch warm-up (a column of numbers, a row softmax, a line fitted with autograd)."""
