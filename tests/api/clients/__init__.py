"""The main flow through generated API clients (run by tests/api/test_generated_clients.py)."""
