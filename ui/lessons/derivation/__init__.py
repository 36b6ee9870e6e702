"""Lesson 1: the L1 gradient, step by step (the chain rule with numbers, the kink, the misconception)."""
