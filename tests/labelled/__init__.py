"""Labelled submissions: realistic mistakes and correct variations, each with the tests it must lose."""
