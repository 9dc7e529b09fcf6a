"""Singer tap for Everflow."""
