"""Knowledge pages, one module per area: articles, questions, experts, handovers."""
