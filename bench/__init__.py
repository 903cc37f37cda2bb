"""The benchmark harness (`make bench`), its floor, and the load script (`make load`)."""
