"""Mentoring operations, one module per area: programmes (programmes, sign-up, matching runs,
review, publishing, answers, requests) and pairs (sessions, goals, feedback, reminders,
metrics, cross-training)."""
