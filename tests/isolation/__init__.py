"""Submissions that attack or break the grader, each with what the batch must still do."""
