"""Chat pages, polls and actions, one module per topic. Every conversation URL answers 404 to
non-participants. Each view parses its input, calls a selector or a service, and renders a presenter's
context."""
