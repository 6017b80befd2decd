"""Knowledge operations, one module per area: articles, questions, handovers."""
