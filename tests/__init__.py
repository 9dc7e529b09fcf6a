"""Tests for tap-everflow."""
